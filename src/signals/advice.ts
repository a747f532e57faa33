/**
 * What to tell the driver about the light ahead: a speed that arrives on
 * green (Green Light Optimal Speed Advisory), a reminder when the light has
 * turned green and the vehicle has not moved, and a warning when it will
 * reach a red light it can no longer stop for comfortably.
 *
 * All of it works on the predicted phases of the matched signal group
 * (`predictPhases` in countdown.ts) and is conservative where a wrong answer
 * costs: a green window opens at the latest the red may end and closes at
 * the earliest the green may end.
 *
 * Pure: `now` is a parameter.
 */
import { isGo, isStop, type Maneuver, type MovementPhase } from './model.ts';
import { HIDE_NEAR_STOP_LINE_M, type PhaseSpan, type SpeakableText } from './countdown.ts';

const KMH = 3.6;
/** Below this the vehicle is standing (GNSS speed noise when still is a few tenths of m/s). */
const STANDING_MPS = 0.5;
/** "Stopped at the line": the first vehicle waiting, within GNSS error of the stop line. */
const AT_STOP_LINE_M = 10;
/** The reminder waits this long after green (and after the vehicle stopped), as the issue asks: a normal start takes 1–2 s. */
const REMINDER_DELAY_MS = 2_000;
/** After this long the vehicle is not "waiting at a fresh green" any more (queue, turning traffic): no reminder. */
const REMINDER_LATEST_MS = 20_000;
/** Below this speed there is nothing to warn about: the vehicle can stop at once. */
const WARNING_MIN_SPEED_MPS = 2;
/** "Prepare to stop" is given this many seconds of driving before comfortable braking must begin, not earlier. */
const PREPARE_LEAD_S = 4;
/** A driver already decelerating at least this much is braking (no reaction time left to add). */
const BRAKING_MPS2 = 0.5;

/** A stretch of time (epoch ms) in which the light is surely green. */
export interface GreenWindow {
  start: number;
  end: number;
}

/**
 * The surely-green windows of predicted phases: a current green from now,
 * a later green from the latest possible start, each until the earliest
 * possible end. A green whose end is not bounded gives no window.
 */
export function greenWindows(spans: readonly PhaseSpan[], now: number): GreenWindow[] {
  const windows: GreenWindow[] = [];
  spans.forEach((span, i) => {
    if (!isGo(span.phase)) return;
    const start = i === 0 ? now : span.start.latest;
    const end = span.end?.earliest;
    if (start === undefined || end === undefined || end <= start) return;
    windows.push({ start, end });
  });
  return windows;
}

/**
 * Seconds to reach the stop line `distanceM` away when the speed changes from
 * `fromMps` to `toMps` at the given rates and is then held.
 */
export function arrivalSeconds(distanceM: number, fromMps: number, toMps: number, accelMps2: number, decelMps2: number): number {
  if (distanceM <= 0) return 0;
  const a = toMps >= fromMps ? accelMps2 : decelMps2;
  const changeM = Math.abs(toMps * toMps - fromMps * fromMps) / (2 * a);
  if (changeM >= distanceM) {
    // The line comes before the target speed is reached.
    return toMps >= fromMps
      ? (-fromMps + Math.sqrt(fromMps * fromMps + 2 * a * distanceM)) / a
      : (fromMps - Math.sqrt(Math.max(0, fromMps * fromMps - 2 * a * distanceM))) / a;
  }
  return Math.abs(toMps - fromMps) / a + (distanceM - changeM) / toMps;
}

export interface SpeedAdviceInput {
  now: number;
  distanceToStopLineM: number;
  speedMps: number;
  speedLimitKmh: number;
  /** The matched group's predicted phases. */
  phases: readonly PhaseSpan[];
  /** Comfortable rates for reaching the advised speed. Default 1.5 m/s² each. */
  accelMps2?: number;
  decelMps2?: number;
  /** The slowest speed worth advising (slower holds up traffic). Default 20 km/h. */
  minSpeedKmh?: number;
  /** Advised speeds are multiples of this: steps a driver can hold. Default 2 km/h. */
  stepKmh?: number;
  /** Arrive at least this long after a window opens and before it closes. Default 1 s. */
  marginS?: number;
}

/** A speed to hold, or why there is none (and whether the driver should expect to stop). */
export type SpeedAdvice =
  | {
      kind: 'speed';
      speedKmh: number;
      /** When the vehicle reaches the stop line holding it (epoch ms). */
      arrivesAt: number;
      window: GreenWindow;
      text: SpeakableText;
    }
  | {
      kind: 'no-advice';
      reason: 'too-close' | 'no-green-window' | 'no-speed-in-range';
      /** True when at the present speed the vehicle will most likely reach a red light. */
      stop: boolean;
      /** Said only when the driver should prepare to stop. */
      text?: SpeakableText;
    };

