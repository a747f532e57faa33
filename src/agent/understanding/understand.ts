/**
 * Embedded, offline understanding of one utterance in English, Chinese or a
 * mix: which intent of intents.ts it is, with normalised slots.
 *
 * 1. Normalise (width, traditional → simplified, punctuation, case).
 * 2. Answers to what Cabin just asked: a bare yes/no to a confirmation, a
 *    value for an awaited slot ("Renmin Road" after "where to?").
 * 3. Follow-ups on results on screen: "the second one", "go there",
 *    "anything cheaper?", "what about Italian?", "no, the other one".
 * 4. Otherwise, weighted cue phrases (lexicon.ts) plus a few structural rules
 *    (a meal with a stop or a time is a meal stop; a category on its own is
 *    "the nearest X") score every intent; the best one wins, and an
 *    out-of-scope cue or too little evidence declines the request.
 *
 * Everything is compiled at module load; an utterance costs a few dozen regex
 * tests on a short string.
 */
import { INTENT_NAMES, type Anchor, type Intent, type IntentName, type ItemRef, type TimeSpec, type Understanding } from '../intents.ts';
import { CUES, categoryOfPhrase, findCategory, findCuisine, LEADING_NO, yesOrNo } from './lexicon.ts';
import { normalise, type Normalised } from './normalise.ts';
import { cleanPlace, findAnchor, findDestination, highwayChoice, savedPlace, type Span } from './places.ts';
import { findDetourMinutes, findDistanceM, findOrdinals, findPricePerHour, findStayMinutes, findTime, parseNumber, type OrdinalMatch } from './quantities.ts';

/** What the dialogue knows when the driver speaks. */
export interface UnderstandingContext {
  /** The intent of the previous turn. */
  lastIntent?: IntentName | undefined;
  /** Search results are on screen (a follow-up can pick or refine them). */
  hasResults?: boolean | undefined;
  /** Cabin just asked a yes/no question. */
  awaitingConfirmation?: boolean | undefined;
  /** Cabin just asked for this slot of `lastIntent` ("destination", "place", "at", "cuisine", "stop"). */
  awaitingSlot?: string | undefined;
  /** The wall clock in the region's zone, to read a bare "at 11" as 11:00 or 23:00. */
  timeZoneNow?: { hour: number; minute: number } | undefined;
}

const INTENT_INDEX = new Map<string, number>(INTENT_NAMES.map((name, i) => [name, i]));
const idx = (name: IntentName): number => INTENT_INDEX.get(name)!;
const OOS = idx('out_of_scope');

function score(scores: Float64Array, name: IntentName): number {
  return scores[idx(name)] ?? 0;
}

function bump(scores: Float64Array, name: IntentName, weight: number): void {
  scores[idx(name)] = score(scores, name) + weight;
}
/** Below this score nothing fits: the request is declined with low confidence. */
const MIN_SCORE = 2.5;

type Meal = 'breakfast' | 'lunch' | 'dinner' | 'snack';
const MEAL_WORDS: readonly (readonly [RegExp, Meal])[] = [
  [/\bbreakfast\b|\bbrunch\b|早饭|早餐|早点(?!到|出发|走)/, 'breakfast'],
  [/\blunch\b|午饭|午餐|中饭/, 'lunch'],
  [/\bdinner\b|\bsupper\b|晚饭|晚餐/, 'dinner'],
  [/\bsnack\b|宵夜|夜宵|下午茶|小吃|零食/, 'snack'],
];
const STOP_VERB = /\b(?:stop|stops|break|pull over|pit stop|pause)\b|停|歇|休息/;
const PLAN_VERB = /\b(?:plan|schedule|arrange|add|have|grab|eat|get)\b|安排|加/;
const EAT_VERB = /\b(?:eat|bite|food)\b|吃/;
const OPEN_CUE = /\bopen\b|\bstill serving\b|开着|营业|开门|还开|还能|还可以/;
const SEARCH_VERB = /\b(?:find|search|look for|look up|show me|any|is there|where)\b|找|搜|有没有|哪里|哪儿/;

const CHEAP = /\bcheap(?:er)?\b|\binexpensive\b|\bbudget\b|\baffordable\b|\bnot (?:too )?(?:expensive|pricey)\b|\baren't pricey\b|\bless pricey\b|便宜|实惠|平价|不贵|经济/;
const COVERED_TRUE = /\bcovered\b|\bindoor\b|\bunderground\b|\broof\b|\bgarage\b|\bmulti ?stor(?:e)?y\b|\bparking (?:structure|deck)\b|室内|地下|顶棚|有顶|立体|车库|停车楼/;
const COVERED_FALSE = /\bopen air\b|\boutdoor\b|\buncovered\b|\bsurface (?:lot|parking)\b|露天|室外|地面停车/;
const EV = /\bev\b|\bcharg(?:e|er|ers|ing)\b|\belectric\b|充电/;
const WALK_WORDS = /\bwalk\b|步行|走路|最多走|走(?=[零一二两三四五六七八九十百\d])/;

