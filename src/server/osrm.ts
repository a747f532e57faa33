/**
 * OSRM v5's route service, `GET /route/v1/{profile}/{lon,lat;lon,lat…}[.json]`,
 * answering in OSRM's response shape so existing OSRM clients work unchanged.
 * See https://project-osrm.org/docs/v5.24.0/api/#route-service.
 */
import polyline from '@mapbox/polyline';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Route, RouteLeg, RouteStep, Router } from '../routing/index.ts';
import { issuesText, type ApiCatalogue } from './api.ts';
import type { Metrics } from './metrics.ts';

/** OSRM's result codes that this service answers with. */
export type OsrmCode = 'Ok' | 'InvalidUrl' | 'InvalidQuery' | 'InvalidOptions' | 'InvalidValue' | 'NoSegment' | 'NoRoute' | 'TooBig';

/** The most coordinates one request may hold (OSRM's `--max-viaroute-size` is 500). */
const MAX_COORDINATES = 100;

const booleanText = z.enum(['true', 'false']).transform((text) => text === 'true');

export const OsrmRouteParams = z.object({
  profile: z.string().describe('OSRM profile; Cabin routes cars, so `driving` or `car`'),
  coordinates: z.string().describe('`lon,lat;lon,lat[;…]`, optionally followed by `.json`'),
});

export const OsrmRouteQuery = z
  .object({
    overview: z.enum(['full', 'simplified', 'false']).default('simplified'),
    geometries: z.enum(['polyline', 'polyline6', 'geojson']).default('polyline'),
    steps: booleanText.default(false),
    alternatives: z.union([booleanText, z.string().regex(/^\d+$/, 'expected true, false or a number')]).default(false),
    skip_waypoints: booleanText.default(false),
    // Accepted for compatibility and ignored: Cabin answers one route with no annotations.
    annotations: z.string().optional(),
    continue_straight: z.string().optional(),
    generate_hints: z.string().optional(),
    hints: z.string().optional(),
    radiuses: z.string().optional(),
    bearings: z.string().optional(),
    approaches: z.string().optional(),
    exclude: z.string().optional(),
    snapping: z.string().optional(),
  })
  .strict();

type Geometries = z.output<typeof OsrmRouteQuery>['geometries'];
type Position = [number, number];

/** An OSRM error answer: always HTTP 400, as osrm-routed does. */
interface OsrmError {
  code: Exclude<OsrmCode, 'Ok'>;
  message: string;
}

/** Parses `lon,lat;lon,lat…` (OSRM's order: longitude first). */
export function parseOsrmCoordinates(text: string): { ok: true; points: { lat: number; lon: number }[] } | { ok: false; error: OsrmError } {
  const number = '-?\\d+(?:\\.\\d+)?';
  const pair = new RegExp(`^(${number}),(${number})$`);
  const parts = text.split(';');
  const points: { lat: number; lon: number }[] = [];
  for (const [i, part] of parts.entries()) {
    const match = pair.exec(part);
    if (!match) {
      return { ok: false, error: { code: 'InvalidUrl', message: `coordinate ${i + 1} "${part}" is not lon,lat in degrees` } };
    }
    const lon = Number(match[1]);
    const lat = Number(match[2]);
    if (Math.abs(lon) > 180 || Math.abs(lat) > 90) {
      return { ok: false, error: { code: 'InvalidValue', message: `coordinate ${i + 1} (${part}) is out of range: longitude comes first, within ±180, then latitude within ±90` } };
    }
    points.push({ lat, lon });
  }
  if (points.length < 2) return { ok: false, error: { code: 'InvalidOptions', message: 'Number of coordinates needs to be at least two.' } };
  if (points.length > MAX_COORDINATES) return { ok: false, error: { code: 'TooBig', message: `at most ${MAX_COORDINATES} coordinates per request, got ${points.length}` } };
  return { ok: true, points };
}

