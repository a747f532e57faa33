/**
 * Turning raw feed payloads into model messages, shared by every feed
 * (MQTT, HTTP push, replay): `decodeAny` reads Cabin's model JSON, SAE J2735
 * (UPER, ODE JSON, XER) and T/CSAE 53 (UPER).
 *
 * The model JSON form is Cabin's own: a `SignalMessage` of model.ts written
 * with JSON.stringify, times as epoch ms, e.g.
 *
 *   {"kind":"spat","timestamp":1700000000000,"intersections":[{"ref":{"region":0,"id":7},
 *    "revision":3,"timestamp":1700000000000,"status":0,"groups":[{"signalGroup":2,
 *    "events":[{"phase":"protected-movement-allowed","timing":{"minEndTime":1700000004000,
 *    "maxEndTime":1700000012000}}]}]}]}
 *
 * It is validated with the zod schemas below, whose inferred types are
 * checked against model.ts at compile time. Empty `intersections`, `groups`
 * or `lanes` are valid JSON here: the store decides that they are partial.
 */
import { z } from 'zod';
import { decodeCsaeFrame } from '../csae53/index.ts';
import { decodeSignalMessage, fromOdeJson, fromXer, toModel } from '../j2735/index.ts';
import { MOVEMENT_PHASES, type DecodeResult, type MapMessage, type SignalMessage, type SpatMessage } from '../model.ts';
import type { AcceptOutcome, SignalStore } from '../store.ts';

/** Any decoder a feed can use: bytes (UPER) or text (JSON, XML) in, a model message or an error out; never throws for bad input. */
export type SignalDecoder = (payload: Uint8Array | string, now: Date) => DecodeResult<SignalMessage>;

/** A decoder with the name its errors are reported under. */
export interface NamedDecoder {
  name: string;
  /** Which payloads it reads, judged from their first byte or character: UPER, JSON or XML. Default: any. */
  takes?: readonly PayloadShape[];
  decode: SignalDecoder;
}

/** What a payload looks like: JSON text, XML text, or anything else (UPER bytes, or hex text of them). */
export type PayloadShape = 'json' | 'xml' | 'binary';

/** The shape of a payload, from its first non-blank byte or character. */
export function payloadShape(payload: Uint8Array | string): PayloadShape {
  const first = typeof payload === 'string' ? payload.trimStart().charCodeAt(0) : firstNonSpace(payload);
  return first === 0x7b ? 'json' : first === 0x3c ? 'xml' : 'binary';
}

// ---------------------------------------------------------------------------
// Model JSON

const epochMs = z.number();
const maneuver = z.enum(['straight', 'left', 'right', 'u-turn']);
const ref = z.object({ region: z.number().int().min(0).max(65535), id: z.number().int().min(0).max(65535) });

const timing = z.object({
  startTime: epochMs.exactOptional(),
  minEndTime: epochMs.exactOptional(),
  maxEndTime: epochMs.exactOptional(),
  likelyTime: epochMs.exactOptional(),
  confidence: z.number().int().min(0).max(15).exactOptional(),
  nextTime: epochMs.exactOptional(),
});

const movementEvent = z.object({
  phase: z.enum(MOVEMENT_PHASES),
  timing: timing.exactOptional(),
  advisorySpeedKmh: z.array(z.number().min(0)).exactOptional(),
});

const intersectionSignals = z.object({
  ref,
  name: z.string().exactOptional(),
  revision: z.number().int().min(0).max(127),
  timestamp: epochMs,
  status: z.number().int().min(0).max(65535),
  groups: z.array(
    z.object({ signalGroup: z.number().int().min(0).max(255), name: z.string().exactOptional(), events: z.array(movementEvent) }),
  ),
});

