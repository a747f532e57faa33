/**
 * What a way's tags mean for a car: may it drive there, in which directions,
 * how fast. Pure functions of the tags, after the OSM wiki pages `Key:highway`,
 * `Key:access`, `Key:oneway` and `Key:maxspeed`.
 */
import {
  ROAD_CLASSES,
  SEGMENT_BACKWARD,
  SEGMENT_FORWARD,
  SEGMENT_ROUNDABOUT,
  SEGMENT_TOLL,
  type RoadClass,
  type Tags,
} from '../types.ts';

/** How a car may use one way. */
export interface CarRoad {
  /** Index into ROAD_CLASSES. */
  roadClass: number;
  /** SEGMENT_* bits; always at least one direction. */
  flags: number;
  /** Free-flow speed in km/h, within [MIN_SPEED_KMH, MAX_SPEED_KMH]. */
  speedKmh: number;
}

/** Lowest speed a segment gets, so that no tagged value makes a road practically closed. */
export const MIN_SPEED_KMH = 5;
/** Highest speed a segment gets (speeds are stored in a Uint8Array); also what `maxspeed=none` means here. */
export const MAX_SPEED_KMH = 130;
const WALK_KMH = 7;

/**
 * Speed in km/h where a way has no usable `maxspeed`: a typical free-flow
 * speed for the class in towns and on open roads, not the legal limit.
 */
export const DEFAULT_SPEED_KMH: Readonly<Record<RoadClass, number>> = {
  motorway: 100,
  trunk: 80,
  primary: 60,
  secondary: 50,
  tertiary: 40,
  unclassified: 30,
  residential: 25,
  motorway_link: 45,
  trunk_link: 40,
  primary_link: 35,
  secondary_link: 30,
  tertiary_link: 25,
  living_street: 10,
  service: 15,
  road: 30,
};

const CLASS_INDEX = new Map<string, number>(ROAD_CLASSES.map((name, i) => [name, i]));

/** Index of `highway=<value>` in ROAD_CLASSES, or -1 when cars do not use that class. */
export function roadClassIndex(highway: string | undefined): number {
  return highway === undefined ? -1 : (CLASS_INDEX.get(highway) ?? -1);
}

/**
 * How a car may use a way with these tags, or undefined when it may not:
 * not a car road class, an area, under construction or proposed, closed to
 * cars by access tags, or reversible.
 */
export function carRoad(tags: Tags): CarRoad | undefined {
  const roadClass = roadClassIndex(tags.highway);
  if (roadClass < 0) return undefined;
  if (tags.area === 'yes') return undefined;
  // `construction=minor` marks works that leave the road open (Key:construction).
  if (tags.construction !== undefined && tags.construction !== 'no' && tags.construction !== 'minor') return undefined;
  if (tags.proposed !== undefined && tags.proposed !== 'no') return undefined;
  // OSRM's car profile excludes these too: only emergency vehicles may pass.
  if (tags.service === 'emergency_access' || tags.impassable === 'yes') return undefined;
  if (!carsAllowed(tags)) return undefined;

  const direction = carDirection(tags);
  if (direction === 0) return undefined;
  let flags = direction;
  if (tags.junction === 'roundabout' || tags.junction === 'circular') flags |= SEGMENT_ROUNDABOUT;
  if ((tags['toll:motorcar'] ?? tags.toll) === 'yes') flags |= SEGMENT_TOLL;

  const speedKmh = carSpeedKmh(tags, direction) ?? DEFAULT_SPEED_KMH[ROAD_CLASSES[roadClass]!];
  return { roadClass, flags, speedKmh };
}

// Key:access values. A value in neither set says nothing for cars and the
// next, less specific key decides.
const ALLOWED = new Set(['yes', 'designated', 'permissive', 'destination', 'customers', 'official', 'discouraged']);
const DENIED = new Set([
  'no',
  'private',
  'agricultural',
  'forestry',
  'delivery',
  'permit',
  'military',
  'emergency',
  'bus',
  'psv',
  'use_sidepath',
]);
/** Most specific first (Key:access, "transport mode" hierarchy). */
const ACCESS_KEYS = ['motorcar', 'motor_vehicle', 'vehicle', 'access'] as const;

/** Whether access tags let a private car drive the way; untagged means yes. */
export function carsAllowed(tags: Tags): boolean {
  for (const key of ACCESS_KEYS) {
    const value = tags[key];
    if (value === undefined) continue;
    const verdict = accessVerdict(value);
    if (verdict !== undefined) return verdict;
  }
  return true;
}

function accessVerdict(value: string): boolean | undefined {
  if (ALLOWED.has(value)) return true;
  if (DENIED.has(value)) return false;
  // Lists such as `destination;delivery`: allowed if any part allows cars.
  if (!value.includes(';')) return undefined;
  let denied = false;
  for (const part of value.split(';')) {
    const trimmed = part.trim();
    if (ALLOWED.has(trimmed)) return true;
    if (DENIED.has(trimmed)) denied = true;
  }
  return denied ? false : undefined;
}

const ONEWAY_KEYS = ['oneway:motorcar', 'oneway:motor_vehicle', 'oneway'] as const;

/**
 * SEGMENT_FORWARD and/or SEGMENT_BACKWARD for the way's direction of travel,
 * or 0 when the direction changes over time (`oneway=reversible|alternating`).
 */
