import Flatbush from 'flatbush';
import { EARTH_RADIUS_M, haversineM, type RoadNetwork } from '../map/index.ts';

const RADIANS = Math.PI / 180;

/** Where a coordinate meets the road network. */
export interface SnappedPoint {
  segment: number;
  /** Distance along the segment from its `from` node, as a fraction of its length. */
  fraction: number;
  /** The point on the road. */
  lat: number;
  lon: number;
  /** Straight-line distance from the requested coordinate to the road. */
  distanceM: number;
}

/**
 * Finds the nearest road segment to a coordinate. Segments are indexed by
 * their bounding boxes in a Flatbush R-tree, in metres on a local
 * equirectangular projection so box distances are true distances (to well
 * under a percent across a city region). Boxes are stored as 16-bit grid
 * cells over the map (rounded outwards, so a box still contains its
 * segment and box distances stay lower bounds): half the memory of floats.
 */
export class SegmentSnapper {
  private readonly originLat: number;
  private readonly originLon: number;
  private readonly metresPerDegreeLon: number;
  /** The 16-bit grid: metres per cell and the projected corner it starts at. */
  private readonly cellM: number;
  private readonly gridMinX: number;
  private readonly gridMinY: number;

  private constructor(
    private readonly roads: RoadNetwork,
    private readonly index: Flatbush,
    origin: { lat: number; lon: number },
    private readonly usable: (segment: number) => boolean,
  ) {
    this.originLat = origin.lat;
    this.originLon = origin.lon;
    this.metresPerDegreeLon = EARTH_RADIUS_M * RADIANS * Math.cos(origin.lat * RADIANS);
    const extent = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
    const p = { x: 0, y: 0 };
    const include = (latE7: number, lonE7: number): void => {
      this.project(latE7 / 1e7, lonE7 / 1e7, p);
      extent.minX = Math.min(extent.minX, p.x);
      extent.minY = Math.min(extent.minY, p.y);
      extent.maxX = Math.max(extent.maxX, p.x);
      extent.maxY = Math.max(extent.maxY, p.y);
    };
    for (let n = 0; n < roads.nodeCount; n++) include(roads.nodeLatE7[n]!, roads.nodeLonE7[n]!);
    for (let i = 0; i < roads.shapeLatE7.length; i++) include(roads.shapeLatE7[i]!, roads.shapeLonE7[i]!);
    if (extent.minX === Infinity) extent.minX = extent.minY = extent.maxX = extent.maxY = 0;
    this.gridMinX = extent.minX;
    this.gridMinY = extent.minY;
    this.cellM = Math.max(extent.maxX - extent.minX, extent.maxY - extent.minY, 1) / 65534;
  }

  /** Builds the index over every segment of `roads`. */
  static build(roads: RoadNetwork, usable: (segment: number) => boolean = () => true): SegmentSnapper {
    const origin = projectionOrigin(roads);
    const index = new Flatbush(Math.max(roads.segmentCount, 1), 16, Uint16Array);
    const snapper = new SegmentSnapper(roads, index, origin, usable);
    for (let s = 0; s < roads.segmentCount; s++) {
      const box = snapper.cellBox(s);
      index.add(box.minX, box.minY, box.maxX, box.maxY);
    }
    if (roads.segmentCount === 0) index.add(0, 0, 0, 0);
    index.finish();
    return snapper;
  }

  /** Restores an index saved with `indexBytes()`. */
  static fromBytes(roads: RoadNetwork, bytes: Uint8Array, usable: (segment: number) => boolean = () => true): SegmentSnapper {
    return new SegmentSnapper(roads, Flatbush.from(bytes.buffer, bytes.byteOffset), projectionOrigin(roads), usable);
  }

  /** The index as bytes, for the map file. */
  indexBytes(): Uint8Array {
    return new Uint8Array(this.index.data, this.index.byteOffset, this.index.data.byteLength - this.index.byteOffset);
  }

  /**
   * The nearest usable segment within `maxDistanceM`, or undefined. Candidates
   * come in order of box distance, which never exceeds the true distance, so
   * the search stops once the next box is farther than the best segment.
   */
  snap(lat: number, lon: number, maxDistanceM = 1000): SnappedPoint | undefined {
    if (this.roads.segmentCount === 0) return undefined;
    const query = { x: 0, y: 0 };
    this.project(lat, lon, query);
    let best: SnappedPoint | undefined;
    let wanted = 8;
    for (;;) {
      const candidates = this.index.neighbors(
        this.cellX(query.x),
        this.cellY(query.y),
        wanted,
        maxDistanceM / this.cellM,
        this.usable,
      );
      for (const s of candidates) {
        const hit = this.nearestOnSegment(s, query.x, query.y);
        if (hit.distanceM <= maxDistanceM && (!best || hit.distanceM < best.distanceM)) best = hit;
      }
      if (candidates.length < wanted) return best;
      const last = candidates[candidates.length - 1]!;
      if (best && this.boxDistance(last, query.x, query.y) > best.distanceM) return best;
      wanted *= 4;
    }
  }

