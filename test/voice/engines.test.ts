import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeWav,
  EngineUnavailableError,
  encodeWav,
  EspeakSynthesizer,
  OpenAiCompatibleRecognizer,
  openAiVoiceConfigFromEnv,
  parsePocketsphinxOutput,
  PocketsphinxRecognizer,
  resample,
  SherpaOnnxRecognizer,
} from '../../src/voice/index.ts';
import { requireBinary, requirePocketsphinx, spoken, tone } from './support.ts';

test('round-trips PCM through a WAV file', () => {
  const pcm = tone(1600, 16000, -6);
  const back = decodeWav(encodeWav(pcm, 16000));
  assert.equal(back.sampleRate, 16000);
  assert.deepEqual(back.pcm, pcm);
});

test('resamples 22.05 kHz to 16 kHz keeping length and pitch', () => {
  const pcm = tone(22050, 22050, -6);
  const out = resample(pcm, 22050, 16000);
  assert.equal(out.length, 16000);
  let crossings = 0;
  for (let i = 1; i < out.length; i++) if ((out[i - 1]! < 0) !== (out[i]! < 0)) crossings++;
  assert.ok(crossings > 200 && crossings < 600, `${crossings} zero crossings in a second`);
});

test('reads the hypothesis and word confidences pocketsphinx prints', () => {
  const heard = parsePocketsphinxOutput('find parking\n<s> 0.000 0.040 0.99\nfind 0.05 0.3 0.8\n<sil> 0.3 0.4 0.9\nparking 0.4 0.9 0.6\n</s> 0.9 1.0 1.0\n');
  assert.equal(heard.text, 'find parking');
  assert.ok(Math.abs(heard.confidence! - 0.7) < 1e-9);
});

test('espeak-ng speaks English and Mandarin as 16 kHz PCM', async () => {
  requireBinary('espeak-ng');
  const tts = new EspeakSynthesizer();
  for (const [text, language] of [['Turn left on Wutong Road.', 'en'], ['前方五百米右转。', 'zh']] as const) {
    const { pcm, sampleRate } = await tts.synthesize(text, language);
    assert.equal(sampleRate, 16000);
    assert.ok(pcm.length > 16000 * 0.8, `${language}: ${pcm.length} samples`);
  }
});

test('pocketsphinx with the generic model transcribes espeak-ng English', async () => {
  requirePocketsphinx();
  const { pcm } = await spoken('find parking near the destination');
  const heard = await new PocketsphinxRecognizer().transcribe(pcm, 16000);
  assert.equal(heard.language, 'en');
  assert.ok(heard.text.length > 0);
});

test('a missing engine binary fails with what to install', async () => {
  const recognizer = new PocketsphinxRecognizer({ binary: 'pocketsphinx_continuous_not_here' });
  await assert.rejects(recognizer.transcribe(new Int16Array(1600), 16000), (e: unknown) => e instanceof EngineUnavailableError && /apt-get install/.test(e.message));
});

test('sherpa-onnx without its npm package says how to get it', async () => {
  await assert.rejects(new SherpaOnnxRecognizer({ modelDir: '/nowhere' }).transcribe(new Int16Array(160), 16000), (e: unknown) => e instanceof EngineUnavailableError && /sherpa-onnx/.test(e.message));
});

test('the OpenAI-compatible recogniser posts a WAV to /audio/transcriptions', async () => {
  const config = openAiVoiceConfigFromEnv({ CABIN_ASR_URL: 'http://asr.local/v1/', CABIN_ASR_MODEL: 'whisper-large-v3', CABIN_ASR_KEY: 'k' });
  assert.deepEqual(config.asr, { url: 'http://asr.local/v1', model: 'whisper-large-v3', key: 'k' });
  let seen: { url: string; auth: string | null; model: unknown } | undefined;
  const fakeFetch = (async (url: string, init: RequestInit) => {
    const form = init.body as FormData;
    seen = { url, auth: new Headers(init.headers).get('authorization'), model: form.get('model') };
    return new Response(JSON.stringify({ text: '导航到人民路' }), { status: 200 });
  }) as typeof fetch;
  const heard = await new OpenAiCompatibleRecognizer(config.asr!, fakeFetch).transcribe(new Int16Array(1600), 16000);
  assert.deepEqual(seen, { url: 'http://asr.local/v1/audio/transcriptions', auth: 'Bearer k', model: 'whisper-large-v3' });
  assert.deepEqual(heard, { text: '导航到人民路', language: 'zh' });
});
