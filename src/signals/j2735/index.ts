/**
 * SAE J2735 SPaT and MAP: UPER decoding and encoding of the MessageFrame
 * (optionally inside an IEEE 1609.2 envelope), the ODE's JSON and the XER
 * (XML) forms, and conversion to Cabin's signal model.
 */

import type { DecodeResult, SignalMessage } from '../model.ts';
import { BitReader, UperError } from '../uper.ts';
import { find1609Dot2Payload, looksLike1609Dot2 } from './ieee1609.ts';
import { toModel } from './to-model.ts';
import type { J2735Frame } from './types.ts';
import { readMessageFrame } from './uper-decode.ts';
import { encodeFrame } from './uper-encode.ts';

export type * from './types.ts';
export {
  ADVISORY_SPEED_TYPES,
  LANE_TYPES,
  LAYER_TYPES,
  MOVEMENT_PHASE_STATES,
  NODE_ATTRIBUTES_XY,
  RESTRICTION_APPLIES_TO,
  SAE_SPEED_CONFIDENCES,
  SEGMENT_ATTRIBUTES_XY,
  SPEED_LIMIT_TYPES,
} from './types.ts';
export { toModel, resolveTimeMark, resolveMessageTime } from './to-model.ts';
export { fromOdeJson } from './ode-json.ts';
export { fromXer } from './xer.ts';
export { find1609Dot2Payload, looksLike1609Dot2, wrapUnsecured } from './ieee1609.ts';

/** UPER bytes, or the same as hex text (spaces, newlines and `0x` prefixes allowed). */
export type J2735Input = string | Uint8Array;

/** Hex text → bytes; `{ ok: false }` names the first character that is not hex. */
export function parseHex(text: string): DecodeResult<Uint8Array> {
  const clean = text.replace(/0x/gi, '').replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0) return { ok: false, error: `hex: odd number of digits (${clean.length})` };
  const bytes = new Uint8Array(clean.length >>> 1);
  for (let i = 0; i < clean.length; i += 2) {
    const high = hexDigit(clean.charCodeAt(i));
    const low = hexDigit(clean.charCodeAt(i + 1));
    if (high < 0 || low < 0) {
      const at = high < 0 ? i : i + 1;
      return { ok: false, error: `hex: '${clean[at]}' at digit ${at} is not a hex digit` };
    }
    bytes[i >>> 1] = (high << 4) | low;
  }
  return { ok: true, value: bytes };
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** How forgiving decoding is about the envelope around a complete MessageFrame. */
export interface DecodeOptions {
  /**
   * Accept what the USDOT ODE accepts: bytes after a complete MessageFrame
   * (ignored) and a 1609.2 unsecuredData length that runs past the input
   * (the rest of the input is taken). Default false: both are errors. Zero
   * bytes after the frame (padding) are always accepted.
   */
  lenient?: boolean;
}

const STRICT: DecodeOptions = {};

/**
 * Decodes a UPER MessageFrame holding a SPaT or MAP, unwrapping an IEEE
 * 1609.2 Ieee1609Dot2Data (unsecured, or signed with an unsecured payload)
 * first when the bytes start with one. Never throws for bad input: errors
 * read like `SPaT: bit 312: …` (bit positions count from the start of the
 * given bytes).
 */
export function decodeJ2735(input: J2735Input, options: DecodeOptions = STRICT): DecodeResult<J2735Frame> {
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    const parsed = parseHex(input);
    if (!parsed.ok) return parsed;
    bytes = parsed.value;
  } else bytes = input;
  let start = 0;
  let end = bytes.length;
  if (looksLike1609Dot2(bytes)) {
    try {
      const span = find1609Dot2Payload(bytes, 0, 0, options.lenient === true);
      start = span.start;
      end = span.end;
    } catch (error) {
      if (error instanceof UperError) return { ok: false, error: `IEEE 1609.2: ${error.message}` };
      throw error;
    }
  }
  return decodeFrameAt(bytes, start, end, options);
}

/** Decodes the MessageFrame in `bytes[start, end)` (no 1609.2 envelope). */
export function decodeFrameAt(
  bytes: Uint8Array,
  start: number,
  end: number,
  options: DecodeOptions = STRICT,
): DecodeResult<J2735Frame> {
  if (end - start < 3) return { ok: false, error: `J2735: ${end - start} bytes are too few for a MessageFrame` };
  const reader = new BitReader(bytes, start * 8, (end - start) * 8);
  try {
    const frame = readMessageFrame(reader);
    const trailing = options.lenient ? -1 : firstNonZero(bytes, (reader.bitPosition + 7) >>> 3, end);
    if (trailing >= 0) {
      return { ok: false, error: `${label(bytes, start)}: byte ${trailing}: data after the end of the MessageFrame` };
    }
    return { ok: true, value: frame };
  } catch (error) {
    if (error instanceof UperError) return { ok: false, error: `${label(bytes, start)}: ${error.message}` };
    throw error;
  }
}

/** Encodes a SPaT or MAP MessageFrame as UPER bytes (no 1609.2 envelope). */
export function encodeJ2735(frame: J2735Frame): Uint8Array {
  return encodeFrame(frame);
}

/**
 * Decodes UPER (hex or bytes, 1609.2-wrapped or not) straight to Cabin's
 * model. `now` (epoch ms) supplies the year, which J2735 times omit.
 */
export function decodeSignalMessage(input: J2735Input, now: number, options: DecodeOptions = STRICT): DecodeResult<SignalMessage> {
  const decoded = decodeJ2735(input, options);
  if (!decoded.ok) return decoded;
  return { ok: true, value: toModel(decoded.value, now) };
}

function firstNonZero(bytes: Uint8Array, from: number, end: number): number {
  for (let i = from; i < end; i++) if (bytes[i] !== 0) return i;
  return -1;
}

/** Names the message in errors from its DSRCmsgID (bits 1–15 of the frame). */
function label(bytes: Uint8Array, start: number): string {
  const id = (((bytes[start] ?? 0) & 0x7f) << 8) | (bytes[start + 1] ?? 0);
  return id === 19 ? 'SPaT' : id === 18 ? 'MAP' : 'J2735';
}
