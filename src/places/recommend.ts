/**
 * Parking near a destination and places to eat near a point or along a
 * route, ranked, each with the reasons that ranked it in English and
 * Chinese. Every fact in a result comes from the map, an operator feed, the
 * router or a documented estimate that says it is one; nothing is made up.
 */
import type { CabinMap, FoodPlace, ParkingPlace } from '../map/index.ts';
import type { LatLon, Route, Router, SnappedPoint } from '../routing/index.ts';
import { cuisineMatch, placeCuisines, type Cuisine } from './cuisine.ts';
import { checkTimeZone, hoursAt, type DayRef, type HoursAt, type Weekday } from './hours.ts';
import { ParkingOccupancy, type Availability } from './occupancy.ts';
import {
  formatMoney,
  isCovered,
  isOpenToPublic,
  parkingKindLabel,
  parkingPrice,
  stayCost,
  type Bilingual,
  type ParkingPrice,
} from './parking.ts';
import { PlacesIndex, type CorridorPlace, type NearbyPlace } from './places-index.ts';

/** Everything the recommenders need about one map. */
export interface PlacesContext {
  map: CabinMap;
  router: Router;
  places: PlacesIndex;
  occupancy: ParkingOccupancy;
  /** IANA zone of the region: opening hours and occupancy profiles are read on its clock. */
  timeZone: string;
}

/** Builds the places index and an empty occupancy feed for a map. Throws if the map's time zone is unknown. */
export function createPlacesContext(map: CabinMap, router: Router): PlacesContext {
  try {
    checkTimeZone(map.info.timeZone);
  } catch (error) {
    throw new RangeError(`map ${map.info.name}: ${(error as Error).message}`);
  }
  return { map, router, places: PlacesIndex.build(map), occupancy: new ParkingOccupancy(map), timeZone: map.info.timeZone };
}

/** Why a result is where it is, in both languages. */
export interface Reason extends Bilingual {
  code:
    | 'detour'
    | 'walk'
    | 'hours'
    | 'cuisine'
    | 'price-level'
    | 'spaces'
    | 'price'
    | 'kind'
    | 'ev-charging'
    | 'customers-only'
    | 'closes-during-stay';
}

/** Straight lines understate walks through streets; 1.3 is a usual urban detour factor. */
export const WALK_DETOUR_FACTOR = 1.3;
/** 4.8 km/h. */
export const WALK_METRES_PER_MINUTE = 80;

// ---------------------------------------------------------------------------
// Parking

export interface ParkingSearchOptions {
  /** The present: decides whether feed counts are fresh. */
  now: Date;
  /** When the car gets to the destination. Default `now`. */
  arrival?: Date;
  /** Expected stay, for the price. Default 60. */
  stayMinutes?: number;
  /** Farthest straight-line distance from facility to destination. Default 800 m. */
  walkRadiusM?: number;
  /** Only facilities known to cost at most this per hour (free ones included, unknown prices excluded). */
  maxPricePerHour?: number;
  /** Only multi-storey, underground or `covered=yes` facilities. */
  covered?: boolean;
  /** Only facilities tagged with charging points. */
  evCharging?: boolean;
  /** Include facilities for customers only (labelled as such). Default false. */
  includeCustomersOnly?: boolean;
  /** Most results. Default 5. */
  limit?: number;
}

export interface ParkingRecommendation {
  kind: 'parking';
  place: ParkingPlace;
  /** Straight-line distance from the facility to the destination. */
  distanceM: number;
  /** Walking distance: the straight line × WALK_DETOUR_FACTOR. */
  walkM: number;
  /** Present only when the map or the feed gives a price (or says `fee=no`). */
  price?: ParkingPrice;
  /** Cost of the stay at that price, in `price.currency`. */
  stayCost?: number;
  availability: Availability;
  /** Present only when the facility has opening hours. */
  hours?: HoursAt;
  /** Lower is better; see `findParkingNear`. */
  score: number;
  reasons: Reason[];
}

