/**
 * Numbers and quantities in what drivers say, in English and Chinese:
 * numerals ("twenty five", "二十五", "两百五", "1.5"), clock times ("7 pm",
 * "half past six", "晚上七点", "下午三点半", "19:00"), times from now ("in 20
 * minutes", "半小时后"), durations, distances ("half a mile", "500米"),
 * prices per hour ("10 yuan an hour", "每小时十块以内") and ordinals
 * ("the second one", "第二个", "最后一个", "the other one").
 *
 * All patterns work on `Normalised.low` and are compiled once, here.
 * Values come back normalised as intents.ts wants them: minutes, metres
 * (rounded to whole metres), "HH:MM", 1-based ordinals with -1 for the last.
 */
import type { TimeSpec } from '../intents.ts';

// ---------------------------------------------------------------------------
// Numerals

const EN_SMALL: Readonly<Record<string, number>> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const EN_WORD = `(?:${[...Object.keys(EN_SMALL), 'hundred', 'thousand'].sort((a, b) => b.length - a.length).join('|')})`;
/** An English number: digits, or number words ("twenty five", "one hundred and twenty"). */
export const EN_NUM = `(?:\\d+(?:\\.\\d+)?|${EN_WORD}(?:(?: and)? ${EN_WORD})*)`;
/** A Chinese number: digits or numeral characters ("二十五", "两百", "1.5"). */
export const ZH_NUM = `(?:\\d+(?:\\.\\d+)?|[零〇一二两俩三四五六七八九十百千万]+)`;

const ZH_DIGIT: Readonly<Record<string, number>> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 俩: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const ZH_UNIT: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/** Value of a Chinese numeral, with colloquial tails: "一千五" = 1500, "两百五" = 250. */
function parseZhNumeral(s: string): number | undefined {
  let total = 0;
  let section = 0;
  let digit = -1;
  let lastUnit = 0;
  let zeroAfterUnit = false;
  for (const ch of s) {
    const d = ZH_DIGIT[ch];
    if (d !== undefined) {
      if (d === 0) zeroAfterUnit = true;
      digit = d;
      continue;
    }
    const unit = ZH_UNIT[ch];
    if (unit === undefined) return undefined;
    if (unit === 10000) {
      total += (section + Math.max(digit, 0)) * 10000;
      section = 0;
    } else {
      section += (digit < 0 ? 1 : digit) * unit;
    }
    digit = -1;
    lastUnit = unit;
    zeroAfterUnit = false;
  }
  if (digit >= 0) section += lastUnit >= 100 && !zeroAfterUnit ? (digit * lastUnit) / 10 : digit;
  return total + section;
}

function parseEnNumeral(s: string): number | undefined {
  let total = 0;
  let current = 0;
  let any = false;
  for (const word of s.split(/\s+/)) {
    if (word === 'and' || word === '') continue;
    if (word === 'hundred') current = (current || 1) * 100;
    else if (word === 'thousand') {
      total += (current || 1) * 1000;
      current = 0;
    } else {
      const v = EN_SMALL[word];
      if (v === undefined) return undefined;
      current += v;
    }
    any = true;
  }
  return any ? total + current : undefined;
}

/** The value of a number token in digits, English words, or Chinese numerals; "a"/"an" count as one, "half" as 0.5. */
export function parseNumber(token: string): number | undefined {
  const t = token.trim();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t);
  if (t === 'a' || t === 'an') return 1;
  if (t === 'half' || t === 'half a' || t === 'half an' || t === '半') return 0.5;
  if (/^[零〇一二两俩三四五六七八九十百千万]+$/.test(t)) return parseZhNumeral(t);
  return parseEnNumeral(t);
}

// ---------------------------------------------------------------------------
// Durations

/** An English duration: "20 minutes", "an hour and a half", "half an hour", "1.5 hours", "a 5 minute". */
const DUR_EN = `(?:(?:an?|${EN_NUM}|a couple of)(?: and a half)? (?:hours?|hrs?|h|minutes?|mins?|min)(?: and a half)?|half an? hour|half hour|(?:a )?quarter of an hour)`;
/** A Chinese duration: "二十分钟", "一个半小时", "两小时", "半个小时", "一刻钟". */
const DUR_ZH = `(?:${ZH_NUM}\\s*个?\\s*半?\\s*(?:小时|钟头|个钟)|半\\s*个?\\s*(?:小时|钟头)|${ZH_NUM}\\s*分钟|${ZH_NUM}\\s*刻钟)`;

