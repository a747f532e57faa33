import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createVoicePipeline, createCarRecognizer, EspeakSynthesizer, type SpeechRecognizer, type SpeechSynthesizer } from '../../src/voice/index.ts';
import { defaultRegionLandmarks } from '../../src/agent/geocoder.ts';
import { agentOn, CENTRE, defaultWorld, NOON } from '../agent/fixtures.ts';
import { concat, mix, noise, requirePocketsphinx, spoken, tempDir, tone } from './support.ts';

const RATE = 16000;
const ms = (n: number): number => Math.round((RATE * n) / 1000);

/** A recogniser that hears a fixed sentence, and a synthesiser of one second of tone. */
function fakes(text = 'find parking near the destination'): { recognizer: SpeechRecognizer; synthesizer: SpeechSynthesizer; heard: Int16Array[] } {
  const heard: Int16Array[] = [];
  return {
    heard,
    recognizer: { name: 'fake', transcribe: async (pcm) => (heard.push(pcm), { text, language: 'en' }) },
    synthesizer: { name: 'fake', synthesize: async () => ({ pcm: tone(RATE, RATE, -12), sampleRate: RATE }) },
  };
}

function push(pipeline: { pushAudio(c: Int16Array): void }, pcm: Int16Array, chunk = 320): void {
  for (let i = 0; i < pcm.length; i += chunk) pipeline.pushAudio(pcm.subarray(i, i + chunk));
}

const utterance = (): Int16Array => mix(concat(new Int16Array(ms(400)), tone(ms(800), RATE, -20), new Int16Array(ms(700))), noise(ms(1900), -55));

test('espeak-ng says "find parking near the destination", pocketsphinx with the car model hears it, and find_parking runs', async () => {
  requirePocketsphinx();
  const setup = defaultWorld();
  const agent = agentOn(setup);
  let answer = agent.turn('take me to Renmin Road', { now: NOON, vehicle: CENTRE });
  for (let i = 0; i < 3 && answer.expecting !== 'nothing'; i++) {
    answer = agent.turn(answer.expecting === 'confirmation' ? 'yes' : 'the first one', { now: NOON, vehicle: CENTRE });
  }
  assert.ok(agent.trip, 'a trip to park at the end of');
  const { recognizer } = createCarRecognizer(setup.map, { landmarks: defaultRegionLandmarks(), cacheDir: tempDir() });
  const pipeline = createVoicePipeline({ recognizer, synthesizer: new EspeakSynthesizer(), agent, now: NOON, vehicle: CENTRE });
  const { pcm } = await spoken('find parking near the destination');
  const result = await pipeline.processRecording(mix(pcm, noise(pcm.length, -55)), RATE);
  assert.equal(result.transcript, 'find parking near the destination');
  assert.ok(result.turn?.toolCalls.some((c) => c.name === 'find_parking' && c.ok), JSON.stringify(result.turn?.toolCalls));
  assert.ok(result.replyPcm.length > RATE, 'a spoken reply');
  assert.ok(result.timings.speechEndToFirstAudioMs >= result.timings.speechEndToTranscriptMs);
});

test('a recording with no speech gets no answer', async () => {
  const { recognizer, synthesizer, heard } = fakes();
  const pipeline = createVoicePipeline({ recognizer, synthesizer, agent: agentOn(defaultWorld()), now: NOON, vehicle: CENTRE });
  const result = await pipeline.processRecording(noise(ms(2000), -50), RATE);
  assert.equal(result.transcript, '');
  assert.equal(result.turn, undefined);
  assert.equal(heard.length, 0);
});

test('streams: speech-start, speech-end, transcript, reply audio, in that order', async () => {
  const { recognizer, synthesizer, heard } = fakes();
  const pipeline = createVoicePipeline({ recognizer, synthesizer, agent: agentOn(defaultWorld()), now: NOON, vehicle: CENTRE });
  const order: string[] = [];
  for (const e of ['speech-start', 'speech-end', 'transcript', 'reply-audio'] as const) pipeline.on(e, () => order.push(e));
  const reply = once(pipeline, 'reply-audio');
  push(pipeline, utterance());
  await reply;
  assert.deepEqual(order, ['speech-start', 'speech-end', 'transcript', 'reply-audio']);
  assert.equal(heard.length, 1);
  // The recogniser got the tone and little else: onset minus pre-roll to offset plus a tail.
  assert.ok(heard[0]!.length > ms(800) && heard[0]!.length < ms(1300), `${heard[0]!.length} samples`);
});

test('speech during playback barges in: the reply stops', async () => {
  const { recognizer, synthesizer } = fakes();
  const pipeline = createVoicePipeline({ recognizer, synthesizer, agent: agentOn(defaultWorld()), now: NOON, vehicle: CENTRE });
  const reply = once(pipeline, 'reply-audio');
  push(pipeline, utterance());
  const [{ signal }] = (await reply) as [{ signal: AbortSignal }];
  assert.equal(pipeline.speaking, true);
  const bargeIn = once(pipeline, 'barge-in');
  push(pipeline, tone(ms(300), RATE, -20));
  await bargeIn;
  assert.equal(signal.aborted, true);
  assert.equal(pipeline.speaking, false);
});

test('a reply nobody talks over plays to its end', async () => {
  const { recognizer, synthesizer } = fakes();
  const pipeline = createVoicePipeline({ recognizer, synthesizer, agent: agentOn(defaultWorld()), now: NOON, vehicle: CENTRE });
  const reply = once(pipeline, 'reply-audio');
  push(pipeline, utterance());
  const [{ signal, pcm }] = (await reply) as [{ signal: AbortSignal; pcm: Int16Array }];
  const ended = once(pipeline, 'playback-end');
  push(pipeline, noise(pcm.length + ms(200), -55));
  const [{ interrupted }] = (await ended) as [{ interrupted: boolean }];
  assert.equal(interrupted, false);
  assert.equal(signal.aborted, false);
});

test('a player the pipeline drives is aborted by barge-in', async () => {
  const { recognizer, synthesizer } = fakes();
  let played: AbortSignal | undefined;
  const pipeline = createVoicePipeline({
    recognizer,
    synthesizer,
    agent: agentOn(defaultWorld()),
    now: NOON,
    vehicle: CENTRE,
    player: (_pcm, _rate, signal) => ((played = signal), new Promise((resolve) => signal.addEventListener('abort', () => resolve()))),
  });
  const reply = once(pipeline, 'reply-audio');
  push(pipeline, utterance());
  await reply;
  const bargeIn = once(pipeline, 'barge-in');
  push(pipeline, tone(ms(300), RATE, -20));
  await bargeIn;
  assert.equal(played?.aborted, true);
});

test('push-to-talk takes what was said between start and stop, quiet or not', async () => {
  const { recognizer, synthesizer, heard } = fakes('how far is it');
  const pipeline = createVoicePipeline({ recognizer, synthesizer, agent: agentOn(defaultWorld()), now: NOON, vehicle: CENTRE, handsFree: false });
  push(pipeline, noise(ms(500), -55));
  pipeline.startListening();
  push(pipeline, mix(tone(ms(600), RATE, -45), noise(ms(600), -55)));
  pipeline.stopListening();
  const [turn] = (await once(pipeline, 'turn')) as [{ transcript: string; turn: unknown }];
  assert.equal(turn.transcript, 'how far is it');
  assert.ok(turn.turn);
  assert.equal(heard[0]!.length, ms(600));
});
