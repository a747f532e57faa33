/**
 * ASN.1 Packed Encoding Rules, unaligned variant (ITU-T X.691), as used by
 * SAE J2735 and T/CSAE 53: a bit reader and a bit writer with the PER
 * primitives (constrained, semi-constrained and unconstrained whole numbers,
 * length determinants, normally small numbers, bit/octet strings, open
 * types, known-multiplier character strings).
 *
 * The reader never reads outside its window: every read checks the bits left
 * first and throws `UperError` naming the bit position. Fragmented lengths
 * (≥ 16K) are not supported and are reported as errors. Bit positions in
 * errors are absolute within the buffer the reader was built on, so an
 * error inside an open type still points into the original message.
 */

/** Malformed PER input: the message names the bit position. */
export class UperError extends Error {
  override name = 'UperError';
}

const TWO_POW_32 = 4294967296;

/** Bits needed for a constrained whole number with `range` values (X.691 §11.5.7.2, unaligned). */
function bitsForRange(range: number): number {
  if (range <= 1) return 0;
  if (range <= TWO_POW_32) return 32 - Math.clz32(range - 1);
  return Math.ceil(Math.log2(range));
}

/** Reads PER-unaligned values from a bit window of a byte array. */
export class BitReader {
  private readonly bytes: Uint8Array;
  private pos: number;
  private readonly end: number;

  /** Reads `bitLength` bits (default: to the end) of `bytes` from `bitOffset` (default 0). */
  constructor(bytes: Uint8Array, bitOffset = 0, bitLength = bytes.length * 8 - bitOffset) {
    if (bitOffset < 0 || bitLength < 0 || bitOffset + bitLength > bytes.length * 8) {
      throw new RangeError(`BitReader: window ${bitOffset}+${bitLength} bits exceeds ${bytes.length} bytes`);
    }
    this.bytes = bytes;
    this.pos = bitOffset;
    this.end = bitOffset + bitLength;
  }

  /** Absolute bit position in the underlying buffer. */
  get bitPosition(): number {
    return this.pos;
  }

  get bitsLeft(): number {
    return this.end - this.pos;
  }

  /** Throws a UperError at the current position. */
  fail(what: string): never {
    throw new UperError(`bit ${this.pos}: ${what}`);
  }

  private need(count: number, what: string): void {
    if (this.pos + count > this.end) {
      throw new UperError(`bit ${this.pos}: ${what} needs ${count} bits, only ${this.end - this.pos} left`);
    }
  }

  readBit(): boolean {
    const pos = this.pos;
    if (pos >= this.end) this.need(1, 'bit');
    this.pos = pos + 1;
    return ((this.bytes[pos >>> 3]! >>> (7 - (pos & 7))) & 1) === 1;
  }

