import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import Pbf from 'pbf';
import { PbfError, readOsmPbf } from '../../src/map/osm/pbf.ts';
import type { OsmNode, OsmRelation, OsmSink, OsmWay } from '../../src/map/types.ts';

const OSM_DIR = new URL('../../../shared/data/osm/', import.meta.url);

function readExtract(name: string): Uint8Array {
  return readFileSync(new URL(name, OSM_DIR));
}

interface Decoded {
  nodes: OsmNode[];
  ways: OsmWay[];
  relations: OsmRelation[];
}

function decode(bytes: Uint8Array, source = 'test.osm.pbf'): Decoded {
  const decoded: Decoded = { nodes: [], ways: [], relations: [] };
  readOsmPbf(
    bytes,
    {
      node: (node) => decoded.nodes.push(node),
      way: (way) => decoded.ways.push(way),
      relation: (relation) => decoded.relations.push(relation),
    },
    { source },
  );
  return decoded;
}

const discard: OsmSink = { node() {}, way() {}, relation() {} };

/** Asserts that decoding `bytes` throws a PbfError whose message matches `message`. */
function assertRejects(bytes: Uint8Array, message: RegExp | string, source = 'x.osm.pbf'): PbfError {
  let caught: unknown;
  try {
    readOsmPbf(bytes, discard, { source });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof PbfError, `expected a PbfError, got ${String(caught)}`);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else assert.match(caught.message, message);
  return caught;
}

// --- Writing PBF with the `pbf` writer, for inputs that must be exact -------

interface Block {
  /** Byte offset of the block's 4-byte header length. */
  offset: number;
  type: string;
  /** Where the Blob starts and ends. */
  blobStart: number;
  end: number;
}

/** Splits a well-formed file into its blocks. */
function splitBlocks(bytes: Uint8Array): Block[] {
  const blocks: Block[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset < bytes.length) {
    const headerLength = view.getUint32(offset);
    const header = new Pbf(bytes.subarray(offset + 4, offset + 4 + headerLength));
    const fields = header.readFields(
      (tag, result: { type: string; dataSize: number }, pbf) => {
        if (tag === 1) result.type = pbf.readString();
        else if (tag === 3) result.dataSize = pbf.readVarint();
      },
      { type: '', dataSize: 0 },
    );
    const blobStart = offset + 4 + headerLength;
    blocks.push({ offset, type: fields.type, blobStart, end: blobStart + fields.dataSize });
    offset = blobStart + fields.dataSize;
  }
  return blocks;
}

/** The uncompressed payload of a zlib blob. */
function inflateBlob(blob: Uint8Array): Uint8Array {
  return new Pbf(blob).readFields(
    (tag, result: { data: Uint8Array }, pbf) => {
      if (tag === 3) result.data = inflateSync(pbf.readBytes());
    },
    { data: new Uint8Array() },
  ).data;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function message(write: (pbf: Pbf) => void): Uint8Array {
  const pbf = new Pbf();
  write(pbf);
  return pbf.finish().slice();
}

/** A block: 4-byte length, BlobHeader, then `blob` (a serialised Blob). */
function block(type: string, blob: Uint8Array): Uint8Array {
  const header = message((pbf) => {
    pbf.writeStringField(1, type);
    pbf.writeVarintField(3, blob.length);
  });
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, header.length);
  return concat([length, header, blob]);
}

function rawBlock(type: string, payload: Uint8Array): Uint8Array {
  return block(type, message((pbf) => pbf.writeBytesField(1, payload)));
}

function zlibBlock(type: string, payload: Uint8Array, rawSize = payload.length): Uint8Array {
  return block(
    type,
    message((pbf) => {
      pbf.writeVarintField(2, rawSize);
      pbf.writeBytesField(3, deflateSync(payload));
    }),
  );
}

function headerBlock(features = ['OsmSchema-V0.6', 'DenseNodes']): Uint8Array {
  return rawBlock('OSMHeader', message((pbf) => features.forEach((feature) => pbf.writeStringField(4, feature))));
}