const DUR_EN_PARTS = new RegExp(`^(an?|${EN_NUM}|a couple of)( and a half)? (hours?|hrs?|h|minutes?|mins?|min)( and a half)?$`);
const DUR_ZH_PARTS = new RegExp(`^(${ZH_NUM})\\s*个?\\s*(半)?\\s*(小时|钟头|个钟|分钟|刻钟)$`);

/** Minutes of a duration phrase matched by DUR_EN or DUR_ZH. */
export function durationMinutes(phrase: string): number | undefined {
  const p = phrase.trim();
  if (/^half an? hour$|^half hour$|^半\s*个?\s*(?:小时|钟头)$/.test(p)) return 30;
  if (/quarter of an hour$/.test(p)) return 15;
  const en = DUR_EN_PARTS.exec(p);
  if (en) {
    const n = en[1] === 'a couple of' ? 2 : parseNumber(en[1]!);
    if (n === undefined) return undefined;
    const half = en[2] !== undefined || en[4] !== undefined ? 0.5 : 0;
    const hours = en[3]!.startsWith('h');
    return Math.round(hours ? (n + half) * 60 : n + half);
  }
  const zh = DUR_ZH_PARTS.exec(p);
  if (zh) {
    const n = parseNumber(zh[1]!);
    if (n === undefined) return undefined;
    const half = zh[2] !== undefined ? 0.5 : 0;
    const unit = zh[3]!;
    if (unit === '分钟') return Math.round(n);
    if (unit === '刻钟') return Math.round(n * 15);
    return Math.round((n + half) * 60);
  }
  return undefined;
}

const STAY_EN = new RegExp(`\\b(?:for|stay(?:ing)?|park(?:ing)?|need it)\\s+(?:for\\s+)?(?:about |around |roughly |approximately |maybe |like |just |only )?(${DUR_EN})\\b`);
const STAY_ZH = new RegExp(`(?:停|待|呆|放)\\s*(?:车)?\\s*(?:个|上)?\\s*(?:大概|大约|差不多|约|只)?\\s*(${DUR_ZH})`);

/** How long the driver will stay parked: "for two hours", "停两个小时", "待一百分钟". */
export function findStayMinutes(low: string): number | undefined {
  const m = STAY_EN.exec(low) ?? STAY_ZH.exec(low);
  return m ? durationMinutes(m[1]!) : undefined;
}

const DETOUR_WORD_EN = /\b(?:detour|out of (?:the|my|our) way|off (?:the |my )?route|off course|extra time)\b/;
const DUR_EN_ANY = new RegExp(`\\b(${DUR_EN})\\b`);
const DETOUR_ZH = new RegExp(`(?:绕路|绕道|绕行|绕远)\\s*(?:不超过|别超过|不要超过|不能超过|最多|在|控制在)?\\s*(${DUR_ZH}|一刻钟)|(${DUR_ZH}|一刻钟)\\s*(?:以内|之内|内)?\\s*的?\\s*(?:绕路|绕道)`);

/** The longest detour the driver accepts: "no more than 10 minutes out of the way", "绕路不超过十分钟". */
export function findDetourMinutes(low: string): number | undefined {
  if (DETOUR_WORD_EN.test(low)) {
    const m = DUR_EN_ANY.exec(low);
    if (m) return durationMinutes(m[1]!);
  }
  const z = DETOUR_ZH.exec(low);
  if (z) return durationMinutes(z[1] ?? z[2]!);
  return undefined;
}

// ---------------------------------------------------------------------------
// Times

/** What a bare hour ("at 7", "七点") most likely means. */
export interface ClockHints {
  meal?: 'breakfast' | 'lunch' | 'dinner' | 'snack' | undefined;
  now?: { hour: number; minute: number } | undefined;
}

