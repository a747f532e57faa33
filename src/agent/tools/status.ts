/**
 * Read-only questions about the drive: how the trip is going (ETA, distance
 * left, next turn, from the planned trip and `positionAt`) and the traffic
 * light ahead (from a signal feed when there is one, else honestly: where
 * the map says a light is, and that there is no live data for it).
 */
import { haversineM, positionAt, type Spoken, type Trip } from '../../places/index.ts';
import type { AgentWorld, StatusCard, ToolDefinition, TrafficLightCard, Vehicle } from '../tools.ts';
import { answer, clock, distance, duration, failed, say, sentences } from './common.ts';
import { capitalise } from './speech.ts';

// ---------------------------------------------------------------------------
// Trip status

export const tripStatusTool: ToolDefinition<'trip_status'> = {
  name: 'trip_status',
  description: 'How the current trip is going: arrival time (eta), distance left, the next turn, or all of them.',
  changesRoute: false,
  run(args, world) {
    const trip = world.trip;
    if (!trip) return failed('trip_status', say('There is no trip right now. Where would you like to go?', '现在没有行程。您想去哪里？'));
    const card = statusOf(trip, world.now);
    const aspect = args.aspect ?? 'all';
    if (card.state === 'arrived') return answer('trip_status', say(`You have arrived at ${card.destination.en}.`, `您已到达${card.destination.zh}。`), [card]);
    const left = distance(card.remainingDistanceM);
    const time = duration(card.remainingS);
    const eta = say(`Arriving at ${card.arrival}`, `预计${card.arrival}到达`);
    const turn = card.nextTurn
      ? say(`In ${distance(card.nextTurn.distanceM).en}, ${lowerFirst(card.nextTurn.instruction.en)}.`, `${distance(card.nextTurn.distanceM).zh}后${card.nextTurn.instruction.zh}。`)
      : undefined;
    switch (aspect) {
      case 'eta':
        return answer('trip_status', say(`${eta.en}, in ${time.en}.`, `${eta.zh}，还需${time.zh}。`), [card]);
      case 'distance':
        return answer('trip_status', say(`${left.en} to go, about ${time.en}.`, `还有${left.zh}，约${time.zh}。`), [card]);
      case 'next_turn':
        return answer('trip_status', turn ?? say(`Keep going to ${card.destination.en}.`, `继续前往${card.destination.zh}。`), [card]);
      case 'all':
        return answer('trip_status', sentences(say(`${eta.en}: ${left.en}, ${time.en} to go.`, `${eta.zh}，还有${left.zh}，约${time.zh}。`), turn), [card]);
      default: {
        const never: never = aspect;
        throw new Error(`unknown aspect ${String(never)}`);
      }
    }
  },
};

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Where the car is on a trip at `now` (by `positionAt`) and what is left. */
export function statusOf(trip: Trip, now: Date): StatusCard {
  const destination = trip.stops[trip.stops.length - 1]!;
  const base = {
    kind: 'status' as const,
    destination: destination.label,
    arrival: clock(trip.arrivalTimeMs, trip.timeZone),
    remainingS: Math.max(0, (trip.arrivalTimeMs - now.getTime()) / 1000),
  };
  const at = positionAt(trip, now);
  switch (at.kind) {
    case 'before-departure':
      return { ...base, state: 'before-departure', remainingDistanceM: Math.round(trip.distanceM), nextStop: trip.stops[0]!.label };
    case 'arrived':
      return { ...base, state: 'arrived', remainingDistanceM: 0, remainingS: 0 };
    case 'at-stop': {
      const later = trip.legs.slice(at.stopIndex + 1).reduce((sum, leg) => sum + leg.distanceM, 0);
      return { ...base, state: 'at-stop', remainingDistanceM: Math.round(later), nextStop: trip.stops[at.stopIndex + 1]!.label };
    }
    case 'driving': {
      const leg = trip.legs[at.leg]!;
      const ahead = pathAhead(trip, now);
      const index = ahead?.index ?? 0;
      const onLeg = ahead ? lengthM(ahead.path) : leg.distanceM;
      const later = trip.legs.slice(at.leg + 1).reduce((sum, l) => sum + l.distanceM, 0);
      const card: StatusCard = { ...base, state: 'driving', remainingDistanceM: Math.round(onLeg + later), nextStop: trip.stops[at.leg]!.label };
      const step = leg.steps.find((s) => s.geometryStart > index && s.maneuver.type !== 'depart');
      if (step && ahead) {
        const toStep = lengthM([ahead.path[0]!, ...leg.coordinates.slice(index + 1, step.geometryStart + 1)]);
        // The router words arrival as done ("You have arrived"); ahead of it, the driver hears where they will arrive.
        const label = trip.stops[at.leg]!.label;
        const instruction = step.maneuver.type === 'arrive' ? { en: `Arrive at ${label.en}`, zh: `到达${label.zh}` } : step.instruction;
        card.nextTurn = { instruction, distanceM: Math.round(toStep), location: step.maneuver.location };
      }
      return card;
    }
    default: {
      const never: never = at;
      throw new Error(`unknown trip position ${String(never)}`);
    }
  }
}

