import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DEFAULT_REGION, generateRegion } from '../../src/map/index.ts';
import { compileMap, openMap } from '../../src/cli/maps.ts';
import { buildServer } from '../../src/server/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'cabin-server-'));
const path = join(dir, 'default.cabin');
compileMap({ ...DEFAULT_REGION, bbox: [0, 0, 0, 0] }, (sink) => generateRegion(sink), path);
const noon = new Date('2026-11-25T04:00:00Z'); // 12:00 in Shanghai
const app = buildServer(openMap(path), { now: () => noon });
test.after(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

test('reports health and the loaded map', async () => {
  const health = await app.inject('/healthz');
  assert.equal(health.statusCode, 200);
  assert.deepEqual(health.json(), { ok: true, map: DEFAULT_REGION.name });
  const info = (await app.inject('/api/map')).json();
  assert.equal(info.info.synthetic, true);
  assert.ok(info.nodes > 3000 && info.parking > 0 && info.food > 0 && info.signals > 0);
});

test('answers a route with steps, polyline and GeoJSON', async () => {
  const response = await app.inject('/api/route?from=31.2304,121.4737&to=31.26,121.50&lang=zh');
  assert.equal(response.statusCode, 200);
  const route = response.json();
  assert.ok(route.distanceM > 1000 && route.durationS > 60);
  assert.equal(typeof route.polyline, 'string');
  assert.equal(route.legs[0].steps.at(-1).maneuver.type, 'arrive');
  const geojson = (await app.inject('/api/route?from=31.2304,121.4737&to=31.26,121.50&format=geojson')).json();
  assert.equal(geojson.type, 'FeatureCollection');
  assert.equal(geojson.features[0].geometry.type, 'LineString');
});

test('rejects bad requests with a message saying what was wrong', async () => {
  const bad = await app.inject('/api/route?from=abc&to=31.26,121.50');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error, /from: expected LAT,LON/);
  const offMap = await app.inject('/api/route?from=0,0&to=31.26,121.50');
  assert.equal(offMap.statusCode, 400);
  assert.match(offMap.json().error, /from any road/);
  const traffic = await app.inject({ method: 'POST', url: '/api/traffic', payload: { updates: [{ segment: 99999999, factor: 0.5 }] } });
  assert.equal(traffic.statusCode, 400);
  assert.match(traffic.json().error, /segment 99999999 is not on this map/);
  const notJson = await app.inject({ method: 'POST', url: '/api/traffic', payload: 'nope', headers: { 'content-type': 'application/json' } });
  assert.equal(notJson.statusCode, 400);
  assert.doesNotMatch(notJson.body, /at .*\.ts/);
});

test('applies a live traffic update and routes with it', async () => {
  const before = (await app.inject('/api/route?from=31.2304,121.4737&to=31.26,121.50')).json();
  const updates = Array.from({ length: 6440 }, (_, segment) => ({ segment, factor: 0.5 }));
  const applied = await app.inject({ method: 'POST', url: '/api/traffic', payload: { updates } });
  assert.equal(applied.statusCode, 200);
  const after = (await app.inject('/api/route?from=31.2304,121.4737&to=31.26,121.50')).json();
  assert.ok(Math.abs(after.durationS - 2 * before.durationS) < 1, `${after.durationS} vs ${before.durationS}`);
});

test('recommends parking near a destination with live simulated occupancy and reasons in both languages', async () => {
  const response = await app.inject('/api/parking?near=31.2304,121.4737&limit=3&stayMinutes=90');
  assert.equal(response.statusCode, 200);
  const { results } = response.json();
  assert.ok(results.length > 0);
  for (const result of results) {
    assert.equal(result.kind, 'parking');
    assert.notEqual(result.place.access, 'private');
    assert.ok(result.reasons.length > 0 && result.reasons.every((r: { en: string; zh: string }) => r.en && r.zh));
  }
  assert.ok(results.some((r: { availability: { source: string } }) => r.availability.source === 'feed'), 'the demo feed gives live numbers');
  const cheap = (await app.inject('/api/parking?near=31.2304,121.4737&maxPricePerHour=5')).json().results;
  for (const result of cheap) assert.ok(result.price.perHour <= 5);
});

test('takes parking occupancy updates and rejects unknown facilities, negative counts and future times', async () => {
  const bad = await app.inject({
    method: 'POST',
    url: '/api/parking/occupancy',
    payload: [
      { facilityId: 'n999999999', free: 3, timestamp: noon.toISOString() },
      { facilityId: 'n1', free: -2, timestamp: noon.toISOString() },
    ],
  });
  assert.equal(bad.statusCode, 400);
  const { errors } = bad.json();
  assert.equal(errors.length, 2);
  assert.match(errors.join(' '), /not on this map/);
});

test('finds food near a point and along a route with router-computed detours', async () => {
  const near = (await app.inject('/api/food?near=31.2304,121.4737&cuisine=%E5%B7%9D%E8%8F%9C&openAtArrival=false')).json();
  assert.ok(near.results.length > 0);
  for (const result of near.results) assert.ok(result.cuisines.some((c: { id: string }) => c.id === 'sichuan' || c.id === 'chinese'));
  const along = (await app.inject('/api/food/along?from=31.2304,121.4737&to=31.26,121.50&maxDetourMinutes=5')).json();
  assert.equal(along.ok, true);
  for (const result of along.results) {
    assert.ok(result.detourMs <= 5 * 60_000);
    assert.ok(result.reasons.some((r: { en: string }) => /detour/.test(r.en)));
  }
  const badQuery = await app.inject('/api/food/along?from=31.2304,121.4737');
  assert.equal(badQuery.statusCode, 400);
  assert.match(badQuery.json().error, /to:/);
});

test('publishes the simulated roadside units of the default map into the traffic-light store', async () => {
  const stats = (await app.inject('/api/v2x/stats')).json();
  assert.ok(stats.store.accepted > 100, `accepted ${JSON.stringify(stats.store)}`);
});
