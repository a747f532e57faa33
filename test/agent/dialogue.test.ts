import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Card } from '../../src/agent/tools.ts';
import type { TurnResult } from '../../src/agent/dialogue.ts';
import type { Trip } from '../../src/places/index.ts';
import { understand } from '../../src/agent/understanding/index.ts';
import { CENTRE, NOON, agentOn, defaultWorld } from './fixtures.ts';

const setup = defaultWorld();

/** Where four car parks are within walking distance. */
const AMONG_CAR_PARKS = { lat: 31.22624, lon: 121.48589 };

/** An agent and a `say` that talks to it at NOON (plus `minutes`) from `vehicle`. */
function conversation(options: Parameters<typeof agentOn>[1] = {}, vehicle = CENTRE) {
  const agent = agentOn(setup, options);
  const say = (text: string, minutes = 0): TurnResult => agent.turn(text, { now: new Date(NOON.getTime() + minutes * 60_000), vehicle });
  /** The agent's trip now (a function, so an earlier assertion's narrowing does not stick). */
  const trip = (): Trip | undefined => agent.trip;
  return { agent, say, trip };
}

function ofKind<K extends Card['kind']>(cards: Card[], kind: K): Extract<Card, { kind: K }>[] {
  return cards.filter((c): c is Extract<Card, { kind: K }> => c.kind === kind);
}

/** Short enough to hear while driving: at most two sentences. */
function assertShort(reply: TurnResult): void {
  const { text, language } = reply.speech;
  const sentences = text.split(language === 'zh' ? /(?<=[。？！])/u : /(?<=[.?!])\s+/u).filter((s) => s.trim() !== '');
  assert.ok(sentences.length <= 2, `"${text}" has at most two sentences`);
  assert.ok(text.length <= (language === 'zh' ? 60 : 140), `"${text}" is short`);
}

test('asks before changing the route, and changes it on yes', () => {
  const { say, trip } = conversation();
  const asked = say('take me to Oak Road');
  assert.equal(asked.expecting, 'confirmation');
  assert.match(asked.speech.text, /^Go to Oak Road\? About \d+ min/);
  assert.equal(trip(), undefined, 'nothing changes before the driver says yes');
  assert.deepEqual(asked.toolCalls.map((c) => [c.name, c.applied]), [['navigate', false]]);
  const done = say('yes');
  assert.match(done.speech.text, /^Starting route to Oak Road\. Arrive at \d\d:\d\d\.$/);
  assert.equal(trip()?.stops[0]!.label.en, 'Oak Road');
  assert.deepEqual(done.toolCalls.map((c) => [c.name, c.applied]), [['navigate', true]]);
  assert.equal(ofKind(done.cards, 'trip').length, 1);
  assert.equal(done.expecting, 'nothing');
});

test('drops a proposed route change on no', () => {
  const { agent, say } = conversation();
  say('导航到人民广场');
  const no = say('不用');
  assert.equal(no.speech.text, '好的，已取消。');
  assert.equal(agent.trip, undefined);
});

test('picks "the second one" from the results, says what it is, and goes there on yes', () => {
  const { agent, say } = conversation({}, AMONG_CAR_PARKS);
  const found = say('find parking');
  const results = ofKind(found.cards, 'parking');
  assert.ok(results.length >= 2);
  const second = say('the second one');
  assert.match(second.speech.text, new RegExp(`^Number 2, ${escape(results[1]!.name.en)}: .*Go there\\?$`));
  assert.equal(second.expecting, 'confirmation');
  say('yes');
  assert.equal(agent.trip?.stops[0]!.stop.id, results[1]!.id);
});

test('"go there" goes to the result being talked about, and "no, the other one" offers the next', () => {
  const { agent, say } = conversation({}, AMONG_CAR_PARKS);
  const found = ofKind(say('find parking').cards, 'parking');
  const there = say('go there');
  assert.match(there.speech.text, new RegExp(`^Go to ${escape(found[0]!.name.en)}\\?`));
  const other = say('no, the other one');
  assert.match(other.speech.text, new RegExp(`^Go to ${escape(found[1]!.name.en)}\\?`));
  say('yes');
  assert.equal(agent.trip?.stops[0]!.stop.id, found[1]!.id);
});

