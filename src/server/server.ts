import Fastify, { type FastifyInstance } from 'fastify';
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

const latLon = z
  .string()
  .regex(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/, 'expected LAT,LON in degrees')
  .transform((text) => {
    const [lat, lon] = text.split(',').map(Number) as [number, number];
    return { lat, lon };
  })
  .refine((p) => Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180, 'latitude or longitude out of range');

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
  const badRequest = (issues: z.core.$ZodIssue[]): { error: string } => ({
    error: issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
  });
  const wantedCuisine = (word: string | undefined): string[] | undefined => {
    if (word === undefined) return undefined;
    const cuisine = cuisineFromWord(word);
    return cuisine ? [cuisine.id] : [word.toLowerCase()];
  };

  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    void reply.status(status).send({ error: status === 500 ? 'internal error' : error.message });
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
    if (!parsed.success) return reply.status(400).send(badRequest(parsed.error.issues));
    const { from, to, via, lang, format } = parsed.data;
    const vias = via === undefined ? [] : Array.isArray(via) ? via : [via];
    const result = router.route([from, ...vias, to]);
    if (!result.ok) return reply.status(result.reason === 'no-route' ? 404 : 400).send({ error: result.message, reason: result.reason });
    return format === 'geojson' ? routeGeoJson(result.route, lang) : routeJson(result.route);
  });

  app.post('/api/traffic', async (request, reply) => {
    const parsed = TrafficBody.safeParse(request.body);
    if (!parsed.success) return reply.status(400).send(badRequest(parsed.error.issues));
    const bad = parsed.data.updates.find((u) => u.segment >= map.roads.segmentCount);
    if (bad) return reply.status(400).send({ error: `segment ${bad.segment} is not on this map (it has ${map.roads.segmentCount})` });
    const ms = router.setTrafficFactors(parsed.data.updates.map((u) => [u.segment, u.factor] as const));
    return { applied: parsed.data.updates.length, milliseconds: Math.round(ms) };
  });

  app.get('/api/parking', async (request, reply) => {
    const parsed = ParkingQuery.safeParse(request.query);
    if (!parsed.success) return reply.status(400).send(badRequest(parsed.error.issues));
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
    if (!parsed.success) return reply.status(400).send(badRequest(parsed.error.issues));
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
    if (!parsed.success) return reply.status(400).send(badRequest(parsed.error.issues));
    const q = parsed.data;
    const routed = router.route([q.from, q.to]);
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
<li>/api/food/along?from=LAT,LON&amp;to=LAT,LON[&amp;cuisine=川菜][&amp;maxDetourMinutes=5]</li></ul></body></html>`),
  );
  return app;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Starts the server and resolves with its address once it is listening. */
export async function startServer(opened: OpenMap, options: { port: number; host: string }): Promise<string> {
  const app = buildServer(opened, {});
  const close = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  return app.listen({ port: options.port, host: options.host });
}
