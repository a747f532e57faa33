/**
 * The voice socket with a real WebSocket client: espeak-ng speaks a request,
 * it is streamed in chunks, and the real pocketsphinx and agent answer it.
 * Debian's acoustic model mishears espeak-ng often (see test/voice/e2e.test.ts),
 * so the words heard are not asserted, only that each stage answers.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import websocket from '@fastify/websocket';
import WebSocket from 'ws';
import { buildServer } from '../../src/server/index.ts';
import { ConversationSessions } from '../../src/server/conversation.ts';
import { VehicleRegistry } from '../../src/server/vehicle.ts';
import { offlineVoiceEngines, registerVoiceSocket } from '../../src/server/voice-socket.ts';
import { createAgentSetup } from '../../src/agent/dialogue.ts';
import { spoken } from '../voice/support.ts';
import { defaultDistrict, NOON } from './support.ts';

const { opened, remove } = defaultDistrict();
const app = buildServer(opened, { now: () => NOON });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
const wsBase = address.replace(/^http/, 'ws');
after(async () => {
  await app.close();
  remove();
});

type Event = { type: string; [key: string]: unknown };

/** A voice socket whose JSON events and binary frames are awaited in order. */
async function connect(url: string): Promise<{ socket: WebSocket; next: (type: string) => Promise<Event>; audio: () => Promise<Buffer>; events: Event[]; closed: Promise<number> }> {
  const socket = new WebSocket(url);
  const events: Event[] = [];
  const frames: Buffer[] = [];
  const waiters: (() => void)[] = [];
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  socket.on('message', (data: Buffer, isBinary) => {
    if (isBinary) frames.push(data);
    else events.push(JSON.parse(data.toString('utf8')) as Event);
    wake();
  });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  let read = 0;
  const next = async (type: string): Promise<Event> => {
    for (;;) {
      const at = events.findIndex((e, i) => i >= read && e.type === type);
      if (at >= 0) {
        read = at + 1;
        return events[at]!;
      }
      if (socket.readyState === WebSocket.CLOSED) throw new Error(`socket closed before a ${type} event; got ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        socket.once('close', () => resolve());
      });
    }
  };
  const audio = async (): Promise<Buffer> => {
    while (frames.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
    return frames.shift()!;
  };
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, next, audio, events, closed };
}

function sendPcm(socket: WebSocket, pcm: Int16Array, chunkSamples = 1600): void {
  for (let at = 0; at < pcm.length; at += chunkSamples) {
    const piece = pcm.subarray(at, Math.min(pcm.length, at + chunkSamples));
    socket.send(Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength));
  }
}

const request = await spoken('find parking near the destination');

test('a request spoken with push-to-talk comes back as a transcript, a turn with cards and a spoken WAV reply; pressing again during the reply is barge-in', { timeout: 60_000 }, async () => {
  const client = await connect(`${wsBase}/api/conversation/car-1:ana/voice?handsFree=false`);
  const ready = await client.next('ready');
  assert.equal(ready['sampleRate'], 16000);
  assert.equal(ready['replyAudio'], 'wav');

  client.socket.send(JSON.stringify({ type: 'start' }));
  sendPcm(client.socket, request.pcm);
  client.socket.send(JSON.stringify({ type: 'stop' }));
  await client.next('speech-start');
  const end = await client.next('speech-end');
  assert.ok(Number(end['endMs']) - Number(end['startMs']) >= (request.pcm.length / 16) * 0.9, 'the whole press is one utterance');
  const transcript = await client.next('transcript');
  assert.equal(typeof transcript['text'], 'string');
  const announced = await client.next('reply-audio');
  assert.equal(announced['format'], 'wav');
  const wav = await client.audio();
  assert.equal(wav.subarray(0, 4).toString('latin1'), 'RIFF');
  assert.equal(wav.subarray(8, 12).toString('latin1'), 'WAVE');
  assert.ok(wav.length > 44 + 2 * 1600, 'at least 0.1 s of reply');
  const outcome = client.events.find((e) => e.type === 'turn' || e.type === 'not-heard') ?? (await Promise.race([client.next('turn'), client.next('not-heard')]));
  if (outcome.type === 'turn') {
    assert.equal(outcome['sessionId'], 'car-1:ana');
    assert.ok(Array.isArray(outcome['cards']));
    assert.ok(String((outcome['speech'] as { text: string }).text).length > 0);
    assert.equal(outcome['transcript'], transcript['text']);
  } else assert.equal(transcript['text'], '');

  // The reply is still playing (the client has not said `played`): pressing the button talks over it.
  client.socket.send(JSON.stringify({ type: 'start' }));
  await client.next('barge-in');
  assert.equal((await client.next('playback-end'))['interrupted'], true);
  client.socket.close();
});

test('hands-free, the voice activity detector finds the request in a continuous stream', { timeout: 60_000 }, async () => {
  const client = await connect(`${wsBase}/api/conversation/car-1:ben/voice`);
  await client.next('ready');
  sendPcm(client.socket, request.pcm);
  sendPcm(client.socket, new Int16Array(16000)); // a second of silence ends the utterance
  await client.next('speech-start');
  await client.next('speech-end');
  await client.next('transcript');
  await client.next('reply-audio');
  assert.equal((await client.audio()).subarray(0, 4).toString('latin1'), 'RIFF');
  client.socket.send(JSON.stringify({ type: 'played' }));
  assert.equal((await client.next('playback-end'))['interrupted'], false);
  client.socket.close();
});

test('bad frames are answered with error events and the socket stays usable', { timeout: 30_000 }, async () => {
  const client = await connect(`${wsBase}/api/conversation/car-1:cy/voice`);
  await client.next('ready');
  const error = async (): Promise<Event> => client.next('error');
  client.socket.send(Buffer.alloc(3));
  assert.equal((await error())['code'], 'bad-frame');
  client.socket.send(Buffer.alloc(64 * 1024 + 2));
  assert.equal((await error())['code'], 'too-large');
  client.socket.send('{"type":');
  assert.equal((await error())['code'], 'bad-json');
  client.socket.send(JSON.stringify({ type: 'sing' }));
  const bad = await error();
  assert.equal(bad['code'], 'bad-message');
  assert.match(String(bad['message']), /"start"/);
  client.socket.send('x'.repeat(2000));
  assert.equal((await error())['code'], 'too-large');
  // Still listening.
  client.socket.send(JSON.stringify({ type: 'start' }));
  await client.next('speech-start');
  assert.equal(client.socket.readyState, WebSocket.OPEN);
  client.socket.close();
});

test('a bad session id closes the socket with 1008', async () => {
  const client = await connect(`${wsBase}/api/conversation/no-driver/voice`);
  assert.equal(await client.closed, 1008);
});

test('without the engines installed, the socket says which apt packages to install', async (t) => {
  const bare = Fastify();
  t.after(() => bare.close());
  await bare.register(websocket);
  const setup = createAgentSetup(opened.map, opened.router);
  const withoutPath = (): ReturnType<typeof offlineVoiceEngines> => {
    const path = process.env['PATH'];
    process.env['PATH'] = '';
    try {
      return offlineVoiceEngines(opened.map);
    } finally {
      process.env['PATH'] = path;
    }
  };
  await bare.register(async (scope) =>
    registerVoiceSocket(scope, { sessions: new ConversationSessions({ setup }), vehicles: new VehicleRegistry(), parkedAt: { lat: 0, lon: 0 }, now: () => NOON, map: opened.map, engines: withoutPath }),
  );
  const url = (await bare.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws');
  const client = await connect(`${url}/api/conversation/car-1:dee/voice`);
  const error = await client.next('error');
  assert.equal(error['code'], 'engines-missing');
  assert.match(String(error['message']), /apt-get install -y pocketsphinx pocketsphinx-en-us espeak-ng/);
  assert.match(String(error['message']), /pocketsphinx_continuous/);
  assert.equal(await client.closed, 1011);
});

test('a trip confirmed by voice starts the simulated car, through the same trip hook as a typed turn', { timeout: 30_000 }, async (t) => {
  // A recogniser that "hears" fixed words in order, so the agent's answers are certain.
  const heard = ['take me to Oak Road', 'yes'];
  const engines = (): ReturnType<typeof offlineVoiceEngines> => ({
    recognizer: { name: 'fixed', transcribe: async () => ({ text: heard.shift() ?? '' }) },
    synthesizer: { name: 'silence', synthesize: async () => ({ pcm: new Int16Array(1600), sampleRate: 16000 }) },
  });
  const server = buildServer(opened, { now: () => NOON, voiceEngines: engines });
  t.after(() => server.close());
  const url = (await server.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws');
  assert.equal((await server.inject('/api/vehicle/car9')).statusCode, 404, 'no car before the trip');
  const client = await connect(`${url}/api/conversation/car9:eve/voice?handsFree=false`);
  await client.next('ready');
  const utter = async (): Promise<Event> => {
    client.socket.send(JSON.stringify({ type: 'start' }));
    sendPcm(client.socket, new Int16Array(8000).map((_, i) => Math.round(8000 * Math.sin(i / 5))));
    client.socket.send(JSON.stringify({ type: 'stop' }));
    const turn = await client.next('turn');
    // The reply audio may come before or after the turn event.
    await client.audio();
    client.socket.send(JSON.stringify({ type: 'played' }));
    await client.next('playback-end');
    return turn;
  };
  assert.equal((await utter())['expecting'], 'confirmation');
  await utter();
  const car = await server.inject('/api/vehicle/car9');
  assert.equal(car.statusCode, 200, 'the spoken "yes" started the car');
  assert.equal(car.json().source, 'simulated');
  client.socket.close();
});
