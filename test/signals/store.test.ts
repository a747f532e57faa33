import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { IntersectionMap, IntersectionSignals, MapMessage, SpatMessage } from '../../src/signals/model.ts';
import { STALE_AFTER_MS, SignalStore, type StoreChange } from '../../src/signals/store.ts';

const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);

function signals(id: number, timestamp: number, revision = 1): IntersectionSignals {
  return {
    ref: { region: 0, id },
    revision,
    timestamp,
    status: 0,
    groups: [
      {
        signalGroup: 2,
        events: [{ phase: 'protected-movement-allowed', timing: { minEndTime: timestamp + 4000, maxEndTime: timestamp + 9000 } }],
      },
    ],
  };
}

function spat(...intersections: IntersectionSignals[]): SpatMessage {
  return { kind: 'spat', timestamp: intersections[0]?.timestamp ?? T0, intersections };
}

function intersectionMap(id: number, revision = 1): IntersectionMap {
  return {
    ref: { region: 0, id },
    revision,
    lat: 31.23,
    lon: 121.47,
    lanes: [
      {
        laneId: 1,
        direction: 'ingress',
        kind: 'vehicle',
        maneuvers: ['straight'],
        points: [
          [31.2299, 121.47],
          [31.2296, 121.47],
        ],
        connections: [{ toLane: 2, maneuver: 'straight', signalGroup: 2 }],
      },
    ],
  };
}

function mapMessage(map: IntersectionMap, timestamp?: number): MapMessage {
  return { kind: 'map', revision: map.revision, intersections: [map], ...(timestamp === undefined ? {} : { timestamp }) };
}

test('answers with fresh signals while updates keep coming', () => {
  const store = new SignalStore();
  store.acceptSpat(spat(signals(7, T0)), T0 + 30);
  const state = store.stateAt('0/7', T0 + 1000);
  assert.equal(state.fresh, true);
  assert.ok(state.fresh && state.signals.groups[0]!.signalGroup === 2 && state.ageMs === 970);
});

test('turns stale after two seconds without an update and then gives no signals to count down from', () => {
  const store = new SignalStore();
  store.acceptSpat(spat(signals(7, T0)), T0);
  assert.equal(store.stateAt('0/7', T0 + STALE_AFTER_MS).fresh, true);
  const stale = store.stateAt('0/7', T0 + STALE_AFTER_MS + 1);
  assert.deepEqual(stale, { fresh: false, reason: 'stale', ageMs: STALE_AFTER_MS + 1 });
  assert.ok(!('signals' in stale), 'a stale state must carry no signals');
  store.acceptSpat(spat(signals(7, T0 + 2500)), T0 + 2500);
  assert.equal(store.stateAt('0/7', T0 + 2600).fresh, true);
});

test('says unknown for an intersection it never heard of', () => {
  assert.deepEqual(new SignalStore().stateAt('0/99', T0), { fresh: false, reason: 'unknown' });
});

test('drops and counts an update older than the one it holds', () => {
  const store = new SignalStore();
  store.acceptSpat(spat(signals(7, T0 + 200, 5)), T0 + 210);
  const outcome = store.acceptSpat(spat(signals(7, T0 + 100, 4)), T0 + 220);
  assert.deepEqual(outcome, { accepted: 0, dropped: { 'out-of-order': 1 } });
  const state = store.stateAt('0/7', T0 + 300);
  assert.ok(state.fresh && state.signals.timestamp === T0 + 200);
  assert.equal(store.stats().dropped['out-of-order'], 1);
});

test('drops and counts a duplicate with the same revision and timestamp', () => {
  const store = new SignalStore();
  store.acceptSpat(spat(signals(7, T0, 3)), T0);
  assert.deepEqual(store.acceptSpat(spat(signals(7, T0, 3)), T0 + 5).dropped, { duplicate: 1 });
  // Same timestamp but a new revision is new content.
  assert.equal(store.acceptSpat(spat(signals(7, T0, 4)), T0 + 6).accepted, 1);
  assert.deepEqual(store.stats(), {
    accepted: 2,
    dropped: { 'out-of-order': 0, duplicate: 1, partial: 0, invalid: 0, 'too-old': 0, future: 0, undecodable: 0, 'wrong-kind': 0 },
  });
});

test('drops and counts partial updates that would erase what it knows', () => {
  const store = new SignalStore();
  store.acceptSpat(spat(signals(7, T0)), T0);
  const noGroups = { ...signals(7, T0 + 100), groups: [] };
  const noEvents = { ...signals(7, T0 + 100), groups: [{ signalGroup: 2, events: [] }] };
  assert.deepEqual(store.acceptSpat(spat(noGroups, noEvents), T0 + 100).dropped, { partial: 2 });
  assert.deepEqual(store.acceptSpat({ kind: 'spat', intersections: [] }, T0 + 100).dropped, { partial: 1 });
  assert.deepEqual(store.acceptMap(mapMessage({ ...intersectionMap(7), lanes: [] }), T0).dropped, { partial: 1 });
  const state = store.stateAt('0/7', T0 + 150);
  assert.ok(state.fresh && state.signals.groups.length === 1);
  assert.equal(store.stats().dropped.partial, 4);
});

