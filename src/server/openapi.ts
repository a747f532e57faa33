import { z } from 'zod';
import { toolJsonSchemas } from '../agent/tools.ts';
import type { ApiCatalogue, RouteDoc } from './api.ts';

type JsonSchema = Record<string, unknown>;

// ---------------------------------------------------------------------------
// Response schemas: what the routes answer, as zod (tests validate real answers
// against these, so the document cannot drift silently). Objects are loose: the
// fields named are the stable ones; a route may add more.

const Num = z.number();
const Position = z.tuple([Num, Num]).describe('[lon, lat]');
const LineString = z.looseObject({ type: z.literal('LineString'), coordinates: z.array(Position) });
const Spoken = z.looseObject({ en: z.string(), zh: z.string() });
const Reason = z.looseObject({ code: z.string(), en: z.string(), zh: z.string() });
const LatLonObject = z.looseObject({ lat: Num, lon: Num });

/** `{ error }` of every Cabin route's 4xx (some add fields, as `reason`). */
export const ErrorBody = z.looseObject({ error: z.string().describe('what was wrong, in one line') });
/** OSRM's error answer, always HTTP 400. */
export const OsrmErrorBody = z.looseObject({
  code: z.enum(['InvalidUrl', 'InvalidQuery', 'InvalidOptions', 'InvalidValue', 'NoSegment', 'NoRoute', 'TooBig']),
  message: z.string(),
});
const RouteErrorBody = ErrorBody.extend({ reason: z.enum(['not-on-map', 'no-route', 'too-few-points']) });

export const HealthResponse = z.looseObject({ ok: z.literal(true), map: z.string() });

const OsrmManeuver = z.looseObject({ type: z.string(), location: Position, bearing_before: Num, bearing_after: Num, modifier: z.string().optional(), exit: Num.optional() });
const OsrmGeometry = z.union([z.string().describe('encoded polyline'), LineString]);
const OsrmStep = z.looseObject({
  distance: Num,
  duration: Num,
  weight: Num,
  geometry: OsrmGeometry,
  name: z.string(),
  ref: z.string().optional(),
  mode: z.string(),
  driving_side: z.string(),
  maneuver: OsrmManeuver,
  intersections: z.array(z.looseObject({ location: Position, bearings: z.array(Num), entry: z.array(z.boolean()), in: Num.optional(), out: Num.optional() })),
});
/** OSRM v5's route-service answer. */
export const OsrmRouteResponse = z.looseObject({
  code: z.literal('Ok'),
  routes: z.array(
    z.looseObject({
      distance: Num,
      duration: Num,
      weight: Num,
      weight_name: z.string(),
      geometry: OsrmGeometry.optional().describe('absent with overview=false'),
      legs: z.array(z.looseObject({ distance: Num, duration: Num, weight: Num, summary: z.string(), steps: z.array(OsrmStep) })),
    }),
  ),
  waypoints: z.array(z.looseObject({ hint: z.string(), distance: Num, name: z.string(), location: Position })).optional().describe('absent with skip_waypoints=true'),
});

const RouteStep = z.looseObject({
  maneuver: z.looseObject({ type: z.string(), location: Position, modifier: z.string().optional() }),
  name: z.string(),
  ref: z.string(),
  distanceM: Num,
  durationS: Num,
  instruction: Spoken,
});
/** `GET /api/route` (format=json), or its GeoJSON FeatureCollection (format=geojson). */
export const RouteResponse = z.union([
  z.looseObject({
    distanceM: Num,
    durationS: Num,
    polyline: z.string(),
    geometry: LineString,
    waypoints: z.array(z.looseObject({ requested: LatLonObject, snapped: LatLonObject, distanceM: Num, name: z.string(), segment: Num, fraction: Num })),
    legs: z.array(z.looseObject({ distanceM: Num, durationS: Num, steps: z.array(RouteStep) })),
  }),
  z.looseObject({ type: z.literal('FeatureCollection'), features: z.array(z.looseObject({ type: z.literal('Feature'), properties: z.looseObject({}), geometry: z.looseObject({ type: z.string() }) })) }),
]);

