/**
 * How good are Cabin's traffic-light countdown and speed advice when an
 * independent simulator runs the signals and the traffic?
 *
 * SUMO (its own traffic model, vehicle-actuated and fixed-time controllers)
 * runs a 4×4 grid of signalised junctions with seeded random demand. The
 * harness (src/signals/sumo/harness.ts) plays the roadside units: fixed-time
 * controllers publish their exact plan; actuated ones only the bounds a real
 * controller can promise (minDur/maxDur and the time spent). It measures:
 *
 * 1. time-to-green error of Cabin's countdown for red signal groups that
 *    probe vehicles approach, against the switch SUMO later makes, next to
 *    baselines read straight from the message;
 * 2. driving with and without advice: a share of vehicles follow Cabin's
 *    GLOSA speed (set over TraCI); the same vehicles in the same demand
 *    without advice are the baseline; SUMO's own GLOSA device on the same
 *    vehicles is a reference where this SUMO has it. Stops, travel time and
 *    fuel/CO2 come from SUMO's tripinfo output (HBEFA emission model).
 *
 *   npm run bench -- signals-sumo
 *   CABIN_SUMO_SEEDS=1,2,3 CABIN_SUMO_SHARE=0.3 npm run bench -- signals-sumo
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSumo, generateScenario, startSumo, type Scenario, type ScenarioSpec } from '../src/signals/sumo/scenario.ts';
import {
  cabinCountdownPredictors,
  cabinSpeedAdvisor,
  countdownFigures,
  drivingFigures,
  messagePredictors,
  pairedChange,
  pairedTrips,
  readTripinfo,
  type PairedChange,
  runStudy,
  type CountdownSample,
  type StudyResult,
  type Trip,
} from '../src/signals/sumo/harness.ts';

const SEEDS = (process.env['CABIN_SUMO_SEEDS'] ?? '1,2,3').split(',').filter(Boolean).map(Number);
const SHARE = Number(process.env['CABIN_SUMO_SHARE'] ?? 0.3);
/** Departures for 14 minutes, then 6 more for the last trips to finish. */
const DEPART_S = 840;
const RUN_S = 1200;
/** The countdown's history learns meanwhile; samples before are not counted. */
const WARMUP_S = 300;
const RANGE_M = 300;
const HORIZONS: [number, number][] = [
  [0, 10],
  [10, 20],
  [20, 40],
];

interface Case {
  name: string;
  signals: ScenarioSpec['signals'];
  periodS: number;
}
const CASES: Case[] = [
  { name: 'fixed-time', signals: 'static', periodS: 1.0 },
  { name: 'actuated, light', signals: 'actuated', periodS: 1.5 },
  { name: 'actuated, heavy', signals: 'actuated', periodS: 0.5 },
];
type Arm = 'no advice' | 'Cabin GLOSA' | 'SUMO GLOSA device';

const check = checkSumo();
if (!check.ok) {
  console.error(`bench/signals-sumo: ${check.reason}`);
  process.exit(1);
}
const arms: Arm[] = ['no advice', 'Cabin GLOSA', ...(check.glosaDevice ? (['SUMO GLOSA device'] as const) : [])];
const root = mkdtempSync(join(tmpdir(), 'cabin-bench-sumo-'));
const startedAt = Date.now();

/** A deterministic share of the trips, by a hash of id and seed: the equipped vehicles. */
function equipped(ids: readonly string[], seed: number, share: number): Set<string> {
  const chosen = new Set<string>();
  for (const id of ids) {
    let h = 2166136261 ^ seed;
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
    if ((h >>> 0) / 4294967296 < share) chosen.add(id);
  }
  return chosen;
}

interface RunOutcome {
  caseName: string;
  seed: number;
  arm: Arm;
  study: StudyResult;
  trips: Trip[];
  equipped: Set<string>;
}

/** One scenario per case and seed, shared by its arms: the same network and the same trips. */
const scenarios = new Map<string, Scenario>();
function scenarioFor(c: Case, seed: number): Scenario {
  const key = `${c.name.replace(/\W+/g, '-')}-${seed}`;
  let scenario = scenarios.get(key);
  if (!scenario) {
    scenario = generateScenario(
      {
        dir: join(root, key),
        network: { kind: 'grid', size: 4, blockM: 250, lanes: 2, attachM: 200 },
        signals: c.signals,
        traffic: { periodS: c.periodS, endS: DEPART_S, seed },
        outputs: { tripinfo: true },
      },
      check,
    );
    scenarios.set(key, scenario);
  }
  return scenario;
}

