/**
 * How often is the right signal group matched, and how good is the countdown?
 *
 * Matching: a handmade city of 8 × 8 four-way intersections 260 m apart
 * (2–3 ingress lanes per approach, MAP lane geometry 30–120 m long as real
 * MAPs have it), vehicles driving along a lane centre towards a random
 * intersection with a random manoeuvre, one fix a second with seeded
 * Gaussian GPS noise σ = 3 m per axis (independent, and AR(1)-correlated
 * at ρ = 0.9 as real receivers drift) and 3° of heading noise. Scored at the
 * fix 50 m before the stop line: the share with the right signal group,
 * against the naive matcher (nearest lane centre line, no heading, no
 * earlier fixes) on the same fixes.
 *
 * Countdown: the end of the current phase and the time to green, predicted
 * every second against ground truth, for a synthetic fixed-time signal
 * (messages with exact times, and with the timing withheld), a synthetic
 * actuated one (messages with minEndTime/maxEndTime only), and — where
 * src/signals/simulator.ts exists — every signal group of 40 intersections
 * of the simulated default map; against the baseline of minEndTime alone.
 *
 *   npm run bench -- signal-matching
 *   node --import tsx bench/signal-matching.ts
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SignalMatcher, type MatchState } from '../src/signals/matching.ts';
import { SignalHistory, estimateChange, nextGreen, predictPhases } from '../src/signals/countdown.ts';
import { isGo, type IntersectionMap, type IntersectionSignals, type Lane, type LaneConnection, type Maneuver, type MapMessage, type MovementPhase, type SignalGroupState, type SpatMessage } from '../src/signals/model.ts';
import { FourWay, SyntheticSignal, gaussian, nearestLaneGroup } from '../test/signals/handmade.ts';
import { seededRandom } from '../test/support/maps.ts';

const S = 1000;
const T0 = Date.UTC(2025, 5, 10, 6, 0);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '–';
}

function pct(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '–';
}

// ---------------------------------------------------------------- matching

interface City {
  junctions: FourWay[];
  maps: IntersectionMap[];
}

function buildCity(next: () => number): City {
  const rotation = 17;
  const spacing = 260;
  const junctions: FourWay[] = [];
  const r = (rotation * Math.PI) / 180;
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < 8; j++) {
      const east = i * spacing * Math.cos(r) + j * spacing * Math.sin(r);
      const north = -i * spacing * Math.sin(r) + j * spacing * Math.cos(r);
      const [lat, lon] = FourWay.offset([31.2, 121.45], east, north);
      const lanes = [0, 1, 2, 3].map(() => (next() < 0.5 ? 2 : 3)) as [number, number, number, number];
      junctions.push(
        new FourWay({
          id: 100 + i * 8 + j,
          lat,
          lon,
          armBearingsDeg: [rotation, rotation + 90, rotation + 180, rotation + 270],
          ingressLanes: lanes,
          laneWidthM: 3.0 + 0.6 * next(),
          laneLengthM: [30, 60, 120][Math.floor(next() * 3)]!,
          setbackM: 12 + 6 * next(),
        }),
      );
    }
  }
  return { junctions, maps: junctions.map((x) => x.map) };
}

interface MatchingRow {
  label: string;
  cases: number;
  right: number;
  baselineRight: number;
  laneRight: number;
  kinds: Record<string, number>;
  timesUs: number[];
}

function runMatching(city: City, matcher: SignalMatcher, label: string, withRoute: boolean, correlated: boolean, cases: number, seed: number): MatchingRow {
  const next = seededRandom(seed);
  const row: MatchingRow = { label, cases, right: 0, baselineRight: 0, laneRight: 0, kinds: {}, timesUs: [] };
  const rho = correlated ? 0.9 : 0;
  for (let c = 0; c < cases; c++) {
    const x = city.junctions[Math.floor(next() * city.junctions.length)]!;
    const arm = Math.floor(next() * 4);
    let maneuver: Maneuver;
    let laneIndex: number;
    if (withRoute) {
      maneuver = (['left', 'straight', 'right'] as const)[Math.floor(next() * 3)]!;
      const lanes = x.lanesAllowing(arm, maneuver);
      laneIndex = lanes[Math.floor(next() * lanes.length)]!.index;
    } else {
      // Without a route the only knowable manoeuvre is the lane's own: straight where it allows, else its one.
      const lanes = x.ingress.filter((l) => l.arm === arm);
      const lane = lanes[Math.floor(next() * lanes.length)]!;
      laneIndex = lane.index;
      maneuver = lane.maneuvers.includes('straight') ? 'straight' : lane.maneuvers[0]!;
    }
    const truth = FourWay.group(arm, maneuver);
    const laneId = arm * 10 + laneIndex + 1;
    const speed = 8 + 8 * next();
    const fixes = Math.floor((180 - 50) / speed);
    let ex = 3 * gaussian(next);
    let ey = 3 * gaussian(next);
    let previous: MatchState | undefined;
    for (let k = fixes; k >= 0; k--) {
      const s = 50 + k * speed;
      if (k < fixes) {
        const innovation = Math.sqrt(1 - rho * rho) * 3;
        ex = rho * ex + innovation * gaussian(next);
        ey = rho * ey + innovation * gaussian(next);
      }
      const [lat, lon] = FourWay.offset(x.lanePoint(arm, laneIndex, s), ex, ey);
      const fix = { lat, lon, headingDeg: x.drivingBearing(arm) + 3 * gaussian(next), speedMps: speed };
      const started = performance.now();
      const result = matcher.match(fix, {
        ...(withRoute ? { route: x.route(arm, maneuver, s) } : {}),
        ...(previous ? { previous } : {}),
      });
      row.timesUs.push(1000 * (performance.now() - started));
      previous = result.state;
      if (k > 0) continue;
      const kind = result.ok ? result.match.match : 'none';
      row.kinds[kind] = (row.kinds[kind] ?? 0) + 1;
      if (result.ok && result.match.key === `0/${x.options.id}` && result.match.signalGroup === truth) row.right++;
      if (result.ok && result.match.match !== 'intersection-fallback' && result.match.laneId === laneId) row.laneRight++;
      // The naive matcher on the same fix: the nearest ingress lane of any intersection.
      let best: { key: number; group: number | undefined; d: number } | undefined;
      for (const map of city.maps) {
        const hit = nearestLaneGroup(map, lat, lon, maneuver);
        if (hit && (!best || hit.distanceM < best.d)) best = { key: map.ref.id, group: hit.signalGroup, d: hit.distanceM };
      }
      if (best && best.key === x.options.id && best.group === truth) row.baselineRight++;
    }
  }
  row.timesUs.sort((a, b) => a - b);
  return row;
}

/**
 * Vehicles on the simulator's own MAPs (lanes drawn from the default map's
 * roads, 30 m of geometry): along an ingress lane, extended straight beyond
 * its geometry, towards a random connection; the route follows the lane and
 * leaves along the connection's egress lane.
 */
