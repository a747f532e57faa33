import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeJ2735, encodeJ2735, parseHex, type J2735Frame } from '../../src/signals/j2735/index.ts';
import { frame, mapData, spat } from './j2735-arbitraries.ts';
import { firstDifference, j2735decoderPayloads, sampleJson, sampleText } from './j2735-support.ts';

function ok<T>(result: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!result.ok) assert.fail(result.error);
  return result.value;
}

function roundTrips(value: J2735Frame): void {
  const again = ok(decodeJ2735(encodeJ2735(value)));
  const difference = firstDifference(value, again);
  assert.equal(difference, undefined, difference);
}

/** Every real UPER sample: name → hex (the approval cases with bytes after the frame included). */
function samples(): [string, string][] {
  const list: [string, string][] = [];
  for (const [name, hex] of j2735decoderPayloads()) if (!name.startsWith('BSM')) list.push([`j2735decoder ${name}`, hex]);
  for (const file of ['decoder-output-spat.xml', 'decoder-output-map.xml']) {
    list.push([`ODE ${file}`, /<asn1>\s*([0-9A-F]+)\s*<\/asn1>/.exec(sampleText(`jpo-ode/${file}`))![1]!]);
  }
  const approval = sampleJson('jpo-ode/Asn1DecoderRouter_ApprovalTestCases_MapJson.json') as { cases: { description: string; input: string }[] };
  for (const c of approval.cases) list.push([`ODE ${c.description}`, /<asn1>\s*([0-9A-Fa-f]+)\s*<\/asn1>/.exec(c.input)![1]!]);
  return list;
}

describe('J2735 UPER round trip', () => {
  for (const [name, hex] of samples()) {
    it(`re-encodes ${name} to the very same bytes`, () => {
      const bytes = ok(parseHex(hex));
      const decoded = ok(decodeJ2735(bytes, { lenient: true }));
      const encoded = encodeJ2735(decoded);
      assert.deepEqual(encoded, bytes.subarray(0, encoded.length));
      roundTrips(decoded);
    });
  }

  it('decodes every encoded SPaT to the value it was made from', () => {
    fc.assert(fc.property(spat, (value) => roundTrips({ messageId: 19, value })), { numRuns: 300 });
  });

  it('decodes every encoded MAP to the value it was made from', () => {
    fc.assert(fc.property(mapData, (value) => roundTrips({ messageId: 18, value })), { numRuns: 200 });
  });

  it('decodes every encoded frame within the bytes the encoder wrote, with no bits to spare', () => {
    fc.assert(
      fc.property(frame, (value) => {
        const encoded = encodeJ2735(value);
        // One byte shorter must fail: the decoder needs every byte it was given.
        assert.equal(decodeJ2735(encoded.subarray(0, encoded.length - 1)).ok, false);
      }),
      { numRuns: 200 },
    );
  });
});
