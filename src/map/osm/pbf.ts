/**
 * Reader for OpenStreetMap `.osm.pbf` files, after the OSM wiki's "PBF Format"
 * page and its fileformat.proto / osmformat.proto (field numbers below are theirs).
 *
 * A file is a sequence of blocks: a 4-byte big-endian length, a BlobHeader of
 * that length, then a Blob of `datasize` bytes holding a HeaderBlock
 * ("OSMHeader", first) or a PrimitiveBlock ("OSMData"), raw or zlib-compressed.
 */
import { inflateSync } from 'node:zlib';
import Pbf from 'pbf';
import type { OsmMember, OsmMemberType, OsmSink, Tags } from '../types.ts';

/** Thrown when the input is not a well-formed OSM PBF file; the message names the input, block and byte. */
export class PbfError extends Error {
  override readonly name = 'PbfError';
  /** Index of the block the problem is in (0 is the OSMHeader), when it is in one. */
  readonly block: number | undefined;
  /** Byte offset of that block in the input. */
  readonly byteOffset: number | undefined;

  constructor(message: string, block?: number, byteOffset?: number, options?: ErrorOptions) {
    super(message, options);
    this.block = block;
    this.byteOffset = byteOffset;
  }
}

/** Options of `readOsmPbf`. */
export interface ReadPbfOptions {
  /** Name of the input for error messages, e.g. 'baltimore.osm.pbf'. */
  source?: string;
  /** Called after each block with bytes consumed so far and total bytes. */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

// PBF Format: the BlobHeader "must be less than 64 KiB", a Blob's uncompressed
// data "must be less than 32 MiB". Like osmium, sizes equal to the limit pass.
const MAX_BLOB_HEADER_BYTES = 64 * 1024;
const MAX_BLOB_BYTES = 32 * 1024 * 1024;

const SUPPORTED_FEATURES = ['OsmSchema-V0.6', 'DenseNodes'];

// Protobuf wire types.
const VARINT = 0;
const FIXED64 = 1;
const BYTES = 2;
const FIXED32 = 5;

// osmformat.proto: enum Relation.MemberType { NODE = 0; WAY = 1; RELATION = 2; }
const MEMBER_TYPES: readonly OsmMemberType[] = ['node', 'way', 'relation'];

// fileformat.proto: Blob fields 4 to 7 hold data this reader cannot decompress.
const UNSUPPORTED_COMPRESSION = ['', '', '', '', 'lzma', 'bzip2', 'lz4', 'zstd'];

/**
 * Decodes a whole .osm.pbf held in memory and feeds its elements to `sink` in
 * file order. Throws PbfError for bad input; errors thrown by `sink` or
 * `onProgress` propagate unchanged.
 */
export function readOsmPbf(bytes: Uint8Array, sink: OsmSink, options: ReadPbfOptions = {}): void {
  const source = options.source ?? 'input';
  const total = bytes.length;
  if (total === 0) throw new PbfError(`${source}: not an OSM PBF file (it is empty)`);

  const file = new Pbf(bytes);
  const decoder = new BlockDecoder(sink);
  let offset = 0;
  for (let block = 0; offset < total; block++) {
    let blobEnd: number;
    try {
      blobEnd = readBlock(bytes, file, offset, block, source, decoder);
    } catch (error) {
      if (error instanceof SinkError) throw error.cause;
      if (error instanceof PbfError) throw error;
      const where = `${source}: block ${block} at byte ${offset}`;
      if (error instanceof FormatError) throw new PbfError(`${where} ${error.message}`, block, offset);
      const detail = error instanceof Error ? error.message : String(error);
      throw new PbfError(`${where} is malformed (${detail})`, block, offset, { cause: error });
    }
    offset = blobEnd;
    options.onProgress?.(offset, total);
  }
}

/** Decodes the block starting at `offset` and returns where it ends. */
function readBlock(
  bytes: Uint8Array,
  file: Pbf,
  offset: number,
  block: number,
  source: string,
  decoder: BlockDecoder,
): number {
  const total = bytes.length;
  if (total - offset < 4) {
    throw new FormatError(`is truncated (expected 4 bytes of blob header length, got ${total - offset})`);
  }
  const headerLength =
    ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
  if (headerLength > MAX_BLOB_HEADER_BYTES) {
    const problem = `has a blob header length of ${headerLength} bytes, over the 64 KiB the format allows`;
    if (block === 0) throw notPbf(source, `block 0 ${problem}`);
    throw new FormatError(problem);
  }
  const headerStart = offset + 4;
  const headerEnd = headerStart + headerLength;
  if (headerEnd > total) {
    throw new FormatError(`is truncated (expected a ${headerLength}-byte blob header, got ${total - headerStart} bytes)`);
  }

  let type: string;
  let dataSize: number;
  try {
    ({ type, dataSize } = readBlobHeader(file, headerStart, headerEnd));
  } catch (error) {
    if (block === 0) {
      if (error instanceof FormatError) throw notPbf(source, `block 0 ${error.message}`);
      const detail = error instanceof Error ? error.message : String(error);
      throw notPbf(source, `block 0 has a malformed blob header (${detail})`);
    }
    throw error;
  }
  if (block === 0 && type !== 'OSMHeader') {
    throw notPbf(source, `first block type is ${quote(type)}, expected "OSMHeader"`);
  }
  if (dataSize > MAX_BLOB_BYTES) {
    throw new FormatError(`has a blob of ${dataSize} bytes, over the 32 MiB the format allows`);
  }
  const blobEnd = headerEnd + dataSize;
  if (blobEnd > total) throw new FormatError(`is truncated (expected ${dataSize} bytes, got ${total - headerEnd})`);

  // PBF Format: readers skip blocks of types they do not know.
  if (type === 'OSMHeader') checkHeaderBlock(new Pbf(readBlob(file, headerEnd, blobEnd)), source, block, offset);
  else if (type === 'OSMData') decoder.decodePrimitiveBlock(new Pbf(readBlob(file, headerEnd, blobEnd)));
  return blobEnd;
}

/** An input problem, phrased to follow "block N at byte X"; `readOsmPbf` adds that prefix. */
class FormatError extends Error {}

/** Carries an error thrown by the sink through the block's error handling untouched. */
class SinkError extends Error {
  constructor(override readonly cause: unknown) {
    super('sink failed');
  }
}

function notPbf(source: string, detail: string): PbfError {
  return new PbfError(`${source}: not an OSM PBF file (${detail})`, 0, 0);
}

/** A string from the input, quoted and shortened for an error message. */
function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

// fileformat.proto: message BlobHeader { required string type = 1; optional bytes indexdata = 2; required int32 datasize = 3; }
function readBlobHeader(pbf: Pbf, start: number, end: number): { type: string; dataSize: number } {
  let type: string | undefined;
  let dataSize = -1;
  pbf.pos = start;
  while (pbf.pos < end) {
    const key = pbf.readVarint();
    switch (key) {
      case (1 << 3) | BYTES:
        type = readString(pbf, end, 'BlobHeader');
        break;
      case (3 << 3) | VARINT:
        dataSize = pbf.readVarint(true);
        break;
      default:
        skipField(pbf, key, end, 'BlobHeader');
    }
  }
  checkEnd(pbf, end, 'BlobHeader');
  if (type === undefined) throw new FormatError('has a blob header without a type');
  if (dataSize < 0) throw new FormatError('has a blob header without a valid datasize');
  return { type, dataSize };
}

// fileformat.proto: message Blob { raw = 1; raw_size = 2; zlib_data = 3; lzma_data = 4;
// OBSOLETE_bzip2_data = 5; lz4_data = 6; zstd_data = 7; }
/** The uncompressed PrimitiveBlock or HeaderBlock bytes of the Blob at `start..end`. */
function readBlob(pbf: Pbf, start: number, end: number): Uint8Array {
  let raw: Uint8Array | undefined;
  let zlibData: Uint8Array | undefined;
  let rawSize = -1;
  pbf.pos = start;
  while (pbf.pos < end) {
    const key = pbf.readVarint();
    const field = key >>> 3;
    if (key === ((1 << 3) | BYTES)) raw = readBytes(pbf, end, 'Blob');
    else if (key === ((3 << 3) | BYTES)) zlibData = readBytes(pbf, end, 'Blob');
    else if (key === ((2 << 3) | VARINT)) rawSize = pbf.readVarint(true);
    else if (field >= 4 && field <= 7) {
      throw new FormatError(
        `uses ${UNSUPPORTED_COMPRESSION[field]} compression, which is not supported (only raw and zlib)`,
      );
    } else skipField(pbf, key, end, 'Blob');
  }
  checkEnd(pbf, end, 'Blob');

  if (zlibData !== undefined) {
    if (rawSize > MAX_BLOB_BYTES) {
      throw new FormatError(`has a raw_size of ${rawSize} bytes, over the 32 MiB the format allows`);
    }
    // raw_size is optional; without it the format's limit still caps the output.
    const limit = rawSize >= 0 ? rawSize : MAX_BLOB_BYTES;
    let data: Uint8Array;
    try {
      data = inflateSync(zlibData, { maxOutputLength: Math.max(limit, 1) });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new FormatError(`has zlib data that inflates to more than ${limit} bytes (its raw_size)`);
      }
      const detail = error instanceof Error ? error.message : String(error);
      throw new FormatError(`has zlib data that does not inflate (${detail})`);
    }
    if (rawSize >= 0 && data.length !== rawSize) {
      throw new FormatError(`has zlib data that inflates to ${data.length} bytes, but its raw_size says ${rawSize}`);
    }
    return data;
  }
  if (raw !== undefined) return raw;
  throw new FormatError('has a blob without data');
}

