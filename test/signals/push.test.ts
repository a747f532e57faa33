import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import WebSocket from 'ws';
import { decodeAny, encodeModelJson, type SignalDecoder } from '../../src/signals/feeds/decode.ts';
import { v2xPush } from '../../src/signals/feeds/push.ts';
import type { MapMessage, SpatMessage } from '../../src/signals/model.ts';
import { SignalStore } from '../../src/signals/store.ts';

const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);
let now = T0;
const store = new SignalStore();
const app = Fastify({ logger: false });
await app.register(v2xPush, { store, clock: () => now });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const streamUrl = `${address.replace('http', 'ws')}/api/v2x/stream`;
test.after(() => app.close());

function spat(id: number, timestamp: number, revision = 1): SpatMessage {
  return {
    kind: 'spat',
    timestamp,
    intersections: [
      {
        ref: { region: 0, id },
        revision,
        timestamp,
        status: 0,
        groups: [{ signalGroup: 4, events: [{ phase: 'protected-movement-allowed', timing: { minEndTime: timestamp + 3000, maxEndTime: timestamp + 8000 } }] }],
      },
    ],
  };
}

const mapMessage: MapMessage = {
  kind: 'map',
  revision: 2,
  intersections: [
    {
      ref: { region: 0, id: 30 },
      revision: 2,
      lat: 31.23,
      lon: 121.47,
      lanes: [
        { laneId: 1, direction: 'ingress', kind: 'vehicle', maneuvers: ['straight'], points: [[31.2299, 121.47]], connections: [{ toLane: 2, signalGroup: 4 }] },
      ],
    },
  ],
};

test('accepts a SPaT posted as model JSON and says what it dropped', async () => {
  now = T0 + 10;
  const posted = await app.inject({ method: 'POST', url: '/api/v2x/spat', payload: encodeModelJson(spat(21, T0)), headers: { 'content-type': 'application/json' } });
  assert.equal(posted.statusCode, 200);
  assert.deepEqual(posted.json(), { accepted: 1, dropped: {} });
  const again = await app.inject({ method: 'POST', url: '/api/v2x/spat', payload: encodeModelJson(spat(21, T0)), headers: { 'content-type': 'application/json' } });
  assert.deepEqual(again.json(), { accepted: 0, dropped: { duplicate: 1 } });
  const state = store.stateAt('0/21', T0 + 20);
  assert.ok(state.fresh && state.signals.groups[0]!.signalGroup === 4);
});

test('accepts a MAP on its own endpoint and refuses one posted as SPaT', async () => {
  const posted = await app.inject({ method: 'POST', url: '/api/v2x/map', payload: mapMessage });
  assert.deepEqual(posted.json(), { accepted: 1, dropped: {} });
  assert.equal(store.mapOf('0/30')?.revision, 2);
  const wrong = await app.inject({ method: 'POST', url: '/api/v2x/spat', payload: mapMessage });
  assert.equal(wrong.statusCode, 400);
  assert.equal(wrong.json().error, '/api/v2x/spat: expected a SPAT message, got MAP');
  assert.equal(store.stats().dropped['wrong-kind'], 1);
});

test('rejects and counts a body no decoder understands, saying why', async () => {
  const before = store.stats().dropped.undecodable;
  const notModel = await app.inject({ method: 'POST', url: '/api/v2x/spat', payload: { kind: 'spat', intersections: [{ ref: { region: 0 } }] } });
  assert.equal(notModel.statusCode, 400);
  assert.match(notModel.json().error, /undecodable payload: model-json: not a model message: intersections\.0\.ref\.id/);
  const bytes = await app.inject({
    method: 'POST',
    url: '/api/v2x/spat',
    payload: Buffer.from([0x00, 0x13, 0x81, 0x2a]),
    headers: { 'content-type': 'application/octet-stream' },
  });
  assert.equal(bytes.statusCode, 400);
  assert.match(bytes.json().error, /undecodable payload: j2735: .*; csae53: /);
  const empty = await app.inject({ method: 'POST', url: '/api/v2x/map', payload: '', headers: { 'content-type': 'application/json' } });
  assert.equal(empty.statusCode, 400);
  assert.equal(store.stats().dropped.undecodable, before + 3);
});

