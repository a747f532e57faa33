/**
 * Cabin's tools over the Model Context Protocol (official SDK, low-level
 * `Server`): one MCP tool per Cabin tool, its input schema the JSON Schema of
 * the same zod schema that validates the arguments (`toolJsonSchemas`), its
 * result the spoken answer as text plus the cards as structured content.
 *
 * An MCP session is one car: it keeps the trip and the driver's preferences.
 * A route change is applied only when the client passes `confirm: true`;
 * without it the call returns the proposal and the question, as the dialogue
 * does before the driver's yes. Invalid arguments are tool errors
 * (`isError`) naming the field, never protocol errors or crashes.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  McpError,
  ListResourcesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type CallToolResult,
  type ReadResourceResult,
  type Resource,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { isToolName, runTool, toolJsonSchemas, type AgentWorld, type Card, type DriverPreferences, type PreferenceStore, type ToolResult, type TripCard } from '../agent/tools.ts';
import type { AgentSetup } from '../agent/dialogue.ts';
import { positionAt, type Trip } from '../places/index.ts';
import type { LatLon } from '../routing/index.ts';

export interface CabinMcpOptions {
  setup: AgentSetup;
  /** Where the car is parked before (and when not) driving a trip. */
  parkedAt: LatLon;
  preferences: PreferenceStore;
  /** Whose preferences. Default 'driver'. */
  driverId?: string;
  /** Default: the system clock. */
  now?: () => Date;
  /** Runs before each tool call at its `now` (the default map refreshes its simulated parking feed). */
  beforeCall?: (now: Date) => void;
  /** Diagnostics; stdout belongs to the protocol. Default: stderr. */
  log?: (line: string) => void;
}

/** What a call returns as structured content (the tool's `outputSchema`). */
export interface CabinToolOutput {
  tool: string;
  ok: boolean;
  speech: { en: string; zh: string };
  cards: Card[];
  changesRoute: boolean;
  /** The route change (or preference) took effect in this call. */
  applied: boolean;
  /** A route change was proposed, not applied: call again with `confirm: true` after the driver's yes. */
  awaitingConfirmation: boolean;
  followUp?: ToolResult['followUp'];
  error?: string;
}

const CONFIRM_NOTE =
  'This changes the route. Without `confirm: true` it only returns the proposal (cards) and the question to ask the driver; ' +
  'call it again with the same arguments and `confirm: true` once the driver has said yes, and the change is applied.';

const OUTPUT_SCHEMA: NonNullable<Tool['outputSchema']> = {
  type: 'object',
  properties: {
    tool: { type: 'string' },
    ok: { type: 'boolean' },
    speech: { type: 'object', properties: { en: { type: 'string' }, zh: { type: 'string' } }, required: ['en', 'zh'] },
    cards: { type: 'array', items: { type: 'object', properties: { kind: { type: 'string' } }, required: ['kind'] } },
    changesRoute: { type: 'boolean' },
    applied: { type: 'boolean' },
    awaitingConfirmation: { type: 'boolean' },
    followUp: { type: 'object' },
    error: { type: 'string' },
  },
  required: ['tool', 'ok', 'speech', 'cards', 'changesRoute', 'applied', 'awaitingConfirmation'],
};

/** The MCP tool list: Cabin's tools, with `confirm` added to those that change the route. */
export function mcpTools(): Tool[] {
  return toolJsonSchemas().map((t): Tool => {
    const parameters = t.parameters as { properties?: Record<string, object> } & Record<string, unknown>;
    const inputSchema = t.changesRoute
      ? {
          ...parameters,
          properties: {
            ...(parameters.properties ?? {}),
            confirm: { type: 'boolean', description: "true only after the driver said yes to this change: applies it. Otherwise the call just proposes it." },
          },
        }
      : parameters;
    return {
      name: t.name,
      description: t.changesRoute ? `${t.description}\n\n${CONFIRM_NOTE}` : t.description,
      inputSchema: { ...inputSchema, type: 'object' },
      outputSchema: OUTPUT_SCHEMA,
      annotations: { readOnlyHint: !t.changesRoute && t.name !== 'set_preference', destructiveHint: false, openWorldHint: false },
    };
  });
}

const MAP_URI = 'cabin://map';
const TRIP_URI = 'cabin://trip';

/** One car's state behind an MCP connection: its trip and its driver's preferences. */
export class CabinMcpSession {
  private trip: Trip | undefined;
  private tripCard: TripCard | undefined;
  private preferences: DriverPreferences;
  private readonly driverId: string;
  private readonly now: () => Date;
  private readonly log: (line: string) => void;

  constructor(private readonly options: CabinMcpOptions) {
    this.driverId = options.driverId ?? 'driver';
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? ((line) => void process.stderr.write(`${line}\n`));
    this.preferences = options.preferences.load(this.driverId);
  }

  /** The world tools see at `now`: the car parked, or where it is on its trip. */
  world(now: Date): AgentWorld {
    const { parkedAt } = this.options;
    let vehicle = parkedAt;
    if (this.trip) {
      const at = positionAt(this.trip, now);
      if (at.kind !== 'before-departure') vehicle = { lat: at.lat, lon: at.lon };
    }
    return { ...this.options.setup, vehicle, now, trip: this.trip, preferences: this.preferences };
  }

