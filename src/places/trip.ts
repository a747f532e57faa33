/**
 * Trips with stops: an ordered list of stops from a start position and a
 * departure time, planned with the router into arrival and leaving times at
 * every stop. Every change returns a new planned trip or a failure the caller
 * must look at; nothing here reads the clock.
 */
import { z } from 'zod';
import type { CabinMap } from '../map/index.ts';
import {
  piecePolyline,
  type DrivenPiece,
  type LatLon,
  type Route,
  type Router,
  type RouteStep,
  type SnappedPoint,
} from '../routing/index.ts';
import { bestStopOrder, orderCostMs, type StopOrderOptions } from './stop-order.ts';
import { chooseMealStop, type FindFood, type MealStopOptions } from './meal-stop.ts';
import { clockTime, mealAt, placeName, spokenDistance, spokenDuration, spokenList, type Spoken } from './trip-speech.ts';

export { positionAt, type TripPosition } from './trip-position.ts';
export { chooseMealStop, type FindFood, type MealCandidate, type MealChoice, type MealStopOptions } from './meal-stop.ts';
export type { Spoken } from './trip-speech.ts';

export const STOP_KINDS = ['destination', 'waypoint', 'food', 'parking', 'fuel', 'charging'] as const;
export type StopKind = (typeof STOP_KINDS)[number];

const NamesSchema = {
  name: z.string().optional(),
  nameZh: z.string().optional(),
  nameEn: z.string().optional(),
};

/** A stop as a driver, the agent or the API asks for it. */
export const TripStopSchema = z.object({
  id: z.string().min(1),
  ...NamesSchema,
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  kind: z.enum(STOP_KINDS),
  /** Minutes spent at the stop before driving on; 0 when absent. */
  dwellMinutes: z.number().min(0).max(24 * 60).optional(),
});
export type TripStop = z.infer<typeof TripStopSchema>;

