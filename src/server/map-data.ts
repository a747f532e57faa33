/**
 * Map drawing data from the loaded map file, for the cockpit's own renderer:
 * roads in a bounding box and the traffic signals, as GeoJSON.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ROAD_CLASSES, SEGMENT_BACKWARD, SEGMENT_FORWARD, type CabinMap, type RoadClass } from '../map/index.ts';
import { sendBadRequest, type ApiCatalogue } from './api.ts';

const bboxText = z
  .string()
  .regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?){3}$/, 'expected WEST,SOUTH,EAST,NORTH in degrees')
  .transform((text) => text.split(',').map(Number) as [number, number, number, number])
  .refine(([w, s, e, n]) => Math.abs(w) <= 180 && Math.abs(e) <= 180 && Math.abs(s) <= 90 && Math.abs(n) <= 90, 'longitude or latitude out of range')
  .refine(([w, s, e, n]) => w < e && s < n, 'west must be less than east and south less than north');

export const RoadsQuery = z.object({
  bbox: bboxText.describe('WEST,SOUTH,EAST,NORTH in degrees'),
});

export const SignalsQuery = z.object({
  bbox: bboxText.optional(),
});

/** The largest box served: about 2° a side (a whole region at a glance). */
const MAX_SPAN_DEG = 2;

/**
 * Which classes a box of this size shows, as a zoomed-out map would: every
 * road in a neighbourhood, the main roads across a city, the highways across
 * a region.
 */
export function classesForSpan(spanKm: number): ReadonlySet<RoadClass> {
  const highways: RoadClass[] = ['motorway', 'trunk', 'motorway_link', 'trunk_link'];
  const main: RoadClass[] = [...highways, 'primary', 'secondary', 'primary_link', 'secondary_link'];
  if (spanKm > 40) return new Set(highways);
  if (spanKm > 12) return new Set(main);
  if (spanKm > 4) return new Set<RoadClass>([...main, 'tertiary', 'tertiary_link', 'unclassified']);
  return new Set(ROAD_CLASSES);
}

/** Each segment's bounding box, as four typed arrays, built once per map. */
interface SegmentBoxes {
  west: Float64Array;
  south: Float64Array;
  east: Float64Array;
  north: Float64Array;
}

function segmentBoxes(map: CabinMap): SegmentBoxes {
  const roads = map.roads;
  const n = roads.segmentCount;
  const boxes: SegmentBoxes = { west: new Float64Array(n), south: new Float64Array(n), east: new Float64Array(n), north: new Float64Array(n) };
  for (let s = 0; s < n; s++) {
    let w = Infinity;
    let so = Infinity;
    let e = -Infinity;
    let no = -Infinity;
    forEachPoint(map, s, (lon, lat) => {
      if (lon < w) w = lon;
      if (lon > e) e = lon;
      if (lat < so) so = lat;
      if (lat > no) no = lat;
    });
    boxes.west[s] = w;
    boxes.south[s] = so;
    boxes.east[s] = e;
    boxes.north[s] = no;
  }
  return boxes;
}

function forEachPoint(map: CabinMap, segment: number, visit: (lon: number, lat: number) => void): void {
  const roads = map.roads;
  const from = roads.segmentFrom[segment]!;
  const to = roads.segmentTo[segment]!;
  visit(roads.nodeLonE7[from]! / 1e7, roads.nodeLatE7[from]! / 1e7);
  for (let i = roads.segmentShapeStart[segment]!, end = roads.segmentShapeStart[segment + 1]!; i < end; i++) {
    visit(roads.shapeLonE7[i]! / 1e7, roads.shapeLatE7[i]! / 1e7);
  }
  visit(roads.nodeLonE7[to]! / 1e7, roads.nodeLatE7[to]! / 1e7);
}

