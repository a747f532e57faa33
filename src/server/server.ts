import Fastify, { type FastifyInstance } from 'fastify';
import websocket from '@fastify/websocket';
import { z } from 'zod';
import type { OpenMap } from '../cli/maps.ts';
import { routeGeoJson, routeJson } from '../cli/format.ts';
import {
  createPlacesContext,
  cuisineFromWord,
  findFoodAlongRoute,
  findFoodNear,
  findParkingNear,
  simulateOccupancy,
  type PlacesContext,
} from '../places/index.ts';
import { SignalStore } from '../signals/store.ts';
import { createSignalSimulator } from '../signals/simulator.ts';
import { v2xPush } from '../signals/feeds/push.ts';
import { createAgentSetup } from '../agent/dialogue.ts';
import { signalFeedSource } from '../agent/tools.ts';
import type { LlmPlanner } from '../agent/llm/index.ts';
import { ApiCatalogue, latLonText as latLon, sendBadRequest } from './api.ts';
import { registerOsrmRoutes } from './osrm.ts';
import { createMetrics, registerMetrics } from './metrics.ts';
import { VehicleRegistry, registerVehicleRoutes } from './vehicle.ts';
import { ConversationSessions, registerConversationRoutes, type TripHook } from './conversation.ts';
import { registerMapDataRoutes } from './map-data.ts';
import { openApiDocument } from './openapi.ts';
import { registerCockpit } from './cockpit.ts';
import { registerVoiceSocket, type VoiceEngines } from './voice-socket.ts';
import { DriveSimulator, startDriveTimer } from './drive.ts';
import { LightAheadReader, registerAheadRoute } from './ahead.ts';
import type { ServerConfig } from './config.ts';

const RouteQuery = z.object({
  from: latLon,
  to: latLon,
  via: z.union([latLon, z.array(latLon)]).optional(),
  lang: z.enum(['en', 'zh']).default('en'),
  format: z.enum(['json', 'geojson']).default('json'),
});

const PointQuery = z.object({
  near: latLon,
  limit: z.coerce.number().int().min(1).max(50).default(5),
});

const ParkingQuery = PointQuery.extend({
  maxPricePerHour: z.coerce.number().nonnegative().optional(),
  stayMinutes: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  covered: z.enum(['true', 'false']).optional(),
  evCharging: z.enum(['true', 'false']).optional(),
  arrival: z.iso.datetime({ offset: true }).optional(),
});

const FoodQuery = PointQuery.extend({
  cuisine: z.string().max(40).optional(),
  openAtArrival: z.enum(['true', 'false']).default('true'),
});

const FoodAlongQuery = z.object({
  from: latLon,
  to: latLon,
  cuisine: z.string().max(40).optional(),
  maxDetourMinutes: z.coerce.number().min(0).max(120).optional(),
  openAtArrival: z.enum(['true', 'false']).default('true'),
  limit: z.coerce.number().int().min(1).max(50).default(5),
});

const TrafficBody = z.object({
  updates: z
    .array(z.object({ segment: z.number().int().nonnegative(), factor: z.number().min(0.05).max(2) }))
    .max(1_000_000),
});

/** Options for the server; `now` is injectable so tests control time. */
export interface ServerOptions {
  now?: () => Date;
  /** Feed simulated parking occupancy (the built-in synthetic map does by default). */
  simulateParking?: boolean;
  /** Run the roadside-unit simulator for every signalised intersection (the synthetic map does by default). */
  simulateSignals?: boolean;
  /** The traffic-light store the feeds fill; one is made when not given. */
  signals?: SignalStore;
  /** The LLM planner conversations use when configured; without one they take the embedded path. */
  planner?: LlmPlanner;
  /** A conversation not spoken to for this long is forgotten. Default 30. */
  sessionIdleMinutes?: number;
  /** The most conversations held at once. Default 1000. */
  maxSessions?: number;
  /** How often simulated cars are stepped and reported, per second. Default 5. */
  driveTickHz?: number;
  /** The voice socket's engines. Default: the offline pocketsphinx and espeak-ng (tests inject fakes). */
  voiceEngines?: () => VoiceEngines;
  /** Add the process's own metrics (CPU, memory, event loop) to `/metrics`. */
  processMetrics?: boolean;
}