/**
 * Parking within walking distance of a destination, best first. Private
 * facilities never appear. The score, in minutes of walking, adds:
 *   - the walk (straight line × 1.3 at 80 m/min);
 *   - price: 0 when free, up to 10 for the dearest stay among the candidates
 *     (in proportion to its cost), 5 when it charges an unknown price, 3
 *     when nothing says whether it charges;
 *   - spaces at arrival: 30 when full, 8 when under 5 or under 5% free, 4 when
 *     unknown (estimates count like feed values);
 *   - kind: 3 for street parking (a space must be found), 1 when unknown;
 *   - 10 when it closes before the stay ends.
 * Facilities closed at arrival are left out.
 */
export function findParkingNear(ctx: PlacesContext, destination: LatLon, options: ParkingSearchOptions): ParkingRecommendation[] {
  const arrival = options.arrival ?? options.now;
  const stayMinutes = options.stayMinutes ?? 60;
  const limit = options.limit ?? 5;
  const currency = ctx.map.info.currency;
  const kept: {
    near: NearbyPlace<ParkingPlace>;
    price: ParkingPrice | undefined;
    cost: number | undefined;
    availability: Availability;
    hours: HoursAt | undefined;
    closesDuringStay: boolean;
  }[] = [];
  let dearest = 0;
  for (const near of ctx.places.parkingNear(destination.lat, destination.lon, options.walkRadiusM ?? 800)) {
    const place = near.place;
    if (!isOpenToPublic(place, options.includeCustomersOnly ?? false)) continue;
    if (options.covered && !isCovered(place)) continue;
    if (options.evCharging && place.evCharging !== true) continue;
    const price = parkingPrice(place, ctx.occupancy.feedPricePerHour(place.osmId), currency);
    if (options.maxPricePerHour !== undefined && !(price && (price.free || price.pricePerHour <= options.maxPricePerHour))) continue;
    let hours: HoursAt | undefined;
    let closesDuringStay = false;
    if (place.openingHours !== undefined) {
      hours = hoursAt(place.openingHours, arrival, ctx.timeZone);
      if (hours.state === 'closed') continue;
      closesDuringStay = hours.changesAt !== undefined && hours.changesAt.getTime() < arrival.getTime() + stayMinutes * 60_000;
    }
    const cost = price && stayCost(price, stayMinutes);
    if (cost !== undefined && cost > dearest) dearest = cost;
    kept.push({ near, price, cost, availability: ctx.occupancy.availabilityAt(place.osmId, arrival, options.now), hours, closesDuringStay });
  }

  const results = kept.map(({ near, price, cost, availability, hours, closesDuringStay }): ParkingRecommendation => {
    const place = near.place;
    const walkM = near.distanceM * WALK_DETOUR_FACTOR;
    let score = walkM / WALK_METRES_PER_MINUTE;
    if (price === undefined) score += place.fee === 'yes' ? 5 : 3;
    else if (cost !== undefined && dearest > 0) score += (10 * cost) / dearest;
    if (availability.source === 'unknown') score += 4;
    else if (availability.free === 0) score += 30;
    else if (availability.free < 5 || (availability.total !== undefined && availability.free < 0.05 * availability.total)) score += 8;
    if (place.parking === 'street_side') score += 3;
    else if (place.parking === 'unknown') score += 1;
    if (closesDuringStay) score += 10;

    const reasons: Reason[] = [walkReason(walkM), spacesReason(availability)];
    if (price) reasons.push(priceReason(price));
    if (place.parking !== 'unknown' && place.parking !== 'other') reasons.push({ code: 'kind', ...parkingKindLabel(place.parking) });
    if (place.evCharging === true) reasons.push({ code: 'ev-charging', en: 'EV charging', zh: '可充电' });
    if (place.access === 'customers') reasons.push({ code: 'customers-only', en: 'customers only', zh: '仅限顾客' });
    if (hours) {
      if (closesDuringStay && hours.closesAt !== undefined) {
        const at = timeWithDay(hours.closesAt, hours.closesDay);
        reasons.push({ code: 'closes-during-stay', en: `closes ${at.en}, before your stay ends`, zh: `${at.zh}关闭，早于您离开` });
      } else reasons.push(hoursReason(hours));
    }

    const result: ParkingRecommendation = { kind: 'parking', place, distanceM: near.distanceM, walkM, availability, score, reasons };
    if (price) result.price = price;
    if (cost !== undefined) result.stayCost = cost;
    if (hours) result.hours = hours;
    return result;
  });
  return results.sort((a, b) => a.score - b.score || a.distanceM - b.distanceM).slice(0, limit);
}

