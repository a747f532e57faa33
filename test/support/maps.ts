import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildMap, readOsmPbf, type CabinMap } from '../../src/map/index.ts';
import { prepareRouting, type PreparedRouting } from '../../src/routing/index.ts';

/** The shared OSM extracts the tests run on (read from ../shared, never copied). */
export const SHARED_EXTRACTS = ['andorra', 'baltimore', 'harrisburg', 'liechtenstein-latest'] as const;

export function sharedExtractPath(name: string): string {
  return fileURLToPath(new URL(`../../../shared/data/osm/${name}.osm.pbf`, import.meta.url));
}

const built = new Map<string, { map: CabinMap; prepared: PreparedRouting }>();

/** Builds (once per process) the map and routing data of a shared extract. */
export function sharedMap(name: (typeof SHARED_EXTRACTS)[number]): { map: CabinMap; prepared: PreparedRouting } {
  let entry = built.get(name);
  if (!entry) {
    const bytes = readFileSync(sharedExtractPath(name));
    const map = buildMap(
      { name, source: `${name}: © OpenStreetMap contributors`, timeZone: 'UTC', currency: 'EUR', synthetic: false },
      (sink) => readOsmPbf(bytes, sink, { source: `${name}.osm.pbf` }),
    );
    entry = { map, prepared: prepareRouting(map) };
    built.set(name, entry);
  }
  return entry;
}

/** A small deterministic PRNG for picking test cases reproducibly. */
export { seededRandom } from '../../src/map/index.ts';
