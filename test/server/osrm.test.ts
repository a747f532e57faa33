import { test } from 'node:test';
import assert from 'node:assert/strict';
import polyline from '@mapbox/polyline';
import { OSRM } from 'osrm-rest-client';
import { buildServer } from '../../src/server/index.ts';
import { defaultDistrict, NOON } from './support.ts';

const { opened, remove } = defaultDistrict();
const app = buildServer(opened, { now: () => NOON });
test.after(async () => {
  await app.close();
  remove();
});

// OSRM's order: longitude first.
const FROM = '121.4737,31.2304';
const TO = '121.50,31.26';
const VIA = '121.49,31.24';

interface OsrmStep {
  distance: number;
  duration: number;
  geometry: { type: string; coordinates: [number, number][] };
  name: string;
  mode: string;
  maneuver: { type: string; modifier?: string; location: [number, number]; bearing_before: number; bearing_after: number };
  intersections: { location: [number, number]; bearings: number[]; entry: boolean[]; in?: number; out?: number }[];
}

test('answers a route through osrm-rest-client, a real OSRM client, over HTTP', async () => {
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const osrm = OSRM({ osrm: address });
  const result = (await osrm.route({
    coordinates: [
      [121.4737, 31.2304],
      [121.5, 31.26],
    ],
    steps: true,
    alternatives: false,
    overview: 'full',
    geometries: 'polyline',
  })) as unknown as { code: string; routes: { distance: number; duration: number; geometry: string; legs: { steps: OsrmStep[] }[] }[]; waypoints: { location: [number, number] }[] };
  assert.equal(result.code, 'Ok');
  assert.equal(result.routes.length, 1);
  const [route] = result.routes;
  assert.ok(route && route.distance > 1000 && route.duration > 60);
  const line = polyline.decode(route.geometry);
  assert.ok(line.length > 2);
  // polyline is [lat, lon]; the snapped start is near the requested one.
  assert.ok(Math.abs(line[0]![0] - 31.2304) < 0.01 && Math.abs(line[0]![1] - 121.4737) < 0.01);
  assert.equal(route.legs[0]!.steps[0]!.maneuver.type, 'depart');
  assert.equal(route.legs[0]!.steps.at(-1)!.maneuver.type, 'arrive');
  assert.equal(result.waypoints.length, 2);
});

test('returns the OSRM response shape with GeoJSON steps, intersections and waypoints', async () => {
  const response = await app.inject(`/route/v1/driving/${FROM};${VIA};${TO}?steps=true&geometries=geojson&overview=full`);
  assert.equal(response.statusCode, 200);
  const body = response.json();
  assert.deepEqual(Object.keys(body).sort(), ['code', 'routes', 'waypoints']);
  const [route] = body.routes;
  assert.deepEqual(Object.keys(route).sort(), ['distance', 'duration', 'geometry', 'legs', 'weight', 'weight_name']);
  assert.equal(route.geometry.type, 'LineString');
  assert.equal(route.legs.length, 2);
  const legDistance = route.legs.reduce((sum: number, leg: { distance: number }) => sum + leg.distance, 0);
  assert.ok(Math.abs(legDistance - route.distance) < 1);
  for (const leg of route.legs) {
    assert.equal(typeof leg.summary, 'string');
    assert.equal(leg.steps[0].maneuver.type, 'depart');
    assert.equal(leg.steps.at(-1).maneuver.type, 'arrive', 'every leg ends in arrive, as in OSRM');
    for (const step of leg.steps as OsrmStep[]) {
      assert.equal(step.mode, 'driving');
      assert.equal(step.geometry.type, 'LineString');
      assert.ok(step.geometry.coordinates.length >= 2);
      assert.deepEqual(step.intersections[0]!.location, step.maneuver.location);
      const crossing = step.intersections[0]!;
      assert.equal(crossing.bearings.length, crossing.entry.length);
      if (crossing.out !== undefined) assert.equal(crossing.bearings[crossing.out], step.maneuver.bearing_after);
      assert.ok(step.maneuver.location[0] > 121 && step.maneuver.location[1] < 32, 'locations are [lon, lat]');
    }
  }
  assert.equal(body.waypoints.length, 3);
  for (const waypoint of body.waypoints) {
    assert.deepEqual(Object.keys(waypoint).sort(), ['distance', 'hint', 'location', 'name']);
    assert.ok(waypoint.location[0] > 121, 'waypoint locations are [lon, lat]');
  }
});

test('honours overview, geometries, steps and the .json suffix', async () => {
  const none = (await app.inject(`/route/v1/driving/${FROM};${TO}.json?overview=false`)).json();
  assert.equal(none.code, 'Ok');
  assert.equal(none.routes[0].geometry, undefined);
  assert.deepEqual(none.routes[0].legs[0].steps, [], 'no steps unless asked for, as in OSRM');
  const full = (await app.inject(`/route/v1/driving/${FROM};${TO}?overview=full&geometries=polyline6`)).json();
  const simplified = (await app.inject(`/route/v1/driving/${FROM};${TO}?geometries=polyline6`)).json();
  const fullLine = polyline.decode(full.routes[0].geometry, 6);
  const simplifiedLine = polyline.decode(simplified.routes[0].geometry, 6);
  assert.ok(simplifiedLine.length <= fullLine.length);
  assert.ok(Math.abs(fullLine[0]![0] - 31.2304) < 0.01, 'polyline6 decodes at precision 6');
  assert.deepEqual(simplifiedLine[0], fullLine[0]);
  assert.deepEqual(simplifiedLine.at(-1), fullLine.at(-1));
  const alternatives = (await app.inject(`/route/v1/driving/${FROM};${TO}?alternatives=3&annotations=true`)).json();
  assert.equal(alternatives.routes.length, 1);
});

test('answers bad requests with OSRM codes, a message and HTTP 400', async () => {
  const cases: [string, string][] = [
    [`/route/v1/driving/${FROM}`, 'InvalidOptions'],
    [`/route/v1/driving/abc;${TO}`, 'InvalidUrl'],
    [`/route/v1/driving/31.2304,200;${TO}`, 'InvalidValue'],
    [`/route/v1/driving/${FROM};${TO}?overview=some`, 'InvalidQuery'],
    [`/route/v1/driving/${FROM};${TO}?frobnicate=1`, 'InvalidQuery'],
    [`/route/v1/foot/${FROM};${TO}`, 'InvalidUrl'],
    [`/route/v1/driving/${FROM};${TO}.flatbuffers`, 'InvalidUrl'],
    [`/route/v1/driving/0,0;${TO}`, 'NoSegment'],
  ];
  for (const [url, code] of cases) {
    const response = await app.inject(url);
    assert.equal(response.statusCode, 400, url);
    const body = response.json();
    assert.equal(body.code, code, url);
    assert.equal(typeof body.message, 'string');
    assert.doesNotMatch(body.message, /at .*\.ts/);
  }
});