const REFINE_CHEAPER = /\bcheaper\b|\bless (?:expensive|pricey|costly)\b|\btoo (?:expensive|pricey|much)\b|\bmore affordable\b|便宜|太贵|不那么贵|实惠|省钱/;
const REFINE_CLOSER = /\bcloser\b|\bnearer\b|\btoo far\b|\bnot so far\b|\bless far\b|近(?:一)?(?:点|些)|更近|太远|离.{0,6}近/;
const REFINE_CUE = /\b(?:what|how) about\b|\binstead\b|\brather\b|\btoo\b|\bonly\b|\bones?\b|\bwould be better\b|\bthen\b|呢$|换|更|太|再|的$|有吗|最好/;
const GO_EN = /\b(?:take (?:me|us)|navigate|navigation|drive|head|route me|let's go|lets go|go)\b(?! with)/;
const GO_ZH = /导航|去(?!掉)|开到|开过去|出发|走吧|走起|带我/;

const ASPECT_ETA = /\beta\b|\bon time\b|\bwhat time\b|\bget to\b|\barriv|\bget there\b|\breach\b|\bhow (?:much )?longer\b|\bthere yet\b|\bminutes left\b|\bhow long\b|多久|几点|到达|什么时候|到了|多长时间|eta/;
const ASPECT_DISTANCE = /\bhow far\b|\bfurther\b|\bfarther\b|\bdistance\b|\bkilomet|\bkm\b|\bmiles\b|多远|公里|距离|多少路/;
const ASPECT_TURN = /\bturn\b|\bcoming up\b|\bwhat's next\b|\bup next\b|\bwhich way\b|接下来|\binstruction\b|\bexit\b|\bmaneuver|\bmanoeuvre|路口|拐|转弯|左转|右转|下一步/;

const PLACE_SUFFIX_EN =
  '(?:Road|Rd|Street|St|Avenue|Ave|Lane|Boulevard|Park|Square|Station|Mall|Hospital|Center|Centre|Plaza|Tower|Building|Airport|Market|Bridge|Trattoria|Restaurant|Kitchen|Dining|Hotel|School|University|Court)';
/** A name as said in English: capitalised words ending in a place word, optionally with a house number. */
const PLACE_NAME_EN = new RegExp(`^(?:\\d+\\s+)?(?:[A-Z][\\w']*\\s+){0,5}${PLACE_SUFFIX_EN}(?:\\s+\\d+)?$`);
const PLACE_NAME_ZH = /^[\u3400-\u9fff0-9A-Za-z']{1,14}(?:路|街|大道|弄|广场|公园|站|医院|中心|商场|机场|大厦|酒店|小区|学校|大学|市场|餐厅|饭店|馆|号|料理|烤肉)$/;
const LANGUAGE_EN = /\benglish\b|英文|英语|english/;
const LANGUAGE_ZH = /\bchinese\b|\bmandarin\b|中文|汉语|普通话|国语/;
/** A language named as one: "speak Chinese", "switch to English", "language to Chinese". */
const LANGUAGE_WORD = /\b(?:speak|speaking|talk to me in|in|to|switch to|language to|language as)\s+(?:english|chinese|mandarin)\b|(?<=说|用|成|切换到)(?:中文|英文|英语|汉语)/;

const CANCEL_NAVIGATION = /\b(?:navigation|navigating|directions|guidance|guiding|route|trip|routing)\b|导航|导了|行程/;
const CANCEL_REQUEST = /\bnever ?mind\b|\bforget\b|\bscratch that\b|\bcancel (?:that|it|this)\b|算了|当我没说|没事了|刚才|不要了/;

/** One scored reading. */
interface Reading {
  intent: Intent;
  confidence: number;
  missing: string[];
}

/**
 * Understands one utterance: its intent, normalised slots, language,
 * confidence and the slots still missing. Pure; `context` is what the
 * dialogue knows (see `UnderstandingContext`).
 */
export function understand(text: string, context: UnderstandingContext = {}): Understanding {
  const n = normalise(text);
  const reading = read(n, context);
  return { intent: reading.intent, language: n.lang, confidence: round2(reading.confidence), missing: reading.missing };
}

function round2(x: number): number {
  return Math.round(Math.min(0.99, Math.max(0.01, x)) * 100) / 100;
}

function outOfScope(confidence: number): Reading {
  return { intent: { intent: 'out_of_scope', slots: {} }, confidence, missing: [] };
}

function read(n: Normalised, context: UnderstandingContext): Reading {
  if (n.low === '') return outOfScope(0.2);

  // 2. A bare yes or no to a question Cabin asked.
  const yn = yesOrNo(n.low);
  if (context.awaitingConfirmation && yn !== undefined) {
    return { intent: { intent: 'confirm', slots: { yes: yn } }, confidence: 0.95, missing: [] };
  }

  // "no, the other one" / "不是这个，另外那个": after a question or with results on screen,
  // the correction after the no is what counts.
  let body = n;
  if (context.awaitingConfirmation || context.hasResults) {
    const lead = LEADING_NO.exec(n.low);
    if (lead && lead[0].length < n.low.length) body = slice(n, lead[0].length);
  }

  const scores = new Float64Array(INTENT_NAMES.length);
  for (const c of CUES) if (c.re.test(body.low)) bump(scores, c.intent, c.weight);
  const oos = score(scores, 'out_of_scope');

  // 2b. A value for the slot Cabin asked for.
  if (context.awaitingSlot !== undefined && context.lastIntent !== undefined && oos < 6) {
    const filled = fillAwaitedSlot(body, context, scores);
    if (filled) return filled;
  }

  // 3. Follow-ups on results on screen (a search just answered counts, unless told there were none).
  const resultsOnScreen =
    context.hasResults === true || ((context.lastIntent === 'find_food' || context.lastIntent === 'find_parking') && context.hasResults !== false);
  if (resultsOnScreen && oos < 6) {
    const followUp = readFollowUp(body, context, scores);
    if (followUp) return followUp;
  }

  return readFresh(body, context, scores, yn);
}

/** The normalised utterance from `from` on. */
function slice(n: Normalised, from: number): Normalised {
  const text = n.text.slice(from).replace(/^[\s,]+/, '');
  const low = n.low.slice(n.low.length - text.length);
  return { text, low, lang: n.lang };
}

// ---------------------------------------------------------------------------
// Fresh requests

function mealOf(low: string): Meal | undefined {
  for (const [re, meal] of MEAL_WORDS) if (re.test(low)) return meal;
  return undefined;
}

function readFresh(n: Normalised, context: UnderstandingContext, scores: Float64Array, yn: boolean | undefined): Reading {
  const low = n.low;
  const now = context.timeZoneNow;
  const meal = mealOf(low);
  const time = findTime(low, { meal, now });
  const anchor = findAnchor(n);
  const skip: Span[] = anchor?.span ? [anchor.span] : [];
  const cuisine = findCuisine(low, skip);
  const stay = findStayMinutes(low);
  const open = OPEN_CUE.test(low);

  // Structural rules.
  const stopVerb = STOP_VERB.test(low) && score(scores, 'cancel') < 6;
  if (meal !== undefined && (stopVerb || PLAN_VERB.test(low) || (time !== undefined && !open))) bump(scores, 'meal_stop', 8);
  else if (meal === undefined && stopVerb && EAT_VERB.test(low)) bump(scores, 'meal_stop', 7);
  else if (meal === undefined && EAT_VERB.test(low) && time !== undefined && !open) bump(scores, 'meal_stop', 4);
  if (stay !== undefined && score(scores, 'meal_stop') < 6) bump(scores, 'find_parking', 4);
  const stopEdit = Math.max(score(scores, 'add_stop'), score(scores, 'remove_stop'), score(scores, 'reorder_stops'));
  if (cuisine !== undefined) {
    // A bakery or a coffee shop can be a stop: the trip edit decides, not the cuisine word.
    if (stopEdit < 5) bump(scores, 'find_food', 4);
    if (score(scores, 'set_preference') > 0) bump(scores, 'set_preference', 4);
  }
  const highways = highwayChoice(low);
  const price = findPricePerHour(low, score(scores, 'find_parking') > 0 || score(scores, 'set_preference') > 0);
  if (score(scores, 'set_preference') > 0 && (highways !== undefined || price !== undefined)) bump(scores, 'set_preference', 4);

  let destination: { name: string; span: Span } | undefined;
  if (score(scores, 'navigate') > 0) {
    destination = findDestination(n);
    if (destination && (/路上|附近|旁边|周边|沿途|^目的地$|^destination$/i.test(destination.name) || /^[吗呢吧啊了的过来]$/.test(destination.name))) destination = undefined;
    if (destination) bump(scores, 'navigate', score(scores, 'navigate') >= 3 ? 3 : 1);
  }
  const category = findCategory(low);
  if (category && stopEdit < 3 && score(scores, 'find_food') === 0 && score(scores, 'set_preference') < 4) {
    if (category.id !== 'parking' && score(scores, 'find_parking') === 0) bump(scores, 'navigate', 4);
  }
  const ordinals = findOrdinals(low);
  if (ordinals.length > 0 && stopEdit < 3) bump(scores, 'select', 3);
  // "avoid highways" alone: re-plan the current route.
  if (highways !== undefined && score(scores, 'set_preference') === 0) bump(scores, 'navigate', 3);
  if (REFINE_CHEAPER.test(low) || REFINE_CLOSER.test(low)) bump(scores, 'refine', 2);
  if (yn !== undefined) bump(scores, 'confirm', 3);

  // Best reading.
  let best = -1;
  let bestScore = 0;
  let second = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (s > bestScore) {
      second = bestScore;
      bestScore = s;
      best = i;
    } else if (s > second) second = s;
  }
  if (best < 0 || bestScore < MIN_SCORE) {
    // A bare place name ("Zhongshan Park please", "中山公园") is where the driver wants to go.
    const place = cleanPlace(n.text);
    if (bestScore < 2 && (PLACE_NAME_EN.test(place) || PLACE_NAME_ZH.test(place))) {
      const nearest = categoryOfPhrase(place);
      const slots: Extract<Intent, { intent: 'navigate' }>['slots'] = nearest !== undefined ? { nearest } : { destination: place };
      return { intent: { intent: 'navigate', slots }, confidence: 0.55, missing: [] };
    }
    return outOfScope(0.3);
  }
  if (best === OOS) return outOfScope(Math.min(0.95, 0.6 + 0.05 * (bestScore - second)));
  const confidence = Math.min(0.95, 0.5 + 0.04 * bestScore + 0.06 * (bestScore - second));
  let name = INTENT_NAMES[best]!;
  // "第二个导航过去": an ordinal and a verb of going, but no place: a pick, not a destination.
  if (name === 'navigate' && destination === undefined && ordinals.length > 0 && stopEdit < 3) name = 'select';
  const facts: Facts = { n, context, meal, time, anchor: anchor?.anchor, cuisine, stay, highways, price, destination, category, ordinals, scores };
  return slotsFor(name, facts, confidence);
}

interface Facts {
  n: Normalised;
  context: UnderstandingContext;
  meal: Meal | undefined;
  time: { spec: TimeSpec } | undefined;
  anchor: Anchor | undefined;
  cuisine: string | undefined;
  stay: number | undefined;
  highways: boolean | undefined;
  price: number | undefined;
  destination: { name: string; span: Span } | undefined;
  category: { id: string } | undefined;
  ordinals: OrdinalMatch[];
  scores: Float64Array;
}

/** Builds the slots of `name` from what was found. */
function slotsFor(name: IntentName, f: Facts, confidence: number): Reading {
  const low = f.n.low;
  switch (name) {
    case 'navigate': {
      const slots: Extract<Intent, { intent: 'navigate' }>['slots'] = {};
      const nearest = f.destination ? categoryOfPhrase(f.destination.name) : undefined;
      if (f.destination && nearest === undefined) slots.destination = f.destination.name;
      else if (nearest !== undefined) slots.nearest = nearest;
      else if (f.category && !(f.category.id === 'parking' && !f.destination)) slots.nearest = f.category.id;
      if (f.highways !== undefined) slots.avoidHighways = f.highways;
      const missing = slots.destination === undefined && slots.nearest === undefined ? ['destination'] : [];
      return { intent: { intent: 'navigate', slots }, confidence, missing };
    }
    case 'add_stop': {
      const found = addStopPlace(f.n);
      const slots: Extract<Intent, { intent: 'add_stop' }>['slots'] = { place: found?.place ?? '' };
      if (found?.before) slots.before = found.before;
      return { intent: { intent: 'add_stop', slots }, confidence, missing: found ? [] : ['place'] };
    }
    case 'remove_stop': {
      const stop = stopRef(f.n, f.ordinals);
      return { intent: { intent: 'remove_stop', slots: { stop: stop ?? { kind: 'name', name: '' } } }, confidence, missing: stop ? [] : ['stop'] };
    }
    case 'reorder_stops': {
      const slots = reorderSlots(f.n);
      return { intent: { intent: 'reorder_stops', slots }, confidence, missing: Object.keys(slots).length === 0 ? ['toPosition'] : [] };
    }
    case 'meal_stop': {
      const slots: Extract<Intent, { intent: 'meal_stop' }>['slots'] = {};
      if (f.meal) slots.meal = f.meal;
      if (f.time) slots.at = f.time.spec;
      if (f.cuisine) slots.cuisine = f.cuisine;
      return { intent: { intent: 'meal_stop', slots }, confidence, missing: [] };
    }
    case 'find_parking':
      return { intent: { intent: 'find_parking', slots: parkingSlots(f) }, confidence, missing: [] };
    case 'find_food':
      return { intent: { intent: 'find_food', slots: foodSlots(f) }, confidence, missing: [] };
    case 'traffic_light':
      return { intent: { intent: 'traffic_light', slots: {} }, confidence, missing: [] };
    case 'trip_status': {
      const aspect = ASPECT_TURN.test(low) && !ASPECT_ETA.test(low) ? 'next_turn' : ASPECT_DISTANCE.test(low) ? 'distance' : ASPECT_ETA.test(low) ? 'eta' : 'all';
      return { intent: { intent: 'trip_status', slots: { aspect } }, confidence, missing: [] };
    }
    case 'set_preference': {
      const slots: Extract<Intent, { intent: 'set_preference' }>['slots'] = {};
      // "speak Chinese": a language, not a cuisine.
      const languageWord = LANGUAGE_WORD.exec(low);
      const cuisine = languageWord ? findCuisine(low, [[languageWord.index, languageWord.index + languageWord[0].length]]) : f.cuisine;
      if (cuisine) slots.favouriteCuisine = cuisine;
      if (f.price !== undefined) slots.maxParkingPricePerHour = f.price;
      if (f.highways !== undefined) slots.avoidHighways = f.highways;
      else if (/\bhighways?\b|\bexpressways?\b|\bfreeways?\b|高速/.test(low)) slots.avoidHighways = true;
      if (LANGUAGE_EN.test(low)) slots.language = 'en';
      else if (LANGUAGE_ZH.test(low)) slots.language = 'zh';
      const missing = Object.keys(slots).length === 0 ? ['preference'] : [];
      return { intent: { intent: 'set_preference', slots }, confidence, missing };
    }
    case 'recall_preferences':
      return { intent: { intent: 'recall_preferences', slots: {} }, confidence, missing: [] };
    case 'cancel': {
      const slots: Extract<Intent, { intent: 'cancel' }>['slots'] = {};
      if (CANCEL_REQUEST.test(low)) slots.what = 'request';
      else if (CANCEL_NAVIGATION.test(low)) slots.what = 'navigation';
      return { intent: { intent: 'cancel', slots }, confidence, missing: [] };
    }
    case 'select': {
      const slots = selectSlots(f.n, f.ordinals);
      return { intent: { intent: 'select', slots }, confidence: confidence * 0.8, missing: slots.item || slots.go ? [] : ['item'] };
    }
    case 'refine':
      return { intent: { intent: 'refine', slots: refineSlots(f.n, f.context) }, confidence: confidence * 0.8, missing: [] };
    case 'confirm':
      return { intent: { intent: 'confirm', slots: { yes: yesOrNo(low) ?? true } }, confidence: 0.5, missing: [] };
    case 'out_of_scope':
      return outOfScope(confidence);
  }
}

function parkingSlots(f: Facts): Extract<Intent, { intent: 'find_parking' }>['slots'] {
  const low = f.n.low;
  const slots: Extract<Intent, { intent: 'find_parking' }>['slots'] = {};
  if (f.anchor) slots.near = f.anchor;
  const price = findPricePerHour(low, true);
  if (price !== undefined) slots.maxPricePerHour = price;
  if (COVERED_FALSE.test(low)) slots.covered = false;
  else if (COVERED_TRUE.test(low)) slots.covered = true;
  if (EV.test(low)) slots.evCharging = true;
  if (f.stay !== undefined) slots.stayMinutes = f.stay;
  const walk = findDistanceM(low);
  if (walk !== undefined) slots.maxWalkM = walk;
  return slots;
}

function foodSlots(f: Facts): Extract<Intent, { intent: 'find_food' }>['slots'] {
  const low = f.n.low;
  const slots: Extract<Intent, { intent: 'find_food' }>['slots'] = {};
  if (f.anchor) slots.near = f.anchor;
  if (f.cuisine) slots.cuisine = f.cuisine;
  const detour = findDetourMinutes(low);
  if (f.time && !(detour !== undefined && f.time.spec.kind === 'in')) slots.openAt = f.time.spec;
  if (detour !== undefined) slots.maxDetourMinutes = detour;
  if (CHEAP.test(low)) slots.cheap = true;
  const within = findDistanceM(low);
  if (within !== undefined) slots.withinM = within;
  return slots;
}

// ---------------------------------------------------------------------------
// Follow-ups on results on screen

function readFollowUp(n: Normalised, context: UnderstandingContext, scores: Float64Array): Reading | undefined {
  const low = n.low;
  const stopEdit = Math.max(score(scores, 'add_stop'), score(scores, 'remove_stop'), score(scores, 'reorder_stops'));
  if (stopEdit >= 5 || score(scores, 'cancel') >= 6 || score(scores, 'recall_preferences') >= 6) return undefined;
  const ordinals = findOrdinals(low);
  const go = n.lang === 'zh' ? GO_ZH.test(low) || GO_EN.test(low) : GO_EN.test(low);
  if (ordinals.length > 0) {
    const slots = selectSlots(n, ordinals);
    return { intent: { intent: 'select', slots }, confidence: 0.9, missing: [] };
  }
  const named = selectName(n);
  if (named !== undefined) {
    const slots: Extract<Intent, { intent: 'select' }>['slots'] = { item: { kind: 'name', name: named } };
    if (go) slots.go = true;
    return { intent: { intent: 'select', slots }, confidence: 0.8, missing: [] };
  }
  const refine = refineSlots(n, context);
  const refineCue = REFINE_CHEAPER.test(low) || REFINE_CLOSER.test(low) || REFINE_CUE.test(low);
  const anchor = findAnchor(n);
  const newSearch = anchor !== undefined && anchor.anchor.kind !== 'destination' && SEARCH_VERB.test(low);
  if (Object.keys(refine).length > 0 && (refineCue || !newSearch)) {
    return { intent: { intent: 'refine', slots: refine }, confidence: 0.85, missing: [] };
  }
  const thereWords = /\bthere\b|\bthat one\b|\bthis one\b|\bit\b|那里|那儿|这家|那家|这个|那个|就它/.test(low);
  const bareGo = /^(?:ok |okay |yes |yeah |sure |sounds good |great |好 |好的 )?(?:let's go|lets go|go|出发|走吧|走)$/.test(low.replace(/,/g, ' ').replace(/\s+/g, ' ').trim());
  if (go && (thereWords || bareGo || /^(?:sounds good|ok|okay|好|好的|行|great)\b/.test(low))) {
    return { intent: { intent: 'select', slots: { go: true } }, confidence: 0.85, missing: [] };
  }
  return undefined;
}

/** The item and go of a select. */
function selectSlots(n: Normalised, ordinals: readonly OrdinalMatch[]): Extract<Intent, { intent: 'select' }>['slots'] {
  const low = n.low;
  const slots: Extract<Intent, { intent: 'select' }>['slots'] = {};
  const first = ordinals[0];
  if (first) slots.item = first.index === 'other' ? { kind: 'other' } : { kind: 'ordinal', index: first.index };
  else {
    const named = selectName(n);
    if (named !== undefined) slots.item = { kind: 'name', name: named };
  }
  const go = n.lang === 'zh' ? GO_ZH.test(low) || GO_EN.test(low) : GO_EN.test(low);
  if (go) slots.go = true;
  return slots;
}

const SELECT_NAME_EN = /\b(?:the|that) ((?:[a-z0-9'&]+ ){0,3}?[a-z0-9'&]+) one\b|\bgo with (.+)$|\b(?:pick|choose|select) (.+)$/;
const SELECT_NAME_ZH = /([^\s,]{1,12}?)(?:那家|这家|那个|那一家|那间)/;
const NOT_A_NAME = /^(?:other|same|cheap|cheaper|close|closer|near|nearer|first|second|third|fourth|fifth|last|top|final|big|small|good|best|new|\d|here|there|one|that|this|it)\b/;

/** A result picked by name: "I'll take the Luigi's one", "go with Sakura", "就路易吉那家吧". */
function selectName(n: Normalised): string | undefined {
  const low = n.low;
  const en = SELECT_NAME_EN.exec(low);
  if (en) {
    const group = en[1] ?? en[2] ?? en[3]!;
    const start = en.index + en[0].indexOf(group);
    const name = cleanPlace(n.text.slice(start, start + group.length));
    if (name !== '' && !NOT_A_NAME.test(name.toLowerCase())) return name;
  }
  const zh = SELECT_NAME_ZH.exec(low);
  if (zh) {
    const group = zh[1]!.replace(/^(?:就去|就选|就要|就|选|要|去|好)+/, '');
    const start = zh.index + zh[1]!.length - group.length;
    const name = n.text.slice(start, start + group.length);
    if (name !== '' && !/^(?:这|那|就|去|好|选)$/.test(name)) return name;
  }
  return undefined;
}

function refineSlots(n: Normalised, context: UnderstandingContext): Extract<Intent, { intent: 'refine' }>['slots'] {
  const low = n.low;
  const slots: Extract<Intent, { intent: 'refine' }>['slots'] = {};
  const parking = context.lastIntent === 'find_parking';
  const price = parking ? findPricePerHour(low, true) : findPricePerHour(low, false);
  if (REFINE_CHEAPER.test(low) && price === undefined) slots.cheaper = true;
  if (REFINE_CLOSER.test(low)) slots.closer = true;
  const cuisine = findCuisine(low);
  if (cuisine !== undefined) slots.cuisine = cuisine;
  if (COVERED_TRUE.test(low)) slots.covered = true;
  else if (COVERED_FALSE.test(low)) slots.covered = false;
  if (price !== undefined) slots.maxPricePerHour = price;
  const time = findTime(low, { now: context.timeZoneNow });
  if (time && !(parking && price !== undefined)) slots.openAt = time.spec;
  return slots;
}

// ---------------------------------------------------------------------------
// Answers to a question Cabin asked

function fillAwaitedSlot(n: Normalised, context: UnderstandingContext, scores: Float64Array): Reading | undefined {
  const slot = context.awaitingSlot!;
  const last = context.lastIntent!;
  let strongest = 0;
  for (let i = 0; i < scores.length; i++) if (INTENT_NAMES[i] !== last) strongest = Math.max(strongest, scores[i]!);
  if (strongest >= 5) return undefined;
  const low = n.low;
  const conf = 0.85;
  switch (slot) {
    case 'destination':
    case 'place': {
      const found = findDestination(n)?.name ?? cleanPlace(n.text.replace(/\b(?:i think|i guess|please)\b/gi, ''));
      if (found === '') return undefined;
      if (last === 'add_stop') return { intent: { intent: 'add_stop', slots: { place: found } }, confidence: conf, missing: [] };
      if (last === 'navigate') {
        const nearest = categoryOfPhrase(found);
        const slots: Extract<Intent, { intent: 'navigate' }>['slots'] = nearest !== undefined ? { nearest } : { destination: found };
        return { intent: { intent: 'navigate', slots }, confidence: conf, missing: [] };
      }
      return undefined;
    }
    case 'at':
    case 'time':
    case 'openAt': {
      const time = findTime(low, { meal: mealOf(low), now: context.timeZoneNow }) ?? findTime(`at ${low}`, { now: context.timeZoneNow });
      if (!time) return undefined;
      if (last === 'meal_stop') return { intent: { intent: 'meal_stop', slots: { at: time.spec } }, confidence: conf, missing: [] };
      if (last === 'find_food') return { intent: { intent: 'find_food', slots: { openAt: time.spec } }, confidence: conf, missing: [] };
      return undefined;
    }
    case 'cuisine': {
      const cuisine = findCuisine(low);
      if (cuisine === undefined) return undefined;
      if (last === 'meal_stop') return { intent: { intent: 'meal_stop', slots: { cuisine } }, confidence: conf, missing: [] };
      if (last === 'find_food') return { intent: { intent: 'find_food', slots: { cuisine } }, confidence: conf, missing: [] };
      if (last === 'set_preference') return { intent: { intent: 'set_preference', slots: { favouriteCuisine: cuisine } }, confidence: conf, missing: [] };
      return undefined;
    }
    case 'stop': {
      const stop = stopRef(n, findOrdinals(low));
      if (!stop) return undefined;
      if (last === 'remove_stop') return { intent: { intent: 'remove_stop', slots: { stop } }, confidence: conf, missing: [] };
      return undefined;
    }
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------
// Trip edits

const ADD_END_EN =
  /,|\s+(?:before|after|on the way|on my way|on our way|first|to (?:my|the|our) (?:trip|route|stops|itinerary|journey)|as a (?:stop|waypoint)|in(?:to)? (?:the|my) (?:route|trip)|please|then|too|as well)\b/;
const ADD_PLACE_EN: readonly RegExp[] = [
  /\b(?:stop|waypoint)s?\s+(?:off\s+)?(?:at|by|in)\s+/,
  /\b(?:swing|drop|pop)\s+(?:by|in(?:to)?)\s+/,
  /\bpick up\b.*?\bat\s+/,
  /\badd (?:a |another )?(?:stop|waypoint)\s+(?!at\b|by\b|in\b|before\b)/,
  /\binclude\s+/,
  /\b(?:put|insert|slot)\s+(?=.+\bbefore\b)/,
  /\badd\s+(?!(?:a|another|one more) )/,
];
const ADD_PLACE_ZH: readonly RegExp[] = [
  /把(.+?)加(?:到|进|入|上)/,
  /(?:加|添加|增加)(?:一|个|一个|上|了)?(?:站|途经点|经停点|停靠点|目的地)\s*(?:在)?[,\s:]*(.+)$/,
  /add\s*(?:一个|个)?\s*stop[,\s]*(.+)$/,
  /在(.+?)停一下/,
  /(?:接|送|取)[^,]*,\s*在(.+)$/,
  /(?:途经|途径|顺路去|顺便去|顺道去|顺道|中途去|中间停|中途停)(?:一下|一趟|趟)?(.+)$/,
  /加上(.+)$/,
];
const ADD_PLACE_ZH_ON_THE_WAY = /(?:中途|路上|顺路|中间|顺便)(?:再)?加(?:个|一个|一)?(?:站|途经点|经停点|停靠点)?[,\s:]*(.+)$/;
const ZH_PURPOSE_TAIL = /(?:接人|接朋友|接一下.*|送人|取钱|取点钱|买东西|买点东西|办事|看看|一下)+$/;

/** The place of an add_stop, and which stop it goes before. */
function addStopPlace(n: Normalised): { place: string; before?: ItemRef } | undefined {
  const { text, low } = n;
  // "在第二站之前加一个药店", "在中山公园之前加一站便利店".
  const zhBefore = /在(.+?)(?:之前|前面|以前)加(?:一|个|一个)?(?:站|途经点|经停点|停靠点)?(.+)$/.exec(low);
  if (zhBefore) {
    const placeStart = zhBefore.index + zhBefore[0].length - zhBefore[2]!.length;
    const place = cleanPlace(text.slice(placeStart)).replace(ZH_PURPOSE_TAIL, '');
    const beforeStart = zhBefore.index + 1;
    const before = itemRefOf(slice(n, beforeStart), text.slice(beforeStart, beforeStart + zhBefore[1]!.length));
    if (place !== '') return before ? { place, before } : { place };
  }
  for (const re of [ADD_PLACE_ZH_ON_THE_WAY, ...ADD_PLACE_ZH]) {
    const m = re.exec(low);
    if (!m) continue;
    const start = m.index + m[0].indexOf(m[1]!);
    const raw = text.slice(start, start + m[1]!.length);
    const place = cleanPlace(raw.replace(/^[\s,]*(?:去|到|在)/, '')).replace(ZH_PURPOSE_TAIL, '');
    if (place !== '' && !/^(?:站|途经点)$/.test(place)) return { place: savedPlace(place) };
  }
  for (const re of ADD_PLACE_EN) {
    const m = re.exec(low);
    if (!m) continue;
    const start = m.index + m[0].length;
    const rest = low.slice(start);
    const end = ADD_END_EN.exec(rest);
    const place = cleanPlace(text.slice(start, start + (end ? end.index : rest.length)));
    if (place === '' || /^(?:stop|waypoint|it)$/i.test(place)) continue;
    const result: { place: string; before?: ItemRef } = { place };
    const before = /\bbefore (.+)$/.exec(low);
    const after = rest.slice(end ? end.index : rest.length);
    if (before) {
      const bStart = before.index + 'before '.length;
      const ref = itemRefOf(slice(n, bStart), text.slice(bStart).replace(/\s+(?:please|then)$/i, ''));
      if (ref) result.before = ref;
    } else if (/^\s*first\b|\bfirst(?: please)?$/.test(after)) result.before = { kind: 'ordinal', index: 1 };
    return result;
  }
  return undefined;
}

/** A stop or result named by position or by name: "the second stop" → 2, "第二站" → 2, "Zhongshan Park" → name. */
function itemRefOf(n: Normalised, raw: string): ItemRef | undefined {
  const ords = findOrdinals(n.low.slice(0, raw.length));
  const first = ords[0];
  if (first) return first.index === 'other' ? { kind: 'other' } : { kind: 'ordinal', index: first.index };
  const name = cleanPlace(raw.replace(/\s*(?:stop|waypoint|这一站|那一站|这站|那站)$/i, ''));
  return name === '' ? undefined : { kind: 'name', name };
}

const REMOVE_NAME_EN: readonly RegExp[] = [
  /\b(?:stop|stopping) (?:at|by) (.+?)(?: anymore| any more|$|,)/,
  /\b(?:go|going) to (.+?)(?: anymore| any more|,|$)/,
  /\btake (.+?) off\b/,
  /\b(?:remove|delete|drop|skip|forget|get rid of|take out) (.+?)(?: from\b| off\b|,|$)/,
];
const REMOVE_NAME_ZH: readonly RegExp[] = [
  /把(.+?)(?:那站|这站|这一站|那一站|从|去掉|删|拿掉|移除)/,
  /^(.+?)(?:这一站|那一站|这站|那站)?(?:不用|不要|别|不)(?:再)?去了/,
  /(?:不|别)(?:用|要|想)?(?:再)?去(.+?)了/,
  /(?:删除|删掉|去掉|移除|跳过|拿掉|取消)(?:途经点|站点|经停点|停靠点)?(.+)$/,
];

/** The stop a remove_stop names. */
function stopRef(n: Normalised, ordinals: readonly OrdinalMatch[]): ItemRef | undefined {
  const { text, low } = n;
  const first = ordinals[0];
  if (first) return first.index === 'other' ? { kind: 'other' } : { kind: 'ordinal', index: first.index };
  for (const re of n.lang === 'zh' ? [...REMOVE_NAME_ZH, ...REMOVE_NAME_EN] : REMOVE_NAME_EN) {
    const m = re.exec(low);
    if (!m) continue;
    const start = m.index + m[0].indexOf(m[1]!);
    const name = cleanPlace(text.slice(start, start + m[1]!.length).replace(/\s*(?:stop|waypoint|这一站|那一站|这站|那站)$/i, '').replace(/^(?:the )?stop (?:at|by) /i, ''));
    if (name !== '' && !/^(?:a|an|the|it|that|this|stop|one|站|个)$/i.test(name)) return { kind: 'name', name };
  }
  return undefined;
}

const OPTIMISE = /\boptimi[sz]|\breorder\b|\bre order\b|\brearrange\b|\bshuffle\b|\bsort\b|\b(?:best|most efficient|smarter|better|optimal|shortest|fastest) order\b|\bshortest\b|优化|重新排|排列|重新规划|最短|最省|最快的顺序|optimi[sz]e/;
const REORDER_EN: readonly RegExp[] = [
  /\b(?:move|push|put|shift|bump) (.+?)(?: up| down| back| forward)? to (?:the )?(end|front|beginning|start|top|bottom|position \w+|\w+)\b/,
  /\bmake (.+?) the (\w+) stop\b/,
  /\bput (.+?) (first|last|at the end|at the front)\b/,
  /\bdo (.+?) before (everything|anything)/,
  /\b(?:visit|do) (.+?) (last|first)$/,
];
const REORDER_ZH: readonly RegExp[] = [
  /把?(.+?)(?:挪到|调到|移到|放到|放在|改成|改为|排到|排在)(.+)$/,
  /(.+?)放(第.+?)(?:个|站)?去?$/,
  /(.+?)(最后|最先|第一个|先)去$/,
];

/** The slots of reorder_stops: which stop moves where, else optimise; empty when neither is said ("move the bank"). */
function reorderSlots(n: Normalised): Extract<Intent, { intent: 'reorder_stops' }>['slots'] {
  const { low } = n;
  for (const re of n.lang === 'zh' ? [...REORDER_ZH, ...REORDER_EN] : REORDER_EN) {
    const m = re.exec(low);
    if (!m) continue;
    const stopStart = m.index + m[0].indexOf(m[1]!);
    const stopRaw = n.text.slice(stopStart, stopStart + m[1]!.length);
    const position = positionOf(m[2]!);
    if (position === undefined) continue;
    const stop = itemRefOf(slice(n, stopStart), stopRaw);
    if (!stop) continue;
    return { stop, toPosition: position };
  }
  if (OPTIMISE.test(low) || !/\bmove\b|挪|调到|移到|放到/.test(low)) return { optimise: true };
  return {};
}

/** 1-based position, -1 the end: "the end" → -1, "second" → 2, "第一站" → 1, "最后面" → -1, "position four" → 4. */
function positionOf(raw: string): number | undefined {
  const s = raw.trim().replace(/^position\s+/, '');
  if (/^(?:end|bottom|last|at the end|最后|最后面|最后一站|最后一个|末尾)/.test(s)) return -1;
  if (/^(?:front|beginning|start|top|first|at the front|everything|anything|最前面|前面|最先|先|第一个)/.test(s)) return 1;
  const ord = findOrdinals(s)[0];
  if (ord && ord.index !== 'other') return ord.index;
  const zh = /^第?\s*([零一二两三四五六七八九十\d]+)/.exec(s);
  if (zh) return parseNumber(zh[1]!);
  const n = parseNumber(s.split(/\s+/)[0] ?? '');
  return n !== undefined && Number.isInteger(n) && n >= 1 ? n : undefined;
}
