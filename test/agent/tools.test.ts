import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TOOL_NAMES, runTool, toolJsonSchemas, type AgentWorld, type Card, type ToolResult, type TrafficLightSource } from '../../src/agent/tools.ts';
import { INTENT_SCHEMAS } from '../../src/agent/intents.ts';
import { haversineM, positionAt, type Trip } from '../../src/places/index.ts';
import { signalFeedSource } from '../../src/agent/tools.ts';
import { SignalStore, createSignalSimulator } from '../../src/signals/index.ts';
import { CENTRE, NOON, baltimoreWorld, defaultWorld, mapCentre, worldOf } from './fixtures.ts';

const setup = defaultWorld();
const world = (overrides: Partial<AgentWorld> = {}): AgentWorld => worldOf(setup, overrides);

function cards<K extends Card['kind']>(result: ToolResult, kind: K): Extract<Card, { kind: K }>[] {
  return result.data.cards.filter((c): c is Extract<Card, { kind: K }> => c.kind === kind);
}

/** A trip the driver already accepted: to Oak Road, leaving at NOON from the centre. */
function tripTo(destination: string, w = world()): Trip {
  const proposed = runTool('navigate', { destination }, w);
  assert.ok(proposed.effect?.kind === 'set-trip', `a trip to ${destination}`);
  return proposed.effect.trip;
}

/** At most two short sentences: what a driver can take in while moving. */
function assertSpeakable(result: ToolResult): void {
  for (const text of [result.speech.en, result.speech.zh]) {
    assert.ok(text.length > 0, 'says something');
    const sentences = text.split(/(?<=[.?!])\s+|(?<=[。？！])/u).filter((s) => s.trim() !== '');
    assert.ok(sentences.length <= 2, `"${text}" is at most two sentences`);
  }
  assert.ok(result.speech.en.length <= 140 && result.speech.zh.length <= 60, `short: "${result.speech.en}" / "${result.speech.zh}"`);
}

test('navigate proposes a trip to a street, asks first, and changes nothing itself', () => {
  const w = world();
  const result = runTool('navigate', { destination: 'Oak Road' }, w);
  assert.equal(result.ok, true);
  assert.equal(result.changesRoute, true);
  assert.match(result.speech.en, /^Go to Oak Road\? About \d+ min, [\d.]+ k?m\.$/);
  assert.match(result.speech.zh, /^去橡树路吗？约\d+分钟/);
  assert.ok(result.effect?.kind === 'set-trip');
  const trip = result.effect.trip;
  assert.equal(trip.stops.length, 1);
  assert.equal(trip.stops[0]!.label.en, 'Oak Road');
  assert.equal(trip.departureTimeMs, NOON.getTime());
  assert.equal(w.trip, undefined, 'the world is untouched until the driver says yes');
  const [card] = cards(result, 'trip');
  assert.ok(card && card.coordinates.length > 2 && card.arrival.match(/^\d\d:\d\d$/));
  assertSpeakable(result);
});