const HOUR_WORDS: Readonly<Record<string, number>> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
};
const HOUR_EN = `(?:1[0-2]|0?[1-9]|${Object.keys(HOUR_WORDS).sort((a, b) => b.length - a.length).join('|')})`;
const PM_EN = /\b(?:pm|tonight|this evening|in the evening|this afternoon|in the afternoon|at night)\b/;
const AM_EN = /\b(?:am|this morning|in the morning)\b/;

const RELATIVE_EN = new RegExp(`\\bin (?:about |around |roughly |approximately |like |another )?(${DUR_EN})\\b|\\b(${DUR_EN}) from now\\b`);
// 过 as in "过二十分钟", not as in 超过 / 不超过.
const RELATIVE_ZH = new RegExp(`(?:再?(?<![超经通越])过\\s*)?(${DUR_ZH})\\s*(?:左右)?\\s*(?:以后|之后|后)|再?(?<![超经通越])过\\s*(${DUR_ZH})`);
const CLOCK_COLON = /(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])(?:\s*(am|pm)\b)?/;
const CLOCK_HALF_PAST = new RegExp(`\\b(half|(?:a )?quarter) (past|after|to) (${HOUR_EN})\\b`);
const CLOCK_AM_PM = new RegExp(`\\b(${HOUR_EN})(?:\\s*(am|pm)\\b|\\s+o'?clock\\b)`);
const CLOCK_NOON = /\b(noon|midday|midnight)\b/;
const CLOCK_BARE = new RegExp(
  `\\b(?:at|around|about|by|until|till|after|before|hit)\\s+(?:about |around |roughly )?(${HOUR_EN})\\b(?!\\s*(?:minutes?|mins?|min\\b|hours?|hrs?|km|kms|kilomet|m\\b|meters?|metres?|miles?|mi\\b|yuan|bucks|rmb|kuai|dollars|an hour|a hour|per\\b|stars?|people|percent|degrees|%|st\\b|nd\\b|rd\\b|th\\b))`,
);
const ZH_PERIOD = '(凌晨|早上|早晨|清晨|上午|中午|午后|下午|傍晚|晚上|今晚|今天晚上|夜里|半夜|夜间)';
const CLOCK_ZH = new RegExp(
  `${ZH_PERIOD}?\\s*(\\d{1,2}|[零一二两三四五六七八九十]{1,3})\\s*(?:点|时)(?!钟头)(钟)?\\s*(半|一刻|三刻|零?(\\d{1,2}|[零一二三四五六七八九十]{1,3})\\s*分?)?`,
  'g',
);
/** "便宜一点", "近一点", "cheap一点": 一点 as "a little", not one o'clock. */
const A_LITTLE_BEFORE = /[近远快慢宜贵大小多少早晚高低好强长短轻重热冷再有点些a-z]$/;

