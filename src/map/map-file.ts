import type { CabinMap, RoadNetwork } from './types.ts';

/**
 * The `.cabin` map file: a short header, a JSON manifest (map facts, places,
 * signals, strings and the table of sections), then the typed arrays end to
 * end, each 8-byte aligned so loading creates views on the file's bytes
 * instead of parsing them.
 *
 *   0  "CABINMAP"            magic
 *   8  u32 format version
 *  12  u32 manifest length n
 *  16  manifest (UTF-8 JSON, n bytes), zero padding to a multiple of 8
 *   …  sections
 *
 * Places, signals and street names are JSON in byte sections of their own,
 * parsed on first use: a router is ready before a million-node map's
 * hundred thousand signals are turned into objects.
 */
const MAGIC = 'CABINMAP';
export const MAP_FORMAT_VERSION = 1;

export type TypedArray = Uint8Array | Int32Array | Uint32Array | Float32Array | Float64Array;

const ARRAY_TYPES = {
  u8: Uint8Array,
  i32: Int32Array,
  u32: Uint32Array,
  f32: Float32Array,
  f64: Float64Array,
} as const;
type ArrayTypeName = keyof typeof ARRAY_TYPES;

interface SectionEntry {
  name: string;
  type: ArrayTypeName;
  offset: number;
  length: number;
}

/** Parts of the map kept as JSON sections and parsed on first use. */
const LAZY_JSON = ['strings', 'parking', 'food', 'signals'] as const;

interface Manifest {
  info: CabinMap['info'];
  stats: CabinMap['stats'];
  counts: { nodes: number; segments: number; roads: number; restrictions: number };
  /** Data other modules keep in the file (e.g. the routing hierarchy's facts). */
  extra: Record<string, unknown>;
  sections: SectionEntry[];
}

/** Thrown when a file is not a readable Cabin map; the message says why. */
export class MapFileError extends Error {
  override name = 'MapFileError';
}

/** The road network's typed arrays, by section name. */
const ROAD_ARRAYS = [
  'nodeLatE7',
  'nodeLonE7',
  'nodeOsmId',
  'segmentFrom',
  'segmentTo',
  'segmentFlags',
  'segmentLengthM',
  'segmentSpeedKmh',
  'segmentRoad',
  'segmentShapeStart',
  'shapeLatE7',
  'shapeLonE7',
  'roadClass',
  'roadName',
  'roadNameZh',
  'roadNameEn',
  'roadRef',
  'roadOsmId',
  'restrictionFrom',
  'restrictionVia',
  'restrictionTo',
  'restrictionKind',
] as const satisfies readonly (keyof RoadNetwork)[];

/** What a map file holds besides the map: typed arrays and JSON facts of other modules. */
export interface MapAttachments {
  arrays: Record<string, TypedArray>;
  extra: Record<string, unknown>;
}

/**
 * Encodes a map and its attachments as the chunks of a `.cabin` file, in
 * order (written one after the other, they are the file).
 */
export function encodeMapFile(map: CabinMap, attachments: MapAttachments = { arrays: {}, extra: {} }): Uint8Array[] {
  const arrays: [string, TypedArray][] = ROAD_ARRAYS.map((name) => [`roads.${name}`, map.roads[name]]);
  const encoder = new TextEncoder();
  for (const name of LAZY_JSON) arrays.push([`json.${name}`, encoder.encode(JSON.stringify(map[name]))]);
  for (const [name, array] of Object.entries(attachments.arrays)) arrays.push([name, array]);

  const sections: SectionEntry[] = [];
  let offset = 0;
  for (const [name, array] of arrays) {
    sections.push({ name, type: typeName(array), offset, length: array.length });
    offset += align8(array.byteLength);
  }
  const manifest: Manifest = {
    info: map.info,
    stats: map.stats,
    counts: {
      nodes: map.roads.nodeCount,
      segments: map.roads.segmentCount,
      roads: map.roads.roadCount,
      restrictions: map.roads.restrictionCount,
    },
    extra: attachments.extra,
    sections,
  };
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest));
  const header = new Uint8Array(align8(16 + manifestBytes.length));
  header.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(header.buffer);
  view.setUint32(8, MAP_FORMAT_VERSION, true);
  view.setUint32(12, manifestBytes.length, true);
  header.set(manifestBytes, 16);

  const chunks: Uint8Array[] = [header];
  for (const [, array] of arrays) {
    chunks.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    const padding = align8(array.byteLength) - array.byteLength;
    if (padding > 0) chunks.push(new Uint8Array(padding));
  }
  return chunks;
}

