/**
 * The engine ports of the voice pipeline: a recogniser turns speech into
 * text, a synthesiser text into speech. Adapters: pocketsphinx and espeak-ng
 * (offline, Debian packages), sherpa-onnx (offline, npm, Mandarin-English),
 * and any OpenAI-compatible endpoint.
 */
import { spawn } from 'node:child_process';

/** What a recogniser heard. */
export interface Transcription {
  text: string;
  /** 0–1, where the engine reports one. */
  confidence?: number;
  language?: 'en' | 'zh';
}

/** Speech to text. `pcm` is mono 16-bit at `sampleRate`. */
export interface SpeechRecognizer {
  readonly name: string;
  transcribe(pcm: Int16Array, sampleRate: number, signal?: AbortSignal): Promise<Transcription>;
}

/** Text to speech: mono 16-bit PCM. */
export interface SpeechSynthesizer {
  readonly name: string;
  synthesize(text: string, language: 'en' | 'zh'): Promise<{ pcm: Int16Array; sampleRate: number }>;
}

/** An engine that is not installed or not configured; the message says how to get it. */
export class EngineUnavailableError extends Error {
  constructor(
    readonly engine: string,
    message: string,
  ) {
    super(message);
    this.name = 'EngineUnavailableError';
  }
}

/** The Debian packages the offline engines come from. */
export const APT_INSTALL_HINT = 'sudo apt-get install -y pocketsphinx pocketsphinx-en-us espeak-ng sox';

/** Result of a child process run to completion. */
export interface ProcessResult {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

/**
 * Runs `command` with `args`, feeding `input` on stdin; rejects with an
 * EngineUnavailableError naming `hint` when the binary is missing, and with
 * an AbortError when `signal` fires.
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { input?: Uint8Array; signal?: AbortSignal | undefined; hint: string; engine: string },
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(options.signal.reason ?? new DOMException('aborted', 'AbortError'));
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const onAbort = (): void => {
      child.kill('SIGKILL');
      reject(options.signal?.reason ?? new DOMException('aborted', 'AbortError'));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (error.code === 'ENOENT') reject(new EngineUnavailableError(options.engine, `${command} is not installed: ${options.hint}`));
      else reject(error);
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), code });
    });
    child.stdin.on('error', () => {
      // EPIPE when the engine exits early; its exit code and stderr tell why.
    });
    child.stdin.end(options.input ?? new Uint8Array(0));
  });
}
