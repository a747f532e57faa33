/**
 * When the light changes: for one signal group, the time to the next change
 * as a range with its confidence, and what of it may be shown to the driver.
 *
 * The range comes from the message (J2735 minEndTime/maxEndTime/likelyTime,
 * CSAE 53's countdowns, already absolute epoch ms in the model) and, for
 * actuated signals whose messages give only bounds, from a learned history
 * of each group's phase durations: the likely end is the median of the past
 * durations longer than the time already elapsed (the conditional median),
 * clipped to the message's bounds. Nothing is shown that the data does not
 * support: no bound and no history means the state alone.
 *
 * Pure: `now` is a parameter, the history is an in-memory model the caller
 * feeds with every SPaT it receives.
 */
import { MOVEMENT_PHASES, intersectionKey, isGo, isStop, type IntersectionSignals, type MovementPhase, type PhaseTiming, type SignalGroupState } from './model.ts';

/**
 * Countdown display thresholds and why.
 *
 * Audi's Traffic Light Information hides the time-to-green "about three to
 * four seconds" before the light turns green, to discourage drag races and
 * jump starts and to make the driver look at the light; its owner's manual
 * lists it as unavailable "if the next traffic light is less than
 * approximately 100 feet (30 m) away" and "if the estimated wait time at a
 * red light is less than four seconds" (Audi A5 owner's manual, Traffic
 * light information). The same logic applies to the end of green and amber,
 * where a visible countdown invites a dash to beat the red.
 */
/** The last seconds of green and amber are hidden: a countdown there invites racing the red. */
export const HIDE_FINAL_GO_S = 3;
/** The last seconds before green are hidden (Audi: wait time under four seconds), against jump starts. */
export const HIDE_FINAL_RED_S = 4;
/** Closer than this to the stop line a moving vehicle sees no countdown (Audi: about 100 ft / 30 m). */
export const HIDE_NEAR_STOP_LINE_M = 30;
/**
 * Below this speed the vehicle is waiting: the time-to-green of a red stays
 * visible at the line (Audi's time-to-green is shown exactly then, to
 * let the driver relax), until its final seconds.
 */
export const WAITING_SPEED_MPS = 1;
/** A held end this little before the earliest the data allows is still consistent: tenths-of-a-second message times jitter. */
const SMOOTHING_TOLERANCE_MS = 500;
/** Message bounds this close together mean a fixed end (fixed-time signals send min = max). */
const FIXED_END_TOLERANCE_MS = 100;
/** History quantiles that bound the range it gives. */
const HISTORY_LOW_Q = 0.05;
const HISTORY_HIGH_Q = 0.95;
/**
 * Default quantile of the likely end (see `SignalHistoryOptions.likelyQuantile`). In the SUMO study
 * (bench/signals-sumo.ts, actuated) 0.75 gave the smallest median error 10–20 s ahead and cut greens
 * shown > 2 s early from 59–69 % (median) to 35–41 %; higher quantiles trade more error for fewer early ones.
 */
const LIKELY_Q = 0.75;
/** Bound positions remembered per phase while it runs (one per message with bounds, at 1 Hz over two minutes). */
const PENDING_POSITIONS = 128;

/** What the driver sees of a phase. */
export type Light = 'green' | 'amber' | 'red' | 'red-amber' | 'flashing-red' | 'flashing-amber' | 'dark' | 'unknown';

/** The light of a J2735 movement phase. */
export function lightOf(phase: MovementPhase): Light {
  switch (phase) {
    case 'unavailable':
      return 'unknown';
    case 'dark':
      return 'dark';
    case 'stop-then-proceed':
      return 'flashing-red';
    case 'stop-and-remain':
      return 'red';
    case 'pre-movement':
      return 'red-amber';
    case 'permissive-movement-allowed':
    case 'protected-movement-allowed':
      return 'green';
    case 'permissive-clearance':
    case 'protected-clearance':
      return 'amber';
    case 'caution-conflicting-traffic':
      return 'flashing-amber';
    default: {
      const unknown: never = phase;
      throw new Error(`unknown movement phase ${String(unknown)}`);
    }
  }
}

