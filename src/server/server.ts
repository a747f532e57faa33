import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { OpenMap } from '../cli/maps.ts';
import { routeGeoJson, routeJson } from '../cli/format.ts';

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

const TrafficBody = z.object({
  updates: z
    .array(z.object({ segment: z.number().int().nonnegative(), factor: z.number().min(0.05).max(2) }))
    .max(1_000_000),
});

/** The HTTP API on one loaded map: health, map facts, routes and live traffic. */
export function buildServer(opened: OpenMap): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
  const { map, router } = opened;

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
    if (!parsed.success) {
      return reply.status(400).send({ error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    }
    const { from, to, via, lang, format } = parsed.data;
    const vias = via === undefined ? [] : Array.isArray(via) ? via : [via];
    const result = router.route([from, ...vias, to]);
    if (!result.ok) return reply.status(result.reason === 'no-route' ? 404 : 400).send({ error: result.message, reason: result.reason });
    return format === 'geojson' ? routeGeoJson(result.route, lang) : routeJson(result.route);
  });

  app.post('/api/traffic', async (request, reply) => {
    const parsed = TrafficBody.safeParse(request.body);
    if (!parsed.success) {
      return reply.status(400).send({ error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    }
    const bad = parsed.data.updates.find((u) => u.segment >= map.roads.segmentCount);
    if (bad) return reply.status(400).send({ error: `segment ${bad.segment} is not on this map (it has ${map.roads.segmentCount})` });
    const ms = router.setTrafficFactors(parsed.data.updates.map((u) => [u.segment, u.factor] as const));
    return { applied: parsed.data.updates.length, milliseconds: Math.round(ms) };
  });

  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(`<!doctype html><html lang="en"><meta charset="utf-8"><title>Cabin</title>
<body style="font-family:system-ui;max-width:40rem;margin:2rem auto">
<h1>Cabin</h1><p>Map: <b>${escapeHtml(map.info.name)}</b>${map.info.synthetic ? ' (synthetic)' : ''}:
${map.roads.nodeCount.toLocaleString('en')} road nodes, ${map.parking.length} parking places, ${map.food.length} places to eat, ${map.signals.length} traffic signals.</p>
<ul><li><a href="/healthz">/healthz</a></li><li><a href="/api/map">/api/map</a></li>
<li>/api/route?from=LAT,LON&amp;to=LAT,LON[&amp;via=LAT,LON][&amp;lang=zh][&amp;format=geojson]</li>
<li>POST /api/traffic {"updates":[{"segment":12,"factor":0.5}]}</li></ul></body></html>`),
  );
  return app;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Starts the server and resolves with its address once it is listening. */
export async function startServer(opened: OpenMap, options: { port: number; host: string }): Promise<string> {
  const app = buildServer(opened);
  const close = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', close);
  process.once('SIGTERM', close);
  return app.listen({ port: options.port, host: options.host });
}