// ---------------------------------------------------------------------------
// Food

export interface FoodFilterOptions {
  /** The present. */
  now: Date;
  /** Cuisine ids (or words `normaliseCuisine` knows, such as 'hotpot'); a place matches one of them or a kind of one. */
  cuisine?: readonly string[];
  /** Leave out places closed when the driver gets there. */
  openAtArrival?: boolean;
  /** With `openAtArrival`, keep places whose hours are unknown (labelled so). Default true. */
  includeUnknownHours?: boolean;
  /** Only places tagged with a price level at most this (1 cheap … 4 very expensive); untagged places stay. */
  maxPriceLevel?: number;
  /** Most results. Default 10. */
  limit?: number;
}

export interface FoodNearOptions extends FoodFilterOptions {
  /** Default 1000 m. */
  radiusM?: number;
  /** When the driver will be at the point. Default `now`. */
  arrival?: Date;
}

export interface FoodAlongRouteOptions extends FoodFilterOptions {
  /** The car's position when it is already under way; default the route's start. */
  position?: LatLon;
  /** Leave out places that add more than this to the trip. */
  maxDetourMinutes?: number;
  /**
   * Farthest straight-line distance from the route. Default 1000 m, or with
   * `maxDetourMinutes` the distance out and back in that time at 50 km/h.
   */
  corridorM?: number;
}

export interface FoodRecommendation {
  kind: 'food';
  place: FoodPlace;
  /** The place's cuisines, normalised; empty when untagged. */
  cuisines: Cuisine[];
  /** Straight-line distance from the point asked about, or from the route. */
  distanceM: number;
  /** Along a route: what stopping there adds to the trip, by the router. */
  detourMs?: number;
  /** Along a route: when the car gets there; near a point, the arrival asked about. */
  arrival: Date;
  hours: HoursAt;
  /** 2 when it serves a wanted cuisine, 1 a kind of one, 0 otherwise or when none was asked for. */
  cuisineMatch: 0 | 1 | 2;
  priceLevel?: number;
  reasons: Reason[];
}

export type FoodAlongRouteResult =
  | {
      ok: true;
      results: FoodRecommendation[];
      /** Places in the corridor that passed the cuisine and price filters. */
      candidates: number;
      /** Of those, places the router could not reach or leave (or not on a road within 500 m). */
      unreachable: number;
      corridorM: number;
    }
  | { ok: false; reason: 'not-on-map' | 'too-few-points'; message: string };

/** Farthest a restaurant may be from a car road to be driven to. */
const MAX_SNAP_M = 500;

/**
 * Places to eat within a radius of a point (a destination, the car), best
 * first: by walking distance in 100 m steps, then cuisine match, then whether
 * they have a name.
 */
export function findFoodNear(ctx: PlacesContext, point: LatLon, options: FoodNearOptions): FoodRecommendation[] {
  const arrival = options.arrival ?? options.now;
  const results: FoodRecommendation[] = [];
  for (const near of ctx.places.foodNear(point.lat, point.lon, options.radiusM ?? 1000)) {
    const pre = prefilter(near.place, options);
    if (!pre) continue;
    const hours = hoursAt(near.place.openingHours, arrival, ctx.timeZone);
    if (!passesHours(hours, options)) continue;
    const walkM = near.distanceM * WALK_DETOUR_FACTOR;
    results.push(foodResult(near.place, pre, near.distanceM, arrival, hours, undefined, walkReason(walkM)));
  }
  const step = (r: FoodRecommendation): number => Math.floor((r.distanceM * WALK_DETOUR_FACTOR) / 100);
  return results.sort((a, b) => step(a) - step(b) || rankTail(a, b) || a.distanceM - b.distanceM).slice(0, options.limit ?? 10);
}

