import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  SignalHistory,
  countdown,
  estimateChange,
  nextGreen,
  predictPhases,
  type CountdownInput,
  type CountdownMemory,
} from '../../src/signals/countdown.ts';
import type { MovementPhase, SignalGroupState } from '../../src/signals/model.ts';
import { SyntheticSignal } from './handmade.ts';
import { seededRandom } from '../support/maps.ts';

const T0 = Date.UTC(2025, 5, 10, 8, 0);
const S = 1000;
const KEY = '0/1';

function group(phase: MovementPhase, timing?: { minEndTime?: number; maxEndTime?: number; likelyTime?: number; startTime?: number }): SignalGroupState {
  return { signalGroup: 2, events: [timing ? { phase, timing } : { phase }] };
}

function show(input: Partial<CountdownInput> & Pick<CountdownInput, 'now' | 'group'>) {
  return countdown({ revision: 1, fresh: true, distanceToStopLineM: 200, speedMps: 12, ...input });
}

test('counts down to the exact end of a fixed-time phase with full confidence', () => {
  const end = T0 + 25 * S;
  const { display } = show({ now: T0, group: group('stop-and-remain', { minEndTime: end, maxEndTime: end, likelyTime: end }) });
  assert.equal(display.kind, 'countdown');
  if (display.kind !== 'countdown') return;
  assert.equal(display.seconds, 25);
  assert.equal(display.atLeast, false);
  assert.deepEqual(display.range, { minS: 25, maxS: 25, confidence: 1 });
  assert.deepEqual(display.text, { en: 'green in 25 s', zh: '25秒后绿灯' });
});

test('gives the range from minEndTime and maxEndTime, and only "at least" without a likely time', () => {
  const { display } = show({ now: T0, group: group('protected-movement-allowed', { minEndTime: T0 + 12 * S, maxEndTime: T0 + 40 * S }) });
  assert.equal(display.kind, 'countdown');
  if (display.kind !== 'countdown') return;
  assert.equal(display.atLeast, true);
  assert.equal(display.seconds, 12);
  assert.deepEqual(display.range, { minS: 12, maxS: 40, confidence: 1 });
  assert.deepEqual(display.text, { en: 'green for at least 12 more s', zh: '绿灯至少还剩12秒' });
  const likely = show({ now: T0, group: group('protected-movement-allowed', { minEndTime: T0 + 12 * S, maxEndTime: T0 + 40 * S, likelyTime: T0 + 20 * S }) });
  assert.equal(likely.display.kind === 'countdown' && likely.display.seconds, 20);
});

test('shows only the state when neither the message nor the history gives a time', () => {
  assert.deepEqual(show({ now: T0, group: group('stop-and-remain') }).display, { kind: 'state', phase: 'stop-and-remain', light: 'red', reason: 'no-timing' });
  assert.equal(estimateChange(group('stop-and-remain', { maxEndTime: T0 + 30 * S }), T0), undefined);
  assert.equal(estimateChange(group('caution-conflicting-traffic', { minEndTime: T0 + 30 * S }), T0), undefined);
});

test('never jumps backwards while the message keeps its revision and phase', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -3_000, max: 8_000 }), { minLength: 2, maxLength: 30 }), (shifts) => {
      let previous: CountdownMemory | undefined;
      let likely = T0 + 60 * S;
      let shown = Infinity;
      shifts.forEach((shift, i) => {
        const now = T0 + i * S;
        likely += shift;
        const result = show({ now, group: group('stop-and-remain', { minEndTime: now, maxEndTime: T0 + 120 * S, likelyTime: likely }), ...(previous ? { previous } : {}) });
        previous = result.memory;
        if (result.display.kind === 'countdown') {
          assert.ok(result.display.endsAt <= shown + 500, `shown end moved from ${shown} to ${result.display.endsAt}`);
          shown = Math.min(shown, result.display.endsAt);
        }
      });
    }),
  );
});

test('follows a later end when the message changed revision or phase', () => {
  const first = show({ now: T0, group: group('stop-and-remain', { minEndTime: T0, maxEndTime: T0 + 90 * S, likelyTime: T0 + 20 * S }) });
  const same = show({ now: T0 + S, group: group('stop-and-remain', { minEndTime: T0, maxEndTime: T0 + 90 * S, likelyTime: T0 + 30 * S }), previous: first.memory! });
  assert.equal(same.display.kind === 'countdown' && same.display.seconds, 19);
  const revised = show({ now: T0 + S, revision: 2, group: group('stop-and-remain', { minEndTime: T0, maxEndTime: T0 + 90 * S, likelyTime: T0 + 30 * S }), previous: first.memory! });
  assert.equal(revised.display.kind === 'countdown' && revised.display.seconds, 29);
});

