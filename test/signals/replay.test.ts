import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { DEFAULT_REGION, buildMap, generateRegion } from '../../src/map/index.ts';
import { decodeAny, encodeModelJson } from '../../src/signals/feeds/decode.ts';
import { v2xPush } from '../../src/signals/feeds/push.ts';
import {
  createRecorder,
  entryPayload,
  parseRecording,
  recordingEntry,
  replayRecording,
  type RecordingEntry,
  type Scheduler,
} from '../../src/signals/feeds/replay.ts';
import { createSignalSimulator } from '../../src/signals/simulator.ts';
import { SignalStore, type StoreChange } from '../../src/signals/store.ts';

const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);
const map = buildMap(DEFAULT_REGION, (sink) => generateRegion(sink));
const sim = createSignalSimulator(map);
const keys = sim.intersections.slice(0, 12).map((i) => i.key);

/** A clock and timers that move only when told: replays run instantly and never sleep. */
function virtualScheduler(start: number): Scheduler & { run(): void } {
  let now = start;
  let sequence = 0;
  const queue: { at: number; sequence: number; callback: () => void }[] = [];
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const item = { at: now + Math.max(0, ms), sequence: sequence++, callback };
      queue.push(item);
      return () => {
        const at = queue.indexOf(item);
        if (at >= 0) queue.splice(at, 1);
      };
    },
    run() {
      while (queue.length > 0) {
        queue.sort((a, b) => a.at - b.at || a.sequence - b.sequence);
        const item = queue.shift()!;
        now = item.at;
        item.callback();
      }
    },
  };
}

/** Records 20 s of a live push feed of simulated roadside units (10 Hz SPaT, 1 Hz MAP), with a late and a repeated message. */
async function recordLiveFeed(): Promise<{ lines: string; live: SignalStore; changes: StoreChange[] }> {
  let now = T0;
  const live = new SignalStore();
  const changes: StoreChange[] = [];
  live.onChange((change) => changes.push(change));
  let lines = '';
  const app = Fastify({ logger: false });
  await app.register(v2xPush, { store: live, clock: () => now, onPayload: createRecorder((line) => (lines += line)) });
  const post = async (kind: 'spat' | 'map', body: string): Promise<void> => {
    const response = await app.inject({ method: 'POST', url: `/api/v2x/${kind}`, payload: body, headers: { 'content-type': 'application/json' } });
    assert.equal(response.statusCode, 200, response.body);
  };
  for (let tick = 0; tick < 200; tick++) {
    now = T0 + tick * 100 + (tick % 7); // arrival jitter
    if (tick % 10 === 0) for (const message of sim.maps().slice(0, 12)) await post('map', encodeModelJson(message));
    await post('spat', encodeModelJson(sim.spatAt(T0 + tick * 100, keys)));
    if (tick === 50) await post('spat', encodeModelJson(sim.spatAt(T0 + 4000, keys))); // late: dropped as out of order
    if (tick === 60) await post('spat', encodeModelJson(sim.spatAt(T0 + 6000, keys))); // repeated: dropped as duplicate
  }
  await app.close();
  return { lines, live, changes };
}

test('replays a recording of a live feed into a fresh store exactly as it happened', async () => {
  const { lines, live, changes } = await recordLiveFeed();
  const parsed = parseRecording(lines);
  assert.ok(parsed.ok);
  assert.equal(parsed.entries.length, 200 + 20 * 12 + 2);
  assert.ok(live.stats().dropped['out-of-order'] === 12 && live.stats().dropped.duplicate === 12);

  for (const speed of [1, 10, Infinity]) {
    const replayed = new SignalStore();
    const seen: StoreChange[] = [];
    replayed.onChange((change) => seen.push(change));
    const scheduler = virtualScheduler(1_000_000);
    const replay = replayRecording(parsed.entries, { store: replayed, speed, scheduler });
    scheduler.run();
    const summary = await replay.done;
    assert.deepEqual(summary, { entries: parsed.entries.length, decoded: parsed.entries.length, undecodable: 0, stopped: false });
    assert.deepEqual(seen, changes, `speed ${speed}`);
    assert.deepEqual(replayed.stats(), live.stats());
    assert.deepEqual(replayed.snapshot(), live.snapshot());
    for (const key of keys) assert.deepEqual(replayed.stateAt(key, T0 + 19_950), live.stateAt(key, T0 + 19_950));
  }
});

test('keeps the recorded pacing, divided by the speed, on an injected clock', async () => {
  const entries: RecordingEntry[] = [0, 100, 250, 250, 1250].map((dt, k) => ({
    t: T0 + dt,
    kind: 'spat',
    json: JSON.parse(encodeModelJson(sim.spatAt(T0 + dt - (k === 3 ? 1 : 0), keys.slice(0, 1)))),
  }));
  for (const speed of [1, 4]) {
    const scheduler = virtualScheduler(5000);
    const fedAt: number[] = [];
    const replay = replayRecording(entries, { store: new SignalStore(), speed, scheduler, onEntry: () => fedAt.push(scheduler.now()) });
    assert.equal(replay.recordedNow(), T0);
    scheduler.run();
    await replay.done;
    assert.deepEqual(fedAt, [0, 100, 250, 250, 1250].map((dt) => 5000 + dt / speed));
    assert.equal(replay.recordedNow(), T0 + 1250);
  }
});