function runMapMatching(maps: readonly IntersectionMap[], label: string, cases: number, seed: number): MatchingRow {
  const next = seededRandom(seed);
  const matcher = new SignalMatcher(maps);
  const row: MatchingRow = { label, cases, right: 0, baselineRight: 0, laneRight: 0, kinds: {}, timesUs: [] };
  const candidates: { map: IntersectionMap; lane: Lane; connection: LaneConnection; egress: Lane }[] = [];
  for (const map of maps) {
    for (const lane of map.lanes) {
      if (lane.direction !== 'ingress' || lane.kind !== 'vehicle' || lane.points.length < 2) continue;
      for (const connection of lane.connections) {
        const egress = map.lanes.find((l) => l.laneId === connection.toLane && l.direction === 'egress');
        if (connection.signalGroup !== undefined && connection.maneuver !== undefined && !connection.toIntersection && egress && egress.points.length >= 2) {
          candidates.push({ map, lane, connection, egress });
        }
      }
    }
  }
  const METRES_PER_DEGREE = 6_371_008.8 * (Math.PI / 180);
  for (let c = 0; c < cases; c++) {
    const { map, lane, connection, egress } = candidates[Math.floor(next() * candidates.length)]!;
    const [lat0, lon0] = lane.points[0]!;
    const kx = METRES_PER_DEGREE * Math.cos((lat0 * Math.PI) / 180);
    const xy = (p: [number, number]): [number, number] => [(p[1] - lon0) * kx, (p[0] - lat0) * METRES_PER_DEGREE];
    const latLon = ([x, y]: [number, number]): [number, number] => [lat0 + y / METRES_PER_DEGREE, lon0 + x / kx];
    /** The point `s` metres out along a polyline (extended straight past its end) and the outward bearing there. */
    const along = (points: [number, number][], s: number): { at: [number, number]; bearing: number } => {
      const pts = points.map(xy);
      let walked = 0;
      for (let i = 0; i + 1 < pts.length; i++) {
        const [ax, ay] = pts[i]!;
        const [bx, by] = pts[i + 1]!;
        const len = Math.hypot(bx - ax, by - ay);
        const last = i + 2 === pts.length;
        if (s <= walked + len || last) {
          const t = (s - walked) / len;
          return { at: [ax + t * (bx - ax), ay + t * (by - ay)], bearing: (Math.atan2(bx - ax, by - ay) * 180) / Math.PI };
        }
        walked += len;
      }
      throw new Error('unreachable');
    };
    const speed = 8 + 8 * next();
    const fixes = Math.floor((120 - 50) / speed);
    let previous: MatchState | undefined;
    for (let k = fixes; k >= 0; k--) {
      const s = 50 + k * speed;
      const here = along(lane.points, s);
      const [lat, lon] = FourWay.offset(latLon(here.at), 3 * gaussian(next), 3 * gaussian(next));
      const route: [number, number][] = [];
      for (let r = s; r > 0; r -= 10) route.push(swap(latLon(along(lane.points, r).at)));
      for (let r = 0; r <= 80; r += 10) route.push(swap(latLon(along(egress.points, r).at)));
      const fix = { lat, lon, headingDeg: here.bearing + 180 + 3 * gaussian(next), speedMps: speed };
      const started = performance.now();
      const result = matcher.match(fix, { route, ...(previous ? { previous } : {}) });
      row.timesUs.push(1000 * (performance.now() - started));
      previous = result.state;
      if (k > 0) continue;
      const kind = result.ok ? result.match.match : 'none';
      row.kinds[kind] = (row.kinds[kind] ?? 0) + 1;
      const key = `${map.ref.region}/${map.ref.id}`;
      if (result.ok && result.match.key === key && result.match.signalGroup === connection.signalGroup) row.right++;
      if (result.ok && result.match.key === key && result.match.match !== 'intersection-fallback' && result.match.laneId === lane.laneId) row.laneRight++;
      let best: { key: string; group: number | undefined; d: number } | undefined;
      for (const m of maps) {
        if (Math.abs(m.lat - lat) > 0.003 || Math.abs(m.lon - lon) > 0.004) continue;
        const hit = nearestLaneGroup(m, lat, lon, connection.maneuver!);
        if (hit && (!best || hit.distanceM < best.d)) best = { key: `${m.ref.region}/${m.ref.id}`, group: hit.signalGroup, d: hit.distanceM };
      }
      if (best && best.key === key && best.group === connection.signalGroup) row.baselineRight++;
    }
  }
  row.timesUs.sort((a, b) => a - b);
  return row;
}

