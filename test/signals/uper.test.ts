import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BitReader, BitWriter, UperError } from '../../src/signals/uper.ts';

/** The slow, obviously right reading: one bit at a time. */
function bitsByHand(bytes: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) value = value * 2 + ((bytes[(at + i) >>> 3]! >>> (7 - ((at + i) & 7))) & 1);
  return value;
}

function written(write: (w: BitWriter) => void): string {
  const w = new BitWriter();
  write(w);
  return Buffer.from(w.finish()).toString('hex');
}

describe('BitReader', () => {
  it('reads any 0–32 bit field at any bit offset as the bits say', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 12 }), fc.nat(), fc.nat(32), (bytes, start, count) => {
        const at = start % (bytes.length * 8);
        if (at + count > bytes.length * 8) return;
        const reader = new BitReader(bytes, at);
        assert.equal(reader.readBits(count), bitsByHand(bytes, at, count));
        assert.equal(reader.bitPosition, at + count);
      }),
      { numRuns: 20_000 },
    );
  });

  it('throws a UperError naming the bit position when a read runs past the end', () => {
    const reader = new BitReader(new Uint8Array([0xff, 0xff]));
    reader.readBits(13);
    assert.throws(() => reader.readBits(4), new UperError('bit 13: 4-bit field needs 4 bits, only 3 left'));
    assert.equal(reader.bitPosition, 13);
  });

  it('stays inside its window even when the buffer goes on', () => {
    const bytes = new Uint8Array([0xab, 0xcd, 0xef, 0x12]);
    const reader = new BitReader(bytes, 4, 8);
    assert.equal(reader.readBits(8), 0xbc);
    assert.equal(reader.bitsLeft, 0);
    assert.throws(() => reader.readBit(), UperError);
  });

  it('refuses a constrained whole number outside its range', () => {
    // 0..5 takes 3 bits; 7 does not exist.
    assert.throws(() => new BitReader(new Uint8Array([0b11100000])).readConstrained(0, 5), /bit 0: value 7 is outside 0..5/);
  });

  it('reads a constrained whole number of a single value from no bits', () => {
    const reader = new BitReader(new Uint8Array(0));
    assert.equal(reader.readConstrained(42, 42), 42);
  });

  it('rejects fragmented lengths (16K and more)', () => {
    assert.throws(() => new BitReader(new Uint8Array([0xc1, 0, 0])).readLength(), /bit 0: fragmented length/);
  });

  it('hands out an open type as a reader of just its octets and skips it', () => {
    const bytes = new Uint8Array([0x02, 0xaa, 0xbb, 0xcc]);
    const reader = new BitReader(bytes);
    const inner = reader.readOpenType();
    assert.equal(inner.bitPosition, 8);
    assert.equal(inner.bitsLeft, 16);
    assert.equal(inner.readBits(16), 0xaabb);
    assert.throws(() => inner.readBit(), UperError);
    assert.equal(reader.readBits(8), 0xcc);
  });

  it('refuses an open type longer than what is left', () => {
    assert.throws(() => new BitReader(new Uint8Array([0x05, 0xaa])).skipOpenType(), /open type of 5 octets needs 40 bits, only 8 left/);
  });

  it('checks a string fits before reading its characters', () => {
    // Length 60 (1..63 in 6 bits) but no characters follow.
    assert.throws(() => new BitReader(new Uint8Array([59 << 2])).readString(1, 63), /string of 60 characters needs 420 bits/);
  });
});

describe('BitWriter', () => {
  it('writes the X.691 unaligned encodings', () => {
    assert.equal(written((w) => w.writeConstrained(3, 0, 255)), '03');
    assert.equal(written((w) => w.writeConstrained(-1, -4, 3)), '60'); // 3 bits: 011
    assert.equal(written((w) => w.writeLength(300)), '812c');
    assert.equal(written((w) => w.writeUnconstrained(-129)), '02ff7f');
    assert.equal(written((w) => w.writeSemiConstrained(256, 0)), '020100');
    assert.equal(written((w) => w.writeNormallySmall(5)), '0a'); // 0 000101 + pad
    assert.equal(written((w) => w.writeNormallySmall(64)), '80a000'); // 1, length 00000001, 01000000
    assert.equal(written((w) => w.writeString('Hi', 1, 63)), '064690'); // 000001 1001000 1101001
    assert.equal(written(() => undefined), '00');
  });

  it('refuses values outside their constraints', () => {
    assert.throws(() => new BitWriter().writeConstrained(6, 0, 5), RangeError);
    assert.throws(() => new BitWriter().writeBits(256, 8), RangeError);
    assert.throws(() => new BitWriter().writeString('', 1, 63), RangeError);
  });

  it('writes what the reader reads back, for every primitive', () => {
    const primitive = fc.oneof(
      fc.integer({ min: -1799999999, max: 1800000001 }).map((v) => ['constrained', v] as const),
      fc.integer({ min: 0, max: 2 ** 40 }).map((v) => ['semi', v] as const),
      fc.integer({ min: -(2 ** 40), max: 2 ** 40 }).map((v) => ['unconstrained', v] as const),
      fc.integer({ min: 0, max: 16383 }).map((v) => ['length', v] as const),
      fc.integer({ min: 0, max: 100000 }).map((v) => ['small', v] as const),
      fc.boolean().map((v) => ['bit', v] as const),
      fc.uint8Array({ maxLength: 20 }).map((v) => ['octets', v] as const),
      fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 63 }).map((v) => ['string', v] as const),
    );
    fc.assert(
      fc.property(fc.array(primitive, { maxLength: 12 }), (values) => {
        const w = new BitWriter();
        for (const [kind, v] of values) {
          if (kind === 'constrained') w.writeConstrained(v, -1799999999, 1800000001);
          else if (kind === 'semi') w.writeSemiConstrained(v + 5, 5);
          else if (kind === 'unconstrained') w.writeUnconstrained(v);
          else if (kind === 'length') w.writeLength(v);
          else if (kind === 'small') w.writeNormallySmall(v);
          else if (kind === 'bit') w.writeBit(v);
          else if (kind === 'octets') w.writeOpenType(v);
          else w.writeString(v, 1, 63);
        }
        const r = new BitReader(w.finish());
        for (const [kind, v] of values) {
          if (kind === 'constrained') assert.equal(r.readConstrained(-1799999999, 1800000001), v);
          else if (kind === 'semi') assert.equal(r.readSemiConstrained(5), v + 5);
          else if (kind === 'unconstrained') assert.equal(r.readUnconstrained(), v);
          else if (kind === 'length') assert.equal(r.readLength(), v);
          else if (kind === 'small') assert.equal(r.readNormallySmall(), v);
          else if (kind === 'bit') assert.equal(r.readBit(), v);
          else if (kind === 'octets') assert.deepEqual(r.readOctets(r.readLength()), v);
          else assert.equal(r.readString(1, 63), v);
        }
        // An empty encoding is one zero octet (X.691 §11.1).
        assert.ok(r.bitsLeft < 8 || values.length === 0, `${r.bitsLeft} bits left over`);
      }),
      { numRuns: 2000 },
    );
  });
});
