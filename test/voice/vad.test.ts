import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectSpeech, frameFeatures, VoiceActivityDetector } from '../../src/voice/index.ts';
import { concat, mix, noise, spoken, tone } from './support.ts';

const RATE = 16000;
const ms = (n: number): number => Math.round((RATE * n) / 1000);

test('finds a tone in road noise, within a frame or two of where it is', () => {
  const pcm = mix(concat(new Int16Array(ms(800)), tone(ms(1000), RATE, -20), new Int16Array(ms(800))), noise(ms(2600), -50, 7));
  const segments = detectSpeech(pcm, RATE, { preRollMs: 0 });
  assert.equal(segments.length, 1);
  assert.ok(Math.abs(segments[0]!.startMs - 800) <= 60, `starts at ${segments[0]!.startMs} ms`);
  assert.ok(Math.abs(segments[0]!.endMs - 1800) <= 60, `ends at ${segments[0]!.endMs} ms`);
});

test('hears nothing in noise alone, even when the noise slowly gets louder', () => {
  const steady = noise(ms(2000), -45);
  const rising = noise(ms(3000), -45, 3);
  for (let i = 0; i < rising.length; i++) rising[i] = Math.round(rising[i]! * (1 + (2 * i) / rising.length));
  assert.deepEqual(detectSpeech(steady, RATE), []);
  assert.deepEqual(detectSpeech(rising, RATE), []);
});

test('drops a click shorter than the shortest utterance', () => {
  const pcm = concat(new Int16Array(ms(500)), tone(ms(60), RATE, -10), new Int16Array(ms(800)));
  assert.deepEqual(detectSpeech(mix(pcm, noise(pcm.length, -60)), RATE), []);
});

test('keeps a sentence with short pauses as one utterance', () => {
  const word = tone(ms(300), RATE, -20);
  const gap = new Int16Array(ms(200));
  const pcm = mix(concat(new Int16Array(ms(500)), word, gap, word, gap, word, new Int16Array(ms(800))), noise(ms(2600), -55));
  assert.equal(detectSpeech(pcm, RATE).length, 1);
});

test('finds espeak-ng speech padded with silence, and only it', async () => {
  const { pcm, speechStart, speechEnd } = await spoken('find parking near the destination', 800);
  const noisy = mix(pcm, noise(pcm.length, -55));
  const segments = detectSpeech(noisy, RATE, { preRollMs: 0 });
  assert.ok(segments.length >= 1);
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  assert.ok(Math.abs(first.startSample - speechStart) <= ms(100), `onset ${first.startSample} vs ${speechStart}`);
  assert.ok(Math.abs(last.endSample - speechEnd) <= ms(250), `offset ${last.endSample} vs ${speechEnd}`);
});

test('reports the end of speech one hangover after the speech stops, whatever the chunk size', () => {
  const pcm = mix(concat(new Int16Array(ms(600)), tone(ms(700), RATE, -20), new Int16Array(ms(1500))), noise(ms(2800), -55));
  for (const chunk of [160, 320, 1000, 4096]) {
    const vad = new VoiceActivityDetector(RATE, { hangoverMs: 400, preRollMs: 0 });
    const events = [];
    for (let i = 0; i < pcm.length; i += chunk) events.push(...vad.push(pcm.subarray(i, i + chunk)));
    const end = events.find((e) => e.kind === 'speech-end');
    assert.ok(end && end.kind === 'speech-end');
    const delayMs = ((end.sample - end.segment.endSample) * 1000) / RATE;
    assert.ok(delayMs >= 400 && delayMs <= 440, `chunk ${chunk}: detected ${delayMs} ms after the speech ended`);
    assert.ok(Math.abs(end.segment.endMs - 1300) <= 40);
  }
});

test('measures energy in dBFS and zero crossings per sample', () => {
  const full = tone(RATE, RATE, 0);
  assert.ok(frameFeatures(full).energyDb > -10 && frameFeatures(full).energyDb < -3);
  const hiss = noise(RATE, -30);
  assert.ok(Math.abs(frameFeatures(hiss).energyDb + 30) < 1);
  assert.ok(frameFeatures(hiss).zcr > 0.4);
  assert.ok(frameFeatures(full).zcr < 0.05);
});
