import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KNOWN_CUISINES, cuisineById, cuisineFromWord, cuisineMatch, normaliseCuisine, placeCuisines } from '../../src/places/index.ts';
import { SHARED_EXTRACTS, sharedMap } from '../support/maps.ts';
import { defaultMap } from './fixtures.ts';

test('labels a cuisine id in English and Chinese', () => {
  assert.deepEqual(cuisineById('sichuan'), { id: 'sichuan', en: 'Sichuan', zh: '川菜' });
  assert.deepEqual(cuisineById('hot_pot'), { id: 'hot_pot', en: 'Hot pot', zh: '火锅' });
  for (const cuisine of KNOWN_CUISINES) {
    assert.ok(cuisine.en !== '' && cuisine.zh !== '', `${cuisine.id} has both labels`);
    assert.match(cuisine.id, /^[a-z_]+$/);
  }
});

test('normalises lists, case, spaces and synonyms of OSM cuisine values', () => {
  assert.deepEqual(
    normaliseCuisine('Hot Pot;hotpot; hot_pot').map((c) => c.id),
    ['hot_pot'],
  );
  assert.deepEqual(normaliseCuisine('chinese; Sichuan').map((c) => c.id), ['chinese', 'sichuan']);
  assert.deepEqual(normaliseCuisine('Szechuan').map((c) => c.id), ['sichuan']);
  assert.deepEqual(normaliseCuisine('steakhouse').map((c) => c.id), ['steak_house']);
  // Seen in the shared extracts: comma lists, stray underscores, German words.
  assert.deepEqual(normaliseCuisine('bbq,_burger,_homestyle').map((c) => c.id), ['barbecue', 'burger', 'homestyle']);
  assert.deepEqual(normaliseCuisine('speiseeis, italienisch').map((c) => c.id), ['ice_cream', 'italian']);
  assert.deepEqual(normaliseCuisine('pizza & kebab').map((c) => c.id), ['pizza', 'kebab']);
});

test('keeps an unknown cuisine with its raw value as label', () => {
  assert.deepEqual(normaliseCuisine('Balkan Grill House'), [{ id: 'balkan_grill_house', en: 'Balkan Grill House', zh: 'Balkan Grill House' }]);
  assert.deepEqual(placeCuisines(['latin_american', 'cuban']), [
    { id: 'latin_american', en: 'Latin American', zh: '拉美菜' },
    { id: 'cuban', en: 'cuban', zh: 'cuban' },
  ]);
});

test('never drops a cuisine value of the real extracts or the default map', () => {
  const maps = [...SHARED_EXTRACTS.map((name) => sharedMap(name).map), defaultMap().map];
  let values = 0;
  for (const map of maps) {
    for (const place of map.food) {
      const cuisines = placeCuisines(place.cuisine);
      values += place.cuisine.length;
      if (place.cuisine.some((value) => value.replace(/[;,&/_\s]/g, '') !== '')) {
        assert.ok(cuisines.length > 0, `${place.osmId}: cuisine ${JSON.stringify(place.cuisine)} kept`);
      }
      for (const cuisine of cuisines) assert.ok(cuisine.en !== '' && cuisine.zh !== '');
    }
  }
  assert.ok(values > 100, 'the maps tag cuisines');
});

test('understands a driver\'s word for a cuisine in Chinese and English', () => {
  const cases: [string, string][] = [
    ['川菜', 'sichuan'],
    ['Sichuan', 'sichuan'],
    ['sichuan food', 'sichuan'],
    ['hot pot', 'hot_pot'],
    ['Hotpot', 'hot_pot'],
    ['火锅', 'hot_pot'],
    ['面', 'noodle'],
    ['想吃面', 'noodle'],
    ['面包', 'bakery'],
    ['拉面', 'ramen'],
    ['兰州拉面', 'noodle'],
    ['粤菜', 'cantonese'],
    ['点心', 'dim_sum'],
    ['饺子', 'dumpling'],
    ['烧烤', 'barbecue'],
    ['东北菜', 'dongbei'],
    ['本帮菜', 'shanghainese'],
    ['an Italian restaurant', 'italian'],
    ['pizza place', 'pizza'],
    ['寿司', 'sushi'],
    ['咖啡', 'coffee_shop'],
    ['chinese hot pot', 'hot_pot'],
    ['素食', 'vegetarian'],
    ['steak', 'steak_house'],
  ];
  for (const [word, id] of cases) assert.equal(cuisineFromWord(word)?.id, id, word);
  assert.equal(cuisineFromWord('a quiet place'), undefined);
  assert.equal(cuisineFromWord(''), undefined);
  // Latin words match whole: "pho" is not found inside "phone".
  assert.equal(cuisineFromWord('phone'), undefined);
});

test('a regional Chinese cuisine meets a wish for Chinese food, not the other way round', () => {
  assert.equal(cuisineMatch(['sichuan'], ['chinese']), 1);
  assert.equal(cuisineMatch(['sichuan'], ['sichuan']), 2);
  assert.equal(cuisineMatch(['hot_pot'], ['hotpot']), 2);
  assert.equal(cuisineMatch(['chinese'], ['sichuan']), 0);
  assert.equal(cuisineMatch(['pizza'], ['sushi', 'pizza']), 2);
  assert.equal(cuisineMatch([], ['pizza']), 0);
});