const lane = z.object({
  laneId: z.number().int().min(0).max(255),
  name: z.string().exactOptional(),
  ingressApproach: z.number().int().min(0).exactOptional(),
  egressApproach: z.number().int().min(0).exactOptional(),
  direction: z.enum(['ingress', 'egress', 'both', 'none']),
  kind: z.enum(['vehicle', 'crosswalk', 'bike', 'sidewalk', 'median', 'striping', 'tracked', 'parking']),
  maneuvers: z.array(maneuver),
  points: z.array(z.tuple([z.number().min(-90).max(90), z.number().min(-180).max(180)])),
  connections: z.array(
    z.object({
      toLane: z.number().int().min(0).max(255),
      toIntersection: ref.exactOptional(),
      maneuver: maneuver.exactOptional(),
      signalGroup: z.number().int().min(0).max(255).exactOptional(),
    }),
  ),
});

const intersectionMap = z.object({
  ref,
  name: z.string().exactOptional(),
  revision: z.number().int().min(0).max(127),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  laneWidthCm: z.number().min(0).exactOptional(),
  speedLimitKmh: z.number().min(0).exactOptional(),
  lanes: z.array(lane),
});

/** Schema of a SPaT message in model JSON form. */
export const SpatMessageSchema = z.object({
  kind: z.literal('spat'),
  timestamp: epochMs.exactOptional(),
  intersections: z.array(intersectionSignals),
});

/** Schema of a MAP message in model JSON form. */
export const MapMessageSchema = z.object({
  kind: z.literal('map'),
  timestamp: epochMs.exactOptional(),
  revision: z.number().int().min(0).max(127),
  intersections: z.array(intersectionMap),
});

/** Schema of any model message (discriminated by `kind`). */
export const SignalMessageSchema = z.discriminatedUnion('kind', [SpatMessageSchema, MapMessageSchema]);