interface BlockContent {
  granularity?: number;
  latOffset?: number;
  lonOffset?: number;
  /** Dense nodes use DenseNodes, others one Node message each. */
  denseNodes?: RawNode[];
  nodes?: RawNode[];
  ways?: OsmWay[];
  relations?: OsmRelation[];
}

/** A node with its coordinates in granularity units, as stored. */
interface RawNode {
  id: number;
  lat: number;
  lon: number;
  tags: Record<string, string> | undefined;
}

const MEMBER_TYPE_CODES = { node: 0, way: 1, relation: 2 } as const;

function deltas(values: number[]): number[] {
  return values.map((value, i) => value - (i === 0 ? 0 : values[i - 1]!));
}

/** Encodes a PrimitiveBlock as osmium does: string table, groups, then granularity and offsets. */
function primitiveBlock(content: BlockContent): Uint8Array {
  const strings = [''];
  const index = (text: string): number => {
    let i = strings.indexOf(text);
    if (i < 0) i = strings.push(text) - 1;
    return i;
  };
  const writeTags = (pbf: Pbf, tags: Record<string, string> | undefined): void => {
    const entries = Object.entries(tags ?? {});
    pbf.writePackedVarint(2, entries.map(([key]) => index(key)));
    pbf.writePackedVarint(3, entries.map(([, value]) => index(value)));
  };
  const groups: Uint8Array[] = [];
  const { denseNodes, nodes, ways, relations } = content;
  if (denseNodes) {
    groups.push(
      message((group) =>
        group.writeBytesField(
          2,
          message((dense) => {
            dense.writePackedSVarint(1, deltas(denseNodes.map((node) => node.id)));
            dense.writePackedSVarint(8, deltas(denseNodes.map((node) => node.lat)));
            dense.writePackedSVarint(9, deltas(denseNodes.map((node) => node.lon)));
            if (denseNodes.some((node) => node.tags !== undefined)) {
              const keysVals = denseNodes.flatMap((node) => [
                ...Object.entries(node.tags ?? {}).flatMap(([key, value]) => [index(key), index(value)]),
                0,
              ]);
              dense.writePackedVarint(10, keysVals);
            }
          }),
        ),
      ),
    );
  }
  if (nodes) {
    groups.push(
      message((group) => {
        for (const node of nodes) {
          group.writeBytesField(
            1,
            message((pbf) => {
              pbf.writeSVarintField(1, node.id);
              writeTags(pbf, node.tags);
              pbf.writeSVarintField(8, node.lat);
              pbf.writeSVarintField(9, node.lon);
            }),
          );
        }
      }),
    );
  }
  if (ways) {
    groups.push(
      message((group) => {
        for (const way of ways) {
          group.writeBytesField(
            3,
            message((pbf) => {
              pbf.writeVarintField(1, way.id);
              writeTags(pbf, way.tags);
              pbf.writePackedSVarint(8, deltas(way.refs));
            }),
          );
        }
      }),
    );
  }
  if (relations) {
    groups.push(
      message((group) => {
        for (const relation of relations) {
          group.writeBytesField(
            4,
            message((pbf) => {
              pbf.writeVarintField(1, relation.id);
              writeTags(pbf, relation.tags);
              pbf.writePackedVarint(8, relation.members.map((member) => index(member.role)));
              pbf.writePackedSVarint(9, deltas(relation.members.map((member) => member.ref)));
              pbf.writePackedVarint(10, relation.members.map((member) => MEMBER_TYPE_CODES[member.type]));
            }),
          );
        }
      }),
    );
  }
  return message((pbf) => {
    pbf.writeBytesField(1, message((table) => strings.forEach((text) => table.writeStringField(1, text))));
    for (const group of groups) pbf.writeBytesField(2, group);
    if (content.granularity !== undefined) pbf.writeVarintField(17, content.granularity);
    if (content.latOffset !== undefined) pbf.writeVarintField(19, content.latOffset);
    if (content.lonOffset !== undefined) pbf.writeVarintField(20, content.lonOffset);
  });
}

// --- Real data ---------------------------------------------------------------