test('drops and counts malformed updates', () => {
  const store = new SignalStore();
  const bad = [
    { ...signals(7, T0), timestamp: Number.NaN },
    { ...signals(7, T0), ref: { region: 0, id: 1.5 } },
    { ...signals(7, T0), groups: [{ signalGroup: 2, events: [{ phase: 'purple' }] }] },
  ] as unknown as IntersectionSignals[];
  assert.deepEqual(store.acceptSpat(spat(...bad), T0).dropped, { invalid: 3 });
  assert.equal(store.signalKeys().length, 0);
});

test('refuses updates already stale on arrival or stamped far in the future', () => {
  const store = new SignalStore();
  // A retained MQTT message from an hour ago must not look live.
  assert.deepEqual(store.acceptSpat(spat(signals(7, T0 - 3_600_000)), T0).dropped, { 'too-old': 1 });
  // A roadside unit whose clock runs ahead would otherwise block every later update.
  assert.deepEqual(store.acceptSpat(spat(signals(7, T0 + 60_000)), T0).dropped, { future: 1 });
  assert.equal(store.acceptSpat(spat(signals(7, T0 - 500)), T0).accepted, 1);
});

test('keeps intersections of one message apart and takes the good ones', () => {
  const store = new SignalStore();
  store.acceptSpat(spat(signals(1, T0 + 100)), T0 + 100);
  const outcome = store.acceptSpat(spat(signals(1, T0), signals(2, T0), signals(3, T0)), T0 + 110);
  assert.deepEqual(outcome, { accepted: 2, dropped: { 'out-of-order': 1 } });
  assert.deepEqual(store.signalKeys().sort(), ['0/1', '0/2', '0/3']);
});

test('tells listeners about accepted signals and new MAP revisions only', () => {
  const store = new SignalStore();
  const changes: StoreChange[] = [];
  const stop = store.onChange((change) => changes.push(change));
  store.acceptSpat(spat(signals(7, T0)), T0);
  store.acceptSpat(spat(signals(7, T0)), T0 + 1); // duplicate
  store.acceptMap(mapMessage(intersectionMap(7, 1)), T0);
  store.acceptMap(mapMessage(intersectionMap(7, 1)), T0 + 1000); // the 1 Hz rebroadcast
  store.acceptMap(mapMessage(intersectionMap(7, 2)), T0 + 2000);
  stop();
  store.acceptSpat(spat(signals(7, T0 + 3000)), T0 + 3000);
  assert.deepEqual(
    changes.map((c) => [c.kind, c.key, c.receivedAt]),
    [
      ['spat', '0/7', T0],
      ['map', '0/7', T0],
      ['map', '0/7', T0 + 2000],
    ],
  );
  assert.equal(store.mapOf('0/7')?.revision, 2);
  assert.equal(store.stats().accepted, 5);
});

test('drops a MAP older than the one it holds, by message time or arrival', () => {
  const store = new SignalStore();
  store.acceptMap(mapMessage(intersectionMap(7, 3), T0 + 1000), T0 + 1000);
  assert.deepEqual(store.acceptMap(mapMessage(intersectionMap(7, 2), T0), T0 + 1100).dropped, { 'out-of-order': 1 });
  assert.deepEqual(store.acceptMap(mapMessage(intersectionMap(7, 3), T0 + 1000), T0 + 1200).dropped, { duplicate: 1 });
  assert.equal(store.mapOf('0/7')?.revision, 3);
});

test('still tells every listener when one of them throws, then rethrows', () => {
  const store = new SignalStore();
  const heard: string[] = [];
  store.onChange(() => {
    throw new Error('listener bug');
  });
  store.onChange((c) => heard.push(c.key));
  assert.throws(() => store.acceptSpat(spat(signals(7, T0)), T0), /listener bug/);
  assert.deepEqual(heard, ['0/7']);
  assert.equal(store.stateAt('0/7', T0).fresh, true);
});

test('ends up holding the newest update whatever order updates arrive in', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ dt: fc.integer({ min: 0, max: 1500 }), revision: fc.integer({ min: 0, max: 127 }) }), { minLength: 1, maxLength: 30 }),
      (updates) => {
        const store = new SignalStore();
        let accepted = 0;
        for (const { dt, revision } of updates) accepted += store.acceptSpat(spat(signals(1, T0 + dt, revision)), T0 + 1500).accepted;
        const newest = Math.max(...updates.map((u) => u.dt));
        const state = store.stateAt('0/1', T0 + 1500);
        const { dropped } = store.stats();
        return (
          state.fresh &&
          state.signals.timestamp === T0 + newest &&
          accepted + dropped['out-of-order'] + dropped.duplicate === updates.length
        );
      },
    ),
  );
});
