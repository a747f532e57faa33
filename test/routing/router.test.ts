import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RESTRICTION_NO,
  RESTRICTION_ONLY,
  SEGMENT_BACKWARD,
  SEGMENT_FORWARD,
  decodeMapFile,
  encodeMapFile,
  type CabinMap,
} from '../../src/map/index.ts';
import { Router, prepareRouting, routingAttachments, routingFromAttachments, type LatLon } from '../../src/routing/index.ts';
import { seededRandom, sharedMap } from '../support/maps.ts';

/** The point at `fraction` along a segment's straight from→to line. */
function pointOn(map: CabinMap, segment: number, fraction: number): LatLon {
  const { segmentFrom, segmentTo, nodeLatE7, nodeLonE7, segmentShapeStart, shapeLatE7, shapeLonE7 } = map.roads;
  const lats = [nodeLatE7[segmentFrom[segment]!]!];
  const lons = [nodeLonE7[segmentFrom[segment]!]!];
  for (let i = segmentShapeStart[segment]!; i < segmentShapeStart[segment + 1]!; i++) {
    lats.push(shapeLatE7[i]!);
    lons.push(shapeLonE7[i]!);
  }
  lats.push(nodeLatE7[segmentTo[segment]!]!);
  lons.push(nodeLonE7[segmentTo[segment]!]!);
  const at = fraction * (lats.length - 1);
  const i = Math.min(Math.floor(at), lats.length - 2);
  const t = at - i;
  return { lat: (lats[i]! + t * (lats[i + 1]! - lats[i]!)) / 1e7, lon: (lons[i]! + t * (lons[i + 1]! - lons[i]!)) / 1e7 };
}

function withoutRestrictions(map: CabinMap): CabinMap {
  return { ...map, roads: { ...map.roads, restrictionCount: 0 } };
}

function drivenTurns(router: Router, points: LatLon[]): Array<[number, number]> {
  const result = router.route(points);
  assert.ok(result.ok, `expected a route: ${result.ok ? '' : result.message}`);
  const pieces = result.route.legs.flatMap((leg) => leg.pieces);
  const turns: Array<[number, number]> = [];
  for (let i = 1; i < pieces.length; i++) turns.push([pieces[i - 1]!.segment, pieces[i]!.segment]);
  return turns;
}

test('honours the turn restrictions of the real Baltimore data', () => {
  const { map, prepared } = sharedMap('baltimore');
  assert.ok(map.roads.restrictionCount > 0, 'Baltimore has turn restrictions');
  const router = new Router(map, prepared);
  const free = withoutRestrictions(map);
  const unrestricted = new Router(free, prepareRouting(free));
  let mattered = 0;
  for (let r = 0; r < map.roads.restrictionCount; r++) {
    const from = map.roads.restrictionFrom[r]!;
    const to = map.roads.restrictionTo[r]!;
    const points = [pointOn(map, from, 0.5), pointOn(map, to, 0.5)];
    const turns = drivenTurns(router, points);
    const turnTaken = turns.some(([a, b]) => a === from && b === to);
    if (map.roads.restrictionKind[r] === RESTRICTION_NO) assert.ok(!turnTaken, `restriction ${r}: forbidden turn ${from}→${to} was taken`);
    const withoutTurns = drivenTurns(unrestricted, points);
    if (withoutTurns.some(([a, b]) => a === from && b === to) && !turnTaken) mattered++;
    if (map.roads.restrictionKind[r] === RESTRICTION_ONLY) {
      const left = turns.find(([a]) => a === from);
      if (left) assert.equal(left[1], to, `restriction ${r}: an only_* turn must continue onto segment ${to}`);
    }
  }
  assert.ok(mattered > 0, 'at least one restriction changes the route it is on');
});

