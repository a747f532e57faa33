import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_REGION,
  buildMap,
  decodeMapFile,
  encodeMapFile,
  generateRegion,
  readOsmPbf,
  type CabinMap,
  type MapInfo,
  type OsmSink,
} from '../map/index.ts';
import { Router, prepareRouting, routingAttachments, routingFromAttachments, type PreparedRouting } from '../routing/index.ts';
import { readFileAligned, writeFileAtomic } from '../map/files.ts';
import { Progress } from './progress.ts';

/** A loaded map with its router. */
export interface OpenMap {
  path: string;
  map: CabinMap;
  router: Router;
  loadSeconds: number;
  bytes: number;
}

/** Summary of a finished import. */
export interface ImportSummary {
  map: CabinMap;
  prepared: PreparedRouting;
  bytes: number;
  readSeconds: number;
  buildSeconds: number;
  preprocessingSeconds: number;
  totalSeconds: number;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the built-in default map is cached. */
export function defaultMapPath(): string {
  return process.env['CABIN_DEFAULT_MAP'] ?? join(REPO_ROOT, '.cabin', 'default.cabin');
}

/** Loads a `.cabin` file and makes its router. */
export function openMap(path: string): OpenMap {
  const started = performance.now();
  const bytes = readFileAligned(path);
  const { map, arrays, extra } = decodeMapFile(bytes, basename(path));
  const prepared = routingFromAttachments(map, { arrays, extra }, basename(path));
  const router = new Router(map, prepared);
  return { path, map, router, loadSeconds: (performance.now() - started) / 1000, bytes: bytes.length };
}

/** Opens the default map, generating it first when it is missing. */
export function openDefaultMap(progress = new Progress()): OpenMap {
  const path = defaultMapPath();
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    compileMap(
      { ...DEFAULT_REGION, bbox: [0, 0, 0, 0] },
      (sink) => generateRegion(sink),
      path,
      progress,
    );
  }
  return openMap(path);
}

/** Imports an `.osm.pbf` file into a `.cabin` map file. */
export function importPbf(input: string, output: string, info: Omit<MapInfo, 'bbox'>, progress = new Progress()): ImportSummary {
  const started = performance.now();
  const bytes = readFileSync(input);
  const readSeconds = (performance.now() - started) / 1000;
  return compileMap(
    { ...info, bbox: [0, 0, 0, 0] },
    (sink) => {
      progress.start('reading OSM data', bytes.length);
      readOsmPbf(bytes, sink, { source: basename(input), onProgress: (done, total) => progress.update(done, total) });
      progress.stop();
    },
    output,
    progress,
    started,
    readSeconds,
  );
}

/** Builds a map from OSM elements, prepares routing, and writes the file atomically. */
export function compileMap(
  info: MapInfo,
  feed: (sink: OsmSink) => void,
  output: string,
  progress = new Progress(),
  started = performance.now(),
  readSeconds = 0,
): ImportSummary {
  const { bbox: _bbox, ...builderInfo } = info;
  const buildStarted = performance.now();
  const map = buildMap(builderInfo, feed);
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  progress.start('building hierarchy', map.roads.nodeCount);
  const prepared = prepareRouting(map, (done, total) => progress.update(done, total));
  progress.stop();
  const bytes = writeFileAtomic(output, encodeMapFile(map, routingAttachments(prepared)));
  return {
    map,
    prepared,
    bytes,
    readSeconds,
    buildSeconds,
    preprocessingSeconds: prepared.preprocessingSeconds,
    totalSeconds: (performance.now() - started) / 1000,
  };
}
