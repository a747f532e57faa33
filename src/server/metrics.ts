import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SignalStore } from '../signals/store.ts';

/** The server's Prometheus metrics, in a registry of its own so several servers in one process do not collide. */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  routeQueries: Counter<'api' | 'outcome'>;
  agentTurns: Counter<'path' | 'outcome'>;
}

/** Creates the metrics; the V2X gauges read the signal store's counts when scraped. */
export function createMetrics(signals: SignalStore, options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'cabin_' });
  const metrics: Metrics = {
    registry,
    httpRequests: new Counter({
      name: 'cabin_http_requests_total',
      help: 'HTTP requests answered, by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'cabin_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    routeQueries: new Counter({
      name: 'cabin_route_queries_total',
      help: 'Route queries, by API (cabin, osrm) and outcome (ok, not-on-map, no-route, …)',
      labelNames: ['api', 'outcome'],
      registers: [registry],
    }),
    agentTurns: new Counter({
      name: 'cabin_agent_turns_total',
      help: 'Conversation turns, by the path that answered (embedded, llm) and outcome',
      labelNames: ['path', 'outcome'],
      registers: [registry],
    }),
  };
  new Gauge({
    name: 'cabin_v2x_accepted',
    help: 'Intersection updates the signal store accepted since start',
    registers: [registry],
    collect() {
      this.set(signals.stats().accepted);
    },
  });
  new Gauge({
    name: 'cabin_v2x_dropped',
    help: 'Intersection updates the signal store dropped since start, by reason',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      for (const [reason, count] of Object.entries(signals.stats().dropped)) this.set({ reason }, count);
    },
  });
  return metrics;
}

/** Counts and times every request by its route pattern (not its URL, which would grow without bound), and serves `/metrics`. */
export function registerMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