const PlaceBase = { osmId: z.string(), lat: Num, lon: Num, name: z.string().optional(), nameZh: z.string().optional(), nameEn: z.string().optional() };
export const ParkingRecommendation = z.looseObject({
  kind: z.literal('parking'),
  place: z.looseObject({ kind: z.literal('parking'), ...PlaceBase, parking: z.string(), fee: z.enum(['yes', 'no', 'unknown']), access: z.string(), capacity: Num.optional() }),
  distanceM: Num,
  walkM: Num,
  price: z.looseObject({}).optional(),
  stayCost: Num.optional(),
  availability: z.looseObject({}),
  hours: z.looseObject({}).optional(),
  score: Num,
  reasons: z.array(Reason),
});
export const ParkingResponse = z.looseObject({ results: z.array(ParkingRecommendation) });

export const FoodRecommendation = z.looseObject({
  kind: z.literal('food'),
  place: z.looseObject({ kind: z.literal('food'), ...PlaceBase, amenity: z.string(), cuisine: z.array(z.string()) }),
  cuisines: z.array(z.looseObject({})),
  distanceM: Num,
  detourMs: Num.optional().describe('along a route: what stopping there adds'),
  arrival: z.string().describe('ISO time'),
  hours: z.looseObject({}),
  cuisineMatch: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  priceLevel: Num.optional(),
  reasons: z.array(Reason),
});
export const FoodResponse = z.looseObject({ results: z.array(FoodRecommendation) });
export const FoodAlongResponse = z.union([
  z.looseObject({ ok: z.literal(true), results: z.array(FoodRecommendation), candidates: Num, unreachable: Num, corridorM: Num }),
  z.looseObject({ ok: z.literal(false), reason: z.enum(['not-on-map', 'too-few-points']), message: z.string() }),
]);

const Target = { id: z.string(), name: Spoken, lat: Num, lon: Num };
/** What the cockpit shows for a result, by `kind`. */
export const Card = z.discriminatedUnion('kind', [
  z.looseObject({
    kind: z.literal('parking'),
    ...Target,
    distanceM: Num,
    walkM: Num,
    price: z.looseObject({ free: z.boolean() }).optional(),
    freeSpaces: Num.optional(),
    spacesEstimated: z.boolean().optional(),
    reasons: z.array(Reason),
  }),
  z.looseObject({
    kind: z.literal('food'),
    ...Target,
    distanceM: Num,
    detourMinutes: Num.optional(),
    cuisines: z.array(Spoken),
    priceLevel: Num.optional(),
    hours: z.enum(['open', 'closed', 'unknown']),
    favourite: z.boolean(),
    reasons: z.array(Reason),
  }),
  z.looseObject({ kind: z.literal('place'), ...Target, placeKind: z.string(), distanceM: Num.optional(), score: Num.optional() }),
  z.looseObject({
    kind: z.literal('trip'),
    destination: Spoken,
    stops: z.array(z.looseObject({ id: z.string(), name: Spoken, kind: z.string(), arrival: z.string() })),
    distanceM: Num,
    durationS: Num,
    arrivalTimeMs: Num,
    arrival: z.string(),
    coordinates: z.array(Position),
    usesHighways: z.boolean(),
    reasons: z.array(Reason),
  }),
  z.looseObject({
    kind: z.literal('status'),
    state: z.enum(['before-departure', 'driving', 'at-stop', 'arrived']),
    destination: Spoken,
    arrival: z.string(),
    remainingDistanceM: Num,
    remainingS: Num,
  }),
  z.looseObject({ kind: z.literal('traffic-light'), live: z.boolean(), phase: z.string().optional(), changesInS: Num.optional(), adviceKmh: Num.optional(), reasons: z.array(Reason) }),
  z.looseObject({ kind: z.literal('preferences'), preferences: z.looseObject({}), cuisines: z.array(Spoken) }),
]);
/** One answered conversation turn. */
export const TurnResponse = z.looseObject({
  sessionId: z.string(),
  speech: z.looseObject({ text: z.string(), language: z.enum(['en', 'zh']) }).describe('what the assistant says, in the language it was spoken to'),
  cards: z.array(Card),
  expecting: z.enum(['nothing', 'confirmation', 'slot', 'choice']),
  toolCalls: z.array(z.looseObject({ name: z.string(), args: z.unknown(), ok: z.boolean(), changesRoute: z.boolean(), applied: z.boolean(), error: z.string().optional() })),
  path: z.enum(['embedded', 'llm']),
  note: z.string().optional(),
});