// osmformat.proto: message HeaderBlock { bbox = 1; repeated string required_features = 4; ... }
function checkHeaderBlock(pbf: Pbf, source: string, block: number, offset: number): void {
  const end = pbf.length;
  while (pbf.pos < end) {
    const key = pbf.readVarint();
    if (key === ((4 << 3) | BYTES)) {
      const feature = readString(pbf, end, 'HeaderBlock');
      if (!SUPPORTED_FEATURES.includes(feature)) {
        throw new PbfError(
          `${source}: requires the feature ${quote(feature)}, which is not supported (only "OsmSchema-V0.6" and "DenseNodes")`,
          block,
          offset,
        );
      }
    } else skipField(pbf, key, end, 'HeaderBlock');
  }
  checkEnd(pbf, end, 'HeaderBlock');
}

/**
 * Decodes PrimitiveBlocks into elements. Scratch arrays live here and are reused
 * for every element, so decoding allocates little beyond what the sink keeps.
 */
class BlockDecoder {
  private readonly strings: string[] = [];
  private granularity = 100;
  private latOffset = 0;
  private lonOffset = 0;
  /** Start and end of each PrimitiveGroup of the current block, in pairs. */
  private readonly groups: number[] = [];
  private readonly ids: number[] = [];
  private readonly lats: number[] = [];
  private readonly lons: number[] = [];
  private readonly keysVals: number[] = [];
  private readonly keys: number[] = [];
  private readonly vals: number[] = [];
  private readonly roles: number[] = [];
  private readonly memberTypes: number[] = [];

