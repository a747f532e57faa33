/**
 * The simulated car: once a trip starts, a car per vehicle drives the trip's
 * geometry at the speed of each stretch of road, slows for turns, accelerates
 * and brakes at comfortable rates, and stops at red lights of the signals in
 * the store (the group the lane matcher finds ahead), waiting for green. A
 * stale or absent feed means passing the intersection carefully.
 *
 * The core is deterministic: time only moves when `tick(nowMs)` is called
 * (tests step it; `startDriveTimer` calls it a few times a second). Each tick
 * writes the car's position, heading and speed into the vehicle registry, so
 * everything that reads the car (status, ETA, light ahead) is live.
 */
import { INITIAL_MATCH_STATE, SignalMatcher, isGo, type MatchState, type SignalStore } from '../signals/index.ts';
import type { Trip } from '../places/index.ts';
import type { VehicleRegistry } from './vehicle.ts';

const EARTH_RADIUS_M = 6_371_008.8;
const RADIANS = Math.PI / 180;
const KMH = 3.6;
/** Comfortable acceleration, as the issue asks and as `adviseSpeed` assumes. */
export const ACCEL_MPS2 = 1.5;
/** Planned braking: comfortable, below the 3 m/s² drivers start to feel as hard braking. */
const BRAKE_MPS2 = 2;
/** At amber a car stops only if it can at this rate or less; otherwise it clears the junction. */
const AMBER_MAX_BRAKE_MPS2 = 3;
/** A red is obeyed up to this braking (a real car would be warned long before). */
const RED_MAX_BRAKE_MPS2 = 6;
/** Where the car halts, short of the stop line. */
const STOP_SHORT_M = 1.5;
/** Through an intersection whose feed is stale or absent: careful, not blind. */
const CAREFUL_KMH = 25;
/** The longest step of the physics; longer ticks are cut into steps this long. */
const MAX_STEP_MS = 200;
/** How far ahead turns and the route's end are braked for. */
const LOOKAHEAD_M = 250;
/** How much of the path ahead the matcher is given. */
const MATCH_PATH_M = 600;
/** Speeds through turns by turn angle (degrees): a right-angle junction turn is taken at about 20 km/h. */
const TURN_SPEEDS_KMH: readonly (readonly [number, number])[] = [
  [100, 15],
  [60, 20],
  [35, 30],
  [20, 40],
];

/** The trip's geometry as one driven line, with the speed of each piece. */
export interface DrivePath {
  lon: Float64Array;
  lat: Float64Array;
  /** Metres from the start to each point. */
  alongM: Float64Array;
  /** Speed of the piece from point i to i + 1, m/s (from the trip's own timing: the router's segment speeds). */
  pieceMps: Float64Array;
  /** The most a car may do through point i, m/s (Infinity where the line runs straight). */
  cornerMps: Float64Array;
  /** Compass bearing of piece i. */
  bearingDeg: Float64Array;
  lengthM: number;
  /** The trip's own driving time, seconds. */
  plannedS: number;
}

/** Builds the driven line of a trip: its legs end to end (dwell at stops is not simulated). */
export function drivePath(trip: Trip): DrivePath {
  const lon: number[] = [];
  const lat: number[] = [];
  const seconds: number[] = [];
  let offsetS = 0;
  for (const leg of trip.legs) {
    leg.coordinates.forEach(([x, y], i) => {
      const s = offsetS + (leg.secondsAt[i] ?? 0);
      const n = lon.length;
      // Consecutive duplicates (leg joins) carry no direction.
      if (n > 0 && lon[n - 1] === x && lat[n - 1] === y) return;
      lon.push(x);
      lat.push(y);
      seconds.push(s);
    });
    offsetS += leg.durationS;
  }
  const n = lon.length;
  const path: DrivePath = {
    lon: Float64Array.from(lon),
    lat: Float64Array.from(lat),
    alongM: new Float64Array(n),
    pieceMps: new Float64Array(Math.max(0, n - 1)),
    cornerMps: new Float64Array(n).fill(Infinity),
    bearingDeg: new Float64Array(Math.max(0, n - 1)),
    lengthM: 0,
    plannedS: trip.drivingS,
  };
  for (let i = 0; i + 1 < n; i++) {
    const d = metresBetween(lat[i]!, lon[i]!, lat[i + 1]!, lon[i + 1]!);
    path.alongM[i + 1] = path.alongM[i]! + d;
    const dt = seconds[i + 1]! - seconds[i]!;
    path.pieceMps[i] = dt > 0 && d > 0 ? d / dt : 50 / KMH;
    path.bearingDeg[i] = bearing(lat[i]!, lon[i]!, lat[i + 1]!, lon[i + 1]!);
  }
  for (let i = 1; i + 1 < n; i++) {
    const turn = Math.abs(((path.bearingDeg[i]! - path.bearingDeg[i - 1]! + 540) % 360) - 180);
    const limit = TURN_SPEEDS_KMH.find(([angle]) => turn >= angle);
    if (limit) path.cornerMps[i] = limit[1] / KMH;
  }
  path.lengthM = path.alongM[n - 1] ?? 0;
  return path;
}

