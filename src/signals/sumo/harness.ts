/**
 * Measures Cabin's traffic-light logic against SUMO, an independent
 * simulator: SUMO runs the signals and the traffic, this harness plays the
 * roadside unit (it turns what SUMO's controllers do into Cabin `SpatMessage`s)
 * and the car (it asks Cabin for a countdown or a speed and, for advised
 * vehicles, sets that speed over TraCI). The ground truth is what SUMO's
 * controllers later actually do.
 *
 * Honesty rules for what the roadside unit publishes:
 * - fixed-time programs: the plan is known, so every switch time is exact
 *   (`likelyTime` = `minEndTime` = `maxEndTime`);
 * - actuated programs: only what a real controller can promise — the
 *   bounds from the phase's minDur/maxDur and the time already spent in it.
 *   SUMO's `getNextSwitch` is never used for them (for actuated programs it
 *   is only the next re-evaluation, and it would leak the future anyway).
 *
 * Times: the harness works in SUMO's output time frame (the time of the step
 * just computed, which is what `tlsStates` output and `getNextSwitch` use;
 * TraCI's `getTime` after a step is one step later) and maps it onto epoch
 * milliseconds from SIM_EPOCH_MS for Cabin's model.
 */
import { readFileSync } from 'node:fs';
import { adviseSpeed } from '../advice.ts';
import { SignalHistory, countdown, nextGreen, predictPhases, type CountdownMemory, type HistoryRef } from '../countdown.ts';
import { intersectionKey, isGo, isStop, type IntersectionRef, type IntersectionSignals, type MovementEvent, type MovementPhase, type SignalGroupState, type SpatMessage } from '../model.ts';
import type { SumoRun, Scenario } from './scenario.ts';
import { TraciError, simulation, trafficLight, vehicle, type TlsProgram, type TraciClient, type UpcomingSignal } from './traci.ts';

/** Simulation second 0 is this instant (a Monday, 07:00 UTC). */
export const SIM_EPOCH_MS = Date.UTC(2025, 0, 6, 7, 0, 0);

/** Epoch ms of a simulation time in seconds (rounded to the millisecond). */
export function simEpochMs(simS: number): number {
  return SIM_EPOCH_MS + Math.round(simS * 1000);
}

// J2735 IntersectionStatusObject as a 16-bit number, manualControlIsEnabled the MSB (bit 0 of the BIT STRING).
const STATUS_FIXED_TIME = 1 << (15 - 5); // fixedTimeOperation
const STATUS_TRAFFIC_DEPENDENT = 1 << (15 - 6); // trafficDependentOperation

/**
 * Cabin's movement phase for one character of a SUMO state string
 * (SUMO docs, "Traffic Lights": r y g G s u o O).
 */
export function movementPhaseOfSumo(state: string): MovementPhase {
  switch (state) {
    case 'G':
      return 'protected-movement-allowed';
    case 'g':
      return 'permissive-movement-allowed';
    case 'y':
    case 'Y':
      return 'protected-clearance';
    case 'r':
      return 'stop-and-remain';
    case 'u':
      return 'pre-movement';
    case 's':
      // Green right-turn arrow: stop, then go if the way is clear.
      return 'stop-then-proceed';
    case 'o':
      return 'caution-conflicting-traffic';
    case 'O':
      return 'dark';
    default:
      return 'unavailable';
  }
}

/** How one SUMO traffic light appears in Cabin's model: an intersection whose signal groups are sets of links that always show the same light. */
export interface SignalLayout {
  tlsId: string;
  ref: IntersectionRef;
  program: TlsProgram;
  /** Signal group (1-based, J2735 style) of each link index. */
  groupOfLink: number[];
  /** Per signal group (index = group - 1): its links and its movement phase in each program phase. */
  groups: { signalGroup: number; links: number[]; phaseByProgramPhase: MovementPhase[] }[];
}

/**
 * Groups a program's links into signal groups: links whose state characters
 * are equal in every phase share a light. Numbered from 1 in link order.
 */