test('stops a replay on request', async () => {
  const entries: RecordingEntry[] = [0, 1000, 2000].map((dt) => ({ t: T0 + dt, kind: 'spat', json: JSON.parse(encodeModelJson(sim.spatAt(T0 + dt, keys))) }));
  const scheduler = virtualScheduler(0);
  const store = new SignalStore();
  const replay = replayRecording(entries, { store, scheduler, onEntry: (_entry, _result, index) => index === 1 && replay.stop() });
  scheduler.run();
  assert.deepEqual(await replay.done, { entries: 2, decoded: 2, undecodable: 0, stopped: true });
});

test('records binary payloads as hex and text payloads as JSON, and gives them back unchanged', () => {
  const bytes = Uint8Array.from([0x00, 0x13, 0x81, 0xff]);
  const binary = recordingEntry({ t: T0, kind: 'spat', payload: bytes });
  assert.deepEqual(binary, { t: T0, kind: 'spat', hex: '001381ff' });
  assert.deepEqual(entryPayload(binary), bytes);
  const text = encodeModelJson(sim.spatAt(T0, keys.slice(0, 1)));
  const json = recordingEntry({ t: T0, kind: 'spat', payload: text });
  assert.equal(typeof json.json, 'object');
  assert.equal(entryPayload(json), text);
  const xml = recordingEntry({ t: T0, kind: 'map', payload: '<MessageFrame/>' });
  assert.deepEqual(xml, { t: T0, kind: 'map', text: '<MessageFrame/>' });
  const roundTrip = parseRecording([binary, json, xml].map((e) => JSON.stringify(e)).join('\n'));
  assert.ok(roundTrip.ok);
  assert.deepEqual(roundTrip.entries, [binary, json, xml]);
});

test('counts payloads in a recording that no longer decode, without stopping', async () => {
  const store = new SignalStore();
  const scheduler = virtualScheduler(0);
  const entries: RecordingEntry[] = [
    { t: T0, kind: 'spat', hex: 'deadbeef' },
    { t: T0 + 100, kind: 'spat', json: JSON.parse(encodeModelJson(sim.spatAt(T0 + 100, keys))) },
  ];
  const replay = replayRecording(entries, { store, scheduler });
  scheduler.run();
  assert.deepEqual(await replay.done, { entries: 2, decoded: 1, undecodable: 1, stopped: false });
  assert.equal(store.stats().dropped.undecodable, 1);
  assert.equal(store.stats().accepted, keys.length);
});

test('replays recorded J2735 UPER payloads through the decoders', async () => {
  const samples = readFileSync(new URL('../../../shared/data/v2x/j2735decoder/SampleHexPayloads.txt', import.meta.url), 'utf8');
  const hex = /SPaT_1 = "([0-9a-fA-F]+)"/.exec(samples)![1]!.toLowerCase();
  const decoded = decodeAny(Buffer.from(hex, 'hex'), new Date(T0));
  assert.ok(decoded.ok && decoded.value.kind === 'spat');
  const sent = decoded.value.intersections[0]!.timestamp;
  const recording = `${JSON.stringify({ t: sent + 40, kind: 'spat', hex })}\n`;
  const parsed = parseRecording(recording);
  assert.ok(parsed.ok);
  const store = new SignalStore();
  const scheduler = virtualScheduler(0);
  const replay = replayRecording(parsed.entries, { store, scheduler });
  scheduler.run();
  assert.deepEqual(await replay.done, { entries: 1, decoded: 1, undecodable: 0, stopped: false });
  const key = `${decoded.value.intersections[0]!.ref.region}/${decoded.value.intersections[0]!.ref.id}`;
  const state = store.stateAt(key, sent + 1000);
  assert.ok(state.fresh);
  assert.deepEqual(state.signals, decoded.value.intersections[0]);
});

test('plays a recording as if live now when asked to', async () => {
  const entries: RecordingEntry[] = [0, 100].map((dt) => ({ t: T0 + dt, kind: 'spat', json: JSON.parse(encodeModelJson(sim.spatAt(T0 + dt, keys))) }));
  const store = new SignalStore();
  const later = T0 + 86_400_000;
  const scheduler = virtualScheduler(later);
  const replay = replayRecording(entries, { store, scheduler, timeBase: 'live' });
  scheduler.run();
  await replay.done;
  const state = store.stateAt(keys[0]!, later + 150);
  assert.ok(state.fresh);
  const original = sim.spatAt(T0 + 100, keys).intersections[0]!;
  assert.equal(state.signals.timestamp, original.timestamp + 86_400_000);
  assert.equal(state.signals.groups[0]!.events[0]!.timing!.minEndTime, original.groups[0]!.events[0]!.timing!.minEndTime! + 86_400_000);
});

test('names the line and the problem in a broken recording', () => {
  const good = JSON.stringify({ t: T0, kind: 'spat', hex: '00' });
  assert.deepEqual(parseRecording(`${good}\n\n{"t":1.5,"kind":"spat","hex":"00"}`, 'drive.jsonl'), {
    ok: false,
    error: 'drive.jsonl:3: "t" must be epoch milliseconds (an integer)',
  });
  assert.match((parseRecording('{"t":1,"kind":"bsm","hex":"00"}') as { error: string }).error, /recording:1: "kind" must be "spat" or "map"/);
  assert.match((parseRecording('{"t":1,"kind":"map","hex":"0g"}') as { error: string }).error, /"hex" must be an even number of hex digits/);
  assert.match((parseRecording('{"t":1,"kind":"map"}') as { error: string }).error, /needs exactly one of "hex", "json" and "text" \(has 0\)/);
  assert.match((parseRecording('not json') as { error: string }).error, /recording:1: not JSON/);
});