/** Where the trip starts: usually the car's position. */
export const TripStartSchema = z.object({
  ...NamesSchema,
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type TripStart = z.infer<typeof TripStartSchema>;

export interface TripRequest {
  start: TripStart;
  departure: Date | number;
  /** In driving order; the last is the final destination. */
  stops: readonly TripStop[];
}

/** A stop with its planned times. */
export interface PlannedStop {
  stop: TripStop;
  /** Where the route reaches the stop, and that road's name ('' when unnamed). */
  onRoad: LatLon;
  roadName: string;
  /** Epoch milliseconds. */
  arrivalTimeMs: number;
  /** Arrival plus the dwell. */
  departureTimeMs: number;
  /** What the stop is called, as spoken. */
  label: Spoken;
  /** "Arrive at Kunming Road at 12:41". */
  spoken: Spoken;
}

/** The drive from one stop (or the start) to the next. */
export interface TripLeg {
  distanceM: number;
  durationS: number;
  departureTimeMs: number;
  arrivalTimeMs: number;
  /** [lon, lat] pairs in driving order: the router's geometry of the leg, which `steps` index into. */
  coordinates: [number, number][];
  /** Seconds of driving from the start of the leg to each coordinate. */
  secondsAt: number[];
  steps: RouteStep[];
}

/** A planned trip: plain data, safe to send to the cockpit or keep in a dialogue. */
export interface Trip {
  start: TripStart;
  departureTimeMs: number;
  /** IANA time zone the spoken clock times are in (the map's). */
  timeZone: string;
  /** In driving order; the last is the final destination. */
  stops: PlannedStop[];
  /** `legs[i]` ends at `stops[i]`. */
  legs: TripLeg[];
  distanceM: number;
  drivingS: number;
  /** From departure to arrival at the final destination, time at stops included. */
  durationS: number;
  arrivalTimeMs: number;
  spoken: Spoken;
}

export type TripFailureReason =
  | 'invalid-stop'
  | 'invalid-time'
  | 'invalid-position'
  | 'duplicate-stop'
  | 'unknown-stop'
  | 'only-stop'
  | 'not-on-map'
  | 'no-route'
  | 'before-departure'
  | 'after-arrival'
  | 'no-food';

/** An expected failure: what went wrong for the engineer (`error`) and for the driver (`spoken`). */
export interface TripFailure {
  ok: false;
  reason: TripFailureReason;
  error: string;
  spoken: Spoken;
}

export type TripResult = { ok: true; trip: Trip } | TripFailure;

export type OptimiseResult =
  | {
      ok: true;
      /** The trip in the new order (the same trip when no order is faster). */
      trip: Trip;
      /** Stop ids in the new order. */
      order: string[];
      /** Driving time saved against the trip's current order. */
      savedS: number;
      /** Whether the order is proven the fastest, rather than found by local search. */
      exact: boolean;
      spoken: Spoken;
    }
  | TripFailure;

export type MealStopResult =
  | {
      ok: true;
      trip: Trip;
      /** Index of the meal in `trip.stops`. */
      stopIndex: number;
      stop: PlannedStop;
      /** Extra driving against going straight on to the next stop. */
      detourS: number;
      spoken: Spoken;
    }
  | TripFailure;

/** Same as the router's default: farther than this from a road, a point is not on the map. */
const MAX_SNAP_M = 1000;
/** Order changes that gain less than this are floating-point noise, not savings. */
const SAVING_EPSILON_MS = 1;

/**
 * Plans trips and changes to them on one router's map. Trips are plain data;
 * the planner holds only the router.
 */
export class TripPlanner {
  private readonly map: CabinMap;

  constructor(private readonly router: Router) {
    this.map = router.map;
  }

  /** Plans arrival and leaving times at every stop, driving the fastest route between them. */
  plan(request: TripRequest): TripResult {
    const departureTimeMs = timeMs(request.departure);
    if (!Number.isFinite(departureTimeMs)) {
      return failure('invalid-time', `departure ${String(request.departure)} is not a valid time`, {
        en: 'That departure time is not valid',
        zh: '出发时间无效',
      });
    }
    const start = TripStartSchema.safeParse(request.start);
    if (!start.success) {
      return failure('invalid-stop', `start: ${describeIssues(start.error)}`, { en: 'The start position is not valid', zh: '出发位置无效' });
    }
    if (request.stops.length === 0) {
      return failure('invalid-stop', 'a trip needs at least one stop: its destination', { en: 'Where to?', zh: '请问目的地是哪里？' });
    }
    const stops: TripStop[] = [];
    const ids = new Set<string>();
    for (const [i, stop] of request.stops.entries()) {
      const parsed = TripStopSchema.safeParse(stop);
      if (!parsed.success) {
        const which = typeof stop.id === 'string' && stop.id ? `stop ${stop.id}` : `stop ${i + 1}`;
        return failure('invalid-stop', `${which}: ${describeIssues(parsed.error)}`, {
          en: `I can't use ${which} as given`,
          zh: `第${i + 1}站的信息无效`,
        });
      }
      if (ids.has(parsed.data.id)) return duplicateStop(parsed.data);
      ids.add(parsed.data.id);
      stops.push(parsed.data);
    }
    const routed = this.router.route([start.data, ...stops], { maxSnapDistanceM: MAX_SNAP_M });
    if (!routed.ok) return this.explainRouteFailure(start.data, stops, routed.message);
    return { ok: true, trip: this.assemble(start.data, departureTimeMs, stops, routed.route) };
  }

  /** Adds a stop at `position` in the stop list (default: just before the final destination) and replans. */
  addStop(trip: Trip, stop: TripStop, position: number = trip.stops.length - 1): TripResult {
    const stops = trip.stops.map((s) => s.stop);
    if (!Number.isInteger(position) || position < 0 || position > stops.length) {
      return badPosition(position, stops.length, stops.length);
    }
    if (stops.some((s) => s.id === stop.id)) return duplicateStop(stop);
    stops.splice(position, 0, stop);
    return this.replan(trip, stops);
  }

  /** Removes the stop with `id` and replans; if it was the destination, the stop before it becomes the destination. */
  removeStop(trip: Trip, id: string): TripResult {
    const index = trip.stops.findIndex((s) => s.stop.id === id);
    if (index < 0) return unknownStop(id);
    if (trip.stops.length === 1) {
      return failure('only-stop', `stop ${id} is the only stop on this trip; a trip needs a destination`, {
        en: `${trip.stops[0]!.label.en} is where this trip goes; it cannot be removed`,
        zh: `${trip.stops[0]!.label.zh}是本次行程的目的地，不能删除`,
      });
    }
    return this.replan(trip, trip.stops.filter((_, i) => i !== index).map((s) => s.stop));
  }

  /** Moves the stop with `id` to `newIndex` of the stop list (the last index makes it the destination) and replans. */
  moveStop(trip: Trip, id: string, newIndex: number): TripResult {
    const index = trip.stops.findIndex((s) => s.stop.id === id);
    if (index < 0) return unknownStop(id);
    const last = trip.stops.length - 1;
    if (!Number.isInteger(newIndex) || newIndex < 0 || newIndex > last) return badPosition(newIndex, last, trip.stops.length);
    if (newIndex === index) return { ok: true, trip };
    const stops = trip.stops.map((s) => s.stop);
    const [moved] = stops.splice(index, 1);
    stops.splice(newIndex, 0, moved!);
    return this.replan(trip, stops);
  }

  /**
   * Reorders the stops between the start and the final destination to drive
   * the least time (exactly for up to `exactUpTo` of them, default 8; by local
   * search beyond), from one travel-time table, and replans.
   */
  optimiseOrder(trip: Trip, options: StopOrderOptions = {}): OptimiseResult {
    const stops = trip.stops.map((s) => s.stop);
    const between = stops.length - 1;
    const unchanged = (exact: boolean): OptimiseResult => ({
      ok: true,
      trip,
      order: stops.map((s) => s.id),
      savedS: 0,
      exact,
      spoken: { en: 'The stops are already in the fastest order', zh: '当前的停靠顺序已经最快' },
    });
    if (between < 2) return unchanged(true);
    const snapped: SnappedPoint[] = [];
    for (const point of [trip.start, ...stops]) {
      const hit = this.router.snap(point, MAX_SNAP_M);
      if (!hit) return this.explainRouteFailure(trip.start, stops, 'a planned stop no longer snaps to a road');
      snapped.push(hit);
    }
    const table = { stopCount: between, travelMs: this.router.travelTable(snapped.slice(0, -1), snapped.slice(1)) };
    const currentMs = orderCostMs(table, [...Array(between).keys()]);
    const best = bestStopOrder(table, options);
    if (!(best.costMs < currentMs - SAVING_EPSILON_MS)) return unchanged(best.exact);
    const reordered = [...best.order.map((i) => stops[i]!), stops[between]!];
    const replanned = this.replan(trip, reordered);
    if (!replanned.ok) return replanned;
    const savedS = Number.isFinite(currentMs) ? (currentMs - best.costMs) / 1000 : trip.drivingS - replanned.trip.drivingS;
    const saved = savedS < 60 ? { en: 'less than a minute', zh: '不到一分钟' } : spokenDuration(savedS);
    const names = spokenList(replanned.trip.stops.slice(0, -1).map((s) => s.label));
    return {
      ok: true,
      trip: replanned.trip,
      order: reordered.map((s) => s.id),
      savedS,
      exact: best.exact,
      spoken: { en: `Stopping at ${names.en} in that order saves ${saved.en}`, zh: `按${names.zh}的顺序停靠可节省${saved.zh}` },
    };
  }

  /**
   * Adds a meal stop around `at` (see `chooseMealStop`: where the car will be
   * then, places `findFood` suggests near it, the one costing the driver least
   * time) with a dwell, default 45 min, and replans the later arrivals.
   */
  planMealStop(trip: Trip, at: Date | number, findFood: FindFood, options: MealStopOptions = {}): MealStopResult {
    const atMs = timeMs(at);
    if (!Number.isFinite(atMs)) {
      return failure('invalid-time', `meal time ${String(at)} is not a valid time`, { en: 'That time is not valid', zh: '时间无效' });
    }
    const choice = chooseMealStop(this.router, trip, atMs, findFood, options);
    if (!choice.ok) return choice;
    const stops = trip.stops.map((s) => s.stop);
    const replanned = this.replan(trip, [...stops.slice(0, choice.index), choice.stop, ...stops.slice(choice.index)]);
    if (!replanned.ok) return replanned;
    const planned = replanned.trip.stops[choice.index]!;
    const meal = mealAt(atMs, trip.timeZone);
    const arrives = clockTime(planned.arrivalTimeMs, trip.timeZone);
    const detour = detourPhrase(choice.detourS);
    const stay = spokenDuration((choice.stop.dwellMinutes ?? 0) * 60);
    return {
      ok: true,
      trip: replanned.trip,
      stopIndex: choice.index,
      stop: planned,
      detourS: choice.detourS,
      spoken: {
        en: `${capitalise(meal.en)} at ${planned.label.en} at ${arrives}: ${detour.en}, ${stay.en} there`,
        zh: `${arrives}在${planned.label.zh}${meal.zh}，${detour.zh}，停留${stay.zh}`,
      },
    };
  }

  private replan(trip: Trip, stops: readonly TripStop[]): TripResult {
    return this.plan({ start: trip.start, departure: trip.departureTimeMs, stops });
  }

  private assemble(start: TripStart, departureTimeMs: number, stops: readonly TripStop[], route: Route): Trip {
    const { timeZone } = this.map.info;
    const legs: TripLeg[] = [];
    const planned: PlannedStop[] = [];
    let clock = departureTimeMs;
    for (const [i, leg] of route.legs.entries()) {
      const stop = stops[i]!;
      const waypoint = route.waypoints[i + 1]!;
      const arrivalTimeMs = Math.round(clock + leg.durationS * 1000);
      const departureTime = arrivalTimeMs + Math.round((stop.dwellMinutes ?? 0) * 60_000);
      const track = timedTrack(this.map, leg.pieces);
      legs.push({
        distanceM: leg.distanceM,
        durationS: leg.durationS,
        departureTimeMs: clock,
        arrivalTimeMs,
        coordinates: track.coordinates,
        secondsAt: track.secondsAt,
        steps: leg.steps,
      });
      const label = placeName(stop, waypoint.name, { en: `stop ${i + 1}`, zh: `第${i + 1}站` });
      planned.push({
        stop,
        onRoad: waypoint.snapped,
        roadName: waypoint.name,
        arrivalTimeMs,
        departureTimeMs: departureTime,
        label,
        spoken: arrivalSpoken(label, arrivalTimeMs, stop.dwellMinutes ?? 0, timeZone),
      });
      clock = departureTime;
    }
    const destination = planned[planned.length - 1]!;
    const arrivalTimeMs = destination.arrivalTimeMs;
    const distance = spokenDistance(route.distanceM);
    const driving = spokenDuration(route.durationS);
    const arrives = clockTime(arrivalTimeMs, timeZone);
    const onTheWay = planned.length - 1;
    return {
      start,
      departureTimeMs,
      timeZone,
      stops: planned,
      legs,
      distanceM: route.distanceM,
      drivingS: route.durationS,
      durationS: (arrivalTimeMs - departureTimeMs) / 1000,
      arrivalTimeMs,
      spoken: {
        en: `Arrive at ${destination.label.en} at ${arrives}: ${distance.en}, ${driving.en} of driving${
          onTheWay ? `, ${onTheWay} ${onTheWay === 1 ? 'stop' : 'stops'} on the way` : ''
        }`,
        zh: `${arrives}到达${destination.label.zh}，全程${distance.zh}，驾驶${driving.zh}${onTheWay ? `，途经${onTheWay}站` : ''}`,
      },
    };
  }

  /** Names the point that is off the map or the leg that has no route, for a failed `router.route`. */
  private explainRouteFailure(start: TripStart, stops: readonly TripStop[], routerMessage: string): TripFailure {
    const points: LatLon[] = [start, ...stops];
    const names: Spoken[] = [
      placeName(start, '', { en: 'the start', zh: '出发地' }),
      ...stops.map((s) => placeName(s, '', { en: `stop ${s.id}`, zh: `${s.id}站` })),
    ];
    for (const [i, point] of points.entries()) {
      if (!this.router.snap(point, MAX_SNAP_M)) {
        const name = names[i]!;
        return failure('not-on-map', `${name.en} is more than ${MAX_SNAP_M} m from any road on this map`, {
          en: `${name.en} is not near any road I know`,
          zh: `${name.zh}附近没有可以行驶的道路`,
        });
      }
    }
    for (let i = 0; i + 1 < points.length; i++) {
      if (!this.router.route([points[i]!, points[i + 1]!], { maxSnapDistanceM: MAX_SNAP_M }).ok) {
        const [here, there] = [names[i]!, names[i + 1]!];
        return failure('no-route', `no route to ${there.en} from ${here.en}`, {
          en: `There is no road route to ${there.en} from ${here.en}`,
          zh: `从${here.zh}到${there.zh}没有可行驶的路线`,
        });
      }
    }
    return failure('no-route', routerMessage, { en: 'I could not plan a route for this trip', zh: '无法规划这次行程的路线' });
  }
}

/**
 * The [lon, lat] points of a leg in driving order with the seconds of driving
 * to each: built piece by piece as the router builds the leg's geometry (so
 * the points are the router's), each piece's time spread over its length.
 */
function timedTrack(map: CabinMap, pieces: readonly DrivenPiece[]): { coordinates: [number, number][]; secondsAt: number[] } {
  const coordinates: [number, number][] = [];
  const secondsAt: number[] = [];
  let elapsed = 0;
  for (const piece of pieces) {
    const points = piecePolyline(map, piece);
    const cosLat = Math.cos(((points[0]?.[1] ?? 0) * Math.PI) / 180);
    const along: number[] = [0];
    for (let k = 1; k < points.length; k++) {
      const [x0, y0] = points[k - 1]!;
      const [x1, y1] = points[k]!;
      along.push(along[k - 1]! + Math.hypot((x1 - x0) * cosLat, y1 - y0));
    }
    const length = along[along.length - 1] ?? 0;
    for (const [k, point] of points.entries()) {
      const previous = coordinates[coordinates.length - 1];
      if (previous && previous[0] === point[0] && previous[1] === point[1]) continue;
      const share = length > 0 ? along[k]! / length : k === 0 ? 0 : 1;
      coordinates.push(point);
      secondsAt.push(elapsed + share * piece.durationS);
    }
    elapsed += piece.durationS;
  }
  return { coordinates, secondsAt };
}

function arrivalSpoken(label: Spoken, arrivalTimeMs: number, dwellMinutes: number, timeZone: string): Spoken {
  const clock = clockTime(arrivalTimeMs, timeZone);
  if (dwellMinutes <= 0) return { en: `Arrive at ${label.en} at ${clock}`, zh: `${clock}到达${label.zh}` };
  const stay = spokenDuration(dwellMinutes * 60);
  return { en: `Arrive at ${label.en} at ${clock} and stay ${stay.en}`, zh: `${clock}到达${label.zh}，停留${stay.zh}` };
}

/** "a 4 min detour" / "绕行4分钟"; under half a minute is no detour to a driver. */
function detourPhrase(seconds: number): Spoken {
  if (seconds < 30) return { en: 'no detour', zh: '无需绕行' };
  const minutes = spokenDuration(seconds);
  return { en: `a ${minutes.en} detour`, zh: `绕行${minutes.zh}` };
}

function timeMs(time: Date | number): number {
  return typeof time === 'number' ? time : time.getTime();
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'value'}: ${issue.message}`).join('; ');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function failure(reason: TripFailureReason, error: string, spoken: Spoken): TripFailure {
  return { ok: false, reason, error, spoken };
}

function unknownStop(id: string): TripFailure {
  return failure('unknown-stop', `stop ${id} is not on this trip`, { en: 'That stop is not on this trip', zh: '这个停靠点不在本次行程中' });
}

function duplicateStop(stop: TripStop): TripFailure {
  const name = placeName(stop, '', { en: `stop ${stop.id}`, zh: `${stop.id}站` });
  return failure('duplicate-stop', `stop ${stop.id} is already on this trip`, {
    en: `${name.en} is already on this trip`,
    zh: `${name.zh}已经在行程中`,
  });
}

function badPosition(position: number, last: number, stopCount: number): TripFailure {
  return failure('invalid-position', `position ${position} is outside 0–${last} for a trip with ${stopCount} stops`, {
    en: 'That position is not on this trip',
    zh: '行程中没有这个位置',
  });
}