export function signalLayout(tlsId: string, intersectionId: number, program: TlsProgram): SignalLayout {
  const linkCount = program.phases[0]?.state.length ?? 0;
  const groupOfLink: number[] = [];
  const groups: SignalLayout['groups'] = [];
  const byColumn = new Map<string, number>();
  for (let link = 0; link < linkCount; link++) {
    const column = program.phases.map((phase) => phase.state[link] ?? 'O').join('');
    let group = byColumn.get(column);
    if (group === undefined) {
      group = groups.length + 1;
      byColumn.set(column, group);
      groups.push({ signalGroup: group, links: [], phaseByProgramPhase: [...column].map(movementPhaseOfSumo) });
    }
    groups[group - 1]!.links.push(link);
    groupOfLink.push(group);
  }
  return { tlsId, ref: { region: 0, id: intersectionId }, program, groupOfLink, groups };
}

/** What the roadside unit knows about its controller at one moment. */
export interface ControllerState {
  phaseIndex: number;
  /** When the current program phase started (s); undefined until a switch has been seen. */
  phaseStartS: number | undefined;
  /** When each signal group's current movement phase started (s), where seen. */
  groupStartS: (number | undefined)[];
  /** SUMO's scheduled end of the current phase (s); used for fixed-time programs only. */
  nextSwitchS: number;
  /** Counts changes, for the message revision. */
  revision: number;
}

/** What the roadside unit publishes: the exact plan (fixed-time) or only the bounds (actuated). */
export type Publication = 'fixed-plan' | 'actuated-bounds';

/** Predicted events per signal group: the current one and this many after it. */
const PREDICTED_EVENTS = 3;

/**
 * The SPaT content of one intersection at `nowS`: for each signal group the
 * current movement event and the next ones, with timing per `publication`.
 */
export function intersectionSignals(layout: SignalLayout, controller: ControllerState, nowS: number, publication: Publication): IntersectionSignals {
  const phases = layout.program.phases;
  const n = phases.length;
  const current = phases[controller.phaseIndex];
  if (!current) throw new Error(`${layout.tlsId}: phase ${controller.phaseIndex} is not in program ${layout.program.programId} (${n} phases)`);
  // Programs with branching (`next`) have no single order of phases to walk.
  const sequential = phases.every((phase) => phase.next.length <= 1);
  let remainingMin: number | undefined;
  let remainingMax: number | undefined;
  if (publication === 'fixed-plan') {
    remainingMin = remainingMax = Math.max(0, controller.nextSwitchS - nowS);
  } else if (controller.phaseStartS !== undefined) {
    const elapsed = nowS - controller.phaseStartS;
    remainingMin = Math.max(0, current.minDur - elapsed);
    remainingMax = Math.max(0, current.maxDur - elapsed);
  }
  const groups: SignalGroupState[] = layout.groups.map((group, g) => {
    const events: MovementEvent[] = [];
    let phase = group.phaseByProgramPhase[controller.phaseIndex]!;
    const groupStart = controller.groupStartS[g];
    let startMs: number | undefined = groupStart === undefined ? undefined : simEpochMs(groupStart);
    if (remainingMin === undefined || remainingMax === undefined || !sequential) {
      events.push(startMs === undefined ? { phase } : { phase, timing: { startTime: startMs } });
      return { signalGroup: group.signalGroup, events };
    }
    let minS = remainingMin;
    let maxS = remainingMax;
    for (let step = 1; step <= 2 * n && events.length <= PREDICTED_EVENTS; step++) {
      const k = (controller.phaseIndex + step) % n;
      const next = group.phaseByProgramPhase[k]!;
      if (next !== phase) {
        const minEnd = simEpochMs(nowS + minS);
        const maxEnd = simEpochMs(nowS + maxS);
        const timing: MovementEvent['timing'] = { minEndTime: minEnd, maxEndTime: maxEnd };
        if (startMs !== undefined) timing.startTime = startMs;
        if (publication === 'fixed-plan') timing.likelyTime = minEnd;
        events.push({ phase, timing });
        phase = next;
        startMs = publication === 'fixed-plan' ? minEnd : undefined;
      }
      const definition = phases[k]!;
      minS += publication === 'fixed-plan' ? definition.duration : definition.minDur;
      maxS += publication === 'fixed-plan' ? definition.duration : definition.maxDur;
    }
    if (events.length === 0) events.push({ phase }); // a group that never changes
    return { signalGroup: group.signalGroup, events };
  });
  return {
    ref: layout.ref,
    name: layout.tlsId,
    revision: controller.revision % 128,
    timestamp: simEpochMs(nowS),
    status: publication === 'fixed-plan' ? STATUS_FIXED_TIME : STATUS_TRAFFIC_DEPENDENT,
    groups,
  };
}

