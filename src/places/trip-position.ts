import type { RouteStep } from '../routing/index.ts';
import type { Trip, TripLeg } from './trip.ts';
import { clockTime, spokenDuration, type Spoken } from './trip-speech.ts';

/** Where the car will be at a moment of a planned trip. */
export type TripPosition =
  | { kind: 'before-departure'; departureTimeMs: number; spoken: Spoken }
  | {
      kind: 'driving';
      /** Index into `trip.legs`; the car is on its way to `trip.stops[leg]`. */
      leg: number;
      lat: number;
      lon: number;
      /** The road it is on ('' when unnamed). */
      roadName: string;
      nextStopId: string;
      secondsToNextStop: number;
      spoken: Spoken;
    }
  | { kind: 'at-stop'; stopIndex: number; stopId: string; lat: number; lon: number; leavesAtMs: number; spoken: Spoken }
  | { kind: 'arrived'; lat: number; lon: number; arrivalTimeMs: number; spoken: Spoken };

/**
 * Where the car will be at `time` if it keeps to the plan: interpolated along
 * the leg it is driving by elapsed driving time (each stretch of road at its
 * own speed), parked at a stop during its dwell, or not yet left / already
 * arrived. Throws a RangeError for an invalid time (a programmer error).
 */
export function positionAt(trip: Trip, time: Date | number): TripPosition {
  const atMs = typeof time === 'number' ? time : time.getTime();
  if (!Number.isFinite(atMs)) throw new RangeError(`positionAt: ${String(time)} is not a valid time`);
  const clock = clockTime(atMs, trip.timeZone);
  if (atMs < trip.departureTimeMs) {
    const leaves = clockTime(trip.departureTimeMs, trip.timeZone);
    return {
      kind: 'before-departure',
      departureTimeMs: trip.departureTimeMs,
      spoken: { en: `At ${clock} the trip has not started; it leaves at ${leaves}`, zh: `${clock}时行程尚未开始，${leaves}出发` },
    };
  }
  const last = trip.stops.length - 1;
  for (let i = 0; i <= last; i++) {
    const planned = trip.stops[i]!;
    const leg = trip.legs[i]!;
    if (atMs < planned.arrivalTimeMs) {
      const point = pointAlong(leg, (atMs - leg.departureTimeMs) / 1000);
      const toGo = spokenDuration((planned.arrivalTimeMs - atMs) / 1000);
      const step = point.step;
      const roadEn = step ? step.nameEn || step.name || step.ref : '';
      const roadZh = step ? step.nameZh || step.name || step.ref : '';
      const on = { en: roadEn && ` on ${roadEn}`, zh: roadZh && `在${roadZh}上，` };
      return {
        kind: 'driving',
        leg: i,
        lat: point.lat,
        lon: point.lon,
        roadName: step ? step.name || step.ref : '',
        nextStopId: planned.stop.id,
        secondsToNextStop: (planned.arrivalTimeMs - atMs) / 1000,
        spoken: {
          en: `At ${clock} you will be driving${on.en}, ${toGo.en} from ${planned.label.en}`,
          zh: `${clock}时您将${on.zh}距离${planned.label.zh}还有${toGo.zh}`,
        },
      };
    }
    if (i === last) {
      const arrived = clockTime(planned.arrivalTimeMs, trip.timeZone);
      return {
        kind: 'arrived',
        lat: planned.onRoad.lat,
        lon: planned.onRoad.lon,
        arrivalTimeMs: planned.arrivalTimeMs,
        spoken: {
          en: `At ${clock} you will have arrived at ${planned.label.en} (at ${arrived})`,
          zh: `${clock}时您已到达${planned.label.zh}（${arrived}到达）`,
        },
      };
    }
    if (atMs < planned.departureTimeMs) {
      const leaves = clockTime(planned.departureTimeMs, trip.timeZone);
      return {
        kind: 'at-stop',
        stopIndex: i,
        stopId: planned.stop.id,
        lat: planned.onRoad.lat,
        lon: planned.onRoad.lon,
        leavesAtMs: planned.departureTimeMs,
        spoken: {
          en: `At ${clock} you will be at ${planned.label.en} until ${leaves}`,
          zh: `${clock}时您将在${planned.label.zh}，${leaves}离开`,
        },
      };
    }
  }
  throw new Error('positionAt: a trip has at least one stop');
}

/** The point `seconds` of driving into a leg, and the step of the route it is on. */
function pointAlong(leg: TripLeg, seconds: number): { lat: number; lon: number; step: RouteStep | undefined } {
  const { coordinates, secondsAt } = leg;
  // The last coordinate at or before `seconds` (times never decrease along a leg).
  let lo = 0;
  let hi = secondsAt.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (secondsAt[mid]! <= seconds) lo = mid;
    else hi = mid - 1;
  }
  const [lon0, lat0] = coordinates[lo]!;
  const next = coordinates[lo + 1];
  const span = (secondsAt[lo + 1] ?? 0) - secondsAt[lo]!;
  let lat = lat0;
  let lon = lon0;
  if (next && span > 0) {
    const t = Math.min(1, Math.max(0, (seconds - secondsAt[lo]!) / span));
    lon = lon0 + t * (next[0] - lon0);
    lat = lat0 + t * (next[1] - lat0);
  }
  return { lat, lon, step: leg.steps.find((s) => s.geometryStart <= lo && lo < s.geometryEnd) };
}