/** Registers the OSRM route service. */
export function registerOsrmRoutes(app: FastifyInstance, deps: { router: Router; metrics: Metrics; catalogue: ApiCatalogue }): void {
  const { router, metrics } = deps;
  deps.catalogue.describe({
    method: 'get',
    path: '/route/v1/{profile}/{coordinates}',
    summary: 'OSRM v5 route service: the fastest car route through the coordinates, in OSRM’s response shape',
    tag: 'osrm',
    params: OsrmRouteParams,
    query: OsrmRouteQuery,
  });
  app.get('/route/v1/:profile/:coordinates', async (request, reply) => {
    const fail = (error: OsrmError): unknown => reply.status(400).send(error);
    const params = OsrmRouteParams.safeParse(request.params);
    if (!params.success) return fail({ code: 'InvalidUrl', message: issuesText(params.error.issues) });
    const { profile } = params.data;
    if (profile !== 'driving' && profile !== 'car') {
      return fail({ code: 'InvalidUrl', message: `profile "${profile}": this server routes cars only (driving)` });
    }
    let coordinates = params.data.coordinates;
    const format = /\.([a-z]+)$/.exec(coordinates);
    if (format) {
      if (format[1] !== 'json') return fail({ code: 'InvalidUrl', message: `format "${format[1]}": only json is served` });
      coordinates = coordinates.slice(0, -format[0].length);
    }
    const parsedPoints = parseOsrmCoordinates(coordinates);
    if (!parsedPoints.ok) return fail(parsedPoints.error);
    const query = OsrmRouteQuery.safeParse(request.query);
    if (!query.success) return fail({ code: 'InvalidQuery', message: issuesText(query.error.issues) });
    const result = router.route(parsedPoints.points);
    metrics.routeQueries.inc({ api: 'osrm', outcome: result.ok ? 'ok' : result.reason });
    if (!result.ok) {
      switch (result.reason) {
        case 'not-on-map':
          return fail({ code: 'NoSegment', message: result.message });
        case 'no-route':
          return fail({ code: 'NoRoute', message: result.message });
        case 'too-few-points':
          return fail({ code: 'InvalidOptions', message: result.message });
        default: {
          const never: never = result.reason;
          throw new Error(`unknown route failure ${String(never)}`);
        }
      }
    }
    return osrmRouteResponse(result.route, query.data);
  });
}

/** A Cabin route in OSRM's route-service response shape. */
export function osrmRouteResponse(
  route: Route,
  options: { overview: 'full' | 'simplified' | 'false'; geometries: Geometries; steps: boolean; skip_waypoints?: boolean },
): Record<string, unknown> {
  const osrmRoute: Record<string, unknown> = {
    distance: round1(route.distanceM),
    duration: round1(route.durationS),
    weight: round1(route.durationS),
    weight_name: 'duration',
    legs: route.legs.map((leg) => osrmLeg(leg, options)),
  };
  if (options.overview !== 'false') {
    const line = options.overview === 'full' ? route.coordinates : simplify(route.coordinates);
    osrmRoute['geometry'] = encodeGeometry(line, options.geometries);
  }
  const response: Record<string, unknown> = { code: 'Ok', routes: [osrmRoute] };
  if (!options.skip_waypoints) {
    response['waypoints'] = route.waypoints.map((w) => ({
      // OSRM's hint lets a client skip snapping next time; Cabin snaps anyway, so it only names the spot.
      hint: Buffer.from(`${w.segment}:${w.fraction.toFixed(6)}`).toString('base64url'),
      distance: round1(w.distanceM),
      name: w.name,
      location: [round6(w.snapped.lon), round6(w.snapped.lat)],
    }));
  }
  return response;
}

function osrmLeg(leg: RouteLeg, options: { geometries: Geometries; steps: boolean }): Record<string, unknown> {
  return {
    distance: round1(leg.distanceM),
    duration: round1(leg.durationS),
    weight: round1(leg.durationS),
    summary: legSummary(leg.steps),
    steps: options.steps ? leg.steps.map((step) => osrmStep(step, leg.coordinates, options.geometries)) : [],
  };
}

/** OSRM's summary: the names of the two longest-driven named roads, in driving order. */
function legSummary(steps: readonly RouteStep[]): string {
  const byName = new Map<string, { distance: number; first: number }>();
  steps.forEach((step, i) => {
    if (step.name === '') return;
    const entry = byName.get(step.name);
    if (entry) entry.distance += step.distanceM;
    else byName.set(step.name, { distance: step.distanceM, first: i });
  });
  return [...byName.entries()]
    .sort((a, b) => b[1].distance - a[1].distance)
    .slice(0, 2)
    .sort((a, b) => a[1].first - b[1].first)
    .map(([name]) => name)
    .join(', ');
}

