/**
 * A traffic-signal simulator for any CabinMap, built for the synthetic
 * default district (which has signals but no roadside units): it finds the
 * signalised intersections, draws their lanes as a MAP would, runs a signal
 * plan at each and publishes SPaT as a roadside unit would — plus the ground
 * truth, so the accuracy of countdowns and advice can be measured.
 *
 * Pure given `now` (epoch ms): the same map, options and `now` always give the
 * same messages. Internally it memoises the actuated controllers' timelines,
 * and consecutive messages share the group states that did not change (treat
 * messages as immutable).
 *
 * Intersections. Signals at graph nodes less than CLUSTER_RADIUS_M apart
 * form one intersection (a dual carriageway crossing has a signal node on
 * each carriageway); a signal on a segment within SEGMENT_SIGNAL_REACH_M of a
 * graph node joins that node's intersection (OSM often tags the stop line,
 * not the junction); one further away is a mid-block pedestrian crossing.
 * The road segments leaving an intersection are its arms; arms pointing the
 * same way (both carriageways of a dual carriageway) form one approach.
 * Approaches are assigned to the sides N/E/S/W and get NEMA-style signal
 * groups: through (and right) 2 northbound, 6 southbound, 4 eastbound,
 * 8 westbound; protected lefts 5, 1, 7, 3 on arterials (trunk, primary,
 * secondary) that have a left lane and opposing traffic, else the left
 * shares the through group as a permissive movement.
 *
 * Plans run in stages: main road lefts, main road through, side road lefts,
 * side road through (a mid-block crossing: road, then pedestrians); each
 * green is followed by AMBER_MS amber and ALL_RED_MS all-red.
 * - Fixed-time: cycle 120 s on primary/trunk roads, 90 s on secondary, 60 s
 *   below and at mid-block crossings; greens split by road class; offsets so that the main road's
 *   through green starts `position / speed` into the cycle, a green wave
 *   northbound/eastbound along each arterial. Published times are exact.
 * - Vehicle-actuated: each green lasts at least its min green, is extended by
 *   every vehicle arriving within GAP_MS of the last (a seeded Poisson
 *   arrival process) and ends at its max green at the latest. Published
 *   minEndTime/maxEndTime are the honest bounds and likelyTime the mean
 *   green; the truth lies in between. The controller resynchronises every
 *   PLAN_PERIOD_MS (a time-of-day plan boundary): towards it, it runs
 *   transition cycles whose greens stay within [min, max] and tile the time
 *   left exactly, so the bounds hold across the boundary too.
 */
import { seededRandom } from '../map/index.ts';
import {
  SEGMENT_BACKWARD,
  SEGMENT_FORWARD,
  ROAD_CLASSES,
  type CabinMap,
  type RoadClass,
  type RoadNetwork,
} from '../map/index.ts';
import {
  intersectionKey,
  type IntersectionMap,
  type IntersectionRef,
  type IntersectionSignals,
  type Lane,
  type LaneConnection,
  type Maneuver,
  type MapMessage,
  type MovementEvent,
  type MovementPhase,
  type PhaseTiming,
  type SignalGroupState,
  type SpatMessage,
} from './model.ts';

/** Amber after every green. */
export const AMBER_MS = 3000;
/** All-red after every amber, before the next stage's green. */
export const ALL_RED_MS = 2000;
/** After min green, a green ends once no vehicle has arrived for this long (the passage time). */
export const GAP_MS = 3000;
/** Actuated controllers resynchronise at plan boundaries this far apart. */
export const PLAN_PERIOD_MS = 3_600_000;
/** Signal nodes closer than this are one intersection. */
export const CLUSTER_RADIUS_M = 40;
/** A signal on a segment this close to a graph node belongs to that node's intersection. */
export const SEGMENT_SIGNAL_REACH_M = 30;
const LANE_WIDTH_M = 3.5;
/** Arms within this angle of each other belong to one approach. */
const APPROACH_TOLERANCE_DEG = 30;
const PEDESTRIAN_GREEN_MS = 20_000;
/** IntersectionStatusObject bits, manualControlIsEnabled = MSB (bit 0), as the J2735 decoder reads them. */
const STATUS_FIXED_TIME = 1 << (15 - 5); // fixedTimeOperation
const STATUS_TRAFFIC_DEPENDENT = 1 << (15 - 6); // trafficDependentOperation

export interface SimulatorOptions {
  /** Seed of the plan mix and the arrival processes. Default 1. */
  seed?: number;
  /** `IntersectionRef.region` of every intersection. Default 0 (none). */
  region?: number;
  /** Share of intersections off primary/trunk roads that run vehicle-actuated plans (half that on them). Default 0.6. */
  actuatedShare?: number;
  /** Length of each lane's centre line beyond its stop line, in metres. Default 30. */
  laneLengthM?: number;
}

export type PlanKind = 'fixed-time' | 'actuated';

/** One stage of a plan: the signal groups green together, and for how long. */
export interface StagePlan {
  /** Empty for a pedestrian stage (all vehicle groups red). */
  groups: number[];
  minGreenMs: number;
  maxGreenMs: number;
  /** The green of a fixed-time plan (min = max = this); the mean green of an actuated one. */
  greenMs: number;
}

/** One signalised intersection as simulated. */
export interface SimulatedIntersection {
  key: string;
  ref: IntersectionRef;
  name: string;
  lat: number;
  lon: number;
  plan: PlanKind;
  stages: StagePlan[];
  /** Cycle length of a fixed-time plan; undefined for an actuated one (it varies). */
  cycleMs: number | undefined;
  /** Graph nodes the intersection spans (none for a mid-block crossing). */
  nodes: number[];
  /** OSM ids of the `highway=traffic_signals` nodes it was built from. */
  signalOsmIds: number[];
  /** Signal groups in ascending order. */
  groups: number[];
}

/** One cycle as it actually ran: when it started and each stage's green. */
export interface CycleRecord {
  start: number;
  greensMs: number[];
  /** True when the actuated controller ran it as a transition cycle towards a plan boundary. */
  transition: boolean;
}

/** Builds the simulator for every signalised intersection of `map`. */
export function createSignalSimulator(map: CabinMap, options: SimulatorOptions = {}): SignalSimulator {
  return new SignalSimulator(map, options);
}

// ---------------------------------------------------------------------------
// Internal plan representation

interface GroupInfo {
  signalGroup: number;
  stage: number;
  /** Carries a left turn that yields to opposing traffic. */
  permissive: boolean;
  name: string;
}

interface Controller {
  info: SimulatedIntersection;
  map: IntersectionMap;
  status: number;
  groupInfo: GroupInfo[];
  stageCount: number;
  minGreen: Float64Array;
  maxGreen: Float64Array;
  /** Mean green of each stage (likelyTime for actuated plans). */
  typicalGreen: Float64Array;
  /** Vehicle arrivals per ms on each stage's approaches (actuated). */
  arrivalRate: Float64Array;
  /** Sum over the other stages of their min / max / mean green plus amber and all-red. */
  othersMin: Float64Array;
  othersMax: Float64Array;
  othersTypical: Float64Array;
  // Fixed-time
  fixedGreen: Float64Array;
  cycleMs: number;
  originMs: number;
  // Actuated
  actuated: boolean;
  periodShiftMs: number;
  cycleMinMs: number;
  cycleMaxMs: number;
  /** Remaining time at a cycle start below which the transition begins. */
  transitionBelowMs: number;
  timelines: Map<number, Timeline>;
  hash: number;
  /** The last group states published, reused while nothing in them changes. */
  lastGroups: SignalGroupState[] | undefined;
  lastCycleStart: number;
  lastPart: number;
  /** The last states hold for every `now` up to this; beyond it a bound moves with `now`. */
  lastValidUntil: number;
}