  private nearestOnSegment(segment: number, x: number, y: number): SnappedPoint {
    const a = { x: 0, y: 0 };
    const b = { x: 0, y: 0 };
    let bestDistance = Infinity;
    let bestAlong = 0;
    let bestX = 0;
    let bestY = 0;
    let along = 0;
    let first = true;
    this.forEachPoint(segment, (latE7, lonE7) => {
      this.project(latE7 / 1e7, lonE7 / 1e7, b);
      if (!first) {
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        const length = Math.hypot(dx, dy);
        const t = length > 0 ? Math.min(1, Math.max(0, ((x - a.x) * dx + (y - a.y) * dy) / (length * length))) : 0;
        const px = a.x + t * dx;
        const py = a.y + t * dy;
        const distance = Math.hypot(x - px, y - py);
        if (distance < bestDistance) {
          bestDistance = distance;
          bestAlong = along + t * length;
          bestX = px;
          bestY = py;
        }
        along += length;
      }
      first = false;
      a.x = b.x;
      a.y = b.y;
    });
    return {
      segment,
      fraction: along > 0 ? bestAlong / along : 0,
      lat: this.originLat + bestY / (EARTH_RADIUS_M * RADIANS),
      lon: this.originLon + bestX / this.metresPerDegreeLon,
      distanceM: bestDistance,
    };
  }

  /** Distance in metres from (x, y) to a segment's box as the index stores it (a lower bound for every later candidate). */
  private boxDistance(item: number, x: number, y: number): number {
    const box = this.cellBox(item);
    const cx = this.cellX(x);
    const cy = this.cellY(y);
    const dx = cx < box.minX ? box.minX - cx : cx > box.maxX ? cx - box.maxX : 0;
    const dy = cy < box.minY ? box.minY - cy : cy > box.maxY ? cy - box.maxY : 0;
    return Math.hypot(dx, dy) * this.cellM;
  }

  /** A segment's box on the 16-bit grid, rounded outwards. */
  private cellBox(segment: number): { minX: number; minY: number; maxX: number; maxY: number } {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    const p = { x: 0, y: 0 };
    this.forEachPoint(segment, (latE7, lonE7) => {
      this.project(latE7 / 1e7, lonE7 / 1e7, p);
      minX = Math.min(minX, p.x);
      minY = Math.min(minY, p.y);
      maxX = Math.max(maxX, p.x);
      maxY = Math.max(maxY, p.y);
    });
    return {
      minX: Math.floor(this.cellX(minX)),
      minY: Math.floor(this.cellY(minY)),
      maxX: Math.ceil(this.cellX(maxX)),
      maxY: Math.ceil(this.cellY(maxY)),
    };
  }

  private cellX(x: number): number {
    return (x - this.gridMinX) / this.cellM;
  }

  private cellY(y: number): number {
    return (y - this.gridMinY) / this.cellM;
  }

  private project(lat: number, lon: number, out: { x: number; y: number }): void {
    out.x = (lon - this.originLon) * this.metresPerDegreeLon;
    out.y = (lat - this.originLat) * EARTH_RADIUS_M * RADIANS;
  }

  /** Calls `visit` with every point of the segment's polyline, from→to. */
  private forEachPoint(segment: number, visit: (latE7: number, lonE7: number) => void): void {
    forEachSegmentPoint(this.roads, segment, visit);
  }
}

/** Calls `visit` with every point of a segment's polyline in from→to order. */
export function forEachSegmentPoint(
  roads: RoadNetwork,
  segment: number,
  visit: (latE7: number, lonE7: number) => void,
): void {
  const from = roads.segmentFrom[segment]!;
  const to = roads.segmentTo[segment]!;
  visit(roads.nodeLatE7[from]!, roads.nodeLonE7[from]!);
  for (let i = roads.segmentShapeStart[segment]!, end = roads.segmentShapeStart[segment + 1]!; i < end; i++) {
    visit(roads.shapeLatE7[i]!, roads.shapeLonE7[i]!);
  }
  visit(roads.nodeLatE7[to]!, roads.nodeLonE7[to]!);
}

/** The projection origin: the middle of the network's bounding box, derived so it needs no storage. */
function projectionOrigin(roads: RoadNetwork): { lat: number; lon: number } {
  if (roads.nodeCount === 0) return { lat: 0, lon: 0 };
  let minLat = Infinity;
  let maxLat = -Infinity;
  let minLon = Infinity;
  let maxLon = -Infinity;
  for (let n = 0; n < roads.nodeCount; n++) {
    const lat = roads.nodeLatE7[n]!;
    const lon = roads.nodeLonE7[n]!;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
    if (lon < minLon) minLon = lon;
    if (lon > maxLon) maxLon = lon;
  }
  return { lat: (minLat + maxLat) / 2e7, lon: (minLon + maxLon) / 2e7 };
}

/** Great-circle distance in metres (haversine). */
export const distanceM = haversineM;