export const VehicleStateSchema = z.looseObject({
  id: z.string(),
  lat: Num,
  lon: Num,
  headingDeg: Num.optional(),
  speedKmh: Num.optional(),
  at: z.string().describe('ISO time of the measurement'),
  source: z.enum(['reported', 'nmea', 'simulated']),
});
const VehicleReportResponse = z.union([VehicleStateSchema, z.looseObject({ accepted: Num, state: VehicleStateSchema }).describe('for JSON lines')]);
const NmeaResponse = z.looseObject({
  accepted: Num,
  rejected: z.array(z.looseObject({ line: Num, error: z.string() })),
  totals: z.looseObject({ accepted: Num, rejected: Num }),
  state: VehicleStateSchema.optional(),
});
/** `GET /api/vehicle/{id}/ahead`. */
export const AheadResponse = z.looseObject({
  vehicle: VehicleStateSchema,
  ahead: z.union([
    z.looseObject({ found: z.literal(false), reason: z.enum(['no-intersection-ahead', 'no-signal-group', 'no-maps']) }),
    z.looseObject({
      found: z.literal(true),
      intersection: z.looseObject({ key: z.string(), name: z.string().optional() }),
      signalGroup: Num,
      maneuver: z.string(),
      match: z.enum(['lane', 'approach', 'intersection-fallback']),
      matchConfidence: Num,
      distanceToStopLineM: Num,
      countdown: z.looseObject({ kind: z.string() }),
      advice: z.looseObject({ kind: z.enum(['speed', 'no-advice']) }).optional(),
    }),
  ]),
});

const FeatureCollection = z.looseObject({ type: z.literal('FeatureCollection'), features: z.array(z.looseObject({ type: z.literal('Feature'), properties: z.looseObject({}), geometry: z.looseObject({ type: z.string() }) })) });
const MapResponse = z.looseObject({ info: z.looseObject({ name: z.string() }), nodes: Num, segments: Num, parking: Num, food: Num, signals: Num });
const TrafficResponse = z.looseObject({ applied: Num, milliseconds: Num });
/** What the signal store did with a pushed SPaT or MAP message. */
export const V2xAcceptResponse = z.looseObject({ accepted: Num, dropped: z.record(z.string(), Num).describe('messages dropped, by reason') });
const V2xStatsResponse = z.looseObject({ store: z.looseObject({}), stream: z.looseObject({ clients: Num, sent: Num, missed: Num }) });
const OccupancyResponse = z.looseObject({ accepted: Num, errors: z.array(z.string()) });

/** How one route answers: its success body, and which error body each 4xx status has. */
export interface ResponseDoc {
  ok?: z.ZodType;
  okDescription?: string;
  /** Answers 101 Switching Protocols rather than a body. */
  websocket?: boolean;
  errors?: Partial<Record<'400' | '404' | '415', 'error' | 'osrm' | 'route-error'>>;
}