async function runArm(c: Case, seed: number, arm: Arm): Promise<RunOutcome> {
  const scenario = scenarioFor(c, seed);
  const tripinfo = join(scenario.spec.dir, `tripinfo-${arm.replace(/\W+/g, '-')}.xml`);
  const vehicles = equipped(scenario.vehicleIds, seed, SHARE);
  const run = await startSumo(scenario, {
    seed,
    extraArgs: ['--tripinfo-output', tripinfo],
    ...(arm === 'SUMO GLOSA device' ? { glosa: { vehicleIds: [...vehicles], rangeM: RANGE_M } } : {}),
  });
  try {
    const study = await runStudy(run, scenario, {
      durationS: RUN_S,
      warmupS: WARMUP_S,
      publication: c.signals === 'static' ? 'fixed-plan' : 'actuated-bounds',
      rangeM: RANGE_M,
      ...(arm === 'no advice' ? { predictors: [...cabinCountdownPredictors(), ...messagePredictors] } : {}),
      ...(arm === 'Cabin GLOSA' ? { advice: { advisor: cabinSpeedAdvisor(), vehicleIds: vehicles, everyS: 0.5 } } : {}),
    });
    await run.stop();
    return { caseName: c.name, seed, arm, study, trips: readTripinfo(tripinfo), equipped: vehicles };
  } finally {
    await run.stop();
  }
}

/** Runs jobs with at most `limit` at once (one SUMO per core). */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}