/** The cycles of one plan period of an actuated controller. */
interface Timeline {
  /** Cycle starts, plus the period end as a sentinel. */
  starts: Float64Array;
  greens: Float64Array;
  transition: Uint8Array;
}

/** A cycle located in time. */
interface CycleRef {
  start: number;
  greens: ArrayLike<number>;
  greensOffset: number;
  /** Whether this is an actuated transition cycle. */
  transition: boolean;
  /** The period (actuated) or cycle number (fixed) and index, for stepping to the next cycle. */
  period: number;
  index: number;
}

/** The simulator. Construct with `createSignalSimulator`. */
export class SignalSimulator {
  /** Every simulated intersection, in id order. */
  readonly intersections: readonly SimulatedIntersection[];
  /** Signals that formed no intersection (no arm could carry traffic through them), with why. */
  readonly skipped: readonly { signalOsmIds: number[]; reason: string }[];
  private readonly controllers: Controller[];
  private readonly byKey = new Map<string, Controller>();
  private readonly mapMessages: MapMessage[];

  constructor(map: CabinMap, options: SimulatorOptions = {}) {
    const seed = (options.seed ?? 1) >>> 0;
    const built = buildControllers(map, {
      seed,
      region: options.region ?? 0,
      actuatedShare: options.actuatedShare ?? 0.6,
      laneLengthM: options.laneLengthM ?? 30,
    });
    this.controllers = built.controllers;
    this.skipped = built.skipped;
    this.intersections = this.controllers.map((c) => c.info);
    for (const c of this.controllers) this.byKey.set(c.info.key, c);
    this.mapMessages = this.controllers.map((c) => ({ kind: 'map', revision: c.map.revision, intersections: [c.map] }));
  }

  /** One MAP message per intersection, as each roadside unit would broadcast it. */
  maps(): MapMessage[] {
    return this.mapMessages;
  }

  /** The SPaT of every intersection (or of `keys`) at `now` (epoch ms), as roadside units publish it (10 Hz). */
  spatAt(now: number, keys?: Iterable<string>): SpatMessage {
    const intersections: IntersectionSignals[] = [];
    if (keys) {
      for (const key of keys) {
        const c = this.byKey.get(key);
        if (c) intersections.push(signalsAt(c, now));
      }
    } else {
      for (const c of this.controllers) intersections.push(signalsAt(c, now));
    }
    return { kind: 'spat', timestamp: now, intersections };
  }

  /** Ground truth: when the phase that `signalGroup` of intersection `key` shows at `now` actually ends (epoch ms). */
  truthAt(key: string, signalGroup: number, now: number): number | undefined {
    const c = this.byKey.get(key);
    const group = c?.groupInfo.find((g) => g.signalGroup === signalGroup);
    if (!c || !group) return undefined;
    return truePhase(c, group, now).end;
  }

  /** Ground truth: the phase `signalGroup` of intersection `key` shows at `now`. */
  phaseAt(key: string, signalGroup: number, now: number): MovementPhase | undefined {
    const c = this.byKey.get(key);
    const group = c?.groupInfo.find((g) => g.signalGroup === signalGroup);
    if (!c || !group) return undefined;
    const phase = truePhase(c, group, now).phase;
    if (phase === 'red') return 'stop-and-remain';
    if (phase === 'amber') return group.permissive ? 'permissive-clearance' : 'protected-clearance';
    return group.permissive ? 'permissive-movement-allowed' : 'protected-movement-allowed';
  }

  /** Ground truth: the cycles of intersection `key` that start in [from, to). */
  cyclesBetween(key: string, from: number, to: number): CycleRecord[] {
    const c = this.byKey.get(key);
    if (!c) return [];
    const records: CycleRecord[] = [];
    let cycle = cycleAt(c, from);
    if (cycle.start < from) cycle = nextCycle(c, cycle);
    while (cycle.start < to) {
      const greensMs: number[] = [];
      for (let i = 0; i < c.stageCount; i++) greensMs.push(cycle.greens[cycle.greensOffset + i]!);
      records.push({ start: cycle.start, greensMs, transition: cycle.transition });
      cycle = nextCycle(c, cycle);
    }
    return records;
  }
}

// ---------------------------------------------------------------------------
// Timelines

function cycleAt(c: Controller, t: number): CycleRef {
  if (!c.actuated) {
    const n = Math.floor((t - c.originMs) / c.cycleMs);
    return { start: c.originMs + n * c.cycleMs, greens: c.fixedGreen, greensOffset: 0, transition: false, period: n, index: 0 };
  }
  const period = Math.floor((t - c.periodShiftMs) / PLAN_PERIOD_MS);
  const timeline = timelineOf(c, period);
  const starts = timeline.starts;
  // Last cycle start <= t (binary search; the sentinel end is > t).
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return { start: starts[lo]!, greens: timeline.greens, greensOffset: lo * c.stageCount, transition: timeline.transition[lo] === 1, period, index: lo };
}

function nextCycle(c: Controller, cycle: CycleRef): CycleRef {
  if (!c.actuated) {
    return { start: cycle.start + c.cycleMs, greens: c.fixedGreen, greensOffset: 0, transition: false, period: cycle.period + 1, index: 0 };
  }
  const timeline = timelineOf(c, cycle.period);
  if (cycle.index + 1 < timeline.starts.length - 1) {
    const index = cycle.index + 1;
    return at(timeline, index, cycle.period, c.stageCount);
  }
  return at(timelineOf(c, cycle.period + 1), 0, cycle.period + 1, c.stageCount);
}

function previousCycle(c: Controller, cycle: CycleRef): CycleRef {
  if (!c.actuated) {
    return { start: cycle.start - c.cycleMs, greens: c.fixedGreen, greensOffset: 0, transition: false, period: cycle.period - 1, index: 0 };
  }
  if (cycle.index > 0) {
    const timeline = timelineOf(c, cycle.period);
    const index = cycle.index - 1;
    return at(timeline, index, cycle.period, c.stageCount);
  }
  const timeline = timelineOf(c, cycle.period - 1);
  return at(timeline, timeline.starts.length - 2, cycle.period - 1, c.stageCount);
}

function at(timeline: Timeline, index: number, period: number, stageCount: number): CycleRef {
  return {
    start: timeline.starts[index]!,
    greens: timeline.greens,
    greensOffset: index * stageCount,
    transition: timeline.transition[index] === 1,
    period,
    index,
  };
}

