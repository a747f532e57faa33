import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMap, type CabinMap } from '../../src/map/index.ts';
import { Router, prepareRouting, type LatLon, type PreparedRouting, type Route } from '../../src/routing/index.ts';
import {
  createPlacesContext,
  findFoodAlongRoute,
  findFoodNear,
  hoursAt,
  type FoodAlongRouteOptions,
  type FoodRecommendation,
  type PlacesContext,
} from '../../src/places/index.ts';
import { seededRandom, sharedMap } from '../support/maps.ts';
import { TOWN_CENTRE, TOWN_EAST, TOWN_WEST, defaultMap, localTime, town, townPoint, withTimeZone } from './fixtures.ts';

const SHANGHAI = 'Asia/Shanghai';
const noon = localTime('2025-06-10T12:30', SHANGHAI);
const CJK = /[\u3400-\u9fff]/;

function routeOf(router: Router, points: LatLon[]): Route {
  const result = router.route(points);
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result.route;
}

function along(ctx: PlacesContext, route: Route, options: FoodAlongRouteOptions): FoodRecommendation[] {
  const answer = findFoodAlongRoute(ctx, route, options);
  assert.ok(answer.ok, answer.ok ? '' : answer.message);
  return answer.results;
}

function townContext(map?: CabinMap): { ctx: PlacesContext; router: Router; route: Route } {
  const built = town();
  const router = map ? new Router(map, built.prepared) : built.router;
  const ctx = createPlacesContext(map ?? built.map, router);
  return { ctx, router, route: routeOf(router, [TOWN_WEST, TOWN_EAST]) };
}

const ids = (results: readonly FoodRecommendation[]): string[] => results.map((r) => r.place.osmId).sort();

/** Random routes between graph nodes of a map, of at least `minM`. */
function randomRoutes(map: CabinMap, router: Router, count: number, seed: number, minM: number): Route[] {
  const random = seededRandom(seed);
  const node = (): LatLon => {
    const n = Math.floor(random() * map.roads.nodeCount);
    return { lat: map.roads.nodeLatE7[n]! / 1e7, lon: map.roads.nodeLonE7[n]! / 1e7 };
  };
  const routes: Route[] = [];
  for (let attempt = 0; routes.length < count && attempt < count * 50; attempt++) {
    const result = router.route([node(), node()]);
    if (result.ok && result.route.distanceM >= minM) routes.push(result.route);
  }
  assert.equal(routes.length, count, 'enough routes');
  return routes;
}

/** Whether a point lies on a road that starts and ends at one node (a turning loop). */
function onLoop(map: CabinMap, segment: number): boolean {
  return map.roads.segmentFrom[segment] === map.roads.segmentTo[segment];
}

/**
 * Checks each result's detour and arrival against explicit point-to-point
 * queries; `loops` picks the results on turning loops or the others.
 * Returns how many were checked.
 */
function checkDetours(loops: boolean): number {
  const maps: { map: CabinMap; prepared: PreparedRouting }[] = [sharedMap('liechtenstein-latest'), sharedMap('baltimore'), sharedMap('harrisburg'), defaultMap()];
  let checked = 0;
  for (const { map, prepared } of maps) {
    const router = new Router(map, prepared);
    const ctx = createPlacesContext(map, router);
    for (const route of randomRoutes(map, router, 6, 21, 3000)) {
      // The points the route was asked for, snapped as the router snapped them.
      const from = router.snap(route.waypoints[0]!.requested)!;
      const to = router.snap(route.waypoints[1]!.requested)!;
      const direct = router.travelMs(from, to);
      for (const result of along(ctx, route, { now: noon, limit: 10_000 })) {
        const stop = router.snap(result.place, 500)!;
        if (onLoop(map, stop.segment) !== loops) continue;
        const expected = router.travelMs(from, stop) + router.travelMs(stop, to) - direct;
        assert.ok(Math.abs(result.detourMs! - Math.max(0, expected)) < 1, `${map.info.name} ${result.place.osmId}: ${result.detourMs} vs ${expected}`);
        // The arrival is the drive from the start to the place.
        assert.ok(Math.abs(result.arrival.getTime() - noon.getTime() - router.travelMs(from, stop)) < 1.5);
        checked++;
      }
    }
  }
  return checked;
}

