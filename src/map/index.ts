export * from './types.ts';
export { MapBuilder, buildMap } from './build.ts';
export { generateRegion, DEFAULT_REGION } from './default-region.ts';
export type { RegionOptions } from './default-region.ts';
export { readOsmPbf, PbfError } from './osm/pbf.ts';
export { encodeMapFile, decodeMapFile, MapFileError, MAP_FORMAT_VERSION } from './map-file.ts';
export type { MapAttachments, TypedArray } from './map-file.ts';
export { EARTH_RADIUS_M, haversineM } from './geo.ts';
export { seededRandom } from './random.ts';
