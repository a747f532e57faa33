import { SEGMENT_BACKWARD, SEGMENT_FORWARD, type CabinMap } from '../map/index.ts';
import { arcWeights, buildRoutingGraph, segmentTravelMs, type RoutingGraph } from './graph.ts';
import { contract } from './contraction.ts';
import type { Seed } from './dijkstra.ts';
import { HierarchyQuery, clearRankCache } from './hierarchy-query.ts';
import { directionKeys, type PreparedRouting } from './prepare.ts';
import { forEachSegmentPoint, type SnappedPoint } from './snap.ts';
import { buildSteps, type RouteStep } from './instructions.ts';
import { ManyToMany } from './many-to-many.ts';

export interface LatLon {
  lat: number;
  lon: number;
}

/** One stretch of one segment driven in one direction: the unit routes are made of. */
export interface DrivenPiece {
  segment: number;
  backward: boolean;
  /** Fractions of the segment (from its `from` node) where the piece starts and ends, in driving order. */
  startFraction: number;
  endFraction: number;
  distanceM: number;
  durationS: number;
}

export interface RouteLeg {
  distanceM: number;
  durationS: number;
  pieces: DrivenPiece[];
  /** [lon, lat] pairs, GeoJSON order. */
  coordinates: [number, number][];
  steps: RouteStep[];
}

export interface Waypoint {
  requested: LatLon;
  snapped: LatLon;
  /** How far the requested point was from the road. */
  distanceM: number;
  /** Name of the road it snapped to ('' when unnamed). */
  name: string;
  segment: number;
  /** Where on the segment, as a fraction of its length from its `from` node. */
  fraction: number;
}

export interface Route {
  distanceM: number;
  durationS: number;
  legs: RouteLeg[];
  /** The whole route as [lon, lat] pairs. */
  coordinates: [number, number][];
  waypoints: Waypoint[];
}

export type RouteResult =
  | { ok: true; route: Route }
  | { ok: false; reason: 'not-on-map' | 'no-route' | 'too-few-points'; message: string };

export interface RouteOptions {
  /** Farthest a point may be from a road to be routed from or to. Default 1000 m. */
  maxSnapDistanceM?: number;
}

/**
 * Fastest car routes on one map. Queries run on the contraction hierarchy;
 * live traffic re-weights it in place (`setTrafficFactors`).
 */
export class Router {
  private query: HierarchyQuery;
  private readonly copyOfArriving = new Map<number, number>();
  private readonly copiesOfNode = new Map<number, number[]>();
  /** Live speed factor per segment (1 = free flow). */
  private readonly speedFactor: Float32Array;
  private graph: RoutingGraph | undefined;
  private manyToMany: ManyToMany | undefined;

  constructor(
    readonly map: CabinMap,
    private prepared: PreparedRouting,
  ) {
    this.query = new HierarchyQuery(prepared.hierarchy);
    this.speedFactor = new Float32Array(map.roads.segmentCount).fill(1);
    const { restrictions } = prepared;
    for (let c = 0; c < restrictions.via.length; c++) {
      const node = restrictions.originalNodeCount + c;
      this.copyOfArriving.set(restrictions.arriving[c]!, node);
      const via = restrictions.via[c]!;
      const list = this.copiesOfNode.get(via);
      if (list) list.push(node);
      else this.copiesOfNode.set(via, [node]);
    }
  }

  /** Snaps a coordinate to the nearest road. */
  snap(point: LatLon, maxDistanceM = 1000): SnappedPoint | undefined {
    return this.prepared.snapper.snap(point.lat, point.lon, maxDistanceM);
  }

  /** The fastest route through `points` in order (start, vias, destination). */
  route(points: readonly LatLon[], options: RouteOptions = {}): RouteResult {
    if (points.length < 2) {
      return { ok: false, reason: 'too-few-points', message: 'a route needs a start and a destination' };
    }
    const maxSnap = options.maxSnapDistanceM ?? 1000;
    const snapped: SnappedPoint[] = [];
    for (const [i, point] of points.entries()) {
      if (!(Math.abs(point.lat) <= 90 && Math.abs(point.lon) <= 180)) {
        return {
          ok: false,
          reason: 'not-on-map',
          message: `point ${i + 1} (${point.lat}, ${point.lon}) is not a valid coordinate (latitude −90–90, longitude −180–180)`,
        };
      }
      const hit = this.snap(point, maxSnap);
      if (!hit) {
        return {
          ok: false,
          reason: 'not-on-map',
          message: `point ${i + 1} (${point.lat}, ${point.lon}) is more than ${maxSnap} m from any road on this map`,
        };
      }
      snapped.push(hit);
    }
    const legs: RouteLeg[] = [];
    for (let i = 0; i + 1 < snapped.length; i++) {
      const pieces = this.legPieces(snapped[i]!, snapped[i + 1]!);
      if (!pieces) {
        return {
          ok: false,
          reason: 'no-route',
          message: `no route by car from point ${i + 1} to point ${i + 2}: no roads connect them in the allowed directions`,
        };
      }
      legs.push(this.assembleLeg(pieces, i === snapped.length - 2));
    }
    const coordinates: [number, number][] = [];
    for (const leg of legs) {
      for (const c of leg.coordinates) {
        const last = coordinates[coordinates.length - 1];
        if (!last || last[0] !== c[0] || last[1] !== c[1]) coordinates.push(c);
      }
    }
    return {
      ok: true,
      route: {
        distanceM: legs.reduce((sum, leg) => sum + leg.distanceM, 0),
        durationS: legs.reduce((sum, leg) => sum + leg.durationS, 0),
        legs,
        coordinates,
        waypoints: snapped.map((hit, i) => ({
          requested: points[i]!,
          snapped: { lat: hit.lat, lon: hit.lon },
          distanceM: hit.distanceM,
          name: this.roadName(hit.segment),
          segment: hit.segment,
          fraction: hit.fraction,
        })),
      },
    };
  }

