/**
 * Recording and replaying signal feeds.
 *
 * A recording is JSON lines, one payload per line, in the order received:
 *
 *   {"t":1736150400000,"kind":"spat","hex":"00134b..."}
 *   {"t":1736150400100,"kind":"spat","json":{"kind":"spat","intersections":[...]}}
 *   {"t":1736150400200,"kind":"map","text":"<MessageFrame>...</MessageFrame>"}
 *
 * - `t`: when the payload was received, epoch ms (integer);
 * - `kind`: "spat" or "map", as decoded when it was recorded;
 * - exactly one of `hex` (binary payloads such as UPER, lower-case hex),
 *   `json` (payloads that were JSON text, such as Cabin's model JSON, kept
 *   as a JSON value so recordings stay readable) or `text` (other text).
 * Blank lines are ignored. Only payloads that decoded are recorded.
 *
 * Replaying decodes each payload again, as of its recorded time, and hands
 * it to the store with `receivedAt = t`, so the store goes through exactly
 * the states it went through live. A `Scheduler` drives the pace (1× or
 * faster); tests pass a virtual one and never sleep.
 */
import type { SignalMessage } from '../model.ts';
import type { SignalStore } from '../store.ts';
import { decodeAny, ingestPayload, type IngestResult, type SignalDecoder } from './decode.ts';

/** One line of a recording. */
export interface RecordingEntry {
  t: number;
  kind: SignalMessage['kind'];
  hex?: string;
  json?: unknown;
  text?: string;
}

/** A payload as a feed received it, for recording. */
export interface ReceivedPayload {
  t: number;
  kind: SignalMessage['kind'];
  payload: Uint8Array | string;
}

/** The entry that records `received`: bytes as hex, JSON text as a JSON value, other text as text. */
export function recordingEntry(received: ReceivedPayload): RecordingEntry {
  const { t, kind, payload } = received;
  if (typeof payload !== 'string') return { t, kind, hex: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('hex') };
  const trimmed = payload.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const json: unknown = JSON.parse(payload);
      // Only when writing it back gives the same text, so replay decodes exactly what was received.
      if (JSON.stringify(json) === payload) return { t, kind, json };
    } catch {
      // Not JSON after all: keep it as text.
    }
  }
  return { t, kind, text: payload };
}

/** One line of a recording (without the newline). */
export function recordingLine(entry: RecordingEntry): string {
  return JSON.stringify(entry);
}

/** The payload an entry recorded, as the feed received it. */
export function entryPayload(entry: RecordingEntry): Uint8Array | string {
  if (entry.hex !== undefined) return Uint8Array.from(Buffer.from(entry.hex, 'hex'));
  if (entry.json !== undefined) return JSON.stringify(entry.json);
  return entry.text ?? '';
}

