/**
 * Car-biased recognition: a trigram language model of what a driver says to
 * Cabin, with the loaded map's street and place names and the cuisines
 * substituted into the phrasings, and a pronunciation dictionary for every
 * word — cmudict where it knows the word, and a hand-written pinyin→CMU
 * letter-to-sound for the pinyin names it does not (Wutong, Yan'an, Renmin).
 *
 * The model is written as ARPA text, which pocketsphinx reads with `-lm`.
 * Smoothing is interpolated Witten-Bell (Witten & Bell 1991; as in SRILM's
 * `-wbdiscount -interpolate`): P(w|h) = (c(h,w) + T(h)·P(w|h')) / (c(h) + T(h)),
 * T(h) the number of distinct words seen after h, so the back-off weight of h
 * is exactly T(h) / (c(h) + T(h)).
 *
 * Pure except `buildCarLanguageModel`, which reads cmudict and writes the
 * cache folder.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CabinMap } from '../map/index.ts';
import { DEBIAN_EN_US_MODEL } from './pocketsphinx.ts';

// ---------------------------------------------------------------------------
// Words

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const ORDINAL_WORDS: Record<string, string> = {
  one: 'first', two: 'second', three: 'third', five: 'fifth', eight: 'eighth', nine: 'ninth', twelve: 'twelfth',
};

/** An integer 0–999 in English words ("twenty five"). */
export function numberWords(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 999) return String(n);
  if (n < 20) return ONES[n]!;
  if (n < 100) return TENS[Math.floor(n / 10)]! + (n % 10 ? ` ${ONES[n % 10]}` : '');
  return `${ONES[Math.floor(n / 100)]} hundred${n % 100 ? ` ${numberWords(n % 100)}` : ''}`;
}

function ordinalWords(n: number): string {
  const words = numberWords(n).split(' ');
  const last = words.pop()!;
  const ordinal = ORDINAL_WORDS[last] ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return [...words, ordinal].join(' ');
}

/**
 * Text as the recogniser's words: lower case, digits and ordinals spelt out
 * ("2nd" → "second"), only letters and inner apostrophes kept.
 */
