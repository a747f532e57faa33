import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_REGION, buildMap, generateRegion } from '../../src/map/index.ts';
import { isGo, type IntersectionSignals } from '../../src/signals/model.ts';
import { ALL_RED_MS, AMBER_MS, PLAN_PERIOD_MS, createSignalSimulator } from '../../src/signals/simulator.ts';
import { seededRandom } from '../support/maps.ts';

const map = buildMap(DEFAULT_REGION, (sink) => generateRegion(sink));
const sim = createSignalSimulator(map, { seed: 7 });
const T0 = Date.UTC(2025, 0, 6, 8, 0, 0);
const fixed = sim.intersections.filter((i) => i.plan === 'fixed-time');
const actuated = sim.intersections.filter((i) => i.plan === 'actuated');

test('builds one intersection for every signal of the default map, with a mix of fixed-time and actuated plans', () => {
  assert.equal(sim.skipped.length, 0, JSON.stringify(sim.skipped.slice(0, 3)));
  const covered = sim.intersections.flatMap((i) => i.signalOsmIds).sort((a, b) => a - b);
  assert.deepEqual(covered, map.signals.map((s) => s.osmId).sort((a, b) => a - b));
  // Both carriageways of the ring road meet an arterial as one intersection.
  assert.ok(sim.intersections.some((i) => i.nodes.length === 2));
  // Mid-block pedestrian lights are intersections of their own with two approaches.
  assert.ok(sim.intersections.some((i) => i.nodes.length === 0 && i.stages.at(-1)!.groups.length === 0));
  assert.ok(fixed.length > 100 && actuated.length > 100, `${fixed.length} fixed-time, ${actuated.length} actuated`);
  assert.equal(new Set(sim.intersections.map((i) => i.key)).size, sim.intersections.length);
});

test('gives every signalised intersection a MAP whose lanes name the signal groups its SPaT reports', () => {
  const spat = sim.spatAt(T0);
  const byKey = new Map(spat.intersections.map((s) => [`${s.ref.region}/${s.ref.id}`, s]));
  const maps = sim.maps();
  assert.equal(maps.length, sim.intersections.length);
  for (const message of maps) {
    const m = message.intersections[0]!;
    const key = `${m.ref.region}/${m.ref.id}`;
    const ingress = m.lanes.filter((l) => l.direction === 'ingress');
    assert.ok(ingress.length > 0, `${key} has no ingress lane`);
    const laneIds = new Set(m.lanes.map((l) => l.laneId));
    const mapGroups = new Set<number>();
    for (const lane of ingress) {
      assert.ok(lane.points.length >= 2 && lane.maneuvers.length > 0, `${key} lane ${lane.laneId}`);
      assert.ok(lane.connections.length > 0, `${key} lane ${lane.laneId} connects nowhere`);
      for (const c of lane.connections) {
        assert.ok(laneIds.has(c.toLane) && c.signalGroup !== undefined);
        mapGroups.add(c.signalGroup);
      }
      // The stop line is the lane's first point: nearer the centre than its last.
      const near = lane.points[0]!;
      const far = lane.points.at(-1)!;
      assert.ok(Math.hypot(near[0] - m.lat, near[1] - m.lon) < Math.hypot(far[0] - m.lat, far[1] - m.lon), `${key} lane ${lane.laneId} points inwards`);
    }
    const spatGroups = byKey.get(key)!.groups.map((g) => g.signalGroup);
    assert.deepEqual([...mapGroups].sort((a, b) => a - b), spatGroups, key);
  }
});

test('uses NEMA groups: 2/6 through north-south, 4/8 east-west, protected lefts 1/5/3/7 on arterials', () => {
  const groups = new Set(sim.intersections.flatMap((i) => i.groups));
  assert.deepEqual([...groups].sort(), [1, 2, 3, 4, 5, 6, 7, 8]);
  for (const m of sim.maps().map((x) => x.intersections[0]!)) {
    for (const lane of m.lanes) {
      for (const c of lane.connections) {
        if ([1, 3, 5, 7].includes(c.signalGroup!)) assert.equal(c.maneuver, 'left');
        // Traffic on group 2 heads north: its lanes' stop lines lie south of where they start.
        if (c.signalGroup === 2 && c.maneuver === 'straight') assert.ok(lane.points[0]![0] > lane.points.at(-1)![0]);
        if (c.signalGroup === 4 && c.maneuver === 'straight') assert.ok(lane.points[0]![1] > lane.points.at(-1)![1]);
      }
    }
  }
});

