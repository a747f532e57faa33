import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CabinMap } from '../../src/map/index.ts';
import { Router } from '../../src/routing/index.ts';
import { PlacesIndex, haversineM } from '../../src/places/index.ts';
import { SHARED_EXTRACTS, seededRandom, sharedMap } from '../support/maps.ts';
import { defaultMap } from './fixtures.ts';

const maps: [string, CabinMap][] = [...SHARED_EXTRACTS.map((name): [string, CabinMap] => [name, sharedMap(name).map]), ['default', defaultMap().map]];

/** Distance from a point to a [lon, lat] polyline, by brute force on a fine resampling of each segment. */
function polylineDistanceM(lat: number, lon: number, coordinates: readonly [number, number][]): number {
  let best = Infinity;
  for (let i = 0; i + 1 < coordinates.length; i++) {
    const [x0, y0] = coordinates[i]!;
    const [x1, y1] = coordinates[i + 1]!;
    const steps = Math.max(1, Math.ceil(haversineM(y0, x0, y1, x1) / 2));
    for (let k = 0; k <= steps; k++) {
      const t = k / steps;
      best = Math.min(best, haversineM(lat, lon, y0 + t * (y1 - y0), x0 + t * (x1 - x0)));
    }
  }
  return best;
}

test('finds exactly the places a brute-force distance check finds, on every extract', () => {
  for (const [name, map] of maps) {
    const index = PlacesIndex.build(map);
    const [minLon, minLat, maxLon, maxLat] = map.info.bbox;
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 5000 }), (u, v, radiusM) => {
        const lat = minLat + u * (maxLat - minLat);
        const lon = minLon + v * (maxLon - minLon);
        const expectParking = map.parking.filter((p) => haversineM(lat, lon, p.lat, p.lon) <= radiusM).map((p) => p.osmId).sort();
        const expectFood = map.food.filter((p) => haversineM(lat, lon, p.lat, p.lon) <= radiusM).map((p) => p.osmId).sort();
        const parking = index.parkingNear(lat, lon, radiusM);
        const food = index.foodNear(lat, lon, radiusM);
        assert.deepEqual(parking.map((c) => c.place.osmId).sort(), expectParking, `${name}: parking near ${lat},${lon} within ${radiusM} m`);
        assert.deepEqual(food.map((c) => c.place.osmId).sort(), expectFood, `${name}: food near ${lat},${lon} within ${radiusM} m`);
        for (let i = 1; i < parking.length; i++) assert.ok(parking[i - 1]!.distanceM <= parking[i]!.distanceM, 'nearest first');
        for (const c of food) assert.equal(index.food[c.index], c.place);
      }),
      { numRuns: 150 },
    );
  }
});

test('finds the places within a corridor of real routes, in order along them', () => {
  const random = seededRandom(11);
  for (const name of ['baltimore', 'liechtenstein-latest'] as const) {
    const { map, prepared } = sharedMap(name);
    const router = new Router(map, prepared);
    const index = PlacesIndex.build(map);
    let checked = 0;
    for (let attempt = 0; attempt < 40 && checked < 8; attempt++) {
      const a = Math.floor(random() * map.roads.nodeCount);
      const b = Math.floor(random() * map.roads.nodeCount);
      const result = router.route([
        { lat: map.roads.nodeLatE7[a]! / 1e7, lon: map.roads.nodeLonE7[a]! / 1e7 },
        { lat: map.roads.nodeLatE7[b]! / 1e7, lon: map.roads.nodeLonE7[b]! / 1e7 },
      ]);
      if (!result.ok) continue;
      checked++;
      const corridorM = 200 + random() * 1500;
      const coordinates = result.route.coordinates;
      const found = index.foodNearPolyline(coordinates, corridorM);
      const foundIds = new Set(found.map((c) => c.place.osmId));
      for (const place of map.food) {
        const distance = polylineDistanceM(place.lat, place.lon, coordinates);
        // Metres of slack for the two distance approximations; nothing inside the corridor is ever missed by more.
        if (distance < corridorM - 2) assert.ok(foundIds.has(place.osmId), `${name}: ${place.osmId} at ${distance.toFixed(0)} m is in the ${corridorM.toFixed(0)} m corridor`);
        if (distance > corridorM + 2) assert.ok(!foundIds.has(place.osmId), `${name}: ${place.osmId} at ${distance.toFixed(0)} m is outside`);
      }
      for (const c of found) assert.ok(Math.abs(c.distanceM - polylineDistanceM(c.place.lat, c.place.lon, coordinates)) < 2, 'distance to the route');
      for (let i = 1; i < found.length; i++) assert.ok(found[i - 1]!.alongM <= found[i]!.alongM, 'in order along the route');
      const last = found.at(-1);
      if (last) assert.ok(last.alongM <= result.route.distanceM * 1.01 + 1, 'along the route, not beyond it');
    }
    assert.equal(checked, 8, `${name}: enough routes`);
  }
});

test('indexes a map without places, and a polyline of one point', () => {
  const empty = PlacesIndex.build({ parking: [], food: [] });
  assert.deepEqual(empty.parkingNear(0, 0, 1e6), []);
  assert.deepEqual(empty.foodNear(0, 0, 1e6), []);
  assert.deepEqual(empty.foodNearPolyline([[0, 0], [1, 1]], 1000), []);
  const { map } = sharedMap('andorra');
  const index = PlacesIndex.build(map);
  const place = map.food[0]!;
  const [hit] = index.foodNearPolyline([[place.lon, place.lat]], 10);
  assert.equal(hit?.place, place);
  assert.equal(hit?.alongM, 0);
});

test('builds the index of a map with thousands of places', () => {
  const random = seededRandom(5);
  const places = Array.from({ length: 20_000 }, (_, i) => ({
    kind: 'food' as const,
    osmId: `n${i}`,
    lat: 31 + random() * 0.3,
    lon: 121 + random() * 0.3,
    amenity: 'restaurant' as const,
    cuisine: [],
  }));
  const index = PlacesIndex.build({ parking: [], food: places });
  const near = index.foodNear(31.15, 121.15, 300);
  assert.deepEqual(
    near.map((c) => c.place.osmId).sort(),
    places.filter((p) => haversineM(31.15, 121.15, p.lat, p.lon) <= 300).map((p) => p.osmId).sort(),
  );
});