function clock(hour: number, minute: number): TimeSpec {
  return { kind: 'clock', time: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}` };
}

type Period = 'am' | 'pm' | 'noon' | 'night' | 'midnight' | undefined;

/** Turns a spoken hour into 24-hour time (see `findTime` for the rules). */
function resolveHour(hour: number, period: Period, hints: ClockHints, minute: number): number {
  if (hour > 12) return hour % 24;
  switch (period) {
    case 'am':
      return hour === 12 ? 0 : hour;
    case 'pm':
      return hour === 12 ? 12 : hour + 12;
    case 'noon':
      return hour <= 5 ? hour + 12 : hour;
    case 'night':
      return hour === 12 ? 0 : hour < 5 ? hour : hour + 12;
    case 'midnight':
      return hour === 12 ? 0 : hour;
    case undefined:
      break;
  }
  if (hints.meal === 'dinner') return hour < 12 ? hour + 12 : hour;
  if (hints.meal === 'lunch') return hour <= 5 ? hour + 12 : hour;
  if (hints.meal === 'breakfast') return hour === 12 ? 0 : hour;
  if (hints.now) {
    const nowMin = hints.now.hour * 60 + hints.now.minute;
    const h12 = hour % 12;
    const am = h12 * 60 + minute;
    const pm = (h12 + 12) * 60 + minute;
    if (am >= nowMin) return h12;
    if (pm >= nowMin) return h12 + 12;
    return h12;
  }
  // No clue at all: a driver rarely means 1–6 in the morning.
  return hour <= 6 ? hour + 12 : hour;
}

function zhPeriod(word: string | undefined): Period {
  switch (word) {
    case '凌晨':
    case '早上':
    case '早晨':
    case '清晨':
    case '上午':
      return 'am';
    case '中午':
      return 'noon';
    case '午后':
    case '下午':
    case '傍晚':
      return 'pm';
    case '晚上':
    case '今晚':
    case '今天晚上':
    case '夜里':
    case '夜间':
      return 'night';
    case '半夜':
      return 'midnight';
    default:
      return undefined;
  }
}

/** A time found in an utterance, with where it was. */
export interface TimeMatch {
  spec: TimeSpec;
  index: number;
  end: number;
}

/**
 * The first time the driver names: relative ("in 20 minutes", "半小时后") or a
 * clock time. A clock time with am/pm, a 24-hour form or a Chinese period word
 * (晚上, 下午…) is taken as said; a bare hour follows the meal (dinner at 7 is
 * 19:00, lunch at 1 is 13:00), else the next such hour after `now`, else 1–6
 * are afternoon hours.
 */
export function findTime(low: string, hints: ClockHints = {}): TimeMatch | undefined {
  const rel = RELATIVE_EN.exec(low) ?? RELATIVE_ZH.exec(low);
  if (rel) {
    const minutes = durationMinutes(rel[1] ?? rel[2]!);
    if (minutes !== undefined) return { spec: { kind: 'in', minutes }, index: rel.index, end: rel.index + rel[0].length };
  }
  const pmWord = PM_EN.test(low);
  const amWord = AM_EN.test(low);
  const enPeriod: Period = pmWord ? 'pm' : amWord ? 'am' : undefined;

  const colon = CLOCK_COLON.exec(low);
  if (colon) {
    const h = Number(colon[1]);
    const m = Number(colon[2]);
    if (h < 24 && m < 60) {
      // Look for a Chinese period word just before ("晚上19:00", "下午3:30").
      const before = low.slice(Math.max(0, colon.index - 4), colon.index);
      const zp = /(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|今晚|夜里)\s*$/.exec(before);
      const period: Period = colon[3] === 'pm' ? 'pm' : colon[3] === 'am' ? 'am' : zp ? zhPeriod(zp[1]) : enPeriod;
      const hour = colon[1]!.length === 2 && colon[1]!.startsWith('0') ? h : resolveHour(h, period, hints, m);
      return { spec: clock(hour, m), index: colon.index, end: colon.index + colon[0].length };
    }
  }
  const half = CLOCK_HALF_PAST.exec(low);
  if (half) {
    let h = hourOf(half[3]!);
    let m = half[1] === 'half' ? 30 : 15;
    if (half[2] === 'to') {
      h = h === 1 ? 12 : h - 1;
      m = 60 - m;
    }
    return { spec: clock(resolveHour(h, enPeriod, hints, m), m), index: half.index, end: half.index + half[0].length };
  }
  const ampm = CLOCK_AM_PM.exec(low);
  if (ampm) {
    const period: Period = ampm[2] === 'pm' ? 'pm' : ampm[2] === 'am' ? 'am' : enPeriod;
    return { spec: clock(resolveHour(hourOf(ampm[1]!), period, hints, 0), 0), index: ampm.index, end: ampm.index + ampm[0].length };
  }
  const noon = CLOCK_NOON.exec(low);
  if (noon) return { spec: clock(noon[1] === 'midnight' ? 0 : 12, 0), index: noon.index, end: noon.index + noon[0].length };
  CLOCK_ZH.lastIndex = 0;
  for (let m = CLOCK_ZH.exec(low); m; m = CLOCK_ZH.exec(low)) {
    const period = zhPeriod(m[1]);
    const hourToken = m[2]!;
    const hour = parseNumber(hourToken);
    if (hour === undefined || hour > 24) continue;
    const after = low.slice(m.index + m[0].length);
    // "一点五公里" is a distance, not 1:05.
    if (/^\s*(?:公里|千米|米|英里)/.test(after)) continue;
    if (period === undefined && m[3] === undefined && m[4] === undefined && (hourToken === '一' || hourToken === '两')) {
      const before = low.slice(0, m.index);
      if (A_LITTLE_BEFORE.test(before) || /^\s*(?:的|儿|吧|点)/.test(after) || before === '' && after === '') continue;
    }
    const minutePart = m[4];
    const minute = minutePart === undefined ? 0 : minutePart === '半' ? 30 : minutePart === '一刻' ? 15 : minutePart === '三刻' ? 45 : (parseNumber(m[5] ?? '') ?? 0);
    if (minute >= 60) continue;
    return { spec: clock(resolveHour(hour, period, hints, minute), minute), index: m.index, end: m.index + m[0].length };
  }
  const bare = CLOCK_BARE.exec(low);
  if (bare) {
    return { spec: clock(resolveHour(hourOf(bare[1]!), enPeriod, hints, 0), 0), index: bare.index, end: bare.index + bare[0].length };
  }
  return undefined;
}

function hourOf(token: string): number {
  return HOUR_WORDS[token] ?? Number(token);
}

// ---------------------------------------------------------------------------
// Distances

const MILE_M = 1609.344;
const DIST_EN = new RegExp(`(?:\\b|(?<=\\d))(half an?|an?|${EN_NUM})\\s*(km|kms|kilomet(?:er|re)s?|m|meters?|metres?|mi|miles?)\\b`);
const DIST_ZH = new RegExp(`(${ZH_NUM})(?:点(${ZH_NUM}))?\\s*(公里|千米|米|英里)(半)?|半\\s*(公里|英里)`);

/** A distance the driver names, in whole metres: "within 2 km", "half a mile", "五百米", "一公里半". */
export function findDistanceM(low: string): number | undefined {
  const en = DIST_EN.exec(low);
  if (en) {
    const n = parseNumber(en[1]!);
    if (n !== undefined) {
      const unit = en[2]!;
      const metres = unit.startsWith('k') ? n * 1000 : unit.startsWith('mi') ? n * MILE_M : n;
      return Math.round(metres);
    }
  }
  const zh = DIST_ZH.exec(low);
  if (zh) {
    if (zh[5] !== undefined) return Math.round(zh[5] === '英里' ? MILE_M / 2 : 500);
    let n = parseNumber(zh[1]!);
    if (n === undefined) return undefined;
    if (zh[2] !== undefined) n += Number(`0.${parseNumber(zh[2]) ?? 0}`);
    if (zh[4] !== undefined) n += 0.5;
    const unit = zh[3]!;
    return Math.round(unit === '米' ? n : unit === '英里' ? n * MILE_M : n * 1000);
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Prices (per hour, in the region's currency)

const CURRENCY_EN = '(?:yuan|rmb|cny|kuai|bucks|dollars?|块|元)';
const PER_HOUR_EN = '(?:(?:an|a|per|each|every|/)\\s*(?:hour|hr|h)\\b)';
const PRICE_PER_HOUR_EN = new RegExp(`(?:¥|rmb\\s*)?\\b(${EN_NUM})\\s*(?:${CURRENCY_EN}\\s*)?${PER_HOUR_EN}`);
const PRICE_CURRENCY_EN = new RegExp(`(?:¥\\s*(\\d+(?:\\.\\d+)?))|\\b(${EN_NUM})\\s*${CURRENCY_EN}\\b`);
const PRICE_BOUND_EN = /\b(?:under|below|less than|no more than|not more than|max(?:imum)?|at most|up to|cheaper than|more than)\s+(\d+(?:\.\d+)?)\b(?!\s*(?:minutes?|mins?|min\b|hours?|hrs?|m\b|km|meters?|metres?|miles?|%|am\b|pm\b|o'?clock))/;
const PRICE_ZH = new RegExp(`(${ZH_NUM})\\s*(?:块钱|块|元|rmb)`);
const FREE = /\bfree\b|免费|不要钱|不收费/;

/**
 * The most the driver will pay per hour. `loose` also accepts a bare bound
 * ("under 10") and a price without "an hour" ("20 yuan"), for utterances
 * already known to be about parking.
 */
export function findPricePerHour(low: string, loose: boolean): number | undefined {
  const perHour = PRICE_PER_HOUR_EN.exec(low);
  if (perHour) {
    const n = parseNumber(perHour[1]!);
    if (n !== undefined) return n;
  }
  const zh = PRICE_ZH.exec(low);
  if (zh) {
    const n = parseNumber(zh[1]!);
    if (n !== undefined) return n;
  }
  if (!loose) return undefined;
  const cur = PRICE_CURRENCY_EN.exec(low);
  if (cur) {
    const n = parseNumber(cur[1] ?? cur[2]!);
    if (n !== undefined) return n;
  }
  const bound = PRICE_BOUND_EN.exec(low);
  if (bound) return Number(bound[1]);
  if (FREE.test(low)) return 0;
  return undefined;
}

// ---------------------------------------------------------------------------
// Ordinals

/** A reference by position, with where it was said. */
export interface OrdinalMatch {
  /** 1-based; -1 the last; 'other' for "the other one". */
  index: number | 'other';
  start: number;
  end: number;
}

const ORDINAL_WORDS: Readonly<Record<string, number>> = {
  first: 1, '1st': 1, second: 2, '2nd': 2, third: 3, '3rd': 3, fourth: 4, '4th': 4, fifth: 5, '5th': 5,
  sixth: 6, '6th': 6, seventh: 7, '7th': 7, eighth: 8, '8th': 8, ninth: 9, '9th': 9, tenth: 10, '10th': 10,
  last: -1, final: -1, bottom: -1, top: 1,
};
const SMALL_NUMBER = `(?:\\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)`;
const ORDINAL_EN = new RegExp(
  `\\b(${Object.keys(ORDINAL_WORDS).join('|')})\\b(?!\\s+(?:night|week|year|time|minute|of all))` +
    `|\\b(?:number|no|option|choice|result|stop|#)\\s*(?:number\\s+)?(${SMALL_NUMBER})\\b` +
    `|\\b(?:the )?other one\\b|\\bthe other\\b`,
  'g',
);
const ORDINAL_ZH = new RegExp(
  `第\\s*(${ZH_NUM})\\s*(?:个|家|站|项|条|位|号|名|处)?` +
    `|(?<![\\d零一二两三四五六七八九十])(${ZH_NUM})\\s*号(?![线路楼])` +
    `|最后(?:一)?(?:个|家|站|那个|那家|一个|一站|面那个)?|最下面(?:那个|那家|的)?` +
    `|最上面(?:那个|那家|的)?|最前面(?:那个|那家|的)?` +
    `|另(?:外)?(?:一)?(?:个|家)|另外那(?:个|家)|别的那(?:个|家)|其他那(?:个|家)`,
  'g',
);

/** Every ordinal reference in the utterance, in order. */
export function findOrdinals(low: string): OrdinalMatch[] {
  const found: OrdinalMatch[] = [];
  ORDINAL_EN.lastIndex = 0;
  for (let m = ORDINAL_EN.exec(low); m; m = ORDINAL_EN.exec(low)) {
    const end = m.index + m[0].length;
    if (m[1] !== undefined) found.push({ index: ORDINAL_WORDS[m[1]]!, start: m.index, end });
    else if (m[2] !== undefined) {
      const n = parseNumber(m[2]);
      if (n !== undefined && n >= 1) found.push({ index: n, start: m.index, end });
    } else found.push({ index: 'other', start: m.index, end });
  }
  ORDINAL_ZH.lastIndex = 0;
  for (let m = ORDINAL_ZH.exec(low); m; m = ORDINAL_ZH.exec(low)) {
    const end = m.index + m[0].length;
    const token = m[1] ?? m[2];
    const text = m[0];
    if (token !== undefined) {
      const n = parseNumber(token);
      if (n !== undefined && n >= 1 && n <= 50) found.push({ index: n, start: m.index, end });
    } else if (text.startsWith('最后') || text.startsWith('最下面')) found.push({ index: -1, start: m.index, end });
    else if (text.startsWith('最上面') || text.startsWith('最前面')) found.push({ index: 1, start: m.index, end });
    else found.push({ index: 'other', start: m.index, end });
  }
  found.sort((a, b) => a.start - b.start);
  return found;
}