/**
 * Places to eat along a route, best first: candidates within a corridor of
 * the route's polyline, then for every one the detour the router computes
 * (start or car position → place → destination, minus start → destination,
 * per leg of a route with stops), its arrival time and opening hours then.
 * Ranked by detour in whole minutes (as the driver hears it), then cuisine
 * match, then whether they have a name, then exact detour.
 */
export function findFoodAlongRoute(ctx: PlacesContext, route: Pick<Route, 'legs' | 'waypoints'>, options: FoodAlongRouteOptions): FoodAlongRouteResult {
  const { router } = ctx;
  if (route.waypoints.length < 2 || route.legs.length === 0) {
    return { ok: false, reason: 'too-few-points', message: 'a route needs a start and a destination' };
  }
  const corridorM =
    options.corridorM ??
    (options.maxDetourMinutes !== undefined ? Math.max(200, (options.maxDetourMinutes * 60 * (50 / 3.6)) / 2) : 1000);

  // The legs still ahead, the first possibly cut at the car's position.
  let firstLeg = 0;
  let firstCoordinates: readonly (readonly [number, number])[] = route.legs[0]!.coordinates;
  let start: SnappedPoint | undefined;
  if (options.position) {
    const at = nearestOnLegs(route.legs, options.position);
    firstLeg = at.leg;
    firstCoordinates = at.rest;
    start = router.snap(options.position, 1000);
    if (!start) {
      return {
        ok: false,
        reason: 'not-on-map',
        message: `the car's position (${options.position.lat}, ${options.position.lon}) is more than 1000 m from any road on this map`,
      };
    }
  }

  const seen = new Set<number>();
  let candidates = 0;
  let unreachable = 0;
  const results: FoodRecommendation[] = [];
  let offsetMs = 0; // from now to the start of the leg being looked at
  for (let leg = firstLeg; leg < route.legs.length; leg++) {
    const from = leg === firstLeg && start ? start : snapWaypoint(router, route.waypoints[leg]!);
    const to = snapWaypoint(router, route.waypoints[leg + 1]!);
    if (!from || !to) return { ok: false, reason: 'not-on-map', message: `a waypoint of leg ${leg + 1} is not on this map` };
    const coordinates = leg === firstLeg ? firstCoordinates : route.legs[leg]!.coordinates;

    const stops: SnappedPoint[] = [];
    const stopPlaces: { near: CorridorPlace<FoodPlace>; pre: Prefiltered }[] = [];
    for (const near of ctx.places.foodNearPolyline(coordinates, corridorM)) {
      if (seen.has(near.index)) continue;
      seen.add(near.index);
      const pre = prefilter(near.place, options);
      if (!pre) continue;
      candidates++;
      const stop = snapFood(ctx, near.index);
      if (!stop) {
        unreachable++;
        continue;
      }
      stops.push(stop);
      stopPlaces.push({ near, pre });
    }
    // Time to drive this leg, to offset arrivals on the legs after it.
    let directMs = route.legs[leg]!.durationS * 1000;
    if (stops.length === 0 && leg === firstLeg && start && leg + 1 < route.legs.length) {
      const fromPositionMs = router.travelTable([from], [to])[0]!;
      if (Number.isFinite(fromPositionMs)) directMs = fromPositionMs;
    }
    if (stops.length > 0) {
      const detours = router.detours(from, to, stops);
      const toStops = router.travelTable([from], stops);
      if (Number.isFinite(detours.directMs)) directMs = detours.directMs;
      for (let i = 0; i < stops.length; i++) {
        const detourMs = detours.detourMs[i]!;
        const { near, pre } = stopPlaces[i]!;
        if (!Number.isFinite(detourMs) || !Number.isFinite(toStops[i]!)) {
          unreachable++;
          continue;
        }
        if (options.maxDetourMinutes !== undefined && detourMs > options.maxDetourMinutes * 60_000) continue;
        const arrival = new Date(options.now.getTime() + offsetMs + toStops[i]!);
        const hours = hoursAt(near.place.openingHours, arrival, ctx.timeZone);
        if (!passesHours(hours, options)) continue;
        results.push(foodResult(near.place, pre, near.distanceM, arrival, hours, Math.max(0, detourMs), detourReason(detourMs)));
      }
    }
    offsetMs += directMs;
  }
  const minutes = (r: FoodRecommendation): number => Math.round((r.detourMs ?? 0) / 60_000);
  results.sort((a, b) => minutes(a) - minutes(b) || rankTail(a, b) || (a.detourMs ?? 0) - (b.detourMs ?? 0));
  return { ok: true, results: results.slice(0, options.limit ?? 10), candidates, unreachable, corridorM };
}