test('computes every detour with the router, equal to two explicit route queries', () => {
  assert.ok(checkDetours(false) > 100);
});

// Roads that start and end at the same node (turning loops) are the case
// where the direction a route leaves or enters a road is not given by its end nodes.
test('detours to places on turning loops equal two explicit route queries', () => {
  assert.ok(checkDetours(true) > 0);
});

test('keeps to the maximum detour, and ranks by detour minutes, cuisine match, then name', () => {
  const { map, prepared } = defaultMap();
  const router = new Router(map, prepared);
  const ctx = createPlacesContext(map, router);
  for (const route of randomRoutes(map, router, 5, 4, 4000)) {
    const all = along(ctx, route, { now: noon, corridorM: 1000, limit: 10_000 });
    const within = along(ctx, route, { now: noon, corridorM: 1000, maxDetourMinutes: 1, limit: 10_000 });
    assert.deepEqual(ids(within), ids(all.filter((r) => r.detourMs! <= 60_000)));
    assert.ok(all.some((r) => r.detourMs! > 60_000), 'some places are further off');
    const ranked = along(ctx, route, { now: noon, cuisine: ['chinese', 'noodle'], limit: 10_000 });
    assert.ok(ranked.length > 0);
    for (let i = 1; i < ranked.length; i++) {
      const a = ranked[i - 1]!;
      const b = ranked[i]!;
      const minutesA = Math.round(a.detourMs! / 60_000);
      const minutesB = Math.round(b.detourMs! / 60_000);
      assert.ok(minutesA <= minutesB, 'detour first');
      if (minutesA === minutesB) assert.ok(a.cuisineMatch >= b.cuisineMatch, 'then cuisine match');
    }
    for (const result of ranked) assert.deepEqual(result.reasons[0], detourReasonOf(result.detourMs!));
  }
});

function detourReasonOf(detourMs: number): { code: 'detour'; en: string; zh: string } {
  const minutes = Math.round(detourMs / 60_000);
  return minutes < 1
    ? { code: 'detour', en: 'under 1 min detour', zh: '绕行不到1分钟' }
    : { code: 'detour', en: `${minutes} min detour`, zh: `绕行${minutes}分钟` };
}

test('filters by cuisine, counting regional Chinese cuisines as Chinese', () => {
  const { ctx, route } = townContext();
  assert.deepEqual(ids(along(ctx, route, { now: noon, cuisine: ['chinese'] })), ['n1101', 'n1102', 'n1106', 'n1107']);
  assert.deepEqual(ids(along(ctx, route, { now: noon, cuisine: ['hotpot'] })), ['n1102']);
  assert.deepEqual(ids(along(ctx, route, { now: noon, cuisine: ['noodle', 'burger'] })), ['n1103', 'n1105']);
  const [hotPot] = along(ctx, route, { now: noon, cuisine: ['hot_pot'] });
  assert.deepEqual(hotPot?.cuisines, [{ id: 'hot_pot', en: 'Hot pot', zh: '火锅' }]);
  assert.deepEqual(hotPot?.reasons.find((r) => r.code === 'cuisine'), { code: 'cuisine', en: 'Hot pot', zh: '火锅' });
  assert.equal(hotPot?.cuisineMatch, 2);
});

