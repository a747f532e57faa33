/**
 * What the voice tests share: the engines they need (missing → a failure
 * that says what to install, never a skip), synthetic audio, and espeak-ng
 * speech padded with silence.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APT_INSTALL_HINT, DEBIAN_EN_US_MODEL, EspeakSynthesizer } from '../../src/voice/index.ts';

/** Throws with the apt line unless `binary` runs. */
export function requireBinary(binary: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${binary}`], { stdio: 'pipe' });
  } catch {
    throw new Error(`${binary} is not installed; the voice tests need it: ${APT_INSTALL_HINT}`);
  }
}

/** Throws with the apt line unless pocketsphinx and its US English model are installed. */
export function requirePocketsphinx(): void {
  requireBinary('pocketsphinx_continuous');
  for (const path of Object.values(DEBIAN_EN_US_MODEL)) {
    if (!existsSync(path)) throw new Error(`${path} is missing; the voice tests need it: ${APT_INSTALL_HINT}`);
  }
}

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'cabin-voice-test-'));
}

/** Deterministic white noise at `levelDb` dBFS RMS. */
export function noise(samples: number, levelDb: number, seed = 1): Int16Array {
  const out = new Int16Array(samples);
  let state = seed >>> 0 || 1;
  const amplitude = 32768 * 10 ** (levelDb / 20) * Math.sqrt(3);
  for (let i = 0; i < samples; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = Math.round(((state >>> 0) / 4294967296 - 0.5) * 2 * amplitude);
  }
  return out;
}

/** A voiced-sounding tone (120 Hz with harmonics) at `levelDb` dBFS peak. */
export function tone(samples: number, sampleRate: number, levelDb: number): Int16Array {
  const out = new Int16Array(samples);
  const amplitude = 32767 * 10 ** (levelDb / 20);
  for (let i = 0; i < samples; i++) {
    const t = i / sampleRate;
    const x = 0.6 * Math.sin(2 * Math.PI * 120 * t) + 0.3 * Math.sin(2 * Math.PI * 240 * t) + 0.1 * Math.sin(2 * Math.PI * 600 * t);
    out[i] = Math.round(amplitude * x);
  }
  return out;
}

/** Sample-wise sum (clipped). */
export function mix(a: Int16Array, b: Int16Array): Int16Array {
  const out = new Int16Array(Math.max(a.length, b.length));
  for (let i = 0; i < out.length; i++) out[i] = Math.max(-32768, Math.min(32767, (a[i] ?? 0) + (b[i] ?? 0)));
  return out;
}

/** Pieces one after another. */
export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** espeak-ng saying `text` at 16 kHz, with `padMs` of silence on both sides. */
export async function spoken(text: string, padMs = 600, language: 'en' | 'zh' = 'en'): Promise<{ pcm: Int16Array; speechStart: number; speechEnd: number }> {
  requireBinary('espeak-ng');
  const { pcm: raw } = await new EspeakSynthesizer().synthesize(text, language);
  // espeak-ng adds its own silence; cut it so speechStart/End are where the voice is.
  let first = 0;
  while (first < raw.length && Math.abs(raw[first]!) < 200) first++;
  let last = raw.length;
  while (last > first && Math.abs(raw[last - 1]!) < 200) last--;
  const pcm = raw.slice(first, last);
  const pad = new Int16Array(Math.round((16000 * padMs) / 1000));
  return { pcm: concat(pad, pcm, pad), speechStart: pad.length, speechEnd: pad.length + pcm.length };
}