interface Prefiltered {
  cuisines: Cuisine[];
  match: 0 | 1 | 2;
  priceLevel: number | undefined;
}

/** The filters that need no routing: cuisine and price level. */
function prefilter(place: FoodPlace, options: FoodFilterOptions): Prefiltered | undefined {
  const cuisines = placeCuisines(place.cuisine);
  let match: 0 | 1 | 2 = 0;
  if (options.cuisine && options.cuisine.length > 0) {
    const ids = cuisines.map((c) => c.id);
    // A café serves coffee even where no `cuisine` tag says so.
    if (place.amenity === 'cafe' && ids.length === 0) ids.push('cafe');
    match = cuisineMatch(ids, options.cuisine);
    if (match === 0) return undefined;
  }
  const priceLevel = place.priceLevel === undefined ? undefined : priceLevelOf(place.priceLevel);
  if (options.maxPriceLevel !== undefined && priceLevel !== undefined && priceLevel > options.maxPriceLevel) return undefined;
  return { cuisines, match, priceLevel };
}

function passesHours(hours: HoursAt, options: FoodFilterOptions): boolean {
  if (!options.openAtArrival) return true;
  return hours.state === 'open' || (hours.state === 'unknown' && (options.includeUnknownHours ?? true));
}

/** Cuisine match, better first; then places with a name first. */
function rankTail(a: FoodRecommendation, b: FoodRecommendation): number {
  return b.cuisineMatch - a.cuisineMatch || Number(hasName(b.place)) - Number(hasName(a.place));
}

function hasName(place: FoodPlace): boolean {
  return place.name !== undefined || place.nameEn !== undefined || place.nameZh !== undefined;
}

function foodResult(
  place: FoodPlace,
  pre: Prefiltered,
  distanceM: number,
  arrival: Date,
  hours: HoursAt,
  detourMs: number | undefined,
  first: Reason,
): FoodRecommendation {
  const reasons: Reason[] = [first, hoursReason(hours)];
  if (pre.cuisines.length > 0) {
    reasons.push({
      code: 'cuisine',
      en: pre.cuisines.map((c) => c.en).join(', '),
      zh: pre.cuisines.map((c) => c.zh).join('、'),
    });
  }
  if (pre.priceLevel !== undefined) {
    reasons.push({ code: 'price-level', en: `price level ${pre.priceLevel} of 4`, zh: `价位${pre.priceLevel}级（共4级）` });
  }
  const result: FoodRecommendation = { kind: 'food', place, cuisines: pre.cuisines, distanceM, arrival, hours, cuisineMatch: pre.match, reasons };
  if (detourMs !== undefined) result.detourMs = detourMs;
  if (pre.priceLevel !== undefined) result.priceLevel = pre.priceLevel;
  return result;
}

/**
 * A `price_level`/`price_range` value as 1 (cheap) … 4 (very expensive):
 * a digit, a run of currency signs, or a word. Undefined for anything else
 * (price ranges in money say nothing comparable across places).
 */
