/**
 * How fast are parking and along-route food answers?
 *
 * For each shared OSM extract and the default map, in one run:
 *   - parking near a destination (`findParkingNear`) over 1,000 random
 *     destinations on the road network, with the demo occupancy feed loaded;
 *   - restaurants along my route (`findFoodAlongRoute`, the route given) over
 *     100 random routes, with their median length;
 * and on Liechtenstein, the detours of 100 candidates along a route of about
 * 30 km by `Router.detours` (many-to-many) against the baseline of 100
 * separate pairs of point-to-point queries on the same points.
 *
 *   npm run bench -- places
 *   node --import tsx bench/places.ts
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_REGION, buildMap, generateRegion, readOsmPbf, seededRandom, type CabinMap } from '../src/map/index.ts';
import { Router, prepareRouting, type LatLon, type Route, type SnappedPoint } from '../src/routing/index.ts';
import { createPlacesContext, findFoodAlongRoute, findParkingNear, simulateOccupancy } from '../src/places/index.ts';

/** The extracts with the clock and currency of their regions, so opening hours and occupancy profiles are read as there. */
const EXTRACTS = [
  { name: 'andorra', timeZone: 'Europe/Andorra', currency: 'EUR' },
  { name: 'baltimore', timeZone: 'America/New_York', currency: 'USD' },
  { name: 'harrisburg', timeZone: 'America/New_York', currency: 'USD' },
  { name: 'liechtenstein-latest', timeZone: 'Europe/Vaduz', currency: 'CHF' },
];

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}