/** Phases that belong to a signal cycle and so have an end worth counting down to. */
function isCycling(phase: MovementPhase): boolean {
  const light = lightOf(phase);
  return light === 'green' || light === 'amber' || light === 'red' || light === 'red-amber';
}

/** J2735 TimeIntervalConfidence: the probability that the likely time holds, for codes 0–15. */
const TIME_INTERVAL_CONFIDENCE = [0.21, 0.36, 0.47, 0.56, 0.62, 0.68, 0.73, 0.77, 0.81, 0.85, 0.88, 0.91, 0.94, 0.96, 0.98, 1] as const;

/** Bounds of one instant (epoch ms): `latest` and `likely` undefined when the data gives none. */
export interface TimeBounds {
  earliest: number;
  latest: number | undefined;
  likely: number | undefined;
}

/** When the current phase of a group ends. */
export interface ChangeEstimate extends TimeBounds {
  phase: MovementPhase;
  /** Probability that the change falls in [earliest, latest] (1 for the message's own bounds). */
  confidence: number;
  /** The message's confidence in its likelyTime (J2735 TimeIntervalConfidence), where it gives one. */
  likelyConfidence?: number;
  source: 'message' | 'history' | 'message+history';
  /** When the phase started, where known. */
  startedAt?: number;
}

/** One phase of a group's predicted sequence. */
export interface PhaseSpan {
  phase: MovementPhase;
  start: TimeBounds;
  /** Undefined when nothing bounds its end. */
  end: TimeBounds | undefined;
}

/** Conditional or unconditional duration quantiles from history, ms. */
interface DurationQuantiles {
  low: number;
  median: number;
  high: number;
  /** The quantile taken as the likely end (`likelyQuantile`). */
  likely: number;
  samples: number;
}

interface Track {
  phase: number;
  /** NaN when the start was not seen (the feed began mid-phase or had a gap). */
  startedAt: number;
  lastSeen: number;
  /** Ring buffers of past durations per phase (MOVEMENT_PHASES order), allocated when first needed. */
  durations: (Float64Array | undefined)[];
  counts: Uint16Array;
  heads: Uint16Array;
  /** The phase seen after each phase, −1 unknown. */
  successor: Int8Array;
  /**
   * Where past ends fell inside the message's [minEnd, maxEnd] window, as a
   * fraction of it, per phase (rings like `durations`): the fallback when too
   * few durations fit the window.
   */
  positions: (Float64Array | undefined)[];
  positionCounts: Uint16Array;
  positionHeads: Uint16Array;
  /** The windows (minEnd, maxEnd pairs) the messages stated for the current phase, resolved when it ends. */
  pending: Float64Array;
  pendingCount: number;
}

export interface SignalHistoryOptions {
  /** Durations kept per group and phase (the latest; older plans fade out). Default 64. */
  capacity?: number;
  /** A change is timed only when the messages around it are at most this far apart (the error is half of it). Default 2000 ms. */
  maxChangeGapMs?: number;
  /** A phase is taken as unbroken across a gap in messages up to this long (no whole cycle fits in it). Default 10000 ms. */
  maxHoldGapMs?: number;
  /** Durations needed (longer than the elapsed time) before the history predicts. Default 3. */
  minSamples?: number;
  /**
   * The quantile of the conditional duration taken as the likely end. Above
   * the median because the costs are asymmetric: a green shown too early
   * invites creeping and jump starts, one shown late costs a second of
   * reaction. Default LIKELY_Q.
   */
  likelyQuantile?: number;
}

/**
 * A learned per-signal-group history of phase durations, fed from
 * successive states (`observe`), for signals whose messages do not say when
 * a phase will end (actuated control). In memory, bounded per group.
 */