export function priceLevelOf(raw: string): number | undefined {
  const text = raw.trim().toLowerCase();
  if (/^[1-4]$/.test(text)) return Number(text);
  if (/^[$€£¥]{1,4}$/u.test(text)) return [...text].length;
  switch (text) {
    case 'cheap':
    case 'inexpensive':
    case 'low':
      return 1;
    case 'moderate':
    case 'medium':
      return 2;
    case 'expensive':
    case 'high':
      return 3;
    case 'very expensive':
      return 4;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------
// Snapping places and positions to the road network

/** Snapped restaurants per router and index: snapping does not change with traffic, so it is done once. */
const snappedFood = new WeakMap<Router, WeakMap<PlacesIndex, (SnappedPoint | null | undefined)[]>>();

function snapFood(ctx: PlacesContext, index: number): SnappedPoint | undefined {
  let byIndex = snappedFood.get(ctx.router);
  if (!byIndex) snappedFood.set(ctx.router, (byIndex = new WeakMap()));
  let cache = byIndex.get(ctx.places);
  if (!cache) byIndex.set(ctx.places, (cache = new Array(ctx.places.food.length)));
  let hit = cache[index];
  if (hit === undefined) {
    const place = ctx.places.food[index]!;
    hit = ctx.router.snap(place, MAX_SNAP_M) ?? null;
    cache[index] = hit;
  }
  return hit ?? undefined;
}

/**
 * A route's waypoint as the router snapped it. Snapping the requested point
 * again repeats the router's choice; snapping the snapped point could pick
 * another segment meeting at the same node, where other directions apply.
 */
function snapWaypoint(router: Router, waypoint: Route['waypoints'][number]): SnappedPoint | undefined {
  const again = router.snap(waypoint.requested, Math.max(1000, waypoint.distanceM + 1));
  if (again?.segment === waypoint.segment) return again;
  const onRoad = router.snap(waypoint.snapped, 1);
  return onRoad?.segment === waypoint.segment ? onRoad : (again ?? onRoad);
}

/** The leg nearest to `point` and that leg's polyline from the nearest point on. */
function nearestOnLegs(legs: Route['legs'], point: LatLon): { leg: number; rest: [number, number][] } {
  const kx = 111_195 * Math.cos((point.lat * Math.PI) / 180);
  const ky = 111_195;
  let best = { leg: 0, segment: 0, t: 0, distance: Infinity };
  for (let l = 0; l < legs.length; l++) {
    const coords = legs[l]!.coordinates;
    for (let i = 0; i + 1 < coords.length; i++) {
      const ax = (coords[i]![0] - point.lon) * kx;
      const ay = (coords[i]![1] - point.lat) * ky;
      const dx = (coords[i + 1]![0] - point.lon) * kx - ax;
      const dy = (coords[i + 1]![1] - point.lat) * ky - ay;
      const lengthSq = dx * dx + dy * dy;
      const t = lengthSq > 0 ? Math.min(1, Math.max(0, -(ax * dx + ay * dy) / lengthSq)) : 0;
      const distance = Math.hypot(ax + t * dx, ay + t * dy);
      if (distance < best.distance) best = { leg: l, segment: i, t, distance };
    }
  }
  const coords = legs[best.leg]!.coordinates;
  if (coords.length < 2) return { leg: best.leg, rest: coords.slice() };
  const [x0, y0] = coords[best.segment]!;
  const [x1, y1] = coords[best.segment + 1]!;
  const cut: [number, number] = [x0 + best.t * (x1 - x0), y0 + best.t * (y1 - y0)];
  return { leg: best.leg, rest: [cut, ...coords.slice(best.segment + 1)] };
}

// ---------------------------------------------------------------------------
// Reasons

const WEEKDAY_LABELS: Readonly<Record<Weekday, Bilingual>> = {
  Mo: { en: 'Mon', zh: '周一' },
  Tu: { en: 'Tue', zh: '周二' },
  We: { en: 'Wed', zh: '周三' },
  Th: { en: 'Thu', zh: '周四' },
  Fr: { en: 'Fri', zh: '周五' },
  Sa: { en: 'Sat', zh: '周六' },
  Su: { en: 'Sun', zh: '周日' },
};

/** "22:00", "02:00 tomorrow" / "明天02:00", "Sat 08:00" / "周六08:00". */
function timeWithDay(time: string, day: DayRef | undefined): Bilingual {
  if (!day) return { en: time, zh: time };
  if (day.daysAhead === 1) return { en: `${time} tomorrow`, zh: `明天${time}` };
  const weekday = WEEKDAY_LABELS[day.weekday];
  return { en: `${weekday.en} ${time}`, zh: `${weekday.zh}${time}` };
}

/** "open until 22:00" / "营业至22:00", "closed at arrival, opens 08:00 tomorrow", "hours unknown" / "营业时间未知". */
export function hoursReason(hours: HoursAt): Reason {
  switch (hours.state) {
    case 'open': {
      if (hours.closesAt === undefined) return { code: 'hours', en: 'open', zh: '营业中' };
      const at = timeWithDay(hours.closesAt, hours.closesDay);
      return { code: 'hours', en: `open until ${at.en}`, zh: `营业至${at.zh}` };
    }
    case 'closed': {
      if (hours.opensAt === undefined) return { code: 'hours', en: 'closed at arrival', zh: '到达时未营业' };
      const at = timeWithDay(hours.opensAt, hours.opensDay);
      return { code: 'hours', en: `closed at arrival, opens ${at.en}`, zh: `到达时未营业，${at.zh}开门` };
    }
    case 'unknown':
      return { code: 'hours', en: 'hours unknown', zh: '营业时间未知' };
    default: {
      const never: never = hours.state;
      throw new Error(`unknown opening state ${String(never)}`);
    }
  }
}

/** "2 min detour" / "绕行2分钟". */
export function detourReason(detourMs: number): Reason {
  const minutes = Math.round(detourMs / 60_000);
  if (minutes < 1) return { code: 'detour', en: 'under 1 min detour', zh: '绕行不到1分钟' };
  return { code: 'detour', en: `${minutes} min detour`, zh: `绕行${minutes}分钟` };
}

/** "350 m walk" / "步行350米", "1.2 km walk" / "步行1.2公里". */
export function walkReason(walkM: number): Reason {
  if (walkM < 995) {
    const m = Math.max(10, Math.round(walkM / 10) * 10);
    return { code: 'walk', en: `${m} m walk`, zh: `步行${m}米` };
  }
  const km = (Math.round(walkM / 100) / 10).toString();
  return { code: 'walk', en: `${km} km walk`, zh: `步行${km}公里` };
}

/** "34 spaces free" / "剩余34个车位", "about 40 free (estimate)" / "预计剩余约40个车位", "full" / "已满". */
export function spacesReason(availability: Availability): Reason {
  switch (availability.source) {
    case 'feed':
      if (availability.free === 0) return { code: 'spaces', en: 'full', zh: '已满' };
      return {
        code: 'spaces',
        en: availability.free === 1 ? '1 space free' : `${availability.free} spaces free`,
        zh: `剩余${availability.free}个车位`,
      };
    case 'profile': {
      // An estimate claims no more precision than the nearest 5 (or 10 past 100).
      const step = availability.free >= 100 ? 10 : availability.free >= 20 ? 5 : 1;
      const about = Math.round(availability.free / step) * step;
      return { code: 'spaces', en: `about ${about} free (estimate)`, zh: `预计剩余约${about}个车位` };
    }
    case 'unknown':
      return { code: 'spaces', en: 'free spaces unknown', zh: '空余车位未知' };
    default: {
      const never: never = availability;
      throw new Error(`unknown availability ${String(never)}`);
    }
  }
}

/** "12 yuan/h" / "每小时12元", "free of charge" / "免费". */
export function priceReason(price: ParkingPrice): Reason {
  if (price.free) return { code: 'price', en: 'free of charge', zh: '免费' };
  const money = formatMoney(price.pricePerHour, price.currency);
  return { code: 'price', en: `${money.en}/h`, zh: `每小时${money.zh}` };
}
