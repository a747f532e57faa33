import { z } from 'zod';

const wholeNumber = (min: number, max: number, unit: string) => {
  const error = `expected a whole number of ${unit} from ${min} to ${max}`;
  return z.number({ error }).int(error).min(min, error).max(max, error);
};

/**
 * How Cabin reaches an OpenAI-compatible chat endpoint. Read once at start
 * from the environment; every field is validated so a typo fails there, with
 * the variable's name, instead of as a fallback on every turn.
 */
export const LlmConfig = z.object({
  /** Base URL of the API, the part before `/chat/completions` (e.g. `http://localhost:11434/v1`). */
  url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://localhost:11434/v1' }),
  model: z.string().trim().min(1, 'expected a model name such as qwen-plus or qwen2.5:7b-instruct'),
  /** Bearer key; local servers (Ollama, llama.cpp, vLLM without --api-key) need none. */
  key: z.string().min(1).optional(),
  /** The whole turn, every round and tool included; past it the embedded path answers. */
  timeoutMs: wholeNumber(100, 120_000, 'milliseconds').default(4000),
  /** Model requests per turn; a model still calling tools after this many is looping. */
  maxRounds: wholeNumber(1, 16, 'rounds').default(4),
  /** Server-Sent Events; turn off for servers whose streamed tool calls are broken. */
  stream: z.boolean({ error: 'expected 1 or 0 (true/false, yes/no, on/off)' }).default(true),
});
export type LlmConfig = z.infer<typeof LlmConfig>;

/** The environment variables read by `llmConfigFromEnv`, and the config field each one sets. */
export const LLM_ENV = {
  CABIN_LLM_URL: 'url',
  CABIN_LLM_MODEL: 'model',
  CABIN_LLM_KEY: 'key',
  CABIN_LLM_TIMEOUT_MS: 'timeoutMs',
  CABIN_LLM_MAX_ROUNDS: 'maxRounds',
  CABIN_LLM_STREAM: 'stream',
} as const satisfies Record<string, keyof LlmConfig>;

const FIELD_TO_ENV = Object.fromEntries(Object.entries(LLM_ENV).map(([env, field]) => [field, env])) as Record<keyof LlmConfig, string>;

export type LlmConfigResult =
  | { ok: true; config: LlmConfig }
  /** `CABIN_LLM_URL` is unset: the planner is off and the embedded path answers every turn. */
  | { ok: true; config: null }
  | { ok: false; errors: string[] };

const integer = (text: string): number | string => (/^\s*-?\d+\s*$/.test(text) ? Number(text) : text);
const flag = (text: string): boolean | string => {
  const lower = text.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
  if (['0', 'false', 'no', 'off'].includes(lower)) return false;
  return text;
};

/**
 * The planner's configuration from environment variables (`CABIN_LLM_*`), or
 * `config: null` when `CABIN_LLM_URL` is unset, or one message per bad
 * variable naming it, its value and what was expected.
 */
export function llmConfigFromEnv(env: Readonly<Record<string, string | undefined>>): LlmConfigResult {
  const set = (name: keyof typeof LLM_ENV): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  };
  const url = set('CABIN_LLM_URL');
  if (url === undefined) {
    const stray = (Object.keys(LLM_ENV) as Array<keyof typeof LLM_ENV>).filter((name) => set(name) !== undefined);
    if (stray.length === 0) return { ok: true, config: null };
    return { ok: false, errors: [`CABIN_LLM_URL: not set, but ${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'}; set it to the endpoint's base URL, e.g. http://localhost:11434/v1`] };
  }
  const raw: Record<string, unknown> = { url: normaliseBaseUrl(url.trim()) };
  const model = set('CABIN_LLM_MODEL');
  if (model !== undefined) raw['model'] = model;
  const key = set('CABIN_LLM_KEY');
  if (key !== undefined) raw['key'] = key.trim();
  const timeout = set('CABIN_LLM_TIMEOUT_MS');
  if (timeout !== undefined) raw['timeoutMs'] = integer(timeout);
  const rounds = set('CABIN_LLM_MAX_ROUNDS');
  if (rounds !== undefined) raw['maxRounds'] = integer(rounds);
  const stream = set('CABIN_LLM_STREAM');
  if (stream !== undefined) raw['stream'] = flag(stream);
  const parsed = LlmConfig.safeParse(raw);
  if (parsed.success) return { ok: true, config: parsed.data };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => {
      const field = issue.path[0] as keyof LlmConfig;
      const name = FIELD_TO_ENV[field] ?? String(field);
      const value = field === 'key' ? undefined : env[name];
      const message = field === 'model' && value === undefined ? 'not set; the endpoint needs a model name such as qwen-plus or qwen2.5:7b-instruct' : issue.message;
      return `${name}: ${message}${value === undefined ? '' : ` (got ${JSON.stringify(value)})`}`;
    }),
  };
}

/** People paste the full endpoint; the client wants the base it appends `/chat/completions` to. */
function normaliseBaseUrl(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/chat\/completions$/, '');
}
