/**
 * Where to stop for a meal around a given time of a planned trip: the car's
 * position then, places to eat near it from an injected search, and the one
 * that costs the driver least time.
 */
import type { LatLon, Router, SnappedPoint } from '../routing/index.ts';
import type { Trip, TripFailure, TripStop } from './trip.ts';
import { positionAt } from './trip-position.ts';
import { clockTime, mealAt } from './trip-speech.ts';

/** A place to eat that a food search suggests. */
export interface MealCandidate {
  id: string;
  name?: string | undefined;
  nameZh?: string | undefined;
  nameEn?: string | undefined;
  lat: number;
  lon: number;
}

/**
 * Places to eat near `point` for a car there at `arrival`, filtered to the
 * driver's taste and to what is open, most preferred first.
 */
export type FindFood = (point: LatLon, arrival: Date) => readonly MealCandidate[];

export interface MealStopOptions {
  /** Time at the table. Default 45. */
  dwellMinutes?: number;
  /** Longest detour worth taking for a meal. Default 15. */
  maxDetourMinutes?: number;
  /**
   * How many minutes of the driver's time one step up `findFood`'s list is
   * worth, so its preferences (cuisine, ratings) still count. Default 2.
   */
  preferenceStepMinutes?: number;
}

/** The meal stop to insert: `stop` goes at `index` of the trip's stops. */
export type MealChoice = { ok: true; index: number; stop: TripStop; detourS: number } | TripFailure;

export const DEFAULT_MEAL_DWELL_MINUTES = 45;
const DEFAULT_MAX_DETOUR_MINUTES = 15;
const DEFAULT_PREFERENCE_STEP_MINUTES = 2;
/** Same as the router's default: farther than this from a road, a point is not on the map. */
const MAX_SNAP_M = 1000;

/**
 * Chooses a meal stop around `atMs`. It goes on the leg the car is driving
 * then (or right after the stop it is parked at), and is the candidate with
 * the least cost to the driver: the detour on that leg, plus how far from
 * `atMs` the meal would start, plus `preferenceStepMinutes` for each place
 * `findFood` ranked above it. Candidates farther off than `maxDetourMinutes`,
 * already on the trip, or off the road network are left out.
 */
export function chooseMealStop(router: Router, trip: Trip, atMs: number, findFood: FindFood, options: MealStopOptions = {}): MealChoice {
  const clock = clockTime(atMs, trip.timeZone);
  const where = positionAt(trip, atMs);
  let index: number;
  switch (where.kind) {
    case 'before-departure': {
      const leaves = clockTime(trip.departureTimeMs, trip.timeZone);
      return failure('before-departure', `${clock} is before the trip leaves at ${leaves}`, {
        en: `${clock} is before we leave at ${leaves}`,
        zh: `${clock}还没有出发，行程${leaves}出发`,
      });
    }
    case 'arrived': {
      const destination = trip.stops[trip.stops.length - 1]!;
      const arrives = clockTime(trip.arrivalTimeMs, trip.timeZone);
      return failure('after-arrival', `${clock} is after the trip arrives at ${destination.label.en} at ${arrives}`, {
        en: `We will already be at ${destination.label.en} by ${clock}; we arrive at ${arrives}`,
        zh: `${clock}时已经到达${destination.label.zh}（${arrives}到达）`,
      });
    }
    case 'driving':
      index = where.leg;
      break;
    case 'at-stop':
      index = where.stopIndex + 1;
      break;
    default: {
      const exhaustive: never = where;
      return exhaustive;
    }
  }
  const maxDetourMinutes = options.maxDetourMinutes ?? DEFAULT_MAX_DETOUR_MINUTES;
  const stepMs = (options.preferenceStepMinutes ?? DEFAULT_PREFERENCE_STEP_MINUTES) * 60_000;
  const meal = mealAt(atMs, trip.timeZone);
  const noFood = (where: string): TripFailure =>
    failure('no-food', `no place to eat ${where} around ${clock}`, {
      en: `I found no place for ${meal.en} near the route around ${clock}`,
      zh: `${clock}左右沿途没有找到适合${meal.zh}的地方`,
    });

  const stops = trip.stops.map((s) => s.stop);
  const previous = index === 0 ? trip.start : stops[index - 1]!;
  const next = stops[index]!;
  const from = router.snap(previous, MAX_SNAP_M);
  const to = router.snap(next, MAX_SNAP_M);
  if (!from || !to) {
    return failure('not-on-map', `a stop of this trip is more than ${MAX_SNAP_M} m from any road on this map`, {
      en: 'This trip no longer fits the map',
      zh: '这次行程与地图不符',
    });
  }
  const onTrip = new Set(stops.map((s) => s.id));
  const usable: { candidate: MealCandidate; rank: number; point: SnappedPoint }[] = [];
  for (const [rank, candidate] of findFood({ lat: where.lat, lon: where.lon }, new Date(atMs)).entries()) {
    if (onTrip.has(candidate.id) || !Number.isFinite(candidate.lat) || !Number.isFinite(candidate.lon)) continue;
    const point = router.snap(candidate, MAX_SNAP_M);
    if (point) usable.push({ candidate, rank, point });
  }
  if (usable.length === 0) return noFood('near the route');

  const points = usable.map((u) => u.point);
  const toFood = router.travelTable([from], [...points, to]);
  const fromFood = router.travelTable(points, [to]);
  const directMs = toFood[points.length]!;
  const legStartMs = index === 0 ? trip.departureTimeMs : trip.stops[index - 1]!.departureTimeMs;
  let chosen = -1;
  let chosenCostMs = Infinity;
  let chosenDetourMs = 0;
  for (const [k, { rank }] of usable.entries()) {
    // Never below zero: the leg is the fastest path, so a "negative" detour is rounding.
    const detourMs = Math.max(0, toFood[k]! + fromFood[k]! - directMs);
    if (!(detourMs <= maxDetourMinutes * 60_000)) continue;
    const costMs = detourMs + Math.abs(legStartMs + toFood[k]! - atMs) + rank * stepMs;
    if (costMs < chosenCostMs) {
      chosen = k;
      chosenCostMs = costMs;
      chosenDetourMs = detourMs;
    }
  }
  if (chosen < 0) return noFood(`within a ${maxDetourMinutes} min detour`);

  const { candidate } = usable[chosen]!;
  const stop: TripStop = {
    id: candidate.id,
    kind: 'food',
    lat: candidate.lat,
    lon: candidate.lon,
    dwellMinutes: options.dwellMinutes ?? DEFAULT_MEAL_DWELL_MINUTES,
  };
  for (const key of ['name', 'nameZh', 'nameEn'] as const) {
    const value = candidate[key];
    if (value !== undefined) stop[key] = value;
  }
  return { ok: true, index, stop, detourS: chosenDetourMs / 1000 };
}

function failure(reason: TripFailure['reason'], error: string, spoken: TripFailure['spoken']): TripFailure {
  return { ok: false, reason, error, spoken };
}
