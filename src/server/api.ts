import type { FastifyReply } from 'fastify';
import { z } from 'zod';

/** One documented route: the zod schemas it validates with, which also make its OpenAPI entry. */
export interface RouteDoc {
  method: 'get' | 'post';
  /** OpenAPI path, `{param}` style. */
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Response content type when not JSON. */
  produces?: string;
}

/** The routes the server documents, filled as route modules register. */
export class ApiCatalogue {
  readonly routes: RouteDoc[] = [];

  describe(doc: RouteDoc): void {
    this.routes.push(doc);
  }
}

/** A zod failure as one line naming each wrong field: `from: expected LAT,LON in degrees`. */
export function issuesText(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** Answers 400 with `{ error }` naming what was wrong. */
export function sendBadRequest(reply: FastifyReply, issues: readonly z.core.$ZodIssue[]): FastifyReply {
  return reply.status(400).send({ error: issuesText(issues) });
}

/** "LAT,LON" in degrees, as the query strings take points. */
export const latLonText = z
  .string()
  .regex(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/, 'expected LAT,LON in degrees')
  .transform((text) => {
    const [lat, lon] = text.split(',').map(Number) as [number, number];
    return { lat, lon };
  })
  .refine((p) => Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180, 'latitude or longitude out of range');