interface Extract {
  file: string;
  nodes: number;
  ways: number;
  relations: number;
  /** [minLon, minLat, maxLon, maxLat] that every node lies in. */
  bbox: [number, number, number, number];
}

// Counts as in SOURCES.md. Bounding boxes are a little wider than the data:
// the Andorra extract reaches well into Spain and France (boundary ways).
const EXTRACTS: Extract[] = [
  { file: 'andorra.osm.pbf', nodes: 69_644, ways: 2_725, relations: 74, bbox: [1.0, 41.7, 1.9, 42.8] },
  { file: 'baltimore.osm.pbf', nodes: 51_385, ways: 7_230, relations: 167, bbox: [-76.7, 39.2, -76.45, 39.36] },
  { file: 'harrisburg.osm.pbf', nodes: 34_486, ways: 3_537, relations: 53, bbox: [-77.05, 39.65, -76.15, 40.9] },
  { file: 'liechtenstein-latest.osm.pbf', nodes: 142_832, ways: 15_247, relations: 358, bbox: [9.39, 46.78, 9.68, 47.53] },
];

for (const extract of EXTRACTS) {
  test(`decodes every element of ${extract.file} with coordinates in the region and ways that refer to its nodes`, () => {
    const { nodes, ways, relations } = decode(readExtract(extract.file), extract.file);
    assert.equal(nodes.length, extract.nodes);
    assert.equal(ways.length, extract.ways);
    assert.equal(relations.length, extract.relations);

    const [minLon, minLat, maxLon, maxLat] = extract.bbox;
    const nodeIds = new Set<number>();
    for (const node of nodes) {
      assert.ok(node.lat >= minLat && node.lat <= maxLat && node.lon >= minLon && node.lon <= maxLon, `node ${node.id}`);
      assert.ok(node.tags === undefined || Object.keys(node.tags).length > 0, `node ${node.id} has an empty tags object`);
      nodeIds.add(node.id);
    }
    assert.equal(nodeIds.size, nodes.length, 'node ids are unique');

    let refs = 0;
    let known = 0;
    for (const way of ways) {
      for (const ref of way.refs) {
        refs++;
        if (nodeIds.has(ref)) known++;
      }
    }
    assert.ok(known / refs > 0.99, `${known} of ${refs} way refs are nodes of the file`);
  });
}

test('decodes tags of nodes, ways and relations in baltimore as plain objects', () => {
  const { nodes, ways, relations } = decode(readExtract('baltimore.osm.pbf'));
  const signals = nodes.filter((node) => node.tags?.['highway'] === 'traffic_signals');
  assert.ok(signals.length > 300 && signals.length < 400, `${signals.length} traffic signals`);
  const namedRoad = ways.find((way) => way.tags['highway'] === 'primary' && way.tags['name'] !== undefined);
  assert.ok(namedRoad, 'a named primary road');
  assert.equal(Object.getPrototypeOf(namedRoad.tags), Object.prototype);
  assert.ok(nodes.filter((node) => node.tags === undefined).length > 45_000, 'most nodes have no tags');

  // A turn restriction: member types, delta-coded ids and roles decode together.
  assert.deepEqual(
    relations.find((relation) => relation.id === 3_863_088),
    {
      id: 3_863_088,
      tags: { restriction: 'no_left_turn', type: 'restriction' },
      members: [
        { type: 'way', ref: 98_040_438, role: 'from' },
        { type: 'node', ref: 2_123_388_822, role: 'via' },
        { type: 'way', ref: 6_003_340, role: 'to' },
      ],
    },
  );
});

test('delivers elements in file order, which in baltimore puts relations before ways', () => {
  // osmconvert wrote baltimore and harrisburg this way, although their headers say Sort.Type_then_ID.
  const kinds: string[] = [];
  const note = (kind: string): void => {
    if (kinds.at(-1) !== kind) kinds.push(kind);
  };
  readOsmPbf(readExtract('baltimore.osm.pbf'), {
    node: () => note('node'),
    way: () => note('way'),
    relation: () => note('relation'),
  });
  assert.deepEqual(kinds, ['node', 'relation', 'way']);
});

