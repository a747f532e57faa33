import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FRESH_FOR_MS,
  OCCUPANCY_PROFILE,
  OccupancyUpdateSchema,
  ParkingOccupancy,
  simulateOccupancy,
  typicalOccupancy,
} from '../../src/places/index.ts';
import { defaultMap, localTime, town, withTimeZone } from './fixtures.ts';

const SHANGHAI = 'Asia/Shanghai';
const now = localTime('2025-06-10T10:00', SHANGHAI); // a Tuesday

test('takes a valid update and reports the feed count while it is fresh', () => {
  const occupancy = new ParkingOccupancy(town().map);
  assert.deepEqual(occupancy.ingest({ facilityId: 'n1001', free: 34, total: 200, pricePerHour: 12, timestamp: now.toISOString() }, now), {
    ok: true,
    facilityId: 'n1001',
  });
  const later = new Date(now.getTime() + FRESH_FOR_MS - 1000);
  assert.deepEqual(occupancy.availabilityAt('n1001', later, later), { source: 'feed', estimated: false, free: 34, total: 200, observedAt: now });
  assert.equal(occupancy.feedPricePerHour('n1001'), 12);
  // Epoch milliseconds are a timestamp as well.
  assert.equal(occupancy.ingest({ facilityId: 'n1002', free: 3, timestamp: now.getTime() }, now).ok, true);
});

test('falls back to a labelled estimate once the feed is stale', () => {
  const occupancy = new ParkingOccupancy(town().map);
  occupancy.ingest({ facilityId: 'n1001', free: 34, timestamp: now.getTime() }, now);
  const later = new Date(now.getTime() + FRESH_FOR_MS + 1000);
  const availability = occupancy.availabilityAt('n1001', later, later);
  assert.equal(availability.source, 'profile');
  assert.ok(availability.source === 'profile' && availability.estimated);
  // Capacity 200, an underground garage at 10:15 on a weekday.
  const share = typicalOccupancy('underground', later, SHANGHAI);
  assert.equal(availability.free, Math.round(200 * (1 - share)));
  assert.equal(availability.total, 200);
});

test('estimates from capacity when no feed has spoken, and knows nothing without capacity', () => {
  const occupancy = new ParkingOccupancy(town().map);
  const free = occupancy.availabilityAt('n1002', now, now);
  assert.ok(free.source === 'profile' && free.estimated && free.total === 40);
  assert.deepEqual(occupancy.availabilityAt('n1003', now, now), { source: 'unknown' });
  assert.deepEqual(occupancy.availabilityAt('w999', now, now), { source: 'unknown' });
  // A stale feed total stands in for a capacity the map lacks.
  occupancy.ingest({ facilityId: 'n1003', free: 2, total: 12, timestamp: now.getTime() }, now);
  const later = new Date(now.getTime() + 2 * FRESH_FOR_MS);
  const estimate = occupancy.availabilityAt('n1003', later, later);
  assert.ok(estimate.source === 'profile' && estimate.total === 12);
});

test('answers bad feed data with an error naming what was wrong, never a throw', () => {
  const occupancy = new ParkingOccupancy(town().map);
  const iso = now.toISOString();
  const cases: [unknown, RegExp][] = [
    [{ facilityId: 'w123', free: 3, timestamp: iso }, /^facility w123 is not on this map$/],
    [{ facilityId: 'n1001', free: -3, timestamp: iso }, /n1001: free must be 0 or more \(got -3\)/],
    [{ facilityId: 'n1001', free: 2.5, timestamp: iso }, /free must be a whole number/],
    [{ facilityId: 'n1001', free: 50, total: 40, timestamp: iso }, /free \(50\) is more than total \(40\)/],
    [{ facilityId: 'n1001', free: 5, timestamp: new Date(now.getTime() + 5 * 60_000).toISOString() }, /300 s in the future \(at most 60 s allowed\)/],
    [{ facilityId: 'n1001', free: 5, timestamp: 'yesterday' }, /timestamp must be an ISO 8601 date-time/],
    [{ facilityId: 'n1001', free: 5 }, /timestamp/],
    [{ free: 5, timestamp: iso }, /facilityId/],
    [null, /occupancy update/],
    ['n1001 has 5', /occupancy update/],
  ];
  for (const [update, error] of cases) {
    const result = occupancy.ingest(update, now);
    assert.equal(result.ok, false, JSON.stringify(update));
    assert.match(!result.ok ? result.error : '', error);
  }
  // A timestamp a little ahead (clock drift) is fine.
  assert.equal(occupancy.ingest({ facilityId: 'n1001', free: 5, timestamp: now.getTime() + 30_000 }, now).ok, true);
  // An older reading does not replace a newer one.
  const older = occupancy.ingest({ facilityId: 'n1001', free: 9, timestamp: now.getTime() - 60_000 }, now);
  assert.ok(!older.ok && /older than the reading held/.test(older.error));
  const batch = occupancy.ingestAll([{ facilityId: 'n1002', free: 1, timestamp: iso }, { facilityId: 'nope', free: 1, timestamp: iso }], now);
  assert.deepEqual(batch, { accepted: 1, errors: ['facility nope is not on this map'] });
});

