/**
 * Spoken commands as audio for the voice tests and benchmark: espeak-ng
 * speaks the text in one of a few voices, sox resamples it to 16 kHz mono
 * 16-bit, and cabin-like road noise (brown noise low-passed at 500 Hz and an
 * engine hum around 80–120 Hz) is mixed in at an exact signal-to-noise ratio.
 * Everything generated is cached on disk by a hash of what made it, so a
 * rerun synthesises nothing.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SpokenCommand } from './corpus.ts';

export const SAMPLE_RATE = 16000;
/** Bump when the way audio is made changes, so stale cache entries are not reused. */
const RECIPE = 'v1';
const CACHE_DIR = process.env['CABIN_VOICE_AUDIO_CACHE'] ?? join(tmpdir(), 'cabin-voice-cache');
const LEAD_SILENCE_S = 0.4;
const TAIL_SILENCE_S = 0.8;
const NOISE_BED_S = 60;

/** How espeak-ng speaks: voice (with variant), words per minute, pitch 0–99. */
export interface SpeakerStyle {
  voice: string;
  speedWpm: number;
  pitch: number;
}

/** A few voices and speeds; each command gets one by its position, so the corpus hears them all. */
export const SPEAKERS: readonly SpeakerStyle[] = [
  { voice: 'en-us', speedWpm: 160, pitch: 50 },
  { voice: 'en-us+m3', speedWpm: 170, pitch: 45 },
  { voice: 'en-us+f2', speedWpm: 155, pitch: 60 },
  { voice: 'en-us+m1', speedWpm: 180, pitch: 40 },
  { voice: 'en-us+f3', speedWpm: 150, pitch: 55 },
  { voice: 'en-us+m7', speedWpm: 165, pitch: 50 },
];

/** One command as the microphone hears it. */
export interface CommandAudio {
  pcm: Int16Array;
  sampleRate: number;
  /** The sample where the synthesised speech ends (before the trailing silence). */
  speechEndSample: number;
  speaker: SpeakerStyle;
  /** null: clean. */
  snrDb: number | null;
}

const BINARIES = [
  { name: 'espeak-ng', probe: ['--version'] },
  { name: 'sox', probe: ['--version'] },
] as const;

/** Names of the binaries the audio needs that are not on PATH (an empty list when all are). */
export async function missingAudioTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const binary of BINARIES) {
    try {
      await run(binary.name, [...binary.probe]);
    } catch {
      missing.push(binary.name);
    }
  }
  return missing;
}

/** What to tell someone whose machine lacks `missing`. */
export function installHint(missing: readonly string[]): string {
  return `voice tests need ${missing.join(', ')} on PATH; on Debian/Ubuntu: sudo apt-get install espeak-ng sox pocketsphinx pocketsphinx-en-us`;
}

function run(command: string, args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { encoding: 'buffer', maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')}: ${error.message}${stderr.length ? `\n${stderr.toString()}` : ''}`));
      else resolve(stdout);
    });
    if (input) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

function toInt16(bytes: Buffer): Int16Array {
  const copy = new Uint8Array(bytes.length - (bytes.length & 1));
  copy.set(bytes.subarray(0, copy.length));
  return new Int16Array(copy.buffer);
}

async function cached(key: string, make: () => Promise<Int16Array>): Promise<Int16Array> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const path = join(CACHE_DIR, `${createHash('sha256').update(`${RECIPE}\n${key}`).digest('hex').slice(0, 32)}.s16`);
  if (existsSync(path)) return toInt16(readFileSync(path));
  const pcm = await make();
  // Written aside and renamed, so two workers never read half a file.
  const partial = `${path}.${process.pid}.part`;
  writeFileSync(partial, new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  renameSync(partial, path);
  return pcm;
}

