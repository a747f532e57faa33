/**
 * The server's configuration: a JSON file (`cabin start --config cabin.json`),
 * overridden by CABIN_* environment variables, overridden by command-line
 * options. Each source is validated on its own so an error names where the
 * wrong value came from.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { issuesText } from './api.ts';

const port = z.number().int('expected a whole number').min(0).max(65535);

/** What a configuration file may hold; every key is optional and no other key is allowed. */
export const ServerConfigFile = z.strictObject({
  port: port.optional(),
  host: z.string().min(1).optional(),
  map: z.string().min(1).optional().describe('the .cabin map file; default: the built-in district'),
  sessionIdleMinutes: z.number().positive().max(7 * 24 * 60).optional().describe('a conversation not spoken to for this long is forgotten'),
  maxSessions: z.number().int().min(1).max(1_000_000).optional(),
  simulateParking: z.boolean().optional(),
  simulateSignals: z.boolean().optional(),
});

export type ServerConfigInput = z.output<typeof ServerConfigFile>;

/** The configuration after defaults. */
export interface ServerConfig {
  port: number;
  host: string;
  map: string | undefined;
  sessionIdleMinutes: number;
  maxSessions: number;
  simulateParking: boolean | undefined;
  simulateSignals: boolean | undefined;
}

/** The environment variables read, and the key each sets. */
export const CONFIG_ENV: Readonly<Record<string, keyof ServerConfigInput>> = {
  CABIN_PORT: 'port',
  CABIN_HOST: 'host',
  CABIN_MAP: 'map',
  CABIN_SESSION_IDLE_MINUTES: 'sessionIdleMinutes',
  CABIN_MAX_SESSIONS: 'maxSessions',
  CABIN_SIMULATE_PARKING: 'simulateParking',
  CABIN_SIMULATE_SIGNALS: 'simulateSignals',
};

const NUMERIC = new Set<keyof ServerConfigInput>(['port', 'sessionIdleMinutes', 'maxSessions']);
const BOOLEAN = new Set<keyof ServerConfigInput>(['simulateParking', 'simulateSignals']);

export type ConfigResult = { ok: true; config: ServerConfig } | { ok: false; errors: string[] };

/** Text from the environment or the command line as the value its key takes, or an error naming the source. */
function fromText(source: string, key: keyof ServerConfigInput, text: string): { value: unknown } | { error: string } {
  if (NUMERIC.has(key)) {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) return { error: `${source}: "${text}" is not a number` };
    return { value };
  }
  if (BOOLEAN.has(key)) {
    if (text === 'true' || text === '1') return { value: true };
    if (text === 'false' || text === '0') return { value: false };
    return { error: `${source}: "${text}" is not true or false` };
  }
  return { value: text };
}

function check(source: string, raw: unknown, errors: string[]): ServerConfigInput {
  const parsed = ServerConfigFile.safeParse(raw);
  if (parsed.success) return parsed.data;
  errors.push(`${source}: ${issuesText(parsed.error.issues)}`);
  return {};
}

/**
 * Reads and validates the configuration. `file` is the path given with
 * `--config`; `cli` the options given on the command line, as text.
 */
export function loadServerConfig(sources: {
  file?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  cli?: Partial<Record<'port' | 'host' | 'map', string | undefined>>;
}): ConfigResult {
  const errors: string[] = [];
  let fromFile: ServerConfigInput = {};
  if (sources.file !== undefined) {
    let text: string;
    let raw: unknown;
    try {
      text = readFileSync(sources.file, 'utf8');
      try {
        raw = JSON.parse(text);
      } catch (error) {
        return { ok: false, errors: [`${sources.file}: not valid JSON (${(error as Error).message})`] };
      }
    } catch (error) {
      return { ok: false, errors: [`${sources.file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`] };
    }
    fromFile = check(sources.file, raw, errors);
  }
  const textual = (entries: [source: string, key: keyof ServerConfigInput, text: string][]): ServerConfigInput => {
    const raw: Record<string, unknown> = {};
    for (const [source, key, text] of entries) {
      const converted = fromText(source, key, text);
      if ('error' in converted) errors.push(converted.error);
      else raw[key] = converted.value;
    }
    const parsed = ServerConfigFile.safeParse(raw);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      const source = entries.find((entry) => entry[1] === key)?.[0] ?? key;
      errors.push(`${source}: ${issue.message}`);
    }
    return {};
  };
  const env = sources.env ?? {};
  const fromEnv = textual(
    Object.entries(CONFIG_ENV).flatMap(([name, key]) => {
      const text = env[name];
      return text === undefined ? [] : [[name, key, text] as [string, keyof ServerConfigInput, string]];
    }),
  );
  const fromCli = textual(
    Object.entries(sources.cli ?? {}).flatMap(([option, text]) =>
      text === undefined ? [] : [[`--${option}`, option as keyof ServerConfigInput, text] as [string, keyof ServerConfigInput, string]],
    ),
  );
  if (errors.length > 0) return { ok: false, errors };
  const merged = { ...fromFile, ...fromEnv, ...fromCli };
  return {
    ok: true,
    config: {
      port: merged.port ?? 8080,
      host: merged.host ?? '127.0.0.1',
      map: merged.map,
      sessionIdleMinutes: merged.sessionIdleMinutes ?? 30,
      maxSessions: merged.maxSessions ?? 1000,
      simulateParking: merged.simulateParking,
      simulateSignals: merged.simulateSignals,
    },
  };
}