const fixed = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(0)} %` : '–');

const jobs = CASES.flatMap((c) => SEEDS.flatMap((seed) => arms.map((arm) => () => runArm(c, seed, arm))));
const outcomes = await pool(jobs, Math.max(1, Math.min(2, availableParallelism())));
rmSync(root, { recursive: true, force: true });

console.log(`SUMO ${check.version} (TraCI), GLOSA device: ${check.glosaDevice ? 'yes' : 'no'}; ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores`);
console.log(
  `4×4 grid, 250 m blocks, 2 lanes, 50 km/h; random fringe-to-fringe trips for ${DEPART_S} s, ${RUN_S} s simulated at 0.1 s steps; seeds ${SEEDS.join(', ')}; ` +
    `advice for ${pct(SHARE)} of vehicles within ${RANGE_M} m, updated every 0.5 s.\n`,
);

console.log('### Time to green for a red signal group (probe vehicle within range; after a warm-up of the countdown history)\n');
console.log('| signals | predictor | true time to green | samples | coverage | p50 abs error | p95 abs error | greens > 2 s early | median bias |');
console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
const countdownByCase = new Map<string, ReturnType<typeof countdownFigures>>();
for (const c of CASES) {
  const samples: CountdownSample[] = outcomes.filter((o) => o.caseName === c.name && o.arm === 'no advice').flatMap((o) => o.study.samples);
  // Fixed-time messages state every switch, so all message readings agree; actuated ones state no likely time.
  const rows = countdownFigures(samples, HORIZONS).filter((r) =>
    c.signals === 'actuated' ? r.predictor !== 'message: likely time' : r.predictor.startsWith('Cabin') || r.predictor === 'message: likely time',
  );
  countdownByCase.set(c.name, rows);
  for (const r of rows) {
    console.log(
      `| ${c.name} | ${r.predictor} | ${r.horizon} | ${r.samples} | ${pct(r.coverage)} | ${fixed(r.p50AbsErrorS)} s | ${fixed(r.p95AbsErrorS)} s | ${pct(r.earlyOver2s)} | ${fixed(r.medianBiasS)} s |`,
    );
  }
}

console.log('\n### Driving with and without advice (the same equipped vehicles in the same demand; trips that finished in every arm; Δ with 95 % interval of the paired per-vehicle change)\n');
console.log('| signals | arm | trips | stops/km | Δ stops | mean travel | Δ travel | fuel g/km | Δ fuel | CO2 g/km | all vehicles: Δ travel | advice given |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
interface ArmFigures {
  figures: ReturnType<typeof drivingFigures>;
  stops: PairedChange;
  travel: PairedChange;
  fuel: PairedChange;
  travelAll: PairedChange;
}
const drivingByCase = new Map<string, Map<Arm, ArmFigures>>();
const change = (c: PairedChange): string =>
  Number.isFinite(c.relative) ? `${c.relative >= 0 ? '+' : ''}${(100 * c.relative).toFixed(1)} % [${(100 * c.low).toFixed(1)}, ${(100 * c.high).toFixed(1)}]` : '–';
for (const c of CASES) {
  const perArm = new Map<Arm, { equippedTrips: Trip[]; allTrips: Trip[]; adviceTicks: number }>(arms.map((arm) => [arm, { equippedTrips: [], allTrips: [], adviceTicks: 0 }]));
  for (const seed of SEEDS) {
    const runs = arms.map((arm) => outcomes.find((o) => o.caseName === c.name && o.seed === seed && o.arm === arm)!);
    const ids = runs[0]!.equipped;
    const pairedEquipped = pairedTrips(runs.map((r) => r.trips), ids);
    const pairedAll = pairedTrips(runs.map((r) => r.trips), new Set(runs[0]!.trips.map((t) => t.id)));
    arms.forEach((arm, i) => {
      const entry = perArm.get(arm)!;
      entry.equippedTrips.push(...pairedEquipped[i]!);
      entry.allTrips.push(...pairedAll[i]!);
      entry.adviceTicks += runs[i]!.study.adviceApplied;
    });
  }
  const base = perArm.get('no advice')!;
  const figures = new Map<Arm, ArmFigures>();
  for (const arm of arms) {
    const entry = perArm.get(arm)!;
    const of = (trips: Trip[], key: 'stops' | 'durationS' | 'fuelMg'): number[] => trips.map((t) => t[key]);
    figures.set(arm, {
      figures: drivingFigures(entry.equippedTrips),
      stops: pairedChange(of(base.equippedTrips, 'stops'), of(entry.equippedTrips, 'stops')),
      travel: pairedChange(of(base.equippedTrips, 'durationS'), of(entry.equippedTrips, 'durationS')),
      fuel: pairedChange(of(base.equippedTrips, 'fuelMg'), of(entry.equippedTrips, 'fuelMg')),
      travelAll: pairedChange(of(base.allTrips, 'durationS'), of(entry.allTrips, 'durationS')),
    });
  }
  drivingByCase.set(c.name, figures);
  for (const arm of arms) {
    const f = figures.get(arm)!;
    const ticks = perArm.get(arm)!.adviceTicks;
    const baseline = arm === 'no advice';
    console.log(
      `| ${c.name} | ${arm} | ${f.figures.trips} | ${fixed(f.figures.stopsPerKm, 2)} | ${baseline ? '–' : change(f.stops)} | ${fixed(f.figures.meanTravelS)} s | ${baseline ? '–' : change(f.travel)} | ` +
        `${fixed(f.figures.fuelGPerKm)} | ${baseline ? '–' : change(f.fuel)} | ${fixed(f.figures.co2GPerKm)} | ${baseline ? '–' : change(f.travelAll)} | ` +
        `${arm === 'Cabin GLOSA' ? `${(ticks / 2 / 60).toFixed(0)} vehicle-min` : baseline ? '–' : 'SUMO'} |`,
    );
  }
}

console.log('\n### Targets\n');
console.log('| target | case | measured | met |');
console.log('| --- | --- | --- | --- |');
const yes = (ok: boolean): string => (ok ? 'yes' : '**no**');
for (const c of CASES.filter((k) => k.signals === 'actuated')) {
  const rows = countdownByCase.get(c.name)!.filter((r) => r.predictor === 'Cabin: likely green');
  const near = rows.find((r) => r.horizon === '10–20 s')!;
  const far = rows.find((r) => r.horizon === '20–40 s')!;
  console.log(`| time-to-green p50 error ≤ 1.0 s at 10–20 s | ${c.name} | ${fixed(near.p50AbsErrorS)} s (coverage ${pct(near.coverage)}) | ${yes(near.p50AbsErrorS <= 1)} |`);
  console.log(`| time-to-green p50 error ≤ 2.0 s at 20–40 s | ${c.name} | ${fixed(far.p50AbsErrorS)} s (coverage ${pct(far.coverage)}) | ${yes(far.p50AbsErrorS <= 2)} |`);
  const early = (near.earlyOver2s * near.coverage * near.samples + far.earlyOver2s * far.coverage * far.samples) / (near.coverage * near.samples + far.coverage * far.samples);
  console.log(`| ≤ 5 % of greens > 2 s early (10–40 s) | ${c.name} | ${pct(early)} | ${yes(early <= 0.05)} |`);
}
const fixedTime = drivingByCase.get('fixed-time')!.get('Cabin GLOSA')!;
console.log(`| ≥ 20 % fewer stops with advice | fixed-time | stops ${change(fixedTime.stops)} | ${yes(fixedTime.stops.relative <= -0.2)} |`);
const heavy = drivingByCase.get('actuated, heavy')!.get('Cabin GLOSA')!;
// "No slowdown": no statistically significant increase (the 95 % interval of the paired change reaches 0 or below).
console.log(`| no slowdown with advice | actuated, heavy | travel time: advised ${change(heavy.travel)}, everyone ${change(heavy.travelAll)} | ${yes(heavy.travel.low <= 0 && heavy.travelAll.low <= 0)} |`);
const sumoDevice = drivingByCase.get('fixed-time')!.get('SUMO GLOSA device')!;
console.log(`| ≥ 10 points fewer stops than SUMO's GLOSA device | fixed-time | Cabin ${change(fixedTime.stops)} vs SUMO ${change(sumoDevice.stops)} | ${yes(sumoDevice.stops.relative - fixedTime.stops.relative >= 0.1)} |`);

const errors = outcomes.flatMap((o) => Object.entries(o.study.errors).map(([k, n]) => `${o.caseName}/${o.seed}/${o.arm}: ${k} ×${n}`));
if (errors.length) console.log(`\nCounted, not hidden: ${errors.join('; ')}`);
console.log(`\n${outcomes.length} SUMO runs, ${((Date.now() - startedAt) / 1000).toFixed(0)} s wall time.`);