/** Runs the actuated controller through plan period `period` (memoised; a few periods are kept). */
function timelineOf(c: Controller, period: number): Timeline {
  const cached = c.timelines.get(period);
  if (cached) return cached;
  const S = c.stageCount;
  const begin = period * PLAN_PERIOD_MS + c.periodShiftMs;
  const end = begin + PLAN_PERIOD_MS;
  const starts: number[] = [];
  const greens: number[] = [];
  const transition: number[] = [];
  let t = begin;
  let cycleNumber = 0;
  while (t < end) {
    const remaining = end - t;
    starts.push(t);
    if (remaining >= c.transitionBelowMs) {
      const random = seededRandom(hash4(c.hash, period, cycleNumber, 0x5eed));
      let length = 0;
      for (let i = 0; i < S; i++) {
        const g = gapOutGreen(c.minGreen[i]!, c.maxGreen[i]!, c.arrivalRate[i]!, random);
        greens.push(g);
        length += g + AMBER_MS + ALL_RED_MS;
      }
      transition.push(0);
      t += length;
    } else {
      // Transition: the fewest cycles in [cycleMin, cycleMax] that fill the time left exactly.
      const count = Math.ceil(remaining / c.cycleMaxMs);
      for (let k = 0; k < count; k++) {
        if (k > 0) starts.push(t);
        const length = Math.floor(remaining / count) + (k < remaining % count ? 1 : 0);
        pushScaledGreens(c, length, greens);
        transition.push(1);
        t += length;
      }
    }
    cycleNumber++;
  }
  starts.push(end);
  const timeline: Timeline = { starts: Float64Array.from(starts), greens: Float64Array.from(greens), transition: Uint8Array.from(transition) };
  if (c.timelines.size >= 4) c.timelines.delete(c.timelines.keys().next().value!);
  c.timelines.set(period, timeline);
  return timeline;
}

/** Greens for a cycle of exactly `length` ms, each within its stage's [min, max]. */
function pushScaledGreens(c: Controller, length: number, out: number[]): void {
  const S = c.stageCount;
  const lost = S * (AMBER_MS + ALL_RED_MS);
  const span = c.cycleMaxMs - c.cycleMinMs;
  const share = span > 0 ? (length - c.cycleMinMs) / span : 0;
  let total = 0;
  const first = out.length;
  for (let i = 0; i < S; i++) {
    const g = c.minGreen[i]! + Math.floor(share * (c.maxGreen[i]! - c.minGreen[i]!));
    out.push(g);
    total += g;
  }
  // Hand out the rounding remainder (a few ms) to stages with room.
  let rest = length - lost - total;
  for (let i = 0; i < S && rest > 0; i++) {
    const room = c.maxGreen[i]! - out[first + i]!;
    const add = Math.min(room, rest);
    out[first + i] = out[first + i]! + add;
    rest -= add;
  }
}

/**
 * The green of one actuated stage: at least `min`; after that it ends as
 * soon as GAP_MS pass with no arrival (Poisson, `rate` per ms); at most `max`.
 */
function gapOutGreen(min: number, max: number, rate: number, random: () => number): number {
  if (max <= min || rate <= 0) return min;
  let last = 0;
  for (;;) {
    const end = Math.max(min, last + GAP_MS);
    if (end >= max) return max;
    const next = last - Math.log(1 - random()) / rate;
    if (next > end) return Math.round(end);
    last = next;
  }
}

// ---------------------------------------------------------------------------
// Phases, truth and SPaT

interface TruePhase {
  phase: 'go' | 'amber' | 'red';
  start: number;
  end: number;
}

/** Where in its cycle `t` falls: the stage, the part (0 green, 1 amber, 2 all-red) and that part's bounds. */
interface Position {
  cycle: CycleRef;
  stage: number;
  part: 0 | 1 | 2;
  stageStart: number;
}

function positionAt(c: Controller, t: number): Position {
  const cycle = cycleAt(c, t);
  let s = cycle.start;
  for (let i = 0; i < c.stageCount; i++) {
    const g = cycle.greens[cycle.greensOffset + i]!;
    const stageEnd = s + g + AMBER_MS + ALL_RED_MS;
    if (t < stageEnd || i === c.stageCount - 1) {
      const part = t < s + g ? 0 : t < s + g + AMBER_MS ? 1 : 2;
      return { cycle, stage: i, part, stageStart: s };
    }
    s = stageEnd;
  }
  throw new Error('signal simulator: a plan has no stages');
}

function stageStartIn(cycle: CycleRef, stage: number): number {
  let s = cycle.start;
  for (let i = 0; i < stage; i++) s += cycle.greens[cycle.greensOffset + i]! + AMBER_MS + ALL_RED_MS;
  return s;
}

function truePhase(c: Controller, group: GroupInfo, t: number): TruePhase {
  return truthFrom(c, group.stage, positionAt(c, t));
}

/** The phase stage `i`'s groups actually show at `pos`, with its actual start and end. */
function truthFrom(c: Controller, i: number, pos: Position): TruePhase {
  const cycle = pos.cycle;
  if (pos.stage === i && pos.part !== 2) {
    const greenEnd = pos.stageStart + cycle.greens[cycle.greensOffset + i]!;
    return pos.part === 0 ? { phase: 'go', start: pos.stageStart, end: greenEnd } : { phase: 'amber', start: greenEnd, end: greenEnd + AMBER_MS };
  }
  // Red: from the end of this stage's last amber to the start of its next green.
  const passed = pos.stage >= i;
  const last = passed ? cycle : previousCycle(c, cycle);
  const next = passed ? nextCycle(c, cycle) : cycle;
  const start = stageStartIn(last, i) + last.greens[last.greensOffset + i]! + AMBER_MS;
  return { phase: 'red', start, end: stageStartIn(next, i) };
}

function signalsAt(c: Controller, now: number): IntersectionSignals {
  const pos = positionAt(c, now);
  let groups = c.lastGroups;
  // Within one interval the states are the same objects again, until a bound starts to move with `now` (an actuated green past its minimum).
  if (!groups || c.lastCycleStart !== pos.cycle.start || c.lastPart !== pos.stage * 3 + pos.part || now > c.lastValidUntil) {
    const bounds = { validUntil: Infinity };
    groups = [];
    for (const group of c.groupInfo) {
      groups.push({ signalGroup: group.signalGroup, name: group.name, events: eventsFor(c, group, pos, now, bounds) });
    }
    c.lastGroups = groups;
    c.lastCycleStart = pos.cycle.start;
    c.lastPart = pos.stage * 3 + pos.part;
    c.lastValidUntil = bounds.validUntil;
  }
  const revision = (((pos.cycle.period * 1021 + pos.cycle.index) * c.stageCount * 3 + pos.stage * 3 + pos.part) % 128 + 128) % 128;
  return { ref: c.info.ref, name: c.info.name, revision, timestamp: now, status: c.status, groups };
}

const GO = 0;
const AMBER = 1;
const RED = 2;

/**
 * The current phase of `group` and the next two, timed as the controller can
 * honestly state them: exact for fixed-time plans; for actuated ones each
 * end is bounded by the min and max greens of the stages before it, and
 * `likelyTime` adds up their mean greens. Plain numbers, no closures: this
 * runs for every group of every intersection ten times a second.
 */
