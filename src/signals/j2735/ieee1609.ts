/**
 * Just enough of IEEE 1609.2 to find the J2735 MessageFrame that a roadside
 * unit wraps in an Ieee1609Dot2Data: unsecured data, or signed data whose
 * tbsData.payload.data is (recursively) an Ieee1609Dot2Data. 1609.2 is
 * encoded with canonical OER (ITU-T X.696), not PER: whole octets, CHOICE
 * tags as one octet (0x80 | tag number), lengths short (< 128) or long form.
 * Signatures are not checked; the header, signer and signature are not read.
 */

import { UperError } from '../uper.ts';

/** Ieee1609Dot2Data.protocolVersion. */
const PROTOCOL_VERSION = 3;
/** Ieee1609Dot2Content CHOICE tags: [0] unsecuredData, [1] signedData. */
const TAG_UNSECURED = 0x80;
const TAG_SIGNED = 0x81;
/** Nesting allowed (signed data inside signed data …) before giving up. */
const MAX_DEPTH = 4;

/** Where the payload lies in the input bytes. */
export interface PayloadSpan {
  start: number;
  end: number;
  /** True when the payload came from signed data. */
  signed: boolean;
}

/** True when the bytes start like an Ieee1609Dot2Data (version 3, unsecured or signed content). */
export function looksLike1609Dot2(bytes: Uint8Array, offset = 0): boolean {
  return bytes[offset] === PROTOCOL_VERSION && (bytes[offset + 1] === TAG_UNSECURED || bytes[offset + 1] === TAG_SIGNED);
}

/**
 * Finds the unsecured payload of an Ieee1609Dot2Data starting at `offset`.
 * Throws UperError (naming the byte offset) when the structure is malformed
 * or holds no payload (encrypted data, external data hash). With `lenient`,
 * a payload length that runs past the input takes the rest of the input
 * (some recorded samples cut the envelope short).
 */
export function find1609Dot2Payload(bytes: Uint8Array, offset = 0, depth = 0, lenient = false): PayloadSpan {
  if (depth > MAX_DEPTH) fail(offset, 'Ieee1609Dot2Data nested too deeply');
  let at = offset;
  if (byteAt(bytes, at) !== PROTOCOL_VERSION) fail(at, `1609.2 protocolVersion ${bytes[at]} is not 3`);
  at++;
  const tag = byteAt(bytes, at++);
  if (tag === TAG_UNSECURED) {
    const [length, start] = readLength(bytes, at);
    if (start + length > bytes.length) {
      if (!lenient) fail(at, `1609.2 unsecuredData of ${length} bytes overruns the input (${bytes.length - start} left)`);
      return { start, end: bytes.length, signed: false };
    }
    return { start, end: start + length, signed: false };
  }
  if (tag !== TAG_SIGNED) fail(at - 1, `1609.2 content tag 0x${tag.toString(16)} holds no unsecured payload`);
  // SignedData ::= SEQUENCE { hashId HashAlgorithm, tbsData ToBeSignedData, … }
  const hashId = byteAt(bytes, at++);
  if (hashId > 127) fail(at - 1, '1609.2 hashId uses a long enumerated form');
  // ToBeSignedData ::= SEQUENCE { payload SignedDataPayload, headerInfo … }
  // SignedDataPayload ::= SEQUENCE { data Ieee1609Dot2Data OPTIONAL, extDataHash OPTIONAL, ... }:
  // its OER preamble is one octet: extension bit, then a presence bit per optional.
  const preamble = byteAt(bytes, at++);
  if ((preamble & 0x40) === 0) fail(at - 1, '1609.2 signed data carries no payload data (external data hash only)');
  const inner = find1609Dot2Payload(bytes, at, depth + 1, lenient);
  return { start: inner.start, end: inner.end, signed: true };
}

function readLength(bytes: Uint8Array, at: number): [length: number, next: number] {
  const first = byteAt(bytes, at);
  if (first < 0x80) return [first, at + 1];
  const octets = first & 0x7f;
  if (octets === 0 || octets > 3) fail(at, `1609.2 length of ${octets} octets`);
  let length = 0;
  for (let i = 1; i <= octets; i++) length = length * 256 + byteAt(bytes, at + i);
  return [length, at + 1 + octets];
}

function byteAt(bytes: Uint8Array, at: number): number {
  const value = bytes[at];
  if (value === undefined) fail(at, '1609.2 data is truncated');
  return value;
}

function fail(at: number, what: string): never {
  throw new UperError(`byte ${at}: ${what}`);
}

/** Wraps a payload as an unsecured Ieee1609Dot2Data (for tests and tools). */
export function wrapUnsecured(payload: Uint8Array): Uint8Array {
  const long = payload.length >= 128;
  const header = long ? [PROTOCOL_VERSION, TAG_UNSECURED, 0x82, payload.length >>> 8, payload.length & 0xff] : [PROTOCOL_VERSION, TAG_UNSECURED, payload.length];
  const out = new Uint8Array(header.length + payload.length);
  out.set(header);
  out.set(payload, header.length);
  return out;
}