  constructor(private readonly sink: OsmSink) {}

  // osmformat.proto: message PrimitiveBlock { required StringTable stringtable = 1;
  // repeated PrimitiveGroup primitivegroup = 2; optional int32 granularity = 17 [default=100];
  // optional int64 lat_offset = 19 [default=0]; optional int64 lon_offset = 20 [default=0]; ... }
  decodePrimitiveBlock(pbf: Pbf): void {
    const end = pbf.length;
    const groups = this.groups;
    this.strings.length = 0;
    groups.length = 0;
    this.granularity = 100;
    this.latOffset = 0;
    this.lonOffset = 0;
    // Groups come before granularity and offsets on the wire (fields are
    // written in number order), so note where they are and decode them after.
    while (pbf.pos < end) {
      const key = pbf.readVarint();
      switch (key) {
        case (1 << 3) | BYTES:
          this.readStringTable(pbf, readLengthEnd(pbf, end, 'PrimitiveBlock'));
          break;
        case (2 << 3) | BYTES: {
          const groupEnd = readLengthEnd(pbf, end, 'PrimitiveBlock');
          groups.push(pbf.pos, groupEnd);
          pbf.pos = groupEnd;
          break;
        }
        case (17 << 3) | VARINT:
          this.granularity = pbf.readVarint(true);
          break;
        case (19 << 3) | VARINT:
          this.latOffset = pbf.readVarint(true);
          break;
        case (20 << 3) | VARINT:
          this.lonOffset = pbf.readVarint(true);
          break;
        default:
          skipField(pbf, key, end, 'PrimitiveBlock');
      }
    }
    checkEnd(pbf, end, 'PrimitiveBlock');
    if (this.granularity <= 0) throw new FormatError(`has a granularity of ${this.granularity}, which is not positive`);
    for (let i = 0; i < groups.length; i += 2) this.decodeGroup(pbf, groups[i]!, groups[i + 1]!);
  }

