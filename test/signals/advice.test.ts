import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { adviseSpeed, arrivalSeconds, greenReminder, greenWindows, redLightWarning, type GreenReminderInput } from '../../src/signals/advice.ts';
import type { PhaseSpan } from '../../src/signals/countdown.ts';

const T0 = Date.UTC(2025, 5, 10, 8, 0);
const S = 1000;

/** Red until `redEndsS`, then green until `greenEndsS`, then amber 3 s and red: exact times (fixed-time). */
function redThenGreen(redEndsS: number, greenEndsS: number): PhaseSpan[] {
  const at = (s: number) => ({ earliest: T0 + s * S, latest: T0 + s * S, likely: T0 + s * S });
  return [
    { phase: 'stop-and-remain', start: at(0), end: at(redEndsS) },
    { phase: 'protected-movement-allowed', start: at(redEndsS), end: at(greenEndsS) },
    { phase: 'protected-clearance', start: at(greenEndsS), end: at(greenEndsS + 3) },
    { phase: 'stop-and-remain', start: at(greenEndsS + 3), end: undefined },
  ];
}

/** Drives from `distanceM` at `fromMps`, changing to `toMps` at the given rates, in 10 ms steps; seconds to the line. */
function simulate(distanceM: number, fromMps: number, toMps: number, accel: number, decel: number): number {
  const dt = 0.01;
  let v = fromMps;
  let x = 0;
  let t = 0;
  while (x < distanceM && t < 600) {
    const a = v < toMps ? Math.min(accel, (toMps - v) / dt) : v > toMps ? -Math.min(decel, (v - toMps) / dt) : 0;
    x += v * dt + 0.5 * a * dt * dt;
    v += a * dt;
    t += dt;
  }
  return t;
}

test('advises a speed that, driven with simple kinematics, arrives during green and within the limit', () => {
  let advised = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: 60, max: 600 }),
      fc.integer({ min: 0, max: 70 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 5, max: 40 }),
      fc.constantFrom(30, 50, 60, 70),
      (distanceM, speedKmh, redS, greenS, limitKmh) => {
        const phases = redThenGreen(redS, redS + greenS);
        const advice = adviseSpeed({ now: T0, distanceToStopLineM: distanceM, speedMps: speedKmh / 3.6, speedLimitKmh: limitKmh, phases });
        if (advice.kind !== 'speed') {
          // None exists: no speed on the grid, driven out, arrives inside the green.
          for (let kmh = 20; kmh <= limitKmh; kmh += 2) {
            const t = simulate(distanceM, speedKmh / 3.6, kmh / 3.6, 1.5, 1.5);
            assert.ok(t < redS + 1.01 || t > redS + greenS - 1.01, `${kmh} km/h would arrive at ${t.toFixed(2)} s`);
          }
          return;
        }
        advised++;
        assert.ok(advice.speedKmh <= limitKmh && advice.speedKmh >= 20, `${advice.speedKmh} km/h`);
        assert.equal(advice.speedKmh % 2, 0);
        const arrivalS = simulate(distanceM, speedKmh / 3.6, advice.speedKmh / 3.6, 1.5, 1.5);
        assert.ok(arrivalS >= redS && arrivalS <= redS + greenS, `arrives at ${arrivalS.toFixed(2)} s, green ${redS}–${redS + greenS} s`);
        assert.ok(Math.abs(T0 + arrivalS * S - advice.arrivesAt) < 100);
      },
    ),
    { numRuns: 300 },
  );
  assert.ok(advised > 50, `${advised} of 300 cases advised`);
});

test('says "keep 42 km/h to make the green" in both languages', () => {
  // 300 m at 42 km/h is 25.7 s; green from 24 to 40 s, entered at least 1 s in:
  // 44 km/h would arrive at 24.5 s, before the green is sure, so 42 is the fastest that makes it.
  const advice = adviseSpeed({ now: T0, distanceToStopLineM: 300, speedMps: 42 / 3.6, speedLimitKmh: 50, phases: redThenGreen(24, 40) });
  assert.equal(advice.kind, 'speed');
  if (advice.kind !== 'speed') return;
  assert.equal(advice.speedKmh, 42);
  assert.deepEqual(advice.text, { en: 'keep 42 km/h to make the green', zh: '保持42公里/小时可通过绿灯' });
});

