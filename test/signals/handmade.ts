/**
 * Handmade signalised intersections and synthetic signal controllers for the
 * matching, countdown and advice tests and for bench/signal-matching.ts:
 * small enough that every lane, group and phase end is known exactly.
 */
import type { IntersectionMap, Lane, LaneConnection, Maneuver, MovementPhase, SignalGroupState } from '../../src/signals/model.ts';

const METRES_PER_DEGREE = 6_371_008.8 * (Math.PI / 180);
const RADIANS = Math.PI / 180;

export const MANEUVERS: readonly Maneuver[] = ['straight', 'left', 'right', 'u-turn'];

export interface FourWayOptions {
  id: number;
  lat: number;
  lon: number;
  /** Outward bearing of each arm, clockwise from north. Default 0, 90, 180, 270. */
  armBearingsDeg?: readonly [number, number, number, number];
  /** Ingress lanes per arm, 2 or 3. Default 3 each. */
  ingressLanes?: readonly [number, number, number, number];
  laneWidthM?: number;
  /** Length of the lane centre lines the MAP describes, from the stop line out. Default 120 m. */
  laneLengthM?: number;
  /** Distance from the centre to each stop line. Default 14 m. */
  setbackM?: number;
  /** False: an intersection whose MAP has no lanes at all. */
  lanes?: boolean;
  /** False: connections without signal groups. */
  signalGroups?: boolean;
  /** False: connections without their manoeuvre (it must be read from the egress lanes). */
  connectionManeuvers?: boolean;
}

/** Where an ingress lane is and what it allows. */
export interface IngressLane {
  arm: number;
  /** 0 is the innermost lane (next to the centre line). */
  index: number;
  laneId: number;
  maneuvers: Maneuver[];
}

/**
 * A 4-way intersection, right-hand traffic. Arm k's groups: left 2k+1,
 * straight 2k+2 (1–8 as NEMA numbers them), right 11+k. With three ingress
 * lanes an arm has a left-only, a straight and a straight-or-right lane;
 * with two, a left-or-straight and a straight-or-right lane.
 */
export class FourWay {
  readonly map: IntersectionMap;
  readonly ingress: IngressLane[] = [];
  readonly bearings: readonly number[];
  readonly laneWidthM: number;
  readonly setbackM: number;

  constructor(readonly options: FourWayOptions) {
    this.bearings = options.armBearingsDeg ?? [0, 90, 180, 270];
    this.laneWidthM = options.laneWidthM ?? 3.5;
    this.setbackM = options.setbackM ?? 14;
    const length = options.laneLengthM ?? 120;
    const lanes: Lane[] = [];
    if (options.lanes !== false) {
      for (let arm = 0; arm < 4; arm++) {
        const count = options.ingressLanes?.[arm] ?? 3;
        for (let j = 0; j < count; j++) {
          const maneuvers: Maneuver[] = count === 3 ? [['left'], ['straight'], ['straight', 'right']][j]! as Maneuver[] : [['left', 'straight'], ['straight', 'right']][j]! as Maneuver[];
          const laneId = arm * 10 + j + 1;
          this.ingress.push({ arm, index: j, laneId, maneuvers });
          const connections: LaneConnection[] = maneuvers.map((m) => {
            const exit = exitArm(arm, m);
            const toLane = exit * 10 + 5 + (m === 'left' ? 0 : m === 'right' ? 1 : Math.min(j, 1)) + 1;
            const c: LaneConnection = { toLane };
            if (options.connectionManeuvers !== false) c.maneuver = m;
            const group = FourWay.group(arm, m);
            if (options.signalGroups !== false && group !== undefined) c.signalGroup = group;
            return c;
          });
          lanes.push({
            laneId,
            ingressApproach: arm + 1,
            direction: 'ingress',
            kind: 'vehicle',
            maneuvers,
            points: [0, length / 2, length].map((s) => this.lanePoint(arm, j, s)),
            connections,
          });
        }
        for (let j = 0; j < 2; j++) {
          lanes.push({
            laneId: arm * 10 + 5 + j + 1,
            egressApproach: arm + 1,
            direction: 'egress',
            kind: 'vehicle',
            maneuvers: [],
            points: [0, length].map((s) => this.point(arm, s, -(j + 0.5) * this.laneWidthM)),
            connections: [],
          });
        }
      }
    }
    this.map = { ref: { region: 0, id: options.id }, revision: 1, lat: options.lat, lon: options.lon, laneWidthCm: Math.round(this.laneWidthM * 100), lanes };
  }