  // osmformat.proto: message StringTable { repeated bytes s = 1; }
  private readStringTable(pbf: Pbf, end: number): void {
    const strings = this.strings;
    while (pbf.pos < end) {
      const key = pbf.readVarint();
      if (key === ((1 << 3) | BYTES)) strings.push(readString(pbf, end, 'StringTable'));
      else skipField(pbf, key, end, 'StringTable');
    }
    checkEnd(pbf, end, 'StringTable');
  }

  // osmformat.proto: message PrimitiveGroup { repeated Node nodes = 1; optional DenseNodes dense = 2;
  // repeated Way ways = 3; repeated Relation relations = 4; repeated ChangeSet changesets = 5; }
  private decodeGroup(pbf: Pbf, start: number, end: number): void {
    pbf.pos = start;
    while (pbf.pos < end) {
      const key = pbf.readVarint();
      switch (key) {
        case (1 << 3) | BYTES:
          this.decodeNode(pbf, readLengthEnd(pbf, end, 'PrimitiveGroup'));
          break;
        case (2 << 3) | BYTES:
          this.decodeDenseNodes(pbf, readLengthEnd(pbf, end, 'PrimitiveGroup'));
          break;
        case (3 << 3) | BYTES:
          this.decodeWay(pbf, readLengthEnd(pbf, end, 'PrimitiveGroup'));
          break;
        case (4 << 3) | BYTES:
          this.decodeRelation(pbf, readLengthEnd(pbf, end, 'PrimitiveGroup'));
          break;
        default:
          skipField(pbf, key, end, 'PrimitiveGroup');
      }
    }
    checkEnd(pbf, end, 'PrimitiveGroup');
  }