function swap([lat, lon]: [number, number]): [number, number] {
  return [lon, lat];
}

// ---------------------------------------------------------------- countdown

/** A signal to score: its published state and the truth, at any time. */
interface SignalUnderTest {
  key: string;
  signalGroup: number;
  state(t: number): SignalGroupState;
  /** True end of the current phase, and the phase. */
  end(t: number): number;
  phase(t: number): MovementPhase;
  /** When green next starts (t when green). */
  nextGreen(t: number): number;
}

interface CountdownScore {
  label: string;
  samples: number;
  available: number;
  errors: number[];
  baselineAvailable: number;
  baselineErrors: number[];
  /** Time-to-green errors (signed, s) by truth bucket, ours and baseline. */
  ttg: Record<'10-20' | '20-40', { n: number; errors: number[]; early: number; available: number; baseErrors: number[]; baseEarly: number; baseAvailable: number }>;
}

function emptyScore(label: string): CountdownScore {
  const bucket = () => ({ n: 0, errors: [], early: 0, available: 0, baseErrors: [], baseEarly: 0, baseAvailable: 0 });
  return { label, samples: 0, available: 0, errors: [], baselineAvailable: 0, baselineErrors: [], ttg: { '10-20': bucket(), '20-40': bucket() } };
}

/** The baseline: the message's minEndTime as the end, and for the time to green the minEndTime of the phase before the next green in the message. */
function minOnlyGreen(state: SignalGroupState, t: number): number | undefined {
  if (isGo(state.events[0]!.phase)) return t;
  for (let i = 0; i + 1 < state.events.length; i++) {
    if (isGo(state.events[i + 1]!.phase)) return state.events[i]!.timing?.minEndTime;
  }
  // A red whose successor the message does not state: green is what follows a red.
  return state.events.length === 1 && state.events[0]!.phase === 'stop-and-remain' ? state.events[0]!.timing?.minEndTime : undefined;
}

