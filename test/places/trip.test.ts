import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CabinMap } from '../../src/map/index.ts';
import { Router, distanceM, type LatLon, type SnappedPoint } from '../../src/routing/index.ts';
import { TripPlanner, positionAt, type FindFood, type Trip, type TripStop } from '../../src/places/trip.ts';
import { bestStopOrder, exactStopOrder, heuristicStopOrder, orderCostMs, type StopTable } from '../../src/places/stop-order.ts';
import { seededRandom, sharedMap } from '../support/maps.ts';

const NOON = Date.UTC(2024, 5, 14, 12, 0);
const MINUTE = 60_000;

interface Setup {
  map: CabinMap;
  router: Router;
  planner: TripPlanner;
}

const setups = new Map<string, Setup>();
function setup(name: 'liechtenstein-latest' | 'baltimore'): Setup {
  let entry = setups.get(name);
  if (!entry) {
    const { map, prepared } = sharedMap(name);
    const router = new Router(map, prepared);
    entry = { map, router, planner: new TripPlanner(router) };
    setups.set(name, entry);
  }
  return entry;
}

function nodePoint(map: CabinMap, node: number): LatLon {
  return { lat: map.roads.nodeLatE7[node]! / 1e7, lon: map.roads.nodeLonE7[node]! / 1e7 };
}

function snap(router: Router, point: LatLon): SnappedPoint {
  const hit = router.snap(point);
  assert.ok(hit, `(${point.lat}, ${point.lon}) snaps to a road`);
  return hit;
}

/** A start and `count` random road nodes, all reachable from the start and able to get back to it. */
function randomPlaces(s: Setup, random: () => number, count: number): { start: LatLon; places: LatLon[] } {
  const { map, router } = s;
  for (;;) {
    const start = nodePoint(map, Math.floor(random() * map.roads.nodeCount));
    const candidates = Array.from({ length: count * 3 }, () => nodePoint(map, Math.floor(random() * map.roads.nodeCount)));
    const snapped = candidates.map((p) => snap(router, p));
    const out = router.travelTable([snap(router, start)], snapped);
    const back = router.travelTable(snapped, [snap(router, start)]);
    const places = candidates.filter((_, i) => Number.isFinite(out[i]!) && Number.isFinite(back[i]!));
    if (places.length >= count) return { start, places: places.slice(0, count) };
  }
}

function stopsAt(places: readonly LatLon[], dwellMinutes = 0): TripStop[] {
  return places.map((p, i) => ({
    id: `s${i}`,
    name: `Stop ${i}`,
    lat: p.lat,
    lon: p.lon,
    kind: i === places.length - 1 ? 'destination' : 'waypoint',
    ...(dwellMinutes ? { dwellMinutes } : {}),
  }));
}

function planned(s: Setup, start: LatLon, stops: TripStop[], departure = NOON): Trip {
  const result = s.planner.plan({ start, departure, stops });
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.trip;
}

function ids(trip: Trip): string[] {
  return trip.stops.map((s) => s.stop.id);
}

/** The ordering table of a trip, as the test computes it independently from the same snapped points. */
function tableOf(s: Setup, trip: Trip): StopTable {
  const points = [trip.start, ...trip.stops.map((p) => p.stop)].map((p) => snap(s.router, p));
  return { stopCount: trip.stops.length - 1, travelMs: s.router.travelTable(points.slice(0, -1), points.slice(1)) };
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, at) => [...p.slice(0, at), n - 1, ...p.slice(at)]));
}

function bruteForceMs(table: StopTable): number {
  return Math.min(...permutations(table.stopCount).map((order) => orderCostMs(table, order)));
}