  /** Travel time in ms of the fastest path between two snapped points, or Infinity. */
  travelMs(from: SnappedPoint, to: SnappedPoint): number {
    const pieces = this.legPieces(from, to);
    return pieces ? pieces.reduce((sum, p) => sum + p.durationS * 1000, 0) : Infinity;
  }

  /**
   * Sets live speed factors per segment (1 = free flow, 0.5 = half the
   * free-flow speed, ≥ 0.05) and re-weights the hierarchy, keeping its node
   * order. Returns the milliseconds the update took; the next query uses it.
   */
  setTrafficFactors(updates: Iterable<readonly [segment: number, factor: number]>): number {
    const started = performance.now();
    // Checked in full before any is applied: a rejected update must not leave factors the hierarchy does not have.
    const checked = [...updates];
    for (const [segment, factor] of checked) {
      if (!(Number.isInteger(segment) && segment >= 0 && segment < this.speedFactor.length)) {
        throw new RangeError(`traffic update for segment ${segment}: the map has segments 0–${this.speedFactor.length - 1}`);
      }
      if (!(factor >= 0.05 && factor <= 2)) {
        throw new RangeError(`traffic update for segment ${segment}: factor ${factor} is outside 0.05–2`);
      }
    }
    for (const [segment, factor] of checked) this.speedFactor[segment] = factor;
    const graph = (this.graph ??= buildRoutingGraph(this.map.roads));
    const old = this.prepared.hierarchy;
    const order = new Uint32Array(old.nodeCount);
    for (let v = 0; v < old.nodeCount; v++) order[old.rank[v]!] = v;
    const hierarchy = contract(
      { nodeCount: graph.nodeCount, firstArc: graph.firstArc, arcHead: graph.arcHead, weights: arcWeights(graph, this.map.roads, this.speedFactor) },
      { order, arcLabel: directionKeys(graph) },
    );
    clearRankCache();
    this.prepared = { ...this.prepared, hierarchy };
    this.query = new HierarchyQuery(hierarchy);
    this.manyToMany = undefined;
    return performance.now() - started;
  }

  /** The live speed factor of a segment. */
  trafficFactor(segment: number): number {
    return this.speedFactor[segment] ?? 1;
  }

  /** Travel time in ms to drive all of `segment` in one direction at current speeds. */
  segmentMs(segment: number): number {
    const roads = this.map.roads;
    return segmentTravelMs(roads.segmentLengthM[segment]!, roads.segmentSpeedKmh[segment]!, this.speedFactor[segment]!);
  }

  /** Routing node reached by driving `segment` in one direction: a restriction copy or its end node. */
  private headOf(segment: number, backward: boolean): number {
    const key = segment * 2 + (backward ? 1 : 0);
    const copy = this.copyOfArriving.get(key);
    if (copy !== undefined) return copy;
    return backward ? this.map.roads.segmentFrom[segment]! : this.map.roads.segmentTo[segment]!;
  }

  /** Routing nodes from which `segment` may be driven in one direction: its start node and those of its copies that allow it. */
  private tailsOf(segment: number, backward: boolean): number[] {
    const node = backward ? this.map.roads.segmentTo[segment]! : this.map.roads.segmentFrom[segment]!;
    const tails = [node];
    const copies = this.copiesOfNode.get(node);
    if (copies) {
      const key = segment * 2 + (backward ? 1 : 0);
      const { restrictions } = this.prepared;
      for (const copy of copies) {
        const c = copy - restrictions.originalNodeCount;
        for (let i = restrictions.allowedStart[c]!; i < restrictions.allowedStart[c + 1]!; i++) {
          if (restrictions.allowed[i] === key) {
            tails.push(copy);
            break;
          }
        }
      }
    }
    return tails;
  }