/** The HTTP API on one loaded map: health, map facts, routes, live traffic, parking and food. */
export function buildServer(opened: OpenMap, options: ServerOptions = {}): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
  const { map, router } = opened;
  const now = options.now ?? (() => new Date());
  const places: PlacesContext = createPlacesContext(map, router);
  if (options.simulateParking ?? map.info.synthetic) {
    // The demo's "live" occupancy: a deterministic simulation, refreshed every 30 s.
    const feed = (): void => void places.occupancy.ingestAll(simulateOccupancy(map, now(), 1), now());
    feed();
    const timer = setInterval(feed, 30_000);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
  const signals = options.signals ?? new SignalStore();
  // One WebSocket server for every socket route (the V2X stream, voice): two would both answer each upgrade.
  void app.register(websocket);
  void app.register(v2xPush, { store: signals, clock: () => now().getTime() });
  if (options.simulateSignals ?? map.info.synthetic) {
    // The demo's roadside units: MAP once, then SPaT at 10 Hz as real RSUs publish it.
    const simulator = createSignalSimulator(map, { seed: 1 });
    for (const message of simulator.maps()) signals.acceptMap(message, now().getTime());
    const publish = (): void => {
      const at = now().getTime();
      signals.acceptSpat(simulator.spatAt(at), at);
    };
    publish();
    const timer = setInterval(publish, 100);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
  const metrics = createMetrics(signals, { processMetrics: options.processMetrics ?? false });
  registerMetrics(app, metrics);
  const catalogue = new ApiCatalogue();
  // One agent setup per server (the places index, trip planner and geocoder are built once); one agent per conversation.
  const setup = createAgentSetup(map, router, { places, trafficLights: signalFeedSource({ store: signals }) });
  const [w, s, e, n] = map.info.bbox;
  const centre = { lat: (s + n) / 2, lon: (w + e) / 2 };
  const centreOnRoad = router.snap(centre, 5000);
  const parkedAt = centreOnRoad ? { lat: centreOnRoad.lat, lon: centreOnRoad.lon } : centre;
  const vehicles = new VehicleRegistry();
  const sessions = new ConversationSessions({
    setup,
    ...(options.planner ? { planner: options.planner } : {}),
    idleMs: (options.sessionIdleMinutes ?? 30) * 60_000,
    maxSessions: options.maxSessions ?? 1000,
  });
  const wantedCuisine = (word: string | undefined): string[] | undefined => {
    if (word === undefined) return undefined;
    const cuisine = cuisineFromWord(word);
    return cuisine ? [cuisine.id] : [word.toLowerCase()];
  };

  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    // A 500 is counted by the request metrics; its cause goes to the log, never to the client.
    if (status === 500) request.log.error(error);
    void reply.status(status).send({ error: status === 500 ? 'internal error' : error.message });
  });

  catalogue.describe({ method: 'get', path: '/api/route', summary: 'The fastest car route, with steps in English and Chinese', tag: 'routing', query: RouteQuery });
  catalogue.describe({ method: 'post', path: '/api/traffic', summary: 'Live speed factors per road segment', tag: 'routing', body: TrafficBody });
  catalogue.describe({ method: 'get', path: '/api/parking', summary: 'Parking near a point, ranked, with reasons', tag: 'places', query: ParkingQuery });
  catalogue.describe({ method: 'get', path: '/api/food', summary: 'Places to eat near a point', tag: 'places', query: FoodQuery });
  catalogue.describe({ method: 'get', path: '/api/food/along', summary: 'Places to eat along a route, by detour', tag: 'places', query: FoodAlongQuery });
  registerOsrmRoutes(app, { router, metrics, catalogue });
  // The simulated car drives a confirmed trip until a real feed reports for that vehicle.
  const drives = new DriveSimulator({ store: signals, vehicles });
  const stopDriving = startDriveTimer(drives, now, options.driveTickHz ?? 5);
  app.addHook('onClose', async () => stopDriving());
  const driveToNow = (): void => drives.tick(now().getTime());
  registerVehicleRoutes(app, { vehicles, now, catalogue, onReport: (id) => void drives.stop(id), beforeRead: driveToNow });
  registerAheadRoute(app, { reader: new LightAheadReader(signals), vehicles, now, catalogue, pathAhead: (id) => drives.pathAhead(id), beforeRead: driveToNow });
  // Typed and spoken turns share one trip hook: a confirmed trip, however it was said, starts the simulated car.
  const onTrip: TripHook = (id, trip) => {
    if (trip) drives.start(id, trip, now().getTime());
    else drives.stop(id);
  };
  registerConversationRoutes(app, { sessions, vehicles, parkedAt, now, metrics, catalogue, onTrip });
  // A plugin, so it loads after @fastify/websocket and its routes get the upgrade handling.
  void app.register(async (scope) => registerVoiceSocket(scope, { sessions, vehicles, parkedAt, now, map, metrics, catalogue, onTrip, ...(options.voiceEngines ? { engines: options.voiceEngines } : {}) }));
  registerMapDataRoutes(app, { map, catalogue });
  let openApi: Record<string, unknown> | undefined;
  app.get('/openapi.json', async () => {
    openApi ??= openApiDocument(catalogue, {
      title: 'Cabin',
      version: '0.1.0',
      description: `Cabin's HTTP API on ${map.info.name}: routes (also as OSRM v5), places, live traffic, vehicles and the assistant.`,
    });
    return openApi;
  });

  app.get('/healthz', async () => ({ ok: true, map: map.info.name }));

  app.get('/api/map', async () => ({
    info: map.info,
    nodes: map.roads.nodeCount,
    segments: map.roads.segmentCount,
    parking: map.parking.length,
    food: map.food.length,
    signals: map.signals.length,
  }));

  app.get('/api/route', async (request, reply) => {
    const parsed = RouteQuery.safeParse(request.query);
    if (!parsed.success) return sendBadRequest(reply, parsed.error.issues);
    const { from, to, via, lang, format } = parsed.data;
    const vias = via === undefined ? [] : Array.isArray(via) ? via : [via];
    const result = router.route([from, ...vias, to]);
    metrics.routeQueries.inc({ api: 'cabin', outcome: result.ok ? 'ok' : result.reason });
    if (!result.ok) return reply.status(result.reason === 'no-route' ? 404 : 400).send({ error: result.message, reason: result.reason });
    return format === 'geojson' ? routeGeoJson(result.route, lang) : routeJson(result.route);
  });

  app.post('/api/traffic', async (request, reply) => {
    const parsed = TrafficBody.safeParse(request.body);
    if (!parsed.success) return sendBadRequest(reply, parsed.error.issues);
    const bad = parsed.data.updates.find((u) => u.segment >= map.roads.segmentCount);
    if (bad) return reply.status(400).send({ error: `segment ${bad.segment} is not on this map (it has ${map.roads.segmentCount})` });
    const ms = router.setTrafficFactors(parsed.data.updates.map((u) => [u.segment, u.factor] as const));
    return { applied: parsed.data.updates.length, milliseconds: Math.round(ms) };
  });

  app.get('/api/parking', async (request, reply) => {
    const parsed = ParkingQuery.safeParse(request.query);
    if (!parsed.success) return sendBadRequest(reply, parsed.error.issues);
    const q = parsed.data;
    const results = findParkingNear(places, q.near, {
      now: now(),
      stayMinutes: q.stayMinutes,
      limit: q.limit,
      ...(q.arrival ? { arrival: new Date(q.arrival) } : {}),
      ...(q.maxPricePerHour !== undefined ? { maxPricePerHour: q.maxPricePerHour } : {}),
      ...(q.covered ? { covered: q.covered === 'true' } : {}),
      ...(q.evCharging ? { evCharging: q.evCharging === 'true' } : {}),
    });
    return { results };
  });

  app.post('/api/parking/occupancy', async (request, reply) => {
    const updates = Array.isArray(request.body) ? request.body : [request.body];
    const result = places.occupancy.ingestAll(updates, now());
    return reply.status(result.errors.length > 0 ? 400 : 200).send(result);
  });

  app.get('/api/food', async (request, reply) => {
    const parsed = FoodQuery.safeParse(request.query);
    if (!parsed.success) return sendBadRequest(reply, parsed.error.issues);
    const q = parsed.data;
    const cuisine = wantedCuisine(q.cuisine);
    const results = findFoodNear(places, q.near, {
      now: now(),
      limit: q.limit,
      openAtArrival: q.openAtArrival === 'true',
      ...(cuisine ? { cuisine } : {}),
    });
    return { results };
  });

  app.get('/api/food/along', async (request, reply) => {
    const parsed = FoodAlongQuery.safeParse(request.query);
    if (!parsed.success) return sendBadRequest(reply, parsed.error.issues);
    const q = parsed.data;
    const routed = router.route([q.from, q.to]);
    metrics.routeQueries.inc({ api: 'cabin', outcome: routed.ok ? 'ok' : routed.reason });
    if (!routed.ok) return reply.status(routed.reason === 'no-route' ? 404 : 400).send({ error: routed.message, reason: routed.reason });
    const cuisine = wantedCuisine(q.cuisine);
    const found = findFoodAlongRoute(places, routed.route, {
      now: now(),
      limit: q.limit,
      openAtArrival: q.openAtArrival === 'true',
      ...(cuisine ? { cuisine } : {}),
      ...(q.maxDetourMinutes !== undefined ? { maxDetourMinutes: q.maxDetourMinutes } : {}),
    });
    return found;
  });

  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Cabin</title>
