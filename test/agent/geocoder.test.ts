import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, nearestCategory, normaliseName } from '../../src/agent/geocoder.ts';
import { haversineM } from '../../src/places/index.ts';
import { CENTRE, baltimoreWorld, defaultWorld, mapCentre } from './fixtures.ts';

const { geocoder } = defaultWorld();

function best(query: string, near = CENTRE) {
  const result = geocoder.search(query, { near });
  assert.ok(result.ok, `"${query}" finds something`);
  return { ...result.candidates[0]!, ambiguous: result.ambiguous, all: result.candidates };
}

test('finds a landmark of the default map by its Chinese and its English name', () => {
  const zh = best('人民广场');
  assert.equal(zh.kind, 'landmark');
  assert.equal(zh.name.en, "People's Square");
  assert.equal(zh.score, 1);
  assert.equal(zh.ambiguous, false);
  const en = best("people's square");
  assert.equal(en.id, zh.id);
  assert.ok(haversineM(zh.lat, zh.lon, CENTRE.lat, CENTRE.lon) < 1000, 'the square is near the centre');
});

test('finds a street by its English or Chinese name, abbreviated, full-width or with the wrong street type', () => {
  const oak = best('Oak Road');
  assert.equal(oak.kind, 'street');
  assert.equal(oak.name.zh, '橡树路');
  for (const query of ['oak rd', 'OAK ROAD', 'Ｏａｋ　Ｒｏａｄ', '橡树路', 'Oak Rd.']) assert.equal(best(query).id, oak.id, query);
  const street = best('Oak Street');
  assert.equal(street.id, oak.id);
  assert.ok(street.score < 1 && street.score >= 0.85, 'a different street type still matches, a little lower');
});

test('tolerates pinyin spacing, apostrophes and a typo', () => {
  assert.equal(best('Yanan Road').name.en, "Yan'an Road");
  assert.equal(best('Huashan Raod').name.en, 'Huashan Road');
  assert.equal(best('wu kang street').name.en, 'Wukang Street');
});

test('places a street at its point nearest the car', () => {
  const far = { lat: 31.17, lon: 121.42 };
  const nearCentre = best('Oak Road', CENTRE);
  const nearFar = best('Oak Road', far);
  assert.equal(nearCentre.id, nearFar.id);
  assert.ok(haversineM(nearFar.lat, nearFar.lon, far.lat, far.lon) <= haversineM(nearCentre.lat, nearCentre.lon, far.lat, far.lon));
});

test('reports two streets that fit equally as ambiguous', () => {
  for (const query of ['人民路', 'Renmin Road', 'renmin lu']) {
    const result = geocoder.search(query, { near: CENTRE });
    assert.ok(result.ok && result.ambiguous, query);
    const names = result.candidates.slice(0, 2).map((c) => c.name.zh).sort();
    assert.deepEqual(names, ['人民北路', '人民南路']);
  }
  const exact = geocoder.search('South Renmin Road', { near: CENTRE });
  assert.ok(exact.ok && !exact.ambiguous && exact.candidates[0]!.name.zh === '人民南路');
});

test('ranks an exact name above names that merely contain it', () => {
  const result = best('Wutong Road');
  assert.equal(result.kind, 'street');
  const parking = geocoder.search('Wutong Road', { near: CENTRE, kinds: ['parking'] });
  assert.ok(parking.ok && parking.candidates[0]!.score < result.score, 'car parks named after the road rank lower');
  assert.equal(best('梧桐路停车楼').kind, 'parking');
});

test('finds nothing for a name the map does not have', () => {
  const result = geocoder.search('Champs-Élysées', { near: CENTRE });
  assert.equal(result.ok, false);
  assert.equal(geocoder.search('  ', {}).ok, false);
});

test('finds the nearest place of a category, nearest first, in either language', () => {
  for (const [what, kind] of [['parking', 'parking'], ['最近的停车场', 'parking'], ['hospital', 'landmark'], ['川菜', 'food'], ['metro station', 'landmark']] as const) {
    const found = geocoder.nearest(what, CENTRE);
    assert.ok(found.ok, what);
    assert.equal(found.candidates[0]!.kind, kind, what);
    const distances = found.candidates.map((c) => c.distanceM!);
    assert.deepEqual(distances, [...distances].sort((a, b) => a - b), `${what}: nearest first`);
  }
  const fuel = geocoder.nearest('加油站', CENTRE);
  assert.ok(!fuel.ok && fuel.reason === 'none-on-map', 'the map keeps no petrol stations, and says so');
  assert.equal(geocoder.nearest('unicorn stable', CENTRE).ok, false);
});

test('reads categories and folds names the way drivers write them', () => {
  assert.deepEqual(nearestCategory('the nearest charging station'), { kind: 'parking', evCharging: true });
  assert.deepEqual(nearestCategory('sichuan food'), { kind: 'food', cuisine: 'sichuan' });
  assert.equal(normaliseName("Yan'an  Road."), 'yanan road');
  assert.equal(normaliseName('Landstraße'), 'land strasse');
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('abcdef', 'uvwxyz', 2), 3, 'stops once past the cut-off');
});

test('finds streets, places and landmarks of a real extract', () => {
  const baltimore = baltimoreWorld();
  const near = mapCentre(baltimore);
  const find = (query: string) => {
    const result = baltimore.geocoder.search(query, { near });
    assert.ok(result.ok, query);
    return result.candidates[0]!;
  };
  assert.equal(find('Greenmount Avenue').name.en, 'Greenmount Avenue');
  assert.equal(find('greenmount ave').name.en, 'Greenmount Avenue');
  assert.equal(find('Pratt St').name.en, 'East Pratt Street');
  assert.equal(find('Starbucks').kind, 'food');
  assert.equal(find('Little Italy Garage').kind, 'parking');
  const hospital = baltimore.geocoder.nearest('hospital', near);
  assert.ok(hospital.ok && hospital.candidates[0]!.kind === 'landmark', 'landmarks come from the PBF');
});