/**
 * The rest of the leg being driven at `now`, from the car's planned position:
 * [lon, lat] points, and the index of the leg coordinate just behind the car.
 */
export function pathAhead(trip: Trip, now: Date): { leg: number; index: number; path: [number, number][] } | undefined {
  const at = positionAt(trip, now);
  if (at.kind !== 'driving') return undefined;
  const leg = trip.legs[at.leg]!;
  const seconds = (now.getTime() - leg.departureTimeMs) / 1000;
  let index = 0;
  while (index + 1 < leg.secondsAt.length && leg.secondsAt[index + 1]! <= seconds) index++;
  return { leg: at.leg, index, path: [[at.lon, at.lat], ...leg.coordinates.slice(index + 1)] };
}

function lengthM(path: readonly (readonly [number, number])[]): number {
  let total = 0;
  for (let i = 1; i < path.length; i++) total += haversineM(path[i - 1]![1], path[i - 1]![0], path[i]![1], path[i]![0]);
  return total;
}

// ---------------------------------------------------------------------------
// Traffic lights

/** A traffic light the car is heading for, as the map places it. */
export interface SignalAhead {
  /** OSM node id of the `highway=traffic_signals` node. */
  osmId: number;
  lat: number;
  lon: number;
  /** Along the road from the car. */
  distanceM: number;
}

export interface TrafficLightQuery {
  vehicle: Vehicle;
  now: Date;
  /** The next signal on the road ahead, where the map has one. */
  signal?: SignalAhead;
  /** [lon, lat] points of the road ahead (the route, or the heading), nearest first. */
  path: readonly [number, number][];
}

/** What a signal feed says about the light ahead. */
export interface TrafficLightReading {
  phase: 'red' | 'amber' | 'green' | 'flashing' | 'dark' | 'unknown';
  /** Seconds until the phase changes, when the feed gives it. */
  changesInS?: number;
  /** Speed to meet the next green, when the feed or advice gives one. */
  adviceKmh?: number;
  distanceM?: number;
  intersection?: string;
  /** What the signal module says of the countdown ("green in 12 s" / "12秒后绿灯"), when it shows one. */
  text?: Spoken;
  /** Its speed advice or warning ("keep 42 km/h to make the green", "red light ahead, prepare to stop"). */
  adviceText?: Spoken;
}

/**
 * A source of live traffic-light states (SPaT matched to the car's lane).
 * `undefined`: it knows nothing about the light ahead.
 */
export interface TrafficLightSource {
  lightAhead(query: TrafficLightQuery): TrafficLightReading | undefined;
}

/** The source Cabin uses when no signal feed is connected: it knows nothing, and says so. */
export const NO_TRAFFIC_LIGHT_DATA: TrafficLightSource = { lightAhead: () => undefined };

/** How far ahead a light is worth talking about. */
const LOOK_AHEAD_M = 1500;
/** A mapped signal this close to the road ahead is on it. */
const ON_PATH_M = 25;

export const trafficLightTool: ToolDefinition<'traffic_light'> = {
  name: 'traffic_light',
  description: 'The traffic light ahead: its state, countdown and speed advice when a signal feed covers it; otherwise how far ahead the next mapped light is.',
  changesRoute: false,
  run(_args, world) {
    const path = roadAhead(world);
    const signal = path.length > 1 ? nextSignal(world, path) : undefined;
    const reading = world.trafficLights.lightAhead({ vehicle: world.vehicle, now: world.now, path, ...(signal ? { signal } : {}) });
    const at = signal ? { distanceM: Math.round(signal.distanceM), lat: signal.lat, lon: signal.lon } : {};
    if (reading) {
      const card: TrafficLightCard = { kind: 'traffic-light', live: true, ...at, phase: reading.phase, reasons: [] };
      if (reading.changesInS !== undefined) card.changesInS = Math.round(reading.changesInS);
      if (reading.adviceKmh !== undefined) card.adviceKmh = Math.round(reading.adviceKmh);
      if (reading.distanceM !== undefined) card.distanceM = Math.round(reading.distanceM);
      return answer('traffic_light', readingSpeech(reading), [card]);
    }
    if (signal) {
      const d = distance(signal.distanceM);
      const card: TrafficLightCard = {
        kind: 'traffic-light',
        live: false,
        ...at,
        reasons: [{ code: 'no-live-data', en: 'no live signal data', zh: '没有实时信号数据' }],
      };
      return answer('traffic_light', say(`Traffic light in ${d.en}; I have no live data for it.`, `前方${d.zh}有红绿灯，暂无实时信号数据。`), [card]);
    }
    if (world.map.signals.length === 0 || path.length < 2) {
      return answer('traffic_light', say('I have no traffic-light data here.', '这里没有红绿灯数据。'), [], false);
    }
    return answer('traffic_light', say('No traffic light ahead that I know of.', '前方没有已知的红绿灯。'));
  },
};