test('plans arrival times that increase and match the router’s leg durations plus the dwell at each stop', () => {
  for (const name of ['liechtenstein-latest', 'baltimore'] as const) {
    const s = setup(name);
    const { start, places } = randomPlaces(s, seededRandom(7), 4);
    const stops = stopsAt(places, 10);
    const trip = planned(s, start, stops);
    const route = s.router.route([start, ...places]);
    assert.ok(route.ok);
    const routeLegs = route.route.legs;
    assert.deepEqual(ids(trip), ['s0', 's1', 's2', 's3']);
    let leave = NOON;
    for (const [i, stop] of trip.stops.entries()) {
      const leg = routeLegs[i]!;
      assert.ok(Math.abs(stop.arrivalTimeMs - (leave + leg.durationS * 1000)) <= 1, `${name}: arrival at stop ${i}`);
      assert.equal(stop.departureTimeMs, stop.arrivalTimeMs + 10 * MINUTE);
      assert.ok(stop.arrivalTimeMs > leave, `${name}: arrival at stop ${i} is after leaving the previous one`);
      assert.equal(trip.legs[i]!.durationS, leg.durationS);
      assert.deepEqual(trip.legs[i]!.coordinates, leg.coordinates, 'the leg keeps the router’s geometry, which its steps index');
      leave = stop.departureTimeMs;
    }
    assert.equal(trip.drivingS, route.route.durationS);
    assert.equal(trip.distanceM, route.route.distanceM);
    assert.equal(trip.arrivalTimeMs, trip.stops[3]!.arrivalTimeMs);
    assert.ok(Math.abs(trip.durationS - (route.route.durationS + 3 * 10 * 60)) < 0.01, 'driving plus three dwells before the destination');
  }
});

test('speaks arrival times on the clock of the map’s time zone', () => {
  const { map, prepared } = sharedMap('liechtenstein-latest');
  const router = new Router({ ...map, info: { ...map.info, timeZone: 'Asia/Shanghai' } }, prepared);
  const planner = new TripPlanner(router);
  const s = { map, router, planner };
  const { start, places } = randomPlaces(s, seededRandom(3), 1);
  // 04:00 UTC is 12:00 in Shanghai.
  const home: TripStop = { id: 'home', name: '昆明路', nameEn: 'Kunming Road', kind: 'destination', ...places[0]! };
  const trip = planned(s, start, [home], Date.UTC(2024, 5, 14, 4, 0));
  const arrival = new Date(trip.arrivalTimeMs);
  const clock = `${String((arrival.getUTCHours() + 8) % 24).padStart(2, '0')}:${String(arrival.getUTCMinutes()).padStart(2, '0')}`;
  assert.deepEqual(trip.stops[0]!.spoken, { en: `Arrive at Kunming Road at ${clock}`, zh: `${clock}到达昆明路` });
  assert.match(trip.spoken.en, new RegExp(`^Arrive at Kunming Road at ${clock}: `));
});

test('adds a stop just before the final destination by default and leaves the original trip as it was', () => {
  const s = setup('liechtenstein-latest');
  const { start, places } = randomPlaces(s, seededRandom(11), 4);
  const trip = planned(s, start, stopsAt(places.slice(0, 3)));
  const before = structuredClone(trip);
  const extra: TripStop = { id: 'coffee', kind: 'food', lat: places[3]!.lat, lon: places[3]!.lon, dwellMinutes: 15 };
  const added = s.planner.addStop(trip, extra);
  assert.ok(added.ok);
  assert.deepEqual(ids(added.trip), ['s0', 's1', 'coffee', 's2']);
  assert.deepEqual(trip, before);
  const first = s.planner.addStop(trip, extra, 0);
  assert.ok(first.ok);
  assert.deepEqual(ids(first.trip), ['coffee', 's0', 's1', 's2']);
  const last = s.planner.addStop(trip, extra, 3);
  assert.ok(last.ok);
  assert.deepEqual(ids(last.trip), ['s0', 's1', 's2', 'coffee'], 'an explicit last position makes it the destination');
});

