/**
 * Place names in what drivers say: the destination after "take me to / 导航到
 * / 带我去", the anchor of a search ("near the destination", "on the way",
 * "附近", "near People's Square"), the stop a trip edit names, and the result
 * a follow-up picks by name.
 *
 * Names come back as said (letter case kept, simplified Chinese), without
 * articles, fillers ("please", "吧", "一下", "好吗") or trailing clauses
 * ("avoid highways", "不走高速"). Saved places are normalised: "home", "my
 * place", "家" → "home"; "work", "the office", "公司", "单位" → "work".
 */
import type { Anchor } from '../intents.ts';
import type { Normalised } from './normalise.ts';

/** A span of the normalised text: [start, end). */
export type Span = readonly [number, number];

// ---------------------------------------------------------------------------
// Cleaning

const EN_LEADING = /^(?:(?:to|the|a|an|my|our|some|this|that|at|please|uh|um|just|maybe|ok|okay|so|well|yeah|then)\s+)+/i;
const EN_TRAILING =
  /(?:\s+(?:please|now|right now|then|thanks|thank you|for me|asap|quickly|i think|i guess|maybe|probably|instead|again|too|as well|from here|on the way(?: there)?|it's urgent|real quick|quick|anymore|any more|after all))+$/i;
const ZH_LEADING = /^(?:嗯|呃|额|那个|这个|就|先|请|麻烦|帮我|给我|到|去|在|往|一下|一趟|趟|个|一个|的|是|：|:)+/;
const ZH_TRAILING =
  /(?:吧|呀|啊|呢|哦|嘛|了|呗|好吗|好不好|行吗|行不行|可以吗|可以不|谢谢|谢了|一下|一趟|怎么走|怎么去|那里|那儿|这里|这儿|去|的路线|路线|的)+$/;

/** Saved places: the words drivers use for them, normalised. */
export function savedPlace(name: string): string {
  const k = name.toLowerCase().replace(/^(?:my|our|the)\s+/, '').trim();
  if (/^(?:home|house|place|家|我家|家里|老家)$/.test(k)) return 'home';
  if (/^(?:work|office|workplace|job|公司|单位|办公室|上班的地方)$/.test(k)) return 'work';
  return name;
}

/** A place name as said, cleaned of articles, fillers and edge punctuation; '' when nothing is left. */
export function cleanPlace(raw: string): string {
  let s = raw.replace(/^[\s,:]+|[\s,:]+$/g, '');
  for (let i = 0; i < 3; i++) {
    const before = s;
    s = s.replace(EN_LEADING, '').replace(EN_TRAILING, '').replace(ZH_LEADING, '').replace(ZH_TRAILING, '');
    s = s.replace(/^[\s,:]+|[\s,:]+$/g, '');
    if (s === before) break;
  }
  return savedPlace(s);
}

// ---------------------------------------------------------------------------
// Destinations

/** English phrases that end a destination: "…, please", "… and avoid highways", "… but no tolls". */
const EN_DEST_END =
  /,|\s+(?:and|but|while|without|avoiding|avoid|via|using|by way of|no highways?|no expressways?|no motorways?|please|now|right now|from here|asap|quickly|thanks|thank you|for me|then|take the|stay off|staying off|skip the|by (?:\d|noon|midnight|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve))\b/i;
const ZH_DEST_END = /,|\s*(?:不走高速|别走高速|不要走高速|避开高速|绕开高速|不上高速|走高速|上高速|走最快|走最近|走.{0,4}路线|避开拥堵)/;

/** The same pattern, scanning (`g`), compiled once. */
function global(re: RegExp): RegExp {
  return new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
}

const EN_DEST_TRIGGERS: readonly RegExp[] = [
  /\b(?:set|change|update|make) (?:the |my )?destination (?:to|as|for)\s+/i,
  /\bnew destination\s*(?:is\s+)?/i,
  /\bdestination is\s+/i,
  /\bdirections (?:to|for)\s+/i,
  /\b(?:show|tell) (?:me|us) the way to\s+/i,
  /\b(?:plot|plan|find|give me|calculate|map|work out|get) (?:a |the |me a |us a )?(?:route|way|path|directions?) to\s+/i,
  /\b(?:need|have|got) to (?:be|get) (?:at|to)\s+/i,
  /\bhow (?:do|can|would) (?:i|we) get to\s+/i,
  /\b(?:navigate|take|taking|bring|bringing|get|getting|drive|driving|guide|route|head|heading|headed|go|wanna go|want to go|need to go|have to go|need to get|gotta get|got to get) (?:me |us )?(?:go |back |over |straight )?(?:to|towards?)\s+/i,
  /\bnavigate\s+(?!me\b|us\b|for\b)/i,
  /^to\s+/i,
].map(global);
const ZH_DEST_TRIGGERS: readonly RegExp[] = [
  /(?:把)?目的地(?:改成|改为|设为|设成|设置为|换成|是|改到)/,
  /(?:^|[,\s])目的地[:：]?\s*/,
  /(?:导航|导个航)(?:一下)?(?:到|去|至|回)?/,
  /(?:带|送|载|拉|领)(?:我|我们)(?:去|到|回)/,
  /开(?:车)?(?:去|到|回)/,
  /前往|去往/,
  /怎么(?:去|到|开到)/,
  /规划.{0,6}?(?:去|到)/,
  /(?:^|[,\s]|要|想|得|先|就|现在|我|们)(?:去|到|回)(?!了|过|掉)/,
  /(?:\bgo to\b|\btake me to\b)\s*/i,
].map(global);
const ZH_THEN_EN_TRIGGERS: readonly RegExp[] = [...ZH_DEST_TRIGGERS, ...EN_DEST_TRIGGERS];

/**
 * The destination the driver names, or undefined. Tries the trigger phrases
 * in order and takes the first one followed by a name.
 */
export function findDestination(n: Normalised): { name: string; span: Span } | undefined {
  const { text, low } = n;
  if (/\b(?:take|bring|get|drive) (?:me|us) home\b|\b(?:go|head|drive|going) (?:back )?home\b/.test(low)) {
    const i = low.indexOf('home');
    return { name: 'home', span: [i, i + 4] };
  }
  if (/(?:^|导航|带我|送我|开车|我要|我想)回(?:家|公司|单位)/.test(low)) {
    const m = /回(家|公司|单位)/.exec(low)!;
    return { name: savedPlace(m[1]!), span: [m.index + 1, m.index + m[0].length] };
  }
  // "X怎么走", "Beijing Road, take me there": the name comes first.
  const before = /^(?:我想去|我要去|去)?(.+?)(?:怎么走|怎么去|, take me there)$/.exec(low);
  const hasTrigger = before !== null && /\b(?:be|get|go) (?:at|to)\b/.test(before[1] ?? '');
  if (before && before[1] !== undefined && !hasTrigger) {
    const start = low.indexOf(before[1]);
    const name = cleanPlace(text.slice(start, start + before[1].length));
    if (name !== '' && !/^(?:下一个路口|下个路口|接下来|下一步|前面|这里|那里)/.test(name)) return { name, span: [start, start + before[1].length] };
  }
  for (const re of n.lang === 'zh' ? ZH_THEN_EN_TRIGGERS : EN_DEST_TRIGGERS) {
    re.lastIndex = 0;
    for (let m = re.exec(low); m; m = re.exec(low)) {
      const start = m.index + m[0].length;
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const rest = low.slice(start);
      const endRe = n.lang === 'zh' && /^[\u3400-\u9fff]/.test(rest) ? ZH_DEST_END : EN_DEST_END;
      const endMatch = endRe.exec(rest);
      const end = start + (endMatch ? endMatch.index : rest.length);
      const name = cleanPlace(text.slice(start, end));
      if (name !== '') return { name, span: [start, end] };
    }
  }
  return undefined;
}

const HIGHWAY_EN = '(?:highways?|expressways?|freeways?|motorways?)';
const HIGHWAYS_OK = new RegExp(
  `不用避开|不必避开|别避开|不需要避开|(?:可以|也可以|能)走高速|高速也可以|\\b(?:fine|okay|ok|happy|alright) (?:to use|with|using) (?:the )?${HIGHWAY_EN}|\\bdon't mind (?:the )?${HIGHWAY_EN}`,
);
/** A negation a few words before the highway: "avoid the highways", "never take me on highways", "别给我走高速". */
const HIGHWAYS_AVOIDED = new RegExp(
  `\\b(?:avoid|avoiding|no|without|never|not|don't|hate|skip|stay off|staying off|off|onto)\\b(?:\\s+\\S+){0,4}?\\s+(?:the |any )?${HIGHWAY_EN}\\b|(?:不|别|不要|不想|不用|不喜欢|避开|绕开|绕过)[^,]{0,5}?高速|高速不走`,
);
const HIGHWAYS_TAKEN = new RegExp(`\\b(?:take|use|via|prefer|using|taking) (?:the )?${HIGHWAY_EN}\\b|走高速|上高速`);

/** Whether the driver wants highways avoided (true), explicitly allowed (false), or did not say. */
export function highwayChoice(low: string): boolean | undefined {
  if (HIGHWAYS_OK.test(low)) return false;
  if (HIGHWAYS_AVOIDED.test(low)) return true;
  if (HIGHWAYS_TAKEN.test(low)) return false;
  return undefined;
}

// ---------------------------------------------------------------------------
// Anchors

const ROUTE_EN = /\b(?:on the way|on my way|on our way|along the (?:route|way|road)|along my route|en route|on the route|on the road|along (?:the|my) (?:drive|journey))\b/;
const ROUTE_ZH = /(?:^|[的在,\s吃车]|开车)路上|沿途|沿路|顺路|途中|半路|沿线/;
const DEST_EN = /\b(?:destination|where (?:i'?m|we'?re|i am|we are) (?:going|headed|heading)|end of (?:the|my) (?:trip|route))\b/;
const DEST_ZH = /目的地|终点/;
const HERE_EN = /\b(?:nearby|near (?:me|here|us|by)|around (?:here|me|us)|close (?:by|to me|to here)|in (?:the|this) area|near ?by|close to where i am|where i am)\b/;
const HERE_ZH = /附近|周边|周围|这边|这一带|这儿|这里/;
const PLACE_EN = /\b(?:near|close to|around|next to|by|beside|at|on|outside)\s+/g;
const PLACE_EN_END =
  /,|\s+(?:for|with|under|below|that|which|who|please|and|max|maximum|costing|costs?|open|within|i|we|it|so|to|but|or|preferably|if|at|around|near|by|cheap|less|no|not|tonight|today|now|under|only|then|instead|where)\b|\?/;
const NOT_A_PLACE = /^(?:here|me|us|there|the moment|all|least|most|the way|the route|my way|our way|the road|noon|midnight|night|once|first|last|about|around|\d)/;
const ZH_NEAR_WORDS = /(?:的)?(?:附近|旁边|周边|周围|边上|一带|那边|那儿|那里|这边)/g;
const ZH_NAME_PREFIX =
  /^(?:帮我找一下|帮我找个|帮我找|给我找|帮我|给我|请|麻烦|找一下|找个|找家|找|搜一下|搜|查一下|查|看看|有没有|有什么|哪里有|哪儿有|在|去|到|离|有|我想|我要)+/;
const ZH_HERE_NAMES = /^(?:|我|我这|我这儿|我这里|我们这|这|这儿|这里|此|当前位置|现在的位置)$/;
const ZH_PLACE_SUFFIX = '(?:站|路|街|大道|广场|公园|医院|中心|商场|机场|大厦|酒店|小区|学校|大学|市场|餐厅|饭店|馆)';
const ZH_PLACE_BEFORE_PARKING = new RegExp(`([\\u3400-\\u9fffA-Za-z0-9']{1,14}?${ZH_PLACE_SUFFIX})(?:的)?(?:停车场|停车位|车位|停车|地下车库)`);
const ZH_STREET_ON = /([\u3400-\u9fff]{1,8}(?:路|街|大道))上/;
/** "离人民广场近一点的": close to a place. */
const ZH_CLOSE_TO = /离([\u3400-\u9fffA-Za-z0-9' ]{1,14}?)(?:近|不远|最近)/;

/** Where a search is centred, and the span of a named place (to keep its words out of other slots). */
export function findAnchor(n: Normalised): { anchor: Anchor; span?: Span } | undefined {
  const { text, low } = n;
  if (ROUTE_EN.test(low) || ROUTE_ZH.test(low)) return { anchor: { kind: 'route' } };
  if (DEST_EN.test(low) || DEST_ZH.test(low)) return { anchor: { kind: 'destination' } };
  // Chinese: "X附近", "X旁边", "X那边".
  ZH_NEAR_WORDS.lastIndex = 0;
  for (let m = ZH_NEAR_WORDS.exec(low); m; m = ZH_NEAR_WORDS.exec(low)) {
    const clauseStart = Math.max(low.lastIndexOf(',', m.index) + 1, low.lastIndexOf(' ', m.index - 1) + 1, 0);
    const raw = low.slice(clauseStart, m.index).trim();
    const stripped = raw.replace(ZH_NAME_PREFIX, '');
    if (ZH_HERE_NAMES.test(stripped)) return { anchor: { kind: 'here' } };
    if (/[\u3400-\u9fffa-z]/.test(stripped)) {
      const start = m.index - stripped.length;
      const name = savedPlace(text.slice(start, m.index));
      return { anchor: { kind: 'place', name }, span: [start, m.index] };
    }
  }
  const close = ZH_CLOSE_TO.exec(low);
  if (close) {
    const start = close.index + 1;
    const name = savedPlace(text.slice(start, start + close[1]!.length));
    if (name !== '') return { anchor: { kind: 'place', name }, span: [start, start + close[1]!.length] };
  }
  const street = ZH_STREET_ON.exec(low);
  if (street) {
    const name = street[1]!.replace(ZH_NAME_PREFIX, '');
    const start = street.index + street[1]!.length - name.length;
    return { anchor: { kind: 'place', name: text.slice(start, start + name.length) }, span: [start, start + name.length] };
  }
  const beforeParking = ZH_PLACE_BEFORE_PARKING.exec(low);
  if (beforeParking) {
    const name = beforeParking[1]!.replace(ZH_NAME_PREFIX, '');
    if (name !== '') {
      const start = beforeParking.index + beforeParking[1]!.length - name.length;
      return { anchor: { kind: 'place', name: text.slice(start, start + name.length) }, span: [start, start + name.length] };
    }
  }
  // English: "near X", "close to X", "at X", "on X".
  PLACE_EN.lastIndex = 0;
  for (let m = PLACE_EN.exec(low); m; m = PLACE_EN.exec(low)) {
    const start = m.index + m[0].length;
    const rest = low.slice(start);
    if (NOT_A_PLACE.test(rest)) continue;
    const endMatch = PLACE_EN_END.exec(rest);
    const end = start + (endMatch ? endMatch.index : rest.length);
    const name = cleanPlace(text.slice(start, end));
    if (name === '' || /^(?:here|me|us|there)$/i.test(name)) continue;
    const offset = text.slice(start, end).indexOf(name);
    const s = offset >= 0 ? start + offset : start;
    return { anchor: { kind: 'place', name }, span: [s, s + (offset >= 0 ? name.length : end - start)] };
  }
  if (HERE_EN.test(low) || HERE_ZH.test(low)) return { anchor: { kind: 'here' } };
  return undefined;
}
