import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { checkSumo, generateScenario, startSumo, type Scenario, type SumoCheck } from '../../src/signals/sumo/scenario.ts';
import { TraciError, simulation, trafficLight, vehicle } from '../../src/signals/sumo/traci.ts';
import { SIM_EPOCH_MS, runStudy, type GreenPredictor } from '../../src/signals/sumo/harness.ts';
import type { SpatMessage } from '../../src/signals/model.ts';

const dir = mkdtempSync(join(tmpdir(), 'cabin-sumo-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** SUMO must be installed: a missing simulator fails with the way to install it rather than skipping. */
function requireSumo(): Extract<SumoCheck, { ok: true }> {
  const check = checkSumo();
  if (!check.ok) assert.fail(`SUMO is needed for this test: ${check.reason}`);
  return check;
}

function smallGrid(name: string, signals: 'static' | 'actuated', check: SumoCheck): Scenario {
  return generateScenario(
    {
      dir: join(dir, name),
      network: { kind: 'grid', size: 2, blockM: 150, lanes: 2, attachM: 120 },
      signals,
      traffic: { periodS: 2, endS: 120, seed: 11 },
      outputs: { tlsStates: true, tripinfo: true },
    },
    check,
  );
}

/** `<tlsState time=".." id=".." programID=".." phase=".." state=".."/>` rows of SUMO's SaveTLSStates output. */
function readTlsStates(path: string): Map<string, { phase: number; state: string }> {
  const rows = new Map<string, { phase: number; state: string }>();
  for (const m of readFileSync(path, 'utf8').matchAll(/<tlsState time="([\d.]+)" id="([^"]+)" programID="[^"]*" phase="(\d+)" state="([^"]+)"/g)) {
    rows.set(`${Number(m[1]).toFixed(1)} ${m[2]}`, { phase: Number(m[3]), state: m[4]! });
  }
  return rows;
}

test('reads the same light states and switch times over TraCI as SUMO writes to its own output', async () => {
  const check = requireSumo();
  const scenario = smallGrid('fixed', 'static', check);
  const run = await startSumo(scenario, { seed: 11 });
  const { client } = run;
  try {
    assert.ok(client.version.apiVersion >= 20, `TraCI API ${client.version.apiVersion}`);
    assert.match(client.version.sumoVersion, new RegExp(check.version.replace(/\./g, '\\.')));
    assert.deepEqual((await client.trafficLight.getIDList()).sort(), scenario.tlsIds);

    const id = scenario.tlsIds[0]!;
    const [program] = await client.trafficLight.getAllProgramLogics(id);
    assert.equal(program?.type, 'static');
    const links = await client.trafficLight.getControlledLinks(id);
    assert.equal(links.length, program.phases[0]!.state.length, 'one link list per state character');
    assert.deepEqual(await client.trafficLight.getControlledLanes(id), links.map((l) => l[0]!.fromLane));
    assert.ok((await client.lane.getLength(links[0]![0]!.fromLane)) > 100);
    assert.ok(Math.abs((await client.lane.getMaxSpeed(links[0]![0]!.fromLane)) - 13.89) < 0.01);

    // Step 40 s, reading state, phase and next switch of every light after each step.
    const stepS = await client.get(simulation.getDeltaT());
    const seen: { timeS: number; tlsId: string; state: string; phase: number; nextSwitchS: number }[] = [];
    for (let step = 0; step < 400; step++) {
      await client.simulationStep();
      const [time, ...values] = await client.send([simulation.getTime(), ...scenario.tlsIds.flatMap((t) => [trafficLight.getRedYellowGreenState(t), trafficLight.getPhase(t), trafficLight.getNextSwitch(t)])]);
      scenario.tlsIds.forEach((tlsId, i) => {
        seen.push({ timeS: time - stepS, tlsId, state: values[3 * i] as string, phase: values[3 * i + 1] as number, nextSwitchS: values[3 * i + 2] as number });
      });
    }

    // A vehicle obeys a speed set over TraCI, and SUMO's refusals name the command.
    const [someone] = await client.vehicle.getIDList();
    assert.ok(someone, 'vehicles are driving');
    await client.vehicle.setSpeed(someone, 3);
    for (let i = 0; i < 30; i++) await client.simulationStep();
    const [speed, position, laneId, road] = await client.send([vehicle.getSpeed(someone), vehicle.getPosition(someone), vehicle.getLaneID(someone), vehicle.getRoadID(someone)]);
    assert.ok(speed <= 3.01, `held at 3 m/s, drives ${speed}`);
    assert.ok(Number.isFinite(position.x) && Number.isFinite(position.y));
    assert.ok(laneId.startsWith(road) || laneId.startsWith(':'), `${laneId} on ${road}`);
    await assert.rejects(client.vehicle.getSpeed('no-such-vehicle'), (error: unknown) => error instanceof TraciError && /vehicle\.getSpeed\("no-such-vehicle"\)/.test(error.message));
    assert.ok((await client.vehicle.getSpeed(someone)) >= 0, 'the connection survives a refused command');

    await run.stop();
    const written = readTlsStates(scenario.tlsStatesFile!);
    for (const row of seen) {
      const own = written.get(`${row.timeS.toFixed(1)} ${row.tlsId}`);
      assert.ok(own, `SUMO wrote no state for ${row.tlsId} at ${row.timeS}`);
      assert.equal(row.state, own.state, `${row.tlsId} at ${row.timeS}`);
      assert.equal(row.phase, own.phase, `${row.tlsId} at ${row.timeS}`);
    }
    // For a fixed-time light, the next switch SUMO announces is when its output shows the phase change.
    let checked = 0;
    for (const row of seen) {
      const at = written.get(`${row.nextSwitchS.toFixed(1)} ${row.tlsId}`);
      if (!at) continue; // beyond the 40 s observed
      const before = written.get(`${(row.nextSwitchS - stepS).toFixed(1)} ${row.tlsId}`);
      assert.equal(before?.phase, row.phase, `${row.tlsId}: still phase ${row.phase} just before ${row.nextSwitchS}`);
      assert.notEqual(at.phase, row.phase, `${row.tlsId}: switched at ${row.nextSwitchS} as announced at ${row.timeS}`);
      checked++;
    }
    assert.ok(checked > 1000, `${checked} announced switches checked`);
  } finally {
    await run.stop();
  }
});

