import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { sendBadRequest, type ApiCatalogue } from './api.ts';

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
}

/** The last reported state of each vehicle, in memory. */
export class VehicleRegistry {
  private readonly vehicles = new Map<string, VehicleState>();

  get(id: string): VehicleState | undefined {
    return this.vehicles.get(id);
  }

  report(id: string, report: z.output<typeof VehicleReport>, now: Date): VehicleState {
    const state: VehicleState = { id, lat: report.lat, lon: report.lon, at: report.at ?? now.toISOString() };
    if (report.headingDeg !== undefined) state.headingDeg = report.headingDeg;
    if (report.speedKmh !== undefined) state.speedKmh = report.speedKmh;
    this.vehicles.set(id, state);
    return state;
  }
}

/** `GET` and `POST /api/vehicle/{id}`. */
export function registerVehicleRoutes(app: FastifyInstance, deps: { vehicles: VehicleRegistry; now: () => Date; catalogue: ApiCatalogue }): void {
  const { vehicles, now } = deps;
  deps.catalogue.describe({ method: 'get', path: '/api/vehicle/{id}', summary: 'The last reported position, heading and speed of a vehicle', tag: 'vehicle', params: VehicleParams });
  deps.catalogue.describe({ method: 'post', path: '/api/vehicle/{id}', summary: 'Reports a vehicle’s position, heading and speed', tag: 'vehicle', params: VehicleParams, body: VehicleReport });

  app.get('/api/vehicle/:id', async (request, reply) => {
    const params = VehicleParams.safeParse(request.params);
    if (!params.success) return sendBadRequest(reply, params.error.issues);
    const state = vehicles.get(params.data.id);
    if (!state) return reply.status(404).send({ error: `vehicle ${params.data.id} has not reported yet` });
    return state;
  });

  app.post('/api/vehicle/:id', async (request, reply) => {
    const params = VehicleParams.safeParse(request.params);
    if (!params.success) return sendBadRequest(reply, params.error.issues);
    const body = VehicleReport.safeParse(request.body);
    if (!body.success) return sendBadRequest(reply, body.error.issues);
    return vehicles.report(params.data.id, body.data, now());
  });
}