test('repeats fixed-time cycles exactly', () => {
  for (const info of fixed.slice(0, 60)) {
    const cycle = info.cycleMs!;
    assert.ok(cycle >= 60_000 && cycle <= 120_000);
    assert.equal(info.stages.reduce((sum, s) => sum + s.greenMs + AMBER_MS + ALL_RED_MS, 0), cycle);
    for (const dt of [0, 12_345, 77_777]) {
      const a = sim.spatAt(T0 + dt, [info.key]).intersections[0]!;
      const b = sim.spatAt(T0 + dt + 5 * cycle, [info.key]).intersections[0]!;
      assert.deepEqual(shiftTimes(a, 5 * cycle).groups, b.groups, info.key);
    }
  }
});

test('publishes exact change times for fixed-time plans', () => {
  const random = seededRandom(3);
  for (let n = 0; n < 200; n++) {
    const info = fixed[Math.floor(random() * fixed.length)]!;
    const now = T0 + Math.floor(random() * 86_400_000);
    for (const group of sim.spatAt(now, [info.key]).intersections[0]!.groups) {
      const timing = group.events[0]!.timing!;
      const truth = sim.truthAt(info.key, group.signalGroup, now);
      assert.equal(timing.minEndTime, truth);
      assert.equal(timing.maxEndTime, truth);
      assert.equal(timing.likelyTime, truth);
    }
  }
});

test('varies actuated greens within their min and max green', () => {
  let varied = 0;
  for (const info of actuated.slice(0, 40)) {
    const cycles = sim.cyclesBetween(info.key, T0, T0 + 2 * PLAN_PERIOD_MS);
    assert.ok(cycles.length > 40, `${info.key}: ${cycles.length} cycles in two hours`);
    for (let k = 1; k < cycles.length; k++) {
      const previous = cycles[k - 1]!;
      const length = previous.greensMs.reduce((sum, g) => sum + g + AMBER_MS + ALL_RED_MS, 0);
      assert.equal(cycles[k]!.start, previous.start + length, `${info.key}: cycles follow each other without a gap`);
    }
    info.stages.forEach((stage, s) => {
      const greens = cycles.map((c) => c.greensMs[s]!);
      for (const g of greens) assert.ok(g >= stage.minGreenMs && g <= stage.maxGreenMs, `${info.key} stage ${s}: ${g}`);
      if (new Set(greens).size > 3) varied++;
    });
  }
  assert.ok(varied > 40, `only ${varied} actuated stages vary their green`);
});

test('publishes min and max end times that bracket the true change, now and for the next two phases', () => {
  const random = seededRandom(11);
  let checked = 0;
  for (let n = 0; n < 400; n++) {
    const info = actuated[Math.floor(random() * actuated.length)]!;
    // Two hours at random, so some samples fall in transition cycles and across plan boundaries.
    const now = T0 + Math.floor(random() * 2 * PLAN_PERIOD_MS);
    for (const group of sim.spatAt(now, [info.key]).intersections[0]!.groups) {
      let t = now;
      for (const event of group.events) {
        assert.equal(event.phase, sim.phaseAt(info.key, group.signalGroup, t));
        const truth = sim.truthAt(info.key, group.signalGroup, t)!;
        const { minEndTime, maxEndTime, likelyTime } = event.timing!;
        assert.ok(minEndTime! <= truth && truth <= maxEndTime!, `${info.key}/${group.signalGroup} ${event.phase}: ${minEndTime! - now} <= ${truth - now} <= ${maxEndTime! - now}`);
        assert.ok(minEndTime! <= likelyTime! && likelyTime! <= maxEndTime!);
        checked++;
        t = truth;
      }
    }
  }
  assert.ok(checked > 3000);
});

test('keeps its bounds through the transition cycles before a plan boundary', () => {
  const info = actuated[0]!;
  const cycles = sim.cyclesBetween(info.key, T0, T0 + 2 * PLAN_PERIOD_MS);
  const transitions = cycles.filter((c) => c.transition);
  assert.ok(transitions.length >= 2);
  for (const cycle of transitions) {
    for (let dt = -60_000; dt < 200_000; dt += 997) {
      const now = cycle.start + dt;
      for (const group of sim.spatAt(now, [info.key]).intersections[0]!.groups) {
        const truth = sim.truthAt(info.key, group.signalGroup, now)!;
        const { minEndTime, maxEndTime } = group.events[0]!.timing!;
        assert.ok(minEndTime! <= truth && truth <= maxEndTime!);
      }
    }
  }
});

