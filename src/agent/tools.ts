/**
 * The agent's tools: one registry whose argument schemas are the intent slot
 * schemas of intents.ts (plus the ids a tool needs from the conversation),
 * so the embedded understanding, the dialogue and the LLM planner call the
 * same code with the same checks. A tool is a pure function of its arguments
 * and an `AgentWorld` (map, router, places, planner, vehicle, trip,
 * preferences, `now`); it never changes the world itself. A result that would
 * change the route carries the change as `effect` and says `changesRoute`, so
 * the dialogue can ask the driver first and apply it on yes.
 */
import { z } from 'zod';
import { INTENT_SCHEMAS } from './intents.ts';
import type { CabinMap } from '../map/index.ts';
import type { Router } from '../routing/index.ts';
import type { PlacesContext, Spoken, StopKind, Trip, TripPlanner } from '../places/index.ts';
import type { Geocoder, GeocodeKind, LandmarkCategory } from './geocoder.ts';
import type { DriverPreferences } from './tools/preferences.ts';
import type { TrafficLightSource } from './tools/status.ts';
import { addStopTool, cancelTool, navigateTool, removeStopTool, reorderStopsTool } from './tools/route.ts';
import { mealStopTool } from './tools/meal.ts';
import { findFoodTool, findParkingTool } from './tools/search.ts';
import { trafficLightTool, tripStatusTool } from './tools/status.ts';
import { recallPreferencesTool, setPreferenceTool } from './tools/preferences.ts';

export type { Spoken } from '../places/index.ts';
export type { DriverPreferences, PreferenceStore } from './tools/preferences.ts';
export { DriverPreferencesSchema, MemoryPreferenceStore } from './tools/preferences.ts';
export type { TrafficLightSource, TrafficLightQuery, TrafficLightReading } from './tools/status.ts';
export { NO_TRAFFIC_LIGHT_DATA } from './tools/status.ts';
export { signalFeedSource, type SignalFeed } from './tools/signals.ts';

/** The car now. */
export interface Vehicle {
  lat: number;
  lon: number;
  /** Compass bearing of travel, 0 = north. */
  headingDeg?: number;
  speedKmh?: number;
}

/** Everything a tool may read. Built per turn; tools never change it. */
export interface AgentWorld {
  map: CabinMap;
  router: Router;
  places: PlacesContext;
  planner: TripPlanner;
  geocoder: Geocoder;
  trafficLights: TrafficLightSource;
  vehicle: Vehicle;
  /** The trip being driven, if any. */
  trip: Trip | undefined;
  preferences: DriverPreferences;
  now: Date;
}

// ---------------------------------------------------------------------------
// What tools return

/** Why a result is shown where it is, in both languages. */
export interface CardReason {
  code: string;
  en: string;
  zh: string;
}

/** Something the driver can be driven to: a result they can pick ("the second one", "go there"). */
export interface Target {
  /** A geocoder place id ("parking:n12", "food:n7", "street:3", "landmark:n9") or a trip stop id. */
  id: string;
  name: Spoken;
  lat: number;
  lon: number;
}

export interface ParkingCard extends Target {
  kind: 'parking';
  /** Straight-line distance to where the driver is going, and the walk (× 1.3). */
  distanceM: number;
  walkM: number;
  /** Per hour; absent when nothing says. */
  price?: { free: true } | { free: false; perHour: number; currency: string; text: Spoken };
  freeSpaces?: number;
  spacesEstimated?: boolean;
  reasons: CardReason[];
}

export interface FoodCard extends Target {
  kind: 'food';
  distanceM: number;
  /** Along a route: what stopping there adds, in whole minutes. */
  detourMinutes?: number;
  cuisines: Spoken[];
  priceLevel?: number;
  hours: 'open' | 'closed' | 'unknown';
  /** Serves one of the driver's favourite cuisines. */
  favourite: boolean;
  reasons: CardReason[];
}

