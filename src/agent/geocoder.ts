/**
 * Finds places a driver names: streets, car parks, restaurants and landmarks
 * of one map, in Chinese or English, spelt loosely ("oak rd", "Zhong Shan
 * Road", "人民路" for 人民南路), and "the nearest …" by straight-line distance.
 * Results are ranked candidates with a score; two candidates that score
 * about the same are reported as ambiguous so the dialogue can ask back.
 */
import { DEFAULT_REGION, generateRegion, type CabinMap, type OsmSink, type Tags } from '../map/index.ts';
import { piecePolyline, type LatLon } from '../routing/index.ts';
import { cuisineById, cuisineFromWord, cuisineMatch, haversineM, isOpenToPublic, parkingKindLabel, placeCuisines } from '../places/index.ts';

/** A name in the two languages Cabin speaks. */
export interface PlaceName {
  en: string;
  zh: string;
}

export type LandmarkCategory = 'square' | 'station' | 'hospital' | 'mall' | 'park' | 'attraction' | 'school' | 'hotel' | 'other';

/** A named point of interest that is neither parking nor food: a square, a station, a hospital. */
export interface Landmark {
  /** "n123" / "w456" (OSM element), unique within a map. */
  osmId: string;
  category: LandmarkCategory;
  lat: number;
  lon: number;
  name?: string;
  nameZh?: string;
  nameEn?: string;
}

export type GeocodeKind = 'street' | 'parking' | 'food' | 'landmark';

/** One place the geocoder offers for a query. */
export interface GeocodeCandidate {
  /** Stable within a map: "street:12", "parking:n123", "food:w45", "landmark:n9". */
  id: string;
  kind: GeocodeKind;
  name: PlaceName;
  /** Where to drive to: for a street, its point nearest the reference position. */
  lat: number;
  lon: number;
  /** 0–1: how well the name matches (1 = the same name); for `nearest`, 1. */
  score: number;
  /** Straight-line distance from the reference position, when one was given. */
  distanceM?: number;
  /** The name variant that matched. */
  matched: string;
}

export type GeocodeResult =
  | {
      ok: true;
      /** Best first. */
      candidates: GeocodeCandidate[];
      /** The best two are different places that score within AMBIGUITY_MARGIN. */
      ambiguous: boolean;
    }
  | { ok: false; reason: 'not-found' | 'empty-query'; candidates: [] };

export interface GeocodeOptions {
  /** The vehicle: ranks equal names by distance and places streets at their nearest point. */
  near?: LatLon;
  /** Most candidates. Default 5. */
  limit?: number;
  kinds?: readonly GeocodeKind[];
}

/** What "the nearest X" can look for. */
export type NearestCategory =
  | { kind: 'parking'; evCharging?: boolean }
  | { kind: 'food'; cuisine?: string }
  | { kind: 'landmark'; category: LandmarkCategory }
  | { kind: 'unsupported'; what: PlaceName };

export type NearestResult =
  | { ok: true; category: NearestCategory; candidates: GeocodeCandidate[] }
  | { ok: false; reason: 'unknown-category' | 'none-on-map'; category?: NearestCategory };

/** Below this a name is not a match. */
export const MIN_SCORE = 0.6;
/** Two different places within this of each other are too close to choose between. */
export const AMBIGUITY_MARGIN = 0.05;

interface Entry {
  id: string;
  kind: GeocodeKind;
  name: PlaceName;
  /** Names to match against, normalised. */
  forms: NameForms[];
  /** One point, or for streets the segments to find the nearest point on. */
  lat: number;
  lon: number;
  segments?: number[];
  /** Entries that share a name and kind are one place to the driver; the nearest stands for them. */
  group: string;
}

/** Searches the named places of one map. Build once per map; queries do not allocate much. */
export class Geocoder {
  private readonly entries: Entry[];
  private readonly byId = new Map<string, Entry>();

  private constructor(
    private readonly map: CabinMap,
    entries: Entry[],
    private readonly landmarks: readonly Landmark[],
  ) {
    this.entries = entries;
    for (const entry of entries) this.byId.set(entry.id, entry);
  }