/** The phase the predicted sequence most likely shows at `t`, undefined past what is predicted. */
export function phaseAt(spans: readonly PhaseSpan[], t: number): MovementPhase | undefined {
  for (const span of spans) {
    const end = span.end?.likely ?? span.end?.latest;
    if (end === undefined) return span.phase;
    if (t < end) return span.phase;
  }
  return undefined;
}

/**
 * Green Light Optimal Speed Advisory: the speed (a multiple of `stepKmh`,
 * between the minimum sensible speed and the limit) that, reached at a
 * comfortable rate and then held, brings the vehicle to the stop line inside
 * a surely-green window; the earliest window first, and in it the fastest
 * such speed — arriving as early as the green allows, so advice never holds
 * a car below the limit through a light it would make anyway (measured in
 * SUMO: choosing the speed nearest the present one kept cars pulling away
 * from a queue at 22–38 km/h). `no-advice` when there is none.
 */
export function adviseSpeed(input: SpeedAdviceInput): SpeedAdvice {
  const accel = input.accelMps2 ?? 1.5;
  const decel = input.decelMps2 ?? 1.5;
  const minKmh = input.minSpeedKmh ?? 20;
  const step = input.stepKmh ?? 2;
  const margin = (input.marginS ?? 1) * 1000;
  const distance = input.distanceToStopLineM;
  const stop = likelyStop(input);
  const noAdvice = (reason: 'too-close' | 'no-green-window' | 'no-speed-in-range'): SpeedAdvice =>
    stop && reason !== 'too-close' ? { kind: 'no-advice', reason, stop, text: PREPARE_TO_STOP } : { kind: 'no-advice', reason, stop };

  // Near the line a speed advice is a race: the countdown hides there for the same reason.
  if (distance < HIDE_NEAR_STOP_LINE_M) return noAdvice('too-close');
  const windows = greenWindows(input.phases, input.now);
  if (windows.length === 0) return noAdvice('no-green-window');

  for (const window of windows) {
    let best: { speedKmh: number; arrivesAt: number } | undefined;
    for (let kmh = Math.ceil(minKmh / step) * step; kmh <= input.speedLimitKmh + 1e-9; kmh += step) {
      const arrivesAt = input.now + 1000 * arrivalSeconds(distance, input.speedMps, kmh / KMH, accel, decel);
      if (arrivesAt < window.start + margin || arrivesAt > window.end - margin) continue;
      best = { speedKmh: kmh, arrivesAt }; // speeds rise through the loop: the last that fits is the fastest

    }
    if (best) return { kind: 'speed', ...best, window, text: speedText(best.speedKmh) };
  }
  return noAdvice('no-speed-in-range');
}

/** Whether, holding its present speed, the vehicle most likely arrives on a stop phase. */
function likelyStop(input: SpeedAdviceInput): boolean {
  if (input.speedMps < STANDING_MPS) return false;
  const phase = phaseAt(input.phases, input.now + (1000 * input.distanceToStopLineM) / input.speedMps);
  return phase !== undefined && !isGo(phase);
}

/** "keep 42 km/h to make the green" / "保持42公里/小时可通过绿灯". */
export function speedText(speedKmh: number): SpeakableText {
  return { en: `keep ${speedKmh} km/h to make the green`, zh: `保持${speedKmh}公里/小时可通过绿灯` };
}

/** What the driver hears: the wording, in English and Chinese. */
export const PREPARE_TO_STOP: SpeakableText = { en: 'red light ahead, prepare to stop', zh: '前方红灯，请准备停车' };
export const LIGHT_TURNED_GREEN: SpeakableText = { en: 'the light has turned green', zh: '绿灯亮了' };
export const BRAKE_NOW: SpeakableText = { en: 'red light ahead, brake now', zh: '前方红灯，请立即刹车' };
export const CANNOT_STOP: SpeakableText = { en: 'red light ahead, too close to stop', zh: '前方红灯，已来不及停车' };

export interface GreenReminderInput {
  now: number;
  /** The matched group's current phase, and since when it has shown it (undefined when not seen start). */
  phase: MovementPhase;
  greenSince: number | undefined;
  speedMps: number;
  /** Since when the vehicle has been standing; undefined while it moves. */
  stoppedSince: number | undefined;
  distanceToStopLineM: number;
  maneuver: Maneuver;
  /** The `greenSince` of the last reminder given, so that one green gets one reminder. */
  remindedFor?: number;
}