test('publishes actuated signals with bounds that contain the switch SUMO later makes', async () => {
  const check = requireSumo();
  const scenario = smallGrid('actuated', 'actuated', check);
  const run = await startSumo(scenario, { seed: 11 });
  const messages: SpatMessage[] = [];
  const recorder: GreenPredictor = { name: 'recorder', observe: (message) => messages.push(message), greenAtMs: () => undefined };
  try {
    const result = await runStudy(run, scenario, { durationS: 150, warmupS: 0, publication: 'actuated-bounds', predictors: [recorder] });
    assert.equal(result.layouts[0]!.program.type, 'actuated');
    assert.ok(result.switches.of(scenario.tlsIds[0]!).timeS.length > 4, 'the lights switched');
    let bounded = 0;
    for (const message of messages) {
      for (const intersection of message.intersections) {
        const layout = result.layouts[intersection.ref.id - 1]!;
        const log = result.switches.of(layout.tlsId);
        const nowS = (intersection.timestamp - SIM_EPOCH_MS) / 1000;
        for (const group of intersection.groups) {
          const timing = group.events[0]?.timing;
          if (timing?.minEndTime === undefined || timing.maxEndTime === undefined) continue;
          assert.equal(timing.likelyTime, undefined, 'no likely time is invented for actuated signals');
          const phases = layout.groups[group.signalGroup - 1]!.phaseByProgramPhase;
          // The first later switch that changes this group's light.
          const i = log.timeS.findIndex((t, k) => t > nowS && phases[log.phaseIndex[k]!] !== group.events[0]!.phase);
          if (i < 0) continue;
          const endMs = SIM_EPOCH_MS + Math.round(log.timeS[i]! * 1000);
          assert.ok(endMs >= timing.minEndTime && endMs <= timing.maxEndTime, `${layout.tlsId}/${group.signalGroup} at ${nowS}: ended ${endMs - SIM_EPOCH_MS} outside [${timing.minEndTime - SIM_EPOCH_MS}, ${timing.maxEndTime - SIM_EPOCH_MS}]`);
          bounded++;
        }
      }
    }
    assert.ok(bounded > 500, `${bounded} published bounds checked`);
  } finally {
    await run.stop();
  }
});
