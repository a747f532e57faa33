import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  foodFromTags,
  isPlaceTags,
  parkingFromTags,
  parseHourlyCharge,
  placeFromTags,
} from '../../src/map/osm/places.ts';

test('maps a fully tagged parking garage', () => {
  const place = parkingFromTags('w42', 39.29, -76.61, {
    amenity: 'parking',
    parking: 'multi-storey',
    fee: 'yes',
    capacity: '420',
    access: 'customers',
    name: 'Harbor Garage',
    'name:zh': '港口停车场',
    'name:en': 'Harbor Garage',
    opening_hours: '24/7',
    charge: '4 USD/hour',
    covered: 'yes',
    'capacity:charging': '6',
    operator: 'Baltimore Parking Authority',
  });
  assert.deepEqual(place, {
    kind: 'parking',
    osmId: 'w42',
    lat: 39.29,
    lon: -76.61,
    parking: 'multi-storey',
    fee: 'yes',
    access: 'customers',
    name: 'Harbor Garage',
    nameZh: '港口停车场',
    nameEn: 'Harbor Garage',
    capacity: 420,
    pricePerHour: 4,
    currency: 'USD',
    openingHours: '24/7',
    evCharging: true,
    covered: true,
    operator: 'Baltimore Parking Authority',
  });
});

test('leaves parking facts unset or unknown when the tags do not give them', () => {
  assert.deepEqual(parkingFromTags('n1', 1, 2, { amenity: 'parking' }), {
    kind: 'parking',
    osmId: 'n1',
    lat: 1,
    lon: 2,
    parking: 'unknown',
    fee: 'unknown',
    access: 'unknown',
  });
  const vague = parkingFromTags('n2', 1, 2, { amenity: 'parking', capacity: 'about 30', fee: 'maybe', charge: 'free' })!;
  assert.equal(vague.capacity, undefined);
  assert.equal(vague.fee, 'unknown');
  assert.equal(vague.pricePerHour, undefined);
});

test('maps parking access to public, customers, private or unknown', () => {
  const access = (value: string): string => parkingFromTags('n1', 0, 0, { amenity: 'parking', access: value })!.access;
  assert.equal(access('yes'), 'public');
  assert.equal(access('public'), 'public');
  assert.equal(access('permissive'), 'public');
  assert.equal(access('customers'), 'customers');
  assert.equal(access('private'), 'private');
  assert.equal(access('no'), 'private');
  assert.equal(access('permit'), 'private');
  assert.equal(access('something_else'), 'unknown');
});

test('maps parking=* kinds, with lanes and laybys as street-side parking', () => {
  const kind = (value: string): string => parkingFromTags('n1', 0, 0, { amenity: 'parking', parking: value })!.parking;
  assert.equal(kind('surface'), 'surface');
  assert.equal(kind('underground'), 'underground');
  assert.equal(kind('rooftop'), 'rooftop');
  assert.equal(kind('street_side'), 'street_side');
  assert.equal(kind('lane'), 'street_side');
  assert.equal(kind('carports'), 'other');
});

test('does not treat parking spaces or entrances as facilities', () => {
  assert.equal(parkingFromTags('n1', 0, 0, { amenity: 'parking_space' }), undefined);
  assert.equal(placeFromTags('n1', 0, 0, { amenity: 'parking_entrance' }), undefined);
  assert.equal(isPlaceTags({ amenity: 'parking_space' }), false);
  assert.equal(isPlaceTags({ amenity: 'parking' }), true);
  assert.equal(isPlaceTags({ amenity: 'bench' }), false);
});

test('reads EV charging from capacity:charging and its variants', () => {
  const ev = (tags: Record<string, string>): boolean | undefined =>
    parkingFromTags('n1', 0, 0, { amenity: 'parking', ...tags })!.evCharging;
  assert.equal(ev({ 'capacity:charging': '2' }), true);
  assert.equal(ev({ 'capacity:charging': '0' }), false);
  assert.equal(ev({ 'capacity:charging': 'yes' }), true);
  assert.equal(ev({ 'motorcar:charging': 'no' }), false);
  assert.equal(ev({}), undefined);
});

test('turns simple charge values into a price per hour', () => {
  assert.deepEqual(parseHourlyCharge('2 EUR/hour'), { pricePerHour: 2, currency: 'EUR' });
  assert.deepEqual(parseHourlyCharge('2 EUR/1 h'), { pricePerHour: 2, currency: 'EUR' });
  assert.deepEqual(parseHourlyCharge('1.50 USD/hour'), { pricePerHour: 1.5, currency: 'USD' });
  assert.deepEqual(parseHourlyCharge('10 CNY/h'), { pricePerHour: 10, currency: 'CNY' });
  assert.deepEqual(parseHourlyCharge('0.50 EUR/30 min'), { pricePerHour: 1, currency: 'EUR' });
  assert.deepEqual(parseHourlyCharge('1,20 CHF/h'), { pricePerHour: 1.2, currency: 'CHF' });
  assert.deepEqual(parseHourlyCharge('3 EUR/hour @ (Mo-Fr 08:00-18:00)'), { pricePerHour: 3, currency: 'EUR' });
});

test('gives no hourly price for daily, multiple or currency-less charges', () => {
  assert.equal(parseHourlyCharge('15 EUR/day'), undefined);
  assert.equal(parseHourlyCharge('1 EUR/hour; 2 EUR/hour'), undefined);
  assert.equal(parseHourlyCharge('2/hour'), undefined);
  assert.equal(parseHourlyCharge('yes'), undefined);
});

test('maps a restaurant with cuisines split, trimmed and lowercased', () => {
  const place = foodFromTags('n7', 31.2, 121.4, {
    amenity: 'restaurant',
    name: '小杨生煎',
    'name:zh': '小杨生煎',
    'name:en': "Yang's Dumplings",
    cuisine: 'Chinese; dumpling;;shanghai ',
    opening_hours: 'Mo-Su 07:00-21:00',
    price_range: '$',
    'contact:phone': '+86 21 0000 0000',
    website: 'https://example.com',
  });
  assert.deepEqual(place, {
    kind: 'food',
    osmId: 'n7',
    lat: 31.2,
    lon: 121.4,
    amenity: 'restaurant',
    name: '小杨生煎',
    nameZh: '小杨生煎',
    nameEn: "Yang's Dumplings",
    cuisine: ['chinese', 'dumpling', 'shanghai'],
    openingHours: 'Mo-Su 07:00-21:00',
    priceLevel: '$',
    phone: '+86 21 0000 0000',
    website: 'https://example.com',
  });
});

test('recognises fast food, cafes and food courts and nothing else as food', () => {
  for (const amenity of ['fast_food', 'cafe', 'food_court'] as const) {
    assert.equal(foodFromTags('n1', 0, 0, { amenity })?.amenity, amenity);
  }
  assert.equal(foodFromTags('n1', 0, 0, { amenity: 'bar' }), undefined);
  assert.equal(placeFromTags('n1', 0, 0, { shop: 'bakery' }), undefined);
  assert.deepEqual(foodFromTags('n1', 0, 0, { amenity: 'cafe' }), {
    kind: 'food',
    osmId: 'n1',
    lat: 0,
    lon: 0,
    amenity: 'cafe',
    cuisine: [],
  });
});