test('gives no advice when only a speed above the limit would make the green, and says to stop', () => {
  // Green for 5 s now, 400 m away at a 50 km/h limit: the line is 29 s off.
  const phases: PhaseSpan[] = [
    { phase: 'protected-movement-allowed', start: { earliest: T0, latest: T0, likely: T0 }, end: { earliest: T0 + 5 * S, latest: T0 + 5 * S, likely: T0 + 5 * S } },
    { phase: 'protected-clearance', start: { earliest: T0 + 5 * S, latest: T0 + 5 * S, likely: T0 + 5 * S }, end: { earliest: T0 + 8 * S, latest: T0 + 8 * S, likely: T0 + 8 * S } },
    { phase: 'stop-and-remain', start: { earliest: T0 + 8 * S, latest: T0 + 8 * S, likely: T0 + 8 * S }, end: { earliest: T0 + 80 * S, latest: T0 + 80 * S, likely: T0 + 80 * S } },
  ];
  const advice = adviseSpeed({ now: T0, distanceToStopLineM: 400, speedMps: 50 / 3.6, speedLimitKmh: 50, phases });
  assert.deepEqual(advice, { kind: 'no-advice', reason: 'no-speed-in-range', stop: true, text: { en: 'red light ahead, prepare to stop', zh: '前方红灯，请准备停车' } });
});

test('gives no advice when the green would need a crawl below 20 km/h', () => {
  const advice = adviseSpeed({ now: T0, distanceToStopLineM: 100, speedMps: 50 / 3.6, speedLimitKmh: 50, phases: redThenGreen(40, 60) });
  assert.equal(advice.kind, 'no-advice');
  assert.equal(advice.kind === 'no-advice' && advice.stop, true);
});

test('gives no advice without a bounded green or near the stop line, and never holds a car below the limit through a green it makes', () => {
  const unbounded: PhaseSpan[] = [{ phase: 'stop-and-remain', start: { earliest: T0, latest: T0, likely: T0 }, end: { earliest: T0 + 10 * S, latest: undefined, likely: undefined } }];
  assert.equal(adviseSpeed({ now: T0, distanceToStopLineM: 200, speedMps: 12, speedLimitKmh: 50, phases: unbounded }).kind, 'no-advice');
  const near = adviseSpeed({ now: T0, distanceToStopLineM: 25, speedMps: 12, speedLimitKmh: 50, phases: redThenGreen(2, 30) });
  assert.equal(near.kind === 'no-advice' && near.reason, 'too-close');
  // Green now and for a minute: the advice is the limit, not the present 40 km/h.
  const keep = adviseSpeed({ now: T0, distanceToStopLineM: 200, speedMps: 40 / 3.6, speedLimitKmh: 50, phases: redThenGreen(0, 60) });
  assert.equal(keep.kind === 'speed' && keep.speedKmh, 50);
});

test('opens a predicted green at its latest start and closes it at its earliest end', () => {
  const spans: PhaseSpan[] = [
    { phase: 'stop-and-remain', start: { earliest: T0, latest: T0, likely: T0 }, end: { earliest: T0 + 10 * S, latest: T0 + 20 * S, likely: T0 + 15 * S } },
    { phase: 'protected-movement-allowed', start: { earliest: T0 + 10 * S, latest: T0 + 20 * S, likely: T0 + 15 * S }, end: { earliest: T0 + 30 * S, latest: T0 + 60 * S, likely: T0 + 45 * S } },
  ];
  assert.deepEqual(greenWindows(spans, T0), [{ start: T0 + 20 * S, end: T0 + 30 * S }]);
  assert.ok(Math.abs(arrivalSeconds(100, 10, 10, 1.5, 1.5) - 10) < 1e-9);
});

const reminder: GreenReminderInput = {
  now: T0 + 2500,
  phase: 'protected-movement-allowed',
  greenSince: T0,
  speedMps: 0,
  stoppedSince: T0 - 20 * S,
  distanceToStopLineM: 4,
  maneuver: 'straight',
};