  // osmformat.proto: message DenseNodes { repeated sint64 id = 1 [packed], DenseInfo denseinfo = 5,
  // repeated sint64 lat = 8 [packed], repeated sint64 lon = 9 [packed], repeated int32 keys_vals = 10 [packed]; }
  private decodeDenseNodes(pbf: Pbf, end: number): void {
    const { ids, lats, lons, keysVals, strings, sink } = this;
    ids.length = 0;
    lats.length = 0;
    lons.length = 0;
    keysVals.length = 0;
    while (pbf.pos < end) {
      const key = pbf.readVarint();
      switch (key >>> 3) {
        case 1:
          readPackedSVarint(pbf, key, end, ids, 'DenseNodes');
          break;
        case 8:
          readPackedSVarint(pbf, key, end, lats, 'DenseNodes');
          break;
        case 9:
          readPackedSVarint(pbf, key, end, lons, 'DenseNodes');
          break;
        case 10:
          readPackedVarint(pbf, key, end, keysVals, 'DenseNodes');
          break;
        default: // 5: DenseInfo, not needed
          skipField(pbf, key, end, 'DenseNodes');
      }
    }
    checkEnd(pbf, end, 'DenseNodes');
    const count = ids.length;
    if (lats.length !== count || lons.length !== count) {
      throw new FormatError(`has DenseNodes with ${count} ids but ${lats.length} lats and ${lons.length} lons`);
    }

    // Ids and coordinates are delta coded; keys_vals is (key, value)* 0 per
    // node, or empty when no node of the group has tags.
    const kvCount = keysVals.length;
    const stringCount = strings.length;
    let id = 0;
    let lat = 0;
    let lon = 0;
    let kv = 0;
    for (let i = 0; i < count; i++) {
      id += ids[i]!;
      lat += lats[i]!;
      lon += lons[i]!;
      let tags: Tags | undefined;
      if (kvCount !== 0) {
        for (;;) {
          if (kv >= kvCount) throw new FormatError(`has DenseNodes whose keys_vals end before node ${i} of ${count}`);
          const k = keysVals[kv++]!;
          if (k === 0) break;
          if (kv >= kvCount) throw new FormatError('has DenseNodes whose keys_vals end inside a key/value pair');
          const v = keysVals[kv++]!;
          if (k >= stringCount || v >= stringCount) throw stringIndexError(k > v ? k : v, stringCount);
          tags ??= {};
          setTag(tags, strings[k]!, strings[v]!);
        }
      }
      const node = { id, lat: this.latitude(lat), lon: this.longitude(lon), tags };
      try {
        sink.node(node);
      } catch (error) {
        throw new SinkError(error);
      }
    }
    if (kv !== kvCount) throw new FormatError(`has DenseNodes with ${kvCount - kv} keys_vals entries after the last node`);
  }

  // osmformat.proto: message Node { required sint64 id = 1; repeated uint32 keys = 2 [packed];
  // repeated uint32 vals = 3 [packed]; optional Info info = 4; required sint64 lat = 8; required sint64 lon = 9; }
  private decodeNode(pbf: Pbf, end: number): void {
    const { keys, vals } = this;
    keys.length = 0;
    vals.length = 0;
    let id = NaN;
    let lat = NaN;
    let lon = NaN;
    while (pbf.pos < end) {
      const key = pbf.readVarint();
      switch (key) {
        case (1 << 3) | VARINT:
          id = pbf.readSVarint();
          break;
        case (8 << 3) | VARINT:
          lat = pbf.readSVarint();
          break;
        case (9 << 3) | VARINT:
          lon = pbf.readSVarint();
          break;
        default:
          if (!this.readKeyOrVal(pbf, key, end, 'Node')) skipField(pbf, key, end, 'Node');
      }
    }
    checkEnd(pbf, end, 'Node');
    if (Number.isNaN(id) || Number.isNaN(lat) || Number.isNaN(lon)) {
      throw new FormatError('has a Node without an id, lat or lon');
    }
    const node = { id, lat: this.latitude(lat), lon: this.longitude(lon), tags: this.tags(keys, vals, true) };
    try {
      this.sink.node(node);
    } catch (error) {
      throw new SinkError(error);
    }
  }

  // osmformat.proto: message Way { required int64 id = 1; keys = 2; vals = 3; info = 4;
  // repeated sint64 refs = 8 [packed]; (lat = 9, lon = 10 with LocationsOnWays, not needed) }
  private decodeWay(pbf: Pbf, end: number): void {
    const { keys, vals } = this;
    keys.length = 0;
    vals.length = 0;
    const refs: number[] = [];
    let id = NaN;
    while (pbf.pos < end) {
      const key = pbf.readVarint();
      if (key === ((1 << 3) | VARINT)) id = pbf.readVarint(true);
      else if (key >>> 3 === 8) readPackedSVarint(pbf, key, end, refs, 'Way');
      else if (!this.readKeyOrVal(pbf, key, end, 'Way')) skipField(pbf, key, end, 'Way');
    }
    checkEnd(pbf, end, 'Way');
    if (Number.isNaN(id)) throw new FormatError('has a Way without an id');
    let ref = 0;
    for (let i = 0; i < refs.length; i++) refs[i] = ref += refs[i]!;
    const way = { id, refs, tags: this.tags(keys, vals, false)! };
    try {
      this.sink.way(way);
    } catch (error) {
      throw new SinkError(error);
    }
  }