export class SignalHistory {
  private readonly capacity: number;
  private readonly maxChangeGapMs: number;
  private readonly maxHoldGapMs: number;
  private readonly minSamples: number;
  private readonly likelyQuantile: number;
  private readonly tracks = new Map<string, Track>();
  private readonly scratch: Float64Array;
  /** States that arrived older than one already seen, ignored. */
  outOfOrder = 0;

  constructor(options: SignalHistoryOptions = {}) {
    this.capacity = options.capacity ?? 64;
    this.maxChangeGapMs = options.maxChangeGapMs ?? 2_000;
    this.maxHoldGapMs = options.maxHoldGapMs ?? 10_000;
    this.minSamples = options.minSamples ?? 3;
    this.likelyQuantile = options.likelyQuantile ?? LIKELY_Q;
    this.scratch = new Float64Array(this.capacity);
  }

  /** Records every group of one intersection's state, at the state's own timestamp. */
  observeIntersection(signals: IntersectionSignals): void {
    const key = intersectionKey(signals.ref);
    for (const group of signals.groups) this.observe(key, group, signals.timestamp);
  }

  /** Records one group's state as seen at `at` (epoch ms; the message's timestamp). */
  observe(key: string, group: SignalGroupState, at: number): void {
    const event = group.events[0];
    if (!event) return;
    const phase = MOVEMENT_PHASES.indexOf(event.phase);
    const startHint = event.timing?.startTime;
    const id = `${key}#${group.signalGroup}`;
    let track = this.tracks.get(id);
    if (!track) {
      track = {
        phase,
        startedAt: startHint ?? NaN,
        lastSeen: at,
        durations: new Array<Float64Array | undefined>(MOVEMENT_PHASES.length).fill(undefined),
        counts: new Uint16Array(MOVEMENT_PHASES.length),
        heads: new Uint16Array(MOVEMENT_PHASES.length),
        successor: new Int8Array(MOVEMENT_PHASES.length).fill(-1),
        positions: new Array<Float64Array | undefined>(MOVEMENT_PHASES.length).fill(undefined),
        positionCounts: new Uint16Array(MOVEMENT_PHASES.length),
        positionHeads: new Uint16Array(MOVEMENT_PHASES.length),
        pending: new Float64Array(2 * PENDING_POSITIONS),
        pendingCount: 0,
      };
      this.tracks.set(id, track);
      this.remember(track, event.timing);
      return;
    }
    if (at < track.lastSeen) {
      this.outOfOrder++;
      return;
    }
    const gap = at - track.lastSeen;
    if (phase !== track.phase) {
      // The change happened between the last two states: time it at their midpoint unless the message says.
      const changedAt = startHint ?? (gap <= this.maxChangeGapMs ? (track.lastSeen + at) / 2 : NaN);
      if (!Number.isNaN(track.startedAt) && !Number.isNaN(changedAt) && changedAt > track.startedAt) {
        this.record(track, track.phase, changedAt - track.startedAt);
      }
      if (!Number.isNaN(changedAt)) this.resolvePositions(track, track.phase, changedAt);
      track.pendingCount = 0;
      if (gap <= this.maxChangeGapMs) track.successor[track.phase] = phase;
      track.phase = phase;
      track.startedAt = changedAt;
    } else if (gap > this.maxHoldGapMs) {
      track.startedAt = startHint ?? NaN;
      track.pendingCount = 0;
    } else if (startHint !== undefined && Number.isNaN(track.startedAt)) {
      track.startedAt = startHint;
    }
    track.lastSeen = at;
    this.remember(track, event.timing);
  }

  /** Keeps the window a message states for the current phase's end, to learn where in it the end falls. */
  private remember(track: Track, timing: PhaseTiming | undefined): void {
    const min = timing?.minEndTime;
    const max = timing?.maxEndTime;
    if (min === undefined || max === undefined || max - min <= FIXED_END_TOLERANCE_MS) return;
    const slot = track.pendingCount % PENDING_POSITIONS;
    track.pending[2 * slot] = min;
    track.pending[2 * slot + 1] = max;
    track.pendingCount++;
  }