function readingSpeech(reading: TrafficLightReading): Spoken {
  if (reading.text) {
    const advice = reading.adviceText ? say(`${capitalise(reading.adviceText.en)}.`, `${reading.adviceText.zh}。`) : undefined;
    return sentences(say(`${capitalise(reading.text.en)}.`, `${reading.text.zh}。`), advice);
  }
  return fallbackSpeech(reading);
}

/** A reading without the signal module's words: a source other than the signal feed. */
function fallbackSpeech(reading: TrafficLightReading): Spoken {
  const phase = {
    red: say('Red', '红灯'),
    amber: say('Amber', '黄灯'),
    green: say('Green', '绿灯'),
    flashing: say('Flashing', '闪烁'),
    dark: say('The light is off', '信号灯熄灭'),
    unknown: say('The light state is unknown', '信号状态未知'),
  }[reading.phase];
  const countdown =
    reading.changesInS !== undefined && (reading.phase === 'red' || reading.phase === 'green' || reading.phase === 'amber')
      ? say(` for ${Math.round(reading.changesInS)} more seconds`, `，还有${Math.round(reading.changesInS)}秒`)
      : say('', '');
  const advice = reading.adviceText
    ? say(`${capitalise(reading.adviceText.en)}.`, `${reading.adviceText.zh}。`)
    : reading.adviceKmh !== undefined
      ? say(`Drive about ${Math.round(reading.adviceKmh)} km/h to make the green.`, `建议车速约${Math.round(reading.adviceKmh)}公里/小时通过绿灯。`)
      : undefined;
  return sentences(say(`${phase.en}${countdown.en}.`, `${phase.zh}${countdown.zh}。`), advice);
}

/** The road ahead: the trip's leg from the car on, or a straight line along the heading. */
function roadAhead(world: AgentWorld): [number, number][] {
  if (world.trip) {
    const ahead = pathAhead(world.trip, world.now);
    if (ahead) return ahead.path;
  }
  const heading = world.vehicle.headingDeg;
  if (heading === undefined) return [];
  const { lat, lon } = world.vehicle;
  const rad = (heading * Math.PI) / 180;
  const dLat = (LOOK_AHEAD_M * Math.cos(rad)) / 111_195;
  const dLon = (LOOK_AHEAD_M * Math.sin(rad)) / (111_195 * Math.cos((lat * Math.PI) / 180));
  return [
    [lon, lat],
    [lon + dLon, lat + dLat],
  ];
}

/** The first mapped signal within ON_PATH_M of the path, within LOOK_AHEAD_M along it. */
function nextSignal(world: AgentWorld, path: readonly [number, number][]): SignalAhead | undefined {
  const signals = world.map.signals;
  let along = 0;
  for (let i = 1; i < path.length && along < LOOK_AHEAD_M; i++) {
    const [lon0, lat0] = path[i - 1]!;
    const [lon1, lat1] = path[i]!;
    const kx = 111_195 * Math.cos((lat0 * Math.PI) / 180);
    const ky = 111_195;
    const dx = (lon1 - lon0) * kx;
    const dy = (lat1 - lat0) * ky;
    const lengthSq = dx * dx + dy * dy;
    const length = Math.sqrt(lengthSq);
    let best: SignalAhead | undefined;
    for (const s of signals) {
      const px = (s.lon - lon0) * kx;
      const py = (s.lat - lat0) * ky;
      if (Math.abs(px) > length + ON_PATH_M + 1 || Math.abs(py) > length + ON_PATH_M + 1) continue;
      const t = lengthSq > 0 ? Math.min(1, Math.max(0, (px * dx + py * dy) / lengthSq)) : 0;
      if (Math.hypot(px - t * dx, py - t * dy) > ON_PATH_M) continue;
      // A light right behind the car's point is the one it just passed.
      if (i === 1 && t * length < 5) continue;
      const d = along + t * length;
      if (d <= LOOK_AHEAD_M && (!best || d < best.distanceM)) best = { osmId: s.osmId, lat: s.lat, lon: s.lon, distanceM: d };
    }
    if (best) return best;
    along += length;
  }
  return undefined;
}