test('a place that closes before the car gets there is closed at arrival', () => {
  const { ctx, router, route } = townContext();
  const dumplings = ctx.map.food.find((p) => p.osmId === 'n1106')!;
  const from = router.snap(route.waypoints[0]!.requested)!;
  const travelMs = router.travelMs(from, router.snap(dumplings, 500)!);
  assert.ok(travelMs > 120_000, 'the drive takes minutes');
  // Leave when it is still open; it closes at 12:00, halfway through the drive.
  const now = new Date(localTime('2025-06-10T12:00', SHANGHAI).getTime() - travelMs / 2);
  assert.equal(hoursAt(dumplings.openingHours, now, SHANGHAI).state, 'open');
  const result = along(ctx, route, { now }).find((r) => r.place.osmId === 'n1106')!;
  assert.equal(result.hours.state, 'closed');
  assert.deepEqual(result.reasons[1], { code: 'hours', en: 'closed at arrival, opens 07:00 tomorrow', zh: '到达时未营业，明天07:00开门' });
  assert.ok(!ids(along(ctx, route, { now, openAtArrival: true })).includes('n1106'));
});

test('unknown or unreadable hours are unknown at arrival, never open', () => {
  const { ctx, route } = townContext();
  const results = along(ctx, route, { now: noon, limit: 100 });
  for (const id of ['n1103', 'n1104']) {
    const result = results.find((r) => r.place.osmId === id)!;
    assert.deepEqual(result.hours, { state: 'unknown' });
    assert.deepEqual(result.reasons[1], { code: 'hours', en: 'hours unknown', zh: '营业时间未知' });
  }
  const openOnly = ids(along(ctx, route, { now: noon, openAtArrival: true, includeUnknownHours: false, limit: 100 }));
  assert.deepEqual(openOnly, ['n1101', 'n1102']);
  const sichuan = results.find((r) => r.place.osmId === 'n1101')!;
  assert.deepEqual(sichuan.reasons[1], { code: 'hours', en: 'open until 14:00', zh: '营业至14:00' });
});

test('reads opening hours in the region time zone', () => {
  const { map } = town();
  const at = localTime('2025-06-10T12:00', SHANGHAI); // midnight in New York
  const shanghai = townContext(map);
  const newYork = townContext(withTimeZone(map, 'America/New_York'));
  const hotPot = (ctx: PlacesContext) => findFoodNear(ctx, townPoint(250, 40), { now: at, radiusM: 50 })[0]!;
  assert.equal(hotPot(shanghai.ctx).hours.state, 'open');
  assert.equal(hotPot(newYork.ctx).hours.state, 'closed');
  assert.equal(hotPot(newYork.ctx).hours.opensAt, '11:00');
});

test('offers only what lies ahead of the car once it is under way', () => {
  const { ctx, route } = townContext();
  const ahead = along(ctx, route, { now: noon, position: TOWN_CENTRE, corridorM: 200 });
  assert.deepEqual(ids(ahead), ['n1102', 'n1104', 'n1106']);
  // The detours start where the car is.
  const from = ctx.router.snap(TOWN_CENTRE)!;
  const to = ctx.router.snap(TOWN_EAST)!;
  for (const result of ahead) {
    const stop = ctx.router.snap(result.place, 500)!;
    const expected = ctx.router.travelMs(from, stop) + ctx.router.travelMs(stop, to) - ctx.router.travelMs(from, to);
    assert.ok(Math.abs(result.detourMs! - expected) < 1);
  }
  // A route with a stop on the way: every place is judged against the leg it lies on.
  const twoLegs = routeOf(ctx.router, [TOWN_WEST, townPoint(0, 250), TOWN_EAST]);
  const answer = findFoodAlongRoute(ctx, twoLegs, { now: noon, corridorM: 200 });
  assert.ok(answer.ok && answer.results.length >= 5);
});

test('never gives a price level or other field the data lacked, and filters by price level where tagged', () => {
  const { ctx, route } = townContext();
  const results = along(ctx, route, { now: noon, limit: 100 });
  for (const result of results) {
    if (result.place.priceLevel === undefined) assert.ok(!('priceLevel' in result) && !result.reasons.some((r) => r.code === 'price-level'));
    if (result.place.cuisine.length === 0) assert.ok(!result.reasons.some((r) => r.code === 'cuisine'));
  }
  const hotPot = results.find((r) => r.place.osmId === 'n1102')!;
  assert.equal(hotPot.priceLevel, 2);
  const cheaper = ids(along(ctx, route, { now: noon, maxPriceLevel: 3, limit: 100 }));
  assert.ok(!cheaper.includes('n1108') && cheaper.includes('n1102') && cheaper.includes('n1103'));
  const burger = results.find((r) => r.place.osmId === 'n1105')!;
  assert.deepEqual(Object.keys(burger).sort(), ['arrival', 'cuisineMatch', 'cuisines', 'detourMs', 'distanceM', 'hours', 'kind', 'place', 'reasons']);
});

