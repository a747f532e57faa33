import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServer } from '../../src/server/index.ts';
import { defaultDistrict, NOON } from './support.ts';

const { opened, remove } = defaultDistrict();
let clock = NOON;
const app = buildServer(opened, { now: () => clock, sessionIdleMinutes: 30 });
test.after(async () => {
  await app.close();
  remove();
});

const turn = (sessionId: string, payload: unknown) => app.inject({ method: 'POST', url: `/api/conversation/${sessionId}/turn`, payload: payload as object });

test('keeps one conversation per vehicle and driver: a yes confirms only its own session’s question', async () => {
  const asked = await turn('car-1:alice', { text: 'take me to Oak Road' });
  assert.equal(asked.statusCode, 200);
  const question = asked.json();
  assert.equal(question.expecting, 'confirmation');
  assert.ok(question.speech.text.length > 0);
  assert.ok(question.cards.some((card: { kind: string }) => card.kind === 'trip'));
  const otherDriver = (await turn('car-1:bob', { text: 'yes' })).json();
  assert.notEqual(otherDriver.expecting, 'confirmation');
  assert.ok(!otherDriver.toolCalls.some((call: { applied: boolean }) => call.applied), 'bob had nothing to confirm');
  const confirmed = (await turn('car-1:alice', { text: 'yes' })).json();
  assert.equal(confirmed.expecting, 'nothing');
  assert.ok(confirmed.toolCalls.some((call: { applied: boolean }) => call.applied));
});

test('answers from where the vehicle last reported when the turn does not say', async () => {
  const reported = await app.inject({ method: 'POST', url: '/api/vehicle/car-2', payload: { lat: 31.2304, lon: 121.4737, headingDeg: 90, speedKmh: 0 } });
  assert.equal(reported.statusCode, 200);
  const parking = (await turn('car-2:driver', { text: 'find parking', now: '2026-11-25T12:00:00+08:00' })).json();
  assert.ok(parking.cards.some((card: { kind: string }) => card.kind === 'parking'));
});

test('forgets a conversation after it has been idle too long', async () => {
  assert.equal((await turn('car-3:carol', { text: 'take me to Oak Road' })).json().expecting, 'confirmation');
  clock = new Date(NOON.getTime() + 31 * 60_000);
  try {
    const later = (await turn('car-3:carol', { text: 'yes' })).json();
    assert.ok(!later.toolCalls.some((call: { applied: boolean }) => call.applied), 'the old question is gone');
  } finally {
    clock = NOON;
  }
});

test('rejects bad conversation turns with a message naming the field', async () => {
  const cases: [string, unknown, RegExp][] = [
    ['no-driver', { text: 'hi' }, /sessionId: expected VEHICLE:DRIVER/],
    ['car:bad%20id', { text: 'hi' }, /sessionId/],
    ['car:driver', { text: '' }, /text: say something/],
    ['car:driver', { text: 'hi', vehicle: { lat: 91, lon: 0 } }, /vehicle\.lat/],
    ['car:driver', { text: 'hi', now: 'tomorrow' }, /now/],
    ['car:driver', { text: 'hi', extra: 1 }, /extra/],
  ];
  for (const [id, payload, message] of cases) {
    const response = await turn(id, payload);
    assert.equal(response.statusCode, 400, JSON.stringify(payload));
    assert.match(response.json().error, message);
  }
});

test('stores and returns a vehicle’s position, heading and speed', async () => {
  const missing = await app.inject('/api/vehicle/car-9');
  assert.equal(missing.statusCode, 404);
  const posted = await app.inject({ method: 'POST', url: '/api/vehicle/car-9', payload: { lat: 31.24, lon: 121.49, headingDeg: 182.5, speedKmh: 42 } });
  assert.equal(posted.statusCode, 200);
  const state = (await app.inject('/api/vehicle/car-9')).json();
  assert.deepEqual(state, { id: 'car-9', lat: 31.24, lon: 121.49, headingDeg: 182.5, speedKmh: 42, at: NOON.toISOString(), source: 'reported' });
});

test('rejects a vehicle report with a bad id, position, heading or speed', async () => {
  const cases: [string, unknown, RegExp][] = [
    ['car 9', { lat: 31, lon: 121 }, /id:/],
    ['car-9', { lat: 'north', lon: 121 }, /lat:/],
    ['car-9', { lat: 31, lon: 121, headingDeg: 360 }, /headingDeg:/],
    ['car-9', { lat: 31, lon: 121, speedKmh: -1 }, /speedKmh:/],
    ['car-9', { lat: 31 }, /lon:/],
  ];
  for (const [id, payload, message] of cases) {
    const response = await app.inject({ method: 'POST', url: `/api/vehicle/${encodeURIComponent(id)}`, payload: payload as object });
    assert.equal(response.statusCode, 400, JSON.stringify(payload));
    assert.match(response.json().error, message);
  }
});

test('draws every road in a small box and only the main roads in a large one', async () => {
  const small = await app.inject('/api/map/roads.geojson?bbox=121.47,31.225,121.48,31.235');
  assert.equal(small.statusCode, 200);
  assert.match(String(small.headers['content-type']), /geo\+json/);
  const near = small.json();
  assert.ok(near.features.length > 0);
  for (const feature of near.features) {
    assert.equal(feature.geometry.type, 'LineString');
    assert.equal(typeof feature.properties.class, 'string');
    assert.equal(typeof feature.properties.name, 'string');
  }
  const [w, s, e, n] = opened.map.info.bbox;
  const whole = (await app.inject(`/api/map/roads.geojson?bbox=${w - 0.2},${s - 0.2},${e + 0.2},${n + 0.2}`)).json();
  const minor = new Set(['residential', 'service', 'living_street', 'unclassified', 'tertiary']);
  assert.ok(whole.features.length > 0 && whole.features.length < near.features.length * 100);
  assert.ok(whole.features.every((f: { properties: { class: string } }) => !minor.has(f.properties.class)), 'a large box leaves out minor roads');
});

test('draws the traffic signals and rejects a malformed or inverted bbox', async () => {
  const signals = (await app.inject('/api/map/signals.geojson')).json();
  assert.equal(signals.features.length, opened.map.signals.length);
  assert.equal(signals.features[0].geometry.type, 'Point');
  for (const url of ['/api/map/roads.geojson', '/api/map/roads.geojson?bbox=1,2,3', '/api/map/roads.geojson?bbox=121.5,31,121.4,31.1', '/api/map/roads.geojson?bbox=100,20,110,30']) {
    const response = await app.inject(url);
    assert.equal(response.statusCode, 400, url);
    assert.match(response.json().error, /bbox/);
  }
});