test('removes and moves stops, keeping the destination last unless it is moved explicitly', () => {
  const s = setup('baltimore');
  const { start, places } = randomPlaces(s, seededRandom(12), 4);
  const trip = planned(s, start, stopsAt(places));
  const removed = s.planner.removeStop(trip, 's1');
  assert.ok(removed.ok);
  assert.deepEqual(ids(removed.trip), ['s0', 's2', 's3']);
  const moved = s.planner.moveStop(trip, 's0', 2);
  assert.ok(moved.ok);
  assert.deepEqual(ids(moved.trip), ['s1', 's2', 's0', 's3']);
  const destinationMoved = s.planner.moveStop(trip, 's3', 0);
  assert.ok(destinationMoved.ok);
  assert.deepEqual(ids(destinationMoved.trip), ['s3', 's0', 's1', 's2']);
  const destinationRemoved = s.planner.removeStop(trip, 's3');
  assert.ok(destinationRemoved.ok);
  assert.deepEqual(ids(destinationRemoved.trip), ['s0', 's1', 's2']);
  assert.ok(destinationRemoved.trip.arrivalTimeMs < trip.arrivalTimeMs);
});

test('reports an unknown stop, a repeated id and a position off the trip as errors, not exceptions', () => {
  const s = setup('baltimore');
  const { start, places } = randomPlaces(s, seededRandom(13), 3);
  const trip = planned(s, start, stopsAt(places));
  assert.deepEqual(
    [s.planner.removeStop(trip, 'x'), s.planner.moveStop(trip, 'x', 0)].map((r) => !r.ok && [r.reason, r.error]),
    [
      ['unknown-stop', 'stop x is not on this trip'],
      ['unknown-stop', 'stop x is not on this trip'],
    ],
  );
  const again = s.planner.addStop(trip, { id: 's1', kind: 'waypoint', lat: 39.29, lon: -76.6 });
  assert.ok(!again.ok && again.reason === 'duplicate-stop' && again.error === 'stop s1 is already on this trip');
  const far = s.planner.moveStop(trip, 's0', 3);
  assert.ok(!far.ok && far.reason === 'invalid-position', 'a trip of 3 stops has positions 0–2');
  const only = s.planner.removeStop(planned(s, start, stopsAt(places.slice(0, 1))), 's0');
  assert.ok(!only.ok && only.reason === 'only-stop');
  const bad = s.planner.addStop(trip, { id: 'nowhere', kind: 'waypoint', lat: 95, lon: 0 });
  assert.ok(!bad.ok && bad.reason === 'invalid-stop' && bad.error.startsWith('stop nowhere: lat'), !bad.ok ? bad.error : '');
});

test('says which stop no road reaches', () => {
  const s = setup('liechtenstein-latest');
  const { start, places } = randomPlaces(s, seededRandom(14), 2);
  const trip = planned(s, start, stopsAt(places));
  const from = snap(s.router, start);
  const random = seededRandom(15);
  let island: LatLon | undefined;
  while (!island) {
    const point = nodePoint(s.map, Math.floor(random() * s.map.roads.nodeCount));
    if (s.router.travelTable([from], [snap(s.router, point)])[0] === Infinity) island = point;
  }
  const cut = s.planner.addStop(trip, { id: 'island', name: 'Island', kind: 'waypoint', ...island }, 0);
  assert.ok(!cut.ok);
  assert.equal(cut.reason, 'no-route');
  assert.equal(cut.error, 'no route to Island from the start');
  const offMap = s.planner.addStop(trip, { id: 'sea', name: 'Lake', kind: 'waypoint', lat: 47.6, lon: 9.4 });
  assert.ok(!offMap.ok && offMap.reason === 'not-on-map' && offMap.error.startsWith('Lake is more than 1000 m'));
});