test('finds places to eat near a point, nearest first, with the walk in both languages', () => {
  const { ctx } = townContext();
  const near = findFoodNear(ctx, TOWN_CENTRE, { now: noon, radiusM: 400 });
  // All three are a 300–400 m walk; the named ones come first.
  assert.deepEqual(near.map((r) => r.place.osmId), ['n1102', 'n1103', 'n1105']);
  assert.deepEqual(near[0]!.reasons[0], { code: 'walk', en: '330 m walk', zh: '步行330米' });
  assert.deepEqual(near[0]!.reasons[1], { code: 'hours', en: 'open until 23:00', zh: '营业至23:00' });
  assert.equal(near[0]!.detourMs, undefined);
});

test('gives every reason in English and Chinese on real routes', () => {
  for (const { map, prepared } of [sharedMap('liechtenstein-latest'), sharedMap('baltimore'), defaultMap()]) {
    const router = new Router(map, prepared);
    const ctx = createPlacesContext(map, router);
    let reasons = 0;
    for (const route of randomRoutes(map, router, 5, 8, 2000)) {
      for (const result of along(ctx, route, { now: noon, limit: 20 })) {
        assert.ok(result.reasons.length >= 2);
        for (const reason of result.reasons) {
          reasons++;
          assert.ok(reason.en !== '' && reason.zh !== '');
          // Cuisine labels outside the table are the raw OSM value in both.
          if (reason.code !== 'cuisine') assert.ok(CJK.test(reason.zh) && !CJK.test(reason.en), `${reason.en} / ${reason.zh}`);
        }
      }
    }
    assert.ok(reasons > 20, `${map.info.name}: reasons given`);
  }
});

test('a car on a road that cannot reach the next stop still gets arrival times for the legs after it', () => {
  // One street west–east through the centre, a restaurant on its eastern half, and a lone street north of the western half.
  const map = buildMap(
    { name: 'Cut-off town', source: 'handmade test fixture', timeZone: SHANGHAI, currency: 'CNY', synthetic: true },
    (sink) => {
      const nodes: [number, number, number][] = [[1, -1000, 0], [2, 0, 0], [3, 1000, 0], [4, -800, 300], [5, -600, 300]];
      for (const [id, east, north] of nodes) sink.node({ id, ...townPoint(east, north), tags: undefined });
      const place = townPoint(500, 0);
      sink.node({ id: 9, ...place, tags: { amenity: 'restaurant', name: 'East Diner', opening_hours: 'Mo-Su 10:00-22:00' } });
      sink.way({ id: 1, refs: [1, 2, 3], tags: { highway: 'residential', name: 'Main Street' } });
      sink.way({ id: 2, refs: [4, 5], tags: { highway: 'residential', name: 'Lone Lane' } });
    },
  );
  const router = new Router(map, prepareRouting(map));
  const ctx = createPlacesContext(map, router);
  const route = routeOf(router, [townPoint(-1000, 0), TOWN_CENTRE, townPoint(1000, 0)]);
  const answer = findFoodAlongRoute(ctx, route, { now: noon, position: townPoint(-700, 300), corridorM: 50 });
  assert.ok(answer.ok, answer.ok ? '' : answer.message);
  assert.equal(answer.results.length, 1);
  const arrival = answer.results[0]!.arrival.getTime();
  assert.ok(Number.isFinite(arrival) && arrival > noon.getTime(), `arrival ${arrival} is a time after now`);
});