export function spokenWords(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/(\d+)(st|nd|rd|th)\b/g, (_, d: string) => ` ${ordinalWords(Number(d))} `)
    .replace(/\d+/g, (d) => ` ${numberWords(Number(d))} `)
    .replace(/&/g, ' and ')
    .replace(/[^a-z' ]+/g, ' ')
    .split(/\s+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w !== '');
}

// ---------------------------------------------------------------------------
// What a driver says

/** The names a map contributes to the model. */
export interface MapVocabulary {
  /** Streets and roads ("Wutong Road"). */
  streets: string[];
  /** Car parks, restaurants and landmarks ("People's Square"). */
  places: string[];
}

/** Latin-script names of a map's streets, car parks, restaurants and the given landmarks. */
export function mapVocabulary(map: CabinMap, landmarks: readonly { name?: string; nameEn?: string }[] = []): MapVocabulary {
  const latin = (s: string | undefined): s is string => s !== undefined && /[a-z]/i.test(s) && !/[\u3400-\u9fff]/.test(s);
  const streets = new Set<string>();
  const roads = map.roads;
  for (let r = 0; r < roads.roadCount; r++) {
    const en = map.strings[roads.roadNameEn[r]!];
    const name = map.strings[roads.roadName[r]!];
    const pick = latin(en) ? en : latin(name) ? name : undefined;
    if (pick) streets.add(pick);
  }
  const places = new Set<string>();
  for (const p of [...map.parking, ...map.food, ...landmarks]) {
    const pick = latin(p.nameEn) ? p.nameEn : latin(p.name) ? p.name : undefined;
    if (pick) places.add(pick);
  }
  return { streets: [...streets].sort(), places: [...places].sort() };
}

/** Cuisines a driver asks for by name (the English cuisine words of the understanding's lexicon). */
export const SPOKEN_CUISINES: readonly string[] = [
  'sichuan', 'cantonese', 'hunan', 'shanghainese', 'chinese', 'dongbei', 'hot pot', 'dim sum', 'dumpling', 'noodle', 'noodles',
  'barbecue', 'japanese', 'sushi', 'ramen', 'korean', 'thai', 'vietnamese', 'indian', 'mexican', 'american', 'burger', 'italian',
  'pizza', 'french', 'german', 'spanish', 'greek', 'turkish', 'seafood', 'steak', 'fried chicken', 'vegetarian', 'vegan', 'coffee',
  'bakery', 'peking duck', 'bubble tea', 'fast food', 'asian',
];

const CATEGORIES = [
  'gas station', 'charging station', 'ev charger', 'parking lot', 'car park', 'hospital', 'pharmacy', 'toilet', 'restroom', 'atm',
  'bank', 'supermarket', 'convenience store', 'car wash', 'police station', 'metro station', 'subway station', 'hotel', 'post office',
  'service area', 'restaurant', 'coffee shop',
];

const PRICES = [5, 8, 10, 15, 20, 25, 30, 40, 50];
const ORDINALS = ['first', 'second', 'third', 'fourth', 'last', 'next'];

/**
 * In-car phrasings with slots, and how often a driver says each kind.
 * {p} a place or street, {s} a street, {c} a cuisine, {n} a price, {k} a
 * category, {o} an ordinal. Drawn from the understanding's lexicon
 * (src/agent/understanding/lexicon.ts) and its evaluation set.
 */
const TEMPLATES: readonly (readonly [number, string])[] = [
  // navigate
  [6, 'navigate to {p}'], [6, 'take me to {p}'], [3, 'drive to {p}'], [3, 'go to {p}'], [2, "let's go to {p}"], [2, 'directions to {p}'],
  [2, 'how do i get to {p}'], [2, 'i want to go to {p}'], [2, 'i need to get to {p}'], [1, 'head to {p}'], [1, 'route to {p}'],
  [1, 'set the destination to {p}'], [1, 'change the destination to {p}'], [2, 'take me home'], [1, 'go home'], [1, 'navigate home'],
  [2, 'take me to the nearest {k}'], [2, 'find the nearest {k}'], [2, 'where is the nearest {k}'], [1, 'navigate to the nearest {k}'],
  [1, 'is there a {k} nearby'], [1, 'i need a {k}'],
  // parking
  [4, 'find parking near {p}'], [4, 'find parking near the destination'], [2, 'find parking'], [2, 'where can i park'],
  [2, 'find parking near {p} under {n} yuan'], [2, 'find parking near the destination under {n} yuan'], [1, 'parking under {n} yuan an hour'],
  [1, 'find a parking lot near {p}'], [1, 'is there parking near {p}'], [1, 'cheap parking near {p}'], [1, 'find cheap parking'],
  [1, 'parking with ev charging'], [1, 'find parking with a charger near the destination'], [1, 'i need to park near {p}'],
  [1, 'where can i park near the destination'], [1, 'parking near me'], [1, 'find an underground car park near {p}'],
  // food
  [3, '{c} food on the way'], [3, 'find {c} food'], [2, 'find a {c} restaurant'], [2, 'i want {c} food'], [2, '{c} food near {p}'],
  [1, 'find {c} food near the destination'], [1, 'is there {c} food on the way'], [1, 'find a {c} restaurant near {p}'],
  [2, 'find food on the way'], [2, 'where can i eat'], [2, "i'm hungry"], [1, 'find something to eat'], [1, 'find a restaurant nearby'],
  [1, 'find a place to eat near {p}'], [1, 'i want to eat {c}'], [1, 'somewhere to eat on the way'],
  // add, remove, reorder stops
  [2, 'add a stop at {p}'], [1, 'add {p} as a stop'], [1, 'stop by {p} on the way'], [1, 'add a stop at the {o} one'],
  [1, 'remove the {o} stop'], [1, 'remove {p}'], [1, 'skip {p}'], [1, "i don't need to stop at {p} anymore"],
  [1, 'optimize the order of my stops'], [1, 'optimize the route'], [1, 'make {p} the last stop'], [1, 'reorder my stops'],
  // trip status
  [3, "what's my eta"], [2, 'when will we arrive'], [2, 'how long until we arrive'], [2, 'how much longer'], [2, 'how far is it'],
  [1, 'what time will we get there'], [1, 'are we there yet'], [1, "what's the next turn"], [1, 'where do i turn next'],
  [1, 'how many kilometers left'], [1, 'trip status'], [1, 'when will we get to {p}'], [1, 'how far is {p}'],
  // traffic lights
  [2, 'when will the light turn green'], [1, 'how long is this red light'], [1, "what's the traffic light doing"],
  [1, 'will i make the next green light'], [1, 'how long until green'],
  // cancel, confirmations, choices
  [2, 'cancel navigation'], [2, 'stop navigation'], [1, 'never mind'], [1, 'cancel that'], [1, 'forget it'],
  [3, 'yes'], [2, 'yes please'], [2, 'no'], [1, 'no thanks'], [1, 'okay'], [1, 'sure'], [1, 'go ahead'], [1, 'yeah'],
  [2, 'the {o} one'], [1, 'go there'], [1, 'take me there'], [1, 'the other one'], [1, 'anything cheaper'], [1, 'what about {c}'],
  [1, 'something closer'], [1, 'the {c} one'],
  // preferences
  [1, 'i love {c} food'], [1, 'remember that i like {c} food'], [1, "i don't want to pay more than {n} yuan"],
  [1, 'my parking budget is {n} yuan'], [1, 'what do you remember about me'], [1, 'what are my preferences'],
  [1, 'speak chinese'], [1, 'speak english'], [1, 'avoid highways'], [1, 'avoid tolls'],
];

/** A sentence of the training text and how often it counts. */
export interface WeightedSentence {
  words: string[];
  weight: number;
}

/**
 * The training text: every template with every filler of its slots, each
 * template's weight spread evenly over its fillings.
 */
export function carPhrases(vocabulary: MapVocabulary): WeightedSentence[] {
  const streets = vocabulary.streets.map((s) => spokenWords(s));
  const places = [...streets, ...vocabulary.places.map((s) => spokenWords(s))].filter((w) => w.length > 0);
  const fillers: Record<string, string[][]> = {
    p: places.length > 0 ? places : [['the', 'city', 'centre']],
    s: streets.length > 0 ? streets : [['main', 'street']],
    c: SPOKEN_CUISINES.map((c) => c.split(' ')),
    n: PRICES.map((n) => spokenWords(String(n))),
    k: CATEGORIES.map((c) => c.split(' ')),
    o: ORDINALS.map((o) => [o]),
  };
  const out: WeightedSentence[] = [];
  for (const [weight, template] of TEMPLATES) {
    const parts = template.split(' ');
    let partial: string[][] = [[]];
    for (const part of parts) {
      const slot = /^\{(\w)\}$/.exec(part)?.[1];
      if (!slot) {
        const words = spokenWords(part);
        partial = partial.map((p) => [...p, ...words]);
        continue;
      }
      const options = fillers[slot]!;
      partial = partial.flatMap((p) => options.map((o) => [...p, ...o]));
    }
    for (const words of partial) out.push({ words, weight: weight / partial.length });
  }
  return out;
}

// ---------------------------------------------------------------------------
// The n-gram model

/** An n-gram model: log10 probabilities and back-off weights per n-gram, keyed by words joined with spaces. */
export interface NgramModel {
  order: number;
  /** grams[n-1]: n-gram → { logProb, backoff } (log10). */
  grams: Map<string, { logProb: number; backoff: number }>[];
}

/**
 * Trains an interpolated Witten-Bell model of `order` (2 or 3) on weighted
 * sentences; `<s>` and `</s>` are added. Unigrams get a little of the
 * probability mass uniformly, so every word in the vocabulary is reachable.
 */
export function trainNgramModel(sentences: readonly WeightedSentence[], order = 3): NgramModel {
  if (order < 1 || order > 5) throw new Error(`n-gram order ${order} is not between 1 and 5`);
  const counts: Map<string, number>[] = Array.from({ length: order }, () => new Map());
  for (const { words, weight } of sentences) {
    const tokens = ['<s>', ...words, '</s>'];
    for (let i = 0; i < tokens.length; i++) {
      for (let n = 1; n <= order && n <= i + 1; n++) {
        if (n === 1 && i === 0) continue; // <s> is never predicted
        const key = tokens.slice(i - n + 1, i + 1).join(' ');
        counts[n - 1]!.set(key, (counts[n - 1]!.get(key) ?? 0) + weight);
      }
    }
  }
  // Context totals and distinct followers per order.
  const contextTotal: Map<string, number>[] = Array.from({ length: order }, () => new Map());
  const contextTypes: Map<string, number>[] = Array.from({ length: order }, () => new Map());
  for (let n = 2; n <= order; n++) {
    for (const [key, c] of counts[n - 1]!) {
      const h = key.slice(0, key.lastIndexOf(' '));
      contextTotal[n - 1]!.set(h, (contextTotal[n - 1]!.get(h) ?? 0) + c);
      contextTypes[n - 1]!.set(h, (contextTypes[n - 1]!.get(h) ?? 0) + 1);
    }
  }
  const unigrams = counts[0]!;
  let total = 0;
  for (const c of unigrams.values()) total += c;
  const add = 0.1;
  const uni = new Map<string, number>();
  for (const [w, c] of unigrams) uni.set(w, (c + add) / (total + add * unigrams.size));

  // Interpolated probability of `w` after `h` (word arrays), at order h.length + 1.
  const memo = new Map<string, number>();
  const prob = (h: readonly string[], w: string): number => {
    if (h.length === 0) return uni.get(w) ?? 0;
    const key = `${h.join(' ')} ${w}`;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    const n = h.length + 1;
    const hk = h.join(' ');
    const ch = contextTotal[n - 1]!.get(hk);
    const lower = prob(h.slice(1), w);
    let p: number;
    if (ch === undefined) p = lower;
    else {
      const t = contextTypes[n - 1]!.get(hk)!;
      p = ((counts[n - 1]!.get(key) ?? 0) + t * lower) / (ch + t);
    }
    memo.set(key, p);
    return p;
  };

  const grams: NgramModel['grams'] = Array.from({ length: order }, () => new Map());
  const backoffOf = (key: string, n: number): number => {
    if (n >= order) return 0;
    const ch = contextTotal[n]!.get(key);
    if (ch === undefined) return 0;
    const t = contextTypes[n]!.get(key)!;
    return Math.log10(t / (ch + t));
  };
  grams[0]!.set('<s>', { logProb: -99, backoff: backoffOf('<s>', 1) });
  for (const [w, p] of uni) grams[0]!.set(w, { logProb: Math.log10(p), backoff: backoffOf(w, 1) });
  for (let n = 2; n <= order; n++) {
    for (const key of counts[n - 1]!.keys()) {
      const words = key.split(' ');
      const p = prob(words.slice(0, -1), words[words.length - 1]!);
      grams[n - 1]!.set(key, { logProb: Math.log10(p), backoff: backoffOf(key, n) });
    }
  }
  return { order, grams };
}

/** The model as ARPA text (the format pocketsphinx, SRILM and KenLM read). */
export function toArpa(model: NgramModel): string {
  const lines = ['\\data\\'];
  model.grams.forEach((g, i) => lines.push(`ngram ${i + 1}=${g.size}`));
  model.grams.forEach((g, i) => {
    lines.push('', `\\${i + 1}-grams:`);
    const highest = i + 1 === model.order;
    for (const [key, { logProb, backoff }] of [...g].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      lines.push(highest ? `${logProb.toFixed(6)}\t${key}` : `${logProb.toFixed(6)}\t${key}\t${backoff.toFixed(6)}`);
    }
  });
  lines.push('', '\\end\\', '');
  return lines.join('\n');
}

/** Parses ARPA text, checking that the header's counts match the sections. */
export function parseArpa(text: string, source = 'ARPA'): NgramModel {
  const lines = text.split('\n');
  const declared: number[] = [];
  const grams: NgramModel['grams'] = [];
  let section = 0;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line === '\\data\\' || line === '\\end\\') return;
    const header = /^ngram (\d+)=(\d+)$/.exec(line);
    if (header) {
      declared[Number(header[1]) - 1] = Number(header[2]);
      return;
    }
    const start = /^\\(\d+)-grams:$/.exec(line);
    if (start) {
      section = Number(start[1]);
      grams[section - 1] = new Map();
      return;
    }
    if (section === 0) throw new Error(`${source}:${i + 1}: "${line}" before the first n-gram section`);
    const parts = line.split(/\s+/);
    const logProb = Number(parts[0]);
    const words = parts.slice(1, 1 + section);
    const backoff = parts.length > 1 + section ? Number(parts[1 + section]) : 0;
    if (words.length !== section || Number.isNaN(logProb) || Number.isNaN(backoff)) {
      throw new Error(`${source}:${i + 1}: "${line}" is not a ${section}-gram line`);
    }
    grams[section - 1]!.set(words.join(' '), { logProb, backoff });
  });
  declared.forEach((count, i) => {
    const got = grams[i]?.size ?? 0;
    if (got !== count) throw new Error(`${source}: header says ngram ${i + 1}=${count}, the section has ${got}`);
  });
  return { order: grams.length, grams };
}