  /** Runs one tool call from a client; every failure is a tool result, never an exception. */
  call(name: string, args: Record<string, unknown> | undefined): CallToolResult {
    try {
      return this.callTool(name, args ?? {});
    } catch (error) {
      // A bug in a tool must not end the session for the client; the stack goes to stderr for engineers.
      this.log(`cabin mcp: ${name} failed: ${(error as Error).stack ?? String(error)}`);
      return toolError(`${name}: internal error: ${(error as Error).message}`);
    }
  }

  private callTool(name: string, args: Record<string, unknown>): CallToolResult {
    if (!isToolName(name)) return toolError(`unknown tool "${name}"; Cabin's tools are ${toolJsonSchemas().map((t) => t.name).join(', ')}`);
    const { confirm, ...toolArgs } = args;
    if (confirm !== undefined && typeof confirm !== 'boolean') return toolError(`${name}.confirm: expected boolean, received ${typeof confirm}`);
    const now = this.now();
    this.options.beforeCall?.(now);
    const result = runTool(name, toolArgs, this.world(now));
    const output: CabinToolOutput = {
      tool: result.tool,
      ok: result.ok,
      speech: result.speech,
      cards: result.data.cards,
      changesRoute: result.changesRoute,
      applied: false,
      awaitingConfirmation: false,
    };
    if (result.followUp) output.followUp = result.followUp;
    if (result.error !== undefined) output.error = result.error;
    if (result.error !== undefined) return { ...toolError(result.error), structuredContent: { ...output } };

    let spoken = result.speech;
    const notes: string[] = [];
    const effect = result.effect;
    if (effect?.kind === 'set-preferences') {
      this.preferences = effect.preferences;
      this.options.preferences.save(this.driverId, effect.preferences);
      output.applied = true;
    } else if (effect && result.changesRoute && confirm !== true) {
      output.awaitingConfirmation = true;
      notes.push(`Not applied yet: ask the driver, then call ${name} again with the same arguments and "confirm": true.`);
    } else if (effect) {
      if (effect.kind === 'set-trip') {
        this.trip = effect.trip;
        this.tripCard = result.data.cards.find((c): c is TripCard => c.kind === 'trip');
      } else {
        this.trip = undefined;
        this.tripCard = undefined;
      }
      spoken = effect.done;
      output.applied = true;
    }
    const text = spoken[this.preferences.language ?? 'en'];
    return {
      content: [{ type: 'text', text }, ...notes.map((note) => ({ type: 'text' as const, text: note }))],
      structuredContent: { ...output },
    };
  }

  /** The resources: the map's facts and the trip being driven. */
  resources(): Resource[] {
    return [
      { uri: MAP_URI, name: 'map', title: 'The map', description: 'The map Cabin plans on: name, area, places, time zone, and where the car is parked.', mimeType: 'application/json' },
      { uri: TRIP_URI, name: 'trip', title: 'The current trip', description: 'The trip being driven (route card and status), or null when there is none.', mimeType: 'application/json' },
    ];
  }

  /** Reads a resource; undefined for an unknown URI. */
  read(uri: string): ReadResourceResult | undefined {
    const json = (value: unknown): ReadResourceResult => ({ contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2) }] });
    if (uri === MAP_URI) {
      const { map } = this.options.setup;
      const [w, s, e, n] = map.info.bbox;
      return json({
        name: map.info.name,
        source: map.info.source,
        synthetic: map.info.synthetic,
        bbox: { west: w, south: s, east: e, north: n },
        timeZone: map.info.timeZone,
        currency: map.info.currency,
        roads: { nodes: map.roads.nodeCount, segments: map.roads.segmentCount },
        places: { parking: map.parking.length, food: map.food.length, signals: map.signals.length },
        parkedAt: this.options.parkedAt,
      });
    }
    if (uri === TRIP_URI) {
      if (!this.trip) return json({ trip: null, status: null });
      const status = runTool('trip_status', {}, this.world(this.now())).data.cards.find((c) => c.kind === 'status') ?? null;
      return json({ trip: this.tripCard ?? null, status });
    }
    return undefined;
  }
}

function toolError(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** An MCP server for one car; connect it to a transport (`StdioServerTransport` for `cabin mcp`). */
export function createCabinMcpServer(options: CabinMcpOptions, version = '0.1.0'): Server {
  const session = new CabinMcpSession(options);
  const map = options.setup.map.info.name;
  const server = new Server(
    { name: 'cabin', title: `Cabin (${map})`, version },
    {
      capabilities: { tools: {}, resources: {} },
      instructions:
        `Cabin, an offline in-car assistant on the map "${map}": plan routes, find parking and food, read the traffic light ahead. ` +
        'Each result has the sentence to say to the driver (text) and the cards for the screen (structured content). ' +
        'Route changes are applied only with "confirm": true, after the driver has agreed.',
    },
  );
  const tools = mcpTools();
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, (request) => session.call(request.params.name, request.params.arguments));
  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: session.resources() }));
  server.setRequestHandler(ReadResourceRequestSchema, (request) => {
    const read = session.read(request.params.uri);
    if (!read) throw new McpError(ErrorCode.InvalidParams, `unknown resource ${request.params.uri}; Cabin has ${MAP_URI} and ${TRIP_URI}`);
    return read;
  });
  return server;
}
