import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { PREFERENCES_SCHEMA_VERSION, SqlitePreferenceStore } from '../../src/agent/preferences.ts';
import type { Card } from '../../src/agent/tools.ts';
import { CENTRE, NOON, agentOn, defaultWorld } from './fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'cabin-preferences-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const setup = defaultWorld();
const input = { now: NOON, vehicle: CENTRE };

test('keeps what a driver said across agents, in a SQLite file', () => {
  const path = join(dir, 'kept.sqlite');
  const first = SqlitePreferenceStore.open(path);
  const agent = agentOn(setup, { preferences: first, driverId: 'li' });
  assert.match(agent.turn('我喜欢川菜', input).speech.text, /^好的，记住了：您喜欢川菜。$/);
  agent.turn('remember I never pay more than 8 yuan an hour for parking', input);
  first.close();

  const second = SqlitePreferenceStore.open(path);
  const later = agentOn(setup, { preferences: second, driverId: 'li' });
  assert.deepEqual(later.preferences, { favouriteCuisines: ['sichuan'], maxParkingPricePerHour: 8 });
  assert.equal(later.turn('what do you remember about me?', input).speech.text, 'I remember you like Sichuan food and parking up to 8 yuan an hour.');
  assert.deepEqual(agentOn(setup, { preferences: second, driverId: 'wang' }).preferences, { favouriteCuisines: [] }, 'drivers are kept apart');
  second.close();
});

test('uses the preferences in rankings and says when it applied one', () => {
  const store = SqlitePreferenceStore.open(':memory:');
  store.save('li', { favouriteCuisines: ['sichuan'], maxParkingPricePerHour: 8 });
  const agent = agentOn(setup, { preferences: store, driverId: 'li' });
  const parking = agent.turn("find parking near People's Square", input);
  assert.match(parking.speech.text, /^Up to 8 yuan an hour, as you prefer\./);
  for (const card of parking.cards.filter((c): c is Extract<Card, { kind: 'parking' }> => c.kind === 'parking')) {
    assert.ok(card.price && (card.price.free || card.price.perHour <= 8));
  }
  // 440 m from a Sichuan kitchen, with three other places nearer.
  const near = { now: NOON, vehicle: { lat: 31.23512, lon: 121.46582 } };
  const ids = (cards: Card[]): string[] => cards.flatMap((c) => (c.kind === 'food' ? [c.id] : []));
  const plain = agentOn(setup).turn('find food near here', near);
  const food = agent.turn('find food near here', near);
  const favourite = food.cards.findIndex((c) => c.kind === 'food' && c.favourite);
  assert.equal(favourite, 0, 'the Sichuan kitchen leads');
  assert.equal(ids(plain.cards).indexOf(ids(food.cards)[0]!), 3, 'without the preference it is fourth');
  const card = food.cards[0]!;
  assert.ok(card.kind === 'food' && card.reasons.some((r) => r.code === 'favourite' && r.en === 'one of your favourite cuisines'));
  assert.match(food.speech.text, /^Golden Dragon Sichuan Kitchen: Sichuan, your favourite, 440 m walk\./);
  store.close();
});

test('creates its schema once, in WAL mode, and records each migration', () => {
  const path = join(dir, 'schema.sqlite');
  const store = SqlitePreferenceStore.open(path);
  assert.equal(store.journalMode(), 'wal');
  assert.deepEqual(store.appliedMigrations(), [PREFERENCES_SCHEMA_VERSION]);
  store.save('li', { favouriteCuisines: ['italian', 'sichuan'], avoidHighways: true, language: 'zh' });
  store.close();
  const again = SqlitePreferenceStore.open(path);
  assert.deepEqual(again.appliedMigrations(), [PREFERENCES_SCHEMA_VERSION]);
  assert.deepEqual(again.load('li'), { favouriteCuisines: ['italian', 'sichuan'], avoidHighways: true, language: 'zh' });
  again.close();
  const memory = SqlitePreferenceStore.open(':memory:');
  assert.deepEqual(memory.load('anyone'), { favouriteCuisines: [] });
  memory.close();
});

test('refuses a database written by a newer Cabin', () => {
  const path = join(dir, 'newer.sqlite');
  SqlitePreferenceStore.open(path).close();
  const Database = createRequire(import.meta.url)('better-sqlite3') as new (path: string) => {
    prepare(sql: string): { run(...args: unknown[]): unknown };
    close(): void;
  };
  const raw = new Database(path);
  raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', '2030-01-01')").run();
  raw.close();
  assert.throws(() => SqlitePreferenceStore.open(path), /newer\.sqlite: preferences schema version 99 is newer than this Cabin knows \(1\)/);
});