/** log10 P(word | history) under the back-off model (the last order-1 words of `history` count). */
export function logProbability(model: NgramModel, history: readonly string[], word: string): number {
  const h = history.slice(Math.max(0, history.length - model.order + 1));
  for (let start = 0; start <= h.length; start++) {
    const context = h.slice(start);
    const hit = model.grams[context.length]?.get([...context, word].join(' '));
    if (hit) {
      let bow = 0;
      for (let s = 0; s < start; s++) bow += model.grams[h.length - s - 1]?.get(h.slice(s).join(' '))?.backoff ?? 0;
      return hit.logProb + bow;
    }
  }
  return -Infinity;
}

// ---------------------------------------------------------------------------
// Pronunciations

const INITIALS = ['zh', 'ch', 'sh', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'h', 'j', 'q', 'x', 'r', 'z', 'c', 's'];
const INITIAL_PHONES: Record<string, string[]> = {
  b: ['B'], p: ['P'], m: ['M'], f: ['F'], d: ['D'], t: ['T'], n: ['N'], l: ['L'], g: ['G'], k: ['K'], h: ['HH'],
  j: ['JH'], q: ['CH'], x: ['SH'], zh: ['JH'], ch: ['CH'], sh: ['SH'], r: ['R'], z: ['Z'], c: ['T', 'S'], s: ['S'],
};
/** Finals ('v' is ü) as CMU phones: the nearest American English sounds. */
const FINAL_PHONES: Record<string, string[]> = {
  a: ['AA'], o: ['AO'], e: ['AH'], er: ['ER'], ai: ['AY'], ei: ['EY'], ao: ['AW'], ou: ['OW'], an: ['AA', 'N'], en: ['AH', 'N'],
  ang: ['AA', 'NG'], eng: ['AH', 'NG'], ong: ['UH', 'NG'], i: ['IY'], ia: ['Y', 'AA'], ie: ['Y', 'EH'], iao: ['Y', 'AW'], iu: ['Y', 'OW'],
  ian: ['Y', 'EH', 'N'], in: ['IY', 'N'], iang: ['Y', 'AA', 'NG'], ing: ['IY', 'NG'], iong: ['Y', 'UH', 'NG'], u: ['UW'], ua: ['W', 'AA'],
  uo: ['W', 'AO'], uai: ['W', 'AY'], ui: ['W', 'EY'], uan: ['W', 'AA', 'N'], un: ['W', 'AH', 'N'], uang: ['W', 'AA', 'NG'], ueng: ['W', 'AH', 'NG'],
  v: ['Y', 'UW'], ve: ['Y', 'UW', 'EH'], van: ['Y', 'UW', 'AE', 'N'], vn: ['Y', 'UW', 'N'],
};
/** y- and w- spellings as the finals they write. */
const ZERO_INITIAL: Record<string, string> = {
  yi: 'i', ya: 'ia', ye: 'ie', yao: 'iao', you: 'iu', yan: 'ian', yin: 'in', yang: 'iang', ying: 'ing', yong: 'iong',
  yu: 'v', yue: 've', yuan: 'van', yun: 'vn', wu: 'u', wa: 'ua', wo: 'uo', wai: 'uai', wei: 'ui', wan: 'uan', wen: 'un',
  wang: 'uang', weng: 'ueng',
};
const BARE_FINALS = new Set(['a', 'o', 'e', 'er', 'ai', 'ei', 'ao', 'ou', 'an', 'en', 'ang', 'eng']);