test('orders 3 to 8 stops exactly as fast as the best of all permutations of the same travel table', () => {
  for (const name of ['baltimore', 'liechtenstein-latest'] as const) {
    const s = setup(name);
    const random = seededRandom(name.length);
    for (let between = 3; between <= 8; between++) {
      const { start, places } = randomPlaces(s, random, between + 1);
      const trip = planned(s, start, stopsAt(places));
      const result = s.planner.optimiseOrder(trip);
      assert.ok(result.ok);
      assert.equal(result.exact, true);
      const table = tableOf(s, trip);
      const optimumMs = bruteForceMs(table);
      const currentMs = orderCostMs(table, [...Array(between).keys()]);
      const chosen = result.order.slice(0, -1).map((id) => Number(id.slice(1)));
      assert.equal(result.order[between], `s${between}`, 'the destination stays last');
      assert.deepEqual([...chosen].sort((a, b) => a - b), [...Array(between).keys()]);
      assert.ok(Math.abs(orderCostMs(table, chosen) - optimumMs) < 1e-6, `${name}, ${between} stops: optimal`);
      assert.ok(Math.abs(result.savedS - (currentMs - optimumMs) / 1000) < 0.01);
      assert.ok(result.trip.drivingS <= trip.drivingS + 0.01, 'never slower than the order given');
      assert.ok(Math.abs(trip.drivingS - result.trip.drivingS - result.savedS) < 1, 'the replanned trip saves what the table says');
      assert.deepEqual(ids(result.trip), result.order);
    }
  }
});

test('leaves a trip whose stops are already in the fastest order as it is', () => {
  const s = setup('baltimore');
  const { start, places } = randomPlaces(s, seededRandom(21), 6);
  const once = s.planner.optimiseOrder(planned(s, start, stopsAt(places)));
  assert.ok(once.ok);
  const twice = s.planner.optimiseOrder(once.trip);
  assert.ok(twice.ok);
  assert.equal(twice.trip, once.trip);
  assert.equal(twice.savedS, 0);
  assert.deepEqual(twice.spoken, { en: 'The stops are already in the fastest order', zh: '当前的停靠顺序已经最快' });
});

test('orders 12 stops by local search into a valid order no slower than the input and close to the optimum', () => {
  const s = setup('baltimore');
  const random = seededRandom(12);
  for (let round = 0; round < 3; round++) {
    const { start, places } = randomPlaces(s, random, 13);
    const trip = planned(s, start, stopsAt(places));
    const result = s.planner.optimiseOrder(trip);
    assert.ok(result.ok);
    assert.equal(result.exact, false);
    assert.deepEqual([...result.order].sort(), [...ids(trip)].sort(), 'a permutation of the stops');
    assert.equal(result.order[12], 's12');
    const table = tableOf(s, trip);
    const chosenMs = orderCostMs(table, result.order.slice(0, -1).map((id) => Number(id.slice(1))));
    assert.ok(chosenMs <= orderCostMs(table, [...Array(12).keys()]));
    // Held–Karp settles 12 stops in milliseconds, so the heuristic can be held to the true optimum here.
    assert.ok(chosenMs <= exactStopOrder(table).costMs * 1.05, `round ${round}: within 5% of the optimum`);
  }
});

test('orders stops exactly on any table, unreachable pairs included, and never worse than the given order', () => {
  const cost = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 3_600_000 }) }, { weight: 1, arbitrary: fc.constant(Infinity) });
  const tables = fc
    .integer({ min: 0, max: 7 })
    .chain((n) =>
      fc.array(cost, { minLength: (n + 1) ** 2, maxLength: (n + 1) ** 2 }).map((ms) => ({ stopCount: n, travelMs: Float64Array.from(ms) })),
    );
  fc.assert(
    fc.property(tables, (table) => {
      const identity = [...Array(table.stopCount).keys()];
      const exact = bestStopOrder(table);
      assert.equal(exact.costMs, bruteForceMs(table));
      const heuristic = heuristicStopOrder(table);
      assert.deepEqual([...heuristic.order].sort((a, b) => a - b), identity);
      const identityMs = orderCostMs(table, identity);
      assert.ok(heuristic.costMs <= identityMs || !Number.isFinite(identityMs));
    }),
    { seed: 42, numRuns: 300 },
  );
});