/** Every switch each controller made, in time order: the ground truth. */
export class SwitchLog {
  private readonly switches = new Map<string, { timeS: number[]; phaseIndex: number[] }>();

  record(tlsId: string, timeS: number, phaseIndex: number): void {
    let log = this.switches.get(tlsId);
    if (!log) this.switches.set(tlsId, (log = { timeS: [], phaseIndex: [] }));
    log.timeS.push(timeS);
    log.phaseIndex.push(phaseIndex);
  }

  /** The switches of one controller: times (s) and the phase each switched to. */
  of(tlsId: string): { timeS: readonly number[]; phaseIndex: readonly number[] } {
    return this.switches.get(tlsId) ?? { timeS: [], phaseIndex: [] };
  }

  /** When a signal group next turned to a go phase strictly after `afterS`, if it did before the log ends. */
  nextGoS(layout: SignalLayout, signalGroup: number, afterS: number): number | undefined {
    const log = this.switches.get(layout.tlsId);
    const group = layout.groups[signalGroup - 1];
    if (!log || !group) return undefined;
    let lo = 0;
    let hi = log.timeS.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (log.timeS[mid]! <= afterS) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < log.timeS.length; i++) {
      if (isGo(group.phaseByProgramPhase[log.phaseIndex[i]!]!)) return log.timeS[i];
    }
    return undefined;
  }
}

/** Something that predicts when a red light turns green: Cabin's countdown, or a baseline. */
export interface GreenPredictor {
  name: string;
  /** Sees every SPaT message the roadside units publish, in time order (`nowMs` = reception). */
  observe(message: SpatMessage, nowMs: number): void;
  /** Epoch ms at which the signal group is predicted to turn green, or undefined when it will not say. */
  greenAtMs(intersection: IntersectionSignals, signalGroup: number, nowMs: number): number | undefined;
}

/** The first future event of a group that lets traffic go. */
function nextGoEvent(intersection: IntersectionSignals, signalGroup: number): { before: MovementEvent | undefined; go: MovementEvent } | undefined {
  const events = intersection.groups.find((g) => g.signalGroup === signalGroup)?.events ?? [];
  for (let i = 1; i < events.length; i++) {
    if (isGo(events[i]!.phase)) return { before: events[i - 1], go: events[i]! };
  }
  return undefined;
}

/** Baselines read straight from the message: the earliest possible green, the latest, and the middle. */
export const messagePredictors: GreenPredictor[] = [
  {
    name: 'message: likely time',
    observe: () => undefined,
    greenAtMs: (intersection, group) => nextGoEvent(intersection, group)?.before?.timing?.likelyTime,
  },
  {
    name: 'message: earliest (minEnd)',
    observe: () => undefined,
    greenAtMs: (intersection, group) => nextGoEvent(intersection, group)?.before?.timing?.minEndTime,
  },
  {
    name: 'message: midpoint of min/max',
    observe: () => undefined,
    greenAtMs: (intersection, group) => {
      const timing = nextGoEvent(intersection, group)?.before?.timing;
      return timing?.minEndTime !== undefined && timing.maxEndTime !== undefined ? (timing.minEndTime + timing.maxEndTime) / 2 : undefined;
    },
  },
];

/** What an advisor gets for one vehicle approaching one signal. */
export interface AdviceInput {
  intersection: IntersectionSignals;
  signalGroup: number;
  /** Metres to the stop line. */
  distanceM: number;
  /** Current speed, m/s. */
  speedMs: number;
  /** Speed limit here, m/s. */
  speedLimitMs: number;
  nowMs: number;
}

