import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from '../../src/routing/index.ts';
import {
  FRESH_FOR_MS,
  createPlacesContext,
  findParkingNear,
  simulateOccupancy,
  type ParkingRecommendation,
  type PlacesContext,
} from '../../src/places/index.ts';
import { SHARED_EXTRACTS, seededRandom, sharedMap } from '../support/maps.ts';
import { TOWN_CENTRE, defaultMap, localTime, town } from './fixtures.ts';

const SHANGHAI = 'Asia/Shanghai';
const now = localTime('2025-06-10T10:00', SHANGHAI);

function townContext(): PlacesContext {
  const { map, router } = town();
  return createPlacesContext(map, router);
}

const ids = (results: readonly ParkingRecommendation[]): string[] => results.map((r) => r.place.osmId).sort();
const CJK = /[\u3400-\u9fff]/;

test('never recommends private parking, and labels customers-only parking when asked to include it', () => {
  const ctx = townContext();
  const everything = findParkingNear(ctx, TOWN_CENTRE, { now, limit: 100 });
  assert.deepEqual(ids(everything), ['n1001', 'n1002', 'n1003', 'n1006']);
  const withCustomers = findParkingNear(ctx, TOWN_CENTRE, { now, limit: 100, includeCustomersOnly: true });
  assert.deepEqual(ids(withCustomers), ['n1001', 'n1002', 'n1003', 'n1005', 'n1006']);
  const mall = withCustomers.find((r) => r.place.osmId === 'n1005')!;
  assert.ok(mall.reasons.some((r) => r.code === 'customers-only' && r.en === 'customers only' && r.zh === '仅限顾客'));
});

test('keeps to a maximum price per hour, leaving out places whose price is unknown', () => {
  const ctx = townContext();
  assert.deepEqual(ids(findParkingNear(ctx, TOWN_CENTRE, { now, maxPricePerHour: 15 })), ['n1001', 'n1002']);
  assert.deepEqual(ids(findParkingNear(ctx, TOWN_CENTRE, { now, maxPricePerHour: 0 })), ['n1002']);
  // The operator's price overrides the map's.
  ctx.occupancy.ingest({ facilityId: 'n1006', free: 80, pricePerHour: 8, timestamp: now.getTime() }, now);
  assert.deepEqual(ids(findParkingNear(ctx, TOWN_CENTRE, { now, maxPricePerHour: 15 })), ['n1001', 'n1002', 'n1006']);
});

test('finds covered parking and parking with charging points', () => {
  const ctx = townContext();
  assert.deepEqual(ids(findParkingNear(ctx, TOWN_CENTRE, { now, covered: true })), ['n1001', 'n1006']);
  assert.deepEqual(ids(findParkingNear(ctx, TOWN_CENTRE, { now, evCharging: true })), ['n1001']);
  assert.deepEqual(ids(findParkingNear(ctx, TOWN_CENTRE, { now, walkRadiusM: 120 })), ['n1001']);
});

test('gives live spaces and the price with reasons in both languages', () => {
  const ctx = townContext();
  ctx.occupancy.ingest({ facilityId: 'n1001', free: 34, total: 200, pricePerHour: 12, timestamp: now.toISOString() }, now);
  const [garage] = findParkingNear(ctx, TOWN_CENTRE, { now, covered: true, evCharging: true, stayMinutes: 90 });
  assert.ok(garage);
  assert.deepEqual(garage.price, { free: false, pricePerHour: 12, currency: 'CNY', source: 'feed' });
  assert.equal(garage.stayCost, 18);
  assert.deepEqual(garage.availability, { source: 'feed', estimated: false, free: 34, total: 200, observedAt: now });
  const reason = (code: string) => garage.reasons.find((r) => r.code === code);
  assert.deepEqual(reason('spaces'), { code: 'spaces', en: '34 spaces free', zh: '剩余34个车位' });
  assert.deepEqual(reason('price'), { code: 'price', en: '12 yuan/h', zh: '每小时12元' });
  assert.deepEqual(reason('walk'), { code: 'walk', en: '130 m walk', zh: '步行130米' });
  assert.deepEqual(reason('kind'), { code: 'kind', en: 'underground car park', zh: '地下停车场' });
  assert.deepEqual(reason('ev-charging'), { code: 'ev-charging', en: 'EV charging', zh: '可充电' });
  assert.deepEqual(reason('hours'), { code: 'hours', en: 'open', zh: '营业中' });
});

test('labels spaces estimated from capacity once the feed is stale', () => {
  const ctx = townContext();
  ctx.occupancy.ingest({ facilityId: 'n1001', free: 34, total: 200, timestamp: now.getTime() }, now);
  const later = new Date(now.getTime() + FRESH_FOR_MS + 60_000);
  const [garage] = findParkingNear(ctx, TOWN_CENTRE, { now: later, evCharging: true });
  assert.ok(garage && garage.availability.source === 'profile' && garage.availability.estimated);
  const spaces = garage.reasons.find((r) => r.code === 'spaces')!;
  assert.match(spaces.en, /^about \d+ free \(estimate\)$/);
  assert.match(spaces.zh, /^预计剩余约\d+个车位$/);
});

