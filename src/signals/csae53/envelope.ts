/**
 * The short transport prefix that roadside units put before CSAE 53 frames,
 * as in the recorded samples of zyjohn0822/asn1-uper-v2x
 * (`sources/v2x/v2x数据示例.txt`, all five of them):
 *
 *   8 octets   RSU id, ASCII ("u_id_123")
 *   8 octets   when the RSU sent it: epoch milliseconds, little-endian
 *   then either
 *   2 octets   frame length, little-endian, and the UPER MessageFrame
 *              (the SPAT, MapData, RSM and RSI samples)
 *   or
 *   1 octet    frame count n, then n × (2-octet little-endian length, frame)
 *              (the BSM sample batches two vehicles' messages)
 *
 * The sent time agrees with each frame's own time (the SPAT sample's moy and
 * timeStamp are 3 s after it; the MapData sample's minute is the same).
 */

/** A transport envelope opened: who sent it, when, and the frames it carries. */
export interface RsuEnvelope {
  deviceId: string;
  /** Epoch ms, by the RSU's clock. */
  sentAt: number;
  frames: Uint8Array[];
}

const HEADER_OCTETS = 16;
// Sent times outside these years mean the octets are not an envelope.
const EARLIEST_SENT = Date.UTC(2000, 0, 1);
const LATEST_SENT = Date.UTC(2100, 0, 1);

/** Opens the envelope around CSAE frames, or returns undefined when `bytes` is not one (a bare frame). */
export function openRsuEnvelope(bytes: Uint8Array): RsuEnvelope | undefined {
  if (bytes.length < HEADER_OCTETS + 3) return undefined;
  let deviceId = '';
  for (let k = 0; k < 8; k++) {
    const octet = bytes[k]!;
    if (octet < 0x20 || octet > 0x7e) return undefined;
    deviceId += String.fromCharCode(octet);
  }
  const low = readUint32LE(bytes, 8);
  const high = readUint32LE(bytes, 12);
  const sentAt = high * 4294967296 + low;
  if (sentAt < EARLIEST_SENT || sentAt >= LATEST_SENT) return undefined;

  const single = readUint16LE(bytes, HEADER_OCTETS);
  if (single > 0 && single === bytes.length - HEADER_OCTETS - 2) {
    return { deviceId, sentAt, frames: [bytes.subarray(HEADER_OCTETS + 2)] };
  }
  const count = bytes[HEADER_OCTETS]!;
  const frames: Uint8Array[] = [];
  let at = HEADER_OCTETS + 1;
  for (let k = 0; k < count; k++) {
    if (at + 2 > bytes.length) return undefined;
    const length = readUint16LE(bytes, at);
    at += 2;
    if (length === 0 || at + length > bytes.length) return undefined;
    frames.push(bytes.subarray(at, at + length));
    at += length;
  }
  return count > 0 && at === bytes.length ? { deviceId, sentAt, frames } : undefined;
}

/** Wraps one frame in the envelope (for tests and replaying recordings). */
export function wrapRsuEnvelope(frame: Uint8Array, deviceId: string, sentAt: number): Uint8Array {
  if (!/^[\x20-\x7e]{8}$/.test(deviceId)) throw new RangeError(`wrapRsuEnvelope: device id '${deviceId}' is not 8 ASCII characters`);
  if (frame.length === 0 || frame.length > 0xffff) throw new RangeError(`wrapRsuEnvelope: frame of ${frame.length} octets`);
  const bytes = new Uint8Array(HEADER_OCTETS + 2 + frame.length);
  for (let k = 0; k < 8; k++) bytes[k] = deviceId.charCodeAt(k);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(8, BigInt(sentAt), true);
  view.setUint16(HEADER_OCTETS, frame.length, true);
  bytes.set(frame, HEADER_OCTETS + 2);
  return bytes;
}

function readUint16LE(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

function readUint32LE(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}
