/**
 * espeak-ng as the offline synthesiser: English (`en-us`) and Mandarin
 * (`cmn`) voices, WAV on stdout, resampled to the pipeline's rate.
 */
import { APT_INSTALL_HINT, runProcess, type SpeechSynthesizer } from './engines.ts';
import { decodeWav, resample } from './wav.ts';

/** Options of `EspeakSynthesizer`. */
export interface EspeakOptions {
  /** Voices per language. Default en-us and cmn. */
  voices?: { en?: string; zh?: string };
  /** Words per minute. Default 165 (espeak-ng's 175 is brisk in a car). */
  wordsPerMinute?: number;
  /** Output rate. Default 16000. */
  sampleRate?: number;
  binary?: string;
}

/** Text to speech with espeak-ng. */
export class EspeakSynthesizer implements SpeechSynthesizer {
  readonly name = 'espeak-ng';

  constructor(private readonly options: EspeakOptions = {}) {}

  async synthesize(text: string, language: 'en' | 'zh'): Promise<{ pcm: Int16Array; sampleRate: number }> {
    const voice = language === 'zh' ? (this.options.voices?.zh ?? 'cmn') : (this.options.voices?.en ?? 'en-us');
    const rate = this.options.sampleRate ?? 16000;
    // Text on stdin, so nothing the driver or the map says can become an option.
    const result = await runProcess(
      this.options.binary ?? 'espeak-ng',
      ['-v', voice, '-s', String(this.options.wordsPerMinute ?? 165), '--stdout'],
      { input: Buffer.from(text, 'utf8'), hint: `install it with ${APT_INSTALL_HINT}`, engine: 'espeak-ng' },
    );
    if (result.code !== 0) throw new Error(`espeak-ng exited with ${result.code}: ${result.stderr.trim()}`);
    const wav = decodeWav(result.stdout, 'espeak-ng output');
    return { pcm: resample(wav.pcm, wav.sampleRate, rate), sampleRate: rate };
  }
}
