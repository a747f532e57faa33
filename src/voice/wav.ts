/**
 * WAV files and sample-rate conversion for the voice pipeline: 16-bit PCM in,
 * 16-bit PCM out. Pure except `readWav`/`writeWav`, which touch the disk.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Mono 16-bit audio and its rate. */
export interface Pcm {
  pcm: Int16Array;
  sampleRate: number;
}

/**
 * Decodes a RIFF/WAVE file of 16-bit (or 8-bit / 32-bit float) PCM, mixing
 * channels down to mono. A data chunk whose size field is 0 or 0xFFFFFFFF
 * (as `espeak-ng --stdout` writes when streaming) runs to the end of the file.
 */
export function decodeWav(bytes: Uint8Array, source = 'wav'): Pcm {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error(`${source}: not a RIFF/WAVE file`);
  let format: { audioFormat: number; channels: number; sampleRate: number; bits: number } | undefined;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    let size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16) throw new Error(`${source}: fmt chunk is ${size} bytes (expected at least 16)`);
      format = {
        audioFormat: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) throw new Error(`${source}: data chunk before fmt chunk`);
      if (size === 0 || size === 0xffffffff || body + size > bytes.length) size = bytes.length - body;
      return { pcm: toMono16(bytes.subarray(body, body + size), format, source), sampleRate: format.sampleRate };
    }
    at = body + size + (size & 1);
  }
  throw new Error(`${source}: no data chunk`);
}

function toMono16(data: Uint8Array, f: { audioFormat: number; channels: number; bits: number }, source: string): Int16Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const bytesPerSample = f.bits / 8;
  const frames = Math.floor(data.length / (bytesPerSample * f.channels));
  const out = new Int16Array(frames);
  const read =
    f.audioFormat === 1 && f.bits === 16 ? (o: number) => view.getInt16(o, true)
    : f.audioFormat === 1 && f.bits === 8 ? (o: number) => (view.getUint8(o) - 128) << 8
    : f.audioFormat === 3 && f.bits === 32 ? (o: number) => view.getFloat32(o, true) * 32767
    : f.audioFormat === 0xfffe && f.bits === 16 ? (o: number) => view.getInt16(o, true)
    : undefined;
  if (!read) throw new Error(`${source}: unsupported WAV encoding (format ${f.audioFormat}, ${f.bits} bits); want 16-bit PCM`);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < f.channels; c++) sum += read((i * f.channels + c) * bytesPerSample);
    out[i] = clamp16(sum / f.channels);
  }
  return out;
}

/** A mono 16-bit PCM WAV file's bytes. */
export function encodeWav(pcm: Int16Array, sampleRate: number): Uint8Array {
  const bytes = new Uint8Array(44 + pcm.length * 2);
  const view = new DataView(bytes.buffer);
  const put = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) bytes[at + i] = s.charCodeAt(i);
  };
  put(0, 'RIFF');
  view.setUint32(4, 36 + pcm.length * 2, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  put(36, 'data');
  view.setUint32(40, pcm.length * 2, true);
  for (let i = 0; i < pcm.length; i++) view.setInt16(44 + i * 2, pcm[i]!, true);
  return bytes;
}

/** Reads a WAV file as mono 16-bit PCM at its own rate (see `resample`). */
export function readWav(path: string): Pcm {
  return decodeWav(readFileSync(path), path);
}

/** Writes mono 16-bit PCM as a WAV file. */
export function writeWav(path: string, pcm: Int16Array, sampleRate: number): void {
  writeFileSync(path, encodeWav(pcm, sampleRate));
}

/**
 * Converts `pcm` from one rate to another by linear interpolation, after a
 * box low-pass when downsampling (good enough for speech recognition, which
 * only looks below 8 kHz).
 */
export function resample(pcm: Int16Array, from: number, to: number): Int16Array {
  if (from === to) return pcm;
  let source: ArrayLike<number> = pcm;
  if (to < from) {
    const width = Math.max(1, Math.round(from / to));
    if (width > 1) {
      const smoothed = new Float32Array(pcm.length);
      let sum = 0;
      for (let i = 0; i < pcm.length; i++) {
        sum += pcm[i]!;
        if (i >= width) sum -= pcm[i - width]!;
        smoothed[i] = sum / Math.min(i + 1, width);
      }
      source = smoothed;
    }
  }
  const n = Math.floor((pcm.length * to) / from);
  const out = new Int16Array(n);
  const step = from / to;
  for (let i = 0; i < n; i++) {
    const x = i * step;
    const k = Math.floor(x);
    const t = x - k;
    const a = source[k] ?? 0;
    const b = source[k + 1] ?? a;
    out[i] = clamp16(a + (b - a) * t);
  }
  return out;
}

function clamp16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : Math.round(x);
}
