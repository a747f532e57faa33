/**
 * Voice activity and end-of-speech detection: frame energy and zero-crossing
 * rate against an adaptive noise floor, with an onset run and a hangover.
 * Pure: frames in, events out; time is audio time (samples), never the clock.
 *
 * Method after the classic energy/ZCR endpointers (Rabiner & Sambur 1975):
 * a frame is voiced when its energy is well above the noise floor; a quieter
 * frame still counts when its zero-crossing rate says fricative ("s", "f",
 * "sh") and it is somewhat above the floor. The floor follows non-speech
 * frames quickly downward and slowly upward, so a car that gets louder
 * (wind, rain) does not read as endless speech.
 */

/** Tuning of the detector; the defaults suit 16 kHz in-car audio. */
export interface VadOptions {
  /** Frame length. Default 20 ms. */
  frameMs: number;
  /** Energy above the noise floor that is speech on its own. Default 9 dB. */
  thresholdDb: number;
  /** Energy above the floor that is speech when the frame is fricative (high ZCR). Default 5 dB. */
  fricativeThresholdDb: number;
  /** Zero crossings per sample above which a frame sounds like a fricative. Default 0.3. */
  fricativeZcr: number;
  /** Frames quieter than this are never speech. Default -60 dBFS. */
  minSpeechDb: number;
  /** Consecutive speech frames that start an utterance. Default 3 (60 ms). */
  onsetFrames: number;
  /** Non-speech that ends an utterance (the end-of-speech delay). Default 500 ms. */
  hangoverMs: number;
  /** Utterances shorter than this are dropped as clicks. Default 200 ms. */
  minSpeechMs: number;
  /** Audio kept before the detected onset, so the first phone is not clipped. Default 200 ms. */
  preRollMs: number;
  /** How fast the floor rises towards louder non-speech frames (per frame). Default 0.02. */
  floorRise: number;
}

export const DEFAULT_VAD_OPTIONS: VadOptions = {
  frameMs: 20,
  thresholdDb: 9,
  fricativeThresholdDb: 5,
  fricativeZcr: 0.3,
  minSpeechDb: -60,
  onsetFrames: 3,
  hangoverMs: 500,
  minSpeechMs: 200,
  preRollMs: 200,
  floorRise: 0.02,
};

/** A stretch of speech, in samples and milliseconds of the input. */
export interface SpeechSegment {
  startSample: number;
  endSample: number;
  startMs: number;
  endMs: number;
}

/** Features of one frame. */
export interface FrameFeatures {
  /** RMS level in dB relative to full scale. */
  energyDb: number;
  /** Zero crossings per sample, 0–1. */
  zcr: number;
}

/** Energy and zero-crossing rate of `frame` (samples `start`…`end` of `pcm`). */
export function frameFeatures(pcm: Int16Array, start = 0, end = pcm.length): FrameFeatures {
  let sum = 0;
  let mean = 0;
  for (let i = start; i < end; i++) mean += pcm[i]!;
  mean /= Math.max(1, end - start);
  let crossings = 0;
  let previous = 0;
  for (let i = start; i < end; i++) {
    const x = pcm[i]! - mean;
    sum += x * x;
    if (i > start && ((x >= 0 && previous < 0) || (x < 0 && previous >= 0))) crossings++;
    previous = x;
  }
  const n = Math.max(1, end - start);
  const rms = Math.sqrt(sum / n) / 32768;
  return { energyDb: 20 * Math.log10(rms + 1e-9), zcr: crossings / n };
}

/** What one frame did to the detector. */
export type VadEvent =
  | { kind: 'speech-start'; sample: number }
  | { kind: 'speech-end'; sample: number; segment: SpeechSegment };

/**
 * The streaming detector: feed it samples in any chunk sizes; it returns
 * `speech-start` when an utterance begins (at its onset minus the pre-roll)
 * and `speech-end` once `hangoverMs` of non-speech has followed it.
 */
export class VoiceActivityDetector {
  readonly options: VadOptions;
  readonly frameSamples: number;
  /** Samples consumed so far. */
  position = 0;
  /** The noise floor in dBFS (NaN before the first frame). */
  noiseFloorDb = Number.NaN;
  private pending: Int16Array;
  private pendingLength = 0;
  private run = 0;
  private silence = 0;
  private inSpeech = false;
  private speechStart = 0;
  private lastSpeechEnd = 0;