function scoreAt(score: CountdownScore, signal: SignalUnderTest, history: SignalHistory, t: number): void {
  const state = signal.state(t);
  const ref = { model: history, key: signal.key };
  const truthEnd = signal.end(t);
  score.samples++;
  const estimate = estimateChange(state, t, ref);
  if (estimate) {
    score.available++;
    score.errors.push(Math.abs((estimate.likely ?? estimate.earliest) - truthEnd) / S);
  }
  const min = state.events[0]!.timing?.minEndTime;
  if (min !== undefined) {
    score.baselineAvailable++;
    score.baselineErrors.push(Math.abs(min - truthEnd) / S);
  }
  if (isGo(signal.phase(t))) return;
  const ttgTruth = (signal.nextGreen(t) - t) / S;
  const bucket = ttgTruth >= 10 && ttgTruth < 20 ? score.ttg['10-20'] : ttgTruth >= 20 && ttgTruth < 40 ? score.ttg['20-40'] : undefined;
  if (!bucket) return;
  bucket.n++;
  const green = nextGreen(predictPhases(state, t, ref));
  const predicted = green?.likely ?? green?.earliest;
  if (predicted !== undefined) {
    bucket.available++;
    const err = (predicted - t) / S - ttgTruth;
    bucket.errors.push(Math.abs(err));
    if (err < -2) bucket.early++;
  }
  const base = minOnlyGreen(state, t);
  if (base !== undefined) {
    bucket.baseAvailable++;
    const err = (base - t) / S - ttgTruth;
    bucket.baseErrors.push(Math.abs(err));
    if (err < -2) bucket.baseEarly++;
  }
}

function runSynthetic(label: string, signal: SyntheticSignal, timing: 'bounds' | 'none', hours: number): CountdownScore {
  const history = new SignalHistory();
  const key = '0/1';
  const under: SignalUnderTest = {
    key,
    signalGroup: signal.signalGroup,
    state: (t) => signal.state(t, timing),
    end: (t) => signal.at(t).end,
    phase: (t) => signal.at(t).phase,
    nextGreen: (t) => signal.nextGreenAt(t),
  };
  const score = emptyScore(label);
  const warmUp = T0 + 3600 * S;
  for (let t = T0; t < T0 + hours * 3600 * S; t += 100) {
    history.observe(key, under.state(t), t);
    if (t >= warmUp && t % S === 0) scoreAt(score, under, history, t);
  }
  return score;
}