/**
 * Decodes a `.cabin` file held in memory. The typed arrays are views on
 * `bytes` (copied only if `bytes` is not 8-byte aligned), so keep it alive.
 * `source` names the file in error messages.
 */
export function decodeMapFile(bytes: Uint8Array, source = 'map'): { map: CabinMap } & MapAttachments {
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new MapFileError(`${source}: not a Cabin map file (no "${MAGIC}" header); create one with \`cabin import\``);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== MAP_FORMAT_VERSION) {
    throw new MapFileError(
      `${source}: map format version ${version} is not supported (this Cabin reads version ${MAP_FORMAT_VERSION}); re-import the region`,
    );
  }
  const manifestLength = view.getUint32(12, true);
  if (16 + manifestLength > bytes.length) {
    throw new MapFileError(`${source}: truncated (manifest needs ${manifestLength} bytes, file has ${bytes.length - 16})`);
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + manifestLength))) as Manifest;
  } catch (error) {
    throw new MapFileError(`${source}: manifest is not valid JSON (${(error as Error).message})`);
  }
  const dataStart = align8(16 + manifestLength);
  const arrays: Record<string, TypedArray> = {};
  for (const section of manifest.sections ?? []) {
    const Type = ARRAY_TYPES[section.type];
    if (!Type) throw new MapFileError(`${source}: section ${section.name} has unknown type ${section.type}`);
    const start = dataStart + section.offset;
    const byteLength = section.length * Type.BYTES_PER_ELEMENT;
    if (start + byteLength > bytes.length) {
      throw new MapFileError(
        `${source}: truncated: section ${section.name} needs bytes ${start}–${start + byteLength}, file has ${bytes.length}`,
      );
    }
    arrays[section.name] = new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset + start, section.length);
  }

  const road = <K extends (typeof ROAD_ARRAYS)[number]>(name: K): RoadNetwork[K] => {
    const array = arrays[`roads.${name}`];
    if (!array) throw new MapFileError(`${source}: section roads.${name} is missing`);
    delete arrays[`roads.${name}`];
    return array as RoadNetwork[K];
  };
  const { counts } = manifest;
  const roads: RoadNetwork = {
    nodeCount: counts.nodes,
    nodeLatE7: road('nodeLatE7'),
    nodeLonE7: road('nodeLonE7'),
    nodeOsmId: road('nodeOsmId'),
    segmentCount: counts.segments,
    segmentFrom: road('segmentFrom'),
    segmentTo: road('segmentTo'),
    segmentFlags: road('segmentFlags'),
    segmentLengthM: road('segmentLengthM'),
    segmentSpeedKmh: road('segmentSpeedKmh'),
    segmentRoad: road('segmentRoad'),
    segmentShapeStart: road('segmentShapeStart'),
    shapeLatE7: road('shapeLatE7'),
    shapeLonE7: road('shapeLonE7'),
    roadCount: counts.roads,
    roadClass: road('roadClass'),
    roadName: road('roadName'),
    roadNameZh: road('roadNameZh'),
    roadNameEn: road('roadNameEn'),
    roadRef: road('roadRef'),
    roadOsmId: road('roadOsmId'),
    restrictionCount: counts.restrictions,
    restrictionFrom: road('restrictionFrom'),
    restrictionVia: road('restrictionVia'),
    restrictionTo: road('restrictionTo'),
    restrictionKind: road('restrictionKind'),
  };
  const map = { info: manifest.info, roads, stats: manifest.stats } as CabinMap;
  for (const name of LAZY_JSON) {
    const json = arrays[`json.${name}`];
    if (!json) throw new MapFileError(`${source}: section json.${name} is missing`);
    delete arrays[`json.${name}`];
    let value: unknown;
    Object.defineProperty(map, name, {
      enumerable: true,
      get() {
        if (value === undefined) {
          try {
            value = JSON.parse(new TextDecoder().decode(json));
          } catch (error) {
            throw new MapFileError(`${source}: section json.${name} is not valid JSON (${(error as Error).message})`);
          }
        }
        return value;
      },
    });
  }
  return { map, arrays, extra: manifest.extra ?? {} };
}

function typeName(array: TypedArray): ArrayTypeName {
  if (array instanceof Uint8Array) return 'u8';
  if (array instanceof Int32Array) return 'i32';
  if (array instanceof Uint32Array) return 'u32';
  if (array instanceof Float32Array) return 'f32';
  return 'f64';
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