  constructor(
    readonly sampleRate: number,
    options: Partial<VadOptions> = {},
  ) {
    this.options = { ...DEFAULT_VAD_OPTIONS, ...options };
    this.frameSamples = Math.round((sampleRate * this.options.frameMs) / 1000);
    this.pending = new Int16Array(this.frameSamples);
  }

  /** Whether an utterance is under way. */
  get speaking(): boolean {
    return this.inSpeech;
  }

  /** Consumes `chunk`; returns what happened, in order. */
  push(chunk: Int16Array): VadEvent[] {
    const events: VadEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      const take = Math.min(this.frameSamples - this.pendingLength, chunk.length - i);
      this.pending.set(chunk.subarray(i, i + take), this.pendingLength);
      this.pendingLength += take;
      i += take;
      if (this.pendingLength === this.frameSamples) {
        this.frame(this.pending, events);
        this.pendingLength = 0;
      }
    }
    return events;
  }

  /** Ends the input: an utterance still open ends at the last speech frame. */
  flush(): VadEvent[] {
    const events: VadEvent[] = [];
    if (this.inSpeech) this.close(events, this.position);
    return events;
  }

  /** Forgets the current utterance (after push-to-talk, or a barge-in handled elsewhere); keeps the noise floor. */
  reset(): void {
    this.inSpeech = false;
    this.run = 0;
    this.silence = 0;
  }

  private frame(frame: Int16Array, events: VadEvent[]): void {
    const o = this.options;
    const { energyDb, zcr } = frameFeatures(frame);
    const frameStart = this.position;
    this.position += frame.length;
    if (Number.isNaN(this.noiseFloorDb)) this.noiseFloorDb = Math.max(energyDb, -90);
    const above = energyDb - this.noiseFloorDb;
    const isSpeech =
      energyDb > o.minSpeechDb && (above > o.thresholdDb || (above > o.fricativeThresholdDb && zcr > o.fricativeZcr));
    // The floor: down at once to a quieter frame; up slowly on frames that are not speech.
    if (energyDb < this.noiseFloorDb) this.noiseFloorDb = energyDb;
    else if (!isSpeech && this.run === 0) this.noiseFloorDb += o.floorRise * (energyDb - this.noiseFloorDb);
    else if (!this.inSpeech) this.noiseFloorDb += (o.floorRise / 20) * (energyDb - this.noiseFloorDb);

    if (isSpeech) {
      this.run++;
      this.silence = 0;
      this.lastSpeechEnd = this.position;
      if (!this.inSpeech && this.run >= o.onsetFrames) {
        this.inSpeech = true;
        const preRoll = Math.round((this.sampleRate * o.preRollMs) / 1000);
        this.speechStart = Math.max(0, frameStart - (o.onsetFrames - 1) * this.frameSamples - preRoll);
        events.push({ kind: 'speech-start', sample: this.speechStart });
      }
    } else {
      this.run = 0;
      if (this.inSpeech) {
        this.silence += frame.length;
        if (this.silence * 1000 >= o.hangoverMs * this.sampleRate) this.close(events, this.lastSpeechEnd);
      }
    }
  }

  private close(events: VadEvent[], endSample: number): void {
    this.inSpeech = false;
    this.run = 0;
    this.silence = 0;
    const o = this.options;
    if ((endSample - this.speechStart) * 1000 < (o.minSpeechMs + o.preRollMs) * this.sampleRate) return;
    const ms = (s: number): number => (s * 1000) / this.sampleRate;
    const segment = { startSample: this.speechStart, endSample, startMs: ms(this.speechStart), endMs: ms(endSample) };
    events.push({ kind: 'speech-end', sample: this.position, segment });
  }
}

/** The stretches of speech in a whole recording. */
export function detectSpeech(pcm: Int16Array, sampleRate = 16000, options: Partial<VadOptions> = {}): SpeechSegment[] {
  const vad = new VoiceActivityDetector(sampleRate, options);
  const events = [...vad.push(pcm), ...vad.flush()];
  return events.flatMap((e) => (e.kind === 'speech-end' ? [e.segment] : []));
}