/** The other engineer's simulator, structurally: only what this benchmark calls. */
interface Simulator {
  intersections: readonly { key: string; plan: string; groups: number[] }[];
  maps(): MapMessage[];
  spatAt(now: number, keys?: Iterable<string>): SpatMessage;
  truthAt(key: string, signalGroup: number, now: number): number | undefined;
  phaseAt(key: string, signalGroup: number, now: number): MovementPhase | undefined;
}

async function runSimulator(): Promise<{ scores: CountdownScore[]; matching: MatchingRow | undefined } | undefined> {
  const path = fileURLToPath(new URL('../src/signals/simulator.ts', import.meta.url));
  if (!existsSync(path)) return undefined;
  const module = (await import(path)) as { createSignalSimulator?: (map: unknown, options?: object) => Simulator };
  if (typeof module.createSignalSimulator !== 'function') {
    console.log('src/signals/simulator.ts has no createSignalSimulator(map): skipped.\n');
    return undefined;
  }
  const { DEFAULT_REGION, buildMap, generateRegion } = await import('../src/map/index.ts');
  const sim = module.createSignalSimulator(buildMap(DEFAULT_REGION, (sink) => generateRegion(sink)));
  const next = seededRandom(5);
  const pick = (plan: string) => sim.intersections.filter((i) => i.plan === plan).sort(() => next() - 0.5).slice(0, 20);
  const chosen = [...pick('fixed-time'), ...pick('actuated')];
  const history = new SignalHistory();
  const scores = { 'fixed-time': emptyScore('simulator, fixed-time'), actuated: emptyScore('simulator, actuated') };
  const warmUp = T0 + 1800 * S;
  const keys = chosen.map((i) => i.key);
  let latest = new Map<string, IntersectionSignals>();
  for (let t = T0; t < T0 + 5400 * S; t += 500) {
    const spat = sim.spatAt(t, keys);
    latest = new Map(spat.intersections.map((i) => [`${i.ref.region}/${i.ref.id}`, i]));
    for (const signals of spat.intersections) history.observeIntersection(signals);
    if (t < warmUp || t % S !== 0) continue;
    for (const info of chosen) {
      const signals = latest.get(info.key)!;
      for (const group of signals.groups) {
        const under: SignalUnderTest = {
          key: info.key,
          signalGroup: group.signalGroup,
          state: () => group,
          end: (u) => sim.truthAt(info.key, group.signalGroup, u)!,
          phase: (u) => sim.phaseAt(info.key, group.signalGroup, u)!,
          nextGreen: (u) => {
            let at = u;
            for (let step = 0; step < 8; step++) {
              if (isGo(sim.phaseAt(info.key, group.signalGroup, at)!)) return at;
              at = sim.truthAt(info.key, group.signalGroup, at)!;
            }
            return Infinity;
          },
        };
        scoreAt(scores[info.plan === 'actuated' ? 'actuated' : 'fixed-time'], under, history, t);
      }
    }
  }
  const maps = sim.maps().flatMap((m) => m.intersections);
  return { scores: [scores['fixed-time'], scores.actuated], matching: runMapMatching(maps, 'simulator default map, route, independent noise', 2000, 6) };
}

// ---------------------------------------------------------------- report