  private resolvePositions(track: Track, phase: number, endedAt: number): void {
    const n = Math.min(track.pendingCount, PENDING_POSITIONS);
    if (n === 0) return;
    let ring = track.positions[phase];
    if (!ring) ring = track.positions[phase] = new Float64Array(this.capacity);
    for (let i = 0; i < n; i++) {
      const min = track.pending[2 * i]!;
      const max = track.pending[2 * i + 1]!;
      ring[track.positionHeads[phase]!] = Math.max(0, Math.min(1, (endedAt - min) / (max - min)));
      track.positionHeads[phase] = (track.positionHeads[phase]! + 1) % this.capacity;
      track.positionCounts[phase] = Math.min(this.capacity, track.positionCounts[phase]! + 1);
    }
  }

  private record(track: Track, phase: number, durationMs: number): void {
    let ring = track.durations[phase];
    if (!ring) ring = track.durations[phase] = new Float64Array(this.capacity);
    ring[track.heads[phase]!] = durationMs;
    track.heads[phase] = (track.heads[phase]! + 1) % this.capacity;
    track.counts[phase] = Math.min(this.capacity, track.counts[phase]! + 1);
  }

  /** The phase a group is in, as last observed, and when it started (undefined when not seen). */
  current(key: string, signalGroup: number): { phase: MovementPhase; startedAt: number | undefined } | undefined {
    const track = this.tracks.get(`${key}#${signalGroup}`);
    if (!track) return undefined;
    return { phase: MOVEMENT_PHASES[track.phase]!, startedAt: Number.isNaN(track.startedAt) ? undefined : track.startedAt };
  }

  /** How many durations of a phase the history holds. */
  samples(key: string, signalGroup: number, phase: MovementPhase): number {
    return this.tracks.get(`${key}#${signalGroup}`)?.counts[MOVEMENT_PHASES.indexOf(phase)] ?? 0;
  }

  /** The phase that followed `phase` last time. */
  successor(key: string, signalGroup: number, phase: MovementPhase): MovementPhase | undefined {
    const next = this.tracks.get(`${key}#${signalGroup}`)?.successor[MOVEMENT_PHASES.indexOf(phase)] ?? -1;
    return next < 0 ? undefined : MOVEMENT_PHASES[next];
  }

  /**
   * Quantiles of the phase's duration given that it has lasted `elapsedMs`
   * already (0: unconditional) and, where given, will not last beyond
   * `atMostMs`: only past durations in (elapsedMs, atMostMs] count — the
   * distribution truncated to what is still possible. Undefined when fewer
   * than `minSamples` do.
   */
  duration(key: string, signalGroup: number, phase: MovementPhase, elapsedMs = 0, atMostMs = Infinity): DurationQuantiles | undefined {
    const track = this.tracks.get(`${key}#${signalGroup}`);
    if (!track) return undefined;
    const p = MOVEMENT_PHASES.indexOf(phase);
    const ring = track.durations[p];
    if (!ring) return undefined;
    let n = 0;
    for (let i = 0; i < track.counts[p]!; i++) if (ring[i]! > elapsedMs && ring[i]! <= atMostMs) this.scratch[n++] = ring[i]!;
    if (n < this.minSamples) return undefined;
    const sorted = this.scratch.subarray(0, n).sort();
    return {
      low: quantile(sorted, HISTORY_LOW_Q),
      median: quantile(sorted, 0.5),
      high: quantile(sorted, HISTORY_HIGH_Q),
      likely: quantile(sorted, this.likelyQuantile),
      samples: n,
    };
  }

