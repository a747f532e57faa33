/**
 * China's T/CSAE 53-2017/2020 SPAT and MapData (UPER) → Cabin's traffic-light model.
 *
 *   decodeCsaeFrame(hexOrBytes, now)   → DecodeResult<SpatMessage | MapMessage>
 *   decodeCsaeMessage(hexOrBytes)      → DecodeResult<CsaeFrame>   (the ASN.1 values)
 *   encodeCsaeFrame(frame)             → UPER bytes of a MessageFrame
 *
 * Input may be a bare MessageFrame or one in the roadside unit's transport
 * envelope (see `envelope.ts`), as bytes or hex text.
 */
import type { DecodeResult, MapMessage, SpatMessage } from '../model.ts';
import { openRsuEnvelope } from './envelope.ts';
import { decodeMessageFrame, encodeMessageFrame, type CsaeFrame } from './frame.ts';
import { mapToModel, spatToModel } from './to-model.ts';

export type { CsaeFrame } from './frame.ts';
export type {
  Connection,
  IntersectionState,
  Lane,
  LaneTypeAttributes,
  Link,
  MapData,
  Movement,
  Node,
  NodeReferenceID,
  Phase,
  PhaseState,
  Position3D,
  PositionOffsetLL,
  PositionOffsetLLV,
  SPAT,
  TimeChangeDetails,
  TimeCountingDown,
  UTCTiming,
} from './schema.ts';
export type { RsuEnvelope } from './envelope.ts';
export { openRsuEnvelope, wrapRsuEnvelope } from './envelope.ts';
export {
  intervalConfidence,
  lightPhase,
  maneuversOf,
  mapToModel,
  messageTime,
  minuteOfYearToEpoch,
  spatToModel,
} from './to-model.ts';

/**
 * Decodes a CSAE 53 SPAT or MapData into Cabin's model. Countdowns are
 * resolved against the message's own time; `now` (the time of reception)
 * supplies the year and stands in for a time the message does not give.
 * Never throws for bad input.
 */
export function decodeCsaeFrame(input: string | Uint8Array, now: Date): DecodeResult<SpatMessage | MapMessage> {
  const decoded = decodeCsaeMessage(input);
  if (!decoded.ok) return decoded;
  const frame = decoded.value;
  return { ok: true, value: frame.type === 'spatFrame' ? spatToModel(frame.value, now) : mapToModel(frame.value, now) };
}

/**
 * Decodes a CSAE 53 SPAT or MapData to its ASN.1 values. From an envelope
 * that batches several frames, the first SPAT or MapData is returned; when
 * there is none, the first frame's error.
 */
export function decodeCsaeMessage(input: string | Uint8Array): DecodeResult<CsaeFrame> {
  const bytes = typeof input === 'string' ? parseHex(input) : { ok: true as const, value: input };
  if (!bytes.ok) return bytes;
  const envelope = openRsuEnvelope(bytes.value);
  const frames = envelope === undefined ? [bytes.value] : envelope.frames;
  let firstError = '';
  for (const frame of frames) {
    const result = decodeMessageFrame(frame);
    if (result.ok) return result;
    if (firstError === '') firstError = result.error;
  }
  return { ok: false, error: frames.length > 1 ? `${firstError} (frame 1 of ${frames.length})` : firstError };
}

/** Encodes a SPAT or MapData as a UPER MessageFrame (no envelope); throws RangeError for values outside their ASN.1 types. */
export function encodeCsaeFrame(frame: CsaeFrame): Uint8Array {
  return encodeMessageFrame(frame);
}

/** Hex text (whitespace allowed) → bytes. */
function parseHex(text: string): DecodeResult<Uint8Array> {
  const hex = text.replace(/\s+/g, '');
  const bad = hex.search(/[^0-9a-fA-F]/);
  if (bad >= 0) return { ok: false, error: `CSAE frame: hex input has '${hex[bad]}' at character ${bad}` };
  if (hex.length % 2 !== 0) return { ok: false, error: `CSAE frame: hex input has an odd number of digits (${hex.length})` };
  if (hex.length === 0) return { ok: false, error: 'CSAE frame: empty input' };
  const bytes = new Uint8Array(hex.length / 2);
  for (let k = 0; k < bytes.length; k++) bytes[k] = parseInt(hex.slice(2 * k, 2 * k + 2), 16);
  return { ok: true, value: bytes };
}