// The schemas must describe exactly the model's types: these fail to compile if either drifts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const spatMatchesModel: Same<z.infer<typeof SpatMessageSchema>, SpatMessage> = true;
const mapMatchesModel: Same<z.infer<typeof MapMessageSchema>, MapMessage> = true;
void spatMatchesModel;
void mapMatchesModel;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes Cabin's model JSON form (text, or UTF-8 bytes). `now` is unused: model JSON carries absolute times. */
export function decodeModelJson(payload: Uint8Array | string, _now?: Date): DecodeResult<SignalMessage> {
  let text: string;
  if (typeof payload === 'string') text = payload;
  else {
    const first = firstNonSpace(payload);
    if (first !== 0x7b) return { ok: false, error: `not JSON (first byte ${first < 0 ? 'missing' : `0x${first.toString(16).padStart(2, '0')}`})` };
    try {
      text = utf8.decode(payload);
    } catch {
      return { ok: false, error: 'not UTF-8 text' };
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON: ${(error as Error).message}` };
  }
  return decodeModelValue(value);
}

/** Validates an already parsed value as a model message. */
export function decodeModelValue(value: unknown): DecodeResult<SignalMessage> {
  const parsed = SignalMessageSchema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  const more = parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more)` : '';
  return { ok: false, error: `not a model message: ${issues.join('; ')}${more}` };
}

/** Writes a message in model JSON form (what `decodeModelJson` reads). */
export function encodeModelJson(message: SignalMessage): string {
  return JSON.stringify(message);
}

function firstNonSpace(bytes: Uint8Array): number {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return b;
  return -1;
}

// ---------------------------------------------------------------------------
// Dispatch

/**
 * A decoder that tries, in order, those of `decoders` that take the
 * payload's shape and returns the first success, or every tried decoder's
 * error. A decoder that throws (a bug, since decoders return errors for bad
 * input) is reported like an error, so a feed never dies of one payload.
 */
export function chainDecoders(decoders: readonly NamedDecoder[]): SignalDecoder {
  return (payload, now) => {
    const shape = payloadShape(payload);
    const errors: string[] = [];
    for (const { name, takes, decode } of decoders) {
      if (takes && !takes.includes(shape)) continue;
      let result: DecodeResult<SignalMessage>;
      try {
        result = decode(payload, now);
      } catch (error) {
        result = { ok: false, error: `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` };
      }
      if (result.ok) return result;
      errors.push(`${name}: ${result.error}`);
    }
    return { ok: false, error: errors.length ? errors.join('; ') : `no decoder reads ${shape} payloads` };
  };
}

/** Text of a payload that is text (JSON, XML) whether it came as a string or as UTF-8 bytes. */
function asText(payload: Uint8Array | string): DecodeResult<string> {
  if (typeof payload === 'string') return { ok: true, value: payload };
  try {
    return { ok: true, value: utf8.decode(payload) };
  } catch {
    return { ok: false, error: 'not UTF-8 text' };
  }
}

/** SAE J2735 UPER MessageFrame (bytes or hex text, IEEE 1609.2-wrapped or not). */
export function decodeJ2735Uper(payload: Uint8Array | string, now: Date): DecodeResult<SignalMessage> {
  return decodeSignalMessage(payload, now.getTime());
}

/** SAE J2735 in the USDOT ODE's JSON. */
export function decodeJ2735OdeJson(payload: Uint8Array | string, now: Date): DecodeResult<SignalMessage> {
  const text = asText(payload);
  if (!text.ok) return text;
  const frame = fromOdeJson(text.value);
  return frame.ok ? { ok: true, value: toModel(frame.value, now.getTime()) } : frame;
}

/** SAE J2735 in XER (XML). */
export function decodeJ2735Xer(payload: Uint8Array | string, now: Date): DecodeResult<SignalMessage> {
  const text = asText(payload);
  if (!text.ok) return text;
  const frame = fromXer(text.value);
  return frame.ok ? { ok: true, value: toModel(frame.value, now.getTime()) } : frame;
}

/**
 * The decoders `decodeAny` tries, in order: Cabin's model JSON, then SAE
 * J2735 UPER (its leading DSRCmsgID rejects CSAE frames at once), then
 * T/CSAE 53 UPER (bare or in the roadside unit's envelope), then J2735's
 * text forms. Each is tried only on payloads of a shape it reads.
 */
export const SIGNAL_DECODERS: readonly NamedDecoder[] = [
  { name: 'model-json', takes: ['json'], decode: decodeModelJson },
  { name: 'j2735', takes: ['binary'], decode: decodeJ2735Uper },
  { name: 'csae53', takes: ['binary'], decode: decodeCsaeFrame },
  { name: 'j2735-ode-json', takes: ['json'], decode: decodeJ2735OdeJson },
  { name: 'j2735-xer', takes: ['xml'], decode: decodeJ2735Xer },
];

/** Decodes a payload in any format Cabin knows (see SIGNAL_DECODERS). */
export const decodeAny: SignalDecoder = chainDecoders(SIGNAL_DECODERS);

// ---------------------------------------------------------------------------
// Feeding the store

/** What happened to one payload. */
export type IngestResult =
  | { ok: true; message: SignalMessage; outcome: AcceptOutcome }
  | { ok: false; reason: 'undecodable' | 'wrong-kind'; error: string };

/**
 * Decodes one payload received at `receivedAt` and hands it to the store;
 * an undecodable payload, or one of another kind than `expect`, is counted in
 * the store's drop statistics and reported, never thrown.
 */
export function ingestPayload(
  store: SignalStore,
  decode: SignalDecoder,
  payload: Uint8Array | string,
  receivedAt: number,
  expect?: SignalMessage['kind'],
): IngestResult {
  const decoded = decode(payload, new Date(receivedAt));
  if (!decoded.ok) {
    store.countDropped('undecodable');
    return { ok: false, reason: 'undecodable', error: decoded.error };
  }
  const message = decoded.value;
  if (expect && message.kind !== expect) {
    store.countDropped('wrong-kind', Math.max(1, message.intersections.length));
    return { ok: false, reason: 'wrong-kind', error: `expected a ${expect.toUpperCase()} message, got ${message.kind.toUpperCase()}` };
  }
  const outcome = message.kind === 'spat' ? store.acceptSpat(message, receivedAt) : store.acceptMap(message, receivedAt);
  return { ok: true, message, outcome };
}
