import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromWallClockDate, hoursAt, isReadableHours, toWallClockDate, wallClock } from '../../src/places/index.ts';
import { localTime } from './fixtures.ts';

const SHANGHAI = 'Asia/Shanghai';
const NEW_YORK = 'America/New_York';

/** Runs `check` with the process's own clock set to each of several zones (Node applies `process.env.TZ` at once). */
function inProcessZones(check: () => void): void {
  const original = process.env.TZ;
  try {
    for (const zone of ['UTC', 'America/Los_Angeles', 'Asia/Kolkata', 'Europe/Berlin', 'Australia/Lord_Howe']) {
      process.env.TZ = zone;
      check();
    }
  } finally {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  }
}

test('reads opening hours on the region clock whatever zone the process runs in', () => {
  inProcessZones(() => {
    // Tuesday 10 June 2025, 17:30 in Shanghai is 05:30 the same morning in New York.
    const at = localTime('2025-06-10T17:30', SHANGHAI);
    assert.deepEqual(hoursAt('Mo-Fr 09:00-18:00', at, SHANGHAI), {
      state: 'open',
      closesAt: '18:00',
      changesAt: localTime('2025-06-10T18:00', SHANGHAI),
    });
    assert.deepEqual(hoursAt('Mo-Fr 09:00-18:00', at, NEW_YORK), {
      state: 'closed',
      opensAt: '09:00',
      changesAt: localTime('2025-06-10T09:00', NEW_YORK),
    });
  });
});

test('names the day a closed place opens when it is not today', () => {
  inProcessZones(() => {
    const fridayEvening = localTime('2025-06-13T18:30', NEW_YORK);
    assert.deepEqual(hoursAt('Mo-Fr 09:00-18:00', fridayEvening, NEW_YORK), {
      state: 'closed',
      opensAt: '09:00',
      opensDay: { weekday: 'Mo', daysAhead: 3 },
      changesAt: localTime('2025-06-16T09:00', NEW_YORK),
    });
    const hours = hoursAt('Mo-Su 07:00-12:00', localTime('2025-06-10T12:10', SHANGHAI), SHANGHAI);
    assert.deepEqual(hours.opensDay, { weekday: 'We', daysAhead: 1 });
  });
});

test('a place that closes before the arrival is closed at the arrival', () => {
  const value = 'Mo-Su 07:00-12:00';
  assert.equal(hoursAt(value, localTime('2025-06-10T11:50', SHANGHAI), SHANGHAI).state, 'open');
  const atArrival = hoursAt(value, localTime('2025-06-10T12:10', SHANGHAI), SHANGHAI);
  assert.equal(atArrival.state, 'closed');
  assert.equal(atArrival.opensAt, '07:00');
  assert.equal(atArrival.closesAt, undefined);
});

test('an evening that runs past midnight closes on the next day, and midnight itself reads 24:00', () => {
  const tuesdayNight = localTime('2025-06-10T23:00', SHANGHAI);
  const late = hoursAt('Mo-Su 18:00-02:00', tuesdayNight, SHANGHAI);
  assert.equal(late.state, 'open');
  assert.equal(late.closesAt, '02:00');
  assert.deepEqual(late.closesDay, { weekday: 'We', daysAhead: 1 });
  const midnight = hoursAt('Mo-Su 10:00-24:00', tuesdayNight, SHANGHAI);
  assert.equal(midnight.closesAt, '24:00');
  assert.equal(midnight.closesDay, undefined);
});

test('missing, unreadable and sun-dependent hours are unknown, never open', () => {
  const noon = localTime('2025-06-10T12:00', SHANGHAI);
  for (const value of [undefined, '', 'whenever we feel like it', 'sunrise-sunset', 'Mo-Su 10:00-dusk']) {
    assert.deepEqual(hoursAt(value, noon, SHANGHAI), { state: 'unknown' }, `hours ${JSON.stringify(value)}`);
  }
  assert.equal(isReadableHours('whenever we feel like it'), false);
  assert.equal(isReadableHours('Mo-Fr 09:00-18:00'), true);
});

test('an "unknown" rule is unknown at that time, and open around the clock has no closing time', () => {
  const noon = localTime('2025-06-10T12:00', SHANGHAI);
  assert.equal(hoursAt('Mo-Su 10:00-14:00 unknown', noon, SHANGHAI).state, 'unknown');
  assert.deepEqual(hoursAt('24/7', noon, SHANGHAI), { state: 'open' });
});

test('passes on the comment of the rule in force', () => {
  const noon = localTime('2025-06-10T12:00', SHANGHAI);
  // A bare comment leaves the state unknown (the library follows the opening_hours specification); `open` makes it explicit.
  assert.deepEqual(hoursAt('Mo-Su 11:00-14:00 "call ahead"', noon, SHANGHAI), { state: 'unknown', comment: 'call ahead' });
  assert.deepEqual(hoursAt('Mo-Su 11:00-14:00 open "lunch only"', noon, SHANGHAI), {
    state: 'open',
    closesAt: '14:00',
    changesAt: localTime('2025-06-10T14:00', SHANGHAI),
    comment: 'lunch only',
  });
});

test('a wall-clock date converts back to an instant with the same wall clock, in any zone', () => {
  const original = process.env.TZ;
  process.env.TZ = 'UTC'; // a process clock without DST gaps, so every wall time exists locally
  try {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
        const instant = new Date(ms - (ms % 1000));
        const back = fromWallClockDate(toWallClockDate(instant, zone), zone);
        assert.deepEqual(wallClock(back, zone), wallClock(instant, zone));
      }),
      { numRuns: 2000 },
    );
  } finally {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  }
});