/** The road segments crossing `bbox`, filtered by class for its size, as a GeoJSON FeatureCollection. */
export function roadsGeoJson(map: CabinMap, boxes: SegmentBoxes, bbox: readonly [number, number, number, number]): Record<string, unknown> {
  const [w, s, e, n] = bbox;
  const midLat = ((s + n) / 2) * (Math.PI / 180);
  const spanKm = Math.max((e - w) * Math.cos(midLat), n - s) * 111.32;
  const classes = classesForSpan(spanKm);
  const roads = map.roads;
  const features: unknown[] = [];
  for (let seg = 0; seg < roads.segmentCount; seg++) {
    if (boxes.east[seg]! < w || boxes.west[seg]! > e || boxes.north[seg]! < s || boxes.south[seg]! > n) continue;
    const road = roads.segmentRoad[seg]!;
    const roadClass = ROAD_CLASSES[roads.roadClass[road]!] ?? 'road';
    if (!classes.has(roadClass)) continue;
    const coordinates: [number, number][] = [];
    forEachPoint(map, seg, (lon, lat) => void coordinates.push([lon, lat]));
    const flags = roads.segmentFlags[seg]!;
    const forward = (flags & SEGMENT_FORWARD) !== 0;
    const backward = (flags & SEGMENT_BACKWARD) !== 0;
    features.push({
      type: 'Feature',
      id: seg,
      properties: {
        class: roadClass,
        name: map.strings[roads.roadName[road]!] ?? '',
        ref: map.strings[roads.roadRef[road]!] ?? '',
        // 'forward': one way, drawn direction; 'backward': one way against it.
        oneway: forward && backward ? 'no' : forward ? 'forward' : 'backward',
      },
      geometry: { type: 'LineString', coordinates },
    });
  }
  return { type: 'FeatureCollection', bbox: [w, s, e, n], classes: [...classes], features };
}

/** The traffic signals (in `bbox` when given) as GeoJSON points. */
export function signalsGeoJson(map: CabinMap, bbox?: readonly [number, number, number, number]): Record<string, unknown> {
  const features = map.signals
    .filter((signal) => !bbox || (signal.lon >= bbox[0] && signal.lon <= bbox[2] && signal.lat >= bbox[1] && signal.lat <= bbox[3]))
    .map((signal) => ({
      type: 'Feature',
      id: signal.osmId,
      properties: {
        osmId: signal.osmId,
        node: signal.node ?? null,
        segment: signal.segment ?? null,
        direction: signal.direction ?? null,
        roads: signal.roads.map((road) => map.strings[map.roads.roadName[road]!] ?? '').filter((name) => name !== ''),
      },
      geometry: { type: 'Point', coordinates: [signal.lon, signal.lat] },
    }));
  return { type: 'FeatureCollection', features };
}

/** `GET /api/map/roads.geojson` and `/api/map/signals.geojson`. */
export function registerMapDataRoutes(app: FastifyInstance, deps: { map: CabinMap; catalogue: ApiCatalogue }): void {
  const { map } = deps;
  let boxes: SegmentBoxes | undefined;
  deps.catalogue.describe({
    method: 'get',
    path: '/api/map/roads.geojson',
    summary: 'Road segments in a bounding box with class and name; large boxes show only the main roads',
    tag: 'map',
    query: RoadsQuery,
    produces: 'application/geo+json',
  });
  deps.catalogue.describe({ method: 'get', path: '/api/map/signals.geojson', summary: 'Traffic signals on the map', tag: 'map', query: SignalsQuery, produces: 'application/geo+json' });

  app.get('/api/map/roads.geojson', async (request, reply) => {
    const parsed = RoadsQuery.safeParse(request.query);
    if (!parsed.success) return sendBadRequest(reply, parsed.error.issues);
    const [w, s, e, n] = parsed.data.bbox;
    if (e - w > MAX_SPAN_DEG || n - s > MAX_SPAN_DEG) {
      return reply.status(400).send({ error: `bbox: at most ${MAX_SPAN_DEG}° a side, got ${(e - w).toFixed(3)}° × ${(n - s).toFixed(3)}°` });
    }
    boxes ??= segmentBoxes(map);
    return reply.type('application/geo+json').send(roadsGeoJson(map, boxes, parsed.data.bbox));
  });

  app.get('/api/map/signals.geojson', async (request, reply) => {
    const parsed = SignalsQuery.safeParse(request.query);
    if (!parsed.success) return sendBadRequest(reply, parsed.error.issues);
    return reply.type('application/geo+json').send(signalsGeoJson(map, parsed.data.bbox));
  });
}