/** Why the car is held, when it is. */
export interface LightHold {
  key: string;
  signalGroup: number;
  /** What the car does about the light: stop for red (or an amber it can stop for), or pass carefully (no fresh feed). */
  action: 'stop' | 'careful';
  distanceToStopLineM: number;
}

/** One simulated car on its trip. */
export interface SimulatedCar {
  vehicleId: string;
  path: DrivePath;
  startedAtMs: number;
  /** Simulation time reached. */
  atMs: number;
  alongM: number;
  speedMps: number;
  headingDeg: number;
  lat: number;
  lon: number;
  /** Set once the end of the route is reached. */
  arrivedAtMs: number | undefined;
  /** Time spent standing for lights, ms. */
  waitedMs: number;
  /** The light being obeyed at the last step. */
  hold: LightHold | undefined;
  /** Index of the piece the car is on. */
  piece: number;
  belief: MatchState;
}

export interface DriveOptions {
  store: SignalStore;
  vehicles: VehicleRegistry;
  /** Brings the signal store up to a time before each step (a simulator publishing); the server's feeds run on their own. */
  update?: (nowMs: number) => void;
}

/** All simulated cars, stepped together. */
export class DriveSimulator {
  private readonly cars = new Map<string, SimulatedCar>();
  private matcher: SignalMatcher | undefined;
  private matcherKeys = '';

  constructor(private readonly options: DriveOptions) {}

  /** Starts (or restarts) `vehicleId` driving `trip` at `nowMs`. */
  start(vehicleId: string, trip: Trip, nowMs: number): SimulatedCar | undefined {
    const path = drivePath(trip);
    if (path.lon.length < 2) return undefined;
    const car: SimulatedCar = {
      vehicleId,
      path,
      startedAtMs: nowMs,
      atMs: nowMs,
      alongM: 0,
      speedMps: 0,
      headingDeg: path.bearingDeg[0]!,
      lat: path.lat[0]!,
      lon: path.lon[0]!,
      arrivedAtMs: undefined,
      waitedMs: 0,
      hold: undefined,
      piece: 0,
      belief: INITIAL_MATCH_STATE,
    };
    this.cars.set(vehicleId, car);
    this.publish(car);
    return car;
  }

  /** Stops simulating `vehicleId` (a real feed took over, or the trip ended); true if one was driving. */
  stop(vehicleId: string): boolean {
    return this.cars.delete(vehicleId);
  }

  car(vehicleId: string): SimulatedCar | undefined {
    return this.cars.get(vehicleId);
  }

  /** The path ahead of a simulated car as [lon, lat] pairs from where it is, or undefined when none drives. */
  pathAhead(vehicleId: string, lengthM = MATCH_PATH_M): [number, number][] | undefined {
    const car = this.cars.get(vehicleId);
    return car ? pathAhead(car, lengthM) : undefined;
  }

  /** Moves every car on to `nowMs`, in steps of at most 200 ms, and reports each to the vehicle registry. */
  tick(nowMs: number): void {
    for (const car of this.cars.values()) {
      while (car.arrivedAtMs === undefined && car.atMs < nowMs) {
        const stepMs = Math.min(MAX_STEP_MS, nowMs - car.atMs);
        const t = car.atMs + stepMs;
        this.options.update?.(t);
        this.step(car, stepMs / 1000, t);
        car.atMs = t;
      }
      if (car.arrivedAtMs !== undefined) car.atMs = Math.max(car.atMs, nowMs);
      this.publish(car);
    }
  }

  private step(car: SimulatedCar, dtS: number, nowMs: number): void {
    const { path } = car;
    car.hold = this.lightHold(car, nowMs);
    const stopAtM = car.hold?.action === 'stop' ? car.alongM + Math.max(0, car.hold.distanceToStopLineM - STOP_SHORT_M) : path.lengthM;
    // The fastest the car may go now: the piece's speed, and whatever it must brake for ahead (v² = vc² + 2bd).
    const reachable = (limitMps: number, atM: number): number => Math.sqrt(limitMps * limitMps + 2 * BRAKE_MPS2 * Math.max(0, atM - car.alongM));
    let allowed = path.pieceMps[car.piece] ?? 0;
    for (let i = car.piece + 1; i < path.lon.length && path.alongM[i]! - car.alongM < LOOKAHEAD_M; i++) {
      allowed = Math.min(allowed, reachable(path.cornerMps[i]!, path.alongM[i]!));
      if (i < path.pieceMps.length) allowed = Math.min(allowed, reachable(path.pieceMps[i]!, path.alongM[i]!));
    }
    allowed = Math.min(allowed, reachable(0, stopAtM));
    if (car.hold?.action === 'careful') allowed = Math.min(allowed, reachable(CAREFUL_KMH / KMH, car.alongM + car.hold.distanceToStopLineM));
    const before = car.speedMps;
    const after = Math.min(allowed, before + ACCEL_MPS2 * dtS);
    car.alongM = Math.min(stopAtM, car.alongM + ((before + after) / 2) * dtS);
    car.speedMps = car.alongM >= stopAtM - 0.05 ? 0 : after;
    if (car.speedMps === 0 && car.hold?.action === 'stop') car.waitedMs += dtS * 1000;
    while (car.piece + 2 < path.lon.length && path.alongM[car.piece + 1]! <= car.alongM) car.piece++;
    const i = car.piece;
    const span = path.alongM[i + 1]! - path.alongM[i]!;
    const f = span > 0 ? Math.min(1, (car.alongM - path.alongM[i]!) / span) : 0;
    car.lat = path.lat[i]! + f * (path.lat[i + 1]! - path.lat[i]!);
    car.lon = path.lon[i]! + f * (path.lon[i + 1]! - path.lon[i]!);
    car.headingDeg = path.bearingDeg[i]!;
    if (car.alongM >= path.lengthM - 0.05) {
      car.arrivedAtMs = nowMs;
      car.speedMps = 0;
      car.hold = undefined;
    }
  }

