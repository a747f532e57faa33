/**
 * Any OpenAI-compatible speech server (`/audio/transcriptions`,
 * `/audio/speech`): OpenAI itself, or a local one (faster-whisper-server,
 * LocalAI, vLLM). Whisper-class models take Mandarin and English.
 * Configured from CABIN_ASR_URL / CABIN_ASR_MODEL / CABIN_ASR_KEY and
 * CABIN_TTS_URL / CABIN_TTS_MODEL / CABIN_TTS_KEY / CABIN_TTS_VOICE.
 */
import { EngineUnavailableError, type SpeechRecognizer, type SpeechSynthesizer, type Transcription } from './engines.ts';
import { decodeWav, encodeWav, resample } from './wav.ts';

/** One endpoint: base URL (…/v1), model and optional key. */
export interface OpenAiVoiceConfig {
  url: string;
  model: string;
  key?: string;
  /** TTS voice. */
  voice?: string;
}

/** The ASR and TTS endpoints configured in `env` (each undefined when its URL is unset). */
export function openAiVoiceConfigFromEnv(env: Record<string, string | undefined>): { asr?: OpenAiVoiceConfig; tts?: OpenAiVoiceConfig } {
  const read = (prefix: 'ASR' | 'TTS', defaultModel: string): OpenAiVoiceConfig | undefined => {
    const url = env[`CABIN_${prefix}_URL`];
    if (!url) return undefined;
    const config: OpenAiVoiceConfig = { url: url.replace(/\/+$/, ''), model: env[`CABIN_${prefix}_MODEL`] ?? defaultModel };
    const key = env[`CABIN_${prefix}_KEY`];
    if (key) config.key = key;
    const voice = env[`CABIN_${prefix}_VOICE`];
    if (voice) config.voice = voice;
    return config;
  };
  const out: { asr?: OpenAiVoiceConfig; tts?: OpenAiVoiceConfig } = {};
  const asr = read('ASR', 'whisper-1');
  const tts = read('TTS', 'tts-1');
  if (asr) out.asr = asr;
  if (tts) out.tts = tts;
  return out;
}

function headers(config: OpenAiVoiceConfig): Record<string, string> {
  return config.key ? { authorization: `Bearer ${config.key}` } : {};
}

async function failure(response: Response, what: string): Promise<Error> {
  const body = await response.text().catch(() => '');
  return new Error(`${what}: HTTP ${response.status} ${response.statusText}${body ? `: ${body.slice(0, 300)}` : ''}`);
}

/** Speech to text through `POST {url}/audio/transcriptions`. */
export class OpenAiCompatibleRecognizer implements SpeechRecognizer {
  readonly name = 'openai-compatible';

  constructor(
    private readonly config: OpenAiVoiceConfig,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    if (!config.url) throw new EngineUnavailableError('openai-compatible', 'set CABIN_ASR_URL (and CABIN_ASR_MODEL, CABIN_ASR_KEY) to use a speech server');
  }

  async transcribe(pcm: Int16Array, sampleRate: number, signal?: AbortSignal): Promise<Transcription> {
    const form = new FormData();
    form.append('file', new Blob([encodeWav(pcm, sampleRate)], { type: 'audio/wav' }), 'speech.wav');
    form.append('model', this.config.model);
    form.append('response_format', 'json');
    const url = `${this.config.url}/audio/transcriptions`;
    const response = await this.fetchFn(url, { method: 'POST', body: form, headers: headers(this.config), ...(signal ? { signal } : {}) });
    if (!response.ok) throw await failure(response, url);
    const json = (await response.json()) as { text?: unknown; language?: unknown };
    if (typeof json.text !== 'string') throw new Error(`${url}: the answer has no "text"`);
    const text = json.text.trim();
    const language = typeof json.language === 'string' && /^(zh|chinese)/i.test(json.language) ? 'zh' : /[\u3400-\u9fff]/.test(text) ? 'zh' : 'en';
    return { text, language };
  }
}

/** Text to speech through `POST {url}/audio/speech` (WAV). */
export class OpenAiCompatibleSynthesizer implements SpeechSynthesizer {
  readonly name = 'openai-compatible';

  constructor(
    private readonly config: OpenAiVoiceConfig,
    private readonly sampleRate = 16000,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    if (!config.url) throw new EngineUnavailableError('openai-compatible', 'set CABIN_TTS_URL (and CABIN_TTS_MODEL, CABIN_TTS_KEY) to use a speech server');
  }

  async synthesize(text: string, _language: 'en' | 'zh'): Promise<{ pcm: Int16Array; sampleRate: number }> {
    const url = `${this.config.url}/audio/speech`;
    const response = await this.fetchFn(url, {
      method: 'POST',
      headers: { ...headers(this.config), 'content-type': 'application/json' },
      body: JSON.stringify({ model: this.config.model, input: text, voice: this.config.voice ?? 'alloy', response_format: 'wav' }),
    });
    if (!response.ok) throw await failure(response, url);
    const wav = decodeWav(new Uint8Array(await response.arrayBuffer()), url);
    return { pcm: resample(wav.pcm, wav.sampleRate, this.sampleRate), sampleRate: this.sampleRate };
  }
}