test('reminds once when the light has turned green and the vehicle has stood at the line for more than 2 s', () => {
  const given = greenReminder(reminder);
  assert.deepEqual(given, { greenSince: T0, text: { en: 'the light has turned green', zh: '绿灯亮了' } });
  assert.equal(greenReminder({ ...reminder, remindedFor: T0 }), undefined);
});

test('does not remind before 2 s, while moving, behind the line, at red, or at a permissive green for a turn', () => {
  assert.equal(greenReminder({ ...reminder, now: T0 + 1500 }), undefined);
  assert.equal(greenReminder({ ...reminder, speedMps: 2, stoppedSince: undefined }), undefined);
  assert.equal(greenReminder({ ...reminder, distanceToStopLineM: 30 }), undefined);
  assert.equal(greenReminder({ ...reminder, phase: 'stop-and-remain' }), undefined);
  assert.equal(greenReminder({ ...reminder, phase: 'permissive-movement-allowed', maneuver: 'left' }), undefined);
  assert.ok(greenReminder({ ...reminder, phase: 'permissive-movement-allowed', maneuver: 'straight' }));
  // Stopped only after the green came: 2 s from the stop.
  assert.equal(greenReminder({ ...reminder, now: T0 + 3 * S, stoppedSince: T0 + 2 * S }), undefined);
});

/** Green for `greenS` more seconds, then amber 3 s, then red 40 s. */
function greenEnding(greenS: number): PhaseSpan[] {
  const at = (s: number) => ({ earliest: T0 + s * S, latest: T0 + s * S, likely: T0 + s * S });
  return [
    { phase: 'protected-movement-allowed', start: at(0), end: at(greenS) },
    { phase: 'protected-clearance', start: at(greenS), end: at(greenS + 3) },
    { phase: 'stop-and-remain', start: at(greenS + 3), end: at(greenS + 43) },
  ];
}

test('warns to brake when the vehicle can no longer stop comfortably before a light that will be red', () => {
  // 50 km/h, 45 m out, red from 2 s: arrives at 3.2 s. Comfortable stop (3 m/s², 1 s reaction) needs 46 m; hard (6 m/s²) 30 m.
  const warning = redLightWarning({ now: T0, distanceToStopLineM: 45, speedMps: 50 / 3.6, phases: greenEnding(-1) });
  assert.equal(warning?.level, 'brake-now');
  assert.deepEqual(warning?.text, { en: 'red light ahead, brake now', zh: '前方红灯，请立即刹车' });
  assert.equal(redLightWarning({ now: T0, distanceToStopLineM: 20, speedMps: 50 / 3.6, phases: greenEnding(-3) })?.level, 'cannot-stop');
  const prepare = redLightWarning({ now: T0, distanceToStopLineM: 90, speedMps: 50 / 3.6, phases: greenEnding(0) });
  assert.equal(prepare?.level, 'prepare-to-stop');
  assert.deepEqual(prepare?.text, { en: 'red light ahead, prepare to stop', zh: '前方红灯，请准备停车' });
});

test('does not warn when the vehicle arrives on green or amber, is far, is braking enough, or stands', () => {
  assert.equal(redLightWarning({ now: T0, distanceToStopLineM: 45, speedMps: 50 / 3.6, phases: greenEnding(5) }), undefined);
  assert.equal(redLightWarning({ now: T0, distanceToStopLineM: 45, speedMps: 50 / 3.6, phases: greenEnding(2) }), undefined, 'arrives in amber');
  assert.equal(redLightWarning({ now: T0, distanceToStopLineM: 400, speedMps: 50 / 3.6, phases: greenEnding(0) }), undefined);
  assert.equal(redLightWarning({ now: T0, distanceToStopLineM: 45, speedMps: 50 / 3.6, accelerationMps2: -2.5, phases: greenEnding(-1) }), undefined);
  assert.equal(redLightWarning({ now: T0, distanceToStopLineM: 10, speedMps: 0, phases: greenEnding(-1) }), undefined);
  // Red now but surely green by arrival.
  assert.equal(redLightWarning({ now: T0, distanceToStopLineM: 100, speedMps: 50 / 3.6, phases: redThenGreen(3, 30) }), undefined);
});