function eventsFor(c: Controller, group: GroupInfo, pos: Position, now: number, bounds: { validUntil: number }): MovementEvent[] {
  const i = group.stage;
  const S = c.stageCount;
  const lost = AMBER_MS + ALL_RED_MS;
  const truth = truthFrom(c, i, pos);
  const minG = c.minGreen[i]!;
  const maxG = c.maxGreen[i]!;
  const typicalG = c.typicalGreen[i]!;
  let kind = truth.phase === 'go' ? GO : truth.phase === 'amber' ? AMBER : RED;

  // When the current phase ends.
  let lo: number;
  let hi: number;
  let likely: number;
  if (!c.actuated || kind === AMBER) lo = hi = likely = truth.end;
  else if (kind === GO) {
    bounds.validUntil = Math.min(bounds.validUntil, now > truth.start + minG ? -Infinity : truth.start + minG);
    lo = Math.max(now, truth.start + minG);
    hi = truth.start + maxG;
    likely = clamp(truth.start + typicalG, lo, hi);
  } else {
    const j = pos.stage;
    if (pos.part === 0) {
      const threshold = pos.stageStart + c.minGreen[j]!;
      bounds.validUntil = Math.min(bounds.validUntil, now > threshold ? -Infinity : threshold);
      lo = Math.max(now, pos.stageStart + c.minGreen[j]!);
      hi = pos.stageStart + c.maxGreen[j]!;
      likely = clamp(pos.stageStart + c.typicalGreen[j]!, lo, hi);
      lo += lost;
      hi += lost;
      likely += lost;
    } else lo = hi = likely = pos.stageStart + pos.cycle.greens[pos.cycle.greensOffset + j]! + lost;
    for (let k = (j + 1) % S; k !== i; k = (k + 1) % S) {
      lo += c.minGreen[k]! + lost;
      hi += c.maxGreen[k]! + lost;
      likely += c.typicalGreen[k]! + lost;
    }
  }

  const go: MovementPhase = group.permissive ? 'permissive-movement-allowed' : 'protected-movement-allowed';
  const clearance: MovementPhase = group.permissive ? 'permissive-clearance' : 'protected-clearance';
  const events: MovementEvent[] = [];
  let startLo = truth.start;
  let startHi = truth.start;
  for (let k = 0; ; k++) {
    const timing: PhaseTiming =
      startLo === startHi
        ? { startTime: startLo, minEndTime: lo, maxEndTime: hi, likelyTime: likely }
        : { minEndTime: lo, maxEndTime: hi, likelyTime: likely };
    events.push({ phase: kind === GO ? go : kind === AMBER ? clearance : 'stop-and-remain', timing });
    if (k === 2) return events;
    // The next phase starts when this one ends.
    startLo = lo;
    startHi = hi;
    kind = (kind + 1) % 3;
    if (kind === AMBER) {
      lo += AMBER_MS;
      hi += AMBER_MS;
      likely += AMBER_MS;
    } else if (kind === GO) {
      lo += minG;
      hi += maxG;
      likely += typicalG;
    } else {
      lo += ALL_RED_MS + c.othersMin[i]!;
      hi += ALL_RED_MS + c.othersMax[i]!;
      likely += ALL_RED_MS + c.othersTypical[i]!;
    }
  }
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

// ---------------------------------------------------------------------------
// Building intersections from the map

interface BuildOptions {
  seed: number;
  region: number;
  actuatedShare: number;
  laneLengthM: number;
}

type Side = 0 | 1 | 2 | 3; // where the approach lies: N, E, S, W
const SIDE_BEARING = [0, 90, 180, 270] as const;
/** Through group of traffic coming from each side: from S northbound 2, from N southbound 6, from W eastbound 4, from E westbound 8. */
const THROUGH_GROUP = [6, 8, 2, 4] as const;
/** Protected left of traffic coming from each side (NEMA: 1 pairs with 6, 3 with 8, 5 with 2, 7 with 4). */
const LEFT_GROUP = [1, 3, 5, 7] as const;
const HEADING_NAME = ['southbound', 'westbound', 'northbound', 'eastbound'] as const;

/** A road leaving an intersection: a polyline in local metres from where it leaves outwards. */
interface Arm {
  segment: number;
  road: number;
  points: [number, number][];
  cumulative: number[];
  bearing: number;
  ingress: boolean;
  egress: boolean;
  oneWay: boolean;
  weight: number;
  lanes: number;
  speedKmh: number;
}

interface Approach {
  arms: Arm[];
  bearing: number;
  side: Side;
  weight: number;
  ingressLanes: number;
  throughGroup: number;
  leftGroup: number;
  protectedLeft: boolean;
}

interface Site {
  signalOsmIds: number[];
  nodes: number[];
  lat: number;
  lon: number;
  arms: Arm[];
}

function buildControllers(
  map: CabinMap,
  options: BuildOptions,
): { controllers: Controller[]; skipped: { signalOsmIds: number[]; reason: string }[] } {
  const sites = findSites(map);
  const controllers: Controller[] = [];
  const skipped: { signalOsmIds: number[]; reason: string }[] = [];
  const [minLon, minLat] = map.info.bbox;
  for (const site of sites) {
    const id = controllers.length + 1;
    const built = buildController(map, site, id, options, { lat: minLat, lon: minLon });
    if (typeof built === 'string') skipped.push({ signalOsmIds: site.signalOsmIds, reason: built });
    else controllers.push(built);
  }
  return { controllers, skipped };
}

/** Groups the map's signals into intersections and mid-block crossings, each with its arms. */
function findSites(map: CabinMap): Site[] {
  const roads = map.roads;
  const incident = incidentSegments(roads);
  // Union-find over the graph nodes that carry signals.
  const nodeSignals = new Map<number, number[]>();
  const midBlock: { signal: number; segment: number; fraction: number }[] = [];
  map.signals.forEach((signal, index) => {
    let node = signal.node;
    if (node === undefined && signal.segment !== undefined && signal.fraction !== undefined) {
      const length = roads.segmentLengthM[signal.segment]!;
      const toFrom = signal.fraction * length;
      const toTo = (1 - signal.fraction) * length;
      if (Math.min(toFrom, toTo) <= SEGMENT_SIGNAL_REACH_M) node = toFrom <= toTo ? roads.segmentFrom[signal.segment]! : roads.segmentTo[signal.segment]!;
      else midBlock.push({ signal: index, segment: signal.segment, fraction: signal.fraction });
    }
    if (node === undefined) return;
    const list = nodeSignals.get(node);
    if (list) list.push(index);
    else nodeSignals.set(node, [index]);
  });
  const nodes = [...nodeSignals.keys()].sort((a, b) => a - b);
  const parent = new Map<number, number>(nodes.map((n) => [n, n]));
  const find = (n: number): number => {
    let root = n;
    while (parent.get(root)! !== root) root = parent.get(root)!;
    while (parent.get(n)! !== root) {
      const up = parent.get(n)!;
      parent.set(n, root);
      n = up;
    }
    return root;
  };
  const cell = CLUSTER_RADIUS_M;
  const grid = new Map<string, number[]>();
  const xy = (node: number): [number, number] => {
    const lat = roads.nodeLatE7[node]! / 1e7;
    const lon = roads.nodeLonE7[node]! / 1e7;
    return [lon * M_PER_DEG * Math.cos((lat * Math.PI) / 180), lat * M_PER_DEG];
  };
  for (const node of nodes) {
    const [x, y] = xy(node);
    const cx = Math.floor(x / cell);
    const cy = Math.floor(y / cell);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const other of grid.get(`${cx + dx},${cy + dy}`) ?? []) {
          const [ox, oy] = xy(other);
          if (Math.hypot(ox - x, oy - y) <= CLUSTER_RADIUS_M) parent.set(find(node), find(other));
        }
      }
    }
    const key = `${cx},${cy}`;
    const list = grid.get(key);
    if (list) list.push(node);
    else grid.set(key, [node]);
  }
  const clusters = new Map<number, number[]>();
  for (const node of nodes) {
    const root = find(node);
    const list = clusters.get(root);
    if (list) list.push(node);
    else clusters.set(root, [node]);
  }

  const sites: Site[] = [];
  for (const members of clusters.values()) {
    const inCluster = new Set(members);
    const signalOsmIds = members.flatMap((n) => nodeSignals.get(n)!.map((s) => map.signals[s]!.osmId)).sort((a, b) => a - b);
    let lat = 0;
    let lon = 0;
    for (const n of members) {
      lat += roads.nodeLatE7[n]! / 1e7;
      lon += roads.nodeLonE7[n]! / 1e7;
    }
    lat /= members.length;
    lon /= members.length;
    const arms: Arm[] = [];
    for (const n of members) {
      for (const s of incident.get(n) ?? []) {
        const from = roads.segmentFrom[s]!;
        const to = roads.segmentTo[s]!;
        if (inCluster.has(from) && inCluster.has(to)) continue; // inside the junction
        const line = segmentLatLon(roads, s);
        const outward = from === n ? line : line.reverse();
        const forward = (roads.segmentFlags[s]! & SEGMENT_FORWARD) !== 0;
        const backward = (roads.segmentFlags[s]! & SEGMENT_BACKWARD) !== 0;
        arms.push(makeArm(roads, s, outward, lat, lon, from === n ? backward : forward, from === n ? forward : backward));
      }
    }
    sites.push({ signalOsmIds, nodes: [...members].sort((a, b) => a - b), lat, lon, arms });
  }
  for (const { signal, segment, fraction } of midBlock) {
    const info = map.signals[signal]!;
    const line = segmentLatLon(roads, segment);
    const split = splitAt(line, fraction);
    const forward = (roads.segmentFlags[segment]! & SEGMENT_FORWARD) !== 0;
    const backward = (roads.segmentFlags[segment]! & SEGMENT_BACKWARD) !== 0;
    // `traffic_signals:direction` limits the light to one direction of travel.
    const forwardLit = forward && info.direction !== 'backward';
    const backwardLit = backward && info.direction !== 'forward';
    const arms = [
      makeArm(roads, segment, split.towardsTo, info.lat, info.lon, backwardLit, forward),
      makeArm(roads, segment, split.towardsFrom, info.lat, info.lon, forwardLit, backward),
    ];
    sites.push({ signalOsmIds: [info.osmId], nodes: [], lat: info.lat, lon: info.lon, arms });
  }
  // Stable ids: in order of each site's first signal.
  sites.sort((a, b) => a.signalOsmIds[0]! - b.signalOsmIds[0]!);
  return sites;
}