test('leaves out parking closed at arrival and warns when it closes during the stay', () => {
  const ctx = townContext();
  const late = localTime('2025-06-10T23:00', SHANGHAI);
  assert.ok(!ids(findParkingNear(ctx, TOWN_CENTRE, { now, arrival: late })).includes('n1006'), 'Tower Garage closes at 22:00');
  const evening = localTime('2025-06-10T21:30', SHANGHAI);
  const tower = findParkingNear(ctx, TOWN_CENTRE, { now, arrival: evening, covered: true }).find((r) => r.place.osmId === 'n1006')!;
  assert.deepEqual(
    tower.reasons.find((r) => r.code === 'closes-during-stay'),
    { code: 'closes-during-stay', en: 'closes 22:00, before your stay ends', zh: '22:00关闭，早于您离开' },
  );
  const morning = findParkingNear(ctx, TOWN_CENTRE, { now, arrival: localTime('2025-06-10T09:00', SHANGHAI), covered: true });
  assert.deepEqual(morning.find((r) => r.place.osmId === 'n1006')?.reasons.find((r) => r.code === 'hours'), {
    code: 'hours',
    en: 'open until 22:00',
    zh: '营业至22:00',
  });
});

test('never puts a field in a result that the data lacked', () => {
  const ctx = townContext();
  const street = findParkingNear(ctx, TOWN_CENTRE, { now, limit: 100 }).find((r) => r.place.osmId === 'n1003')!;
  assert.deepEqual(Object.keys(street).sort(), ['availability', 'distanceM', 'kind', 'place', 'reasons', 'score', 'walkM']);
  assert.deepEqual(street.availability, { source: 'unknown' });
  assert.deepEqual(street.reasons.map((r) => r.code), ['walk', 'spaces', 'kind']);
  const free = findParkingNear(ctx, TOWN_CENTRE, { now, limit: 100 }).find((r) => r.place.osmId === 'n1002')!;
  assert.deepEqual(free.price, { free: true });
  assert.equal(free.stayCost, 0);
  assert.deepEqual(free.reasons.find((r) => r.code === 'price'), { code: 'price', en: 'free of charge', zh: '免费' });
});

test('ranks a full car park below one with spaces', () => {
  const ctx = townContext();
  const before = findParkingNear(ctx, TOWN_CENTRE, { now, limit: 100 });
  assert.ok(before.findIndex((r) => r.place.osmId === 'n1001') < before.length - 1);
  ctx.occupancy.ingest({ facilityId: 'n1001', free: 0, total: 200, timestamp: now.getTime() }, now);
  const after = findParkingNear(ctx, TOWN_CENTRE, { now, limit: 100 });
  assert.equal(after.at(-1)?.place.osmId, 'n1001');
  assert.deepEqual(after.at(-1)?.reasons.find((r) => r.code === 'spaces'), { code: 'spaces', en: 'full', zh: '已满' });
});

test('recommends public parking within walking distance on the real extracts and the default map', () => {
  const maps = [...SHARED_EXTRACTS.map((name) => sharedMap(name)), defaultMap()];
  const random = seededRandom(3);
  for (const { map, prepared } of maps) {
    const ctx = createPlacesContext(map, new Router(map, prepared));
    if (map.info.synthetic) ctx.occupancy.ingestAll(simulateOccupancy(map, now, 1), now);
    let found = 0;
    for (let i = 0; i < 150; i++) {
      // Destinations at parking places, so that most queries have answers.
      const near = map.parking[Math.floor(random() * map.parking.length)]!;
      const destination = { lat: near.lat + (random() - 0.5) * 0.004, lon: near.lon + (random() - 0.5) * 0.004 };
      const results = findParkingNear(ctx, destination, { now, stayMinutes: 30 + Math.floor(random() * 120), limit: 5 });
      found += results.length;
      for (let k = 1; k < results.length; k++) assert.ok(results[k - 1]!.score <= results[k]!.score, 'best first');
      for (const result of results) {
        assert.ok(result.distanceM <= 800);
        assert.notEqual(result.place.access, 'private');
        assert.notEqual(result.place.access, 'customers');
        if (result.price === undefined) assert.ok(result.place.pricePerHour === undefined && result.place.fee !== 'no');
        if (result.place.openingHours === undefined) assert.equal(result.hours, undefined);
        if (result.place.capacity === undefined) assert.notEqual(result.availability.source, 'profile');
        for (const reason of result.reasons) {
          assert.ok(reason.en.length > 0 && !CJK.test(reason.en), `English reason ${reason.en}`);
          assert.ok(CJK.test(reason.zh), `Chinese reason ${reason.zh}`);
        }
      }
    }
    assert.ok(found > 100, `${map.info.name}: parking found`);
  }
  // The default map's demo feed gives live numbers.
  const { map, prepared } = defaultMap();
  const ctx = createPlacesContext(map, new Router(map, prepared));
  ctx.occupancy.ingestAll(simulateOccupancy(map, now, 1), now);
  const garage = map.parking.find((p) => p.parking === 'underground' && p.access === 'public')!;
  const [best] = findParkingNear(ctx, garage, { now, covered: true });
  assert.ok(best && best.availability.source === 'feed');
  assert.match(best.reasons.find((r) => r.code === 'spaces')!.zh, /^剩余\d+个车位$/);
});
