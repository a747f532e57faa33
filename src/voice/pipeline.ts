/**
 * The voice pipeline: audio in, voice activity and end of speech, the
 * recogniser, the assistant, the synthesiser, audio out — with barge-in
 * (speech during playback aborts it) and push-to-talk.
 *
 * Two forms share one core: `processRecording` for a whole recording, and
 * `pushAudio` for a live stream of 16-bit chunks, which emits `speech-start`,
 * `speech-end`, `transcript`, `turn`, `reply-audio` and `barge-in`.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { Agent, TurnInput, TurnResult } from '../agent/dialogue.ts';
import type { Vehicle } from '../agent/tools.ts';
import type { SpeechRecognizer, SpeechSynthesizer, Transcription } from './engines.ts';
import { resample } from './wav.ts';
import { DEFAULT_VAD_OPTIONS, VoiceActivityDetector, detectSpeech, type SpeechSegment, type VadOptions } from './vad.ts';

/** Anything that answers a driver's turn: the `Assistant` (LLM-upgraded) or the embedded `Agent`. */
export interface TurnTaker {
  turn(text: string, input: TurnInput): Promise<{ turn: TurnResult }> | TurnResult;
}

/** Plays reply audio; resolves when done; stops early when `signal` aborts. */
export type AudioPlayer = (pcm: Int16Array, sampleRate: number, signal: AbortSignal) => Promise<void>;

/** Options of `createVoicePipeline`. */
export interface VoicePipelineOptions {
  recognizer: SpeechRecognizer;
  synthesizer: SpeechSynthesizer;
  /** The assistant (preferred: it may use the LLM planner) … */
  assistant?: TurnTaker;
  /** … or the embedded agent. */
  agent?: Agent;
  /** The clock, for the agent. Default: the wall clock. */
  now?: Date | (() => Date);
  /** Where the car is, for the agent. */
  vehicle: Vehicle | (() => Vehicle);
  /** Rate of `pushAudio` chunks. Default 16000. */
  sampleRate?: number;
  vad?: Partial<VadOptions>;
  /** Plays replies in the streaming form; without one, `reply-audio` listeners play them and playback is taken to last as long as the audio. */
  player?: AudioPlayer;
  /** Hands-free: the VAD starts utterances. When false, only push-to-talk does. Default true. */
  handsFree?: boolean;
  /** What to say when speech was heard but not understood. */
  notHeard?: { en: string; zh: string };
}

/** Where the time went, in milliseconds. */
export interface VoiceTimings {
  /** Audio between the end of speech and its detection (the VAD hangover); 0 for push-to-talk. */
  endpointMs: number;
  transcribeMs: number;
  agentMs: number;
  /** Time to the first sentence's audio. */
  firstAudioMs: number;
  synthesizeMs: number;
  /** endpoint + transcription. */
  speechEndToTranscriptMs: number;
  /** endpoint + transcription + agent + first sentence's synthesis. */
  speechEndToFirstAudioMs: number;
}

/** What one utterance became. */
export interface VoiceTurn {
  /** What the recogniser heard ('' when nothing). */
  transcript: string;
  recognition: Transcription;
  /** The agent's answer; undefined when nothing was heard. */
  turn: TurnResult | undefined;
  /** The spoken reply (empty when there is none). */
  replyPcm: Int16Array;
  replySampleRate: number;
  /** The speech that was recognised, within the input. */
  speech: SpeechSegment | undefined;
  timings: VoiceTimings;
}

/** Events of the streaming form. */
export interface VoicePipelineEvents {
  'speech-start': [{ sample: number }];
  'speech-end': [{ segment: SpeechSegment }];
  transcript: [Transcription];
  turn: [VoiceTurn];
  /** Reply audio to play; stop when `signal` aborts (barge-in). */
  'reply-audio': [{ pcm: Int16Array; sampleRate: number; signal: AbortSignal }];
  'barge-in': [{ sample: number }];
  'playback-end': [{ interrupted: boolean }];
  error: [Error];
}

const SENTENCE_END = /(?<=[.!?。！？])\s*/;

/** The voice pipeline around one assistant. */
export class VoicePipeline extends EventEmitter<VoicePipelineEvents> {
  readonly sampleRate: number;
  private readonly vad: VoiceActivityDetector;
  private readonly respond: (text: string, input: TurnInput) => Promise<TurnResult>;
  private buffer: Int16Array[] = [];
  private bufferedSamples = 0;
  /** Samples before `buffer` (the pre-roll ring keeps the last ones). */
  private bufferStart = 0;
  private capturing: 'vad' | 'push-to-talk' | undefined;
  private playback: { controller: AbortController; endsAtSample: number | undefined } | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly preRollSamples: number;

