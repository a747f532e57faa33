import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Agent, type AgentSetup } from '../agent/dialogue.ts';
import { Assistant } from '../agent/assistant.ts';
import { MemoryPreferenceStore, type PreferenceStore } from '../agent/tools.ts';
import type { LlmPlanner } from '../agent/llm/index.ts';
import type { LatLon } from '../routing/index.ts';
import type { Trip } from '../places/index.ts';
import { sendBadRequest, type ApiCatalogue } from './api.ts';
import type { Metrics } from './metrics.ts';
import type { VehicleRegistry } from './vehicle.ts';

const idPart = /^[A-Za-z0-9_-]{1,64}$/;

/** A conversation is one driver in one vehicle: `vehicle:driver`. */
export const SessionId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]{1,64}$/, 'expected VEHICLE:DRIVER, each 1–64 letters, digits, _ or -');

export const ConversationParams = z.object({ sessionId: SessionId });

export const TurnBody = z
  .object({
    text: z.string().trim().min(1, 'say something').max(500),
    vehicle: z
      .object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180), headingDeg: z.number().min(0).lt(360).optional(), speedKmh: z.number().min(0).max(400).optional() })
      .strict()
      .optional()
      .describe('where the car is; default: its last report to /api/vehicle/{id}, else parked at the map’s centre'),
    now: z.iso.datetime({ offset: true }).optional().describe('the time of the turn; default: the server’s clock'),
  })
  .strict();

export interface ConversationOptions {
  setup: AgentSetup;
  planner?: LlmPlanner;
  preferences?: PreferenceStore;
  /** A session not spoken to for this long is forgotten. Default 30 minutes. */
  idleMs?: number;
  /** The most sessions held; the longest idle goes first. Default 1000. */
  maxSessions?: number;
}

interface Session {
  assistant: Assistant;
  lastUsedMs: number;
}

/** One assistant per `vehicle:driver`, made on first use, forgotten when idle. */
export class ConversationSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;
  private readonly maxSessions: number;
  private readonly preferences: PreferenceStore;

  constructor(private readonly options: ConversationOptions) {
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.maxSessions = options.maxSessions ?? 1000;
    this.preferences = options.preferences ?? new MemoryPreferenceStore();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The session's assistant at `nowMs`, made if new; expired sessions are dropped first. */
  open(id: string, nowMs: number): Assistant {
    this.expire(nowMs);
    let session = this.sessions.get(id);
    if (!session) {
      const driverId = id.slice(id.indexOf(':') + 1);
      if (!idPart.test(driverId)) throw new Error(`session id ${id} was not validated`);
      const agent = new Agent({ setup: this.options.setup, preferences: this.preferences, driverId });
      session = { assistant: new Assistant(agent, this.options.planner), lastUsedMs: nowMs };
      if (this.sessions.size >= this.maxSessions) {
        // Maps iterate in insertion order and use re-inserts, so the first is the longest idle.
        const oldest = this.sessions.keys().next().value;
        if (oldest !== undefined) this.sessions.delete(oldest);
      }
    } else {
      this.sessions.delete(id);
    }
    session.lastUsedMs = nowMs;
    this.sessions.set(id, session);
    return session.assistant;
  }

  /** Forgets sessions idle since before `nowMs - idleMs`. */
  expire(nowMs: number): void {
    for (const [id, session] of this.sessions) {
      if (nowMs - session.lastUsedMs <= this.idleMs) break;
      this.sessions.delete(id);
    }
  }
}

/** Told when a turn starts, changes or ends a vehicle's trip (the simulated drive follows it). */
export type TripHook = (vehicleId: string, trip: Trip | undefined) => void;

/** The vehicle of a `vehicle:driver` session. */
export const vehicleOfSession = (sessionId: string): string => sessionId.slice(0, sessionId.indexOf(':'));

/**
 * One turn of `sessionId`'s assistant, typed or spoken: when it starts, changes
 * or ends the trip, `onTrip` is told. Both the turn route and the voice socket
 * take turns through here, so a trip confirmed by voice drives the car too.
 */
export async function takeTurn(assistant: Assistant, sessionId: string, text: string, input: Parameters<Assistant['turn']>[1], onTrip: TripHook | undefined): ReturnType<Assistant['turn']> {
  const tripBefore = assistant.agent.trip;
  const answer = await assistant.turn(text, input);
  if (assistant.agent.trip !== tripBefore) onTrip?.(vehicleOfSession(sessionId), assistant.agent.trip);
  return answer;
}

/** `POST /api/conversation/{vehicle:driver}/turn`. */
export function registerConversationRoutes(
  app: FastifyInstance,
  deps: {
    sessions: ConversationSessions;
    vehicles: VehicleRegistry;
    parkedAt: LatLon;
    now: () => Date;
    metrics: Metrics;
    catalogue: ApiCatalogue;
    /** Told when a turn starts, changes or ends the vehicle's trip (the simulated drive follows it). */
    onTrip?: TripHook;
  },
): void {
  const { sessions, vehicles, now, metrics } = deps;
  deps.catalogue.describe({
    method: 'post',
    path: '/api/conversation/{sessionId}/turn',
    summary: 'One turn of the conversation with the assistant: what it says, the cards it shows and what it waits for',
    tag: 'conversation',
    params: ConversationParams,
    body: TurnBody,
  });
  app.post('/api/conversation/:sessionId/turn', async (request, reply) => {
    const params = ConversationParams.safeParse(request.params);
    if (!params.success) return sendBadRequest(reply, params.error.issues);
    const body = TurnBody.safeParse(request.body);
    if (!body.success) return sendBadRequest(reply, body.error.issues);
    const { sessionId } = params.data;
    const at = body.data.now ? new Date(body.data.now) : now();
    const reported = vehicles.get(sessionId.slice(0, sessionId.indexOf(':')));
    const vehicle: { lat: number; lon: number; headingDeg?: number | undefined; speedKmh?: number | undefined } = body.data.vehicle ?? reported ?? deps.parkedAt;
    const assistant = sessions.open(sessionId, now().getTime());
    try {
      const { turn, path, note } = await takeTurn(assistant, sessionId, body.data.text, {
        now: at,
        vehicle: {
          lat: vehicle.lat,
          lon: vehicle.lon,
          ...(vehicle.headingDeg !== undefined ? { headingDeg: vehicle.headingDeg } : {}),
          ...(vehicle.speedKmh !== undefined ? { speedKmh: vehicle.speedKmh } : {}),
        },
      }, deps.onTrip);
      metrics.agentTurns.inc({ path, outcome: 'answered' });
      return {
        sessionId,
        speech: turn.speech,
        cards: turn.cards,
        expecting: turn.expecting,
        toolCalls: turn.toolCalls,
        path,
        ...(note ? { note } : {}),
      };
    } catch (error) {
      metrics.agentTurns.inc({ path: 'embedded', outcome: 'error' });
      throw error;
    }
  });
}