<body style="font-family:system-ui;max-width:40rem;margin:2rem auto">
<h1>Cabin</h1><p>Map: <b>${escapeHtml(map.info.name)}</b>${map.info.synthetic ? ' (synthetic)' : ''}:
${map.roads.nodeCount.toLocaleString('en')} road nodes, ${map.parking.length} parking places, ${map.food.length} places to eat, ${map.signals.length} traffic signals.</p>
<ul><li><a href="/healthz">/healthz</a></li><li><a href="/api/map">/api/map</a></li>
<li>/api/route?from=LAT,LON&amp;to=LAT,LON[&amp;via=LAT,LON][&amp;lang=zh][&amp;format=geojson]</li>
<li>POST /api/traffic {"updates":[{"segment":12,"factor":0.5}]}</li>
<li>/api/parking?near=LAT,LON[&amp;maxPricePerHour=10][&amp;stayMinutes=90][&amp;covered=true]</li>
<li>POST /api/parking/occupancy {"facilityId":"n123","free":34,"total":120,"timestamp":"…"}</li>
<li>/api/food?near=LAT,LON[&amp;cuisine=sichuan]</li>
<li>/api/food/along?from=LAT,LON&amp;to=LAT,LON[&amp;cuisine=川菜][&amp;maxDetourMinutes=5]</li>
<li>/route/v1/driving/LON,LAT;LON,LAT?overview=full&amp;steps=true (OSRM v5)</li>
<li>POST /api/conversation/VEHICLE:DRIVER/turn {"text":"find parking"}</li>
<li>GET|POST /api/vehicle/ID {"lat":…,"lon":…,"headingDeg":…,"speedKmh":…}</li>
<li>/api/map/roads.geojson?bbox=W,S,E,N, <a href="/api/map/signals.geojson">/api/map/signals.geojson</a></li>
<li><a href="/metrics">/metrics</a>, <a href="/openapi.json">/openapi.json</a></li></ul></body></html>`),
  );
  registerCockpit(app);
  return app;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Starts the server and resolves with its address once it is listening. */
export async function startServer(
  opened: OpenMap,
  config: Pick<ServerConfig, 'port' | 'host'> & Partial<ServerConfig>,
  options: Pick<ServerOptions, 'planner'> = {},
): Promise<string> {
  const app = buildServer(opened, {
    processMetrics: true,
    ...(options.planner ? { planner: options.planner } : {}),
    ...(config.sessionIdleMinutes !== undefined ? { sessionIdleMinutes: config.sessionIdleMinutes } : {}),
    ...(config.maxSessions !== undefined ? { maxSessions: config.maxSessions } : {}),
    ...(config.simulateParking !== undefined ? { simulateParking: config.simulateParking } : {}),
    ...(config.simulateSignals !== undefined ? { simulateSignals: config.simulateSignals } : {}),
  });
  const close = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  return app.listen({ port: config.port, host: config.host });
}