function buildController(
  map: CabinMap,
  site: Site,
  id: number,
  options: BuildOptions,
  origin: { lat: number; lon: number },
): Controller | string {
  const ref: IntersectionRef = { region: options.region, id };
  const key = intersectionKey(ref);
  const hash = hash4(options.seed, id, 0x51a1, 0);
  const approaches = groupApproaches(site.arms);
  if (!approaches.some((a) => a.ingressLanes > 0)) return 'no arm carries traffic towards it';

  // Manoeuvres from each approach to each other approach that traffic can leave by.
  const moves: { from: number; to: number; maneuver: Maneuver }[] = [];
  approaches.forEach((a, ai) => {
    if (a.ingressLanes === 0) return;
    approaches.forEach((b, bi) => {
      if (ai === bi || !b.arms.some((arm) => arm.egress)) return;
      const maneuver = turnOf(a.bearing, b.bearing);
      if (maneuver) moves.push({ from: ai, to: bi, maneuver });
    });
  });
  const opposite = (a: Approach): Approach | undefined => approaches.find((b) => b !== a && b.side === (((a.side + 2) % 4) as Side));
  for (const a of approaches) {
    const hasLeft = moves.some((m) => approaches[m.from] === a && m.maneuver === 'left');
    const opposing = opposite(a);
    a.protectedLeft = hasLeft && a.weight >= 3 && a.ingressLanes >= 2 && opposing !== undefined && opposing.ingressLanes > 0;
  }

  // Lanes.
  const lanes: Lane[] = [];
  const egressLane = new Map<number, number>(); // approach index → its first egress lane id
  const crossingHalfWidth = (a: Approach): number =>
    Math.max(0, ...approaches.filter((b) => b !== a).map((b) => (b.arms.some((arm) => arm.oneWay) ? b.ingressLanes / 2 : b.ingressLanes) * LANE_WIDTH_M));
  // Egress lanes first, so ingress connections can name them.
  const ingressPlans: { approach: number; arm: Arm; laneManeuvers: Maneuver[][]; stopLine: number }[] = [];
  let nextLaneId = 1;
  approaches.forEach((a, ai) => {
    const stopLine = crossingHalfWidth(a) + 4;
    for (const arm of a.arms) {
      if (arm.ingress) {
        const available = (['left', 'straight', 'right'] as const).filter((m) => moves.some((mv) => mv.from === ai && mv.maneuver === m));
        if (available.length > 0) ingressPlans.push({ approach: ai, arm, laneManeuvers: allocateLanes(arm.lanes, available, a.protectedLeft), stopLine });
      }
    }
  });
  const ingressLaneIds: number[][] = ingressPlans.map((plan) => plan.laneManeuvers.map(() => nextLaneId++));
  approaches.forEach((a, ai) => {
    const stopLine = crossingHalfWidth(a) + 4;
    for (const arm of a.arms) {
      if (!arm.egress) continue;
      const laneId = nextLaneId++;
      if (!egressLane.has(ai)) egressLane.set(ai, laneId);
      lanes.push({
        laneId,
        egressApproach: ai + 1,
        direction: 'egress',
        kind: 'vehicle',
        maneuvers: [],
        points: lanePoints(arm, stopLine, options.laneLengthM, arm.oneWay ? 0 : LANE_WIDTH_M / 2, site),
        connections: [],
      });
    }
  });
  const groupsUsed = new Map<number, { permissive: boolean; side: Side; left: boolean }>();
  ingressPlans.forEach((plan, p) => {
    const a = approaches[plan.approach]!;
    const n = plan.laneManeuvers.length;
    plan.laneManeuvers.forEach((maneuvers, k) => {
      const lateral = plan.arm.oneWay ? ((n - 1) / 2 - k) * LANE_WIDTH_M : -(k + 0.5) * LANE_WIDTH_M;
      const connections: LaneConnection[] = [];
      for (const maneuver of maneuvers) {
        for (const move of moves) {
          if (move.from !== plan.approach || move.maneuver !== maneuver) continue;
          const toLane = egressLane.get(move.to);
          if (toLane === undefined) continue;
          const protectedLeft = maneuver === 'left' && a.protectedLeft;
          const signalGroup = protectedLeft ? a.leftGroup : a.throughGroup;
          connections.push({ toLane, maneuver, signalGroup });
          const used = groupsUsed.get(signalGroup) ?? { permissive: false, side: a.side, left: protectedLeft };
          if (maneuver === 'left' && !protectedLeft && (opposite(a)?.ingressLanes ?? 0) > 0) used.permissive = true;
          groupsUsed.set(signalGroup, used);
        }
      }
      lanes.push({
        laneId: ingressLaneIds[p]![k]!,
        ingressApproach: plan.approach + 1,
        direction: 'ingress',
        kind: 'vehicle',
        maneuvers,
        points: lanePoints(plan.arm, plan.stopLine, options.laneLengthM, lateral, site),
        connections,
      });
    });
  });
  lanes.sort((x, y) => x.laneId - y.laneId);
  if (groupsUsed.size === 0) return 'no movement through it';

  // Stages: main road lefts, main road through, side road lefts, side road through (or pedestrians).
  const axisWeight = [0, 0]; // 0: N-S, 1: E-W
  for (const a of approaches) if (a.ingressLanes > 0) axisWeight[a.side % 2] = Math.max(axisWeight[a.side % 2]!, a.weight);
  const main = axisWeight[1]! > axisWeight[0]! ? 1 : 0;
  const stageGroups: { groups: number[]; kind: 'left' | 'through' | 'pedestrian'; weight: number }[] = [];
  for (const axis of [main, 1 - main]) {
    const on = [...groupsUsed.entries()].filter(([, g]) => g.side % 2 === axis);
    const lefts = on.filter(([, g]) => g.left).map(([s]) => s).sort((x, y) => x - y);
    const throughs = on.filter(([, g]) => !g.left).map(([s]) => s).sort((x, y) => x - y);
    if (lefts.length) stageGroups.push({ groups: lefts, kind: 'left', weight: 0.35 * axisWeight[axis]! });
    if (throughs.length) stageGroups.push({ groups: throughs, kind: 'through', weight: axisWeight[axis]! });
  }
  if (axisWeight[0] === 0 || axisWeight[1] === 0) stageGroups.push({ groups: [], kind: 'pedestrian', weight: 0 });
  const S = stageGroups.length;
  const mainThroughStage = Math.max(0, stageGroups.findIndex((s) => s.kind === 'through'));

  const majorWeight = Math.max(axisWeight[0]!, axisWeight[1]!);
  const onArterial = majorWeight >= 4;
  const actuated = unit(hash4(options.seed, id, 0xac7, 1)) < (onArterial ? options.actuatedShare / 2 : options.actuatedShare);

  // Fixed-time greens.
  // Mid-block crossings run half the arterial cycle, so they still fit its green wave.
  const pedestrianCrossing = stageGroups.some((s) => s.kind === 'pedestrian');
  const cycleMs = pedestrianCrossing || majorWeight < 3 ? 60_000 : majorWeight >= 4 ? 120_000 : 90_000;
  const minGreen = new Float64Array(S);
  const maxGreen = new Float64Array(S);
  const fixedGreen = new Float64Array(S);
  const arrivalRate = new Float64Array(S);
  stageGroups.forEach((stage, i) => {
    if (stage.kind === 'pedestrian') {
      minGreen[i] = maxGreen[i] = PEDESTRIAN_GREEN_MS;
      return;
    }
    const w = stage.weight / (stage.kind === 'left' ? 0.35 : 1);
    minGreen[i] = stage.kind === 'left' ? 6000 : 10_000;
    maxGreen[i] = stage.kind === 'left' ? 20_000 : w >= 4 ? 50_000 : w >= 3 ? 40_000 : 30_000;
    arrivalRate[i] = (stage.kind === 'left' ? 0.12 : w >= 4 ? 0.45 : w >= 3 ? 0.35 : w >= 2 ? 0.25 : 0.15) / 1000;
  });
  {
    const pedestrian = stageGroups.filter((s) => s.kind === 'pedestrian').length * PEDESTRIAN_GREEN_MS;
    const available = cycleMs - S * (AMBER_MS + ALL_RED_MS) - pedestrian;
    const totalWeight = stageGroups.reduce((sum, s) => sum + s.weight, 0);
    let used = pedestrian;
    stageGroups.forEach((stage, i) => {
      if (stage.kind === 'pedestrian') fixedGreen[i] = PEDESTRIAN_GREEN_MS;
      else {
        fixedGreen[i] = Math.max(minGreen[i]!, Math.floor((available * stage.weight) / totalWeight / 1000) * 1000);
        used += fixedGreen[i]!;
      }
    });
    fixedGreen[mainThroughStage] = fixedGreen[mainThroughStage]! + (cycleMs - S * (AMBER_MS + ALL_RED_MS) - used);
  }

  // Green wave: the main road's through green starts position / speed into the cycle.
  const mainApproach = approaches.filter((a) => a.side % 2 === main && a.ingressLanes > 0).sort((x, y) => y.weight - x.weight)[0];
  const speedMs = Math.max(20, (mainApproach?.arms[0]?.speedKmh ?? 50) * 0.9) / 3.6;
  const positionM =
    main === 0 ? (site.lat - origin.lat) * M_PER_DEG : (site.lon - origin.lon) * M_PER_DEG * Math.cos((site.lat * Math.PI) / 180);
  let beforeMainThrough = 0;
  for (let i = 0; i < mainThroughStage; i++) beforeMainThrough += fixedGreen[i]! + AMBER_MS + ALL_RED_MS;
  const offsetMs = Math.round(((positionM / speedMs) * 1000) % cycleMs);
  const originMs = offsetMs - beforeMainThrough;

  // Typical actuated greens: the mean of the arrival model, sampled once.
  const typicalGreen = new Float64Array(S);
  const sample = seededRandom(hash4(options.seed, id, 0x7e57, 2));
  for (let i = 0; i < S; i++) {
    let total = 0;
    const samples = 48;
    for (let k = 0; k < samples; k++) total += gapOutGreen(minGreen[i]!, maxGreen[i]!, arrivalRate[i]!, sample);
    typicalGreen[i] = Math.round(total / samples);
  }
  let cycleMinMs = 0;
  let cycleMaxMs = 0;
  for (let i = 0; i < S; i++) {
    cycleMinMs += minGreen[i]! + AMBER_MS + ALL_RED_MS;
    cycleMaxMs += maxGreen[i]! + AMBER_MS + ALL_RED_MS;
  }
  // Below this many ms left in a period, every count of cycles in [min, max] can fill it exactly, so transitions always fit.
  const tileable = cycleMaxMs > cycleMinMs ? Math.ceil(cycleMinMs / (cycleMaxMs - cycleMinMs)) * cycleMinMs : 0;
  const transitionBelowMs = cycleMaxMs + Math.max(tileable, cycleMaxMs);

  const groups = [...groupsUsed.keys()].sort((x, y) => x - y);
  const groupInfo: GroupInfo[] = groups.map((signalGroup) => {
    const used = groupsUsed.get(signalGroup)!;
    return {
      signalGroup,
      stage: stageGroups.findIndex((s) => s.groups.includes(signalGroup)),
      permissive: used.permissive,
      name: `${HEADING_NAME[used.side]} ${used.left ? 'left' : 'through'}`,
    };
  });
  const names = namesOf(map, site.arms);
  const name = names.length ? names.join(' / ') : `Signal ${site.signalOsmIds[0]}`;
  const lat = round7(site.lat);
  const lon = round7(site.lon);
  if (!actuated) {
    // A fixed-time plan's greens are its greens: no range.
    minGreen.set(fixedGreen);
    maxGreen.set(fixedGreen);
    typicalGreen.set(fixedGreen);
  }
  const othersMin = new Float64Array(S);
  const othersMax = new Float64Array(S);
  const othersTypical = new Float64Array(S);
  for (let i = 0; i < S; i++) {
    for (let k = 0; k < S; k++) {
      if (k === i) continue;
      othersMin[i] = othersMin[i]! + minGreen[k]! + AMBER_MS + ALL_RED_MS;
      othersMax[i] = othersMax[i]! + maxGreen[k]! + AMBER_MS + ALL_RED_MS;
      othersTypical[i] = othersTypical[i]! + typicalGreen[k]! + AMBER_MS + ALL_RED_MS;
    }
  }
  const stages: StagePlan[] = stageGroups.map((s, i) => ({
    groups: s.groups,
    minGreenMs: minGreen[i]!,
    maxGreenMs: maxGreen[i]!,
    greenMs: typicalGreen[i]!,
  }));
  const intersectionMap: IntersectionMap = {
    ref,
    name,
    revision: 1,
    lat,
    lon,
    laneWidthCm: LANE_WIDTH_M * 100,
    lanes,
  };
  const speed = mainApproach?.arms[0]?.speedKmh;
  if (speed) intersectionMap.speedLimitKmh = speed;
  return {
    info: {
      key,
      ref,
      name,
      lat,
      lon,
      plan: actuated ? 'actuated' : 'fixed-time',
      stages,
      cycleMs: actuated ? undefined : cycleMs,
      nodes: site.nodes,
      signalOsmIds: site.signalOsmIds,
      groups,
    },
    map: intersectionMap,
    status: actuated ? STATUS_TRAFFIC_DEPENDENT : STATUS_FIXED_TIME,
    groupInfo,
    stageCount: S,
    minGreen,
    maxGreen,
    typicalGreen,
    arrivalRate,
    othersMin,
    othersMax,
    othersTypical,
    fixedGreen,
    cycleMs,
    originMs,
    actuated,
    periodShiftMs: Math.floor(unit(hash4(options.seed, id, 0x9e71, 3)) * PLAN_PERIOD_MS),
    cycleMinMs,
    cycleMaxMs,
    transitionBelowMs,
    timelines: new Map(),
    hash,
    lastGroups: undefined,
    lastCycleStart: NaN,
    lastPart: -1,
    lastValidUntil: -Infinity,
  };
}