/** The responses of each documented route, keyed `method path` as in the document. */
export const RESPONSES: Record<string, ResponseDoc> = {
  'get /healthz': { ok: HealthResponse, okDescription: 'Up, with the map it serves' },
  'get /api/map': { ok: MapResponse, okDescription: 'The loaded map: its facts and counts' },
  'get /api/route': { ok: RouteResponse, okDescription: 'The route (JSON, or GeoJSON with format=geojson)', errors: { '400': 'route-error', '404': 'route-error' } },
  'post /api/traffic': { ok: TrafficResponse, okDescription: 'How many factors were applied and how long it took', errors: { '400': 'error' } },
  'get /api/parking': { ok: ParkingResponse, okDescription: 'Parking, best first, with reasons', errors: { '400': 'error' } },
  'post /api/parking/occupancy': { ok: OccupancyResponse, okDescription: 'Updates taken; a 400 has the same body with the errors', errors: { '400': 'error' } },
  'get /api/food': { ok: FoodResponse, okDescription: 'Places to eat, best first', errors: { '400': 'error' } },
  'get /api/food/along': { ok: FoodAlongResponse, okDescription: 'Places to eat along the route, by detour', errors: { '400': 'route-error', '404': 'route-error' } },
  'get /route/v1/{profile}/{coordinates}': { ok: OsrmRouteResponse, okDescription: 'OSRM v5 route response', errors: { '400': 'osrm' } },
  'post /api/conversation/{sessionId}/turn': { ok: TurnResponse, okDescription: 'What the assistant says and shows', errors: { '400': 'error' } },
  'get /api/conversation/{sessionId}/voice': { websocket: true },
  'get /api/vehicle/{id}': { ok: VehicleStateSchema, okDescription: 'The vehicle’s last state', errors: { '400': 'error', '404': 'error' } },
  'post /api/vehicle/{id}': { ok: VehicleReportResponse, okDescription: 'The vehicle’s new state', errors: { '400': 'error' } },
  'post /api/vehicle/{id}/nmea': { ok: NmeaResponse, okDescription: 'Sentences taken and refused', errors: { '400': 'error' } },
  'get /api/vehicle/{id}/ahead': { ok: AheadResponse, okDescription: 'The vehicle and the light ahead of it', errors: { '400': 'error', '404': 'error' } },
  'get /api/map/roads.geojson': { ok: FeatureCollection.extend({ bbox: z.array(Num), classes: z.array(z.string()) }), okDescription: 'Road segments as GeoJSON LineStrings', errors: { '400': 'error' } },
  'get /api/map/signals.geojson': { ok: FeatureCollection, okDescription: 'Traffic signals as GeoJSON Points', errors: { '400': 'error' } },
  'post /api/v2x/spat': { ok: V2xAcceptResponse, okDescription: 'What the signal store took and dropped', errors: { '400': 'error', '415': 'error' } },
  'post /api/v2x/map': { ok: V2xAcceptResponse, okDescription: 'What the signal store took and dropped', errors: { '400': 'error', '415': 'error' } },
  'get /api/v2x/stats': { ok: V2xStatsResponse, okDescription: 'Signal store and stream counters' },
  'get /api/v2x/stream': { websocket: true },
};

/** Routes registered outside the catalogue (plugins, plain handlers), documented here. */
const OTHER_ROUTES: (RouteDoc & { requestContent?: Record<string, unknown>; description?: string })[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness: the server is up and which map it serves', tag: 'ops' },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics (text exposition format 0.0.4)', tag: 'ops', produces: 'text/plain' },
  { method: 'get', path: '/api/map', summary: 'The loaded map: name, bounding box and counts', tag: 'map' },
  {
    method: 'post',
    path: '/api/parking/occupancy',
    summary: 'Live occupancy of parking facilities: one update or an array of them',
    tag: 'places',
    requestContent: { 'application/json': { schema: { oneOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }], description: '{"facilityId":"n123","free":34,"total":120,"timestamp":"…"}' } } },
  },
  ...(['spat', 'map'] as const).map((kind) => ({
    method: 'post' as const,
    path: `/api/v2x/${kind}`,
    summary: `Pushes a ${kind.toUpperCase()} message from a roadside unit or V2X gateway`,
    tag: 'v2x',
    requestContent: {
      'application/json': { schema: { type: 'object', description: `a ${kind.toUpperCase()} message as model JSON` } },
      'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream', description: `a ${kind.toUpperCase()} message as encoded bytes (UPER or wrapped)` } },
    },
  })),
  { method: 'get', path: '/api/v2x/stats', summary: 'Counters of the signal store and the V2X stream', tag: 'v2x' },
  {
    method: 'get',
    path: '/api/v2x/stream',
    summary: 'WebSocket: live signal-store changes (SPaT and MAP) as JSON frames',
    description:
      'Upgrade with a WebSocket handshake. The server sends the current state first, then `{"type":"ready","snapshot":N}`, then each change as it happens. Query `kinds` and `keys` narrow what is sent; a bad query closes the socket with code 1008.',
    tag: 'v2x',
  },
];

