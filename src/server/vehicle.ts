import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { issuesText, sendBadRequest, type ApiCatalogue } from './api.ts';
import { parseNmeaSentence } from './nmea.ts';

/** A vehicle id: letters, digits, `_` and `-`, as in `car-42`. */
export const VehicleId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected 1–64 letters, digits, _ or -');

export const VehicleParams = z.object({ id: VehicleId });

/** What a car reports about itself. */
export const VehicleReport = z
  .object({
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    headingDeg: z.number().min(0).lt(360).optional().describe('compass bearing of travel, 0 = north'),
    speedKmh: z.number().min(0).max(400).optional(),
    at: z.iso.datetime({ offset: true }).optional().describe('when the position was measured; default: when received'),
  })
  .strict();

export interface VehicleState {
  id: string;
  lat: number;
  lon: number;
  headingDeg?: number;
  speedKmh?: number;
  /** ISO time of the measurement. */
  at: string;
  /** Who said so: the car's own JSON reports, its NMEA feed, or the drive simulator. */
  source: VehicleSource;
}

export type VehicleSource = 'reported' | 'nmea' | 'simulated';

/** The last reported state of each vehicle, in memory. */
export class VehicleRegistry {
  private readonly vehicles = new Map<string, VehicleState>();
  /** NMEA sentences taken and refused, since start. */
  readonly nmea = { accepted: 0, rejected: 0 };

  get(id: string): VehicleState | undefined {
    return this.vehicles.get(id);
  }

  report(id: string, report: z.output<typeof VehicleReport>, now: Date, source: VehicleSource = 'reported'): VehicleState {
    const state: VehicleState = { id, lat: report.lat, lon: report.lon, at: report.at ?? now.toISOString(), source };
    if (report.headingDeg !== undefined) state.headingDeg = report.headingDeg;
    if (report.speedKmh !== undefined) state.speedKmh = report.speedKmh;
    this.vehicles.set(id, state);
    return state;
  }
}

/** What the vehicle routes need: `onReport` hears of every real report (so a simulator can stop), `beforeRead` brings simulated cars up to now. */
export interface VehicleRouteDeps {
  vehicles: VehicleRegistry;
  now: () => Date;
  catalogue: ApiCatalogue;
  onReport?: (id: string) => void;
  beforeRead?: () => void;
}

/** `GET` and `POST /api/vehicle/{id}` (JSON, or JSON lines as `application/x-ndjson`), and `POST /api/vehicle/{id}/nmea`. */
export function registerVehicleRoutes(app: FastifyInstance, deps: VehicleRouteDeps): void {
  const { vehicles, now } = deps;
  deps.catalogue.describe({ method: 'get', path: '/api/vehicle/{id}', summary: 'The last reported position, heading and speed of a vehicle', tag: 'vehicle', params: VehicleParams });
  deps.catalogue.describe({
    method: 'post',
    path: '/api/vehicle/{id}',
    summary: 'Reports a vehicle’s position, heading and speed (one JSON object, or several as JSON lines with content-type application/x-ndjson); stops the simulated drive',
    tag: 'vehicle',
    params: VehicleParams,
    body: VehicleReport,
  });
  deps.catalogue.describe({
    method: 'post',
    path: '/api/vehicle/{id}/nmea',
    summary: 'Reports a vehicle’s position from NMEA 0183 sentences ($GPRMC/$GNRMC, $GPGGA; text, one per line); stops the simulated drive',
    tag: 'vehicle',
    params: VehicleParams,
  });
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.get('/api/vehicle/:id', async (request, reply) => {
    const params = VehicleParams.safeParse(request.params);
    if (!params.success) return sendBadRequest(reply, params.error.issues);
    deps.beforeRead?.();
    const state = vehicles.get(params.data.id);
    if (!state) return reply.status(404).send({ error: `vehicle ${params.data.id} has not reported yet` });
    return state;
  });

  app.post('/api/vehicle/:id', async (request, reply) => {
    const params = VehicleParams.safeParse(request.params);
    if (!params.success) return sendBadRequest(reply, params.error.issues);
    const id = params.data.id;
    if (typeof request.body === 'string') {
      // JSON lines: each is one report, in order; the first bad line stops the batch and is named.
      const lines = request.body.split(/\r?\n/).filter((l) => l.trim() !== '');
      if (lines.length === 0) return reply.status(400).send({ error: 'body: expected at least one JSON line' });
      const reports: z.output<typeof VehicleReport>[] = [];
      for (const [i, line] of lines.entries()) {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch {
          return reply.status(400).send({ error: `line ${i + 1}: not JSON` });
        }
        const parsed = VehicleReport.safeParse(value);
        if (!parsed.success) return reply.status(400).send({ error: `line ${i + 1}: ${issuesText(parsed.error.issues)}` });
        reports.push(parsed.data);
      }
      deps.onReport?.(id);
      let state: VehicleState | undefined;
      for (const report of reports) state = vehicles.report(id, report, now());
      return { accepted: reports.length, state };
    }
    const body = VehicleReport.safeParse(request.body);
    if (!body.success) return sendBadRequest(reply, body.error.issues);
    deps.onReport?.(id);
    return vehicles.report(id, body.data, now());
  });

  app.post('/api/vehicle/:id/nmea', async (request, reply) => {
    const params = VehicleParams.safeParse(request.params);
    if (!params.success) return sendBadRequest(reply, params.error.issues);
    if (typeof request.body !== 'string') return reply.status(400).send({ error: 'body: expected NMEA 0183 sentences as text/plain, one per line' });
    const id = params.data.id;
    const rejected: { line: number; error: string }[] = [];
    let accepted = 0;
    let state: VehicleState | undefined;
    for (const [i, line] of request.body.split(/\r?\n/).entries()) {
      if (line.trim() === '') continue;
      const parsed = parseNmeaSentence(line);
      if (!parsed.ok) {
        rejected.push({ line: i + 1, error: parsed.error });
        continue;
      }
      if (accepted === 0) deps.onReport?.(id);
      accepted++;
      // GGA has neither course nor speed: keep the last ones the feed gave.
      const previous = vehicles.get(id);
      const { fix } = parsed;
      const headingDeg = fix.headingDeg ?? (previous?.source === 'nmea' ? previous.headingDeg : undefined);
      const speedKmh = fix.speedKmh ?? (previous?.source === 'nmea' ? previous.speedKmh : undefined);
      state = vehicles.report(
        id,
        {
          lat: fix.lat,
          lon: fix.lon,
          ...(headingDeg !== undefined ? { headingDeg } : {}),
          ...(speedKmh !== undefined ? { speedKmh } : {}),
          ...(fix.at !== undefined ? { at: fix.at } : {}),
        },
        now(),
        'nmea',
      );
    }
    vehicles.nmea.accepted += accepted;
    vehicles.nmea.rejected += rejected.length;
    const result = { accepted, rejected, totals: vehicles.nmea, ...(state ? { state } : {}) };
    // Nothing usable: the client is told what was wrong with each line.
    return reply.status(accepted === 0 ? 400 : 200).send(accepted === 0 ? { error: rejected.map((r) => `line ${r.line}: ${r.error}`).join('; ') || 'body: no sentences', ...result } : result);
  });
}