test('navigate resolves a Chinese landmark and answers in both languages', () => {
  const result = runTool('navigate', { destination: '人民广场' }, world());
  assert.ok(result.effect?.kind === 'set-trip');
  assert.match(result.speech.zh, /^去人民广场吗？/);
  assert.match(result.speech.en, /People's Square/);
  assert.match(result.effect.done.zh, /开始导航去人民广场。预计\d\d:\d\d到达。/);
});

test('navigate asks for a missing destination, asks back on ambiguity, and says when a place is unknown', () => {
  const missing = runTool('navigate', {}, world());
  assert.deepEqual(missing.followUp, { kind: 'missing', slot: 'destination' });
  assert.equal(missing.speech.en, 'Where to?');
  assert.equal(missing.speech.zh, '去哪里？');

  const ambiguous = runTool('navigate', { destination: '人民路' }, world());
  assert.equal(ambiguous.followUp?.kind, 'choose');
  assert.equal(ambiguous.changesRoute, false);
  assert.match(ambiguous.speech.en, /^Did you mean (North|South) Renmin Road or (North|South) Renmin Road\?$/);
  assert.match(ambiguous.speech.zh, /^您是说人民[南北]路还是人民[南北]路？$/);

  const unknown = runTool('navigate', { destination: 'Atlantis' }, world());
  assert.equal(unknown.ok, false);
  assert.match(unknown.speech.en, /couldn't find "Atlantis"/);

  const fuel = runTool('navigate', { nearest: 'petrol station' }, world());
  assert.equal(fuel.ok, false);
  assert.equal(fuel.speech.en, 'This map has no petrol stations.');
});

test('navigate to the nearest parking goes to the closest car park and offers the others', () => {
  const result = runTool('navigate', { nearest: 'parking' }, world());
  assert.ok(result.effect?.kind === 'set-trip');
  const places = cards(result, 'place');
  assert.ok(places.length >= 2);
  assert.ok(places.every((p) => p.placeKind === 'parking'));
  assert.ok(places[0]!.distanceM! <= places[1]!.distanceM!);
  assert.equal(result.effect.trip.stops[0]!.stop.kind, 'parking');
  assert.match(result.speech.en, /\(the nearest\)/);
});

test('navigate warns that a route uses a highway when the driver avoids them', () => {
  const plain = runTool('navigate', { destination: 'Outer Ring Expressway' }, world());
  assert.ok(plain.effect?.kind === 'set-trip', plain.speech.en);
  assert.equal(cards(plain, 'trip')[0]!.usesHighways, true, 'a route onto the expressway uses it');
  assert.doesNotMatch(plain.speech.en, /highway/);
  const avoiding = runTool('navigate', { destination: 'Outer Ring Expressway', avoidHighways: true }, world());
  assert.match(avoiding.speech.en, /It uses a highway; I can't avoid highways yet\.$/);
  const byPreference = runTool('navigate', { destination: 'S20' }, world({ preferences: { favouriteCuisines: [], avoidHighways: true } }));
  assert.match(byPreference.speech.zh, /目前还无法避开高速。$/);
  assert.doesNotMatch(runTool('navigate', { destination: 'Oak Road', avoidHighways: true }, world()).speech.en, /highway/);
});

test('adds a stop before the destination, from where the car is, and says what it costs', () => {
  const trip = tripTo('Oak Road');
  const w = world({ trip, now: new Date(NOON.getTime() + 30_000) });
  const result = runTool('add_stop', { place: '梧桐路停车楼' }, w);
  assert.equal(result.changesRoute, true);
  assert.ok(result.effect?.kind === 'set-trip');
  const stops = result.effect.trip.stops;
  assert.deepEqual(stops.map((s) => s.stop.kind), ['parking', 'destination']);
  assert.equal(stops[1]!.label.en, 'Oak Road');
  assert.equal(result.effect.trip.departureTimeMs, w.now.getTime(), 'replanned from now');
  assert.match(result.speech.en, /^Add Wutong Road Car Park as a stop\? It adds about \d+ min\.$/);
  assert.equal(w.trip, trip);
});

test('removes and reorders stops on a trip with several', () => {
  const base = tripTo('Oak Road');
  const planner = setup.planner;
  const park = setup.geocoder.search('梧桐路停车楼', { near: CENTRE });
  const square = setup.geocoder.search('人民广场', { near: CENTRE });
  assert.ok(park.ok && square.ok);
  const stop = (c: { id: string; lat: number; lon: number; name: { en: string; zh: string } }) => ({
    id: c.id,
    lat: c.lat,
    lon: c.lon,
    kind: 'waypoint' as const,
    nameEn: c.name.en,
    nameZh: c.name.zh,
  });
  // The farther stop first: an order the optimiser can improve or keep.
  const planned = planner.plan({
    start: base.start,
    departure: NOON,
    stops: [stop(park.candidates[0]!), stop(square.candidates[0]!), base.stops[0]!.stop],
  });
  assert.ok(planned.ok);
  const w = world({ trip: planned.trip });

  const removed = runTool('remove_stop', { stop: { kind: 'ordinal', index: 1 } }, w);
  assert.ok(removed.effect?.kind === 'set-trip');
  assert.equal(removed.effect.trip.stops.length, 2);
  assert.match(removed.speech.en, /^Remove .+ from the trip\? Arrive at \d\d:\d\d\.$/);

  const byName = runTool('remove_stop', { stop: { kind: 'name', name: "People's Square" } }, w);
  assert.ok(byName.effect?.kind === 'set-trip');
  assert.ok(!byName.effect.trip.stops.some((s) => s.stop.id === square.candidates[0]!.id));

  const moved = runTool('reorder_stops', { stop: { kind: 'ordinal', index: 1 }, toPosition: 2 }, w);
  assert.ok(moved.effect?.kind === 'set-trip');
  assert.equal(moved.effect.trip.stops[1]!.stop.id, park.candidates[0]!.id);

  const optimised = runTool('reorder_stops', { optimise: true }, w);
  assert.ok(optimised.ok);
  if (optimised.changesRoute) {
    assert.ok(optimised.effect?.kind === 'set-trip');
    assert.ok(optimised.effect.trip.drivingS < planned.trip.drivingS);
  } else assert.match(optimised.speech.en, /already in the fastest order/);

  const unclear = runTool('remove_stop', { stop: { kind: 'other' } }, w);
  assert.equal(unclear.followUp?.kind, 'choose');
});

test('plans a lunch stop on the trip at a place open then', () => {
  const far = setup.geocoder.search('城南站', { near: CENTRE });
  assert.ok(far.ok);
  const trip = tripTo('城南站');
  const result = runTool('meal_stop', { meal: 'lunch', at: { kind: 'in', minutes: 3 } }, world({ trip }));
  assert.ok(result.effect?.kind === 'set-trip', result.speech.en);
  const stops = result.effect.trip.stops;
  assert.equal(stops.length, 2);
  assert.equal(stops[0]!.stop.kind, 'food');
  assert.equal(stops[0]!.stop.dwellMinutes, 45);
  assert.match(result.speech.en, /^Lunch at .+ at \d\d:\d\d: .+\. Add it\?$/);
  assert.match(result.speech.zh, /午餐.*要加上吗？$/);
});

test('finds parking near the destination, applying and saying the driver’s price limit', () => {
  const trip = tripTo('人民广场');
  const free = runTool('find_parking', {}, world({ trip }));
  assert.ok(free.ok);
  const all = cards(free, 'parking');
  assert.ok(all.length > 0 && all.every((c) => c.reasons.length > 0 && c.reasons.every((r) => r.en && r.zh)));
  assert.ok(all.every((c) => haversineM(c.lat, c.lon, trip.stops[0]!.stop.lat, trip.stops[0]!.stop.lon) <= 800));
  assertSpeakable(free);

  const limited = runTool('find_parking', {}, world({ trip, preferences: { favouriteCuisines: [], maxParkingPricePerHour: 6 } }));
  assert.match(limited.speech.en, /^Up to 6 yuan an hour, as you prefer\./);
  assert.match(limited.speech.zh, /^按您的偏好，每小时不超过6元。/);
  for (const card of cards(limited, 'parking')) assert.ok(card.price && (card.price.free || card.price.perHour <= 6));

  const explicit = runTool('find_parking', { maxPricePerHour: 20 }, world({ trip, preferences: { favouriteCuisines: [], maxParkingPricePerHour: 6 } }));
  assert.doesNotMatch(explicit.speech.en, /as you prefer/, 'a price the driver gives wins');
});

test('finds food along the route by detour, near here by walk, and says when nothing fits', () => {
  const trip = tripTo('城南站');
  const along = runTool('find_food', {}, world({ trip }));
  const onRoute = cards(along, 'food');
  assert.ok(onRoute.length > 0 && onRoute.every((c) => c.detourMinutes !== undefined));
  const detours = onRoute.map((c) => c.detourMinutes!);
  assert.deepEqual(detours, [...detours].sort((a, b) => a - b));
  assertSpeakable(along);

  const near = runTool('find_food', { near: { kind: 'here' }, cuisine: '川菜', withinM: 1500 }, world());
  const sichuan = cards(near, 'food');
  assert.ok(sichuan.length > 0 && sichuan.every((c) => c.cuisines.some((k) => k.en === 'Sichuan') && c.detourMinutes === undefined));
  assert.match(near.speech.zh, /^推荐.+，川菜，步行/);

  const none = runTool('find_food', { near: { kind: 'here' }, cuisine: 'Ethiopian' }, world());
  assert.equal(none.ok, false);
  assert.match(none.speech.en, /^No Ethiopian places open near you\.$/);
});

test('moves favourite cuisines up the list and says so', () => {
  const plain = cards(runTool('find_food', { near: { kind: 'here' }, withinM: 1500 }, world()), 'food');
  const favourite = plain.slice(1).flatMap((c) => c.cuisines)[0];
  assert.ok(favourite, 'some later result has a cuisine');
  const cuisineId = favourite.en.toLowerCase();
  const boosted = runTool('find_food', { near: { kind: 'here' }, withinM: 1500 }, world({ preferences: { favouriteCuisines: [cuisineId] } }));
  const first = cards(boosted, 'food')[0]!;
  assert.equal(first.favourite, true);
  assert.ok(first.reasons.some((r) => r.code === 'favourite'));
  assert.match(boosted.speech.en, /your favourite/);
});

test('tells the next traffic light ahead honestly, and reads a signal feed when one is connected', () => {
  const trip = tripTo('城南站');
  const now = new Date(NOON.getTime() + 60_000);
  const honest = runTool('traffic_light', {}, world({ trip, now }));
  const [card] = cards(honest, 'traffic-light');
  if (card) {
    assert.equal(card.live, false);
    assert.match(honest.speech.en, /^Traffic light in [\d.]+ k?m; I have no live data for it\.$/);
  } else assert.match(honest.speech.en, /No traffic light ahead/);

  const feed: TrafficLightSource = { lightAhead: ({ signal }) => (signal ? { phase: 'red', changesInS: 12.4, adviceKmh: 35 } : undefined) };
  const live = runTool('traffic_light', {}, world({ trip, now, trafficLights: feed }));
  if (card) {
    assert.equal(live.speech.en, 'Red for 12 more seconds. Drive about 35 km/h to make the green.');
    assert.equal(live.speech.zh, '红灯，还有12秒。建议车速约35公里/小时通过绿灯。');
  }
  const parked = runTool('traffic_light', {}, world());
  assert.equal(parked.speech.en, 'I have no traffic-light data here.');
});

test('reads the light ahead from a signal feed: the simulated district’s SPaT matched to the car’s lane', () => {
  const simulator = createSignalSimulator(setup.map);
  const store = new SignalStore();
  const feed = signalFeedSource(() => {
    for (const message of simulator.maps()) store.acceptMap(message, NOON.getTime());
    return { store, update: (nowMs) => void store.acceptSpat(simulator.spatAt(nowMs), nowMs) };
  });
  const trip = tripTo('城南站');
  const answers: ToolResult[] = [];
  for (let s = 20; s < trip.durationS; s += 15) {
    const now = new Date(NOON.getTime() + s * 1000);
    const at = positionAt(trip, now);
    if (at.kind !== 'driving') continue;
    answers.push(runTool('traffic_light', {}, world({ trip, now, vehicle: { lat: at.lat, lon: at.lon, speedKmh: 40 }, trafficLights: feed })));
  }
  const live = answers.filter((a) => cards(a, 'traffic-light')[0]?.live);
  assert.ok(live.length > answers.length / 2, `${live.length} of ${answers.length} answers are live`);
  const counted = live.filter((a) => cards(a, 'traffic-light')[0]!.changesInS !== undefined);
  assert.ok(counted.length > 0, 'some answers count down');
  for (const answer of counted) {
    assert.match(answer.speech.en, /^(Green|Red) (in|for) (at least )?\d+ (more )?s\./);
    assert.match(answer.speech.zh, /\d+秒/);
    assertSpeakable(answer);
  }
});

test('tells the trip status from the planned trip and the time', () => {
  const trip = tripTo('城南站');
  const start = runTool('trip_status', { aspect: 'all' }, world({ trip }));
  const status = cards(start, 'status')[0]!;
  assert.equal(status.remainingDistanceM, Math.round(trip.distanceM));
  const later = runTool('trip_status', {}, world({ trip, now: new Date(NOON.getTime() + 120_000) }));
  const moved = cards(later, 'status')[0]!;
  assert.equal(moved.state, 'driving');
  assert.ok(moved.remainingDistanceM < status.remainingDistanceM && moved.remainingS < status.remainingS);
  assert.match(later.speech.en, /^Arriving at \d\d:\d\d: [\d.]+ k?m, \d+ min to go\./);
  assert.ok(moved.nextTurn && moved.nextTurn.distanceM >= 0);
  assertSpeakable(later);
  const eta = runTool('trip_status', { aspect: 'eta' }, world({ trip }));
  assert.match(eta.speech.zh, /^预计\d\d:\d\d到达，还需\d+分钟。$/);
  const arrived = runTool('trip_status', {}, world({ trip, now: new Date(trip.arrivalTimeMs + 60_000) }));
  assert.match(arrived.speech.en, /^You have arrived at /);
  assert.equal(runTool('trip_status', {}, world()).ok, false);
});

test('sets and recalls preferences without touching the route', () => {
  const set = runTool('set_preference', { favouriteCuisine: '川菜', maxParkingPricePerHour: 10 }, world());
  assert.equal(set.changesRoute, false);
  assert.ok(set.effect?.kind === 'set-preferences');
  assert.deepEqual(set.effect.preferences, { favouriteCuisines: ['sichuan'], maxParkingPricePerHour: 10 });
  assert.equal(set.speech.zh, '好的，记住了：您喜欢川菜和停车每小时不超过10元。');
  const recalled = runTool('recall_preferences', {}, world({ preferences: set.effect.preferences }));
  assert.equal(recalled.speech.en, 'I remember you like Sichuan food and parking up to 10 yuan an hour.');
  assert.equal(runTool('recall_preferences', {}, world()).speech.en, "I don't remember any preferences yet.");
});

test('cancel asks before stopping the navigation', () => {
  const trip = tripTo('Oak Road');
  const result = runTool('cancel', { what: 'navigation' }, world({ trip }));
  assert.equal(result.changesRoute, true);
  assert.equal(result.effect?.kind, 'clear-trip');
  assert.equal(result.speech.en, 'Stop the navigation to Oak Road?');
  assert.equal(runTool('cancel', {}, world()).speech.en, 'There is no navigation to stop.');
});

test('rejects invalid arguments with a message naming each problem', () => {
  const result = runTool('find_parking', { maxPricePerHour: -3, near: { kind: 'moon' } }, world());
  assert.equal(result.ok, false);
  assert.match(result.error!, /find_parking\.maxPricePerHour: /);
  assert.match(result.error!, /find_parking\.near/);
  assert.equal(runTool('navigate', { destination: '' }, world()).ok, false);
});

test('generates the JSON Schemas the LLM sees from the intent slot schemas', () => {
  const schemas = toolJsonSchemas();
  assert.deepEqual(schemas.map((s) => s.name), TOOL_NAMES);
  for (const schema of schemas) {
    assert.equal(schema.parameters['type'], 'object', schema.name);
    assert.ok(schema.description.length > 20);
    assert.equal('$schema' in schema.parameters, false);
    const slots = Object.keys(INTENT_SCHEMAS[schema.name].shape);
    const properties = Object.keys((schema.parameters['properties'] as Record<string, unknown> | undefined) ?? {});
    for (const slot of slots) assert.ok(properties.includes(slot), `${schema.name}.${slot}`);
  }
  const navigate = schemas.find((s) => s.name === 'navigate')!;
  assert.equal(navigate.changesRoute, true);
  assert.deepEqual(Object.keys(navigate.parameters['properties'] as object).sort(), ['avoidHighways', 'destination', 'nearest', 'placeId']);
  assert.equal(schemas.find((s) => s.name === 'find_food')!.changesRoute, false);
});

test('plans, searches and reports on a real extract', () => {
  const baltimore = baltimoreWorld();
  const vehicle = mapCentre(baltimore);
  const w = worldOf(baltimore, { vehicle });
  const go = runTool('navigate', { destination: 'Greenmount Avenue' }, w);
  assert.ok(go.effect?.kind === 'set-trip', go.speech.en);
  assert.match(go.speech.en, /^Go to Greenmount Avenue\? About \d+ min/);
  const trip = go.effect.trip;
  const food = runTool('find_food', {}, worldOf(baltimore, { vehicle, trip }));
  assert.ok(food.ok, food.speech.en);
  assert.ok(cards(food, 'food').every((c) => c.detourMinutes !== undefined));
  const parking = runTool('find_parking', { near: { kind: 'here' } }, worldOf(baltimore, { vehicle, trip }));
  assert.ok(parking.ok, parking.speech.en);
  assert.match(parking.speech.en, /walk/);
  const status = runTool('trip_status', {}, worldOf(baltimore, { vehicle, trip, now: new Date(NOON.getTime() + 60_000) }));
  assert.ok(status.ok);
  const nearest = runTool('navigate', { nearest: 'hospital' }, w);
  assert.ok(nearest.effect?.kind === 'set-trip', nearest.speech.en);
});