  /**
   * Where in a stated [minEnd, maxEnd] window the phase's ends fell, as the
   * `likelyQuantile` of past fractions of the window (0: at minEnd, 1: at
   * maxEnd). Undefined when fewer than `minSamples` are known.
   */
  windowPosition(key: string, signalGroup: number, phase: MovementPhase): number | undefined {
    const track = this.tracks.get(`${key}#${signalGroup}`);
    if (!track) return undefined;
    const p = MOVEMENT_PHASES.indexOf(phase);
    const ring = track.positions[p];
    const n = track.positionCounts[p]!;
    if (!ring || n < this.minSamples) return undefined;
    for (let i = 0; i < n; i++) this.scratch[i] = ring[i]!;
    return quantile(this.scratch.subarray(0, n).sort(), this.likelyQuantile);
  }

  /**
   * The likely end (epoch ms) of a phase that started (or will start) at
   * `startedAt`, given that it has not ended by `notBefore` and the message
   * bounds its end to [minEnd, maxEnd]: the likely quantile of the past
   * durations that fit that window; where too few do, the learned position
   * inside the stated window. Undefined when neither is known.
   */
  likelyEnd(
    key: string,
    signalGroup: number,
    phase: MovementPhase,
    startedAt: number | undefined,
    notBefore: number,
    minEnd: number | undefined,
    maxEnd: number | undefined,
  ): number | undefined {
    if (startedAt !== undefined) {
      // Message times jitter by tenths of a second: a bound a little off still admits a duration.
      const lower = Math.max(notBefore, minEnd === undefined ? -Infinity : minEnd - SMOOTHING_TOLERANCE_MS) - startedAt;
      const upper = maxEnd === undefined ? Infinity : maxEnd + SMOOTHING_TOLERANCE_MS - startedAt;
      const q = this.duration(key, signalGroup, phase, lower, upper);
      if (q) return startedAt + q.likely;
    }
    if (minEnd === undefined || maxEnd === undefined) return undefined;
    const position = this.windowPosition(key, signalGroup, phase);
    return position === undefined ? undefined : minEnd + position * (maxEnd - minEnd);
  }
}

/** Linearly interpolated quantile of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Probability that a new duration falls between the 5 % and 95 % quantiles
 * of n past ones: a prediction interval from order statistics covers
 * (k − j)/(n + 1) between the j-th and k-th of n.
 */
function historyCoverage(samples: number): number {
  return (HISTORY_HIGH_Q - HISTORY_LOW_Q) * ((samples - 1) / (samples + 1));
}

/** The history a prediction may use: the model and the intersection's key. */
export interface HistoryRef {
  model: SignalHistory;
  key: string;
}

/**
 * When the group's current phase ends, from the message and the history.
 * Undefined when the data supports no number (no bound, no likely time, no
 * usable history) or the phase does not cycle (dark, flashing).
 */