/** CMU phones of one pinyin syllable without tone, or undefined when it is not one. */
function syllablePhones(syllable: string): string[] | undefined {
  if (syllable === 'wu') return ['W', 'UW'];
  const zero = ZERO_INITIAL[syllable];
  if (zero) return FINAL_PHONES[zero];
  if (BARE_FINALS.has(syllable)) return FINAL_PHONES[syllable];
  const initial = INITIALS.find((i) => syllable.startsWith(i) && syllable.length > i.length);
  if (!initial) return undefined;
  let final = syllable.slice(initial.length);
  if ('jqx'.includes(initial) && final.startsWith('u')) final = 'v' + final.slice(1); // ju = jü
  if (final === 'i' && ['z', 'c', 's'].includes(initial)) return [...INITIAL_PHONES[initial]!, 'IH'];
  if (final === 'i' && ['zh', 'ch', 'sh', 'r'].includes(initial)) return [...INITIAL_PHONES[initial]!, 'ER'];
  if (final === 'ue' && 'nl'.includes(initial)) final = 've';
  if (final === 'e' && ['b', 'p', 'm', 'f'].includes(initial)) final = 'o';
  const phones = FINAL_PHONES[final];
  return phones ? [...INITIAL_PHONES[initial]!, ...phones] : undefined;
}