test('stops showing a number the data has overtaken until the message changes', () => {
  const first = show({ now: T0, group: group('stop-and-remain', { minEndTime: T0 + 10 * S, maxEndTime: T0 + 90 * S, likelyTime: T0 + 10 * S }) });
  // Same revision, but now the earliest end is later than what was shown.
  const later = show({ now: T0 + 2 * S, group: group('stop-and-remain', { minEndTime: T0 + 30 * S, maxEndTime: T0 + 90 * S, likelyTime: T0 + 40 * S }), previous: first.memory! });
  assert.equal(later.display.kind === 'state' && later.display.reason, 'overtaken');
  const still = show({ now: T0 + 3 * S, group: group('stop-and-remain', { minEndTime: T0 + 30 * S, maxEndTime: T0 + 90 * S, likelyTime: T0 + 40 * S }), previous: later.memory! });
  assert.equal(still.display.kind, 'state');
  const revised = show({ now: T0 + 4 * S, revision: 2, group: group('stop-and-remain', { minEndTime: T0 + 30 * S, maxEndTime: T0 + 90 * S, likelyTime: T0 + 40 * S }), previous: still.memory! });
  assert.equal(revised.display.kind === 'countdown' && revised.display.seconds, 36);
});

test('hides the last 3 seconds of green and amber and the last 4 before green', () => {
  const fixed = (phase: MovementPhase, leftS: number) => {
    const end = T0 + leftS * S;
    return show({ now: T0, group: group(phase, { minEndTime: end, maxEndTime: end, likelyTime: end }) }).display;
  };
  assert.equal(fixed('protected-movement-allowed', 4).kind, 'countdown');
  assert.equal(fixed('protected-movement-allowed', 3).kind, 'state');
  assert.equal(fixed('permissive-clearance', 2.5).kind, 'state');
  assert.equal(fixed('stop-and-remain', 5).kind, 'countdown');
  const red = fixed('stop-and-remain', 4);
  assert.equal(red.kind === 'state' && red.reason, 'final-seconds');
});

test('hides the countdown within 30 m of the stop line, except the time to green while waiting at red', () => {
  const end = T0 + 20 * S;
  const red = group('stop-and-remain', { minEndTime: end, maxEndTime: end, likelyTime: end });
  const green = group('protected-movement-allowed', { minEndTime: end, maxEndTime: end, likelyTime: end });
  const near = show({ now: T0, group: green, distanceToStopLineM: 25 }).display;
  assert.equal(near.kind === 'state' && near.reason, 'near-stop-line');
  assert.equal(show({ now: T0, group: red, distanceToStopLineM: 25, speedMps: 8 }).display.kind, 'state');
  assert.equal(show({ now: T0, group: red, distanceToStopLineM: 5, speedMps: 0 }).display.kind, 'countdown');
  assert.equal(show({ now: T0, group: green, distanceToStopLineM: 35 }).display.kind, 'countdown');
});

test('hides everything when the feed is stale, and does not jump back when it returns', () => {
  const red = (likelyS: number) => group('stop-and-remain', { minEndTime: T0, maxEndTime: T0 + 90 * S, likelyTime: T0 + likelyS * S });
  const before = show({ now: T0, group: red(20) });
  const stale = show({ now: T0 + S, fresh: false, group: red(20), previous: before.memory! });
  assert.deepEqual(stale.display, { kind: 'hidden', reason: 'stale' });
  const back = show({ now: T0 + 5 * S, group: red(30), previous: stale.memory! });
  assert.equal(back.display.kind === 'countdown' && back.display.seconds, 15);
});