/** Merges arms pointing the same way into approaches and assigns them sides and signal groups. */
function groupApproaches(arms: Arm[]): Approach[] {
  const sorted = [...arms].sort((a, b) => a.bearing - b.bearing);
  const clusters: Arm[][] = [];
  // Start after the widest gap so no approach straddles north.
  let startAt = 0;
  let widest = -1;
  for (let k = 0; k < sorted.length; k++) {
    const next = sorted[(k + 1) % sorted.length]!;
    const gap = (next.bearing - sorted[k]!.bearing + 360) % 360 || (sorted.length === 1 ? 360 : 0);
    if (gap > widest) {
      widest = gap;
      startAt = (k + 1) % sorted.length;
    }
  }
  for (let k = 0; k < sorted.length; k++) {
    const arm = sorted[(startAt + k) % sorted.length]!;
    const last = clusters.at(-1);
    const lastArm = last?.at(-1);
    if (last && lastArm && angleBetween(lastArm.bearing, arm.bearing) <= APPROACH_TOLERANCE_DEG) last.push(arm);
    else clusters.push([arm]);
  }
  const approaches: Approach[] = clusters.map((group) => {
    let sx = 0;
    let sy = 0;
    for (const arm of group) {
      sx += Math.sin((arm.bearing * Math.PI) / 180);
      sy += Math.cos((arm.bearing * Math.PI) / 180);
    }
    const bearing = ((Math.atan2(sx, sy) * 180) / Math.PI + 360) % 360;
    const ingress = group.filter((arm) => arm.ingress);
    return {
      arms: group,
      bearing,
      side: 0,
      weight: Math.max(...group.map((arm) => arm.weight)),
      ingressLanes: ingress.reduce((sum, arm) => sum + arm.lanes, 0),
      throughGroup: 0,
      leftGroup: 0,
      protectedLeft: false,
    };
  });
  assignSides(approaches);
  for (const a of approaches) {
    a.throughGroup = THROUGH_GROUP[a.side];
    a.leftGroup = LEFT_GROUP[a.side];
  }
  return approaches;
}