test('reports progress after each block, ending at the total size', () => {
  const bytes = readExtract('andorra.osm.pbf');
  const reports: [number, number][] = [];
  readOsmPbf(bytes, discard, { onProgress: (done, total) => reports.push([done, total]) });
  assert.deepEqual(
    reports.map(([done]) => done),
    splitBlocks(bytes).map((b) => b.end),
  );
  assert.ok(reports.every(([, total]) => total === bytes.length));
});

test('decodes raw (uncompressed) blobs exactly as their zlib originals', () => {
  const bytes = readExtract('andorra.osm.pbf');
  const raw = concat(
    splitBlocks(bytes).map((b) => rawBlock(b.type, inflateBlob(bytes.subarray(b.blobStart, b.end)))),
  );
  assert.deepEqual(decode(raw), decode(bytes));
});

// --- Exact cases ---------------------------------------------------------------

test('applies granularity and offsets and decodes dense nodes, plain nodes, ways and relations', () => {
  const bytes = concat([
    headerBlock(),
    rawBlock(
      'OSMData',
      primitiveBlock({
        granularity: 1000,
        latOffset: 500_000_000, // 0.5°
        lonOffset: -1_250_000_000, // −1.25°, a negative int64
        denseNodes: [
          { id: 10, lat: 51_000_000, lon: 1_000_000, tags: undefined },
          { id: 11, lat: 51_000_500, lon: 1_000_250, tags: { highway: 'traffic_signals', 'name:zh': '红绿灯' } },
          { id: 9, lat: -90_500_000, lon: -178_750_000, tags: undefined },
        ],
        nodes: [{ id: 20, lat: 40_000_000, lon: 2_000_000, tags: { amenity: 'cafe' } }],
        ways: [
          { id: 100, refs: [10, 11, 9, 20, 10], tags: { highway: 'residential', name: 'Main Street' } },
          { id: 2 ** 40, refs: [], tags: {} },
        ],
        relations: [
          {
            id: 200,
            tags: { type: 'restriction', restriction: 'no_left_turn' },
            members: [
              { type: 'way', ref: 100, role: 'from' },
              { type: 'node', ref: 11, role: 'via' },
              { type: 'way', ref: 99, role: 'to' },
              { type: 'relation', ref: 300, role: '' },
            ],
          },
        ],
      }),
    ),
  ]);
  assert.deepEqual(decode(bytes), {
    nodes: [
      { id: 10, lat: 51.5, lon: -0.25, tags: undefined },
      { id: 11, lat: 51.5005, lon: -0.24975, tags: { highway: 'traffic_signals', 'name:zh': '红绿灯' } },
      { id: 9, lat: -90, lon: -180, tags: undefined },
      { id: 20, lat: 40.5, lon: 0.75, tags: { amenity: 'cafe' } },
    ],
    ways: [
      { id: 100, refs: [10, 11, 9, 20, 10], tags: { highway: 'residential', name: 'Main Street' } },
      { id: 2 ** 40, refs: [], tags: {} },
    ],
    relations: [
      {
        id: 200,
        tags: { type: 'restriction', restriction: 'no_left_turn' },
        members: [
          { type: 'way', ref: 100, role: 'from' },
          { type: 'node', ref: 11, role: 'via' },
          { type: 'way', ref: 99, role: 'to' },
          { type: 'relation', ref: 300, role: '' },
        ],
      },
    ],
  });
});

test('keeps a tag named __proto__ as an ordinary tag', () => {
  // defineProperty, because an object literal's `__proto__: 'x'` makes no key.
  const tags = Object.defineProperty({ name: 'y' }, '__proto__', {
    value: 'x',
    enumerable: true,
    writable: true,
    configurable: true,
  });
  const bytes = concat([
    headerBlock(),
    rawBlock('OSMData', primitiveBlock({ ways: [{ id: 1, refs: [1, 2], tags }] })),
  ]);
  const [way] = decode(bytes).ways;
  assert.ok(way);
  assert.deepEqual(Object.keys(way.tags).sort(), ['__proto__', 'name']);
  assert.equal(Object.getOwnPropertyDescriptor(way.tags, '__proto__')?.value, 'x');
  assert.equal(Object.getPrototypeOf(way.tags), Object.prototype);
});