  /** The signal group of an arm's manoeuvre (undefined for u-turns, which have no connection). */
  static group(arm: number, maneuver: Maneuver): number | undefined {
    switch (maneuver) {
      case 'left':
        return 2 * arm + 1;
      case 'straight':
        return 2 * arm + 2;
      case 'right':
        return 11 + arm;
      case 'u-turn':
        return undefined;
    }
  }

  /** [lat, lon] of the point `alongM` out from arm's stop line, `rightM` right of the arm's centre line as seen driving in. */
  point(arm: number, alongM: number, rightM: number): [number, number] {
    const b = this.bearings[arm]! * RADIANS;
    const ux = Math.sin(b);
    const uy = Math.cos(b);
    // Driving in is −u = (−ux, −uy); turned clockwise by 90° that is (−uy, ux), the driver's right.
    const rx = -uy;
    const ry = ux;
    const s = this.setbackM + alongM;
    return this.toLatLon(ux * s + rx * rightM, uy * s + ry * rightM);
  }

  /** [lat, lon] on ingress lane j of an arm, `alongM` before its stop line, `lateralM` right of its centre. */
  lanePoint(arm: number, j: number, alongM: number, lateralM = 0): [number, number] {
    return this.point(arm, alongM, (j + 0.5) * this.laneWidthM + lateralM);
  }

  /** Driving bearing towards the centre on an arm. */
  drivingBearing(arm: number): number {
    return (this.bearings[arm]! + 180) % 360;
  }

  /** The route along the arm's centre line from `fromM` before the stop line, through the centre, out along the exit arm: [lon, lat]. */
  route(arm: number, maneuver: Maneuver, fromM: number): [number, number][] {
    const exit = exitArm(arm, maneuver);
    const pts: [number, number][] = [];
    for (let s = fromM; s > 0; s -= 20) pts.push(swap(this.point(arm, s, 0)));
    pts.push(swap(this.point(arm, 0, 0)));
    pts.push([this.options.lon, this.options.lat]);
    for (let s = 0; s <= 120; s += 20) pts.push(swap(this.point(exit, s, 0)));
    return pts;
  }

  lanesAllowing(arm: number, maneuver: Maneuver): IngressLane[] {
    return this.ingress.filter((l) => l.arm === arm && l.maneuvers.includes(maneuver));
  }

  toLatLon(eastM: number, northM: number): [number, number] {
    return [this.options.lat + northM / METRES_PER_DEGREE, this.options.lon + eastM / (METRES_PER_DEGREE * Math.cos(this.options.lat * RADIANS))];
  }

  /** A position `eastM`/`northM` metres from [lat, lon]. */
  static offset([lat, lon]: [number, number], eastM: number, northM: number): [number, number] {
    return [lat + northM / METRES_PER_DEGREE, lon + eastM / (METRES_PER_DEGREE * Math.cos(lat * RADIANS))];
  }
}

/** The arm a manoeuvre leaves by (right-hand traffic, arms numbered clockwise). */
export function exitArm(arm: number, maneuver: Maneuver): number {
  const turn = { straight: 2, left: 1, right: 3, 'u-turn': 0 }[maneuver];
  return (arm + turn) % 4;
}

function swap([lat, lon]: [number, number]): [number, number] {
  return [lon, lat];
}