/** A zod schema as the JSON Schema of what a client sends (OpenAPI 3.1 uses JSON Schema 2020-12). */
function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** A zod schema as the JSON Schema of what the server answers. */
export function outputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parameters(schema: z.ZodObject | undefined, where: 'query' | 'path'): unknown[] {
  if (!schema) return [];
  const json = inputSchema(schema);
  const properties = (json['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

const ERROR_RESPONSES = {
  error: { description: 'Bad input or not found; `error` says what was wrong', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  'route-error': { description: 'No route: `error` says why, `reason` is a code', content: { 'application/json': { schema: { $ref: '#/components/schemas/RouteError' } } } },
  osrm: { description: 'OSRM error: `code` and `message`, as osrm-routed answers', content: { 'application/json': { schema: { $ref: '#/components/schemas/OsrmError' } } } },
} as const;

function responses(route: RouteDoc, schemaName: (key: string) => string): Record<string, unknown> {
  const key = `${route.method} ${route.path}`;
  const doc = RESPONSES[key];
  if (doc?.websocket) {
    return {
      '101': { description: 'Switching Protocols: a WebSocket; frames as the description says' },
      '400': { description: 'Not a WebSocket upgrade request' },
    };
  }
  const type = route.produces ?? 'application/json';
  const ok =
    doc?.ok !== undefined
      ? { description: doc.okDescription ?? 'OK', content: { [type]: { schema: { $ref: `#/components/schemas/${schemaName(key)}` } } } }
      : { description: type.startsWith('text/') ? 'OK, as text' : 'OK', content: { [type]: type.startsWith('text/') ? { schema: { type: 'string' } } : {} } };
  const errors = doc ? doc.errors ?? {} : { '400': 'error' as const };
  return { '200': ok, ...Object.fromEntries(Object.entries(errors).map(([status, kind]) => [status, ERROR_RESPONSES[kind]])) };
}

function operation(route: RouteDoc & { requestContent?: Record<string, unknown>; description?: string }, schemaName: (key: string) => string): Record<string, unknown> {
  const requestContent = route.requestContent ?? (route.body ? { 'application/json': { schema: inputSchema(route.body) } } : undefined);
  const websocket = RESPONSES[`${route.method} ${route.path}`]?.websocket === true;
  return {
    summary: route.summary,
    ...(route.description ? { description: route.description } : websocket ? { description: 'A WebSocket: open it with an HTTP GET upgrade handshake.' } : {}),
    tags: [route.tag],
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(requestContent ? { requestBody: { required: true, content: requestContent } } : {}),
    responses: responses(route, schemaName),
  };
}

/** The component name of a route's success body: `get /api/vehicle/{id}/ahead` → `getApiVehicleIdAheadResponse`. */
function responseSchemaName(key: string): string {
  const words = key.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  return words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('') + 'Response';
}

/**
 * The OpenAPI 3.1 document of the routes in `catalogue` (and the ones plugins
 * register), generated from the zod schemas they validate with and answer
 * with, plus the assistant's tools' argument schemas.
 */
export function openApiDocument(catalogue: ApiCatalogue, info: { title: string; version: string; description: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {
    Error: outputSchema(ErrorBody),
    RouteError: outputSchema(RouteErrorBody),
    OsrmError: outputSchema(OsrmErrorBody),
  };
  const schemaName = (key: string): string => {
    const name = responseSchemaName(key);
    const ok = RESPONSES[key]?.ok;
    if (ok && !(name in schemas)) schemas[name] = outputSchema(ok);
    return name;
  };
  const documented = new Set(catalogue.routes.map((r) => `${r.method} ${r.path}`));
  for (const route of [...catalogue.routes, ...OTHER_ROUTES.filter((r) => !documented.has(`${r.method} ${r.path}`))]) {
    (paths[route.path] ??= {})[route.method] = operation(route, schemaName);
  }
  for (const tool of toolJsonSchemas()) {
    schemas[`tool.${tool.name}`] = { ...tool.parameters, description: tool.description, 'x-changes-route': tool.changesRoute };
  }
  return { openapi: '3.1.0', info, paths, components: { schemas } };
}