/** `text` spoken by `speaker`, 16 kHz mono, without padding. */
export function synthesise(text: string, speaker: SpeakerStyle): Promise<Int16Array> {
  return cached(`speech\n${JSON.stringify(speaker)}\n${text}`, async () => {
    const wav = await run('espeak-ng', ['-v', speaker.voice, '-s', String(speaker.speedWpm), '-p', String(speaker.pitch), '--stdout', text]);
    const raw = await run('sox', ['-t', 'wav', '-', '-r', String(SAMPLE_RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', '-'], wav);
    return toInt16(raw);
  });
}

/** A minute of cabin noise: low-passed brown noise and a slowly wandering engine hum, at full scale-ish. */
export function roadNoise(): Promise<Int16Array> {
  return cached('road-noise', async () => {
    const common = ['-n', '-r', String(SAMPLE_RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', '-'];
    const rumble = toInt16(await run('sox', [...common, 'synth', String(NOISE_BED_S), 'brownnoise', 'lowpass', '500', 'norm', '-3']));
    // Engine: a fundamental sweeping 80→120 Hz and its second harmonic, with a little tremolo.
    const hum = toInt16(
      await run('sox', [...common, 'synth', String(NOISE_BED_S), 'sine', '80-120', 'sine', '160-240', 'remix', '1,2', 'tremolo', '0.7', '30', 'norm', '-3']),
    );
    const length = Math.min(rumble.length, hum.length);
    const mixed = new Int16Array(length);
    for (let i = 0; i < length; i++) mixed[i] = Math.round(0.85 * rumble[i]! + 0.15 * hum[i]!);
    return mixed;
  });
}

/**
 * RMS of the samples where speech is: 20 ms frames within 30 dB of the
 * loudest frame (so pauses and padding do not dilute the speech level).
 */
export function activeSpeechRms(pcm: Int16Array, sampleRate = SAMPLE_RATE): number {
  const frame = Math.round(sampleRate * 0.02);
  const energies: number[] = [];
  for (let start = 0; start + frame <= pcm.length; start += frame) {
    let sum = 0;
    for (let i = start; i < start + frame; i++) sum += pcm[i]! * pcm[i]!;
    energies.push(sum / frame);
  }
  const loudest = Math.max(0, ...energies);
  const floor = loudest / 1000; // 30 dB below the loudest frame
  let sum = 0;
  let count = 0;
  for (const energy of energies) {
    if (energy >= floor && energy > 0) {
      sum += energy;
      count++;
    }
  }
  return count === 0 ? 0 : Math.sqrt(sum / count);
}

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  return pcm.length === 0 ? 0 : Math.sqrt(sum / pcm.length);
}

/**
 * `speech` with `noise` under it at `snrDb` (speech-active RMS over noise RMS),
 * noise running through the whole clip, padding included, as in a moving car.
 */
export function mixAtSnr(speech: Int16Array, noise: Int16Array, snrDb: number): Int16Array {
  if (noise.length < speech.length) throw new Error(`noise is ${noise.length} samples, shorter than the ${speech.length}-sample speech`);
  const speechRms = activeSpeechRms(speech);
  const noiseRms = rms(noise.subarray(0, speech.length));
  const gain = noiseRms === 0 ? 0 : speechRms / (noiseRms * 10 ** (snrDb / 20));
  const out = new Int16Array(speech.length);
  for (let i = 0; i < speech.length; i++) {
    const value = Math.round(speech[i]! + gain * noise[i]!);
    out[i] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
  }
  return out;
}

/** The speaker a corpus position gets. */
export function speakerFor(index: number): SpeakerStyle {
  return SPEAKERS[index % SPEAKERS.length]!;
}

/**
 * The command at corpus position `index` as recorded in the cabin: padded
 * with silence, clean (`snrDb` null) or with road noise at `snrDb`. The
 * noise slice depends on the position, so commands do not share one noise.
 */
export async function commandAudio(command: SpokenCommand, index: number, snrDb: number | null): Promise<CommandAudio> {
  const speaker = speakerFor(index);
  const speech = await synthesise(command.text, speaker);
  const lead = Math.round(LEAD_SILENCE_S * SAMPLE_RATE);
  const tail = Math.round(TAIL_SILENCE_S * SAMPLE_RATE);
  const padded = new Int16Array(lead + speech.length + tail);
  padded.set(speech, lead);
  const speechEndSample = lead + speech.length;
  if (snrDb === null) return { pcm: padded, sampleRate: SAMPLE_RATE, speechEndSample, speaker, snrDb };
  const noise = await roadNoise();
  if (padded.length > noise.length) throw new Error(`${command.id}: ${padded.length} samples is longer than the noise bed`);
  const offset = (index * 7919 * 16) % (noise.length - padded.length);
  return { pcm: mixAtSnr(padded, noise.subarray(offset, offset + padded.length), snrDb), sampleRate: SAMPLE_RATE, speechEndSample, speaker, snrDb };
}

/** The measured SNR of `mixed` against the clean `speech` it was made from (for checking the mixer). */
export function measuredSnrDb(speech: Int16Array, mixed: Int16Array): number {
  const noise = new Int16Array(mixed.length);
  for (let i = 0; i < mixed.length; i++) noise[i] = mixed[i]! - speech[i]!;
  return 20 * Math.log10(activeSpeechRms(speech) / rms(noise));
}