  /** Indexes the streets and places of `map`, plus `landmarks` (the map file does not store them). */
  static build(map: CabinMap, options: { landmarks?: readonly Landmark[] } = {}): Geocoder {
    const entries: Entry[] = [];
    // Streets: one entry per distinct name, with every segment of every way that carries it.
    const streets = new Map<string, Entry>();
    const roads = map.roads;
    const segmentsOfRoad: number[][] = Array.from({ length: roads.roadCount }, () => []);
    for (let s = 0; s < roads.segmentCount; s++) segmentsOfRoad[roads.segmentRoad[s]!]!.push(s);
    for (let r = 0; r < roads.roadCount; r++) {
      const name = map.strings[roads.roadName[r]!] ?? '';
      const zh = map.strings[roads.roadNameZh[r]!] ?? '';
      const en = map.strings[roads.roadNameEn[r]!] ?? '';
      const ref = map.strings[roads.roadRef[r]!] ?? '';
      const label = name || en || zh || ref;
      if (!label) continue;
      const key = `${name}|${zh}|${en}|${ref}`;
      let entry = streets.get(key);
      if (!entry) {
        const variants = unique([name, zh, en, ref, ...ref.split(/\s*;\s*/)]);
        entry = {
          id: `street:${streets.size}`,
          kind: 'street',
          name: { en: en || name || ref, zh: zh || name || ref },
          forms: variants.map(nameForms),
          lat: 0,
          lon: 0,
          segments: [],
          group: `street|${key}`,
        };
        streets.set(key, entry);
      }
      entry.segments!.push(...segmentsOfRoad[r]!);
    }
    for (const entry of streets.values()) {
      if (entry.segments!.length === 0) continue;
      const middle = segmentMiddle(map, entry.segments![entry.segments!.length >> 1]!);
      entry.lat = middle.lat;
      entry.lon = middle.lon;
      entries.push(entry);
    }
    for (const place of map.parking) {
      const variants = unique([place.name ?? '', place.nameZh ?? '', place.nameEn ?? '']);
      const label = parkingKindLabel(place.parking);
      entries.push({
        id: `parking:${place.osmId}`,
        kind: 'parking',
        name: { en: place.nameEn || place.name || label.en, zh: place.nameZh || place.name || label.zh },
        forms: variants.map(nameForms),
        lat: place.lat,
        lon: place.lon,
        group: `parking|${variants.join('|') || place.osmId}`,
      });
    }
    for (const place of map.food) {
      const variants = unique([place.name ?? '', place.nameZh ?? '', place.nameEn ?? '']);
      const cuisine = placeCuisines(place.cuisine)[0];
      entries.push({
        id: `food:${place.osmId}`,
        kind: 'food',
        name: {
          en: place.nameEn || place.name || (cuisine ? `${cuisine.en} place` : 'place to eat'),
          zh: place.nameZh || place.name || (cuisine ? `${cuisine.zh}餐馆` : '餐馆'),
        },
        forms: variants.map(nameForms),
        lat: place.lat,
        lon: place.lon,
        group: `food|${variants.join('|') || place.osmId}`,
      });
    }
    const landmarks = options.landmarks ?? [];
    for (const landmark of landmarks) {
      const variants = unique([landmark.name ?? '', landmark.nameZh ?? '', landmark.nameEn ?? '']);
      if (variants.length === 0) continue;
      entries.push({
        id: `landmark:${landmark.osmId}`,
        kind: 'landmark',
        name: { en: landmark.nameEn || landmark.name || variants[0]!, zh: landmark.nameZh || landmark.name || variants[0]! },
        forms: variants.map(nameForms),
        lat: landmark.lat,
        lon: landmark.lon,
        group: `landmark|${variants.join('|')}`,
      });
    }
    return new Geocoder(map, entries, landmarks);
  }

  /** How many names it searches. */
  get size(): number {
    return this.entries.length;
  }