/**
 * CMU phones of a pinyin word ("wutong" → W UW T UH NG; "yan'an" → Y EH N AA N),
 * split into syllables with the fewest syllables (apostrophes separate), or
 * undefined when the word is not pinyin.
 */
export function pinyinToPhones(word: string): string[] | undefined {
  const parts = word.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ü/g, 'v').split(/['’-]/);
  const phones: string[] = [];
  for (const part of parts) {
    if (!/^[a-z]+$/.test(part)) return undefined;
    // Fewest syllables by dynamic programming over split points.
    const best: (string[] | undefined)[] = [[]];
    const size: number[] = [0];
    for (let end = 1; end <= part.length; end++) {
      size[end] = Infinity;
      for (let start = Math.max(0, end - 6); start < end; start++) {
        if (best[start] === undefined) continue;
        const p = syllablePhones(part.slice(start, end));
        if (p && size[start]! + 1 < size[end]!) {
          size[end] = size[start]! + 1;
          best[end] = [...best[start]!, ...p];
        }
      }
    }
    const whole = best[part.length];
    if (!whole) return undefined;
    phones.push(...whole);
  }
  return phones.length > 0 ? phones : undefined;
}

const LETTER_RULES: readonly (readonly [string, string[]])[] = [
  ['tch', ['CH']], ['sch', ['SH']], ['ch', ['CH']], ['sh', ['SH']], ['th', ['TH']], ['ph', ['F']], ['ck', ['K']], ['ng', ['NG']],
  ['qu', ['K', 'W']], ['ee', ['IY']], ['ea', ['IY']], ['oo', ['UW']], ['ou', ['AW']], ['ow', ['OW']], ['ai', ['EY']], ['ay', ['EY']],
  ['oa', ['OW']], ['oi', ['OY']], ['oy', ['OY']], ['au', ['AO']], ['aw', ['AO']], ['er', ['ER']], ['ir', ['ER']], ['ur', ['ER']],
  ['ar', ['AA', 'R']], ['or', ['AO', 'R']], ['a', ['AE']], ['e', ['EH']], ['i', ['IH']], ['o', ['AA']], ['u', ['AH']], ['y', ['IY']],
  ['b', ['B']], ['c', ['K']], ['d', ['D']], ['f', ['F']], ['g', ['G']], ['h', ['HH']], ['j', ['JH']], ['k', ['K']], ['l', ['L']],
  ['m', ['M']], ['n', ['N']], ['p', ['P']], ['q', ['K']], ['r', ['R']], ['s', ['S']], ['t', ['T']], ['v', ['V']], ['w', ['W']],
  ['x', ['K', 'S']], ['z', ['Z']],
];

/** A rough English reading of a word cmudict lacks, by letter rules (a last resort). */
export function englishLetterToSound(word: string): string[] {
  let w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (w.length > 3 && w.endsWith('e') && !/[aeiou]e$/.test(w)) w = w.slice(0, -1);
  const phones: string[] = [];
  let i = 0;
  while (i < w.length) {
    const rule = LETTER_RULES.find(([g]) => w.startsWith(g, i));
    if (!rule) {
      i++;
      continue;
    }
    const [g, p] = rule;
    if (phones[phones.length - 1] !== p[0] || p.length > 1) phones.push(...p);
    i += g.length;
  }
  return phones.length > 0 ? phones : ['AH'];
}

/** cmudict (pocketsphinx's format: `word PH PH`, variants as `word(2)`), word → pronunciations. */
export function parseCmudict(text: string): Map<string, string[][]> {
  const dict = new Map<string, string[][]>();
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 2) continue;
    const word = parts[0]!.replace(/\(\d+\)$/, '');
    const list = dict.get(word);
    if (list) list.push(parts.slice(1));
    else dict.set(word, [parts.slice(1)]);
  }
  return dict;
}