/** Reads a recording; an error names the line and what is wrong with it. */
export function parseRecording(text: string, source = 'recording'): { ok: true; entries: RecordingEntry[] } | { ok: false; error: string } {
  const entries: RecordingEntry[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '') continue;
    const where = `${source}:${n + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      return { ok: false, error: `${where}: not JSON (${(error as Error).message})` };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: `${where}: expected an object` };
    const { t, kind, hex, json, text: body } = value as Record<string, unknown>;
    if (typeof t !== 'number' || !Number.isSafeInteger(t)) return { ok: false, error: `${where}: "t" must be epoch milliseconds (an integer)` };
    if (kind !== 'spat' && kind !== 'map') return { ok: false, error: `${where}: "kind" must be "spat" or "map"` };
    const carried = [hex, json, body].filter((x) => x !== undefined).length;
    if (carried !== 1) return { ok: false, error: `${where}: needs exactly one of "hex", "json" and "text" (has ${carried})` };
    if (hex !== undefined && (typeof hex !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(hex))) {
      return { ok: false, error: `${where}: "hex" must be an even number of hex digits` };
    }
    if (body !== undefined && typeof body !== 'string') return { ok: false, error: `${where}: "text" must be a string` };
    const entry: RecordingEntry = { t, kind };
    if (typeof hex === 'string') entry.hex = hex.toLowerCase();
    if (json !== undefined) entry.json = json;
    if (typeof body === 'string') entry.text = body;
    entries.push(entry);
  }
  return { ok: true, entries };
}

/** A recorder for feeds' `onPayload`: writes each payload as one line (newline included) to `write`. */
export function createRecorder(write: (line: string) => void): (received: ReceivedPayload) => void {
  return (received) => write(`${recordingLine(recordingEntry(received))}\n`);
}

/** Time and timers, injected so replays can run on a virtual clock. */
export interface Scheduler {
  now(): number;
  /** Calls `callback` after `ms`; returns a function that cancels it. */
  setTimeout(callback: () => void, ms: number): () => void;
}

/** The real clock and timers. */
export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    return () => clearTimeout(timer);
  },
};

export interface ReplayOptions {
  store: SignalStore;
  decode?: SignalDecoder;
  /** Playback speed: 1 is real time, 10 ten times faster, Infinity as fast as the scheduler allows. Default 1. */
  speed?: number;
  scheduler?: Scheduler;
  /**
   * `recorded` (default): each payload reaches the store as received at its
   * recorded `t`, reproducing the recording exactly (ask the store with
   * `replay.recordedNow()`). `live`: every time in each decoded message is
   * shifted by (scheduler now − t), so a recording plays as if live now.
   */
  timeBase?: 'recorded' | 'live';
  /** Called after each entry is fed to the store. */
  onEntry?: (entry: RecordingEntry, result: IngestResult, index: number) => void;
}

export interface ReplaySummary {
  entries: number;
  decoded: number;
  undecodable: number;
  stopped: boolean;
}

/** A replay in progress. */
export interface Replay {
  /** Resolves when the last entry has been played or the replay was stopped. */
  done: Promise<ReplaySummary>;
  stop(): void;
  /** The recorded time the replay has reached (epoch ms); at infinite speed, the time of the last entry played. */
  recordedNow(): number;
}

/** Plays `entries` into the store, keeping their spacing divided by `speed`. */
export function replayRecording(entries: readonly RecordingEntry[], options: ReplayOptions): Replay {
  const { store } = options;
  const decode = options.decode ?? decodeAny;
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new RangeError(`replay: speed must be positive (got ${speed})`);
  const scheduler = options.scheduler ?? realScheduler;
  const timeBase = options.timeBase ?? 'recorded';
  const startedAt = scheduler.now();
  const firstT = entries[0]?.t ?? 0;
  const summary: ReplaySummary = { entries: 0, decoded: 0, undecodable: 0, stopped: false };
  let index = 0;
  let lastFedT = firstT;
  let cancel: (() => void) | undefined;
  let finish: (summary: ReplaySummary) => void = () => {};
  const done = new Promise<ReplaySummary>((resolve) => {
    finish = resolve;
  });

  const play = (): void => {
    cancel = undefined;
    // Everything that is due now, in file order.
    while (index < entries.length) {
      const entry = entries[index]!;
      const dueIn = dueAt(entry) - scheduler.now();
      if (dueIn > 0) {
        cancel = scheduler.setTimeout(play, dueIn);
        return;
      }
      feed(entry, index);
      index++;
    }
    finish(summary);
  };

  const dueAt = (entry: RecordingEntry): number => (speed === Infinity ? startedAt : startedAt + Math.max(0, entry.t - firstT) / speed);

  const feed = (entry: RecordingEntry, at: number): void => {
    const payload = entryPayload(entry);
    let result: IngestResult;
    if (timeBase === 'recorded') result = ingestPayload(store, decode, payload, entry.t);
    else {
      const now = scheduler.now();
      const decoded = decode(payload, new Date(entry.t));
      if (!decoded.ok) {
        store.countDropped('undecodable');
        result = { ok: false, reason: 'undecodable', error: decoded.error };
      } else {
        const message = shiftMessageTimes(decoded.value, now - entry.t);
        const outcome = message.kind === 'spat' ? store.acceptSpat(message, now) : store.acceptMap(message, now);
        result = { ok: true, message, outcome };
      }
    }
    summary.entries++;
    lastFedT = entry.t;
    if (result.ok) summary.decoded++;
    else summary.undecodable++;
    options.onEntry?.(entry, result, at);
  };

  cancel = scheduler.setTimeout(play, 0);
  return {
    done,
    stop: () => {
      cancel?.();
      cancel = undefined;
      summary.stopped = true;
      index = entries.length;
      finish(summary);
    },
    recordedNow: () => (speed === Infinity ? lastFedT : firstT + (scheduler.now() - startedAt) * speed),
  };
}

/** A copy of `message` with every absolute time moved by `deltaMs`. */
export function shiftMessageTimes<M extends SignalMessage>(message: M, deltaMs: number): M {
  if (message.kind === 'map') {
    return (message.timestamp === undefined ? message : { ...message, timestamp: message.timestamp + deltaMs }) as M;
  }
  const shifted: SignalMessage = {
    ...message,
    intersections: message.intersections.map((signals) => ({
      ...signals,
      timestamp: signals.timestamp + deltaMs,
      groups: signals.groups.map((group) => ({
        ...group,
        events: group.events.map((event) => {
          if (!event.timing) return event;
          const timing = { ...event.timing };
          for (const field of ['startTime', 'minEndTime', 'maxEndTime', 'likelyTime', 'nextTime'] as const) {
            const value = timing[field];
            if (value !== undefined) timing[field] = value + deltaMs;
          }
          return { ...event, timing };
        }),
      })),
    })),
  };
  if (message.timestamp !== undefined) shifted.timestamp = message.timestamp + deltaMs;
  return shifted as M;
}