export function estimateChange(group: SignalGroupState, now: number, history?: HistoryRef): ChangeEstimate | undefined {
  const event = group.events[0];
  if (!event || !isCycling(event.phase)) return undefined;
  const timing = event.timing;
  const min = timing?.minEndTime;
  const max = timing?.maxEndTime;
  const stated = timing?.likelyTime;
  const likelyConfidence = timing?.confidence === undefined ? undefined : TIME_INTERVAL_CONFIDENCE[Math.max(0, Math.min(15, timing.confidence))];
  const tracked = history?.model.current(history.key, group.signalGroup);
  const startedAt = timing?.startTime ?? (tracked?.phase === event.phase ? tracked.startedAt : undefined);
  const base = {
    phase: event.phase,
    ...(likelyConfidence !== undefined ? { likelyConfidence } : {}),
    ...(startedAt !== undefined ? { startedAt } : {}),
  };

  if (min !== undefined && max !== undefined && max - min <= FIXED_END_TOLERANCE_MS) {
    const end = Math.max(now, stated ?? (min + max) / 2);
    return { ...base, earliest: Math.max(now, min), latest: Math.max(now, max), likely: end, confidence: 1, source: 'message' };
  }

  let learned: TimeBounds | undefined;
  let coverage = 0;
  if (history && startedAt !== undefined) {
    const q = history.model.duration(history.key, group.signalGroup, event.phase, now - startedAt);
    if (q) {
      learned = { earliest: startedAt + q.low, likely: startedAt + q.likely, latest: startedAt + q.high };
      coverage = historyCoverage(q.samples);
      // A history that contradicts the message's hard bounds is of another signal plan.
      if ((max !== undefined && learned.earliest > max) || (min !== undefined && learned.latest! < min)) learned = undefined;
    }
  }
  if (min === undefined && stated === undefined && !learned) return undefined;

  const earliest = Math.max(now, min ?? -Infinity, learned?.earliest ?? -Infinity);
  const upper = Math.min(max ?? Infinity, learned?.latest ?? Infinity);
  const latest = upper === Infinity ? undefined : Math.max(earliest, upper);
  const clip = (t: number): number => Math.max(earliest, latest === undefined ? t : Math.min(latest, t));
  // The likely end: from the durations that still fit the message's window (not the median of all, clipped to it, which piles up at minEnd).
  const fitted =
    stated === undefined && history && (learned || min !== undefined)
      ? history.model.likelyEnd(history.key, group.signalGroup, event.phase, startedAt, now, min, max)
      : undefined;
  const likely = stated !== undefined ? clip(stated) : clip(fitted ?? learned?.likely ?? NaN);
  const narrowed = learned !== undefined && (max === undefined || learned.latest! < max || min === undefined || learned.earliest > min);
  return {
    ...base,
    earliest,
    latest,
    likely: Number.isNaN(likely) ? undefined : likely,
    confidence: narrowed ? coverage : 1,
    source: learned || fitted !== undefined ? (min !== undefined || max !== undefined || stated !== undefined ? 'message+history' : 'history') : 'message',
  };
}

/**
 * The group's phases from now on: the current one (starting now), then the
 * message's predicted events, then what the history learned follows, up to
 * `horizonMs` ahead. Bounds add up along the chain (earliest durations to
 * the earliest end, latest to the latest), so later phases are wider.
 */
export function predictPhases(group: SignalGroupState, now: number, history?: HistoryRef, horizonMs = 180_000): PhaseSpan[] {
  const first = group.events[0];
  if (!first) return [];
  const current = estimateChange(group, now, history);
  const spans: PhaseSpan[] = [
    { phase: first.phase, start: { earliest: now, latest: now, likely: now }, end: current && { earliest: current.earliest, latest: current.latest, likely: current.likely } },
  ];
  const follow = (phase: MovementPhase, start: TimeBounds, stated?: TimeBounds): PhaseSpan => {
    if (stated) {
      if (stated.likely !== undefined || !history) return { phase, start, end: stated };
      // The message bounds a later phase's end but gives no likely time: the learned durations that fit its window do.
      const likely = history.model.likelyEnd(history.key, group.signalGroup, phase, start.likely, start.likely ?? now, stated.earliest, stated.latest);
      if (likely === undefined) return { phase, start, end: stated };
      const earliest = Math.max(stated.earliest, start.likely ?? -Infinity);
      return { phase, start, end: { ...stated, likely: Math.max(earliest, stated.latest === undefined ? likely : Math.min(stated.latest, likely)) } };
    }
    const q = history?.model.duration(history.key, group.signalGroup, phase);
    if (!q) return { phase, start, end: undefined };
    return {
      phase,
      start,
      end: {
        earliest: start.earliest + q.low,
        latest: start.latest === undefined ? undefined : start.latest + q.high,
        likely: start.likely === undefined ? undefined : start.likely + q.likely,
      },
    };
  };
  for (let i = 1; i < group.events.length; i++) {
    const previous = spans[spans.length - 1]!;
    if (!previous.end) return spans;
    const event = group.events[i]!;
    const t = event.timing;
    const start = { ...previous.end };
    if (t?.startTime !== undefined) start.likely = t.startTime;
    const stated =
      t?.minEndTime !== undefined
        ? { earliest: t.minEndTime, latest: t.maxEndTime, likely: t.likelyTime ?? (t.maxEndTime !== undefined && t.maxEndTime - t.minEndTime <= FIXED_END_TOLERANCE_MS ? t.minEndTime : undefined) }
        : undefined;
    spans.push(follow(event.phase, start, stated));
  }
  while (history && spans.length < 12) {
    const previous = spans[spans.length - 1]!;
    if (!previous.end || previous.end.earliest - now > horizonMs) break;
    const next = history.model.successor(history.key, group.signalGroup, previous.phase);
    if (!next) break;
    spans.push(follow(next, { ...previous.end }));
  }
  return spans;
}