  /** The light the car must obey ahead, from the matcher and the store. */
  private lightHold(car: SimulatedCar, nowMs: number): LightHold | undefined {
    const { store } = this.options;
    const keys = store.mapKeys();
    if (keys.length === 0) return undefined;
    if (!this.matcher || this.matcherKeys !== keys.join()) {
      this.matcher = new SignalMatcher(keys.flatMap((k) => store.mapOf(k) ?? []));
      this.matcherKeys = keys.join();
      for (const c of this.cars.values()) c.belief = INITIAL_MATCH_STATE;
    }
    const matched = this.matcher.match(
      { lat: car.lat, lon: car.lon, headingDeg: car.headingDeg, speedMps: car.speedMps },
      {
        route: pathAhead(car, MATCH_PATH_M),
        previous: car.belief,
        spatGroups: (key) => {
          const state = store.stateAt(key, nowMs);
          return state.fresh ? state.signals.groups.map((g) => g.signalGroup) : undefined;
        },
      },
    );
    car.belief = matched.state;
    if (!matched.ok || matched.match.signalGroup === undefined) return undefined;
    const { key, signalGroup, distanceToStopLineM } = matched.match;
    const state = store.stateAt(key, nowMs);
    const phase = state.fresh ? state.signals.groups.find((g) => g.signalGroup === signalGroup)?.events[0]?.phase : undefined;
    if (phase === undefined) return { key, signalGroup, action: 'careful', distanceToStopLineM };
    if (isGo(phase)) return undefined;
    const toStopM = Math.max(0.01, distanceToStopLineM - STOP_SHORT_M);
    const brakeNeeded = (car.speedMps * car.speedMps) / (2 * toStopM);
    const amber = phase === 'permissive-clearance' || phase === 'protected-clearance';
    // Already stopped for this light: keep waiting, whatever the distance says.
    const waiting = car.hold?.action === 'stop' && car.hold.key === key && car.speedMps === 0;
    if (waiting || brakeNeeded <= (amber ? AMBER_MAX_BRAKE_MPS2 : RED_MAX_BRAKE_MPS2)) return { key, signalGroup, action: 'stop', distanceToStopLineM };
    return undefined;
  }

  private publish(car: SimulatedCar): void {
    this.options.vehicles.report(
      car.vehicleId,
      { lat: car.lat, lon: car.lon, headingDeg: car.headingDeg, speedKmh: Math.round(car.speedMps * KMH * 10) / 10 },
      new Date(car.atMs),
      'simulated',
    );
  }
}

/** The path ahead of a car: where it is, then the trip's points up to `lengthM` further. */
function pathAhead(car: SimulatedCar, lengthM: number): [number, number][] {
  const { path } = car;
  const ahead: [number, number][] = [[car.lon, car.lat]];
  for (let i = car.piece + 1; i < path.lon.length; i++) {
    ahead.push([path.lon[i]!, path.lat[i]!]);
    if (path.alongM[i]! - car.alongM > lengthM) break;
  }
  return ahead;
}

/** Steps `drives` every `1000 / hz` ms on the server's clock; returns the function that stops it. */
export function startDriveTimer(drives: DriveSimulator, now: () => Date, hz = 5): () => void {
  const timer = setInterval(() => drives.tick(now().getTime()), 1000 / hz);
  timer.unref();
  return () => clearInterval(timer);
}

function metresBetween(lat0: number, lon0: number, lat1: number, lon1: number): number {
  const x = (lon1 - lon0) * RADIANS * Math.cos(((lat0 + lat1) / 2) * RADIANS);
  const y = (lat1 - lat0) * RADIANS;
  return Math.hypot(x, y) * EARTH_RADIUS_M;
}

function bearing(lat0: number, lon0: number, lat1: number, lon1: number): number {
  const x = (lon1 - lon0) * Math.cos(((lat0 + lat1) / 2) * RADIANS);
  const y = lat1 - lat0;
  return ((Math.atan2(x, y) / RADIANS) % 360 + 360) % 360;
}