/** Something that tells a driver what speed to drive towards a signal: Cabin's GLOSA. */
export interface SpeedAdvisor {
  name: string;
  observe(message: SpatMessage, nowMs: number): void;
  /** Target speed in m/s, or undefined for "no advice: drive normally". */
  adviseMs(input: AdviceInput): number | undefined;
}

/** Cabin's learned history fed from every message, as one run of the countdown and the advice share it. */
function cabinHistory(): { history: SignalHistory; observe: (message: SpatMessage) => void; ref: (intersection: IntersectionSignals) => HistoryRef } {
  const history = new SignalHistory();
  return {
    history,
    observe: (message) => {
      for (const intersection of message.intersections) history.observeIntersection(intersection);
    },
    ref: (intersection) => ({ model: history, key: intersectionKey(intersection.ref) }),
  };
}

/**
 * Cabin's countdown (src/signals/countdown.ts) as predictors of the next
 * green: the model's likely green (`predictPhases` → `nextGreen`), and the
 * number a waiting driver is shown (`countdown`, whole seconds, hidden in the
 * final seconds or without a likely end; only when green follows the red).
 */
export function cabinCountdownPredictors(): GreenPredictor[] {
  const { observe, ref } = cabinHistory();
  const memories = new Map<string, CountdownMemory>();
  const groupOf = (intersection: IntersectionSignals, signalGroup: number): SignalGroupState | undefined => intersection.groups.find((g) => g.signalGroup === signalGroup);
  return [
    {
      name: 'Cabin: likely green',
      observe,
      greenAtMs: (intersection, signalGroup, nowMs) => {
        const group = groupOf(intersection, signalGroup);
        return group && nextGreen(predictPhases(group, nowMs, ref(intersection)))?.likely;
      },
    },
    {
      name: 'Cabin: countdown shown',
      observe: () => undefined, // the history is fed by the predictor above
      greenAtMs: (intersection, signalGroup, nowMs) => {
        const group = groupOf(intersection, signalGroup);
        if (!group) return undefined;
        const key = `${intersectionKey(intersection.ref)}#${signalGroup}`;
        const previous = memories.get(key);
        const { display, memory } = countdown({
          now: nowMs,
          group,
          revision: intersection.revision,
          fresh: true,
          speedMps: 0, // the probe waits at the red
          history: ref(intersection),
          ...(previous ? { previous } : {}),
        });
        if (memory) memories.set(key, memory);
        else memories.delete(key);
        // A number the driver reads as "green in N s": a red whose next phase is green, with a likely end.
        const next = group.events[1]?.phase;
        if (display.kind !== 'countdown' || display.atLeast || !isStop(display.phase) || (next !== undefined && !isGo(next))) return undefined;
        return nowMs + display.seconds * 1000;
      },
    },
  ];
}

/** Cabin's Green Light Optimal Speed Advisory (src/signals/advice.ts) on Cabin's predicted phases, with its defaults. */
export function cabinSpeedAdvisor(): SpeedAdvisor {
  const { observe, ref } = cabinHistory();
  return {
    name: 'Cabin GLOSA',
    observe,
    adviseMs: (input) => {
      const group = input.intersection.groups.find((g) => g.signalGroup === input.signalGroup);
      if (!group) return undefined;
      const advice = adviseSpeed({
        now: input.nowMs,
        distanceToStopLineM: input.distanceM,
        speedMps: input.speedMs,
        speedLimitKmh: input.speedLimitMs * 3.6,
        phases: predictPhases(group, input.nowMs, ref(input.intersection)),
      });
      return advice.kind === 'speed' ? advice.speedKmh / 3.6 : undefined;
    },
  };
}

/** One countdown sample: a probe vehicle waits for a red signal group; what each predictor said and what happened. */
export interface CountdownSample {
  tlsId: string;
  signalGroup: number;
  timeS: number;
  /** When the group really turned green (s). */
  actualGreenS: number;
  /** Per predictor name: the predicted green (s), or undefined when it gave none. */
  predictedGreenS: Record<string, number | undefined>;
}