test('leaves the end of an actuated green genuinely uncertain', () => {
  let open = 0;
  let greens = 0;
  for (const info of actuated) {
    for (const group of sim.spatAt(T0, [info.key]).intersections[0]!.groups) {
      const event = group.events[0]!;
      if (!isGo(event.phase)) continue;
      greens++;
      if (event.timing!.maxEndTime! - event.timing!.minEndTime! >= 5000) open++;
    }
  }
  assert.ok(open > greens / 2, `${open} of ${greens} actuated greens have a range of 5 s or more`);
});

test('times fixed-time greens for a northbound green wave along each arterial', () => {
  const limits = new Map(sim.maps().map((m) => [`${m.intersections[0]!.ref.region}/${m.intersections[0]!.ref.id}`, m.intersections[0]!.speedLimitKmh!]));
  const corridor = new Map<string, typeof fixed>();
  for (const info of fixed) {
    const mainThrough = info.stages.find((s) => s.groups.length > 0 && !s.groups.some((g) => [1, 3, 5, 7].includes(g)));
    if (info.cycleMs !== 120_000 || !mainThrough?.groups.includes(2)) continue;
    const road = info.name.split(' / ')[0]!;
    corridor.set(road, [...(corridor.get(road) ?? []), info]);
  }
  let pairs = 0;
  for (const infos of corridor.values()) {
    infos.sort((a, b) => a.lat - b.lat);
    for (let k = 1; k < infos.length; k++) {
      const [a, b] = [infos[k - 1]!, infos[k]!];
      if (Math.abs(a.lon - b.lon) > 0.002) continue; // the same name on the other side of the ring road
      // A car leaving A as its green starts, at 90 % of the speed limit, meets B's green.
      const speed = (limits.get(a.key)! * 0.9) / 3.6;
      const greenAtA = nextGreenStart(a.key, T0);
      const travelMs = ((b.lat - a.lat) * 111_195 * 1000) / speed;
      const greenAtB = nextGreenStart(b.key, greenAtA);
      const late = (((greenAtB - greenAtA - travelMs) % 120_000) + 120_000) % 120_000;
      assert.ok(late < 500 || late > 120_000 - 500, `${a.key} → ${b.key}: B turns green ${late} ms off the wave`);
      assert.ok(isGo(sim.phaseAt(b.key, 2, greenAtA + travelMs + 1000)!));
      pairs++;
    }
  }
  assert.ok(pairs >= 5, `${pairs} consecutive pairs checked`);
});

test('is a pure function of the time asked about', () => {
  const again = createSignalSimulator(map, { seed: 7 });
  const times = [T0 + 5_000_000, T0, T0 + 100, T0 + 3 * PLAN_PERIOD_MS, T0 + 100, T0 + 5_000_000];
  for (const now of times) assert.deepEqual(sim.spatAt(now), again.spatAt(now));
  const other = createSignalSimulator(map, { seed: 8 });
  assert.notDeepEqual(
    other.intersections.map((i) => i.plan),
    sim.intersections.map((i) => i.plan),
  );
});

test('publishes a SPaT like a roadside unit, ten times a second', () => {
  const messages = Array.from({ length: 10 }, (_, k) => sim.spatAt(T0 + k * 100));
  for (const [k, message] of messages.entries()) {
    assert.equal(message.timestamp, T0 + k * 100);
    assert.equal(message.intersections.length, sim.intersections.length);
    for (const s of message.intersections) {
      assert.equal(s.timestamp, T0 + k * 100);
      assert.ok(s.revision >= 0 && s.revision <= 127);
      for (const g of s.groups) assert.equal(g.events.length, 3);
    }
  }
});

function nextGreenStart(key: string, from: number): number {
  let t = from;
  while (!isGo(sim.phaseAt(key, 2, t)!)) t = sim.truthAt(key, 2, t)!;
  return t === from ? nextGreenStart(key, sim.truthAt(key, 2, t)! + 1) : t;
}

function shiftTimes(signals: IntersectionSignals, deltaMs: number): IntersectionSignals {
  return {
    ...signals,
    groups: signals.groups.map((g) => ({
      ...g,
      events: g.events.map((e) => ({
        ...e,
        timing: Object.fromEntries(Object.entries(e.timing ?? {}).map(([k, v]) => [k, k === 'confidence' ? v : v + deltaMs])),
      })),
    })),
  };
}