/** A place found by name, or a stop of the trip, offered for a choice. */
export interface PlaceCard extends Target {
  kind: 'place';
  placeKind: GeocodeKind | 'stop';
  category?: LandmarkCategory;
  distanceM?: number;
  score?: number;
}

export interface TripCard {
  kind: 'trip';
  destination: Spoken;
  /** Each stop in order; `lat`/`lon` where the stop is (for the map). */
  stops: { id: string; name: Spoken; kind: StopKind; arrival: string; lat: number; lon: number }[];
  distanceM: number;
  durationS: number;
  arrivalTimeMs: number;
  /** "12:41" in the map's time zone. */
  arrival: string;
  /** [lon, lat] pairs of the whole trip. */
  coordinates: [number, number][];
  usesHighways: boolean;
  reasons: CardReason[];
}

export interface StatusCard {
  kind: 'status';
  state: 'before-departure' | 'driving' | 'at-stop' | 'arrived';
  destination: Spoken;
  arrival: string;
  remainingDistanceM: number;
  remainingS: number;
  nextStop?: Spoken;
  nextTurn?: { instruction: Spoken; distanceM: number; location: [number, number] };
}

export interface TrafficLightCard {
  kind: 'traffic-light';
  /** Live state from a signal feed; false when only the map's signal position is known. */
  live: boolean;
  distanceM?: number;
  lat?: number;
  lon?: number;
  phase?: 'red' | 'amber' | 'green' | 'flashing' | 'dark' | 'unknown';
  changesInS?: number;
  adviceKmh?: number;
  reasons: CardReason[];
}

export interface PreferencesCard {
  kind: 'preferences';
  preferences: DriverPreferences;
  cuisines: Spoken[];
}

/** What the cockpit screen shows for a result. */
export type Card = ParkingCard | FoodCard | PlaceCard | TripCard | StatusCard | TrafficLightCard | PreferencesCard;

/** A change a result asks for; the dialogue applies it (after a yes, for route changes). */
export type ToolEffect =
  | { kind: 'set-trip'; trip: Trip; /** Said once it is done. */ done: Spoken }
  | { kind: 'clear-trip'; done: Spoken }
  | { kind: 'set-preferences'; preferences: DriverPreferences };

/** What the dialogue must ask before the request can go on. */
export type FollowUp =
  | { kind: 'missing'; slot: string }
  /** Several places fit: set `apply` of the arguments to the chosen option's id (`placeId`) or name (`stop`) and run again. */
  | { kind: 'choose'; options: PlaceCard[]; apply: 'placeId' | 'stop' };

export interface ToolResult {
  tool: ToolName;
  /** False when the request could not be done (nothing found, no trip, invalid arguments). */
  ok: boolean;
  /** For the screen. */
  data: { cards: Card[] };
  /** One or two short sentences a driver can hear while moving; for a route change, the question to confirm it. */
  speech: Spoken;
  /** The result proposes a route change (in `effect`), which needs the driver's yes. */
  changesRoute: boolean;
  effect?: ToolEffect;
  followUp?: FollowUp;
  /** For engineers: what was wrong, when `ok` is false for a reason a driver cannot fix by talking. */
  error?: string;
}

// ---------------------------------------------------------------------------
// The registry

/** Which place a card or the geocoder named: lets the dialogue and the LLM pick an exact result. */
const PlaceId = z.string().min(1).describe('id of a place from an earlier result card (e.g. "parking:n12"), when picking one');