  // osmformat.proto: message Relation { required int64 id = 1; keys = 2; vals = 3; info = 4;
  // repeated int32 roles_sid = 8 [packed]; repeated sint64 memids = 9 [packed]; repeated MemberType types = 10 [packed]; }
  private decodeRelation(pbf: Pbf, end: number): void {
    const { keys, vals, roles, memberTypes, ids, strings } = this;
    keys.length = 0;
    vals.length = 0;
    roles.length = 0;
    memberTypes.length = 0;
    ids.length = 0;
    let id = NaN;
    while (pbf.pos < end) {
      const key = pbf.readVarint();
      switch (key >>> 3) {
        case 1:
          if ((key & 7) !== VARINT) skipField(pbf, key, end, 'Relation');
          else id = pbf.readVarint(true);
          break;
        case 8:
          readPackedVarint(pbf, key, end, roles, 'Relation');
          break;
        case 9:
          readPackedSVarint(pbf, key, end, ids, 'Relation');
          break;
        case 10:
          readPackedVarint(pbf, key, end, memberTypes, 'Relation');
          break;
        default:
          if (!this.readKeyOrVal(pbf, key, end, 'Relation')) skipField(pbf, key, end, 'Relation');
      }
    }
    checkEnd(pbf, end, 'Relation');
    if (Number.isNaN(id)) throw new FormatError('has a Relation without an id');
    const count = ids.length;
    if (roles.length !== count || memberTypes.length !== count) {
      throw new FormatError(
        `has Relation ${id} with ${count} member ids but ${roles.length} roles and ${memberTypes.length} types`,
      );
    }
    const members: OsmMember[] = new Array<OsmMember>(count);
    const stringCount = strings.length;
    let ref = 0;
    for (let i = 0; i < count; i++) {
      ref += ids[i]!;
      const role = roles[i]!;
      if (role >= stringCount) throw stringIndexError(role, stringCount);
      const type = MEMBER_TYPES[memberTypes[i]!];
      if (type === undefined) throw new FormatError(`has Relation ${id} with a member of unknown type ${memberTypes[i]}`);
      members[i] = { type, ref, role: strings[role]! };
    }
    const relation = { id, members, tags: this.tags(keys, vals, false)! };
    try {
      this.sink.relation(relation);
    } catch (error) {
      throw new SinkError(error);
    }
  }

  /** Reads field 2 (keys) or 3 (vals) of a Node, Way or Relation; false for other fields. */
  private readKeyOrVal(pbf: Pbf, key: number, end: number, message: string): boolean {
    const field = key >>> 3;
    if (field === 2) readPackedVarint(pbf, key, end, this.keys, message);
    else if (field === 3) readPackedVarint(pbf, key, end, this.vals, message);
    else return false;
    return true;
  }

  /** Tags from parallel key and value string indices; undefined when there are none and `noneIsUndefined`. */
  private tags(keys: number[], vals: number[], noneIsUndefined: boolean): Tags | undefined {
    const count = keys.length;
    if (vals.length !== count) throw new FormatError(`has an element with ${count} tag keys but ${vals.length} values`);
    if (count === 0 && noneIsUndefined) return undefined;
    const strings = this.strings;
    const tags: Tags = {};
    for (let i = 0; i < count; i++) {
      const k = keys[i]!;
      const v = vals[i]!;
      if (k >= strings.length || v >= strings.length) throw stringIndexError(k > v ? k : v, strings.length);
      setTag(tags, strings[k]!, strings[v]!);
    }
    return tags;
  }