test('avoids an unreachable pair when another order can drive', () => {
  // Start, stops A and B, destination D. A → B is impossible, B → A is not: only start → B → A → D drives.
  const table: StopTable = {
    stopCount: 2,
    // rows: start, A, B; columns: A, B, D
    travelMs: Float64Array.from([10, 1, 50, Infinity, Infinity, 1, 1, Infinity, 10].map((m) => m * MINUTE)),
  };
  for (const found of [bestStopOrder(table), heuristicStopOrder(table)]) {
    assert.deepEqual(found.order, [1, 0]);
    assert.equal(found.costMs, 3 * MINUTE);
  }
  assert.equal(orderCostMs(table, [0, 1]), Infinity);
});

/** A food search over the map's own places: the ten nearest to the point, as the real search would hand them over. */
function nearestFood(map: CabinMap): FindFood {
  return (point) =>
    map.food
      .map((f) => ({ f, d: distanceM(point.lat, point.lon, f.lat, f.lon) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 10)
      .map(({ f }) => ({ id: f.osmId, lat: f.lat, lon: f.lon, ...(f.name ? { name: f.name } : {}) }));
}

/** A long trip across the map: the two reachable road nodes farthest apart in driving time among a sample. */
function longTrip(s: Setup, seed: number): Trip {
  const { start, places } = randomPlaces(s, seededRandom(seed), 40);
  const from = snap(s.router, start);
  const times = s.router.travelTable([from], places.map((p) => snap(s.router, p)));
  const far = [...times.keys()].sort((a, b) => times[b]! - times[a]!);
  const destination = places[far[0]!]!;
  const middle = places[far[Math.floor(far.length / 2)]!]!;
  return planned(s, start, [
    { id: 'visit', name: 'Visit', kind: 'waypoint', dwellMinutes: 20, ...middle },
    { id: 'end', name: 'End', kind: 'destination', ...destination },
  ]);
}

test('puts a lunch stop near where the car will be at the requested time and shifts later arrivals by the detour plus the dwell', () => {
  for (const [name, seed] of [['liechtenstein-latest', 5], ['baltimore', 6]] as const) {
    const s = setup(name);
    const trip = longTrip(s, seed);
    const leg = trip.legs[1]!;
    const at = leg.departureTimeMs + (leg.arrivalTimeMs - leg.departureTimeMs) / 2;
    const where = positionAt(trip, at);
    assert.equal(where.kind, 'driving');
    const result = s.planner.planMealStop(trip, new Date(at), nearestFood(s.map));
    assert.ok(result.ok, result.ok ? '' : result.error);
    assert.equal(result.stopIndex, 1, 'on the leg the car is driving at that time');
    assert.deepEqual(ids(result.trip), ['visit', result.stop.stop.id, 'end']);
    assert.equal(result.stop.stop.kind, 'food');
    assert.equal(result.stop.departureTimeMs - result.stop.arrivalTimeMs, 45 * MINUTE);
    const car = snap(s.router, where);
    const food = snap(s.router, result.stop.stop);
    const apartMs = Math.min(s.router.travelMs(car, food), s.router.travelMs(food, car));
    assert.ok(apartMs <= 5 * MINUTE, `${name}: the food is ${(apartMs / MINUTE).toFixed(1)} min from the car at that time`);
    assert.ok(Math.abs(result.stop.arrivalTimeMs - at) <= 10 * MINUTE, `${name}: the meal starts near the requested time`);
    assert.equal(result.trip.stops[0]!.arrivalTimeMs, trip.stops[0]!.arrivalTimeMs, 'earlier stops keep their times');
    const shiftMs = result.trip.stops[2]!.arrivalTimeMs - trip.stops[1]!.arrivalTimeMs;
    assert.ok(Math.abs(shiftMs - (result.detourS * 1000 + 45 * MINUTE)) < 1000, `${name}: later arrivals shift by detour + dwell`);
    assert.ok(result.detourS <= 15 * 60);
    assert.match(result.spoken.en, /^Lunch at .+ at \d\d:\d\d: (no detour|a \d+ min detour), 45 min there$/);
  }
});

test('plans the meal right after a stop when the car is parked there at that time', () => {
  const s = setup('liechtenstein-latest');
  const trip = longTrip(s, 5);
  const during = trip.stops[0]!.arrivalTimeMs + 10 * MINUTE;
  assert.equal(positionAt(trip, during).kind, 'at-stop');
  const result = s.planner.planMealStop(trip, during, nearestFood(s.map), { dwellMinutes: 30 });
  assert.ok(result.ok, result.ok ? '' : result.error);
  assert.equal(result.stopIndex, 1);
  assert.equal(result.stop.stop.dwellMinutes, 30);
});

test('weighs the food search’s order of preference against the driver’s minutes', () => {
  const s = setup('liechtenstein-latest');
  const trip = longTrip(s, 5);
  const at = (trip.legs[1]!.departureTimeMs + trip.legs[1]!.arrivalTimeMs) / 2;
  const nearestFirst = nearestFood(s.map);
  const nearestLast: FindFood = (point, arrival) => [...nearestFirst(point, arrival)].reverse();
  const chosen = (find: FindFood, preferenceStepMinutes: number): string => {
    const result = s.planner.planMealStop(trip, at, find, { preferenceStepMinutes, maxDetourMinutes: 30 });
    assert.ok(result.ok, result.ok ? '' : result.error);
    return result.stop.stop.id;
  };
  const byMinutes = chosen(nearestFirst, 0);
  assert.equal(chosen(nearestLast, 0), byMinutes, 'without preferences the order of the list does not matter');
  const where = positionAt(trip, at);
  assert.ok(where.kind === 'driving');
  const ranking = nearestLast(where, new Date(at)).map((c) => c.id);
  const preferred = chosen(nearestLast, 60);
  assert.ok(ranking.indexOf(preferred) < ranking.indexOf(byMinutes), 'a strong preference picks a place higher on the list');
});

test('says so when the meal time is before departure or after arrival', () => {
  const s = setup('liechtenstein-latest');
  const trip = longTrip(s, 5);
  const early = s.planner.planMealStop(trip, NOON - 30 * MINUTE, nearestFood(s.map));
  assert.ok(!early.ok);
  assert.equal(early.reason, 'before-departure');
  assert.equal(early.error, '11:30 is before the trip leaves at 12:00');
  const late = s.planner.planMealStop(trip, trip.arrivalTimeMs + MINUTE, nearestFood(s.map));
  assert.ok(!late.ok && late.reason === 'after-arrival');
  const none = s.planner.planMealStop(trip, NOON + MINUTE, () => []);
  assert.ok(!none.ok && none.reason === 'no-food');
});

test('places the car along its legs by elapsed driving time', () => {
  const s = setup('baltimore');
  const trip = longTrip(s, 8);
  assert.equal(positionAt(trip, NOON - 1).kind, 'before-departure');
  const leaving = positionAt(trip, NOON);
  assert.ok(leaving.kind === 'driving' && leaving.leg === 0);
  assert.deepEqual([leaving.lon, leaving.lat], trip.legs[0]!.coordinates[0]);
  const leg = trip.legs[1]!;
  for (const k of [1, Math.floor(leg.coordinates.length / 2), leg.coordinates.length - 2]) {
    const where = positionAt(trip, leg.departureTimeMs + leg.secondsAt[k]! * 1000);
    assert.ok(where.kind === 'driving' && where.leg === 1);
    const [lon, lat] = leg.coordinates[k]!;
    assert.ok(distanceM(where.lat, where.lon, lat, lon) < 1, 'at the point the car reaches at that time');
  }
  for (let k = 1; k < leg.secondsAt.length; k++) assert.ok(leg.secondsAt[k]! >= leg.secondsAt[k - 1]!);
  assert.ok(Math.abs(leg.secondsAt[leg.secondsAt.length - 1]! - leg.durationS) < 1e-6);
  const parked = positionAt(trip, trip.stops[0]!.arrivalTimeMs + MINUTE);
  assert.ok(parked.kind === 'at-stop' && parked.stopId === 'visit');
  const arrived = positionAt(trip, trip.arrivalTimeMs);
  assert.ok(arrived.kind === 'arrived');
});
