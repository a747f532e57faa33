/**
 * The spoken-command corpus (corpus.json): English commands a driver says to
 * Cabin on the default map, each with the tool call it must lead to. Shared
 * by the end-to-end test and bench/voice.ts, which judge a turn the same way.
 */
import { readFileSync } from 'node:fs';
import type { Agent, TurnResult } from '../../src/agent/dialogue.ts';
import type { Vehicle } from '../../src/agent/tools.ts';
import { defaultRegionLandmarks } from '../../src/agent/geocoder.ts';
import { createCarRecognizer, createVoicePipeline, EspeakSynthesizer, type SpeechRecognizer } from '../../src/voice/index.ts';
import { agentOn, CENTRE, defaultWorld, NOON } from '../agent/fixtures.ts';

/** One command: what is said, what must happen, and what was said before it (typed, not spoken). */
export interface SpokenCommand {
  id: string;
  text: string;
  expect: { tool: string; slots: Record<string, unknown> };
  /** Earlier turns that set the context (a trip being driven, results on screen). */
  before?: string[];
}

/** The corpus, in file order. */
export function loadCorpus(): SpokenCommand[] {
  const raw: unknown = JSON.parse(readFileSync(new URL('./corpus.json', import.meta.url), 'utf8'));
  if (!Array.isArray(raw)) throw new Error('test/voice/corpus.json: expected an array of commands');
  return raw.map((item: SpokenCommand, index) => {
    if (typeof item.id !== 'string' || typeof item.text !== 'string' || typeof item.expect?.tool !== 'string') {
      throw new Error(`test/voice/corpus.json: entry ${index} needs id, text and expect.tool`);
    }
    return item;
  });
}

/** The intent group of a command ("parking" for "parking-03"). */
export function groupOf(command: SpokenCommand): string {
  return command.id.replace(/-\d+$/, '');
}

/** Plays the command's context into `agent` as typed turns, so the spoken one lands where it should. */
export function prime(agent: Agent, command: SpokenCommand, input: { now: Date; vehicle: Vehicle }): void {
  for (const text of command.before ?? []) agent.turn(text, input);
}

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

function numberWords(n: number): string {
  if (n < 20) return ONES[n]!;
  if (n < 100) return TENS[Math.floor(n / 10)]! + (n % 10 ? ` ${ONES[n % 10]}` : '');
  if (n < 1000) return `${ONES[Math.floor(n / 100)]} hundred${n % 100 ? ` ${numberWords(n % 100)}` : ''}`;
  return String(n);
}

/**
 * Text as a recogniser would write it: lower case, no punctuation, digits
 * spelled out ("10" → "ten"), apostrophes dropped ("people's" → "peoples"),
 * British spellings folded to the stock dictionary's.
 */
export function normaliseWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/\d+/g, (digits) => ` ${numberWords(Number(digits))} `)
    .replace(/['’]/g, '')
    .replace(/kilometres/g, 'kilometers')
    .replace(/favourite/g, 'favorite')
    .split(/[^a-z]+/)
    .filter((word) => word.length > 0);
}

/** Word error rate as edits / reference words (word-level Levenshtein). */
export function wordErrors(reference: string, hypothesis: string): { errors: number; words: number } {
  const ref = normaliseWords(reference);
  const hyp = normaliseWords(hypothesis);
  let previous = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const substitution = previous[j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      row.push(Math.min(substitution, previous[j]! + 1, row[j - 1]! + 1));
    }
    previous = row;
  }
  return { errors: previous[hyp.length]!, words: ref.length };
}

function slotMatches(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'string') return typeof actual === 'string' && normaliseWords(expected).join(' ') === normaliseWords(actual).join(' ');
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') return false;
    return Object.entries(expected).every(([key, value]) => slotMatches(value, (actual as Record<string, unknown>)[key]));
  }
  return expected === actual;
}

/**
 * Whether a turn did what the command asked: its first tool call is the
 * expected tool, and every listed slot has the expected value (names compared
 * as words, so "Peoples Square" is "People's Square"). Slots not listed are free.
 */
export function judge(command: SpokenCommand, turn: Pick<TurnResult, 'toolCalls'>): { ok: boolean; got: string } {
  const call = turn.toolCalls[0];
  const got = call ? `${call.name} ${JSON.stringify(call.args)}` : 'no tool call';
  if (!call || call.name !== command.expect.tool) return { ok: false, got };
  return { ok: slotMatches(command.expect.slots, call.args), got };
}

/** The recognisers compared: the stock en-us language model, and the one biased to the car's phrasings and the map's names. */
export const MODELS = ['generic', 'biased'] as const;
export type ModelName = (typeof MODELS)[number];

/** One spoken command through the pipeline, judged. */
export interface SpokenRun {
  transcript: string;
  wordErrors: number;
  referenceWords: number;
  success: boolean;
  /** The first tool call, as "name {args}". */
  got: string;
  /** Time inside the recogniser, and the length of the audio it was given. */
  recognitionMs: number;
  audioMs: number;
  speechEndToTranscriptMs: number;
  speechEndToFirstAudioMs: number;
}

/**
 * The default map's agent setup with the real voice pipeline around it: each
 * run gets a fresh agent (primed with the command's context), the chosen
 * recogniser and espeak-ng, at NOON at the map's centre.
 */
export function createVoiceHarness(): { run(command: SpokenCommand, audio: { pcm: Int16Array; sampleRate: number }, model: ModelName): Promise<SpokenRun> } {
  const setup = defaultWorld();
  const landmarks = defaultRegionLandmarks();
  const recognizers: Record<ModelName, SpeechRecognizer> = {
    generic: createCarRecognizer(setup.map, { model: 'generic' }).recognizer,
    biased: createCarRecognizer(setup.map, { model: 'biased', landmarks }).recognizer,
  };
  const synthesizer = new EspeakSynthesizer();
  return {
    async run(command, audio, model) {
      const clock = { recognitionMs: 0, audioMs: 0 };
      const inner = recognizers[model];
      const timed: SpeechRecognizer = {
        name: inner.name,
        async transcribe(pcm, sampleRate, signal) {
          const started = performance.now();
          try {
            return await inner.transcribe(pcm, sampleRate, signal);
          } finally {
            clock.recognitionMs += performance.now() - started;
            clock.audioMs += (1000 * pcm.length) / sampleRate;
          }
        },
      };
      const input = { now: NOON, vehicle: CENTRE };
      const agent = agentOn(setup);
      prime(agent, command, input);
      const pipeline = createVoicePipeline({ recognizer: timed, synthesizer, agent, ...input });
      const result = await pipeline.processRecording(audio.pcm, audio.sampleRate);
      const transcript = result.transcript;
      const { errors, words } = wordErrors(command.text, transcript);
      const verdict = result.turn ? judge(command, result.turn) : { ok: false, got: 'no turn' };
      return {
        transcript,
        wordErrors: errors,
        referenceWords: words,
        success: verdict.ok,
        got: verdict.got,
        ...clock,
        // No speech found or nothing heard: no latency to speak of.
        speechEndToTranscriptMs: result.speech ? result.timings.speechEndToTranscriptMs : NaN,
        speechEndToFirstAudioMs: result.speech && result.replyPcm.length > 0 ? result.timings.speechEndToFirstAudioMs : NaN,
      };
    },
  };
}