  /** Search seeds for leaving a snapped point: the nodes ahead of it in each allowed direction. */
  private sourceSeeds(from: SnappedPoint): Seed[] {
    const flags = this.map.roads.segmentFlags[from.segment]!;
    const ms = this.segmentMs(from.segment);
    const seeds: Seed[] = [];
    if (flags & SEGMENT_FORWARD) seeds.push({ node: this.headOf(from.segment, false), cost: (1 - from.fraction) * ms });
    if (flags & SEGMENT_BACKWARD) seeds.push({ node: this.headOf(from.segment, true), cost: from.fraction * ms });
    return seeds;
  }

  /** Search seeds for arriving at a snapped point: the nodes behind it in each allowed direction. */
  private targetSeeds(to: SnappedPoint): Seed[] {
    const flags = this.map.roads.segmentFlags[to.segment]!;
    const ms = this.segmentMs(to.segment);
    const seeds: Seed[] = [];
    if (flags & SEGMENT_FORWARD) {
      for (const node of this.tailsOf(to.segment, false)) seeds.push({ node, cost: to.fraction * ms });
    }
    if (flags & SEGMENT_BACKWARD) {
      for (const node of this.tailsOf(to.segment, true)) seeds.push({ node, cost: (1 - to.fraction) * ms });
    }
    return seeds;
  }

  /** Cost in ms of driving along one segment from one point to another, or Infinity if that is not allowed. */
  private directMs(from: SnappedPoint, to: SnappedPoint): number {
    if (from.segment !== to.segment) return Infinity;
    const flags = this.map.roads.segmentFlags[from.segment]!;
    const ms = this.segmentMs(from.segment);
    if (flags & SEGMENT_FORWARD && to.fraction >= from.fraction) return (to.fraction - from.fraction) * ms;
    if (flags & SEGMENT_BACKWARD && to.fraction <= from.fraction) return (from.fraction - to.fraction) * ms;
    return Infinity;
  }

  /**
   * Travel times in ms from every point of `from` to every point of `to`
   * (row-major, Infinity where unreachable), by one many-to-many search.
   */
  travelTable(from: readonly SnappedPoint[], to: readonly SnappedPoint[]): Float64Array {
    const table = (this.manyToMany ??= new ManyToMany(this.prepared.hierarchy)).table(
      from.map((p) => this.sourceSeeds(p)),
      to.map((p) => this.targetSeeds(p)),
    );
    for (let i = 0; i < from.length; i++) {
      for (let j = 0; j < to.length; j++) {
        const direct = this.directMs(from[i]!, to[j]!);
        if (direct < table[i * to.length + j]!) table[i * to.length + j] = direct;
      }
    }
    return table;
  }

  /**
   * Detours in ms for stopping at each of `stops` on the way from `from` to
   * `to`: (from → stop → to) minus (from → to), computed on the road network
   * for every stop with two many-to-many searches. Infinity where a stop
   * cannot be reached or left.
   */
  detours(from: SnappedPoint, to: SnappedPoint, stops: readonly SnappedPoint[]): { directMs: number; detourMs: Float64Array } {
    const toStops = this.travelTable([from], [...stops, to]);
    const fromStops = this.travelTable(stops, [to]);
    const directMs = toStops[stops.length]!;
    const detourMs = new Float64Array(stops.length);
    for (let i = 0; i < stops.length; i++) detourMs[i] = toStops[i]! + fromStops[i]! - directMs;
    return { directMs, detourMs };
  }

  /** The pieces of the fastest path between two snapped points, or undefined if none. */
  private legPieces(from: SnappedPoint, to: SnappedPoint): DrivenPiece[] | undefined {
    const roads = this.map.roads;
    const sourceFlags = roads.segmentFlags[from.segment]!;
    const targetFlags = roads.segmentFlags[to.segment]!;

    // Driving straight along one segment, when the destination lies ahead.
    const directCost = this.directMs(from, to);
    const directBackward = to.fraction < from.fraction;
    const sources = this.sourceSeeds(from);
    const targets = this.targetSeeds(to);
    const cost = sources.length > 0 && targets.length > 0 ? this.query.run(sources, targets) : Infinity;

    if (directCost <= cost) {
      if (directCost === Infinity) return undefined;
      return [this.piece(from.segment, directBackward, from.fraction, to.fraction)];
    }
    const path = this.query.path();
    if (!path) return undefined;
    // Which way the route leaves the start segment and enters the last one.
    const both = SEGMENT_FORWARD | SEGMENT_BACKWARD;
    let startBackward = path.startNode !== this.headOf(from.segment, false) || !(sourceFlags & SEGMENT_FORWARD);
    if ((sourceFlags & both) === both && this.headOf(from.segment, false) === this.headOf(from.segment, true)) {
      // A loop (both ends at one node): the search kept the cheaper of the two seeds for that node.
      startBackward = from.fraction < 1 - from.fraction;
    }
    let endBackward = !(targetFlags & SEGMENT_FORWARD) || roads.segmentFrom[to.segment] !== this.originOf(path.endNode);
    if ((targetFlags & both) === both && roads.segmentFrom[to.segment] === roads.segmentTo[to.segment]) {
      endBackward = 1 - to.fraction < to.fraction;
    }
    const pieces: DrivenPiece[] = [this.piece(from.segment, startBackward, from.fraction, startBackward ? 0 : 1)];
    for (const key of path.arcs) {
      pieces.push(this.piece(key >>> 1, (key & 1) === 1, key & 1 ? 1 : 0, key & 1 ? 0 : 1));
    }
    pieces.push(this.piece(to.segment, endBackward, endBackward ? 1 : 0, to.fraction));
    return pieces.filter((p) => p.startFraction !== p.endFraction);
  }