/** A standard normal draw from a uniform source (Box–Muller). */
export function gaussian(next: () => number): number {
  const u = Math.max(1e-12, next());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

/** One phase of a synthetic controller's timeline (epoch ms). */
export interface SyntheticPhase {
  phase: MovementPhase;
  start: number;
  end: number;
  /** The bounds the controller states for it: the shortest and longest it may last. */
  minMs: number;
  maxMs: number;
}

/** Times in J2735 resolution: tenths of a second. */
function tenths(ms: number): number {
  return Math.round(ms / 100) * 100;
}

/**
 * A signal group's timeline, fixed-time or actuated: green, amber (3 s),
 * red, over and over, each phase between its minimum and maximum. The
 * truth every prediction is scored against.
 */
export class SyntheticSignal {
  readonly phases: SyntheticPhase[] = [];

  /**
   * `duration(phase, k)` draws the length of the k-th occurrence of a phase;
   * `bounds` gives its stated minimum and maximum.
   */
  constructor(
    readonly signalGroup: number,
    start: number,
    until: number,
    duration: (phase: 'green' | 'amber' | 'red', k: number) => number,
    bounds: Record<'green' | 'amber' | 'red', [number, number]>,
  ) {
    const order = [
      ['green', 'protected-movement-allowed'],
      ['amber', 'protected-clearance'],
      ['red', 'stop-and-remain'],
    ] as const;
    let t = start;
    for (let k = 0; t < until; k++) {
      for (const [light, phase] of order) {
        const d = tenths(duration(light, k));
        this.phases.push({ phase, start: t, end: t + d, minMs: bounds[light][0], maxMs: bounds[light][1] });
        t += d;
      }
    }
  }

  /** A fixed-time plan: the same durations every cycle. */
  static fixedTime(signalGroup: number, start: number, until: number, greenMs: number, amberMs: number, redMs: number): SyntheticSignal {
    const d = { green: greenMs, amber: amberMs, red: redMs };
    return new SyntheticSignal(signalGroup, start, until, (p) => d[p], { green: [greenMs, greenMs], amber: [amberMs, amberMs], red: [redMs, redMs] });
  }

  /**
   * An actuated plan: green extends from its minimum while vehicles keep
   * arriving (gap-out after an exponential extension) up to its maximum; red
   * is the conflicting phases' greens, likewise variable.
   */
  static actuated(signalGroup: number, start: number, until: number, next: () => number): SyntheticSignal {
    const green: [number, number] = [8_000, 45_000];
    const red: [number, number] = [15_000, 70_000];
    const draw = ([lo, hi]: [number, number], meanExtraMs: number): number => Math.min(hi, lo - meanExtraMs * Math.log(Math.max(1e-9, next())));
    return new SyntheticSignal(
      signalGroup,
      start,
      until,
      (p) => (p === 'amber' ? 3_000 : p === 'green' ? draw(green, 12_000) : draw(red, 20_000)),
      { green, amber: [3_000, 3_000], red },
    );
  }

  /** The phase at `t`. */
  at(t: number): SyntheticPhase {
    let lo = 0;
    let hi = this.phases.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.phases[mid]!.start <= t) lo = mid;
      else hi = mid - 1;
    }
    return this.phases[lo]!;
  }

  /** When the next green starts after `t` (`t` itself when green). */
  nextGreenAt(t: number): number {
    let i = this.phases.indexOf(this.at(t));
    for (; i < this.phases.length; i++) {
      const p = this.phases[i]!;
      if (p.phase === 'protected-movement-allowed' && p.end > t) return Math.max(t, p.start);
    }
    return Infinity;
  }

  /**
   * The group's state as a roadside unit would send it at `t`: J2735 style
   * minEndTime/maxEndTime (likelyTime and equal bounds for a fixed-time
   * plan); `timing: 'none'` withholds all timing.
   */
  state(t: number, timing: 'bounds' | 'none' = 'bounds', withStart = false): SignalGroupState {
    const p = this.at(t);
    if (timing === 'none') return { signalGroup: this.signalGroup, events: [{ phase: p.phase }] };
    const fixed = p.minMs === p.maxMs;
    const min = tenths(Math.max(t, p.start + p.minMs));
    const max = tenths(p.start + p.maxMs);
    return {
      signalGroup: this.signalGroup,
      events: [
        {
          phase: p.phase,
          timing: {
            ...(withStart ? { startTime: p.start } : {}),
            minEndTime: fixed ? p.end : min,
            maxEndTime: fixed ? p.end : max,
            ...(fixed ? { likelyTime: p.end } : {}),
          },
        },
      ],
    };
  }
}

/**
 * The naive matcher the benchmark and tests compare against: the ingress
 * lane whose centre line is nearest the fix, ignoring heading and earlier
 * fixes; its connection for the manoeuvre, else its first connection.
 */
export function nearestLaneGroup(
  map: IntersectionMap,
  lat: number,
  lon: number,
  maneuver: Maneuver,
): { laneId: number; signalGroup: number | undefined; distanceM: number } | undefined {
  const kx = METRES_PER_DEGREE * Math.cos(lat * RADIANS);
  let best: { laneId: number; signalGroup: number | undefined; distanceM: number } | undefined;
  let bestD = Infinity;
  for (const lane of map.lanes) {
    if (lane.direction !== 'ingress' || lane.kind !== 'vehicle') continue;
    for (let i = 0; i + 1 < lane.points.length; i++) {
      const [alat, alon] = lane.points[i]!;
      const [blat, blon] = lane.points[i + 1]!;
      const ax = (alon - lon) * kx;
      const ay = (alat - lat) * METRES_PER_DEGREE;
      const dx = (blon - alon) * kx;
      const dy = (blat - alat) * METRES_PER_DEGREE;
      const t = Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy)));
      const d = Math.hypot(ax + t * dx, ay + t * dy);
      if (d < bestD) {
        bestD = d;
        const c = lane.connections.find((k) => k.maneuver === maneuver) ?? lane.connections[0];
        best = { laneId: lane.laneId, signalGroup: c?.signalGroup, distanceM: d };
      }
    }
  }
  return best;
}