test('decodes what it encodes: random elements survive a round trip through the pbf writer', () => {
  // noNullPrototype: decoded tags and elements are plain objects.
  const plain = { noNullPrototype: true };
  const someTags = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 12 }), {
    minKeys: 1,
    maxKeys: 4,
    ...plain,
  });
  const tags = fc.option(someTags, { nil: undefined });
  const id = fc.integer({ min: 1, max: 2 ** 42 });
  // Coordinates in units of a granularity of 100 (1e-7°), as osmium writes them.
  const lat = fc.integer({ min: -900_000_000, max: 900_000_000 });
  const lon = fc.integer({ min: -1_800_000_000, max: 1_800_000_000 });
  const node = fc.record({ id, lat, lon, tags }, plain);
  const way = fc.record({ id, refs: fc.array(id, { maxLength: 20 }), tags: tags.map((t) => t ?? {}) }, plain);
  const type = fc.constantFrom('node' as const, 'way' as const, 'relation' as const);
  const role = fc.constantFrom('', 'outer', 'inner', 'from', 'via', 'to');
  const member = fc.record({ type, ref: id, role }, plain);
  const relation = fc.record({ id, members: fc.array(member, { maxLength: 10 }), tags: tags.map((t) => t ?? {}) }, plain);
  const elements = fc.record({
    nodes: fc.array(node, { maxLength: 30 }),
    ways: fc.array(way, { maxLength: 10 }),
    relations: fc.array(relation, { maxLength: 5 }),
    dense: fc.boolean(),
  });
  fc.assert(
    fc.property(elements, ({ nodes, ways, relations, dense }) => {
      const content: BlockContent = dense ? { denseNodes: nodes, ways, relations } : { nodes, ways, relations };
      const bytes = concat([headerBlock(), zlibBlock('OSMData', primitiveBlock(content))]);
      assert.deepEqual(decode(bytes), {
        nodes: nodes.map((n) => ({ id: n.id, lat: n.lat / 1e7, lon: n.lon / 1e7, tags: n.tags })),
        ways,
        relations,
      });
    }),
    { numRuns: 300 },
  );
});

test('skips blocks of types it does not know, as the format asks', () => {
  const way = { id: 1, refs: [1, 2], tags: { highway: 'service' } };
  const bytes = concat([
    headerBlock(),
    rawBlock('OSMIndex', new Uint8Array([0xff, 0xff, 0xff])),
    rawBlock('OSMData', primitiveBlock({ ways: [way] })),
  ]);
  assert.deepEqual(decode(bytes).ways, [way]);
});

// --- Bad input -------------------------------------------------------------------

test('rejects an empty buffer', () => {
  assertRejects(new Uint8Array(), 'empty.osm.pbf: not an OSM PBF file (it is empty)', 'empty.osm.pbf');
});

test('rejects a JSON document as not an OSM PBF file', () => {
  const json = new TextEncoder().encode('{"type": "FeatureCollection", "features": []}');
  assertRejects(
    json,
    /^baltimore\.osm\.pbf: not an OSM PBF file \(block 0 has a blob header length of \d+ bytes, over the 64 KiB the format allows\)$/,
    'baltimore.osm.pbf',
  );
});

test('rejects random bytes as not an OSM PBF file', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 2048 }), (bytes) => {
      assertRejects(bytes, /^x\.osm\.pbf: (not an OSM PBF file|block 0 at byte 0 is truncated)/);
    }),
    { numRuns: 500 },
  );
});

test('rejects a file that does not start with an OSMHeader block', () => {
  const bytes = rawBlock('OSMData', primitiveBlock({ ways: [{ id: 1, refs: [1, 2], tags: {} }] }));
  assertRejects(
    bytes,
    'baltimore.osm.pbf: not an OSM PBF file (first block type is "OSMData", expected "OSMHeader")',
    'baltimore.osm.pbf',
  );
});