  private originOf(node: number): number {
    const { restrictions } = this.prepared;
    return node < restrictions.originalNodeCount ? node : restrictions.via[node - restrictions.originalNodeCount]!;
  }

  private piece(segment: number, backward: boolean, startFraction: number, endFraction: number): DrivenPiece {
    const share = Math.abs(endFraction - startFraction);
    return {
      segment,
      backward,
      startFraction,
      endFraction,
      distanceM: share * this.map.roads.segmentLengthM[segment]!,
      durationS: (share * this.segmentMs(segment)) / 1000,
    };
  }

  private assembleLeg(pieces: DrivenPiece[], last: boolean): RouteLeg {
    const coordinates: [number, number][] = [];
    const pieceStart: number[] = [];
    for (const piece of pieces) {
      const points = piecePolyline(this.map, piece);
      pieceStart.push(Math.max(0, coordinates.length - 1));
      for (const p of points) {
        const prev = coordinates[coordinates.length - 1];
        if (!prev || prev[0] !== p[0] || prev[1] !== p[1]) coordinates.push(p);
      }
    }
    return {
      distanceM: pieces.reduce((sum, p) => sum + p.distanceM, 0),
      durationS: pieces.reduce((sum, p) => sum + p.durationS, 0),
      pieces,
      coordinates,
      steps: buildSteps(this.map, pieces, coordinates, last),
    };
  }

  private roadName(segment: number): string {
    const road = this.map.roads.segmentRoad[segment]!;
    return this.map.strings[this.map.roads.roadName[road]!] ?? '';
  }
}

/** The [lon, lat] polyline of a driven piece, cut at its fractions, in driving order. */
export function piecePolyline(map: CabinMap, piece: DrivenPiece): [number, number][] {
  const points: [number, number][] = [];
  forEachSegmentPoint(map.roads, piece.segment, (latE7, lonE7) => points.push([lonE7 / 1e7, latE7 / 1e7]));
  const lo = Math.min(piece.startFraction, piece.endFraction);
  const hi = Math.max(piece.startFraction, piece.endFraction);
  const cut = cutPolyline(points, lo, hi);
  return piece.backward ? cut.reverse() : cut;
}

/** The part of a polyline between two fractions of its length (planar approximation, fine at segment scale). */
function cutPolyline(points: [number, number][], lo: number, hi: number): [number, number][] {
  if (lo <= 0 && hi >= 1) return points;
  const cosLat = Math.cos(((points[0]?.[1] ?? 0) * Math.PI) / 180);
  const lengths: number[] = [0];
  for (let i = 1; i < points.length; i++) {
    const [x0, y0] = points[i - 1]!;
    const [x1, y1] = points[i]!;
    lengths.push(lengths[i - 1]! + Math.hypot((x1 - x0) * cosLat, y1 - y0));
  }
  const total = lengths[lengths.length - 1]!;
  const at = (fraction: number): [number, number] => {
    const target = fraction * total;
    for (let i = 1; i < points.length; i++) {
      if (lengths[i]! >= target) {
        const span = lengths[i]! - lengths[i - 1]!;
        const t = span > 0 ? (target - lengths[i - 1]!) / span : 0;
        const [x0, y0] = points[i - 1]!;
        const [x1, y1] = points[i]!;
        return [x0 + t * (x1 - x0), y0 + t * (y1 - y0)];
      }
    }
    return points[points.length - 1]!;
  };
  const result: [number, number][] = [at(lo)];
  for (let i = 1; i < points.length - 1; i++) {
    const f = total > 0 ? lengths[i]! / total : 0;
    if (f > lo && f < hi) result.push(points[i]!);
  }
  result.push(at(hi));
  return result;
}