test('learns the conditional median of an actuated phase from successive states', () => {
  const history = new SignalHistory({ capacity: 256 });
  const next = seededRandom(3);
  // Reds uniform between 20 and 40 s: median 30 s; given 30 s elapsed, 35 s.
  const signal = new SignalSynthetic(next);
  for (let t = T0; t < signal.until; t += 500) history.observe(KEY, signal.state(t), t);
  const all = history.duration(KEY, 2, 'stop-and-remain')!;
  assert.ok(Math.abs(all.median - 30_000) < 1_500, `median ${all.median}`);
  const late = history.duration(KEY, 2, 'stop-and-remain', 30_000)!;
  assert.ok(Math.abs(late.median - 35_000) < 1_500, `conditional median ${late.median}`);
  assert.equal(history.duration(KEY, 2, 'stop-and-remain', 41_000), undefined);
  assert.equal(history.successor(KEY, 2, 'stop-and-remain'), 'protected-movement-allowed');
});

/** Green 20 s, amber 3 s, red uniform in [20, 40] s, for about 200 cycles. */
class SignalSynthetic {
  readonly inner: SyntheticSignal;
  readonly until = T0 + 200 * 53 * S;
  constructor(next: () => number) {
    this.inner = new SyntheticSignal(2, T0, this.until, (p) => (p === 'green' ? 20 * S : p === 'amber' ? 3 * S : 20 * S + next() * 20 * S), {
      green: [20 * S, 20 * S],
      amber: [3 * S, 3 * S],
      red: [20 * S, 40 * S],
    });
  }
  state(t: number): SignalGroupState {
    return this.inner.state(t, 'none');
  }
}

test('its countdown for an actuated signal beats minEndTime alone, and its range holds the truth as often as it claims', () => {
  const next = seededRandom(11);
  const signal = SyntheticSignal.actuated(2, T0, T0 + 6 * 3600 * S, next);
  // The mean absolute error is the median's criterion; the default likely quantile leans late on purpose (see below).
  const history = new SignalHistory({ likelyQuantile: 0.5 });
  const errors: number[] = [];
  let ranges = 0;
  let covered = 0;
  let confidence = 0;
  for (let t = T0; t < T0 + 6 * 3600 * S; t += S) {
    const state = signal.state(t);
    history.observe(KEY, state, t);
    const estimate = estimateChange(state, t, { model: history, key: KEY });
    const truth = signal.at(t).end;
    if (estimate?.likely !== undefined && signal.at(t).phase === 'stop-and-remain') errors.push(Math.abs(estimate.likely - truth));
    if (estimate && t > T0 + 3600 * S) {
      ranges++;
      if (truth >= estimate.earliest && (estimate.latest === undefined || truth <= estimate.latest)) covered++;
      confidence += estimate.confidence;
    }
  }
  // The range holds the true end about as often as its confidence says.
  assert.ok(covered / ranges >= confidence / ranges - 0.03, `covered ${covered / ranges}, stated ${confidence / ranges}`);
  const learned = mean(errors.slice(-2000));
  const minOnly = meanMinOnlyError(signal);
  assert.ok(errors.length > 2000 && learned < 0.75 * minOnly, `history ${learned} ms against minEndTime alone ${minOnly} ms`);
});

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function meanMinOnlyError(signal: SyntheticSignal): number {
  const errors: number[] = [];
  for (let t = T0 + 3 * 3600 * S; t < T0 + 6 * 3600 * S; t += S) {
    const p = signal.at(t);
    if (p.phase !== 'stop-and-remain') continue;
    errors.push(Math.abs(signal.state(t).events[0]!.timing!.minEndTime! - p.end));
  }
  return mean(errors);
}

test('drops a history that contradicts the message’s bounds', () => {
  const history = new SignalHistory();
  // Three reds of 60 s, then a message whose red can last no more than 20 s.
  for (let c = 0; c < 4; c++) {
    const start = T0 + c * 90 * S;
    for (let t = start; t < start + 90 * S; t += S) {
      history.observe(KEY, group(t - start < 30 * S ? 'protected-movement-allowed' : 'stop-and-remain'), t);
    }
  }
  const now = T0 + 4 * 90 * S + 31 * S;
  history.observe(KEY, group('protected-movement-allowed'), now - 2 * S);
  history.observe(KEY, group('stop-and-remain'), now - S);
  const estimate = estimateChange(group('stop-and-remain', { minEndTime: now, maxEndTime: now + 19 * S }), now, { model: history, key: KEY })!;
  assert.equal(estimate.source, 'message');
  assert.equal(estimate.likely, undefined);
});