test('reports a truncated copy of a real file with the block and byte where it ends', () => {
  const bytes = readExtract('baltimore.osm.pbf');
  const blocks = splitBlocks(bytes);
  blocks.forEach((b, index) => {
    const where = `x.osm.pbf: block ${index} at byte ${b.offset}`;
    const headerLength = b.blobStart - b.offset - 4;
    assertRejects(
      bytes.subarray(0, b.offset + 2),
      `${where} is truncated (expected 4 bytes of blob header length, got 2)`,
    );
    assertRejects(
      bytes.subarray(0, b.offset + 7),
      `${where} is truncated (expected a ${headerLength}-byte blob header, got 3 bytes)`,
    );
    for (const cut of [b.blobStart, b.blobStart + 1, Math.floor((b.blobStart + b.end) / 2), b.end - 1]) {
      assertRejects(
        bytes.subarray(0, cut),
        `${where} is truncated (expected ${b.end - b.blobStart} bytes, got ${cut - b.blobStart})`,
      );
    }
  });
});

for (const [field, name] of [[4, 'lzma'], [5, 'bzip2'], [6, 'lz4'], [7, 'zstd']] as const) {
  test(`rejects a blob compressed with ${name}`, () => {
    const header = headerBlock();
    const bytes = concat([
      header,
      block('OSMData', message((pbf) => {
        pbf.writeVarintField(2, 1000);
        pbf.writeBytesField(field, new Uint8Array([1, 2, 3, 4]));
      })),
    ]);
    const error = assertRejects(
      bytes,
      `x.osm.pbf: block 1 at byte ${header.length} uses ${name} compression, which is not supported (only raw and zlib)`,
    );
    assert.equal(error.block, 1);
    assert.equal(error.byteOffset, header.length);
  });
}

test('rejects a header that requires a feature it does not support', () => {
  const bytes = concat([
    headerBlock(['OsmSchema-V0.6', 'DenseNodes', 'HistoricalInformation']),
    rawBlock('OSMData', primitiveBlock({})),
  ]);
  assertRejects(
    bytes,
    'x.osm.pbf: requires the feature "HistoricalInformation", which is not supported (only "OsmSchema-V0.6" and "DenseNodes")',
  );
});

test('rejects a blob header over 64 KiB and a blob over 32 MiB', () => {
  const header = headerBlock();
  const hugeHeader = new Uint8Array(4);
  new DataView(hugeHeader.buffer).setUint32(0, 64 * 1024 + 1);
  assertRejects(
    concat([header, hugeHeader]),
    `x.osm.pbf: block 1 at byte ${header.length} has a blob header length of 65537 bytes, over the 64 KiB the format allows`,
  );

  const blobHeader = message((pbf) => {
    pbf.writeStringField(1, 'OSMData');
    pbf.writeVarintField(3, 32 * 1024 * 1024 + 1);
  });
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, blobHeader.length);
  assertRejects(
    concat([header, length, blobHeader]),
    `x.osm.pbf: block 1 at byte ${header.length} has a blob of 33554433 bytes, over the 32 MiB the format allows`,
  );
});

test('wraps zlib errors with the block they happened in', () => {
  const header = headerBlock();
  const corrupt = zlibBlock('OSMData', primitiveBlock({ ways: [{ id: 1, refs: [1, 2, 3], tags: { highway: 'service' } }] }));
  corrupt[corrupt.length - 2]! ^= 0xff; // in the Adler-32 checksum
  assertRejects(
    concat([header, corrupt]),
    new RegExp(`^x\\.osm\\.pbf: block 1 at byte ${header.length} has zlib data that does not inflate \\(.+\\)$`),
  );
});

