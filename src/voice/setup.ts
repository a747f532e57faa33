/**
 * Recognisers ready for a map: pocketsphinx with the car-biased model built
 * from the map's names, or with the generic model.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CabinMap } from '../map/index.ts';
import { buildCarLanguageModel, mapVocabulary, type CarLanguageModel } from './language-model.ts';
import { PocketsphinxRecognizer, type PocketsphinxOptions } from './pocketsphinx.ts';

/** Options of `createCarRecognizer`. */
export interface CarRecognizerOptions {
  /** 'biased' (default): the car's language model; 'generic': Debian's en-us model. */
  model?: 'biased' | 'generic';
  /** Landmarks to name (the map file does not store them). */
  landmarks?: readonly { name?: string; nameEn?: string }[];
  /** Where built models are cached. Default $CABIN_CACHE or ~/.cache/cabin/voice. */
  cacheDir?: string;
  pocketsphinx?: PocketsphinxOptions;
}

/** The default cache folder for language models. */
export function defaultVoiceCacheDir(): string {
  return process.env['CABIN_VOICE_CACHE'] ?? join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'cabin', 'voice');
}

/** A pocketsphinx recogniser for `map`, and the model it was built with when biased. */
export function createCarRecognizer(map: CabinMap, options: CarRecognizerOptions = {}): { recognizer: PocketsphinxRecognizer; model?: CarLanguageModel } {
  if (options.model === 'generic') return { recognizer: new PocketsphinxRecognizer(options.pocketsphinx ?? {}) };
  const model = buildCarLanguageModel(mapVocabulary(map, options.landmarks ?? []), { cacheDir: options.cacheDir ?? defaultVoiceCacheDir() });
  return { recognizer: new PocketsphinxRecognizer({ ...options.pocketsphinx, lm: model.lm, dict: model.dict }), model };
}
