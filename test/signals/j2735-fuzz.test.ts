import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeFrameAt, decodeJ2735, encodeJ2735, find1609Dot2Payload, parseHex, wrapUnsecured } from '../../src/signals/j2735/index.ts';
import { firstDifference, j2735decoderPayloads, sampleGunzip, sampleText } from './j2735-support.ts';

function bytesOf(hex: string): Uint8Array {
  const parsed = parseHex(hex);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** Real messages to mutate: plain frames, an unsecured 1609.2 wrapping and a signed RSU record. */
function seeds(): Uint8Array[] {
  const list = [...j2735decoderPayloads().values()].map(bytesOf);
  for (const file of ['decoder-output-spat.xml', 'decoder-output-map.xml']) {
    list.push(bytesOf(/<asn1>\s*([0-9A-F]+)\s*<\/asn1>/.exec(sampleText(`jpo-ode/${file}`))![1]!));
  }
  list.push(wrapUnsecured(list[2]!));
  const log = sampleGunzip('jpo-ode/rxMsg_commsignia_map.gz');
  const signed = find1609Dot2Payload(log, 34);
  list.push(log.slice(34, signed.end + 80));
  return list;
}

type Mutation =
  | { kind: 'flip'; at: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; value: number }
  | { kind: 'delete'; at: number };

const position = fc.noBias(fc.nat());
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position }),
  fc.record({ kind: fc.constant('set' as const), at: position, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: position }),
);

function mutate(seed: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = seed.slice();
  for (const m of mutations) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    if (m.kind === 'flip') bytes[(m.at >>> 3) % bytes.length]! ^= 0x80 >>> (m.at & 7);
    else if (m.kind === 'set') bytes[at] = m.value;
    else if (m.kind === 'truncate') bytes = bytes.slice(0, at);
    else if (m.kind === 'insert') bytes = Uint8Array.from([...bytes.subarray(0, at), m.value, ...bytes.subarray(at)]);
    else bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
  }
  return bytes;
}

describe('J2735 decoding of damaged messages', () => {
  const all = seeds();

  it('answers 100,000 mutated and truncated messages with an error or a valid decode, never a throw', () => {
    let valid = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.nat(all.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (index, mutations, lenient) => {
        const bytes = mutate(all[index]!, mutations);
        const result = decodeJ2735(bytes, { lenient });
        if (!result.ok) {
          assert.match(result.error, /^(SPaT|MAP|J2735|IEEE 1609\.2|hex): /);
          refused++;
          return;
        }
        // Valid: every value lies within its constraints, so it encodes and decodes back.
        const again = decodeJ2735(encodeJ2735(result.value));
        assert.equal(again.ok && firstDifference(result.value, again.value), undefined);
        valid++;
      }),
      { numRuns: 100_000 },
    );
    assert.ok(valid > 0 && refused > 0, `${valid} valid, ${refused} refused`);
  });

  it('never reads outside the window it is given, whatever lies around it', () => {
    fc.assert(
      fc.property(
        fc.nat(all.length - 1),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        (index, mutations, junk) => {
          const bytes = mutate(all[index]!, mutations);
          // The same frame inside a larger buffer, junk on both sides.
          const framed = new Uint8Array(junk.length * 2 + bytes.length);
          framed.set(junk, 0);
          framed.set(bytes, junk.length);
          framed.set(junk, junk.length + bytes.length);
          const alone = decodeFrameAt(bytes, 0, bytes.length);
          const inside = decodeFrameAt(framed, junk.length, junk.length + bytes.length);
          assert.equal(inside.ok, alone.ok);
          if (alone.ok && inside.ok) assert.equal(firstDifference(alone.value, inside.value), undefined);
        },
      ),
      { numRuns: 10_000 },
    );
  });
});