test('predicts the time to green through amber and red from the history of a fixed-time signal', () => {
  const signal = SyntheticSignal.fixedTime(2, T0, T0 + 3600 * S, 30 * S, 3 * S, 47 * S);
  const history = new SignalHistory();
  for (let t = T0; t < T0 + 1800 * S; t += 100) history.observe(KEY, signal.state(t), t);
  const now = T0 + 1800 * S + 5 * S;
  const spans = predictPhases(signal.state(now), now, { model: history, key: KEY });
  assert.deepEqual(
    spans.slice(0, 4).map((s) => s.phase),
    [signal.at(now).phase, ...[1, 2, 3].map((k) => signal.phases[signal.phases.indexOf(signal.at(now)) + k]!.phase)],
  );
  const green = nextGreen(spans.slice(1))!;
  assert.ok(Math.abs(green.likely! - signal.nextGreenAt(signal.at(now).end)) <= 100, `${green.likely! - signal.nextGreenAt(signal.at(now).end)} ms off`);
});

/** Green 20 s, amber 3 s, then red of `redS(cycle)`, fed to a history at 2 Hz with start times as an RSU sends them; returns the time after the last cycle. */
function learnCycles(history: SignalHistory, cycles: number, redS: (cycle: number) => number): number {
  let t = T0;
  for (let c = 0; c < cycles; c++) {
    for (const [phase, lengthS] of [['protected-movement-allowed', 20], ['protected-clearance', 3], ['stop-and-remain', redS(c)]] as const) {
      const start = t;
      for (; t < start + lengthS * S; t += 500) history.observe(KEY, group(phase, { startTime: start }), t);
    }
  }
  return t;
}

test('predicts green two phases ahead from the learned red, inside the window the message states', () => {
  const history = new SignalHistory();
  const end = learnCycles(history, 12, () => 30);
  // In amber, 1 s gone: the message bounds the red after it only to [20, 60] s and gives no likely time.
  const now = end + 21 * S;
  const amberEnd = now + 2 * S;
  const state: SignalGroupState = {
    signalGroup: 2,
    events: [
      { phase: 'protected-clearance', timing: { startTime: now - S, minEndTime: amberEnd, maxEndTime: amberEnd } },
      { phase: 'stop-and-remain', timing: { minEndTime: amberEnd + 20 * S, maxEndTime: amberEnd + 60 * S } },
      { phase: 'protected-movement-allowed', timing: { minEndTime: amberEnd + 25 * S, maxEndTime: amberEnd + 110 * S } },
    ],
  };
  history.observe(KEY, state, now);
  const green = nextGreen(predictPhases(state, now, { model: history, key: KEY }))!;
  assert.ok(green.likely !== undefined && Math.abs(green.likely - (amberEnd + 30 * S)) <= S, `green ${green.likely === undefined ? 'not predicted' : `${(green.likely - amberEnd) / S} s after amber`}`);
});

test('takes the likely end from the durations that still fit the message window, not the median clipped to minEnd', () => {
  const history = new SignalHistory();
  // Reds of 10 s or 40 s: the median of all is 10 s or so, but the message says this one lasts at least 25 s.
  const end = learnCycles(history, 16, (c) => (c % 2 ? 40 : 10));
  const now = end + 23 * S + 5 * S;
  const redStart = end + 23 * S;
  const state = group('stop-and-remain', { startTime: redStart, minEndTime: redStart + 25 * S, maxEndTime: redStart + 60 * S });
  history.observe(KEY, state, now);
  const estimate = estimateChange(state, now, { model: history, key: KEY })!;
  assert.equal(estimate.likely, redStart + 40 * S);
});

test('leans late rather than early: fewer greens come more than 2 s after the predicted time than before it', () => {
  const next = seededRandom(5);
  const history = new SignalHistory();
  const reds: number[] = [];
  const end = learnCycles(history, 64, () => {
    reds.push(15 + 30 * next());
    return reds[reds.length - 1]!;
  });
  const redStart = end + 23 * S;
  let early = 0;
  let late = 0;
  for (const redS of reds) {
    const estimate = estimateChange(group('stop-and-remain', { startTime: redStart, minEndTime: redStart + 15 * S, maxEndTime: redStart + 45 * S }), redStart + S, { model: history, key: KEY })!;
    // Predicted early: the driver is told green before it comes.
    if (redStart + redS * S - estimate.likely! > 2 * S) early++;
    if (estimate.likely! - (redStart + redS * S) > 2 * S) late++;
  }
  assert.ok(early < late, `predicted > 2 s early ${early} times, > 2 s late ${late} times`);
});