/** When the group next shows green (now's bounds when it is green), from predicted phases; undefined when not predicted. */
export function nextGreen(spans: readonly PhaseSpan[]): TimeBounds | undefined {
  for (const span of spans) if (isGo(span.phase)) return span.start;
  return undefined;
}

/** A short text to speak or show, in the two languages Cabin speaks. */
export interface SpeakableText {
  en: string;
  zh: string;
}

/** What the driver is shown of one signal group. */
export type CountdownDisplay =
  | {
      kind: 'countdown';
      phase: MovementPhase;
      light: Light;
      /** Whole seconds shown (rounded up, as countdown displays do). */
      seconds: number;
      /** The end shown (epoch ms): the likely end, or the earliest when `atLeast`. */
      endsAt: number;
      /** True when only a lower bound is known: "at least N s". */
      atLeast: boolean;
      /** The range around it, seconds from now, with its confidence. */
      range: { minS: number; maxS: number | undefined; confidence: number };
      source: ChangeEstimate['source'];
      text: SpeakableText;
    }
  | {
      kind: 'state';
      phase: MovementPhase;
      light: Light;
      /**
       * Why there is no number: the data gives none, the final seconds or the
       * stop line are too near (racing), or the shown countdown was overtaken
       * by the data without a message change that would explain a jump back.
       */
      reason: 'no-timing' | 'final-seconds' | 'near-stop-line' | 'overtaken';
    }
  | { kind: 'hidden'; reason: 'stale' | 'no-state' };

/** What the last display showed, carried to the next call. */
export interface CountdownMemory {
  signalGroup: number;
  phase: MovementPhase;
  revision: number;
  endsAt: number;
  atLeast: boolean;
  /** Set once the data overtook the shown end: stays hidden until the message changes. */
  overtaken: boolean;
}

export interface CountdownInput {
  now: number;
  /** The matched group's state from the latest SPaT of its intersection. */
  group: SignalGroupState;
  /** That SPaT's revision counter. */
  revision: number;
  /** False when the store reports the feed stale: nothing is shown. */
  fresh: boolean;
  /** Where the vehicle is; unknown means no hiding for nearness. */
  distanceToStopLineM?: number;
  speedMps?: number;
  history?: HistoryRef;
  /** The memory returned by the previous call for this group. */
  previous?: CountdownMemory;
}

/**
 * The countdown to show for a group: the estimate of its next change,
 * smoothed against the previous display so that it never jumps backwards
 * (later) unless the message changed revision or phase, and hidden where it
 * would invite racing or the feed is stale.
 */