export interface StudyOptions {
  /** Simulation seconds to run (from 0). */
  durationS: number;
  /** Countdown samples before this time are not kept (predictors learn meanwhile). */
  warmupS: number;
  /** What the roadside units publish. */
  publication: Publication;
  /** Predictors asked once a second for every red signal group a probe vehicle approaches; none: no countdown study. */
  predictors?: GreenPredictor[];
  /** Vehicles that follow this advisor, every `adviceEveryS` seconds within `rangeM` of a signal. */
  advice?: { advisor: SpeedAdvisor; vehicleIds: ReadonlySet<string>; everyS?: number };
  /** Radio range of the roadside units (m). Default 300. */
  rangeM?: number;
}

export interface StudyResult {
  samples: CountdownSample[];
  switches: SwitchLog;
  layouts: SignalLayout[];
  /** TraCI speed commands sent for advice (set and release). */
  adviceCommands: number;
  /** Advice ticks (one per vehicle every `everyS`) on which an advised speed was held. */
  adviceApplied: number;
  /** Things counted rather than hidden: vehicles gone from the road when asked, samples without a later green. */
  errors: Record<string, number>;
  /** Simulated seconds and the wall time it took. */
  simulatedS: number;
  wallMs: number;
}

function countError(errors: Record<string, number>, key: string): void {
  errors[key] = (errors[key] ?? 0) + 1;
}

/**
 * Drives a running SUMO for `durationS`: publishes SPaT from its controllers
 * to the predictors and the advisor, samples countdowns for probe vehicles,
 * and steers advised vehicles. Returns samples with their ground truth.
 */
