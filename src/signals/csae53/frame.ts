/**
 * The CSAE 53 MessageFrame: decoding one UPER frame to its SPAT or MapData
 * value (as the ASN.1 defines it, before any conversion to Cabin's model),
 * and encoding those values back.
 */
import { BitReader, BitWriter, UperError } from '../uper.ts';
import type { DecodeResult } from '../model.ts';
import { formatPath, type Path } from './per.ts';
import { FRAME_ALTERNATIVES, MapData, SPAT } from './schema.ts';

/** A decoded SPAT or MapData frame. */
export type CsaeFrame = { type: 'spatFrame'; value: SPAT } | { type: 'mapFrame'; value: MapData };

const MESSAGE_NAMES = {
  bsmFrame: 'BasicSafetyMessage',
  mapFrame: 'MapData',
  rsmFrame: 'RoadsideSafetyMessage',
  spatFrame: 'SPAT',
  rsiFrame: 'RoadSideInformation',
} as const;

/**
 * Decodes one UPER MessageFrame. Never throws for malformed input: the error
 * names the message, the bit and the field, e.g.
 * `CSAE SPAT: bit 97: 16-bit field needs 16 bits, only 3 left (at intersections[0].phases[2].phaseStates[0].light)`.
 */
export function decodeMessageFrame(bytes: Uint8Array): DecodeResult<CsaeFrame> {
  const reader = new BitReader(bytes);
  let alternative: (typeof FRAME_ALTERNATIVES)[number];
  try {
    if (reader.readBit()) {
      const index = reader.readNormallySmall();
      return { ok: false, error: `CSAE frame: extension alternative ${index} is not SPAT or MapData` };
    }
    alternative = FRAME_ALTERNATIVES[reader.readConstrained(0, FRAME_ALTERNATIVES.length - 1)]!;
  } catch (error) {
    if (error instanceof UperError) return { ok: false, error: `CSAE frame: ${error.message}` };
    throw error;
  }
  if (alternative !== 'spatFrame' && alternative !== 'mapFrame') {
    return { ok: false, error: `CSAE frame: ${alternative} (${MESSAGE_NAMES[alternative]}) is not SPAT or MapData` };
  }
  const label = `CSAE ${MESSAGE_NAMES[alternative]}`;
  const path: Path = [];
  try {
    const frame: CsaeFrame =
      alternative === 'spatFrame'
        ? { type: alternative, value: SPAT.decode(reader, path) }
        : { type: alternative, value: MapData.decode(reader, path) };
    // UPER pads the last octet with zero bits; whole octets after it are not part of this frame.
    if (reader.bitsLeft >= 8) {
      return { ok: false, error: `${label}: bit ${reader.bitPosition}: ${reader.bitsLeft >>> 3} octets after the end of the message` };
    }
    return { ok: true, value: frame };
  } catch (error) {
    if (error instanceof UperError) {
      const where = path.length > 0 ? ` (at ${formatPath(path)})` : '';
      return { ok: false, error: `${label}: ${error.message}${where}` };
    }
    throw error;
  }
}

/** Encodes a SPAT or MapData frame as a UPER MessageFrame; throws RangeError for a value outside its ASN.1 type. */
export function encodeMessageFrame(frame: CsaeFrame): Uint8Array {
  const writer = new BitWriter();
  writer.writeBit(false);
  writer.writeConstrained(FRAME_ALTERNATIVES.indexOf(frame.type), 0, FRAME_ALTERNATIVES.length - 1);
  if (frame.type === 'spatFrame') SPAT.encode(writer, frame.value);
  else MapData.encode(writer, frame.value);
  return writer.finish();
}
