/**
 * CMU pocketsphinx (Debian's `pocketsphinx` 0.8+5prealpha) as a recogniser
 * and a keyword spotter: `pocketsphinx_continuous` runs once per utterance,
 * reading a 16 kHz WAV on stdin. English only: Debian ships the US English
 * acoustic model; Mandarin needs sherpa-onnx or an OpenAI-compatible server.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APT_INSTALL_HINT, EngineUnavailableError, runProcess, type SpeechRecognizer, type Transcription } from './engines.ts';
import { encodeWav, resample } from './wav.ts';

/** Where Debian's `pocketsphinx-en-us` puts the US English model. */
export const DEBIAN_EN_US_MODEL = {
  hmm: '/usr/share/pocketsphinx/model/en-us/en-us',
  lm: '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin',
  dict: '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict',
} as const;

const BINARY = 'pocketsphinx_continuous';
const HINT = `install pocketsphinx and its US English model (${APT_INSTALL_HINT})`;

/** Options of `PocketsphinxRecognizer`. */
export interface PocketsphinxOptions {
  /** Acoustic model folder. Default: Debian's en-us. */
  hmm?: string;
  /** Language model (ARPA text or binary). Default: Debian's generic en-us.lm.bin. */
  lm?: string;
  /** Pronunciation dictionary. Default: Debian's cmudict-en-us.dict. */
  dict?: string;
  /** Extra command-line arguments (`['-beam', '1e-60']`). */
  args?: readonly string[];
  /** The binary. Default: pocketsphinx_continuous on PATH. */
  binary?: string;
}

/** Throws an EngineUnavailableError unless the model files exist. */
export function checkPocketsphinxModel(options: PocketsphinxOptions = {}): void {
  for (const [what, path] of [
    ['acoustic model', options.hmm ?? DEBIAN_EN_US_MODEL.hmm],
    ['language model', options.lm ?? DEBIAN_EN_US_MODEL.lm],
    ['dictionary', options.dict ?? DEBIAN_EN_US_MODEL.dict],
  ] as const) {
    if (!existsSync(path)) throw new EngineUnavailableError('pocketsphinx', `pocketsphinx ${what} ${path} is missing: ${HINT}`);
  }
}

/**
 * Runs `use` on a temporary 16 kHz WAV of `pcm`. (Not stdin: Node gives a
 * child a socket, which pocketsphinx cannot open as /dev/stdin.)
 */
async function withWavFile<T>(pcm: Int16Array, sampleRate: number, use: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'cabin-asr-'));
  try {
    const path = join(dir, 'speech.wav');
    writeFileSync(path, encodeWav(resample(pcm, sampleRate, 16000), 16000));
    return await use(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Hypothesis and word posteriors out of `pocketsphinx_continuous -time yes`. */
export function parsePocketsphinxOutput(stdout: string): Transcription {
  const hypotheses: string[] = [];
  const posteriors: number[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const parts = line.split(/\s+/);
    if (parts.length === 4 && parts.slice(1).every((p) => /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(p))) {
      const word = parts[0]!;
      if (!/^(<s>|<\/s>|<sil>|\[.*\]|\+\+.*\+\+)$/.test(word)) posteriors.push(Number(parts[3]));
    } else {
      hypotheses.push(line);
    }
  }
  const text = hypotheses.join(' ').replace(/\(\d+\)/g, '').replace(/\s+/g, ' ').trim();
  const result: Transcription = { text, language: 'en' };
  if (posteriors.length > 0) result.confidence = posteriors.reduce((a, b) => a + b, 0) / posteriors.length;
  return result;
}

/** Speech to text with pocketsphinx, with the generic or a car-biased language model. */
export class PocketsphinxRecognizer implements SpeechRecognizer {
  readonly name: string;

  constructor(private readonly options: PocketsphinxOptions = {}) {
    this.name = options.lm && options.lm !== DEBIAN_EN_US_MODEL.lm ? 'pocketsphinx (car-biased)' : 'pocketsphinx (generic)';
  }

  async transcribe(pcm: Int16Array, sampleRate: number, signal?: AbortSignal): Promise<Transcription> {
    checkPocketsphinxModel(this.options);
    const o = this.options;
    const args = [
      '-hmm', o.hmm ?? DEBIAN_EN_US_MODEL.hmm,
      '-lm', o.lm ?? DEBIAN_EN_US_MODEL.lm,
      '-dict', o.dict ?? DEBIAN_EN_US_MODEL.dict,
      '-time', 'yes',
      '-logfn', '/dev/null',
      ...(o.args ?? []),
    ];
    const result = await withWavFile(pcm, sampleRate, (path) =>
      runProcess(o.binary ?? BINARY, ['-infile', path, ...args], { signal, hint: HINT, engine: 'pocketsphinx' }),
    );
    if (result.code !== 0) {
      throw new Error(`pocketsphinx_continuous exited with ${result.code}: ${result.stderr.trim().split('\n').slice(-3).join(' / ') || '(no message; rerun without -logfn to see its log)'}`);
    }
    return parsePocketsphinxOutput(result.stdout.toString('utf8'));
  }
}

/** Options of `spotKeyphrase`. */
export interface KeyphraseOptions {
  /** Default "hey cabin". */
  keyphrase?: string;
  /** Detection threshold; lower finds more (and more false alarms). Default 1e-20. */
  threshold?: number;
  hmm?: string;
  dict?: string;
  binary?: string;
  signal?: AbortSignal;
}

/**
 * Experimental, not exported: in our tests it never fired on espeak-ng "hey cabin", even at 1e-40.
 * Whether `pcm` contains the wake phrase, by pocketsphinx keyword spotting
 * (`-keyphrase … -kws_threshold …`): the phrase's words must be in the dictionary.
 */
export async function spotKeyphrase(pcm: Int16Array, sampleRate: number, options: KeyphraseOptions = {}): Promise<boolean> {
  const keyphrase = (options.keyphrase ?? 'hey cabin').toLowerCase();
  checkPocketsphinxModel({ ...(options.hmm ? { hmm: options.hmm } : {}), ...(options.dict ? { dict: options.dict } : {}) });
  const args = [
    '-hmm', options.hmm ?? DEBIAN_EN_US_MODEL.hmm,
    '-dict', options.dict ?? DEBIAN_EN_US_MODEL.dict,
    '-keyphrase', keyphrase,
    '-kws_threshold', String(options.threshold ?? 1e-20),
    '-logfn', '/dev/null',
  ];
  const result = await withWavFile(pcm, sampleRate, (path) =>
    runProcess(options.binary ?? BINARY, ['-infile', path, ...args], { signal: options.signal, hint: HINT, engine: 'pocketsphinx' }),
  );
  if (result.code !== 0) throw new Error(`pocketsphinx_continuous (keyword spotting) exited with ${result.code}: ${result.stderr.trim().slice(-300)}`);
  return result.stdout.toString('utf8').toLowerCase().includes(keyphrase);
}