test('never drives a one-way street against its direction', () => {
  const { map, prepared } = sharedMap('baltimore');
  const router = new Router(map, prepared);
  const { segmentFlags, segmentLengthM } = map.roads;
  // The longest forward-only segments of the real data.
  const oneWays = [...segmentFlags.keys()]
    .filter((s) => (segmentFlags[s]! & (SEGMENT_FORWARD | SEGMENT_BACKWARD)) === SEGMENT_FORWARD)
    .sort((a, b) => segmentLengthM[b]! - segmentLengthM[a]!)
    .slice(0, 20);
  assert.ok(oneWays.length === 20, 'Baltimore has one-way streets');
  for (const s of oneWays) {
    const result = router.route([pointOn(map, s, 0.8), pointOn(map, s, 0.2)]);
    if (!result.ok) continue;
    const pieces = result.route.legs.flatMap((leg) => leg.pieces);
    for (const piece of pieces) {
      if (piece.segment === s) assert.equal(piece.backward, false, `segment ${s} driven backwards`);
    }
    // Going round the block takes longer than the straight line back.
    assert.ok(result.route.distanceM > 0.6 * segmentLengthM[s]!);
  }
});

test('answers "no route" between roads that do not connect, without throwing', () => {
  const { map, prepared } = sharedMap('andorra');
  const router = new Router(map, prepared);
  const component = weakComponents(map);
  const sizes = new Map<number, number>();
  for (const c of component) sizes.set(c, (sizes.get(c) ?? 0) + 1);
  const main = [...sizes.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  const { segmentFrom, segmentCount } = map.roads;
  const island = [...Array(segmentCount).keys()].find((s) => component[segmentFrom[s]!] !== main);
  const mainland = [...Array(segmentCount).keys()].find((s) => component[segmentFrom[s]!] === main);
  assert.ok(island !== undefined && mainland !== undefined, 'Andorra has a road island');
  const result = router.route([pointOn(map, mainland, 0.5), pointOn(map, island, 0.5)]);
  assert.equal(result.ok, false);
  if (!result.ok) {
    assert.equal(result.reason, 'no-route');
    assert.match(result.message, /no route/);
  }
  const offMap = router.route([{ lat: 0, lon: 0 }, pointOn(map, mainland, 0.5)]);
  assert.ok(!offMap.ok && offMap.reason === 'not-on-map');
});

function weakComponents(map: CabinMap): Uint32Array {
  const parent = Uint32Array.from({ length: map.roads.nodeCount }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
    return x;
  };
  for (let s = 0; s < map.roads.segmentCount; s++) parent[find(map.roads.segmentFrom[s]!)] = find(map.roads.segmentTo[s]!);
  return Uint32Array.from({ length: map.roads.nodeCount }, (_, i) => find(i));
}

test('a route has geometry, steps in English and Chinese, and adds up', () => {
  const { map, prepared } = sharedMap('liechtenstein-latest');
  const router = new Router(map, prepared);
  // Vaduz to Schaan.
  const result = router.route([{ lat: 47.1410, lon: 9.5209 }, { lat: 47.1650, lon: 9.5100 }]);
  assert.ok(result.ok);
  const { route } = result;
  assert.ok(route.distanceM > 2000 && route.distanceM < 8000, `distance ${route.distanceM}`);
  assert.ok(route.durationS > 120 && route.durationS < 900, `duration ${route.durationS}`);
  const steps = route.legs[0]!.steps;
  assert.equal(steps[0]!.maneuver.type, 'depart');
  assert.equal(steps.at(-1)!.maneuver.type, 'arrive');
  const stepDistance = steps.reduce((sum, s) => sum + s.distanceM, 0);
  assert.ok(Math.abs(stepDistance - route.distanceM) < 1 + steps.length * 0.1);
  for (const step of steps) {
    assert.ok(step.instruction.en.length > 0 && step.instruction.zh.length > 0);
    assert.match(step.instruction.zh, /[\u4e00-\u9fff]/);
  }
  assert.ok(route.coordinates.length >= 2);
  assert.deepEqual(route.coordinates[0], route.legs[0]!.coordinates[0]);
});

test('routes through a via point and reports one leg per stop', () => {
  const { map, prepared } = sharedMap('liechtenstein-latest');
  const router = new Router(map, prepared);
  const points = [{ lat: 47.1410, lon: 9.5209 }, { lat: 47.1650, lon: 9.5100 }, { lat: 47.2, lon: 9.53 }];
  const result = router.route(points);
  assert.ok(result.ok);
  assert.equal(result.route.legs.length, 2);
  const direct = router.route([points[0]!, points[2]!]);
  assert.ok(direct.ok && direct.route.durationS <= result.route.durationS + 1e-6);
});

test('a map file round trip routes exactly as before', () => {
  const { map, prepared } = sharedMap('harrisburg');
  const chunks = encodeMapFile(map, routingAttachments(prepared));
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  const decoded = decodeMapFile(bytes, 'harrisburg.cabin');
  const loaded = new Router(decoded.map, routingFromAttachments(decoded.map, decoded));
  const original = new Router(map, prepared);
  const [w, s, e, n] = map.info.bbox;
  for (let i = 0; i < 20; i++) {
    const a = { lat: s + ((n - s) * i) / 20, lon: w + ((e - w) * (i % 7)) / 7 };
    const b = { lat: n - ((n - s) * i) / 23, lon: e - ((e - w) * (i % 5)) / 5 };
    assert.deepEqual(loaded.route([a, b]), original.route([a, b]));
  }
});

test('live traffic slows a route down and the next query uses it', () => {
  const { map } = sharedMap('liechtenstein-latest');
  const router = new Router(map, prepareRouting(map));
  const points = [{ lat: 47.1410, lon: 9.5209 }, { lat: 47.2, lon: 9.53 }];
  const before = router.route(points);
  assert.ok(before.ok);
  const jammed = new Set(before.route.legs[0]!.pieces.map((p) => p.segment));
  router.setTrafficFactors([...jammed].map((s) => [s, 0.1] as const));
  const after = router.route(points);
  assert.ok(after.ok);
  assert.ok(after.route.durationS > before.route.durationS, 'the jam costs time');
  const stillJammed = after.route.legs[0]!.pieces.filter((p) => jammed.has(p.segment)).length;
  assert.ok(stillJammed < before.route.legs[0]!.pieces.length, 'the new route avoids some jammed roads');
  assert.throws(() => router.setTrafficFactors([[-1, 1]]), /segment -1/);
  assert.throws(() => router.setTrafficFactors([[0, 0]]), /factor 0/);
});

test('travel-time tables and detours match explicit route queries', () => {
  const { map, prepared } = sharedMap('baltimore');
  const router = new Router(map, prepared);
  const [w, s, e, n] = map.info.bbox;
  const random = seededRandom(5);
  const point = () => router.snap({ lat: s + (n - s) * (0.2 + 0.6 * random()), lon: w + (e - w) * (0.2 + 0.6 * random()) })!;
  const from = point();
  const to = point();
  const stops = Array.from({ length: 30 }, point);
  const { directMs, detourMs } = router.detours(from, to, stops);
  assert.ok(Math.abs(directMs - router.travelMs(from, to)) < 1e-6);
  for (const [i, stop] of stops.entries()) {
    const viaStop = router.travelMs(from, stop) + router.travelMs(stop, to);
    assert.ok(Math.abs(detourMs[i]! - (viaStop - directMs)) < 1e-6, `stop ${i}: ${detourMs[i]} vs ${viaStop - directMs}`);
    assert.ok(detourMs[i]! >= -1e-6, 'a detour is never negative');
  }
});

test('a traffic update with one bad entry changes no factor at all', () => {
  const { map, prepared } = sharedMap('liechtenstein-latest');
  const router = new Router(map, prepared);
  assert.throws(() => router.setTrafficFactors([[0, 0.5], [map.roads.segmentCount, 1]]), /segment/);
  assert.equal(router.trafficFactor(0), 1, 'the good entry before the bad one is not applied either');
  assert.throws(() => router.setTrafficFactors([[1, 0.5], [2, Number.NaN]]), /factor NaN/);
  assert.equal(router.trafficFactor(1), 1);
});

test('rejects a traffic update for a segment number that is not a whole number', () => {
  const { map, prepared } = sharedMap('liechtenstein-latest');
  const router = new Router(map, prepared);
  assert.throws(() => router.setTrafficFactors([[0.5, 0.5]]), /segment 0\.5/);
});

test('says a point is not a valid coordinate rather than far from the roads', () => {
  const { map, prepared } = sharedMap('liechtenstein-latest');
  const router = new Router(map, prepared);
  for (const bad of [{ lat: Number.NaN, lon: 9.52 }, { lat: 47.14, lon: Infinity }, { lat: 91, lon: 9.52 }]) {
    const result = router.route([{ lat: 47.141, lon: 9.5209 }, bad]);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.reason === 'not-on-map');
    assert.match(!result.ok ? result.message : '', /^point 2 \(.*\) is not a valid coordinate/);
  }
});
