import { z } from 'zod';

/*
 * The model's reply, from Server-Sent Event chunks or one JSON response. The
 * schemas check only what the planner reads, so servers that add fields (or
 * omit optional ones) pass, and anything else is reported as garbage.
 */

/** Some servers send arguments as an object instead of a JSON string. */
const Arguments = z.union([z.string(), z.record(z.string(), z.unknown()).transform((value) => JSON.stringify(value))]);

const ToolCallDelta = z.object({
  index: z.number().int().nonnegative().optional(),
  id: z.string().nullish(),
  function: z.object({ name: z.string().nullish(), arguments: Arguments.nullish() }).nullish(),
});

const Finish = z.string().nullish();

/** One `chat.completion.chunk`. */
export const CompletionChunk = z.object({
  choices: z.array(
    z.object({
      index: z.number().int().optional(),
      delta: z.object({ content: z.string().nullish(), tool_calls: z.array(ToolCallDelta).nullish() }).nullish(),
      finish_reason: Finish,
    }),
  ),
});
export type CompletionChunk = z.infer<typeof CompletionChunk>;

/** One non-streaming `chat.completion`. */
export const Completion = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({
          content: z.string().nullish(),
          tool_calls: z
            .array(z.object({ id: z.string().nullish(), function: z.object({ name: z.string(), arguments: Arguments.nullish() }) }))
            .nullish(),
        }),
        finish_reason: Finish,
      }),
    )
    .min(1, 'expected at least one choice'),
});
export type Completion = z.infer<typeof Completion>;

/** A tool call as the model made it: arguments still the model's text. */
export interface RawToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One round's reply, assembled. */
export interface ModelReply {
  content: string;
  toolCalls: RawToolCall[];
  finishReason: string | null;
}

/** The reply being assembled from stream chunks. */
export interface ReplyDraft {
  content: string;
  calls: Map<number, { id: string; name: string; arguments: string }>;
  finishReason: string | null;
}

export function emptyDraft(): ReplyDraft {
  return { content: '', calls: new Map(), finishReason: null };
}

/**
 * Adds one chunk of the first choice to the draft: content is appended;
 * tool calls are keyed by `index` (their position when a server omits it),
 * with `id` and `name` set when they arrive and `arguments` appended, the way
 * OpenAI splits them.
 */
export function addChunk(draft: ReplyDraft, chunk: CompletionChunk): void {
  const choice = chunk.choices.find((candidate) => (candidate.index ?? 0) === 0);
  if (!choice) return; // e.g. the usage chunk, which has no choices
  const delta = choice.delta;
  if (delta?.content) draft.content += delta.content;
  delta?.tool_calls?.forEach((part, position) => {
    const key = part.index ?? position;
    const call = draft.calls.get(key) ?? { id: '', name: '', arguments: '' };
    if (part.id) call.id = part.id;
    if (part.function?.name) call.name = part.function.name;
    if (part.function?.arguments) call.arguments += part.function.arguments;
    draft.calls.set(key, call);
  });
  if (choice.finish_reason) draft.finishReason = choice.finish_reason;
}

/** The assembled reply; calls in index order, with ids made up for servers that send none. */
export function finishDraft(draft: ReplyDraft, round: number): ModelReply {
  const toolCalls = [...draft.calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, call]) => ({ ...call, id: call.id || `call_${round}_${index}` }));
  return { content: draft.content, toolCalls, finishReason: draft.finishReason };
}

/** The reply in a non-streaming response. */
export function replyFromCompletion(completion: Completion, round: number): ModelReply {
  const choice = completion.choices[0]!; // the schema requires one
  const toolCalls = (choice.message.tool_calls ?? []).map((call, index) => ({
    id: call.id || `call_${round}_${index}`,
    name: call.function.name,
    arguments: call.function.arguments ?? '',
  }));
  return { content: choice.message.content ?? '', toolCalls, finishReason: choice.finish_reason ?? null };
}