/** Assigns each approach one of N/E/S/W, distinct where there are at most four, with the least total angular error. */
function assignSides(approaches: Approach[]): void {
  if (approaches.length > 4) {
    for (const a of approaches) a.side = nearestSide(a.bearing);
    return;
  }
  let best: Side[] = [];
  let bestError = Infinity;
  const choose = (k: number, used: number, chosen: Side[], error: number): void => {
    if (error >= bestError) return;
    if (k === approaches.length) {
      best = [...chosen];
      bestError = error;
      return;
    }
    for (let side = 0 as Side; side < 4; side = (side + 1) as Side) {
      if (used & (1 << side)) continue;
      chosen.push(side);
      choose(k + 1, used | (1 << side), chosen, error + angleBetween(approaches[k]!.bearing, SIDE_BEARING[side]));
      chosen.pop();
    }
  };
  choose(0, 0, [], 0);
  approaches.forEach((a, k) => {
    a.side = best[k]!;
  });
}

function nearestSide(bearing: number): Side {
  return (Math.round(bearing / 90) % 4) as Side;
}

/** The manoeuvre from an approach lying at `fromBearing` to the road leaving at `toBearing` (right-hand traffic). */
function turnOf(fromBearing: number, toBearing: number): Maneuver | undefined {
  const heading = (fromBearing + 180) % 360;
  let turn = (toBearing - heading + 540) % 360 - 180; // (-180, 180], positive = clockwise = right
  if (turn === -180) turn = 180;
  if (Math.abs(turn) <= 45) return 'straight';
  if (turn < -45 && turn >= -150) return 'left';
  if (turn > 45 && turn <= 150) return 'right';
  return undefined; // a U-turn: not signalled here
}

/** Manoeuvres of each lane, left lane first. A protected left gets a lane of its own. */
function allocateLanes(count: number, available: readonly Maneuver[], protectedLeft: boolean): Maneuver[][] {
  if (protectedLeft && available[0] === 'left' && count >= 2) return [['left'], ...allocateLanes(count - 1, available.slice(1), false)];
  if (available.length === 0) return [];
  if (count <= 1) return [[...available]];
  if (count < available.length) return [...available.slice(0, count - 1).map((m) => [m]), available.slice(count - 1)];
  const lanes: Maneuver[][] = available.map((m) => [m]);
  const extra = available.indexOf('straight') >= 0 ? available.indexOf('straight') : 0;
  for (let k = available.length; k < count; k++) lanes.splice(extra, 0, [available[extra]!]);
  return lanes;
}

// ---------------------------------------------------------------------------
// Geometry

const M_PER_DEG = (6_371_008.8 * Math.PI) / 180;

function incidentSegments(roads: RoadNetwork): Map<number, number[]> {
  const incident = new Map<number, number[]>();
  const add = (node: number, s: number): void => {
    const list = incident.get(node);
    if (list) list.push(s);
    else incident.set(node, [s]);
  };
  for (let s = 0; s < roads.segmentCount; s++) {
    const from = roads.segmentFrom[s]!;
    const to = roads.segmentTo[s]!;
    if (from === to) continue;
    add(from, s);
    add(to, s);
  }
  return incident;
}