test('reads the occupancy profile on the region clock, weekdays apart from weekends', () => {
  // 06:00 UTC is 14:00 in Shanghai and 02:00 in New York.
  const instant = new Date('2025-06-10T06:00:00Z');
  assert.equal(typicalOccupancy('multi-storey', instant, SHANGHAI), OCCUPANCY_PROFILE.garage.weekday[14]);
  assert.equal(typicalOccupancy('multi-storey', instant, 'America/New_York'), OCCUPANCY_PROFILE.garage.weekday[2]);
  const saturday = new Date('2025-06-14T06:00:00Z');
  assert.equal(typicalOccupancy('street_side', saturday, SHANGHAI), OCCUPANCY_PROFILE.street.weekend[14]);
  // Half past interpolates.
  const halfPast = new Date('2025-06-10T06:30:00Z');
  const expected = (OCCUPANCY_PROFILE.surface.weekday[14] + OCCUPANCY_PROFILE.surface.weekday[15]) / 2;
  assert.ok(Math.abs(typicalOccupancy('surface', halfPast, SHANGHAI) - expected) < 1e-12);
  // The estimate at arrival follows the arrival, not the present.
  const occupancy = new ParkingOccupancy(withTimeZone(town().map, 'America/New_York'));
  const night = occupancy.availabilityAt('n1006', new Date('2025-06-10T07:00:00Z'), now);
  const noon = occupancy.availabilityAt('n1006', new Date('2025-06-10T16:00:00Z'), now);
  assert.ok(night.source === 'profile' && noon.source === 'profile' && night.free > noon.free);
});

test('simulates a valid, deterministic, smoothly changing feed for every public facility of the default map', () => {
  const { map } = defaultMap();
  const updates = simulateOccupancy(map, now, 7);
  const expected = map.parking.filter((p) => p.capacity !== undefined && p.capacity > 0 && (p.access === 'public' || p.access === 'unknown'));
  assert.ok(expected.length > 20, 'the default map has public facilities with capacity');
  assert.deepEqual(updates.map((u) => u.facilityId).sort(), expected.map((p) => p.osmId).sort());
  assert.ok(!updates.some((u) => map.parking.find((p) => p.osmId === u.facilityId)?.access === 'private'));
  for (const update of updates) assert.ok(OccupancyUpdateSchema.safeParse(update).success);
  assert.deepEqual(simulateOccupancy(map, now, 7), updates);
  assert.notDeepEqual(simulateOccupancy(map, now, 8), updates);

  const occupancy = new ParkingOccupancy(map);
  assert.deepEqual(occupancy.ingestAll(updates, now), { accepted: updates.length, errors: [] });
  const first = occupancy.availabilityAt(expected[0]!.osmId, now, now);
  assert.ok(first.source === 'feed' && !first.estimated, 'the demo shows live numbers');

  // A minute later every count has moved by at most a few percent of capacity.
  const minuteLater = simulateOccupancy(map, new Date(now.getTime() + 60_000), 7);
  for (const [i, update] of updates.entries()) {
    const next = minuteLater[i]!;
    assert.equal(next.facilityId, update.facilityId);
    assert.ok(Math.abs(next.free - update.free) <= Math.ceil(0.03 * update.total!) + 1, `${update.facilityId} moves smoothly`);
  }
  const hourLater = simulateOccupancy(map, new Date(now.getTime() + 3_600_000), 7);
  assert.ok(hourLater.some((u, i) => u.free !== updates[i]!.free), 'counts change over an hour');
});