/** Milliseconds of each call, sorted. */
function timeEach<T>(items: readonly T[], run: (item: T) => unknown): number[] {
  const times: number[] = [];
  for (const item of items) {
    const started = performance.now();
    run(item);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

function randomNode(map: CabinMap, next: () => number): LatLon {
  const n = Math.floor(next() * map.roads.nodeCount);
  return { lat: map.roads.nodeLatE7[n]! / 1e7, lon: map.roads.nodeLonE7[n]! / 1e7 };
}

interface Row {
  network: string;
  parking: number;
  food: number;
  indexMs: number;
  parkingP50: number;
  parkingP99: number;
  parkingResults: number;
  routeKm: number;
  alongP50: number;
  alongP99: number;
  candidates: number;
}

function measure(network: string, map: CabinMap, router: Router): Row {
  const next = seededRandom(7);
  const now = new Date('2025-06-10T04:30:00Z');
  let started = performance.now();
  const ctx = createPlacesContext(map, router);
  const indexMs = performance.now() - started;
  ctx.occupancy.ingestAll(simulateOccupancy(map, now, 1), now);

  const destinations = Array.from({ length: 1000 }, () => randomNode(map, next));
  const arrival = new Date(now.getTime() + 20 * 60_000);
  timeEach(destinations.slice(0, 200), (d) => findParkingNear(ctx, d, { now, arrival })); // warm-up
  let parkingResults = 0;
  const parking = timeEach(destinations, (d) => {
    parkingResults += findParkingNear(ctx, d, { now, arrival, stayMinutes: 90 }).length;
  });

  const routes: Route[] = [];
  for (let attempt = 0; routes.length < 100 && attempt < 2000; attempt++) {
    const result = router.route([randomNode(map, next), randomNode(map, next)]);
    if (result.ok && result.route.distanceM > 1000) routes.push(result.route);
  }
  let candidates = 0;
  timeEach(routes.slice(0, 20), (route) => findFoodAlongRoute(ctx, route, { now, openAtArrival: true })); // warm-up
  const along = timeEach(routes, (route) => {
    const answer = findFoodAlongRoute(ctx, route, { now, openAtArrival: true, maxDetourMinutes: 10 });
    if (answer.ok) candidates += answer.candidates;
  });
  const lengths = routes.map((r) => r.distanceM / 1000).sort((a, b) => a - b);
  return {
    network,
    parking: map.parking.length,
    food: map.food.length,
    indexMs,
    parkingP50: percentile(parking, 50),
    parkingP99: percentile(parking, 99),
    parkingResults: parkingResults / destinations.length,
    routeKm: percentile(lengths, 50),
    alongP50: percentile(along, 50),
    alongP99: percentile(along, 99),
    candidates: candidates / Math.max(1, routes.length),
  };
}

/** Detours of 100 candidates along a ~30 km route by many-to-many, against 100 pairs of point-to-point queries. */
function measureDetours(network: string, map: CabinMap, router: Router): void {
  const next = seededRandom(30);
  let best: Route | undefined;
  for (let attempt = 0; attempt < 3000; attempt++) {
    const result = router.route([randomNode(map, next), randomNode(map, next)]);
    if (result.ok && (!best || Math.abs(result.route.distanceM - 30_000) < Math.abs(best.distanceM - 30_000))) best = result.route;
  }
  if (!best) throw new Error('no route found on this map');
  const ctx = createPlacesContext(map, router);
  const from = router.snap(best.waypoints[0]!.requested)!;
  const to = router.snap(best.waypoints[1]!.requested)!;
  const stops: SnappedPoint[] = [];
  for (const near of ctx.places.foodNearPolyline(best.coordinates, 2000)) {
    const stop = router.snap(near.place, 500);
    if (stop && stops.length < 100) stops.push(stop);
  }
  const fromData = stops.length;
  // Pad with random points on the road network near the route where the map has too few places to eat.
  while (stops.length < 100) {
    const [lon, lat] = best.coordinates[Math.floor(next() * best.coordinates.length)]!;
    const stop = router.snap({ lat: lat + (next() - 0.5) * 0.02, lon: lon + (next() - 0.5) * 0.02 }, 1000);
    if (stop) stops.push(stop);
  }

  const runs = Array.from({ length: 60 }, (_, i) => i);
  timeEach(runs.slice(0, 10), () => router.detours(from, to, stops)); // warm-up
  const manyToMany = timeEach(runs, () => router.detours(from, to, stops));
  const pairs = (): void => {
    const direct = router.travelMs(from, to);
    for (const stop of stops) router.travelMs(from, stop) + router.travelMs(stop, to) - direct;
  };
  timeEach(runs.slice(0, 3), pairs); // warm-up
  const baseline = timeEach(runs.slice(0, 20), pairs);
  const f = (x: number): string => x.toFixed(2);
  console.log(
    `\nDetours for 100 candidates (${fromData} places to eat near the route, ${100 - fromData} random road points) along a ${(best.distanceM / 1000).toFixed(1)} km route on ${network}:\n`,
  );
  console.log('| method | p50 ms | p99 ms | ratio (p50) |');
  console.log('|---|---:|---:|---:|');
  console.log(`| Router.detours (many-to-many) | ${f(percentile(manyToMany, 50))} | ${f(percentile(manyToMany, 99))} | 1× |`);
  console.log(
    `| 100 pairs of point-to-point queries (baseline) | ${f(percentile(baseline, 50))} | ${f(percentile(baseline, 99))} | ${(percentile(baseline, 50) / percentile(manyToMany, 50)).toFixed(1)}× slower |`,
  );
}

console.log('| network | parking | food | index ms | parking near p50 ms | parking near p99 ms | parking results/answer | route km (median) | food along route p50 ms | food along route p99 ms | candidates/route |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const printRow = (row: Row): void => {
  const f = (x: number, d = 2): string => x.toFixed(d);
  console.log(
    `| ${row.network} | ${row.parking} | ${row.food} | ${f(row.indexMs)} | ${f(row.parkingP50, 3)} | ${f(row.parkingP99, 3)} | ${f(row.parkingResults, 1)} | ${f(row.routeKm, 1)} | ${f(row.alongP50)} | ${f(row.alongP99)} | ${f(row.candidates, 1)} |`,
  );
};

let liechtenstein: { map: CabinMap; router: Router } | undefined;
for (const { name, timeZone, currency } of EXTRACTS) {
  const bytes = readFileSync(fileURLToPath(new URL(`../../shared/data/osm/${name}.osm.pbf`, import.meta.url)));
  const map = buildMap({ name, source: 'OpenStreetMap', timeZone, currency, synthetic: false }, (sink) => readOsmPbf(bytes, sink));
  const router = new Router(map, prepareRouting(map));
  printRow(measure(name, map, router));
  if (name === 'liechtenstein-latest') liechtenstein = { map, router };
}
{
  const map = buildMap(DEFAULT_REGION, (sink) => generateRegion(sink));
  printRow(measure('default map', map, new Router(map, prepareRouting(map))));
}
if (liechtenstein) measureDetours('liechtenstein-latest', liechtenstein.map, liechtenstein.router);
{
  // The shared extracts are too small for a 30 km route among 100 restaurants: a generated metro network is not.
  const map = buildMap(DEFAULT_REGION, (sink) => generateRegion(sink, { targetGraphNodes: 100_000 }));
  measureDetours('a generated 100,000-node network', map, new Router(map, prepareRouting(map)));
}