test('"no, the other one" after a named destination offers the next place of that name', () => {
  const { say } = conversation();
  const first = say('take me to Oak Road');
  const places = ofKind(first.cards, 'place');
  assert.ok(places.length >= 2);
  const other = say('no, the other one');
  assert.match(other.speech.text, new RegExp(`^Go to ${escape(places[1]!.name.en)}\\?`));
  assert.equal(other.expecting, 'confirmation');
});

test('"anything cheaper?" repeats the last parking search below the price shown', () => {
  const { say } = conversation();
  const first = ofKind(say('find parking near People\'s Square').cards, 'parking');
  const priced = first[0]!.price;
  assert.ok(priced && !priced.free, 'the best result has a price');
  const cheaper = say('anything cheaper?');
  const call = cheaper.toolCalls[0]!;
  assert.equal(call.name, 'find_parking');
  assert.deepEqual((call.args as { near: unknown }).near, { kind: 'place', name: "People's Square" });
  const results = ofKind(cheaper.cards, 'parking');
  if (results.length === 0) assert.match(cheaper.speech.text, /^Nothing cheaper than/);
  for (const card of results) assert.ok(card.price && (card.price.free || card.price.perHour < priced.perHour));
});

test('"what about Italian?" repeats the last food search with the new cuisine', () => {
  const { say } = conversation();
  say('find food near here');
  const italian = say('what about Italian?');
  const call = italian.toolCalls[0]!;
  assert.equal(call.name, 'find_food');
  assert.deepEqual(call.args, { near: { kind: 'here' }, cuisine: 'italian' });
  const results = ofKind(italian.cards, 'food');
  if (results.length === 0) assert.equal(italian.speech.text, 'No Italian places open near you.');
  for (const card of results) assert.ok(card.cuisines.some((c) => c.en === 'Italian' || c.en === 'Pizza'), card.name.en);
  const hotpot = say('火锅呢');
  assert.equal(hotpot.speech.language, 'zh');
  assert.deepEqual(hotpot.toolCalls[0]!.args, { near: { kind: 'here' }, cuisine: 'hot_pot' });
});

test('asks for a missing destination and carries on with the answer', () => {
  const { say } = conversation();
  const where = say('navigate');
  assert.equal(where.speech.text, 'Where to?');
  assert.equal(where.expecting, 'slot');
  const answer = say('人民广场');
  assert.equal(answer.speech.language, 'zh');
  assert.match(answer.speech.text, /^去人民广场吗？约\d+分钟/);
  assert.equal(answer.expecting, 'confirmation');
});

test('asks which of two places the driver meant, and carries on with the choice', () => {
  const { agent, say } = conversation();
  const which = say('take me to Renmin Road');
  assert.equal(which.expecting, 'choice');
  assert.match(which.speech.text, /^Did you mean (South|North) Renmin Road or (South|North) Renmin Road\?$/);
  const options = ofKind(which.cards, 'place');
  const second = say('the second one');
  assert.match(second.speech.text, new RegExp(`^Go to ${escape(options[1]!.name.en)}\\?`));
  say('yes');
  assert.equal(agent.trip?.stops[0]!.label.en, options[1]!.name.en);

  const byName = conversation();
  byName.say('导航到人民路');
  const picked = byName.say('人民北路');
  assert.match(picked.speech.text, /^改为去人民北路吗？|^去人民北路吗？/);
});

test('offers food found along the route as a stop on the way', () => {
  const { agent, say } = conversation();
  say('导航到城南站');
  say('好的');
  const found = ofKind(say('find food').cards, 'food');
  assert.ok(found.length > 0 && found.every((c) => c.detourMinutes !== undefined));
  const pick = say('the first one');
  assert.match(pick.speech.text, /Stop there on the way\?$/);
  say('yes');
  assert.deepEqual(agent.trip?.stops.map((s) => s.stop.id), [found[0]!.id, agent.trip!.stops[1]!.stop.id]);
  const status = say('how long until we arrive?', 1);
  assert.match(status.speech.text, /^Arriving at \d\d:\d\d, in \d+ min\.$/);
});