function osrmStep(step: RouteStep, legCoordinates: readonly Position[], geometries: Geometries): Record<string, unknown> {
  const { maneuver } = step;
  // OSRM ends every leg with `arrive`; Cabin calls the end of a leg before the last one `waypoint`.
  const type = maneuver.type === 'waypoint' ? 'arrive' : maneuver.type;
  const bearingBefore = type === 'depart' ? 0 : maneuver.bearingBefore;
  const bearingAfter = type === 'arrive' ? 0 : maneuver.bearingAfter;
  const location = roundPosition(maneuver.location);
  const osrmManeuver: Record<string, unknown> = { type, location, bearing_before: bearingBefore, bearing_after: bearingAfter };
  if (maneuver.modifier) osrmManeuver['modifier'] = maneuver.modifier;
  if (maneuver.exit !== undefined) osrmManeuver['exit'] = maneuver.exit;
  let line = legCoordinates.slice(step.geometryStart, step.geometryEnd + 1);
  if (line.length === 1) line = [line[0]!, line[0]!]; // OSRM's arrive step is a line of two equal points
  const osrmStep: Record<string, unknown> = {
    distance: round1(step.distanceM),
    duration: round1(step.durationS),
    weight: round1(step.durationS),
    geometry: encodeGeometry(line, geometries),
    name: step.name,
    mode: 'driving',
    driving_side: 'right',
    maneuver: osrmManeuver,
    intersections: [intersection(type, location, maneuver.bearingBefore, maneuver.bearingAfter)],
  };
  if (step.ref !== '') osrmStep['ref'] = step.ref;
  return osrmStep;
}

/** The maneuver's intersection as OSRM describes it: bearings of the roads there (ascending), `in` and `out` indexing them. */
function intersection(type: string, location: Position, bearingBefore: number, bearingAfter: number): Record<string, unknown> {
  const arriving = (Math.round(bearingBefore) + 180) % 360;
  const leaving = Math.round(bearingAfter) % 360;
  if (type === 'depart') return { location, bearings: [leaving], entry: [true], out: 0 };
  if (type === 'arrive') return { location, bearings: [arriving], entry: [true], in: 0 };
  if (arriving === leaving) return { location, bearings: [arriving], entry: [true], in: 0, out: 0 };
  const bearings = [arriving, leaving].sort((a, b) => a - b);
  return { location, bearings, entry: [true, true], in: bearings.indexOf(arriving), out: bearings.indexOf(leaving) };
}

function encodeGeometry(line: readonly Position[], geometries: Geometries): unknown {
  switch (geometries) {
    case 'geojson':
      return { type: 'LineString', coordinates: line.map(roundPosition) };
    case 'polyline':
      return polyline.encode(line.map(([lon, lat]) => [lat, lon]), 5);
    case 'polyline6':
      return polyline.encode(line.map(([lon, lat]) => [lat, lon]), 6);
    default: {
      const never: never = geometries;
      throw new Error(`unknown geometries ${String(never)}`);
    }
  }
}

/**
 * OSRM's `overview=simplified`: the line simplified for a map that shows the
 * whole route. Douglas–Peucker with a tolerance of 1/2000 of the route's
 * extent, about a pixel on a screen it fills.
 */
export function simplify(line: readonly Position[]): Position[] {
  if (line.length <= 2) return [...line];
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const [lon, lat] of line) {
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  const cosLat = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const extent = Math.hypot((maxLon - minLon) * cosLat, maxLat - minLat);
  const tolerance = extent / 2000;
  const keep = new Uint8Array(line.length);
  keep[0] = keep[line.length - 1] = 1;
  const stack: [number, number][] = [[0, line.length - 1]];
  while (stack.length > 0) {
    const [first, last] = stack.pop()!;
    const [ax, ay] = line[first]!;
    const [bx, by] = line[last]!;
    const dx = (bx - ax) * cosLat;
    const dy = by - ay;
    const length = Math.hypot(dx, dy);
    let farthest = -1;
    let farthestDistance = tolerance;
    for (let i = first + 1; i < last; i++) {
      const [px, py] = line[i]!;
      const ex = (px - ax) * cosLat;
      const ey = py - ay;
      const d = length === 0 ? Math.hypot(ex, ey) : Math.abs(ex * dy - ey * dx) / length;
      if (d > farthestDistance) {
        farthest = i;
        farthestDistance = d;
      }
    }
    if (farthest >= 0) {
      keep[farthest] = 1;
      stack.push([first, farthest], [farthest, last]);
    }
  }
  return line.filter((_, i) => keep[i] === 1);
}

function roundPosition([lon, lat]: Position): Position {
  return [round6(lon), round6(lat)];
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