/** Argument schemas: the intent slots, plus what a tool needs from the conversation. */
export const TOOL_SCHEMAS = {
  navigate: INTENT_SCHEMAS.navigate.extend({ placeId: PlaceId.optional() }),
  add_stop: INTENT_SCHEMAS.add_stop.extend({ placeId: PlaceId.optional() }),
  remove_stop: INTENT_SCHEMAS.remove_stop,
  reorder_stops: INTENT_SCHEMAS.reorder_stops,
  meal_stop: INTENT_SCHEMAS.meal_stop,
  find_parking: INTENT_SCHEMAS.find_parking,
  find_food: INTENT_SCHEMAS.find_food.extend({
    maxPriceLevel: z.number().int().min(1).max(4).optional().describe('1 cheap … 4 very expensive; places without a level stay'),
  }),
  traffic_light: INTENT_SCHEMAS.traffic_light,
  trip_status: INTENT_SCHEMAS.trip_status,
  set_preference: INTENT_SCHEMAS.set_preference,
  recall_preferences: INTENT_SCHEMAS.recall_preferences,
  cancel: INTENT_SCHEMAS.cancel,
} as const;

export type ToolName = keyof typeof TOOL_SCHEMAS;
export const TOOL_NAMES = Object.keys(TOOL_SCHEMAS) as ToolName[];
export type ToolArgs<N extends ToolName> = z.output<(typeof TOOL_SCHEMAS)[N]>;

/** One tool: its schema, what it does (for the LLM), and the function. */
export interface AgentTool<N extends ToolName = ToolName> {
  name: N;
  description: string;
  schema: (typeof TOOL_SCHEMAS)[N];
  /** Whether a call may change the route (its result then asks first). */
  changesRoute: boolean;
  run(args: ToolArgs<N>, world: AgentWorld): ToolResult;
}

/** A tool's definition; the registry adds its schema. */
export type ToolDefinition<N extends ToolName> = Omit<AgentTool<N>, 'schema'>;

function tool<N extends ToolName>(definition: ToolDefinition<N>): AgentTool<N> {
  return { ...definition, schema: TOOL_SCHEMAS[definition.name] };
}

/** Every tool, by name. */
export const TOOLS: { readonly [N in ToolName]: AgentTool<N> } = {
  navigate: tool(navigateTool),
  add_stop: tool(addStopTool),
  remove_stop: tool(removeStopTool),
  reorder_stops: tool(reorderStopsTool),
  meal_stop: tool(mealStopTool),
  find_parking: tool(findParkingTool),
  find_food: tool(findFoodTool),
  traffic_light: tool(trafficLightTool),
  trip_status: tool(tripStatusTool),
  set_preference: tool(setPreferenceTool),
  recall_preferences: tool(recallPreferencesTool),
  cancel: tool(cancelTool),
};

/** Whether `name` is a tool (intents like `select` and `confirm` are the dialogue's, not tools). */
export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(TOOL_SCHEMAS, name);
}

/**
 * Validates `args` with the tool's schema and runs it. Invalid arguments are
 * an expected failure (they may come from a model): a result with `ok: false`
 * and `error` naming each problem, never an exception.
 */
export function runTool(name: ToolName, args: unknown, world: AgentWorld): ToolResult {
  const definition = TOOLS[name] as AgentTool;
  const parsed = definition.schema.safeParse(args ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${[name, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
    return {
      tool: name,
      ok: false,
      data: { cards: [] },
      speech: { en: "Sorry, I couldn't use that request.", zh: '抱歉，这个请求我没法处理。' },
      changesRoute: false,
      error: problems,
    };
  }
  // The schema just produced these arguments for this tool; TypeScript cannot tie the two through the name.
  return definition.run(parsed.data as never, world);
}

/** A tool as a function-calling LLM sees it: name, description and JSON Schema of its arguments. */
export interface ToolJsonSchema {
  name: ToolName;
  description: string;
  changesRoute: boolean;
  parameters: Record<string, unknown>;
}

/** The JSON Schemas the LLM sees, generated from the same zod schemas that validate the arguments. */
export function toolJsonSchemas(): ToolJsonSchema[] {
  return TOOL_NAMES.map((name) => {
    const definition = TOOLS[name];
    const { $schema: _dialect, ...parameters } = z.toJSONSchema(definition.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return { name, description: definition.description, changesRoute: definition.changesRoute, parameters };
  });
}
