/**
 * sherpa-onnx (npm `sherpa-onnx-node`, not a dependency of Cabin) as the
 * production recogniser: streaming zipformer transducers that take Mandarin
 * and English in one model (e.g. sherpa-onnx-streaming-zipformer-bilingual-
 * zh-en-2023-02-20). Loaded with a dynamic import; the model files are the
 * user's to download.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EngineUnavailableError, type SpeechRecognizer, type Transcription } from './engines.ts';
import { resample } from './wav.ts';

/** Where the streaming transducer's files are. */
export interface SherpaOnnxOptions {
  /** A folder with encoder*.onnx, decoder*.onnx, joiner*.onnx and tokens.txt, or the four paths. */
  modelDir?: string;
  encoder?: string;
  decoder?: string;
  joiner?: string;
  tokens?: string;
  numThreads?: number;
}

interface SherpaStream {
  acceptWaveform(wave: { samples: Float32Array; sampleRate: number }): void;
  inputFinished(): void;
}
interface SherpaRecognizer {
  createStream(): SherpaStream;
  isReady(stream: SherpaStream): boolean;
  decode(stream: SherpaStream): void;
  getResult(stream: SherpaStream): { text: string };
}
interface SherpaModule {
  OnlineRecognizer: new (config: unknown) => SherpaRecognizer;
}

const HINT = 'npm install sherpa-onnx-node, and download a streaming zh-en model from https://github.com/k2-fsa/sherpa-onnx/releases (asr-models)';

/** Speech to text with sherpa-onnx; Mandarin, English and both mixed. */
export class SherpaOnnxRecognizer implements SpeechRecognizer {
  readonly name = 'sherpa-onnx';
  private recognizer: Promise<SherpaRecognizer> | undefined;

  constructor(private readonly options: SherpaOnnxOptions) {}

  private load(): Promise<SherpaRecognizer> {
    return (this.recognizer ??= (async () => {
      let sherpa: SherpaModule;
      try {
        const name = 'sherpa-onnx-node';
        const loaded = (await import(name)) as { default?: SherpaModule } & SherpaModule;
        sherpa = loaded.default ?? loaded;
      } catch (error) {
        throw new EngineUnavailableError('sherpa-onnx', `sherpa-onnx-node is not installed (${(error as Error).message}): ${HINT}`);
      }
      const file = (explicit: string | undefined, prefix: string): string => {
        if (explicit) return explicit;
        if (!this.options.modelDir) throw new EngineUnavailableError('sherpa-onnx', `sherpa-onnx needs modelDir or ${prefix}: ${HINT}`);
        const int8 = join(this.options.modelDir, `${prefix}.int8.onnx`);
        return existsSync(int8) ? int8 : join(this.options.modelDir, prefix === 'tokens' ? 'tokens.txt' : `${prefix}.onnx`);
      };
      const paths = {
        encoder: file(this.options.encoder, 'encoder'),
        decoder: file(this.options.decoder, 'decoder'),
        joiner: file(this.options.joiner, 'joiner'),
        tokens: file(this.options.tokens, 'tokens'),
      };
      for (const [what, path] of Object.entries(paths)) {
        if (!existsSync(path)) throw new EngineUnavailableError('sherpa-onnx', `sherpa-onnx ${what} ${path} is missing: ${HINT}`);
      }
      return new sherpa.OnlineRecognizer({
        featConfig: { sampleRate: 16000, featureDim: 80 },
        modelConfig: {
          transducer: { encoder: paths.encoder, decoder: paths.decoder, joiner: paths.joiner },
          tokens: paths.tokens,
          numThreads: this.options.numThreads ?? 2,
          provider: 'cpu',
          debug: 0,
        },
        decodingMethod: 'greedy_search',
      });
    })());
  }

  async transcribe(pcm: Int16Array, sampleRate: number, signal?: AbortSignal): Promise<Transcription> {
    const recognizer = await this.load();
    signal?.throwIfAborted();
    const audio = resample(pcm, sampleRate, 16000);
    const samples = new Float32Array(audio.length + 16000 * 0.3); // trailing silence flushes the last tokens
    for (let i = 0; i < audio.length; i++) samples[i] = audio[i]! / 32768;
    const stream = recognizer.createStream();
    stream.acceptWaveform({ samples, sampleRate: 16000 });
    stream.inputFinished();
    while (recognizer.isReady(stream)) {
      signal?.throwIfAborted();
      recognizer.decode(stream);
    }
    const text = recognizer.getResult(stream).text.trim();
    return { text, language: /[\u3400-\u9fff]/.test(text) ? 'zh' : 'en' };
  }
}