/**
 * "The light has turned green" when the vehicle has stood at the stop line
 * for more than 2 s of green. Not for a permissive green for a turn, where
 * waiting may be yielding to oncoming traffic or pedestrians.
 */
export function greenReminder(input: GreenReminderInput): { greenSince: number; text: SpeakableText } | undefined {
  const { greenSince, stoppedSince } = input;
  if (!isGo(input.phase) || greenSince === undefined || stoppedSince === undefined) return undefined;
  if (input.phase === 'permissive-movement-allowed' && input.maneuver !== 'straight') return undefined;
  if (input.speedMps >= STANDING_MPS || input.distanceToStopLineM > AT_STOP_LINE_M) return undefined;
  if (input.remindedFor === greenSince) return undefined;
  const waited = input.now - Math.max(greenSince, stoppedSince);
  if (waited <= REMINDER_DELAY_MS || input.now - greenSince > REMINDER_LATEST_MS) return undefined;
  return { greenSince, text: LIGHT_TURNED_GREEN };
}

export interface RedLightWarningInput {
  now: number;
  distanceToStopLineM: number;
  speedMps: number;
  /** Longitudinal acceleration, m/s² (negative when braking), where known. */
  accelerationMps2?: number;
  phases: readonly PhaseSpan[];
  /** A deceleration most drivers find comfortable (AASHTO uses 3.4 m/s² for stopping sight distance). Default 3. */
  comfortDecelMps2?: number;
  /** Hard braking on a dry road, short of an emergency stop. Default 6. */
  maxDecelMps2?: number;
  /** Perception–reaction time of a warned driver. Default 1 s. */
  reactionS?: number;
}

export interface RedLightWarning {
  /**
   * `prepare-to-stop`: red at arrival, a comfortable stop is still possible and due soon.
   * `brake-now`: only firm braking (between comfortable and maximum) stops in time.
   * `cannot-stop`: not even maximum braking does; for the UI to flag, not necessarily to say.
   */
  level: 'prepare-to-stop' | 'brake-now' | 'cannot-stop';
  /** When the light is predicted to be red from, and when the vehicle reaches the line at its speed (epoch ms). */
  redFrom: number;
  arrivesAt: number;
  /** Stopping distances from now, reaction included unless already braking. */
  comfortableStopM: number;
  maximumStopM: number;
  text: SpeakableText;
}

/**
 * A warning when the vehicle, at its present speed, reaches the stop line
 * while the light will be red (the most likely red start, until the
 * earliest red end) and the kinematic stopping distance at comfortable
 * deceleration exceeds the distance left (or will do within a few seconds).
 */
export function redLightWarning(input: RedLightWarningInput): RedLightWarning | undefined {
  const v = input.speedMps;
  const distance = input.distanceToStopLineM;
  if (v < WARNING_MIN_SPEED_MPS || distance < 0) return undefined;
  const arrivesAt = input.now + (1000 * distance) / v;
  const redFrom = redAt(input.phases, input.now, arrivesAt);
  if (redFrom === undefined) return undefined;

  const braking = (input.accelerationMps2 ?? 0) <= -BRAKING_MPS2;
  const reactionM = braking ? 0 : v * (input.reactionS ?? 1);
  const comfortableStopM = reactionM + (v * v) / (2 * (input.comfortDecelMps2 ?? 3));
  const maximumStopM = reactionM + (v * v) / (2 * (input.maxDecelMps2 ?? 6));
  // A driver already braking hard enough to stop at the line needs no warning.
  if (braking && -(input.accelerationMps2 ?? 0) >= (v * v) / (2 * distance)) return undefined;

  const base = { redFrom, arrivesAt, comfortableStopM, maximumStopM };
  if (distance < maximumStopM) return { ...base, level: 'cannot-stop', text: CANNOT_STOP };
  if (distance < comfortableStopM) return { ...base, level: 'brake-now', text: BRAKE_NOW };
  if (!braking && distance <= comfortableStopM + v * PREPARE_LEAD_S) return { ...base, level: 'prepare-to-stop', text: PREPARE_TO_STOP };
  return undefined;
}

/** The start of the red the vehicle arriving at `arrivesAt` meets, or undefined when it arrives on green or amber. */
function redAt(spans: readonly PhaseSpan[], now: number, arrivesAt: number): number | undefined {
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i]!;
    const from = i === 0 ? now : (span.start.likely ?? span.start.earliest);
    // The red surely lasts until its earliest end; a red with no known end lasts.
    const until = span.end?.earliest ?? Infinity;
    if (arrivesAt < from) return undefined;
    if (arrivesAt >= until) continue;
    return isStop(span.phase) ? from : undefined;
  }
  return undefined;
}