/** The segment's points, from → to, as [lat, lon]. */
function segmentLatLon(roads: RoadNetwork, s: number): [number, number][] {
  const points: [number, number][] = [];
  const from = roads.segmentFrom[s]!;
  const to = roads.segmentTo[s]!;
  points.push([roads.nodeLatE7[from]! / 1e7, roads.nodeLonE7[from]! / 1e7]);
  for (let k = roads.segmentShapeStart[s]!; k < roads.segmentShapeStart[s + 1]!; k++) {
    points.push([roads.shapeLatE7[k]! / 1e7, roads.shapeLonE7[k]! / 1e7]);
  }
  points.push([roads.nodeLatE7[to]! / 1e7, roads.nodeLonE7[to]! / 1e7]);
  return points;
}

/** Splits a line at `fraction` of its length into the part towards its end and the part back towards its start, both starting at the split. */
function splitAt(line: [number, number][], fraction: number): { towardsTo: [number, number][]; towardsFrom: [number, number][] } {
  const lat0 = line[0]![0];
  const kx = M_PER_DEG * Math.cos((lat0 * Math.PI) / 180);
  const lengths = [0];
  for (let k = 1; k < line.length; k++) {
    const [a, b] = [line[k - 1]!, line[k]!];
    lengths.push(lengths[k - 1]! + Math.hypot((b[1] - a[1]) * kx, (b[0] - a[0]) * M_PER_DEG));
  }
  const at = fraction * lengths.at(-1)!;
  let k = 1;
  while (k < line.length - 1 && lengths[k]! < at) k++;
  const [a, b] = [line[k - 1]!, line[k]!];
  const span = lengths[k]! - lengths[k - 1]!;
  const t = span > 0 ? (at - lengths[k - 1]!) / span : 0;
  const p: [number, number] = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
  return { towardsTo: [p, ...line.slice(k)], towardsFrom: [p, ...line.slice(0, k).reverse()] };
}

function makeArm(
  roads: RoadNetwork,
  s: number,
  outward: [number, number][],
  lat0: number,
  lon0: number,
  ingress: boolean,
  egress: boolean,
): Arm {
  const flags = roads.segmentFlags[s]!;
  const oneWay = (flags & SEGMENT_FORWARD) === 0 || (flags & SEGMENT_BACKWARD) === 0;
  const kx = M_PER_DEG * Math.cos((lat0 * Math.PI) / 180);
  const points = outward.map(([lat, lon]): [number, number] => [(lon - lon0) * kx, (lat - lat0) * M_PER_DEG]);
  const cumulative = [0];
  for (let k = 1; k < points.length; k++) {
    cumulative.push(cumulative[k - 1]! + Math.hypot(points[k]![0] - points[k - 1]![0], points[k]![1] - points[k - 1]![1]));
  }
  // The direction the road leaves in, over its first 40 m (parallel carriageways then agree).
  const [x0, y0] = points[0]!;
  const [x1, y1] = pointAlong(points, cumulative, Math.min(40, cumulative.at(-1)!), 0);
  const bearing = ((Math.atan2(x1 - x0, y1 - y0) * 180) / Math.PI + 360) % 360;
  const road = roads.segmentRoad[s]!;
  const roadClass = ROAD_CLASSES[roads.roadClass[road]!] ?? 'road';
  return {
    segment: s,
    road,
    points,
    cumulative,
    bearing,
    ingress,
    egress,
    oneWay,
    weight: classWeight(roadClass),
    lanes: lanesPerDirection(roadClass),
    speedKmh: roads.segmentSpeedKmh[s]!,
  };
}

/** The point `distance` along a polyline, moved `lateral` metres to the right of its direction there. */
function pointAlong(points: [number, number][], cumulative: number[], distance: number, lateral: number): [number, number] {
  let k = 1;
  while (k < points.length - 1 && cumulative[k]! < distance) k++;
  const a = points[k - 1]!;
  const b = points[k]!;
  const span = cumulative[k]! - cumulative[k - 1]!;
  const t = span > 0 ? Math.min(1, Math.max(0, (distance - cumulative[k - 1]!) / span)) : 0;
  const ux = span > 0 ? (b[0] - a[0]) / span : 0;
  const uy = span > 0 ? (b[1] - a[1]) / span : 0;
  return [a[0] + (b[0] - a[0]) * t + uy * lateral, a[1] + (b[1] - a[1]) * t - ux * lateral];
}

/** A lane's centre line as [lat, lon] from its stop line outwards, kept to the near half of the arm. */
function lanePoints(arm: Arm, stopLineM: number, lengthM: number, lateral: number, site: Site): [number, number][] {
  const armLength = arm.cumulative.at(-1)!;
  const start = Math.min(stopLineM, armLength * 0.25);
  const end = Math.max(start + 1, Math.min(start + lengthM, armLength * 0.5));
  const kx = M_PER_DEG * Math.cos((site.lat * Math.PI) / 180);
  const points: [number, number][] = [];
  const steps = Math.max(1, Math.ceil((end - start) / 10));
  for (let k = 0; k <= steps; k++) {
    const [x, y] = pointAlong(arm.points, arm.cumulative, start + ((end - start) * k) / steps, lateral);
    points.push([round7(site.lat + y / M_PER_DEG), round7(site.lon + x / kx)]);
  }
  return points;
}

function namesOf(map: CabinMap, arms: Arm[]): string[] {
  const byWeight = [...arms].sort((a, b) => b.weight - a.weight);
  const names: string[] = [];
  for (const arm of byWeight) {
    const roads = map.roads;
    const name = map.strings[roads.roadNameEn[arm.road]!] || map.strings[roads.roadName[arm.road]!] || map.strings[roads.roadRef[arm.road]!] || '';
    if (name && !names.includes(name)) names.push(name);
  }
  return names.slice(0, 3);
}

function classWeight(roadClass: RoadClass): number {
  switch (roadClass) {
    case 'motorway':
    case 'trunk':
      return 5;
    case 'primary':
      return 4;
    case 'secondary':
      return 3;
    case 'tertiary':
      return 2;
    case 'motorway_link':
    case 'trunk_link':
      return 3;
    case 'primary_link':
    case 'secondary_link':
    case 'tertiary_link':
    case 'unclassified':
    case 'residential':
    case 'road':
      return 1;
    case 'living_street':
    case 'service':
      return 0.5;
    default: {
      const never: never = roadClass;
      throw new Error(`signal simulator: unknown road class ${String(never)}`);
    }
  }
}

/** Lanes per direction by class: the default district's `lanes` (6/4/2 for primary/secondary/tertiary), OSM's usual elsewhere. */
function lanesPerDirection(roadClass: RoadClass): number {
  if (roadClass === 'motorway' || roadClass === 'trunk' || roadClass === 'primary') return 3;
  if (roadClass === 'secondary') return 2;
  return 1;
}

function angleBetween(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7;
}

// ---------------------------------------------------------------------------
// Deterministic randomness

function hash4(a: number, b: number, c: number, d: number): number {
  let h = 0x811c9dc5 ^ (a >>> 0);
  for (const x of [b, c, d]) {
    h = Math.imul(h ^ (x | 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return h >>> 0;
}

function unit(h: number): number {
  return h / 4294967296;
}