  /** `count` (0–32) bits as an unsigned number, first bit most significant. */
  readBits(count: number): number {
    const pos = this.pos;
    if (pos + count > this.end) this.need(count, `${count}-bit field`);
    if (count > 32 || count < 0) throw new RangeError(`readBits: count ${count} is not 0..32`);
    const bytes = this.bytes;
    let i = pos >>> 3;
    const shift = pos & 7;
    this.pos = pos + count;
    if (count + shift <= 32 && i + 3 < bytes.length) {
      // Fast path: one big-endian 32-bit word, then two shifts.
      const word = (bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!;
      return count === 0 ? 0 : (word << shift) >>> (32 - count);
    }
    // Near the end of the buffer or a 32-bit field straddling five bytes.
    const head = 8 - shift;
    let value = bytes[i]! & (0xff >>> shift);
    if (count <= head) return value >>> (head - count);
    let remaining = count - head;
    while (remaining >= 8) {
      value = value * 256 + bytes[++i]!;
      remaining -= 8;
    }
    if (remaining > 0) value = value * (1 << remaining) + (bytes[++i]! >>> (8 - remaining));
    return value;
  }

  /** Constrained whole number in lower..upper (X.691 §11.5, unaligned: minimal bits, no alignment). */
  readConstrained(lower: number, upper: number): number {
    const range = upper - lower + 1;
    const bits = bitsForRange(range);
    if (bits === 0) return lower;
    let offset: number;
    if (bits <= 32) offset = this.readBits(bits);
    else offset = this.readBits(bits - 32) * TWO_POW_32 + this.readBits(32);
    if (offset >= range) {
      this.pos -= bits;
      this.fail(`value ${lower + offset} is outside ${lower}..${upper}`);
    }
    return lower + offset;
  }

  /** Semi-constrained whole number ≥ lower: a length in octets, then the offset from lower. */
  readSemiConstrained(lower: number): number {
    const octets = this.readLength();
    if (octets === 0 || octets > 7) this.fail(`semi-constrained integer of ${octets} octets`);
    let value = 0;
    for (let k = 0; k < octets; k++) value = value * 256 + this.readBits(8);
    if (value > Number.MAX_SAFE_INTEGER) this.fail('semi-constrained integer exceeds 2^53');
    return lower + value;
  }

  /** Unconstrained whole number: a length in octets, then two's complement. */
  readUnconstrained(): number {
    const octets = this.readLength();
    if (octets === 0 || octets > 6) this.fail(`unconstrained integer of ${octets} octets`);
    const first = this.readBits(8);
    let value = first >= 128 ? first - 256 : first;
    for (let k = 1; k < octets; k++) value = value * 256 + this.readBits(8);
    return value;
  }

  /** Unconstrained length determinant (X.691 §11.9.3.5–7); fragmentation is rejected. */
  readLength(): number {
    const first = this.readBits(8);
    if (first < 0x80) return first;
    if (first < 0xc0) return ((first & 0x3f) << 8) | this.readBits(8);
    this.pos -= 8;
    return this.fail('fragmented length (≥ 16K) is not supported');
  }

  /** Normally small non-negative whole number (X.691 §11.6): choice indices and extension counts. */
  readNormallySmall(): number {
    if (!this.readBit()) return this.readBits(6);
    return this.readSemiConstrained(0);
  }

  /** `count` octets, copied. */
  readOctets(count: number): Uint8Array {
    this.need(count * 8, `${count}-octet string`);
    const pos = this.pos;
    if ((pos & 7) === 0) {
      this.pos = pos + count * 8;
      return this.bytes.slice(pos >>> 3, (pos >>> 3) + count);
    }
    const out = new Uint8Array(count);
    for (let k = 0; k < count; k++) out[k] = this.readBits(8);
    return out;
  }

  /** Fixed-size BIT STRING of at most 32 bits as an unsigned number (first bit = MSB). */
  readBitString(size: number): number {
    return this.readBits(size);
  }

  /** Open type (X.691 §11.2): a length in octets and a nested encoding, returned as its own reader and skipped here. */
  readOpenType(): BitReader {
    const octets = this.readLength();
    const bits = octets * 8;
    this.need(bits, `open type of ${octets} octets`);
    const inner = new BitReader(this.bytes, this.pos, bits);
    this.pos += bits;
    return inner;
  }

  /** Skips an open type (an extension addition or a regional extension). */
  skipOpenType(): void {
    const octets = this.readLength();
    this.need(octets * 8, `open type of ${octets} octets`);
    this.pos += octets * 8;
  }

  /**
   * Skips the extension additions of an extensible SEQUENCE whose extension
   * bit was set (X.691 §19.7–19.9): a normally small bitmap length, the
   * presence bitmap, then one open type per present addition.
   */
  skipExtensionAdditions(): void {
    const count = this.readNormallySmall() + 1;
    let present = 0;
    for (let k = 0; k < count; k++) if (this.readBit()) present++;
    for (let k = 0; k < present; k++) this.skipOpenType();
  }

  /**
   * Known-multiplier character string (IA5String, VisibleString, NumericString …)
   * of size lower..upper, `bitsPerChar` bits per character (7 for IA5String and
   * VisibleString without a permitted-alphabet constraint).
   */
  readString(lower: number, upper: number, bitsPerChar = 7): string {
    let length: number;
    if (lower === upper) length = lower;
    else if (upper < 65536) length = this.readConstrained(lower, upper);
    else {
      length = this.readLength();
      if (length < lower) this.fail(`string of ${length} characters, fewer than ${lower}`);
    }
    this.need(length * bitsPerChar, `string of ${length} characters`);
    let text = '';
    for (let k = 0; k < length; k++) text += String.fromCharCode(this.readBits(bitsPerChar));
    return text;
  }
}

/** Writes PER-unaligned values into a growing buffer. */
export class BitWriter {
  private bytes = new Uint8Array(64);
  private pos = 0;

  get bitPosition(): number {
    return this.pos;
  }

  /** Empties the writer, keeping its buffer, so that one writer can encode message after message. */
  reset(): void {
    this.bytes.fill(0, 0, (this.pos + 7) >>> 3);
    this.pos = 0;
  }

  private ensure(bits: number): void {
    const needed = (this.pos + bits + 7) >>> 3;
    if (needed <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes);
    this.bytes = grown;
  }

  writeBit(bit: boolean): void {
    this.ensure(1);
    if (bit) this.bytes[this.pos >>> 3]! |= 0x80 >>> (this.pos & 7);
    this.pos++;
  }