  /** Ranked places whose names match `query`. */
  search(query: string, options: GeocodeOptions = {}): GeocodeResult {
    const q = nameForms(stripFillers(query));
    if (q.full === '') return { ok: false, reason: 'empty-query', candidates: [] };
    const kinds = options.kinds;
    const near = options.near;
    // Best entry per group (same name and kind): the nearest of the best-scoring.
    const best = new Map<string, { entry: Entry; score: number; matched: string; distanceM: number | undefined }>();
    for (const entry of this.entries) {
      if (kinds && !kinds.includes(entry.kind)) continue;
      let score = 0;
      let matched = '';
      for (const forms of entry.forms) {
        const s = similarity(q, forms);
        if (s > score) {
          score = s;
          matched = forms.original;
        }
      }
      if (score < MIN_SCORE) continue;
      const point = near ? this.pointOf(entry, near) : entry;
      const distanceM = near ? haversineM(near.lat, near.lon, point.lat, point.lon) : undefined;
      const seen = best.get(entry.group);
      if (!seen || score > seen.score || (score === seen.score && (distanceM ?? 0) < (seen.distanceM ?? 0))) {
        best.set(entry.group, { entry, score, matched, distanceM });
      }
    }
    if (best.size === 0) return { ok: false, reason: 'not-found', candidates: [] };
    const ranked = [...best.values()].sort(
      (a, b) => b.score - a.score || kindRank(a.entry.kind) - kindRank(b.entry.kind) || (a.distanceM ?? 0) - (b.distanceM ?? 0),
    );
    const candidates = ranked.slice(0, options.limit ?? 5).map(({ entry, score, matched, distanceM }) => {
      const point = near ? this.pointOf(entry, near) : entry;
      return candidate(entry, point, score, matched, distanceM);
    });
    const [first, second] = candidates;
    const ambiguous = first !== undefined && second !== undefined && first.score - second.score < AMBIGUITY_MARGIN;
    return { ok: true, candidates, ambiguous };
  }

  /** The nearest places of a category ("parking", "川菜", "hospital", "加油站") to `from`, nearest first. */
  nearest(what: string, from: LatLon, options: { limit?: number } = {}): NearestResult {
    const category = nearestCategory(what);
    if (!category) return { ok: false, reason: 'unknown-category' };
    const limit = options.limit ?? 5;
    const found: GeocodeCandidate[] = [];
    const push = (entry: Entry | undefined): void => {
      if (entry) found.push(candidate(entry, entry, 1, '', haversineM(from.lat, from.lon, entry.lat, entry.lon)));
    };
    switch (category.kind) {
      case 'parking':
        for (const place of this.map.parking) {
          if (!isOpenToPublic(place) || (category.evCharging && place.evCharging !== true)) continue;
          push(this.byId.get(`parking:${place.osmId}`));
        }
        break;
      case 'food':
        for (const place of this.map.food) {
          if (category.cuisine !== undefined) {
            const ids = placeCuisines(place.cuisine).map((c) => c.id);
            if (place.amenity === 'cafe' && ids.length === 0) ids.push('cafe');
            if (cuisineMatch(ids, [category.cuisine]) === 0) continue;
          }
          push(this.byId.get(`food:${place.osmId}`));
        }
        break;
      case 'landmark':
        for (const landmark of this.landmarks) {
          if (landmark.category === category.category) push(this.byId.get(`landmark:${landmark.osmId}`));
        }
        break;
      case 'unsupported':
        return { ok: false, reason: 'none-on-map', category };
      default: {
        const never: never = category;
        throw new Error(`unknown category ${String(never)}`);
      }
    }
    if (found.length === 0) return { ok: false, reason: 'none-on-map', category };
    found.sort((a, b) => (a.distanceM ?? 0) - (b.distanceM ?? 0));
    return { ok: true, category, candidates: found.slice(0, limit) };
  }

