// Embedded understanding: offline, bilingual (English, Chinese, mixed) intent and slot recognition.
export { understand } from './understand.ts';
export type { UnderstandingContext } from './understand.ts';
export { normalise } from './normalise.ts';
export type { Normalised } from './normalise.ts';
export { parseNumber } from './quantities.ts';
export { CATEGORIES } from './lexicon.ts';
export type { Category } from './lexicon.ts';
export { evaluate, loadEvalSet, canonical } from './evaluation.ts';
export type { EvalItem, LanguageReport, Miss } from './evaluation.ts';
