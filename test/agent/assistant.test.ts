import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Assistant } from '../../src/agent/assistant.ts';
import type { LlmConfig, LlmPlanner, PlannerResult, PlannerTurn } from '../../src/agent/llm/index.ts';
import { CENTRE, NOON, agentOn, defaultWorld } from './fixtures.ts';

/** A planner that answers from a script instead of a model, recording what it was given. */
function scriptedPlanner(reply: (turn: PlannerTurn<unknown>) => PlannerResult<unknown> | Promise<PlannerResult<unknown>>): LlmPlanner & { turns: PlannerTurn<unknown>[] } {
  const turns: PlannerTurn<unknown>[] = [];
  return {
    config: { url: 'http://127.0.0.1:1/v1', model: 'scripted' } as unknown as LlmConfig,
    turns,
    async turn<T>(turn: PlannerTurn<T>): Promise<PlannerResult<T>> {
      turns.push(turn as PlannerTurn<unknown>);
      return (await reply(turn as PlannerTurn<unknown>)) as PlannerResult<T>;
    },
  };
}

const trace = { rounds: [], elapsedMs: 1 } as unknown as PlannerResult<unknown>['trace'];
const input = { now: NOON, vehicle: CENTRE };

test('a route change the model asks for waits for the driver, and yes starts it', async () => {
  const planner = scriptedPlanner(() => ({
    path: 'llm',
    outcome: { kind: 'confirm', tool: 'navigate', args: { destination: 'Oak Road' }, question: { en: 'Go to Oak Road?', zh: '去橡树路吗？' }, language: 'en' },
    trace,
  }));
  const assistant = new Assistant(agentOn(defaultWorld()), planner);
  const asked = await assistant.turn('I need to get over to Oak Road', input);
  assert.equal(asked.path, 'llm');
  assert.equal(asked.turn.expecting, 'confirmation');
  assert.equal(assistant.agent.trip, undefined, 'nothing changed before the driver said yes');
  // The yes belongs to Cabin's own question: the embedded path answers it, not the model.
  const yes = await assistant.turn('yes', input);
  assert.equal(yes.path, 'embedded');
  assert.equal(planner.turns.length, 1);
  assert.ok(assistant.agent.trip, 'the trip started on yes');
});

test('the model sees the agent tools and the dialogue history', async () => {
  const planner = scriptedPlanner(() => ({ path: 'llm', outcome: { kind: 'answer', text: 'Sure.', language: 'en' }, trace }));
  const assistant = new Assistant(agentOn(defaultWorld()), planner);
  await assistant.turn('hello there', input);
  await assistant.turn('what can you do', input);
  const names = planner.turns[1]!.tools.map((t) => t.name);
  for (const name of ['navigate', 'find_parking', 'find_food', 'traffic_light', 'trip_status']) assert.ok(names.includes(name), name);
  assert.deepEqual(planner.turns[1]!.history, [
    { role: 'driver', text: 'hello there' },
    { role: 'cabin', text: 'Sure.' },
  ]);
});

test('falls back to the embedded path, saying why, when the model cannot answer', async () => {
  const planner = scriptedPlanner(async (turn) => ({ path: 'embedded', reason: { kind: 'timeout', afterMs: 4000 }, answer: await turn.fallback({ kind: 'timeout', afterMs: 4000 }), trace }) as PlannerResult<unknown>);
  const assistant = new Assistant(agentOn(defaultWorld()), planner);
  const answered = await assistant.turn('find parking near the destination', input);
  assert.equal(answered.path, 'embedded');
  assert.ok(answered.note && answered.note.length > 0);
  assert.ok(answered.turn.speech.text.length > 0);
});
