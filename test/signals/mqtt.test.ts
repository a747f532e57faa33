import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { encodeModelJson } from '../../src/signals/feeds/decode.ts';
import { backoffDelayMs, startMqttFeed, v2xTopics, type MqttFeed, type MqttFeedState } from '../../src/signals/feeds/mqtt.ts';
import type { MapMessage, SpatMessage } from '../../src/signals/model.ts';
import { SignalStore } from '../../src/signals/store.ts';

/** Debian's broker; `.ci/run` installs it. MOSQUITTO overrides the path. */
const MOSQUITTO = process.env['MOSQUITTO'] ?? '/usr/sbin/mosquitto';

const dir = mkdtempSync(join(tmpdir(), 'cabin-mqtt-'));
const brokers = new Set<ChildProcess>();
test.after(() => {
  for (const broker of brokers) broker.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function spat(id: number, timestamp: number): SpatMessage {
  return {
    kind: 'spat',
    timestamp,
    intersections: [
      {
        ref: { region: 0, id },
        revision: 1,
        timestamp,
        status: 0,
        groups: [{ signalGroup: 2, events: [{ phase: 'stop-and-remain', timing: { minEndTime: timestamp + 5000, maxEndTime: timestamp + 5000 } }] }],
      },
    ],
  };
}

const mapMessage: MapMessage = {
  kind: 'map',
  revision: 1,
  intersections: [
    {
      ref: { region: 0, id: 9 },
      revision: 1,
      lat: 31.23,
      lon: 121.47,
      lanes: [{ laneId: 1, direction: 'ingress', kind: 'vehicle', maneuvers: ['straight'], points: [[31.2299, 121.47]], connections: [] }],
    },
  ],
};

test('subscribes to the spat and map topics of a region', () => {
  assert.deepEqual(v2xTopics('sh-default'), ['cabin/v2x/sh-default/spat/#', 'cabin/v2x/sh-default/map/#']);
  assert.throws(() => v2xTopics('a/b'), /must be non-empty without/);
});

test('backs off exponentially between reconnect attempts, up to a ceiling', () => {
  const backoff = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };
  assert.deepEqual([1, 2, 3, 4, 10].map((n) => backoffDelayMs(n, backoff, 0)), [500, 1000, 2000, 4000, 30_000]);
  assert.equal(backoffDelayMs(2, backoff, 0.5), 900);
});

test('feeds the store from a real Mosquitto broker, counts a malformed payload and survives a broker restart', async () => {
  const port = await freePort();
  let broker = await startMosquitto(port);
  const store = new SignalStore();
  const states: MqttFeedState['status'][] = [];
  const feed = startMqttFeed({
    url: `mqtt://127.0.0.1:${port}`,
    regions: ['test'],
    store,
    backoff: { initialMs: 50, maxMs: 400 },
    onState: (state) => states.push(state.status),
  });
  try {
    await stateReached(feed, 'connected');
    let publisher = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });

    const first = changeOf(store, '0/7');
    await publisher.publishAsync('cabin/v2x/test/spat/0/7', encodeModelJson(spat(7, Date.now())), { qos: 1 });
    assert.equal((await first).kind, 'spat');
    assert.equal(store.stateAt('0/7', Date.now()).fresh, true);

    const map = changeOf(store, '0/9');
    await publisher.publishAsync('cabin/v2x/test/map/0/9', encodeModelJson(mapMessage), { qos: 1 });
    await map;
    assert.equal(store.mapOf('0/9')?.lanes.length, 1);

    // A malformed payload, then a good one on the same topic: once the good one is in, the bad one was handled.
    const after = changeOf(store, '0/8');
    await publisher.publishAsync('cabin/v2x/test/spat/0/8', Buffer.from([0xde, 0xad, 0xbe, 0xef]), { qos: 1 });
    await publisher.publishAsync('cabin/v2x/test/spat/0/8', encodeModelJson(spat(8, Date.now())), { qos: 1 });
    await after;
    assert.equal(feed.stats().undecodable, 1);
    assert.equal(store.stats().dropped.undecodable, 1);
    assert.match(feed.stats().lastError ?? '', /cabin\/v2x\/test\/spat\/0\/8: j2735: .*; csae53: /);

    // Topics of other regions are not ours.
    await publisher.publishAsync('cabin/v2x/elsewhere/spat/0/1', encodeModelJson(spat(1, Date.now())), { qos: 1 });

    // Restart the broker: the feed notices, backs off, reconnects and subscribes again.
    await publisher.endAsync(true);
    const reconnecting = stateReached(feed, 'reconnecting');
    await stopMosquitto(broker);
    await reconnecting;
    broker = await startMosquitto(port);
    await stateReached(feed, 'connected');
    publisher = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 });
    const afterRestart = changeOf(store, '0/7');
    await publisher.publishAsync('cabin/v2x/test/spat/0/7', encodeModelJson(spat(7, Date.now())), { qos: 1 });
    await afterRestart;
    await publisher.endAsync(true);

    assert.equal(store.signalKeys().includes('0/1'), false);
    assert.equal(feed.stats().connects, 2);
    const reconnectingAt = states.indexOf('reconnecting');
    assert.equal(states[0], 'connected');
    assert.ok(reconnectingAt > 0 && states.indexOf('connecting', reconnectingAt) > reconnectingAt, states.join(' → '));
    assert.equal(states.at(-1), 'connected');
  } finally {
    await feed.close();
    await stopMosquitto(broker);
  }
  assert.equal(feed.state().status, 'closed');
});

// ---------------------------------------------------------------------------

function changeOf(store: SignalStore, key: string): Promise<{ kind: string }> {
  return new Promise((resolve) => {
    const stop = store.onChange((change) => {
      if (change.key !== key) return;
      stop();
      resolve(change);
    });
  });
}

function stateReached(feed: MqttFeed, status: MqttFeedState['status']): Promise<void> {
  if (feed.state().status === status) return Promise.resolve();
  return new Promise((resolve) => {
    const stop = feed.onState((state) => {
      if (state.status !== status) return;
      stop();
      resolve();
    });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** Starts Mosquitto on 127.0.0.1:port (anonymous, local only) and resolves once it accepts TCP connections. */
async function startMosquitto(port: number): Promise<ChildProcess> {
  if (!existsSync(MOSQUITTO)) {
    throw new Error(
      `mosquitto is not installed at ${MOSQUITTO}; the MQTT feed is tested against a real broker. ` +
        'Install it with `sudo apt-get install -y mosquitto` (Debian/Ubuntu) or set MOSQUITTO=/path/to/mosquitto.',
    );
  }
  const config = join(dir, `mosquitto-${port}.conf`);
  writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const broker = spawn(MOSQUITTO, ['-c', config, '-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
  brokers.add(broker);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  broker.stdout?.on('data', keep);
  broker.stderr?.on('data', keep);
  let exited: string | undefined;
  broker.once('exit', (code, signal) => {
    exited = `mosquitto exited (${signal ?? `code ${code}`}):\n${output}`;
    brokers.delete(broker);
  });
  // Retry a TCP connect until the broker listens; give up if it exits or takes over 10 s.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited) throw new Error(exited);
    if (await canConnect(port)) return broker;
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on port ${port} within 10 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stopMosquitto(broker: ChildProcess): Promise<void> {
  if (broker.exitCode !== null || broker.signalCode !== null) return;
  const exited = new Promise((resolve) => broker.once('exit', resolve));
  broker.kill('SIGTERM');
  await exited;
}