  constructor(private readonly options: VoicePipelineOptions) {
    super();
    this.sampleRate = options.sampleRate ?? 16000;
    this.vad = new VoiceActivityDetector(this.sampleRate, options.vad);
    this.preRollSamples = Math.round((this.sampleRate * (options.vad?.preRollMs ?? DEFAULT_VAD_OPTIONS.preRollMs + 200)) / 1000);
    if (options.assistant) {
      const assistant = options.assistant;
      this.respond = async (text, input) => {
        const answer = await assistant.turn(text, input);
        return 'speech' in answer ? answer : answer.turn;
      };
    } else if (options.agent) {
      const agent = options.agent;
      this.respond = async (text, input) => agent.turn(text, input);
    } else throw new Error('createVoicePipeline needs an assistant or an agent');
  }

  /** Whether reply audio is playing. */
  get speaking(): boolean {
    return this.playback !== undefined;
  }

  /**
   * A whole recording through the pipeline: the longest stretch of speech
   * (or all of it when the VAD finds none) is recognised and answered.
   */
  async processRecording(pcm: Int16Array, sampleRate: number, signal?: AbortSignal): Promise<VoiceTurn> {
    const vadOptions = this.options.vad ?? {};
    const segments = detectSpeech(pcm, sampleRate, vadOptions);
    if (segments.length === 0) return this.silentTurn(sampleRate);
    // Everything from the first onset to the last offset: a pause mid-sentence must not cut it.
    const first = segments[0]!;
    const last = segments[segments.length - 1]!;
    const tail = Math.round((sampleRate * 150) / 1000);
    const speech: SpeechSegment = {
      startSample: first.startSample,
      endSample: Math.min(pcm.length, last.endSample + tail),
      startMs: first.startMs,
      endMs: last.endMs,
    };
    const endpointMs = vadOptions.hangoverMs ?? DEFAULT_VAD_OPTIONS.hangoverMs;
    return this.answer(pcm.subarray(speech.startSample, speech.endSample), sampleRate, speech, endpointMs, signal);
  }

  /** Feeds microphone audio (mono 16-bit at `sampleRate`); events report what happens. */
  pushAudio(chunk: Int16Array): void {
    const events = this.vad.push(chunk);
    this.keep(chunk);
    if (this.playback?.endsAtSample !== undefined && this.vad.position >= this.playback.endsAtSample) this.endPlayback(false);
    for (const event of events) {
      if (event.kind === 'speech-start') {
        if (this.playback) {
          this.emit('barge-in', { sample: event.sample });
          this.endPlayback(true);
        }
        if (this.options.handsFree === false || this.capturing === 'push-to-talk') continue;
        this.capturing = 'vad';
        this.emit('speech-start', { sample: event.sample });
      } else if (this.capturing === 'vad') {
        this.capturing = undefined;
        this.emit('speech-end', { segment: event.segment });
        const audio = this.take(event.segment.startSample, event.segment.endSample + Math.round(this.sampleRate * 0.15));
        const endpointMs = ((this.vad.position - event.segment.endSample) * 1000) / this.sampleRate;
        this.enqueue(audio, event.segment, endpointMs);
      }
    }
  }

  /** Push-to-talk pressed: what follows is an utterance, whatever the VAD says; stops any reply playing. */
  startListening(): void {
    if (this.playback) {
      this.emit('barge-in', { sample: this.vad.position });
      this.endPlayback(true);
    }
    this.vad.reset();
    this.capturing = 'push-to-talk';
    this.trimBuffer(this.vad.position);
    this.emit('speech-start', { sample: this.vad.position });
  }

  /** Push-to-talk released: the utterance so far is recognised and answered. */
  stopListening(): void {
    if (this.capturing !== 'push-to-talk') return;
    this.capturing = undefined;
    const end = this.vad.position;
    const start = this.bufferStart;
    const ms = (s: number): number => (s * 1000) / this.sampleRate;
    const segment = { startSample: start, endSample: end, startMs: ms(start), endMs: ms(end) };
    this.emit('speech-end', { segment });
    this.enqueue(this.take(start, end), segment, 0);
  }

  /** Stops the reply playing now (as a barge-in does). */
  stopPlayback(): void {
    if (this.playback) this.endPlayback(true);
  }

  /** Resolves when every utterance so far has been answered. */
  async idle(): Promise<void> {
    await this.queue;
  }

  private enqueue(audio: Int16Array, segment: SpeechSegment, endpointMs: number): void {
    this.queue = this.queue.then(async () => {
      try {
        const result = await this.answer(audio, this.sampleRate, segment, endpointMs, undefined, (pcm, rate) => this.play(pcm, rate));
        this.emit('turn', result);
      } catch (error) {
        this.emit('error', error as Error);
      }
    });
  }

  private play(pcm: Int16Array, sampleRate: number): void {
    if (pcm.length === 0) return;
    if (this.playback) this.endPlayback(true);
    const controller = new AbortController();
    const player = this.options.player;
    const playback = {
      controller,
      endsAtSample: player ? undefined : this.vad.position + Math.round((pcm.length * this.sampleRate) / sampleRate),
    };
    this.playback = playback;
    // Speech already under way is the driver talking over the reply's start: it is not barge-in until a new onset.
    this.emit('reply-audio', { pcm, sampleRate, signal: controller.signal });
    if (player) {
      player(pcm, sampleRate, controller.signal).then(
        () => {
          if (this.playback === playback) this.endPlayback(false);
        },
        (error: unknown) => {
          if (!controller.signal.aborted) this.emit('error', error as Error);
        },
      );
    }
  }