/**
 * The pronunciation dictionary for `words`: cmudict's pronunciations, plus
 * for a name word (in `names`) that reads as pinyin its Mandarin-ish reading;
 * a word cmudict lacks gets its pinyin reading and an English letter-rule
 * reading (English voices read pinyin by English rules). As pocketsphinx's
 * dictionary text.
 */
export function pronunciationDictionary(words: Iterable<string>, cmudict: ReadonlyMap<string, string[][]>, names: ReadonlySet<string> = new Set()): string {
  const lines: string[] = [];
  for (const word of [...new Set(words)].sort()) {
    if (word === '<s>' || word === '</s>') continue;
    const variants: string[][] = [...(cmudict.get(word) ?? [])];
    const known = variants.length > 0;
    const pinyin = known && !names.has(word) ? undefined : pinyinToPhones(word);
    if (pinyin) variants.push(pinyin);
    if (!known) variants.push(englishLetterToSound(word));
    const seen = new Set<string>();
    let k = 0;
    for (const v of variants) {
      const phones = v.join(' ');
      if (seen.has(phones)) continue;
      seen.add(phones);
      lines.push(`${k === 0 ? word : `${word}(${k + 1})`} ${phones}`);
      k++;
    }
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------
// Building it for a map

/** Options of `buildCarLanguageModel`. */
export interface CarLanguageModelOptions {
  /** Where the .lm and .dic go. */
  cacheDir: string;
  /** cmudict to take pronunciations from. Default: Debian's. */
  cmudictPath?: string;
  /** 2 or 3. Default 3. */
  order?: number;
}

/** The files pocketsphinx needs for the car-biased model, and what went in. */
export interface CarLanguageModel {
  lm: string;
  dict: string;
  sentences: number;
  vocabulary: number;
  /** Whether the files were already in the cache. */
  cached: boolean;
}

/**
 * Builds (or finds in `cacheDir`) the car-biased trigram model and dictionary
 * for a map's vocabulary.
 */
export function buildCarLanguageModel(vocabulary: MapVocabulary, options: CarLanguageModelOptions): CarLanguageModel {
  const order = options.order ?? 3;
  const cmudictPath = options.cmudictPath ?? DEBIAN_EN_US_MODEL.dict;
  const sentences = carPhrases(vocabulary);
  const key = createHash('sha256')
    .update(JSON.stringify({ v: 2, order, cmudictPath, templates: TEMPLATES, vocabulary }))
    .digest('hex')
    .slice(0, 16);
  mkdirSync(options.cacheDir, { recursive: true });
  const lm = join(options.cacheDir, `car-${key}.lm`);
  const dict = join(options.cacheDir, `car-${key}.dic`);
  const words = new Set<string>();
  for (const s of sentences) for (const w of s.words) words.add(w);
  if (existsSync(lm) && existsSync(dict)) return { lm, dict, sentences: sentences.length, vocabulary: words.size, cached: true };
  if (!existsSync(cmudictPath)) throw new Error(`${cmudictPath}: cmudict is missing (install pocketsphinx-en-us, or pass cmudictPath)`);
  const names = new Set([...vocabulary.streets, ...vocabulary.places].flatMap((n) => spokenWords(n)));
  const model = trainNgramModel(sentences, order);
  const dictionary = pronunciationDictionary(words, parseCmudict(readFileSync(cmudictPath, 'utf8')), names);
  // Write then rename, so a concurrent reader never sees half a file.
  writeFileSync(`${lm}.tmp${process.pid}`, toArpa(model));
  writeFileSync(`${dict}.tmp${process.pid}`, dictionary);
  renameSync(`${lm}.tmp${process.pid}`, lm);
  renameSync(`${dict}.tmp${process.pid}`, dict);
  return { lm, dict, sentences: sentences.length, vocabulary: words.size, cached: false };
}
