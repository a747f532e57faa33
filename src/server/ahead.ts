import type { FastifyInstance } from 'fastify';
import {
  INITIAL_MATCH_STATE,
  SignalMatcher,
  adviseSpeed,
  countdown,
  predictPhases,
  type CountdownDisplay,
  type CountdownMemory,
  type MatchState,
  type SignalStore,
  type SpeakableText,
} from '../signals/index.ts';
import { sendBadRequest, type ApiCatalogue } from './api.ts';
import { VehicleParams, type VehicleRegistry, type VehicleState } from './vehicle.ts';

/** Speed limit assumed for advice where the MAP states none (urban default, as the agent's light source). */
const DEFAULT_LIMIT_KMH = 50;

/** The light ahead of one vehicle, as `GET /api/vehicle/{id}/ahead` answers. */
export type LightAhead =
  | { found: false; reason: 'no-intersection-ahead' | 'no-signal-group' | 'no-maps' }
  | {
      found: true;
      intersection: { key: string; name: string | undefined };
      signalGroup: number;
      maneuver: string;
      /** How the group was found, and how sure the matcher is (0–1). */
      match: 'lane' | 'approach' | 'intersection-fallback';
      matchConfidence: number;
      distanceToStopLineM: number;
      /** The countdown as the driver may see it: a number with its range, the state alone and why, or nothing and why. */
      countdown: CountdownDisplay;
      advice: { kind: 'speed'; speedKmh: number; text: SpeakableText } | { kind: 'no-advice'; reason: string; stop: boolean; text?: SpeakableText } | undefined;
    };

/** Reads the light ahead of vehicles, keeping each one's matcher belief and countdown memory between questions. */
export class LightAheadReader {
  private matcher: SignalMatcher | undefined;
  private matcherKeys = '';
  private readonly beliefs = new Map<string, MatchState>();
  private readonly memories = new Map<string, CountdownMemory>();

  constructor(private readonly store: SignalStore) {}

  /** The light ahead of `vehicle` at `nowMs`, along `path` ([lon, lat] from the car) when it follows a route. */
  read(vehicle: VehicleState, nowMs: number, path: readonly (readonly [number, number])[] | undefined): LightAhead {
    const { store } = this;
    const keys = store.mapKeys();
    if (keys.length === 0) return { found: false, reason: 'no-maps' };
    if (!this.matcher || this.matcherKeys !== keys.join()) {
      this.matcher = new SignalMatcher(keys.flatMap((k) => store.mapOf(k) ?? []));
      this.matcherKeys = keys.join();
      this.beliefs.clear();
    }
    const speedMps = vehicle.speedKmh === undefined ? undefined : vehicle.speedKmh / 3.6;
    const matched = this.matcher.match(
      { lat: vehicle.lat, lon: vehicle.lon, headingDeg: vehicle.headingDeg ?? 0, speedMps: speedMps ?? 0 },
      {
        ...(path && path.length > 1 ? { route: path } : {}),
        previous: this.beliefs.get(vehicle.id) ?? INITIAL_MATCH_STATE,
        spatGroups: (key) => {
          const state = store.stateAt(key, nowMs);
          return state.fresh ? state.signals.groups.map((g) => g.signalGroup) : undefined;
        },
      },
    );
    this.beliefs.set(vehicle.id, matched.state);
    if (!matched.ok) return { found: false, reason: matched.reason };
    const { key, signalGroup, distanceToStopLineM } = matched.match;
    if (signalGroup === undefined) return { found: false, reason: 'no-signal-group' };
    const map = store.mapOf(key);
    const state = store.stateAt(key, nowMs);
    const group = state.fresh ? state.signals.groups.find((g) => g.signalGroup === signalGroup) : undefined;
    const common = {
      found: true as const,
      intersection: { key, name: map?.name ?? (state.fresh ? state.signals.name : undefined) },
      signalGroup,
      maneuver: matched.match.maneuver,
      match: matched.match.match,
      matchConfidence: matched.match.confidence,
      distanceToStopLineM,
    };
    if (!state.fresh || !group) {
      return { ...common, countdown: { kind: 'hidden', reason: state.fresh || state.reason === 'stale' ? 'stale' : 'no-state' }, advice: undefined };
    }
    const memoryKey = `${vehicle.id}@${key}#${signalGroup}`;
    const previous = this.memories.get(memoryKey);
    const shown = countdown({
      now: nowMs,
      group,
      revision: state.signals.revision,
      fresh: true,
      distanceToStopLineM,
      ...(speedMps !== undefined ? { speedMps } : {}),
      ...(previous ? { previous } : {}),
    });
    if (shown.memory) this.memories.set(memoryKey, shown.memory);
    let advice: Extract<LightAhead, { found: true }>['advice'];
    if (speedMps !== undefined) {
      const given = adviseSpeed({ now: nowMs, distanceToStopLineM, speedMps, speedLimitKmh: map?.speedLimitKmh ?? DEFAULT_LIMIT_KMH, phases: predictPhases(group, nowMs) });
      advice =
        given.kind === 'speed'
          ? { kind: 'speed', speedKmh: given.speedKmh, text: given.text }
          : { kind: 'no-advice', reason: given.reason, stop: given.stop, ...(given.text ? { text: given.text } : {}) };
    }
    return { ...common, countdown: shown.display, advice };
  }
}

/** `GET /api/vehicle/{id}/ahead`. */
export function registerAheadRoute(
  app: FastifyInstance,
  deps: {
    reader: LightAheadReader;
    vehicles: VehicleRegistry;
    now: () => Date;
    catalogue: ApiCatalogue;
    /** The route ahead of a simulated car, and a way to bring simulated cars up to now. */
    pathAhead?: (id: string) => [number, number][] | undefined;
    beforeRead?: () => void;
  },
): void {
  deps.catalogue.describe({
    method: 'get',
    path: '/api/vehicle/{id}/ahead',
    summary: 'The traffic light ahead of a vehicle: intersection, signal group, countdown with its range and confidence (or why it is hidden), speed advice',
    tag: 'vehicle',
    params: VehicleParams,
  });
  app.get('/api/vehicle/:id/ahead', async (request, reply) => {
    const params = VehicleParams.safeParse(request.params);
    if (!params.success) return sendBadRequest(reply, params.error.issues);
    deps.beforeRead?.();
    const vehicle = deps.vehicles.get(params.data.id);
    if (!vehicle) return reply.status(404).send({ error: `vehicle ${params.data.id} has not reported yet` });
    const nowMs = deps.now().getTime();
    return { vehicle, ahead: deps.reader.read(vehicle, nowMs, deps.pathAhead?.(vehicle.id)) };
  });
}