export function countdown(input: CountdownInput): { display: CountdownDisplay; memory: CountdownMemory | undefined; estimate: ChangeEstimate | undefined } {
  const { now, group } = input;
  const event = group.events[0];
  // What was shown is remembered across a stale spell or a message without timing: no jump back when it returns.
  const kept = input.previous;
  if (!input.fresh) return { display: { kind: 'hidden', reason: 'stale' }, memory: kept, estimate: undefined };
  if (!event) return { display: { kind: 'hidden', reason: 'no-state' }, memory: kept, estimate: undefined };
  const phase = event.phase;
  const light = lightOf(phase);
  const estimate = estimateChange(group, now, input.history);
  const state = (reason: 'no-timing' | 'final-seconds' | 'near-stop-line' | 'overtaken'): CountdownDisplay => ({ kind: 'state', phase, light, reason });
  if (!estimate) return { display: state('no-timing'), memory: kept, estimate };

  const atLeast = estimate.likely === undefined;
  let endsAt = estimate.likely ?? estimate.earliest;
  const prev = input.previous;
  const cause =
    !prev || prev.signalGroup !== group.signalGroup || prev.phase !== phase || prev.revision !== input.revision || prev.atLeast !== atLeast;
  let overtaken = false;
  if (!cause) {
    if (prev.overtaken) {
      overtaken = true;
    } else if (endsAt > prev.endsAt) {
      // Later than shown without a new message: hold the shown end; if the data rules it out, stop showing a number.
      endsAt = prev.endsAt;
      if (endsAt < estimate.earliest - SMOOTHING_TOLERANCE_MS) overtaken = true;
    }
  }
  const memory: CountdownMemory = { signalGroup: group.signalGroup, phase, revision: input.revision, endsAt, atLeast, overtaken };
  if (overtaken) return { display: state('overtaken'), memory, estimate };

  const leftS = (endsAt - now) / 1000;
  const waitingAtRed = isStop(phase) && (input.speedMps ?? Infinity) < WAITING_SPEED_MPS;
  const finalS = isStop(phase) ? HIDE_FINAL_RED_S : HIDE_FINAL_GO_S;
  if (leftS <= finalS) return { display: state('final-seconds'), memory, estimate };
  if (input.distanceToStopLineM !== undefined && input.distanceToStopLineM < HIDE_NEAR_STOP_LINE_M && !waitingAtRed) {
    return { display: state('near-stop-line'), memory, estimate };
  }

  const seconds = Math.ceil(leftS - 1e-6);
  const nextIsGreen = isStop(phase) ? followsGreen(group, input.history) : false;
  return {
    display: {
      kind: 'countdown',
      phase,
      light,
      seconds,
      endsAt,
      atLeast,
      range: {
        minS: Math.max(0, (estimate.earliest - now) / 1000),
        maxS: estimate.latest === undefined ? undefined : Math.max(0, (estimate.latest - now) / 1000),
        confidence: estimate.confidence,
      },
      source: estimate.source,
      text: countdownText(light, seconds, atLeast, nextIsGreen),
    },
    memory,
    estimate,
  };
}

/** Whether green follows the current (stop) phase, as the message or the history says; unknown counts as green, the usual case. */
function followsGreen(group: SignalGroupState, history: HistoryRef | undefined): boolean {
  const next = group.events[1]?.phase ?? (history && group.events[0] ? history.model.successor(history.key, group.signalGroup, group.events[0].phase) : undefined);
  return next === undefined || isGo(next);
}

/** "green in 12 s" / "12秒后绿灯" and its kin. */
export function countdownText(light: Light, seconds: number, atLeast: boolean, nextIsGreen = true): SpeakableText {
  const n = String(seconds);
  switch (light) {
    case 'red':
    case 'red-amber':
    case 'flashing-red':
      if (!nextIsGreen) return atLeast ? { en: `red for at least ${n} s`, zh: `红灯至少还剩${n}秒` } : { en: `red for ${n} more s`, zh: `红灯还剩${n}秒` };
      return atLeast ? { en: `green in at least ${n} s`, zh: `至少${n}秒后绿灯` } : { en: `green in ${n} s`, zh: `${n}秒后绿灯` };
    case 'green':
      return atLeast ? { en: `green for at least ${n} more s`, zh: `绿灯至少还剩${n}秒` } : { en: `green for ${n} more s`, zh: `绿灯还剩${n}秒` };
    case 'amber':
    case 'flashing-amber':
      return atLeast ? { en: `red in at least ${n} s`, zh: `至少${n}秒后红灯` } : { en: `red in ${n} s`, zh: `${n}秒后红灯` };
    case 'dark':
    case 'unknown':
      return { en: `change in ${n} s`, zh: `${n}秒后变灯` };
    default: {
      const unknown: never = light;
      throw new Error(`unknown light ${String(unknown)}`);
    }
  }
}