test('answers in the language of each utterance, in one or two short sentences', () => {
  const { say } = conversation();
  const turns = [
    say('导航到人民广场'),
    say('是'),
    say('附近有什么川菜'),
    say('take me to the nearest parking'),
    say('no'),
    say('traffic light', 1),
    say('红绿灯', 1),
    say('how long until we arrive?', 1),
    say('我喜欢川菜'),
    say('sing me a song'),
  ];
  const languages = turns.map((t) => t.speech.language);
  assert.deepEqual(languages, ['zh', 'zh', 'zh', 'en', 'en', 'en', 'zh', 'en', 'zh', 'en']);
  for (const turn of turns) {
    assertShort(turn);
    if (turn.speech.language === 'zh') assert.match(turn.speech.text, /[\u4e00-\u9fff]/u);
    else assert.doesNotMatch(turn.speech.text, /[\u4e00-\u9fff]/u);
  }
  assert.equal(turns[9]!.speech.text, "Sorry, I can't help with that. I can plan routes and find parking and food.");
});

test('answers in a fixed language when told to', () => {
  const { say } = conversation({ language: 'zh' });
  const reply = say('take me to Oak Road');
  assert.equal(reply.speech.language, 'zh');
  assert.match(reply.speech.text, /^去橡树路吗？/);
});

test('asks the driver to say it again when the understanding is unsure', () => {
  const { say } = conversation({ understand: (text, context) => ({ ...understand(text, context), confidence: 0.1 }) });
  assert.equal(say('take me to Oak Road').speech.text, 'Sorry, could you say that again?');
});

test('stops the navigation after asking', () => {
  const { say, trip } = conversation();
  say('take me to Oak Road');
  say('yes');
  const ask = say('cancel navigation');
  assert.equal(ask.speech.text, 'Stop the navigation to Oak Road?');
  assert.ok(trip());
  assert.equal(say('yes').speech.text, 'Navigation stopped.');
  assert.equal(trip(), undefined);
});

test('runs a tool call decided elsewhere (the LLM planner) through the same confirmation', () => {
  const { agent, say, trip } = conversation();
  const proposed = agent.act('navigate', { destination: '人民广场' }, { now: NOON, vehicle: CENTRE }, understand('去人民广场', {}));
  assert.equal(proposed.expecting, 'confirmation');
  assert.match(proposed.speech.text, /^去人民广场吗？/);
  assert.equal(trip(), undefined);
  say('好的');
  assert.equal(trip()?.stops[0]!.label.zh, '人民广场');
  const invalid = agent.act('find_parking', { maxPricePerHour: 'cheap' }, { now: NOON, vehicle: CENTRE }, understand('find parking', {}));
  assert.equal(invalid.toolCalls[0]!.ok, false);
  assert.match(invalid.toolCalls[0]!.error!, /find_parking\.maxPricePerHour/);
});

test('tells the understanding what it is waiting for', () => {
  const { agent, say } = conversation();
  assert.equal(agent.context().expecting, 'nothing');
  say('navigate');
  assert.deepEqual(agent.context(), {
    expecting: 'slot',
    lastIntent: 'navigate',
    awaitingSlot: 'destination',
    awaitingConfirmation: false,
    hasResults: false,
    resultNames: [],
    navigating: false,
    language: 'en',
  });
  assert.deepEqual(agent.context(NOON).timeZoneNow, { hour: 12, minute: 0 }, "the region's clock, for a bare 'at 11'");
  say('take me to Renmin Road');
  assert.equal(agent.context().expecting, 'choice');
  assert.equal(agent.context().hasResults, true);
  assert.equal(agent.context().resultNames.length, 2);
  say('the first one');
  assert.equal(agent.context().awaitingConfirmation, true);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