  // osmformat.proto: latitude = .000000001 * (lat_offset + (granularity * lat)). Dividing the
  // integer nanodegrees by 1e9 instead gives the double nearest the exact value.
  private latitude(lat: number): number {
    const nano = this.latOffset + this.granularity * lat;
    if (!(nano >= -90e9 && nano <= 90e9)) throw new FormatError(`has a node at latitude ${nano / 1e9}, outside ±90°`);
    return nano / 1e9;
  }

  private longitude(lon: number): number {
    const nano = this.lonOffset + this.granularity * lon;
    if (!(nano >= -180e9 && nano <= 180e9)) throw new FormatError(`has a node at longitude ${nano / 1e9}, outside ±180°`);
    return nano / 1e9;
  }
}

function stringIndexError(index: number, stringCount: number): FormatError {
  return new FormatError(`refers to string ${index}, but its string table has ${stringCount} strings`);
}

/** Sets a tag as an own property, even one named `__proto__`, which plain assignment would swallow. */
function setTag(tags: Tags, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(tags, key, { value, enumerable: true, writable: true, configurable: true });
  else tags[key] = value;
}

/** Reads a length prefix and returns where the field ends, which must be within `limit`. */
function readLengthEnd(pbf: Pbf, limit: number, message: string): number {
  const end = pbf.readVarint() + pbf.pos;
  if (end > limit) throw new FormatError(`has a ${message} with a field that runs past its end`);
  return end;
}

function checkEnd(pbf: Pbf, end: number, message: string): void {
  if (pbf.pos !== end) throw new FormatError(`has a ${message} with a field that runs past its end`);
}

function readString(pbf: Pbf, limit: number, message: string): string {
  const text = pbf.readString();
  if (pbf.pos > limit) throw new FormatError(`has a ${message} with a string that runs past its end`);
  return text;
}

function readBytes(pbf: Pbf, limit: number, message: string): Uint8Array {
  const data = pbf.readBytes();
  if (pbf.pos > limit) throw new FormatError(`has a ${message} with bytes that run past its end`);
  return data;
}

/** Appends a repeated varint field to `out`, packed (wire type 2) or not (wire type 0), as protobuf allows. */
function readPackedVarint(pbf: Pbf, key: number, limit: number, out: number[], message: string): void {
  const wire = key & 7;
  if (wire === VARINT) {
    out.push(pbf.readVarint());
    return;
  }
  if (wire !== BYTES) return skipField(pbf, key, limit, message);
  const end = readLengthEnd(pbf, limit, message);
  while (pbf.pos < end) out.push(pbf.readVarint());
  checkEnd(pbf, end, message);
}

/** As readPackedVarint, for zigzag-coded (sint32/sint64) values. */
function readPackedSVarint(pbf: Pbf, key: number, limit: number, out: number[], message: string): void {
  const wire = key & 7;
  if (wire === VARINT) {
    out.push(pbf.readSVarint());
    return;
  }
  if (wire !== BYTES) return skipField(pbf, key, limit, message);
  const end = readLengthEnd(pbf, limit, message);
  while (pbf.pos < end) out.push(pbf.readSVarint());
  checkEnd(pbf, end, message);
}

/** Skips a field this reader does not use; the caller's end check catches a field that overruns. */
function skipField(pbf: Pbf, key: number, limit: number, message: string): void {
  if (key >>> 3 === 0) throw new FormatError(`has a ${message} with a field numbered 0, which protobuf forbids`);
  switch (key & 7) {
    case VARINT:
      pbf.readVarint();
      break;
    case FIXED64:
      pbf.pos += 8;
      break;
    case BYTES:
      pbf.pos = readLengthEnd(pbf, limit, message);
      break;
    case FIXED32:
      pbf.pos += 4;
      break;
    default:
      throw new FormatError(`has a ${message} with a field of wire type ${key & 7}, which OSM PBF does not use`);
  }
}
