/**
 * A `TrafficLightSource` over Cabin's signal modules: the signal store's
 * latest SPaT and MAP, the lane matcher to find the light that applies to
 * the car on the road ahead, and the countdown and speed advice to say what
 * the driver may be told. Holds the matcher's belief and the countdown's
 * memory between questions, like the cockpit display would.
 */
import {
  INITIAL_MATCH_STATE,
  SignalMatcher,
  adviseSpeed,
  countdown,
  predictPhases,
  type CountdownMemory,
  type Light,
  type MatchState,
  type SignalHistory,
  type SignalStore,
} from '../../signals/index.ts';
import type { TrafficLightReading, TrafficLightSource } from './status.ts';

/** Where signal states come from. */
export interface SignalFeed {
  store: SignalStore;
  /** Learned phase durations, for signals whose messages give only bounds. */
  history?: SignalHistory;
  /** Brings the store up to `nowMs` before a question (a simulator publishing, a feed's buffer draining). */
  update?: (nowMs: number) => void;
}

/** Speed limit assumed for advice where the MAP states none (urban default). */
const DEFAULT_LIMIT_KMH = 50;

/**
 * The light ahead from a signal feed. `feed` may be a function, called once
 * on the first question (so a simulator is only built when asked about).
 */
export function signalFeedSource(feed: SignalFeed | (() => SignalFeed)): TrafficLightSource {
  let opened: SignalFeed | undefined;
  let matcher: SignalMatcher | undefined;
  let matcherKeys = '';
  let belief: MatchState = INITIAL_MATCH_STATE;
  const memories = new Map<string, CountdownMemory>();
  return {
    lightAhead({ vehicle, now, path }): TrafficLightReading | undefined {
      opened ??= typeof feed === 'function' ? feed() : feed;
      const { store, history } = opened;
      const nowMs = now.getTime();
      opened.update?.(nowMs);
      const keys = store.mapKeys();
      if (keys.length === 0) return undefined;
      if (!matcher || matcherKeys !== keys.join()) {
        matcher = new SignalMatcher(keys.flatMap((k) => store.mapOf(k) ?? []));
        matcherKeys = keys.join();
        belief = INITIAL_MATCH_STATE;
      }
      const headingDeg = vehicle.headingDeg ?? bearingOf(path);
      if (headingDeg === undefined) return undefined;
      const speedMps = vehicle.speedKmh === undefined ? undefined : vehicle.speedKmh / 3.6;
      const matched = matcher.match(
        { lat: vehicle.lat, lon: vehicle.lon, headingDeg, speedMps: speedMps ?? 0 },
        {
          ...(path.length > 1 ? { route: path } : {}),
          previous: belief,
          spatGroups: (key) => {
            const state = store.stateAt(key, nowMs);
            return state.fresh ? state.signals.groups.map((g) => g.signalGroup) : undefined;
          },
        },
      );
      belief = matched.state;
      if (!matched.ok || matched.match.signalGroup === undefined) return undefined;
      const { key, signalGroup, distanceToStopLineM } = matched.match;
      const state = store.stateAt(key, nowMs);
      if (!state.fresh) return undefined;
      const group = state.signals.groups.find((g) => g.signalGroup === signalGroup);
      if (!group) return undefined;
      const historyRef = history ? { model: history, key } : undefined;
      const memoryKey = `${key}#${signalGroup}`;
      const previous = memories.get(memoryKey);
      const shown = countdown({
        now: nowMs,
        group,
        revision: state.signals.revision,
        fresh: true,
        distanceToStopLineM,
        ...(speedMps !== undefined ? { speedMps } : {}),
        ...(historyRef ? { history: historyRef } : {}),
        ...(previous ? { previous } : {}),
      });
      if (shown.memory) memories.set(memoryKey, shown.memory);
      const display = shown.display;
      if (display.kind === 'hidden') return undefined;
      const reading: TrafficLightReading = { phase: phaseOf(display.light), distanceM: distanceToStopLineM };
      if (state.signals.name !== undefined) reading.intersection = state.signals.name;
      if (display.kind === 'countdown') {
        reading.changesInS = display.seconds;
        reading.text = display.text;
      }
      // Advice needs the car's speed: without it, a speed to hold would be a guess.
      if (speedMps !== undefined) {
        const limit = store.mapOf(key)?.speedLimitKmh ?? DEFAULT_LIMIT_KMH;
        const advice = adviseSpeed({ now: nowMs, distanceToStopLineM, speedMps, speedLimitKmh: limit, phases: predictPhases(group, nowMs, historyRef) });
        if (advice.kind === 'speed') {
          reading.adviceKmh = advice.speedKmh;
          reading.adviceText = advice.text;
        } else if (advice.text) reading.adviceText = advice.text;
      }
      return reading;
    },
  };
}

function phaseOf(light: Light): TrafficLightReading['phase'] {
  switch (light) {
    case 'green':
      return 'green';
    case 'amber':
      return 'amber';
    case 'red':
    case 'red-amber':
      return 'red';
    case 'flashing-red':
    case 'flashing-amber':
      return 'flashing';
    case 'dark':
      return 'dark';
    case 'unknown':
      return 'unknown';
    default: {
      const never: never = light;
      throw new Error(`unknown light ${String(never)}`);
    }
  }
}

/** Compass bearing of the first stretch of a [lon, lat] path, or undefined for a point. */
function bearingOf(path: readonly (readonly [number, number])[]): number | undefined {
  const [a, b] = path;
  if (!a || !b) return undefined;
  const dx = (b[0] - a[0]) * Math.cos((a[1] * Math.PI) / 180);
  const dy = b[1] - a[1];
  if (dx === 0 && dy === 0) return undefined;
  return ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
}
