import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { ChatCompletionFunctionTool, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { LlmConfig } from './config.ts';
import {
  type DialogueMessage,
  type Language,
  SYSTEM_PROMPT,
  confirmQuestion,
  driverLanguage,
  historyMessages,
  looksLikeTextToolCall,
  spokenText,
  toolResultContent,
} from './messages.ts';
import { type Bilingual, type PlannerTool, type ToolOutcome, parseToolArguments } from './planner-tool.ts';
import { type ModelReply, Completion, CompletionChunk, addChunk, emptyDraft, finishDraft, replyFromCompletion } from './stream.ts';

/** Why the embedded path answered instead of the model. */
export type FallbackReason =
  | { kind: 'timeout'; afterMs: number }
  /** The endpoint answered with an error: an HTTP status, or an error event in the stream (`status` null). */
  | { kind: 'endpoint-error'; status: number | null; message: string }
  | { kind: 'unreachable'; message: string }
  /** The reply is not the chat-completions format: bad JSON, bad SSE, a tool call written as text. */
  | { kind: 'malformed'; message: string }
  /** The model finished without saying anything the driver could hear. */
  | { kind: 'no-answer'; finishReason: string | null }
  /** Still calling tools after `maxRounds`, or repeating a call it already made. */
  | { kind: 'loop'; rounds: number; message: string }
  | { kind: 'tool-failed'; tool: string; message: string }
  /** Anything else that went wrong talking to the endpoint. */
  | { kind: 'error'; message: string };

/** What the model decided, when it answered. */
export type LlmOutcome =
  | { kind: 'answer'; text: string; language: Language }
  /**
   * A route-changing call the planner did not run: the dialogue asks
   * `question` and, on yes, runs `tool` with `args` (already validated).
   */
  | { kind: 'confirm'; tool: string; args: unknown; question: Bilingual; language: Language };

/** What happened to each tool call the model made, in order. */
export interface ToolCallRecord {
  round: number;
  name: string;
  /** Validated arguments, or the model's text when they did not validate. */
  args: unknown;
  status: 'ran' | 'invalid-arguments' | 'unknown-tool' | 'needs-confirmation' | 'not-run';
}

export interface PlannerTrace {
  /** Requests made to the endpoint. */
  rounds: number;
  toolCalls: ToolCallRecord[];
  elapsedMs: number;
}

/** Which path answered the turn, and why. `T` is what the embedded fallback returns. */
export type PlannerResult<T> =
  | { path: 'llm'; outcome: LlmOutcome; trace: PlannerTrace }
  | { path: 'embedded'; reason: FallbackReason; answer: T; trace: PlannerTrace };

/** One driver turn for the planner. */
export interface PlannerTurn<T> {
  text: string;
  /** The dialogue so far, oldest first, without `text`. */
  history?: readonly DialogueMessage[];
  /** The tools for this turn, bound to the current world. */
  tools: readonly PlannerTool[];
  /** The embedded path; called once, with the reason, when the model cannot answer. */
  fallback: (reason: FallbackReason) => Promise<T> | T;
  /** The caller's cancellation (the driver spoke again): the turn rejects with the signal's reason, without falling back. */
  signal?: AbortSignal;
}

export interface LlmPlannerOptions {
  /** Messages of dialogue history sent with each turn (default 8). */
  historyMessages?: number;
  /** The HTTP transport, if not the global fetch. */
  fetch?: typeof fetch;
}

/** Plans turns with an OpenAI-compatible endpoint; see `createLlmPlanner`. */
export interface LlmPlanner {
  readonly config: LlmConfig;
  turn<T>(turn: PlannerTurn<T>): Promise<PlannerResult<T>>;
}

/** A reply the planner cannot use. */
class MalformedReply extends Error {}

class ToolFailed extends Error {
  constructor(
    readonly tool: string,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/** How a round ended: the turn's outcome, a reason to fall back, or another round. */
type RoundResult = { outcome: LlmOutcome } | { reason: FallbackReason } | { next: true };

/**
 * A planner for an OpenAI-compatible chat endpoint with tool calling (Qwen
 * on DashScope, vLLM, Ollama, llama.cpp, …). Each turn streams the model's
 * reply, runs the read-only tools it calls (arguments validated by the tools'
 * zod schemas), returns route-changing calls as confirmations, and hands the
 * turn to the embedded fallback when the endpoint fails, is slow, talks
 * garbage or loops.
 */
export function createLlmPlanner(config: LlmConfig, options: LlmPlannerOptions = {}): LlmPlanner {
  const client = new OpenAI({
    baseURL: config.url,
    // The client insists on a key; local servers get a placeholder and no Authorization header.
    apiKey: config.key ?? 'none',
    ...(config.key === undefined ? { defaultHeaders: { Authorization: null } } : {}),
    // Explicit, so OPENAI_* variables meant for something else are not sent to this endpoint.
    adminAPIKey: null,
    organization: null,
    project: null,
    maxRetries: 0, // a retry cannot fit in a turn's few seconds; the fallback is the retry
    timeout: config.timeoutMs,
    logLevel: 'off', // failures are reported in the result, not on the console
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const historyLimit = options.historyMessages ?? 8;

  async function ask(messages: ChatCompletionMessageParam[], tools: ChatCompletionFunctionTool[], round: number, signal: AbortSignal): Promise<ModelReply> {
    const body = { model: config.model, messages, ...(tools.length > 0 ? { tools, tool_choice: 'auto' as const } : {}) };
    if (!config.stream) {
      const completion = await client.chat.completions.create({ ...body, stream: false }, { signal });
      const parsed = Completion.safeParse(completion);
      if (!parsed.success) throw new MalformedReply(`the response is not a chat completion: ${z.prettifyError(parsed.error)}`);
      return replyFromCompletion(parsed.data, round);
    }
    const stream = await client.chat.completions.create({ ...body, stream: true }, { signal });
    const draft = emptyDraft();
    let chunks = 0;
    for await (const chunk of stream) {
      const parsed = CompletionChunk.safeParse(chunk);
      if (!parsed.success) throw new MalformedReply(`stream chunk ${chunks + 1} is not a chat.completion.chunk: ${z.prettifyError(parsed.error)}`);
      addChunk(draft, parsed.data);
      chunks += 1;
    }
    // The client ends the iteration quietly when the request is aborted mid-stream.
    signal.throwIfAborted();
    if (chunks === 0) throw new MalformedReply('the stream carried no chunks; if this server does not stream, set CABIN_LLM_STREAM=0');
    return finishDraft(draft, round);
  }

  async function converse<T>(turn: PlannerTurn<T>, language: Language, signal: AbortSignal, trace: PlannerTrace): Promise<{ outcome: LlmOutcome } | { reason: FallbackReason }> {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: SYSTEM_PROMPT },
      ...historyMessages(turn.history ?? [], historyLimit),
      { role: 'user', content: turn.text },
    ];
    const tools: ChatCompletionFunctionTool[] = turn.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
    const byName = new Map(turn.tools.map((tool) => [tool.name, tool]));
    const callsMade = new Set<string>();
    for (let round = 1; round <= config.maxRounds; round++) {
      trace.rounds = round;
      const reply = await ask(messages, tools, round, signal);
      const result = await handleReply(reply, round, { language, signal, trace, messages, byName, callsMade });
      if ('outcome' in result) return { outcome: result.outcome };
      if ('reason' in result) return { reason: result.reason };
    }
    return { reason: { kind: 'loop', rounds: config.maxRounds, message: `the model was still calling tools after ${config.maxRounds} rounds` } };
  }

  interface RoundState {
    language: Language;
    signal: AbortSignal;
    trace: PlannerTrace;
    messages: ChatCompletionMessageParam[];
    byName: Map<string, PlannerTool>;
    callsMade: Set<string>;
  }

  async function handleReply(reply: ModelReply, round: number, state: RoundState): Promise<RoundResult> {
    const { language, trace, messages, byName, callsMade } = state;
    if (reply.toolCalls.length === 0) {
      if (looksLikeTextToolCall(reply.content)) {
        return { reason: { kind: 'malformed', message: "the model wrote a tool call as text; enable the server's tool-call parser for this model" } };
      }
      const text = spokenText(reply.content);
      if (text === '') return { reason: { kind: 'no-answer', finishReason: reply.finishReason } };
      return { outcome: { kind: 'answer', text, language } };
    }

    for (const call of reply.toolCalls) {
      const key = `${call.name}\u0000${canonicalJson(call.arguments)}`;
      if (callsMade.has(key)) {
        return { reason: { kind: 'loop', rounds: round, message: `the model repeated the call ${call.name}(${call.arguments})` } };
      }
      callsMade.add(key);
    }

    // Validate every call first: a route-changing one ends the turn as a question before anything runs.
    const checked = reply.toolCalls.map((call) => {
      const tool = byName.get(call.name);
      if (!tool) return { call, tool, parsed: { ok: false as const, problems: [`there is no tool named ${JSON.stringify(call.name)}; the tools are ${[...byName.keys()].join(', ')}`] } };
      return { call, tool, parsed: parseToolArguments(tool, call.arguments) };
    });
    const routeChange = checked.find(({ tool, parsed }) => tool && parsed.ok && changesRoute(tool, parsed.args));
    if (routeChange?.tool && routeChange.parsed.ok) {
      for (const { call, tool, parsed } of checked) {
        const status = call === routeChange.call ? 'needs-confirmation' : !tool ? 'unknown-tool' : parsed.ok ? 'not-run' : 'invalid-arguments';
        trace.toolCalls.push({ round, name: call.name, args: parsed.ok ? parsed.args : call.arguments, status });
      }
      return { outcome: confirmation(routeChange.tool, routeChange.parsed.args, language) };
    }

    messages.push({
      role: 'assistant',
      content: reply.content === '' ? null : reply.content,
      tool_calls: reply.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
    });
    for (const { call, tool, parsed } of checked) {
      if (!tool || !parsed.ok) {
        trace.toolCalls.push({ round, name: call.name, args: call.arguments, status: tool ? 'invalid-arguments' : 'unknown-tool' });
        const kind = tool ? 'invalid-arguments' : 'unknown-tool';
        messages.push({ role: 'tool', tool_call_id: call.id, content: toolResultContent({ error: { kind, problems: parsed.ok ? [] : parsed.problems } }) });
        continue;
      }
      let outcome: ToolOutcome;
      try {
        outcome = await untilAborted(Promise.resolve().then(() => tool.run(parsed.args)), state.signal);
      } catch (error) {
        if (state.signal.aborted) throw error;
        throw new ToolFailed(tool.name, error);
      }
      if (outcome.changesRoute) {
        // The tool found its result is a route change (e.g. `select` of a stop): ask, do not go on.
        trace.toolCalls.push({ round, name: call.name, args: parsed.args, status: 'needs-confirmation' });
        return { outcome: confirmation(tool, parsed.args, language, outcome.speech) };
      }
      trace.toolCalls.push({ round, name: call.name, args: parsed.args, status: 'ran' });
      const summary = outcome.speech?.[language];
      messages.push({ role: 'tool', tool_call_id: call.id, content: toolResultContent(summary === undefined ? { data: outcome.data } : { data: outcome.data, summary }) });
    }
    return { next: true };
  }

  return {
    config,
    async turn<T>(turn: PlannerTurn<T>): Promise<PlannerResult<T>> {
      const started = performance.now();
      turn.signal?.throwIfAborted();
      const language = driverLanguage(turn.text);
      const trace: PlannerTrace = { rounds: 0, toolCalls: [], elapsedMs: 0 };
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(new Error(`the turn took longer than ${config.timeoutMs} ms`)), config.timeoutMs);
      const signal = turn.signal ? AbortSignal.any([deadline.signal, turn.signal]) : deadline.signal;
      let reason: FallbackReason;
      try {
        const result = await converse(turn, language, signal, trace);
        if ('outcome' in result) {
          trace.elapsedMs = performance.now() - started;
          return { path: 'llm', outcome: result.outcome, trace };
        }
        reason = result.reason;
      } catch (error) {
        if (turn.signal?.aborted) throw turn.signal.reason;
        reason = deadline.signal.aborted ? { kind: 'timeout', afterMs: config.timeoutMs } : fallbackReason(error, config.timeoutMs);
      } finally {
        clearTimeout(timer);
      }
      trace.elapsedMs = performance.now() - started;
      const answer = await turn.fallback(reason);
      return { path: 'embedded', reason, answer, trace };
    },
  };
}

function changesRoute(tool: PlannerTool, args: unknown): boolean {
  return typeof tool.changesRoute === 'function' ? tool.changesRoute(args) : tool.changesRoute;
}

/** A tool's own result speaks for a proposed route change (it knows the ETA); the arguments do otherwise. */
function confirmation(tool: PlannerTool, args: unknown, language: Language, proposal?: Bilingual): LlmOutcome {
  return { kind: 'confirm', tool: tool.name, args, question: tool.confirm?.(args) ?? proposal ?? confirmQuestion(tool.name, args), language };
}

/** Classifies a failure talking to the endpoint. */
function fallbackReason(error: unknown, timeoutMs: number): FallbackReason {
  if (error instanceof ToolFailed) return { kind: 'tool-failed', tool: error.tool, message: error.message };
  if (error instanceof MalformedReply || error instanceof SyntaxError) return { kind: 'malformed', message: error.message };
  if (error instanceof APIConnectionTimeoutError) return { kind: 'timeout', afterMs: timeoutMs };
  if (error instanceof APIConnectionError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { kind: 'unreachable', message: `${error.message}${cause}` };
  }
  if (error instanceof APIError) return { kind: 'endpoint-error', status: typeof error.status === 'number' ? error.status : null, message: error.message };
  return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
}

/** A line for logs and the CLI: which path answered and why. */
export function describeFallback(reason: FallbackReason): string {
  switch (reason.kind) {
    case 'timeout':
      return `the model took longer than ${reason.afterMs} ms`;
    case 'endpoint-error':
      return reason.status === null ? `the endpoint sent an error: ${reason.message}` : `the endpoint answered HTTP ${reason.status}: ${reason.message}`;
    case 'unreachable':
      return `the endpoint is unreachable: ${reason.message}`;
    case 'malformed':
      return `the reply was malformed: ${reason.message}`;
    case 'no-answer':
      return `the model gave no answer (finish_reason ${reason.finishReason ?? 'none'})`;
    case 'loop':
      return `the model looped: ${reason.message}`;
    case 'tool-failed':
      return `the tool ${reason.tool} failed: ${reason.message}`;
    case 'error':
      return reason.message;
    default: {
      const unknown: never = reason;
      return String(unknown);
    }
  }
}

/** The same arguments written with other spacing or key order are the same call. */
function canonicalJson(text: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return text;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, inner]) => [key, sortKeys(inner)]),
  );
}

/** A tool that hangs must not hold the turn past its deadline. */
function untilAborted<V>(promise: Promise<V>, signal: AbortSignal): Promise<V> {
  signal.throwIfAborted();
  return new Promise<V>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