  private endPlayback(interrupted: boolean): void {
    const playback = this.playback;
    if (!playback) return;
    this.playback = undefined;
    if (interrupted) playback.controller.abort(new DOMException('barge-in', 'AbortError'));
    this.emit('playback-end', { interrupted });
  }

  private async answer(
    audio: Int16Array,
    sampleRate: number,
    speech: SpeechSegment | undefined,
    endpointMs: number,
    signal?: AbortSignal,
    onFirstAudio?: (pcm: Int16Array, sampleRate: number) => void,
  ): Promise<VoiceTurn> {
    const t0 = performance.now();
    const recognition = await this.options.recognizer.transcribe(audio, sampleRate, signal);
    const t1 = performance.now();
    const transcript = recognition.text.trim();
    this.emit('transcript', recognition);
    let turn: TurnResult | undefined;
    let text: string;
    let language: 'en' | 'zh';
    if (transcript === '') {
      const notHeard = this.options.notHeard ?? { en: "Sorry, I didn't catch that.", zh: '抱歉，我没听清。' };
      language = recognition.language ?? 'en';
      text = notHeard[language];
    } else {
      turn = await this.respond(transcript, { now: this.now(), vehicle: this.vehicle() });
      text = turn.speech.text;
      language = turn.speech.language;
    }
    const t2 = performance.now();
    // Sentence by sentence, so the first one can play while the rest is synthesised.
    const sentences = text.split(SENTENCE_END).filter((s) => s.trim() !== '');
    const pieces: Int16Array[] = [];
    let rate = this.sampleRate;
    let firstAudioAt = t2;
    const pending = sentences.map((s) => this.options.synthesizer.synthesize(s, language));
    for (let i = 0; i < pending.length; i++) {
      const piece = await pending[i]!;
      if (i === 0) {
        firstAudioAt = performance.now();
        rate = piece.sampleRate;
      }
      pieces.push(piece.sampleRate === rate ? piece.pcm : resample(piece.pcm, piece.sampleRate, rate));
    }
    const t3 = performance.now();
    const replyPcm = concat(pieces);
    onFirstAudio?.(replyPcm, rate);
    const transcribeMs = t1 - t0;
    const agentMs = t2 - t1;
    const firstAudioMs = firstAudioAt - t2;
    return {
      transcript,
      recognition,
      turn,
      replyPcm,
      replySampleRate: rate,
      speech,
      timings: {
        endpointMs,
        transcribeMs,
        agentMs,
        firstAudioMs,
        synthesizeMs: t3 - t2,
        speechEndToTranscriptMs: endpointMs + transcribeMs,
        speechEndToFirstAudioMs: endpointMs + transcribeMs + agentMs + firstAudioMs,
      },
    };
  }

  private silentTurn(sampleRate: number): VoiceTurn {
    return {
      transcript: '',
      recognition: { text: '' },
      turn: undefined,
      replyPcm: new Int16Array(0),
      replySampleRate: sampleRate,
      speech: undefined,
      timings: { endpointMs: 0, transcribeMs: 0, agentMs: 0, firstAudioMs: 0, synthesizeMs: 0, speechEndToTranscriptMs: 0, speechEndToFirstAudioMs: 0 },
    };
  }

  private now(): Date {
    const now = this.options.now;
    return now === undefined ? new Date() : typeof now === 'function' ? now() : now;
  }

  private vehicle(): Vehicle {
    const v = this.options.vehicle;
    return typeof v === 'function' ? v() : v;
  }

  /** Keeps audio: all of it while capturing, else a pre-roll's worth. */
  private keep(chunk: Int16Array): void {
    this.buffer.push(chunk.slice());
    this.bufferedSamples += chunk.length;
    if (!this.capturing && !this.vad.speaking) this.trimBuffer(this.vad.position - this.preRollSamples);
  }

  private trimBuffer(from: number): void {
    while (this.buffer.length > 0 && this.bufferStart + this.buffer[0]!.length <= from) {
      const dropped = this.buffer.shift()!;
      this.bufferStart += dropped.length;
      this.bufferedSamples -= dropped.length;
    }
  }

  /** Samples start…end (absolute) from the buffer, which is then trimmed to `end`. */
  private take(start: number, end: number): Int16Array {
    const all = concat(this.buffer);
    const from = Math.max(0, start - this.bufferStart);
    const to = Math.min(all.length, end - this.bufferStart);
    const out = all.slice(from, Math.max(from, to));
    this.trimBuffer(Math.min(end, this.vad.position));
    return out;
  }
}

function concat(parts: readonly Int16Array[]): Int16Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Int16Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The voice pipeline around an assistant or agent (see `VoicePipelineOptions`). */
export function createVoicePipeline(options: VoicePipelineOptions): VoicePipeline {
  return new VoicePipeline(options);
}