function printMatching(rows: MatchingRow[]): void {
  console.log('### Right signal group 50 m before the stop line (GPS σ = 3 m)\n');
  console.log('| case | approaches | right group | baseline: nearest lane | right lane | lane / approach / fallback / none | match p50 µs | p99 µs |');
  console.log('|---|---:|---:|---:|---:|---|---:|---:|');
  for (const r of rows) {
    const k = (name: string) => r.kinds[name] ?? 0;
    console.log(
      `| ${r.label} | ${r.cases} | ${pct(r.right, r.cases)} | ${pct(r.baselineRight, r.cases)} | ${pct(r.laneRight, r.cases)} | ${k('lane')} / ${k('approach')} / ${k('intersection-fallback')} / ${k('none')} | ${fmt(percentile(r.timesUs, 50), 1)} | ${fmt(percentile(r.timesUs, 99), 1)} |`,
    );
  }
  console.log('');
}

function printCountdown(scores: CountdownScore[]): void {
  console.log('### Countdown: end of the current phase, |error| in seconds\n');
  console.log('| signal | samples | ours: shown | p50 | p95 | mean | baseline minEndTime: shown | p50 | p95 | mean |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of scores) {
    const e = [...s.errors].sort((a, b) => a - b);
    const b = [...s.baselineErrors].sort((a, b) => a - b);
    console.log(
      `| ${s.label} | ${s.samples} | ${pct(s.available, s.samples)} | ${fmt(percentile(e, 50))} | ${fmt(percentile(e, 95))} | ${fmt(mean(e))} | ${pct(s.baselineAvailable, s.samples)} | ${fmt(percentile(b, 50))} | ${fmt(percentile(b, 95))} | ${fmt(mean(b))} |`,
    );
  }
  console.log('\n### Time to green, |error| in seconds, by how far ahead green truly is\n');
  console.log('| signal | ahead | samples | ours: predicted | p50 | p95 | > 2 s early | baseline: predicted | p50 | p95 | > 2 s early |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of scores) {
    for (const [name, t] of Object.entries(s.ttg)) {
      const e = [...t.errors].sort((a, b) => a - b);
      const b = [...t.baseErrors].sort((a, b) => a - b);
      console.log(
        `| ${s.label} | ${name} s | ${t.n} | ${pct(t.available, t.n)} | ${fmt(percentile(e, 50))} | ${fmt(percentile(e, 95))} | ${pct(t.early, t.available)} | ${pct(t.baseAvailable, t.n)} | ${fmt(percentile(b, 50))} | ${fmt(percentile(b, 95))} | ${pct(t.baseEarly, t.baseAvailable)} |`,
      );
    }
  }
  console.log('');
}

const next = seededRandom(2025);
const city = buildCity(next);
const matcher = new SignalMatcher(city.maps);
const cases = 2000;
const simulated = await runSimulator();
printMatching([
  runMatching(city, matcher, 'handmade city, route, independent noise', true, false, cases, 1),
  runMatching(city, matcher, 'handmade city, route, correlated noise (AR(1) ρ 0.9)', true, true, cases, 2),
  runMatching(city, matcher, 'handmade city, no route, independent noise', false, false, cases, 3),
  runMatching(city, matcher, 'handmade city, no route, correlated noise', false, true, cases, 4),
  ...(simulated?.matching ? [simulated.matching] : []),
]);

const scores: CountdownScore[] = [
  runSynthetic('synthetic fixed-time, exact times', SyntheticSignal.fixedTime(2, T0 - 7_300, T0 + 13 * 3600 * S, 40 * S, 3 * S, 47 * S), 'bounds', 4),
  runSynthetic('synthetic fixed-time, timing withheld', SyntheticSignal.fixedTime(2, T0 - 7_300, T0 + 13 * 3600 * S, 40 * S, 3 * S, 47 * S), 'none', 4),
  runSynthetic('synthetic actuated, min/max only', SyntheticSignal.actuated(2, T0 - 7_300, T0 + 13 * 3600 * S, seededRandom(9)), 'bounds', 12),
];
if (simulated) scores.push(...simulated.scores);
else console.log('(src/signals/simulator.ts not found: the default-map rows are skipped.)\n');
printCountdown(scores);