  /** A candidate by its id (from a card the driver or the LLM refers to), placed relative to `near`. */
  byPlaceId(id: string, near?: LatLon): GeocodeCandidate | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    const point = near ? this.pointOf(entry, near) : entry;
    return candidate(entry, point, 1, entry.name.en, near ? haversineM(near.lat, near.lon, point.lat, point.lon) : undefined);
  }

  /** Where to drive to for an entry: a place's own point, or a street's point nearest `near`. */
  private pointOf(entry: Entry, near: LatLon): LatLon {
    if (!entry.segments) return entry;
    const roads = this.map.roads;
    let bestSegment = entry.segments[0]!;
    let bestM = Infinity;
    for (const s of entry.segments) {
      const a = roads.segmentFrom[s]!;
      const b = roads.segmentTo[s]!;
      const lat = (roads.nodeLatE7[a]! + roads.nodeLatE7[b]!) / 2e7;
      const lon = (roads.nodeLonE7[a]! + roads.nodeLonE7[b]!) / 2e7;
      const d = haversineM(near.lat, near.lon, lat, lon);
      if (d < bestM) {
        bestM = d;
        bestSegment = s;
      }
    }
    return segmentMiddle(this.map, bestSegment);
  }
}

function candidate(entry: Entry, point: LatLon, score: number, matched: string, distanceM: number | undefined): GeocodeCandidate {
  const result: GeocodeCandidate = { id: entry.id, kind: entry.kind, name: entry.name, lat: point.lat, lon: point.lon, score, matched };
  if (distanceM !== undefined) result.distanceM = distanceM;
  return result;
}

/** On equal scores a landmark or a street is what a driver most likely means by a bare name. */
function kindRank(kind: GeocodeKind): number {
  switch (kind) {
    case 'landmark':
      return 0;
    case 'street':
      return 1;
    case 'parking':
      return 2;
    case 'food':
      return 3;
    default: {
      const never: never = kind;
      throw new Error(`unknown kind ${String(never)}`);
    }
  }
}

/** The point halfway along a segment's geometry. */
function segmentMiddle(map: CabinMap, segment: number): LatLon {
  const points = piecePolyline(map, { segment, backward: false, startFraction: 0, endFraction: 1, distanceM: 0, durationS: 0 });
  const [lon, lat] = points[points.length >> 1]!;
  return { lat, lon };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
}

// ---------------------------------------------------------------------------
// Normalising and comparing names