export async function runStudy(run: SumoRun, scenario: Scenario, options: StudyOptions): Promise<StudyResult> {
  const started = Date.now();
  const client = run.client;
  const rangeM = options.rangeM ?? 300;
  const stepS = await client.get(simulation.getDeltaT());
  const stepsPerSecond = Math.round(1 / stepS);
  const adviceEverySteps = Math.max(1, Math.round((options.advice?.everyS ?? 0.5) / stepS));
  const errors: Record<string, number> = {};

  const programs = await client.send(scenario.tlsIds.map((id) => trafficLight.getAllProgramLogics(id)));
  const running = await client.send(scenario.tlsIds.map((id) => trafficLight.getProgram(id)));
  const layouts = scenario.tlsIds.map((id, i) => {
    const program = programs[i]?.find((p) => p.programId === running[i]);
    if (!program) throw new Error(`${id}: SUMO runs program ${JSON.stringify(running[i])}, which it does not list`);
    return signalLayout(id, i + 1, program);
  });
  const layoutById = new Map(layouts.map((layout) => [layout.tlsId, layout]));
  const switches = new SwitchLog();
  const controllers: ControllerState[] = layouts.map((layout) => ({
    phaseIndex: -1,
    phaseStartS: undefined,
    groupStartS: layout.groups.map(() => undefined),
    nextSwitchS: 0,
    revision: 0,
  }));
  const predictors = options.predictors ?? [];
  const advisor = options.advice?.advisor;
  const observers = [...predictors, ...(advisor ? [advisor] : [])];
  const pendingSamples: Omit<CountdownSample, 'actualGreenS'>[] = [];
  const inNetwork = new Set<string>();
  const advised = new Set<string>(); // vehicles whose speed this harness currently holds
  let adviceCommands = 0;
  let adviceApplied = 0;

  const phaseRequests = scenario.tlsIds.map((id) => trafficLight.getPhase(id));
  let nowS = 0;
  const published: (IntersectionSignals | undefined)[] = layouts.map(() => undefined);
  const totalSteps = Math.round(options.durationS / stepS);
  for (let step = 1; step <= totalSteps; step++) {
    await client.simulationStep();
    const [traciTime, departed, arrived, ...phaseIndices] = await client.send([simulation.getTime(), simulation.getDepartedIDList(), simulation.getArrivedIDList(), ...phaseRequests]);
    nowS = Math.round((traciTime - stepS) * 1000) / 1000;
    for (const id of departed) inNetwork.add(id);
    for (const id of arrived) {
      inNetwork.delete(id);
      advised.delete(id);
    }

    // The controllers: switches are the ground truth; static programs' next switch is their published plan.
    const changed: number[] = [];
    phaseIndices.forEach((phaseIndex, i) => {
      const controller = controllers[i]!;
      if (phaseIndex === controller.phaseIndex) return;
      const layout = layouts[i]!;
      const first = controller.phaseIndex < 0;
      if (!first) {
        switches.record(layout.tlsId, nowS, phaseIndex);
        controller.phaseStartS = nowS;
        layout.groups.forEach((group, g) => {
          if (group.phaseByProgramPhase[phaseIndex] !== group.phaseByProgramPhase[controller.phaseIndex]) controller.groupStartS[g] = nowS;
        });
      }
      controller.phaseIndex = phaseIndex;
      controller.revision++;
      changed.push(i);
    });
    if (changed.length && options.publication === 'fixed-plan') {
      const next = await client.send(changed.map((i) => trafficLight.getNextSwitch(layouts[i]!.tlsId)));
      changed.forEach((i, k) => (controllers[i]!.nextSwitchS = next[k]!));
    }

    // The roadside units: a message on every change and at 1 Hz (Cabin's store calls a feed stale after 2 s).
    const fullSecond = step % stepsPerSecond === 0;
    const publish = fullSecond ? layouts.map((_, i) => i) : changed;
    if (publish.length) {
      const intersections = publish.map((i) => {
        const signals = intersectionSignals(layouts[i]!, controllers[i]!, nowS, options.publication);
        published[i] = signals;
        return signals;
      });
      const message: SpatMessage = { kind: 'spat', timestamp: simEpochMs(nowS), intersections };
      for (const observer of observers) observer.observe(message, simEpochMs(nowS));
    }

    // Probe vehicles: once a second, every red group with a vehicle approaching within range gets a countdown sample.
    if (predictors.length && fullSecond && nowS >= options.warmupS && inNetwork.size) {
      const ahead = await nextSignals(client, [...inNetwork], errors);
      const seen = new Set<string>();
      for (const signal of ahead.values()) {
        if (!signal || signal.distance > rangeM) continue;
        const layout = layoutById.get(signal.tlsId);
        const group = layout?.groupOfLink[signal.linkIndex];
        if (!layout || group === undefined) continue;
        const key = `${signal.tlsId}#${group}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const index = layout.ref.id - 1;
        const controller = controllers[index]!;
        if (isGo(layout.groups[group - 1]!.phaseByProgramPhase[controller.phaseIndex]!)) continue;
        const intersection = published[index];
        if (!intersection) continue;
        const predictedGreenS: Record<string, number | undefined> = {};
        for (const predictor of predictors) {
          const at = predictor.greenAtMs(intersection, group, simEpochMs(nowS));
          predictedGreenS[predictor.name] = at === undefined ? undefined : (at - SIM_EPOCH_MS) / 1000;
        }
        pendingSamples.push({ tlsId: layout.tlsId, signalGroup: group, timeS: nowS, predictedGreenS });
      }
    }

    // Advised vehicles: Cabin's speed, set over TraCI; released outside range or without advice.
    if (advisor && options.advice && step % adviceEverySteps === 0) {
      const equipped = [...inNetwork].filter((id) => options.advice!.vehicleIds.has(id));
      if (equipped.length) {
        const ahead = await nextSignals(client, equipped, errors);
        const present = equipped.filter((id) => ahead.has(id));
        const motion = await client.send(present.flatMap((id) => [vehicle.getSpeed(id), vehicle.getAllowedSpeed(id)]));
        const commands = [];
        for (let v = 0; v < present.length; v++) {
          const id = present[v]!;
          const signal = ahead.get(id);
          let target: number | undefined;
          if (signal && signal.distance <= rangeM) {
            const layout = layoutById.get(signal.tlsId);
            const group = layout?.groupOfLink[signal.linkIndex];
            const intersection = layout && published[layout.ref.id - 1];
            if (layout && intersection && group !== undefined) {
              target = advisor.adviseMs({
                intersection,
                signalGroup: group,
                distanceM: signal.distance,
                speedMs: motion[2 * v]!,
                speedLimitMs: motion[2 * v + 1]!,
                nowMs: simEpochMs(nowS),
              });
            }
          }
          if (target !== undefined && Number.isFinite(target)) {
            commands.push(vehicle.setSpeed(id, Math.max(0, target)));
            advised.add(id);
            adviceApplied++;
          } else if (advised.delete(id)) {
            commands.push(vehicle.setSpeed(id, -1));
          }
        }
        if (commands.length) {
          adviceCommands += commands.length;
          await client.send(commands);
        }
      }
    }
  }

  const samples: CountdownSample[] = [];
  for (const sample of pendingSamples) {
    const actualGreenS = switches.nextGoS(layoutById.get(sample.tlsId)!, sample.signalGroup, sample.timeS);
    if (actualGreenS === undefined) countError(errors, 'countdown sample: no green before the end of the run');
    else samples.push({ ...sample, actualGreenS });
  }
  return { samples, switches, layouts, adviceCommands, adviceApplied, errors, simulatedS: nowS, wallMs: Date.now() - started };
}

/** The nearest signal ahead of each vehicle (undefined: none ahead). Vehicles SUMO no longer knows are left out and counted. */
async function nextSignals(client: TraciClient, ids: string[], errors: Record<string, number>): Promise<Map<string, UpcomingSignal | undefined>> {
  const result = new Map<string, UpcomingSignal | undefined>();
  try {
    const lists = await client.send(ids.map((id) => vehicle.getNextTLS(id)));
    ids.forEach((id, i) => result.set(id, lists[i]![0]));
  } catch (error) {
    if (!(error instanceof TraciError)) throw error;
    // One vehicle in the batch is not on the road (teleporting): ask one by one.
    for (const id of ids) {
      try {
        result.set(id, (await client.get(vehicle.getNextTLS(id)))[0]);
      } catch (single) {
        if (!(single instanceof TraciError)) throw single;
        countError(errors, 'vehicle not on the road when asked');
      }
    }
  }
  return result;
}

// ---------------------------------------------------------------- figures

/** p-th percentile (0–100) of values, nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Countdown accuracy of one predictor over samples whose true time to green lies in [fromS, toS). */
export interface CountdownFigures {
  predictor: string;
  horizon: string;
  samples: number;
  /** Share of samples where the predictor gave a time. */
  coverage: number;
  p50AbsErrorS: number;
  p95AbsErrorS: number;
  /** Share of predictions of green more than 2 s before it came. */
  earlyOver2s: number;
  /** Median signed error (predicted − actual), s. */
  medianBiasS: number;
}

/** Accuracy per predictor and horizon. */
export function countdownFigures(samples: readonly CountdownSample[], horizons: readonly [number, number][]): CountdownFigures[] {
  const names = [...new Set(samples.flatMap((s) => Object.keys(s.predictedGreenS)))];
  const rows: CountdownFigures[] = [];
  for (const [fromS, toS] of horizons) {
    const inHorizon = samples.filter((s) => s.actualGreenS - s.timeS >= fromS && s.actualGreenS - s.timeS < toS);
    for (const predictor of names) {
      const errors: number[] = [];
      for (const sample of inHorizon) {
        const predicted = sample.predictedGreenS[predictor];
        if (predicted !== undefined) errors.push(predicted - sample.actualGreenS);
      }
      rows.push({
        predictor,
        horizon: `${fromS}–${toS} s`,
        samples: inHorizon.length,
        coverage: inHorizon.length ? errors.length / inHorizon.length : Number.NaN,
        p50AbsErrorS: percentile(errors.map(Math.abs), 50),
        p95AbsErrorS: percentile(errors.map(Math.abs), 95),
        earlyOver2s: errors.length ? errors.filter((e) => e < -2).length / errors.length : Number.NaN,
        medianBiasS: percentile(errors, 50),
      });
    }
  }
  return rows;
}

/** One vehicle's trip from SUMO's tripinfo output (emissions from SUMO's default HBEFA model). */
export interface Trip {
  id: string;
  departS: number;
  /** -1 when the vehicle had not arrived when the run ended. */
  arrivalS: number;
  durationS: number;
  routeLengthM: number;
  /** Times the vehicle's speed fell to ≤ 0.1 m/s (SUMO's waitingCount): stops. */
  stops: number;
  waitingS: number;
  timeLossS: number;
  fuelMg: number;
  co2Mg: number;
}

function attributes(tag: string): Map<string, string> {
  return new Map([...tag.matchAll(/([\w:]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

/** Reads SUMO's tripinfo output (with the emissions device). */
export function readTripinfo(path: string): Trip[] {
  const xml = readFileSync(path, 'utf8');
  const trips: Trip[] = [];
  for (const match of xml.matchAll(/<tripinfo\s([^>]*?)(\/>|>([\s\S]*?)<\/tripinfo>)/g)) {
    const a = attributes(match[1]!);
    const emissions = match[3] ? attributes(/<emissions\s([^>]*)\/>/.exec(match[3])?.[1] ?? '') : new Map<string, string>();
    const number = (map: Map<string, string>, key: string): number => {
      const value = Number(map.get(key));
      if (!Number.isFinite(value)) throw new Error(`${path}: tripinfo ${a.get('id') ?? '?'} has no numeric ${key}`);
      return value;
    };
    trips.push({
      id: a.get('id') ?? '',
      departS: number(a, 'depart'),
      arrivalS: number(a, 'arrival'),
      durationS: number(a, 'duration'),
      routeLengthM: number(a, 'routeLength'),
      stops: number(a, 'waitingCount'),
      waitingS: number(a, 'waitingTime'),
      timeLossS: number(a, 'timeLoss'),
      fuelMg: emissions.size ? number(emissions, 'fuel_abs') : Number.NaN,
      co2Mg: emissions.size ? number(emissions, 'CO2_abs') : Number.NaN,
    });
  }
  return trips;
}

/** Driving figures of a set of trips. */
export interface DrivingFigures {
  trips: number;
  km: number;
  stopsPerKm: number;
  meanTravelS: number;
  meanTimeLossS: number;
  fuelGPerKm: number;
  co2GPerKm: number;
}

/** Totals over the trips (all arrived). */
export function drivingFigures(trips: readonly Trip[]): DrivingFigures {
  const km = trips.reduce((sum, t) => sum + t.routeLengthM, 0) / 1000;
  const total = (key: keyof Trip): number => trips.reduce((sum, t) => sum + (t[key] as number), 0);
  return {
    trips: trips.length,
    km,
    stopsPerKm: total('stops') / km,
    meanTravelS: total('durationS') / trips.length,
    meanTimeLossS: total('timeLossS') / trips.length,
    fuelGPerKm: total('fuelMg') / 1000 / km,
    co2GPerKm: total('co2Mg') / 1000 / km,
  };
}

/** The trips of `ids` that arrived in every run given, in the same order per run: pairs of identical vehicles. */
export function pairedTrips(runs: readonly Trip[][], ids: ReadonlySet<string>): Trip[][] {
  const byRun = runs.map((trips) => new Map(trips.filter((t) => t.arrivalS >= 0 && ids.has(t.id)).map((t) => [t.id, t])));
  const common = [...ids].filter((id) => byRun.every((map) => map.has(id)));
  return byRun.map((map) => common.map((id) => map.get(id)!));
}

/** A paired change: mean of (treated − base) relative to the base mean, with a normal-approximation 95 % interval. */
export interface PairedChange {
  relative: number;
  low: number;
  high: number;
}

/** The relative change of a per-vehicle quantity between two arms of the same vehicles (pairs in the same order). */
export function pairedChange(base: readonly number[], treated: readonly number[]): PairedChange {
  const n = Math.min(base.length, treated.length);
  if (n < 2) return { relative: Number.NaN, low: Number.NaN, high: Number.NaN };
  let baseSum = 0;
  let diffSum = 0;
  for (let i = 0; i < n; i++) {
    baseSum += base[i]!;
    diffSum += treated[i]! - base[i]!;
  }
  const meanDiff = diffSum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (treated[i]! - base[i]! - meanDiff) ** 2;
  const halfWidth = 1.96 * Math.sqrt(squares / (n - 1) / n);
  const baseMean = baseSum / n;
  return { relative: meanDiff / baseMean, low: (meanDiff - halfWidth) / baseMean, high: (meanDiff + halfWidth) / baseMean };
}