  /** The low `count` (0–32) bits of unsigned `value`, most significant first. */
  writeBits(value: number, count: number): void {
    if (count < 0 || count > 32) throw new RangeError(`writeBits: count ${count} is not 0..32`);
    // (1 << count) >>> 0 is 2^count for count < 32 without calling Math.pow.
    if (value < 0 || value >= (count === 32 ? TWO_POW_32 : (1 << count) >>> 0) || !Number.isInteger(value)) {
      throw new RangeError(`writeBits: ${value} does not fit in ${count} unsigned bits`);
    }
    this.ensure(count);
    let remaining = count;
    while (remaining > 0) {
      const free = 8 - (this.pos & 7);
      const take = remaining < free ? remaining : free;
      // Top `take` bits of what is left (value < 2^32, so >>> is exact), placed at the current bit.
      const chunk = (value >>> (remaining - take)) & ((1 << take) - 1);
      this.bytes[this.pos >>> 3]! |= chunk << (free - take);
      this.pos += take;
      remaining -= take;
    }
  }

  writeConstrained(value: number, lower: number, upper: number): void {
    if (!Number.isInteger(value) || value < lower || value > upper) {
      throw new RangeError(`writeConstrained: ${value} is outside ${lower}..${upper}`);
    }
    const bits = bitsForRange(upper - lower + 1);
    const offset = value - lower;
    if (bits <= 32) this.writeBits(offset, bits);
    else {
      this.writeBits(Math.floor(offset / TWO_POW_32), bits - 32);
      this.writeBits(offset % TWO_POW_32, 32);
    }
  }

  writeSemiConstrained(value: number, lower: number): void {
    const offset = value - lower;
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`writeSemiConstrained: ${value} < ${lower}`);
    let octets = 1;
    while (offset >= 2 ** (8 * octets)) octets++;
    this.writeLength(octets);
    for (let k = octets - 1; k >= 0; k--) this.writeBits(Math.floor(offset / 2 ** (8 * k)) % 256, 8);
  }

  writeUnconstrained(value: number): void {
    if (!Number.isSafeInteger(value) || Math.abs(value) >= 2 ** 47) {
      throw new RangeError(`writeUnconstrained: ${value} is not a 48-bit integer`);
    }
    let octets = 1;
    while (value < -(2 ** (8 * octets - 1)) || value >= 2 ** (8 * octets - 1)) octets++;
    const unsigned = value < 0 ? value + 2 ** (8 * octets) : value;
    this.writeLength(octets);
    for (let k = octets - 1; k >= 0; k--) this.writeBits(Math.floor(unsigned / 2 ** (8 * k)) % 256, 8);
  }

  writeLength(length: number): void {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`writeLength: ${length}`);
    if (length < 128) this.writeBits(length, 8);
    else if (length < 16384) this.writeBits(0x8000 | length, 16);
    else throw new RangeError(`writeLength: ${length} needs fragmentation, which is not supported`);
  }

  writeNormallySmall(value: number): void {
    if (value < 64) {
      this.writeBit(false);
      this.writeBits(value, 6);
    } else {
      this.writeBit(true);
      this.writeSemiConstrained(value, 0);
    }
  }

  writeOctets(octets: Uint8Array): void {
    this.ensure(octets.length * 8);
    if ((this.pos & 7) === 0) {
      this.bytes.set(octets, this.pos >>> 3);
      this.pos += octets.length * 8;
    } else for (const octet of octets) this.writeBits(octet, 8);
  }

  writeBitString(value: number, size: number): void {
    this.writeBits(value, size);
  }

  /** An open type whose content is the complete encoding `inner`. */
  writeOpenType(inner: Uint8Array): void {
    this.writeLength(inner.length);
    this.writeOctets(inner);
  }

  writeString(text: string, lower: number, upper: number, bitsPerChar = 7): void {
    const length = text.length;
    if (length < lower || length > upper) {
      throw new RangeError(`writeString: length ${length} is outside ${lower}..${upper}`);
    }
    if (lower !== upper) {
      if (upper < 65536) this.writeConstrained(length, lower, upper);
      else this.writeLength(length);
    }
    for (let k = 0; k < length; k++) this.writeBits(text.charCodeAt(k), bitsPerChar);
  }

  /** The encoding so far, padded with zero bits to whole octets (an empty encoding is one zero octet, X.691 §11.1). */
  finish(): Uint8Array {
    if (this.pos === 0) return new Uint8Array(1);
    return this.bytes.slice(0, (this.pos + 7) >>> 3);
  }
}