interface NameForms {
  original: string;
  /** Case, width, accents and punctuation folded, street types and directions in one spelling. */
  full: string;
  /** `full` without spaces: "zhong shan rd" and "zhongshan rd" meet. */
  compact: string;
  /** Without the street type and direction words: "oak" for "North Oak Street", "人民" for 人民南路. */
  cores: string[];
  /** The street type ("rd", "st"; 路 and 街 count as "rd" and "st"), when the name ends with one. */
  type: string | undefined;
  /** Character n-grams of the name without street type (bigrams for Chinese, trigrams otherwise). */
  grams: Set<string>;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/u;

/** Street-type words in one spelling (English, German, pinyin). */
const STREET_TYPES = new Map<string, string>([
  ['street', 'st'], ['st', 'st'], ['str', 'st'], ['strasse', 'st'], ['jie', 'st'], ['dajie', 'st'],
  ['road', 'rd'], ['rd', 'rd'], ['lu', 'rd'],
  ['avenue', 'ave'], ['ave', 'ave'], ['av', 'ave'], ['dadao', 'ave'],
  ['boulevard', 'blvd'], ['blvd', 'blvd'],
  ['drive', 'dr'], ['dr', 'dr'],
  ['lane', 'ln'], ['ln', 'ln'],
  ['place', 'pl'], ['pl', 'pl'],
  ['court', 'ct'], ['ct', 'ct'],
  ['terrace', 'ter'], ['ter', 'ter'],
  ['highway', 'hwy'], ['hwy', 'hwy'],
  ['expressway', 'expy'], ['expy', 'expy'],
  ['parkway', 'pkwy'], ['pkwy', 'pkwy'],
  ['way', 'way'], ['circle', 'cir'], ['cir', 'cir'],
  ['square', 'sq'], ['sq', 'sq'],
  ['gasse', 'gasse'], ['weg', 'weg'],
]);
const DIRECTIONS = new Map<string, string>([
  ['north', 'n'], ['n', 'n'], ['south', 's'], ['s', 's'], ['east', 'e'], ['e', 'e'], ['west', 'w'], ['w', 'w'],
  ['bei', 'n'], ['nan', 's'], ['dong', 'e'], ['xi', 'w'],
]);
/** Chinese road suffixes, longest first. */
const ZH_SUFFIXES = ['大道', '大街', '公路', '高速', '路', '街', '道', '巷', '弄'];
const ZH_DIRECTIONS = '东南西北中';
const TYPE_SET = new Set(STREET_TYPES.values());
const ZH_TYPES: readonly [string, string][] = [['大道', 'ave'], ['大街', 'st'], ['路', 'rd'], ['街', 'st'], ['弄', 'ln'], ['巷', 'ln']];

/** Words around a name that are not part of it. */
function stripFillers(query: string): string {
  return query
    .trim()
    .replace(/^(the|to)\s+/i, '')
    .replace(/[，。？！,.?!]+$/u, '')
    .replace(/^(去|到|导航到|导航去)/u, '')
    .trim();
}

/** Folds case, full-width forms, accents, apostrophes and punctuation. */
export function normaliseName(text: string): string {
  let s = text.normalize('NFKC').toLowerCase().replace(/ß/g, 'ss');
  s = s.normalize('NFD').replace(/\p{M}+/gu, '').normalize('NFC');
  s = s.replace(/['’‘`´]/g, '');
  // German compounds: "Landstrasse" → "land strasse", so the type word stands alone.
  s = s.replace(/(\p{L}{3,})(strasse|str)\b/gu, '$1 $2');
  s = s.replace(/[^\p{L}\p{N}]+/gu, ' ');
  // Chinese next to Latin letters or digits: spaces between, so tokens split cleanly.
  s = s.replace(/([\u3400-\u9fff])(?=[a-z0-9])/g, '$1 ').replace(/([a-z0-9])(?=[\u3400-\u9fff])/g, '$1 ');
  return s.replace(/\s+/g, ' ').trim();
}

function nameForms(original: string): NameForms {
  const tokens = normaliseName(original).split(' ').filter((t) => t !== '');
  const canonical = tokens.map((t, i) => {
    const type = STREET_TYPES.get(t);
    // "St" first is Saint; after the first word a type word ("Wutong Road Car Park").
    if (type !== undefined && i > 0) return type;
    const direction = DIRECTIONS.get(t);
    if (direction !== undefined && (i === 0 || i === tokens.length - 1) && tokens.length > 1) return direction;
    return t;
  });
  const full = canonical.join(' ');
  const compact = canonical.join('');
  const cores = new Set<string>();
  // Latin: drop a trailing type and leading or trailing directions.
  let core = [...canonical];
  if (core.length > 1 && TYPE_SET.has(core[core.length - 1]!)) core = core.slice(0, -1);
  const isDirection = (t: string | undefined): boolean => t !== undefined && ['n', 's', 'e', 'w'].includes(t);
  if (core.length > 1 && isDirection(core[0])) core = core.slice(1);
  if (core.length > 1 && isDirection(core[core.length - 1])) core = core.slice(0, -1);
  cores.add(core.join(''));
  let main = core.join('');
  // Chinese: drop a road suffix, then a direction just before it (人民南路 → 人民).
  if (CJK.test(compact)) {
    for (const suffix of ZH_SUFFIXES) {
      if (compact.endsWith(suffix) && compact.length > suffix.length + 1) {
        const stem = compact.slice(0, -suffix.length);
        cores.add(stem);
        main = stem;
        if (stem.length > 2 && ZH_DIRECTIONS.includes(stem[stem.length - 1]!)) cores.add(stem.slice(0, -1));
        break;
      }
    }
  }
  const last = canonical[canonical.length - 1];
  let type = last !== undefined && canonical.length > 1 && TYPE_SET.has(last) ? last : undefined;
  if (type === undefined && CJK.test(compact)) type = ZH_TYPES.find(([suffix]) => compact.endsWith(suffix))?.[1];
  // n-grams of the name without its street type: "Furong Road" and "Wutong Road" share "ong Road", not a name.
  return { original, full, compact, cores: [...cores].filter((c) => c !== ''), type, grams: grams(main || compact) };
}

function grams(compact: string): Set<string> {
  const n = CJK.test(compact) ? 2 : 3;
  const padded = n === 3 ? ` ${compact} ` : compact;
  const set = new Set<string>();
  if (padded.length <= n) {
    set.add(padded);
    return set;
  }
  for (let i = 0; i + n <= padded.length; i++) set.add(padded.slice(i, i + n));
  return set;
}

function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const g of small) if (large.has(g)) shared++;
  return (2 * shared) / (a.size + b.size);
}

/** Levenshtein distance with a cut-off: returns `max + 1` once it is surely above `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * How well a query names a place, 0–1:
 *   1     the same name once folded;
 *   0.97  the same but for spacing ("Zhong Shan Road");
 *   0.9   the same name but for the street type or direction ("Oak Street" for Oak Road, 人民路 for 人民南路);
 *   ≤0.85 close spellings: character n-gram overlap or edit distance of the names and their cores;
 *   0.6–0.8 the query is part of a longer name ("Wutong Road" in "Wutong Road Car Park").
 */
function similarity(q: NameForms, c: NameForms): number {
  if (q.full === c.full) return 1;
  if (q.compact === c.compact) return 0.97;
  for (const qc of q.cores) if (c.cores.includes(qc) && qc.length >= (CJK.test(qc) ? 2 : 3)) return 0.9;
  let best = 0.85 * dice(q.grams, c.grams);
  // Names are compared without their street types, which would make "Huaihai Rd" a misspelt "Huashan Rd"; whole
  // names only when the query's type word is missing or misspelt ("Huashan Raod").
  const whole = q.type === undefined;
  for (const qc of whole ? [q.compact, ...q.cores] : q.cores) {
    for (const cc of whole ? [c.compact, ...c.cores] : c.cores) {
      const longest = Math.max(qc.length, cc.length);
      if (longest < 4) continue;
      const allowed = Math.floor(longest / 4);
      const d = editDistance(qc, cc, allowed);
      if (d <= allowed) best = Math.max(best, 0.85 * (1 - d / longest) + 0.05);
    }
  }
  if (q.compact.length >= 2 && c.compact.includes(q.compact)) {
    best = Math.max(best, 0.6 + 0.2 * (q.compact.length / c.compact.length));
  }
  // A street type the candidate does not share makes a loose match less likely: "Zhong Shan Road" is not Zhongshan Park.
  if (q.type !== undefined && c.type !== q.type) best *= 0.9;
  return Math.min(0.85, best);
}

// ---------------------------------------------------------------------------
// "The nearest …"

const LANDMARK_WORDS: readonly [LandmarkCategory, readonly string[]][] = [
  ['hospital', ['hospital', 'clinic', 'emergency', 'er', '医院', '急诊', '诊所']],
  ['station', ['station', 'train station', 'railway station', 'metro', 'subway', 'metro station', 'subway station', '车站', '火车站', '地铁站', '地铁', '站']],
  ['square', ['square', 'plaza', '广场']],
  ['park', ['park', '公园']],
  ['mall', ['mall', 'shopping mall', 'shopping centre', 'shopping center', '商场', '购物中心', '商城']],
  ['attraction', ['attraction', 'museum', 'sight', '景点', '博物馆']],
  ['school', ['school', 'university', '学校', '大学']],
  ['hotel', ['hotel', 'motel', '酒店', '宾馆', '旅馆']],
];
const PARKING_WORDS = ['parking', 'car park', 'carpark', 'parking lot', 'parking garage', 'garage', 'park the car', '停车场', '停车', '停车位', '车位', '停车楼', '车库'];
const CHARGING_WORDS = ['charging', 'charger', 'ev charging', 'charging station', 'charging point', '充电', '充电站', '充电桩'];
const FOOD_WORDS = ['restaurant', 'food', 'place to eat', 'somewhere to eat', 'eat', 'diner', '餐厅', '饭店', '饭馆', '餐馆', '吃饭', '吃的', '美食'];
/** Kinds of place drivers ask for that Cabin's maps do not keep (the importer keeps roads, parking, food and signals). */
const NOT_ON_MAPS: readonly [PlaceName, readonly string[]][] = [
  [{ en: 'petrol stations', zh: '加油站' }, ['petrol station', 'gas station', 'petrol', 'gas', 'fuel', 'filling station', '加油站', '加油']],
  [{ en: 'toilets', zh: '洗手间' }, ['toilet', 'restroom', 'bathroom', '厕所', '洗手间', '卫生间']],
  [{ en: 'pharmacies', zh: '药店' }, ['pharmacy', 'pharmacies', 'drugstore', 'chemist', '药店', '药房']],
  [{ en: 'cash machines', zh: '取款机' }, ['atm', 'cash machine', '取款机', '提款机']],
  [{ en: 'banks', zh: '银行' }, ['bank', '银行']],
  [{ en: 'shops', zh: '商店' }, ['supermarket', 'convenience', 'convenience store', 'grocery store', '超市', '便利店']],
  [{ en: 'car washes', zh: '洗车店' }, ['car wash', '洗车']],
  [{ en: 'police stations', zh: '派出所' }, ['police', 'police station', '派出所', '警察局']],
  [{ en: 'post offices', zh: '邮局' }, ['post office', '邮局']],
  [{ en: 'service areas', zh: '服务区' }, ['services', 'service area', 'rest area', '服务区']],
];

const LANDMARK_LABELS: Readonly<Record<LandmarkCategory, PlaceName>> = {
  square: { en: 'squares', zh: '广场' },
  station: { en: 'stations', zh: '车站' },
  hospital: { en: 'hospitals', zh: '医院' },
  mall: { en: 'shopping centres', zh: '购物中心' },
  park: { en: 'parks', zh: '公园' },
  attraction: { en: 'sights', zh: '景点' },
  school: { en: 'schools', zh: '学校' },
  hotel: { en: 'hotels', zh: '酒店' },
  other: { en: 'places like that', zh: '这类地方' },
};

/** What a category is called, in the plural: "hospitals" / "医院". */
export function categoryLabel(category: NearestCategory): PlaceName {
  switch (category.kind) {
    case 'parking':
      return category.evCharging ? { en: 'charging points', zh: '充电桩' } : { en: 'car parks', zh: '停车场' };
    case 'food': {
      const cuisine = category.cuisine !== undefined ? cuisineById(category.cuisine) : undefined;
      return cuisine ? { en: `${cuisine.en} places`, zh: `${cuisine.zh}餐厅` } : { en: 'places to eat', zh: '餐厅' };
    }
    case 'landmark':
      return LANDMARK_LABELS[category.category];
    case 'unsupported':
      return category.what;
    default: {
      const never: never = category;
      throw new Error(`unknown category ${String(never)}`);
    }
  }
}

/** The category a driver's "nearest X" names, or undefined. */
export function nearestCategory(what: string): NearestCategory | undefined {
  const text = normaliseName(what).replace(/^(the )?(nearest|closest) /, '').replace(/^(最近的?|附近的?)/u, '');
  const spaced = ` ${text} `;
  const has = (words: readonly string[]): boolean =>
    words.some((w) => {
      if (CJK.test(w)) return text.includes(w);
      return spaced.includes(` ${w} `) || spaced.includes(` ${w}s `);
    });
  if (has(CHARGING_WORDS)) return { kind: 'parking', evCharging: true };
  for (const [what, words] of NOT_ON_MAPS) if (has(words)) return { kind: 'unsupported', what };
  const cuisine = cuisineFromWord(text);
  if (cuisine) return { kind: 'food', cuisine: cuisine.id };
  if (has(PARKING_WORDS)) return { kind: 'parking' };
  if (has(FOOD_WORDS)) return { kind: 'food' };
  for (const [category, words] of LANDMARK_WORDS) if (has(words)) return { kind: 'landmark', category };
  return undefined;
}

// ---------------------------------------------------------------------------
// Landmarks from OSM elements

function landmarkCategory(tags: Tags): LandmarkCategory | undefined {
  if (tags['place'] === 'square' || (tags['highway'] === 'pedestrian' && tags['area'] === 'yes')) return 'square';
  if (tags['railway'] === 'station' || tags['public_transport'] === 'station' || tags['amenity'] === 'bus_station') return 'station';
  if (tags['amenity'] === 'hospital' || tags['amenity'] === 'clinic') return 'hospital';
  if (tags['shop'] === 'mall' || tags['shop'] === 'department_store') return 'mall';
  if (tags['leisure'] === 'park') return 'park';
  if (tags['tourism'] === 'attraction' || tags['tourism'] === 'museum' || tags['historic'] === 'castle') return 'attraction';
  if (tags['amenity'] === 'university' || tags['amenity'] === 'school' || tags['amenity'] === 'college') return 'school';
  if (tags['tourism'] === 'hotel' || tags['tourism'] === 'motel') return 'hotel';
  if (tags['amenity'] === 'townhall' || tags['amenity'] === 'library') return 'other';
  return undefined;
}

function landmarkOf(osmId: string, lat: number, lon: number, tags: Tags, category: LandmarkCategory): Landmark | undefined {
  const landmark: Landmark = { osmId, category, lat, lon };
  if (tags['name']) landmark.name = tags['name'];
  if (tags['name:zh']) landmark.nameZh = tags['name:zh'];
  if (tags['name:en']) landmark.nameEn = tags['name:en'];
  return landmark.name || landmark.nameZh || landmark.nameEn ? landmark : undefined;
}

/**
 * Named landmarks (squares, stations, hospitals, malls, parks, sights) from
 * OSM elements, which `feed` sends to a sink (it may be called twice: ways
 * are placed at the mean of their nodes, read in a second pass).
 */
export function collectLandmarks(feed: (sink: OsmSink) => void): Landmark[] {
  const landmarks: Landmark[] = [];
  const wanted: { id: number; refs: number[]; tags: Tags; category: LandmarkCategory }[] = [];
  feed({
    node(node) {
      if (!node.tags) return;
      const category = landmarkCategory(node.tags);
      if (!category) return;
      const landmark = landmarkOf(`n${node.id}`, node.lat, node.lon, node.tags, category);
      if (landmark) landmarks.push(landmark);
    },
    way(way) {
      const category = landmarkCategory(way.tags);
      const named = way.tags['name'] || way.tags['name:zh'] || way.tags['name:en'];
      if (category && named) wanted.push({ id: way.id, refs: way.refs, tags: way.tags, category });
    },
    relation() {},
  });
  if (wanted.length === 0) return landmarks;
  const needed = new Map<number, [number, number] | undefined>();
  for (const way of wanted) for (const ref of way.refs) needed.set(ref, undefined);
  feed({
    node(node) {
      if (needed.has(node.id)) needed.set(node.id, [node.lat, node.lon]);
    },
    way() {},
    relation() {},
  });
  for (const way of wanted) {
    let lat = 0;
    let lon = 0;
    let n = 0;
    // A closed way repeats its first node; count it once.
    const refs = way.refs.length > 1 && way.refs[0] === way.refs[way.refs.length - 1] ? way.refs.slice(1) : way.refs;
    for (const ref of refs) {
      const point = needed.get(ref);
      if (!point) continue;
      lat += point[0];
      lon += point[1];
      n++;
    }
    if (n === 0) continue;
    const landmark = landmarkOf(`w${way.id}`, lat / n, lon / n, way.tags, way.category);
    if (landmark) landmarks.push(landmark);
  }
  return landmarks;
}

let defaultLandmarks: Landmark[] | undefined;

/** The landmarks of the built-in default region, from its generator (the map file keeps only roads, parking, food and signals). */
export function defaultRegionLandmarks(): Landmark[] {
  return (defaultLandmarks ??= collectLandmarks((sink) => generateRegion(sink)));
}

/** Whether `map` is the built-in default region (whose landmarks `defaultRegionLandmarks` gives). */
export function isDefaultRegion(map: CabinMap): boolean {
  return map.info.synthetic && map.info.name === DEFAULT_REGION.name;
}