test('accepts J2735 and CSAE 53 UPER bytes recorded from real roadside units', async () => {
  const v2x = new URL('../../../shared/data/v2x/', import.meta.url);
  const j2735 = new Map(
    [...readFileSync(new URL('j2735decoder/SampleHexPayloads.txt', v2x), 'utf8').matchAll(/(\w+) = "([0-9a-fA-F]+)"/g)].map((m) => [m[1]!, m[2]!]),
  );
  // The CSAE 53 samples are GBK text: a label, a full-width colon, then the hex of what the unit sent.
  const csae = new TextDecoder('gbk').decode(readFileSync(new URL('csae53/v2x-samples-zh.txt', v2x)));
  const csaeHex = (label: string): string => csae.slice(csae.indexOf(`${label}：`) + label.length + 1).trim().split(/\s/)[0]!;
  const samples = [
    { url: '/api/v2x/spat', hex: j2735.get('SPaT_1')! },
    { url: '/api/v2x/map', hex: j2735.get('MAP_1')! },
    { url: '/api/v2x/spat', hex: csaeHex('SPAT发送的消息') },
    { url: '/api/v2x/map', hex: csaeHex('MAP样例') },
  ];
  const own = new SignalStore();
  let clock = 0;
  const other = Fastify({ logger: false });
  await other.register(v2xPush, { store: own, clock: () => clock });
  for (const { url, hex } of samples) {
    const bytes = Buffer.from(hex, 'hex');
    // Receive each message when it was sent, so the store does not refuse it as too old.
    const decoded = decodeAny(bytes, new Date(Date.UTC(2025, 0, 6)));
    assert.ok(decoded.ok, url);
    const sent = decoded.value.kind === 'spat' ? decoded.value.intersections[0]!.timestamp : decoded.value.timestamp;
    clock = (sent ?? Date.UTC(2025, 0, 6)) + 100;
    const posted = await other.inject({ method: 'POST', url, payload: bytes, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(posted.statusCode, 200, posted.body);
    assert.deepEqual(posted.json(), { accepted: 1, dropped: {} }, url);
  }
  assert.equal(own.signalKeys().length, 2);
  assert.equal(own.mapKeys().length, 2);
  await other.close();
});

test('hands application/octet-stream bodies to the decoder byte for byte', async () => {
  const seen: Uint8Array[] = [];
  // Stands in for a UPER decoder: it only has to receive the exact bytes.
  const decode: SignalDecoder = (payload, at) => {
    if (typeof payload === 'string') return { ok: false, error: 'expected bytes' };
    seen.push(payload);
    return { ok: true, value: spat(payload[0]!, at.getTime()) };
  };
  const own = new SignalStore();
  const other = Fastify({ logger: false });
  await other.register(v2xPush, { store: own, decode, clock: () => T0 });
  const bytes = Uint8Array.from([41, 0, 255, 7, 13, 10]);
  const posted = await other.inject({ method: 'POST', url: '/api/v2x/spat', payload: Buffer.from(bytes), headers: { 'content-type': 'application/octet-stream' } });
  assert.deepEqual(posted.json(), { accepted: 1, dropped: {} });
  assert.deepEqual([...seen[0]!], [...bytes]);
  assert.equal(own.stateAt('0/41', T0).fresh, true);
  await other.close();
});

test('streams what the store holds, then every change, to WebSocket clients', async () => {
  const client = await openStream(streamUrl);
  const snapshot = await client.until((m) => m.type === 'ready');
  assert.ok(snapshot.some((m) => m.type === 'spat' && m.key === '0/21'));
  assert.ok(snapshot.some((m) => m.type === 'map' && m.key === '0/30'));

  now = T0 + 1000;
  const posted = await app.inject({ method: 'POST', url: '/api/v2x/spat', payload: spat(22, T0 + 990) });
  assert.equal(posted.statusCode, 200);
  const [update] = await client.until((m) => m.key === '0/22');
  assert.equal(update!.type, 'spat');
  assert.equal(update!.receivedAt, T0 + 1000);
  assert.deepEqual(update!.signals, spat(22, T0 + 990).intersections[0]);

  // Changes from any feed reach the stream, not only pushed ones.
  store.acceptSpat(spat(23, T0 + 1000), T0 + 1000);
  const [fromFeed] = await client.until((m) => m.key === '0/23');
  assert.equal(fromFeed!.type, 'spat');
  client.socket.close();
});

test('narrows the stream to the kinds and intersections a client asks for', async () => {
  const client = await openStream(`${streamUrl}?kinds=spat&keys=0/24`);
  const snapshot = await client.until((m) => m.type === 'ready');
  assert.deepEqual(snapshot, [{ type: 'ready', snapshot: 0 }]);
  now = T0 + 1500;
  store.acceptSpat(spat(25, T0 + 1500), now);
  store.acceptMap({ ...mapMessage, intersections: [{ ...mapMessage.intersections[0]!, ref: { region: 0, id: 24 } }] }, now);
  store.acceptSpat(spat(24, T0 + 1500), now);
  const got = await client.until((m) => m.key === '0/24');
  assert.deepEqual(got.map((m) => `${m.type} ${m.key}`), ['spat 0/24']);
  client.socket.close();

  const bad = new WebSocket(`${streamUrl}?kinds=lights`);
  const closed = await new Promise<{ code: number; reason: string }>((resolve) => bad.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  assert.equal(closed.code, 1008);
  assert.match(closed.reason, /kinds: expected spat, map/);
});

test('reports the store and stream counts', async () => {
  const stats = (await app.inject('/api/v2x/stats')).json();
  assert.ok(stats.store.accepted >= 4);
  assert.equal(stats.store.dropped.duplicate, 1);
  assert.ok(stats.stream.sent > 0);
});

// ---------------------------------------------------------------------------

interface Frame {
  type: string;
  key?: string;
  receivedAt?: number;
  signals?: unknown;
  snapshot?: number;
}

/** A stream client whose frames can be awaited: `until(match)` resolves with every frame up to the first that matches. */
async function openStream(url: string): Promise<{ socket: WebSocket; until: (match: (frame: Frame) => boolean) => Promise<Frame[]> }> {
  const socket = new WebSocket(url);
  const frames: Frame[] = [];
  let waiting: (() => void) | undefined;
  socket.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as Frame);
    waiting?.();
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const until = async (match: (frame: Frame) => boolean): Promise<Frame[]> => {
    for (;;) {
      const at = frames.findIndex(match);
      if (at >= 0) return frames.splice(0, at + 1);
      await new Promise<void>((resolve) => {
        waiting = resolve;
      });
    }
  };
  return { socket, until };
}