export function carDirection(tags: Tags): number {
  for (const key of ONEWAY_KEYS) {
    const value = tags[key];
    if (value === undefined) continue;
    switch (value) {
      case 'yes':
      case 'true':
      case '1':
        return SEGMENT_FORWARD;
      case '-1':
      case 'reverse':
        return SEGMENT_BACKWARD;
      case 'no':
      case 'false':
      case '0':
        return SEGMENT_FORWARD | SEGMENT_BACKWARD;
      case 'reversible':
      case 'alternating':
        return 0;
      // Anything else (`oneway=unknown`, typos) falls through to the implied value.
    }
  }
  // Key:oneway: roundabouts and motorways are oneway unless tagged otherwise.
  const impliedOneway =
    tags.junction === 'roundabout' ||
    tags.junction === 'circular' ||
    tags.highway === 'motorway' ||
    tags.highway === 'motorway_link';
  return impliedOneway ? SEGMENT_FORWARD : SEGMENT_FORWARD | SEGMENT_BACKWARD;
}

/**
 * The tagged speed limit of a way in km/h for a car driving in `direction`
 * (SEGMENT_* bits), clamped to [MIN_SPEED_KMH, MAX_SPEED_KMH]; undefined when
 * no `maxspeed` tag gives a number. A two-way road with different limits per
 * direction gets the lower one, as a segment has a single speed.
 */
export function carSpeedKmh(tags: Tags, direction: number): number | undefined {
  const forward = direction & SEGMENT_FORWARD ? parseMaxspeed(tags['maxspeed:forward']) : undefined;
  const backward = direction & SEGMENT_BACKWARD ? parseMaxspeed(tags['maxspeed:backward']) : undefined;
  let speed: number | undefined;
  if (forward !== undefined || backward !== undefined) speed = Math.min(forward ?? Infinity, backward ?? Infinity);
  speed ??= parseMaxspeed(tags.maxspeed);
  return speed === undefined ? undefined : clampSpeed(speed);
}

function clampSpeed(kmh: number): number {
  return Math.min(MAX_SPEED_KMH, Math.max(MIN_SPEED_KMH, Math.round(kmh)));
}

const MPH_KMH = 1.609344;
const KNOT_KMH = 1.852;

// Implicit limits (Key:maxspeed "Implicit maxspeed values", wiki page
// "Default speed limits"); `none` resolves to MAX_SPEED_KMH.
const ZONE_KMH: Readonly<Record<string, number>> = {
  'AT:urban': 50,
  'AT:rural': 100,
  'AT:trunk': 100,
  'AT:motorway': 130,
  'AT:living_street': WALK_KMH,
  'CH:urban': 50,
  'CH:rural': 80,
  'CH:trunk': 100,
  'CH:motorway': 120,
  'CH:living_street': 20,
  'DE:urban': 50,
  'DE:rural': 100,
  'DE:motorway': MAX_SPEED_KMH,
  'DE:living_street': WALK_KMH,
  'ES:urban': 50,
  'ES:rural': 90,
  'ES:motorway': 120,
  'FR:urban': 50,
  'FR:rural': 80,
  'FR:trunk': 110,
  'FR:motorway': 130,
  'FR:living_street': 20,
  'GB:nsl_single': 60 * MPH_KMH,
  'GB:nsl_dual': 70 * MPH_KMH,
  'GB:motorway': 70 * MPH_KMH,
  'IT:urban': 50,
  'IT:rural': 90,
  'IT:trunk': 110,
  'IT:motorway': 130,
  'LI:urban': 50,
  'LI:rural': 80,
  'NL:urban': 50,
  'NL:rural': 80,
  'NL:trunk': 100,
  'NL:motorway': 130,
  'RU:urban': 60,
  'RU:rural': 90,
  'RU:motorway': 110,
  'RU:living_street': 20,
};

/**
 * A `maxspeed` value in km/h, unclamped: "50", "50 km/h", "30 mph",
 * "10 knots", "DE:urban", "DE:zone30", "none", "walk". The lowest of a
 * `;`-separated list. Undefined for "signals", "variable" and anything
 * unparseable, so the class default applies.
 */
export function parseMaxspeed(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value.includes(';')) {
    let lowest: number | undefined;
    for (const part of value.split(';')) {
      const speed = parseMaxspeed(part);
      if (speed !== undefined && (lowest === undefined || speed < lowest)) lowest = speed;
    }
    return lowest;
  }
  const text = value.trim();
  if (text === 'none') return MAX_SPEED_KMH;
  if (text === 'walk') return WALK_KMH;
  const zone = ZONE_KMH[text];
  if (zone !== undefined) return zone;
  // "DE:zone30", "DE:zone:30" (Key:maxspeed, zone values).
  const zoneMatch = /^[A-Z]{2}(?:-[A-Z0-9]+)?:zone:?(\d+)$/.exec(text);
  if (zoneMatch) return Number(zoneMatch[1]);
  const match = /^(\d+(?:\.\d+)?)\s*(km\/h|kmh|kph|mph|knots)?$/.exec(text);
  if (!match) return undefined;
  const number = Number(match[1]);
  switch (match[2]) {
    case 'mph':
      return number * MPH_KMH;
    case 'knots':
      return number * KNOT_KMH;
    default:
      return number;
  }
}