test('rejects zlib data whose inflated size differs from raw_size', () => {
  const payload = primitiveBlock({ ways: [{ id: 1, refs: [1, 2, 3], tags: {} }] });
  const header = headerBlock();
  const where = `x.osm.pbf: block 1 at byte ${header.length}`;
  assertRejects(
    concat([header, zlibBlock('OSMData', payload, payload.length + 5)]),
    `${where} has zlib data that inflates to ${payload.length} bytes, but its raw_size says ${payload.length + 5}`,
  );
  assertRejects(
    concat([header, zlibBlock('OSMData', payload, payload.length - 5)]),
    `${where} has zlib data that inflates to more than ${payload.length - 5} bytes (its raw_size)`,
  );
});

test('rejects a string index outside the block string table', () => {
  const header = headerBlock();
  const payload = message((pbf) => {
    pbf.writeBytesField(1, message((table) => ['', 'highway'].forEach((text) => table.writeStringField(1, text))));
    const way = message((way) => {
      way.writeVarintField(1, 7);
      way.writePackedVarint(2, [1]);
      way.writePackedVarint(3, [9]);
    });
    pbf.writeBytesField(2, message((group) => group.writeBytesField(3, way)));
  });
  assertRejects(
    concat([header, rawBlock('OSMData', payload)]),
    `x.osm.pbf: block 1 at byte ${header.length} refers to string 9, but its string table has 2 strings`,
  );
});

test('passes errors thrown by the sink through unchanged', () => {
  const failure = new Error('disk full');
  assert.throws(
    () => readOsmPbf(readExtract('harrisburg.osm.pbf'), { node() { throw failure; }, way() {}, relation() {} }),
    (error) => error === failure,
  );
});

// --- Fuzzing ---------------------------------------------------------------------

/** A cut, one to three flipped bytes, or both, at positions spread evenly over `length` bytes. */
function mutation(length: number): fc.Arbitrary<Mutation> {
  // noBias: fast-check favours small integers, which would hit little but block 0.
  const position = fc.noBias(fc.integer({ min: 0, max: length - 1 }));
  const flips = fc.array(fc.record({ at: position, mask: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 3 });
  return fc.oneof(
    fc.record({ cut: position, flips: fc.constant([]) }),
    fc.record({ cut: fc.constant(undefined), flips }),
    fc.record({ cut: position, flips }),
  );
}

interface Mutation {
  cut: number | undefined;
  flips: readonly { at: number; mask: number }[];
}

function mutate(bytes: Uint8Array, { cut, flips }: Mutation): Uint8Array {
  const copy = new Uint8Array(bytes.subarray(0, cut)); // a copy: Buffer#slice would share memory
  for (const { at, mask } of flips) if (at < copy.length) copy[at]! ^= mask;
  return copy;
}

function succeedsOrThrowsPbfError(bytes: Uint8Array): void {
  try {
    readOsmPbf(bytes, discard);
  } catch (error) {
    if (!(error instanceof PbfError)) throw error;
  }
}

test('either decodes or throws PbfError for truncated and byte-flipped copies of real zlib blocks', { timeout: 60_000 }, () => {
  const bytes = readExtract('andorra.osm.pbf');
  // The first ~200 KB: the header and four data blocks.
  const prefix = bytes.subarray(0, splitBlocks(bytes).find((b) => b.end > 190_000)!.end);
  fc.assert(
    fc.property(mutation(prefix.length), (m) => succeedsOrThrowsPbfError(mutate(prefix, m))),
    { numRuns: 1500 },
  );
});

test('either decodes or throws PbfError for truncated and byte-flipped raw blocks', { timeout: 60_000 }, () => {
  // Raw blobs expose every byte of the PrimitiveBlock to mutation; zlib's checksum shields most of them.
  // Andorra's last two blocks hold dense nodes, ways and relations.
  const bytes = readExtract('andorra.osm.pbf');
  const blocks = splitBlocks(bytes);
  const lastBlocks = blocks.slice(-2).map((b) => rawBlock(b.type, inflateBlob(bytes.subarray(b.blobStart, b.end))));
  const raw = concat([headerBlock(), ...lastBlocks]);
  fc.assert(
    fc.property(mutation(raw.length), (m) => succeedsOrThrowsPbfError(mutate(raw, m))),
    { numRuns: 1500 },
  );
});
