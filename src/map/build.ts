/**
 * Turns a stream of OSM elements into a CabinMap: the car road network as
 * typed arrays, turn restrictions resolved to segments, traffic signals placed
 * on it, and parking and food places.
 *
 * Sized for generated networks of millions of nodes: node coordinates live in
 * growable typed arrays indexed through a sorted id column (PBF ids arrive
 * ascending), no object is kept per node, and node tags are read once and
 * dropped unless the node is a signal or a place.
 */
import { carRoad, type CarRoad } from './osm/car-roads.ts';
import { isPlaceTags, placeFromTags } from './osm/places.ts';
import {
  RESTRICTION_NO,
  RESTRICTION_ONLY,
  SEGMENT_BACKWARD,
  SEGMENT_FORWARD,
  type CabinMap,
  type FoodPlace,
  type ImportStats,
  type MapInfo,
  type OsmMember,
  type OsmNode,
  type OsmRelation,
  type OsmSink,
  type OsmWay,
  type ParkingPlace,
  type Place,
  type RoadNetwork,
  type Tags,
  type TrafficSignal,
} from './types.ts';

/** Reads everything `feed` sends to the sink and returns the map it describes. */
export function buildMap(info: Omit<MapInfo, 'bbox'>, feed: (sink: OsmSink) => void): CabinMap {
  const builder = new MapBuilder(info);
  feed(builder);
  return builder.finish();
}

/**
 * An OsmSink that collects nodes, ways and relations (in that order, as in a
 * sorted `.osm.pbf`) and builds the CabinMap in `finish()`.
 *
 * Graph nodes are OSM nodes shared by routable ways (or visited twice by one)
 * and the ends of each routable way; a way is split into segments there.
 * Relations may refer to anything seen before `finish()`.
 */
export class MapBuilder implements OsmSink {
  private readonly info: Omit<MapInfo, 'bbox'>;
  private finished = false;
  private readonly areaRelations: OsmRelation[] = [];

  // Every OSM node, in arrival order.
  private readonly nodeIds = new IdIndex();
  private readonly nodeLat = new GrowableArray(Int32Array);
  private readonly nodeLon = new GrowableArray(Int32Array);
  /** Per node: NODE_USE_MASK counts uses by routable ways (saturating), NODE_SIGNAL marks signals. Set once ways start. */
  private nodeMarks: Uint8Array | undefined;

  // Routable ways, waiting to be split into segments in finish().
  private readonly wayOsmId = new GrowableArray(Float64Array);
  private readonly wayRefStart = new GrowableArray(Uint32Array);
  /** Node indices of all routable ways back to back; -1 where a ref is missing from the extract. */
  private readonly wayRefs = new GrowableArray(Int32Array);
  private readonly wayClass = new GrowableArray(Uint8Array);
  private readonly wayFlags = new GrowableArray(Uint8Array);
  private readonly waySpeed = new GrowableArray(Uint8Array);
  private readonly wayName = new GrowableArray(Uint32Array);
  private readonly wayNameZh = new GrowableArray(Uint32Array);
  private readonly wayNameEn = new GrowableArray(Uint32Array);
  private readonly wayRef = new GrowableArray(Uint32Array);

  /** Centroids of the other ways, for multipolygon relations that use them as outlines. */
  private readonly areaWayIds = new IdIndex();
  private readonly areaWayLat = new GrowableArray(Float64Array);
  private readonly areaWayLon = new GrowableArray(Float64Array);
  /** Polygon area in square degrees for closed ways, 0 for open ones, NaN when no node was found. */
  private readonly areaWayWeight = new GrowableArray(Float64Array);

  private readonly strings: string[] = [''];
  private readonly stringIds = new Map<string, number>([['', 0]]);

  private readonly parking: ParkingPlace[] = [];
  private readonly food: FoodPlace[] = [];
  private readonly signalNodes: PendingSignal[] = [];
  /** Node index → index into signalNodes. */
  private readonly signalByNode = new Map<number, number>();
  private readonly restrictions: PendingRestriction[] = [];
  private readonly restrictionsSkipped: Record<string, number> = {};

  private osmNodes = 0;
  private osmWays = 0;
  private osmRelations = 0;

  constructor(info: Omit<MapInfo, 'bbox'>) {
    this.info = info;
  }

  node(node: OsmNode): void {
    if (this.nodeMarks) {
      throw new Error(`OSM node ${node.id} arrived after ways; a sink needs nodes, then ways, then relations`);
    }
    this.osmNodes++;
    const index = this.nodeIds.add(node.id);
    const latE7 = Math.round(node.lat * 1e7);
    const lonE7 = Math.round(node.lon * 1e7);
    this.nodeLat.push(latE7);
    this.nodeLon.push(lonE7);
    const tags = node.tags;
    if (!tags) return;
    if (tags.highway === 'traffic_signals') {
      this.signalByNode.set(index, this.signalNodes.length);
      const direction = tags['traffic_signals:direction'];
      this.signalNodes.push({
        osmId: node.id,
        node: index,
        direction: direction === 'forward' || direction === 'backward' ? direction : undefined,
        roads: new Set(),
      });
    }
    if (isPlaceTags(tags)) this.addPlace(placeFromTags(`n${node.id}`, latE7 / 1e7, lonE7 / 1e7, tags));
  }

  way(way: OsmWay): void {
    const marks = this.sealNodes();
    this.osmWays++;
    const road = carRoad(way.tags);
    if (road) this.addRoadWay(way, road, marks);
    else {
      const centroid = this.centroid(way.refs);
      this.areaWayIds.add(way.id);
      this.areaWayLat.push(centroid ? centroid.lat : NaN);
      this.areaWayLon.push(centroid ? centroid.lon : NaN);
      this.areaWayWeight.push(centroid ? centroid.weight : NaN);
    }
    if (isPlaceTags(way.tags)) {
      const centroid = this.centroid(way.refs);
      if (centroid) this.addPlace(placeFromTags(`w${way.id}`, centroid.lat, centroid.lon, way.tags));
    }
  }

  relation(relation: OsmRelation): void {
    this.sealNodes();
    this.osmRelations++;
    const type = relation.tags.type;
    if (type === 'restriction') this.addRestriction(relation);
    // Resolved in finish(): osmconvert extracts put relations before ways.
    else if (type === 'multipolygon' && isPlaceTags(relation.tags)) this.areaRelations.push(relation);
  }

  /** Builds the map from everything received. Call once, after the last element. */
  finish(): CabinMap {
    if (this.finished) throw new Error('MapBuilder.finish() was called twice');
    this.finished = true;
    const marks = this.sealNodes();
    for (const relation of this.areaRelations) this.addAreaRelation(relation);
    const restrictedWays = new Map<number, number>();
    for (const restriction of this.restrictions) {
      for (const id of restriction.fromWays) restrictedWays.set(id, NO_ROAD);
      for (const id of restriction.toWays) restrictedWays.set(id, NO_ROAD);
    }
    const network = this.splitWays(marks, restrictedWays);
    this.resolveRestrictions(network, restrictedWays);
    const roads = network.toRoadNetwork();
    const signals = this.placeSignals(network);

    const stats: ImportStats = {
      osmNodes: this.osmNodes,
      osmWays: this.osmWays,
      osmRelations: this.osmRelations,
      roadWays: roads.roadCount,
      restrictionsApplied: network.restrictionsApplied,
      restrictionsSkipped: this.restrictionsSkipped,
      parking: this.parking.length,
      food: this.food.length,
      signals: signals.length,
    };
    return {
      info: { ...this.info, bbox: boundingBox(roads) },
      roads,
      strings: this.strings,
      parking: this.parking,
      food: this.food,
      signals,
      stats,
    };
  }

  /** Ends the node phase: from here on node indices are final. */
  private sealNodes(): Uint8Array {
    if (!this.nodeMarks) {
      this.nodeMarks = new Uint8Array(this.nodeLat.length);
      for (const signal of this.signalNodes) this.nodeMarks[signal.node]! |= NODE_SIGNAL;
    }
    return this.nodeMarks;
  }

  private addPlace(place: Place | undefined): void {
    if (!place) return;
    if (place.kind === 'parking') this.parking.push(place);
    else this.food.push(place);
  }

  private addRoadWay(way: OsmWay, road: CarRoad, marks: Uint8Array): void {
    this.wayOsmId.push(way.id);
    this.wayRefStart.push(this.wayRefs.length);
    let hint = -1;
    for (const ref of way.refs) {
      const index = this.nodeIds.find(ref, hint);
      this.wayRefs.push(index);
      if (index < 0) continue;
      hint = index;
      if ((marks[index]! & NODE_USE_MASK) < 2) marks[index]!++;
    }
    const tags = way.tags;
    this.wayClass.push(road.roadClass);
    this.wayFlags.push(road.flags);
    this.waySpeed.push(road.speedKmh);
    this.wayName.push(this.stringId(tags.name));
    this.wayNameZh.push(this.stringId(tags['name:zh']));
    this.wayNameEn.push(this.stringId(tags['name:en']));
    this.wayRef.push(this.stringId(tags.ref));
  }

  private stringId(value: string | undefined): number {
    if (value === undefined) return 0;
    let id = this.stringIds.get(value);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(value);
      this.stringIds.set(value, id);
    }
    return id;
  }

  /**
   * Centroid of the nodes of a way that are in the extract: the area centroid
   * when the way is a closed ring, else the mean of its nodes.
   */
  private centroid(refs: readonly number[]): Centroid | undefined {
    const closed = refs.length >= 4 && refs[0] === refs[refs.length - 1];
    const vertexCount = closed ? refs.length - 1 : refs.length;
    const lat = this.nodeLat.array;
    const lon = this.nodeLon.array;
    let hint = -1;
    let count = 0;
    let x0 = 0;
    let y0 = 0;
    let sumX = 0;
    let sumY = 0;
    let firstX = 0;
    let firstY = 0;
    let prevX = 0;
    let prevY = 0;
    let twiceArea = 0;
    let areaX = 0;
    let areaY = 0;
    for (let i = 0; i < vertexCount; i++) {
      const index = this.nodeIds.find(refs[i]!, hint);
      if (index < 0) continue;
      hint = index;
      // Degrees relative to the first node keep the shoelace sums precise.
      if (count === 0) {
        x0 = lon[index]! / 1e7;
        y0 = lat[index]! / 1e7;
      }
      const x = lon[index]! / 1e7 - x0;
      const y = lat[index]! / 1e7 - y0;
      if (count === 0) {
        firstX = x;
        firstY = y;
      } else {
        const cross = prevX * y - x * prevY;
        twiceArea += cross;
        areaX += (prevX + x) * cross;
        areaY += (prevY + y) * cross;
      }
      sumX += x;
      sumY += y;
      prevX = x;
      prevY = y;
      count++;
    }
    if (count === 0) return undefined;
    if (closed) {
      const cross = prevX * firstY - firstX * prevY;
      twiceArea += cross;
      areaX += (prevX + firstX) * cross;
      areaY += (prevY + firstY) * cross;
      // Shoelace centroid; a ring with (almost) no area falls back to the node mean.
      if (Math.abs(twiceArea) > 1e-14) {
        return { lat: y0 + areaY / (3 * twiceArea), lon: x0 + areaX / (3 * twiceArea), weight: Math.abs(twiceArea) / 2 };
      }
    }
    return { lat: y0 + sumY / count, lon: x0 + sumX / count, weight: 0 };
  }

  /** A multipolygon parking or food area: placed at the area-weighted centroid of its outer ways. */
  private addAreaRelation(relation: OsmRelation): void {
    let weightSum = 0;
    let weightedLat = 0;
    let weightedLon = 0;
    let count = 0;
    let sumLat = 0;
    let sumLon = 0;
    for (const member of relation.members) {
      if (member.type !== 'way' || (member.role !== 'outer' && member.role !== '')) continue;
      const index = this.areaWayIds.find(member.ref, -1);
      if (index < 0) continue;
      const lat = this.areaWayLat.array[index]!;
      const lon = this.areaWayLon.array[index]!;
      const weight = this.areaWayWeight.array[index]!;
      if (Number.isNaN(lat)) continue;
      count++;
      sumLat += lat;
      sumLon += lon;
      if (weight > 0) {
        weightSum += weight;
        weightedLat += weight * lat;
        weightedLon += weight * lon;
      }
    }
    if (count === 0) return;
    const lat = weightSum > 0 ? weightedLat / weightSum : sumLat / count;
    const lon = weightSum > 0 ? weightedLon / weightSum : sumLon / count;
    this.addPlace(placeFromTags(`r${relation.id}`, lat, lon, relation.tags));
  }

  /** Checks a restriction's tags and members now; resolves it to segments in finish(). */
  private addRestriction(relation: OsmRelation): void {
    const tags = relation.tags;
    const value = tags['restriction:motorcar'] ?? tags['restriction:motor_vehicle'] ?? tags.restriction;
    if (value === undefined) {
      this.skipRestriction(hasOtherRestriction(tags) ? 'not for cars' : 'conditional only');
      return;
    }
    let kind: number;
    if (value.startsWith('no_')) kind = RESTRICTION_NO;
    else if (value.startsWith('only_')) kind = RESTRICTION_ONLY;
    else {
      this.skipRestriction('unknown restriction value');
      return;
    }
    if (tags.except !== undefined && tags.except.split(';').some((mode) => CAR_MODES.has(mode.trim()))) {
      this.skipRestriction('except cars');
      return;
    }
    const fromWays: number[] = [];
    const toWays: number[] = [];
    const vias: OsmMember[] = [];
    for (const member of relation.members) {
      if (member.role === 'via') vias.push(member);
      else if (member.role === 'from' || member.role === 'to') {
        if (member.type !== 'way') {
          this.skipRestriction(`${member.role} member is not a way`);
          return;
        }
        (member.role === 'from' ? fromWays : toWays).push(member.ref);
      }
    }
    if (vias.some((via) => via.type === 'way')) {
      this.skipRestriction('via-way');
      return;
    }
    const via = vias[0];
    if (vias.length > 1 || (via && via.type !== 'node')) {
      this.skipRestriction('via is not one node');
      return;
    }
    if (!via || fromWays.length === 0 || toWays.length === 0) {
      this.skipRestriction('missing from/via/to member');
      return;
    }
    this.restrictions.push({ kind, fromWays, viaNode: via.ref, toWays });
  }

  private skipRestriction(reason: string): void {
    this.restrictionsSkipped[reason] = (this.restrictionsSkipped[reason] ?? 0) + 1;
  }

  /** Splits every routable way at graph nodes into segments. */
  private splitWays(marks: Uint8Array, restrictedWays: Map<number, number>): NetworkBuilder {
    const network = new NetworkBuilder(this.nodeLat.array, this.nodeLon.array, this.nodeIds);
    const refs = this.wayRefs.array;
    const refStart = this.wayRefStart.array;
    const lat = this.nodeLat.array;
    const lon = this.nodeLon.array;
    const wayCount = this.wayOsmId.length;
    const pendingShapeSignals: { signal: number; distanceM: number }[] = [];

    for (let w = 0; w < wayCount; w++) {
      const start = refStart[w]!;
      const end = w + 1 < wayCount ? refStart[w + 1]! : this.wayRefs.length;
      let road = -1;
      let from = -1;
      let prev = -1;
      let lengthM = 0;
      let shapeMark = network.shapeLat.length;
      pendingShapeSignals.length = 0;
      for (let i = start; i < end; i++) {
        const node = refs[i]!;
        if (node < 0) {
          // A gap in the extract ends the stretch; it never becomes a segment.
          network.rollbackShape(shapeMark);
          pendingShapeSignals.length = 0;
          from = -1;
          continue;
        }
        if (from < 0) {
          from = node;
          prev = node;
          lengthM = 0;
          shapeMark = network.shapeLat.length;
          continue;
        }
        lengthM += haversineM(lat[prev]!, lon[prev]!, lat[node]!, lon[node]!);
        prev = node;
        const isEnd = i + 1 === end || refs[i + 1]! < 0 || (marks[node]! & NODE_USE_MASK) >= 2;
        if (!isEnd) {
          network.pushShape(lat[node]!, lon[node]!);
          if (marks[node]! & NODE_SIGNAL) {
            pendingShapeSignals.push({ signal: this.signalByNode.get(node)!, distanceM: lengthM });
          }
          continue;
        }
        if (from === node && lengthM === 0) {
          network.rollbackShape(shapeMark); // a way visiting the same node twice in a row
        } else {
          if (road < 0) road = this.addRoad(network, w);
          const segment = network.addSegment(from, node, this.wayFlags.array[w]!, lengthM, this.waySpeed.array[w]!, road, shapeMark);
          for (const { signal, distanceM } of pendingShapeSignals) {
            const pending = this.signalNodes[signal]!;
            pending.segment = segment;
            pending.fraction = lengthM > 0 ? distanceM / lengthM : 0;
            pending.roads.add(road);
          }
          if (marks[from]! & NODE_SIGNAL) this.signalNodes[this.signalByNode.get(from)!]!.roads.add(road);
          if (marks[node]! & NODE_SIGNAL) this.signalNodes[this.signalByNode.get(node)!]!.roads.add(road);
        }
        pendingShapeSignals.length = 0;
        from = node;
        lengthM = 0;
        shapeMark = network.shapeLat.length;
      }
      network.rollbackShape(shapeMark);
      const osmId = this.wayOsmId.array[w]!;
      if (road >= 0 && restrictedWays.has(osmId)) restrictedWays.set(osmId, road);
    }
    return network;
  }

  private addRoad(network: NetworkBuilder, w: number): number {
    return network.addRoad(
      this.wayClass.array[w]!,
      this.wayName.array[w]!,
      this.wayNameZh.array[w]!,
      this.wayNameEn.array[w]!,
      this.wayRef.array[w]!,
      this.wayOsmId.array[w]!,
    );
  }

  private resolveRestrictions(network: NetworkBuilder, roadOfWay: Map<number, number>): void {
    for (const restriction of this.restrictions) {
      const viaIndex = this.nodeIds.find(restriction.viaNode, -1);
      if (viaIndex < 0) {
        this.skipRestriction('via node not in extract');
        continue;
      }
      const via = network.graphIndex(viaIndex);
      const pairs: [number, number][] = [];
      let failure: string | undefined;
      for (const fromWay of restriction.fromWays) {
        const from = this.restrictionSegment(network, roadOfWay, fromWay, via, 'from');
        if (typeof from === 'string') {
          failure = from;
          break;
        }
        for (const toWay of restriction.toWays) {
          const to = this.restrictionSegment(network, roadOfWay, toWay, via, 'to');
          if (typeof to === 'string') {
            failure = to;
            break;
          }
          pairs.push([from, to]);
        }
        if (failure) break;
      }
      if (failure) {
        this.skipRestriction(failure);
        continue;
      }
      for (const [from, to] of pairs) network.addRestriction(from, via, to, restriction.kind);
      network.restrictionsApplied++;
    }
  }

  /**
   * The one segment of `wayId` touching graph node `via`, or why there is none.
   * Where the way passes through `via`, the only segment cars can drive into
   * (role from) or out of (role to) `via` is taken, if exactly one is.
   */
  private restrictionSegment(
    network: NetworkBuilder,
    roadOfWay: Map<number, number>,
    wayId: number,
    via: number,
    role: 'from' | 'to',
  ): number | string {
    const road = roadOfWay.get(wayId) ?? NO_ROAD;
    if (road === NO_ROAD) {
      // A routable way with no segment has none of its nodes in the extract.
      return this.areaWayIds.find(wayId, -1) >= 0 ? `${role}-way not a car road` : `${role}-way not in extract`;
    }
    if (via < 0) return `via node not on ${role}-way`;
    const touching: number[] = [];
    for (let s = network.roadFirstSegment.array[road]!; s < network.segmentCount && network.segmentRoad.array[s] === road; s++) {
      if (network.segmentFrom.array[s] === via || network.segmentTo.array[s] === via) touching.push(s);
    }
    if (touching.length === 0) return `via node not on ${role}-way`;
    if (touching.length === 1) return touching[0]!;
    const drivable = touching.filter((s) => network.canDrive(s, via, role === 'from' ? 'into' : 'out of'));
    if (drivable.length === 1) return drivable[0]!;
    return `${role}-way passes through via node`;
  }

  private placeSignals(network: NetworkBuilder): TrafficSignal[] {
    const lat = this.nodeLat.array;
    const lon = this.nodeLon.array;
    return this.signalNodes.map((pending) => {
      const signal: TrafficSignal = {
        osmId: pending.osmId,
        lat: lat[pending.node]! / 1e7,
        lon: lon[pending.node]! / 1e7,
        roads: [...pending.roads].sort((a, b) => a - b),
      };
      const graphNode = network.graphIndex(pending.node);
      if (graphNode >= 0) signal.node = graphNode;
      else if (pending.segment !== undefined && pending.fraction !== undefined) {
        signal.segment = pending.segment;
        signal.fraction = pending.fraction;
      }
      if (pending.direction) signal.direction = pending.direction;
      return signal;
    });
  }
}

const NODE_USE_MASK = 3;
const NODE_SIGNAL = 4;
/** A way named by a restriction that became no road. */
const NO_ROAD = -1;
const CAR_MODES = new Set(['motorcar', 'motor_vehicle']);

interface Centroid {
  lat: number;
  lon: number;
  /** Area in square degrees for a closed way, else 0. */
  weight: number;
}

interface PendingSignal {
  osmId: number;
  /** Index into the builder's node columns. */
  node: number;
  direction: 'forward' | 'backward' | undefined;
  roads: Set<number>;
  segment?: number;
  fraction?: number;
}

interface PendingRestriction {
  kind: number;
  fromWays: number[];
  viaNode: number;
  toWays: number[];
}

/** Whether tags restrict only other vehicles (`restriction:hgv=*`) rather than being conditional only. */
function hasOtherRestriction(tags: Tags): boolean {
  for (const key in tags) {
    if (key.startsWith('restriction:') && !key.endsWith(':conditional')) return true;
  }
  return false;
}

/** The road network as it grows, in the shape of RoadNetwork. */
class NetworkBuilder {
  private readonly osmLat: Int32Array;
  private readonly osmLon: Int32Array;
  private readonly osmIds: IdIndex;
  /** OSM node index → graph node, -1 when not (yet) one. */
  private readonly graphOf: Int32Array;

  readonly nodeLat = new GrowableArray(Int32Array);
  readonly nodeLon = new GrowableArray(Int32Array);
  readonly nodeOsmId = new GrowableArray(Float64Array);

  readonly segmentFrom = new GrowableArray(Uint32Array);
  readonly segmentTo = new GrowableArray(Uint32Array);
  readonly segmentFlags = new GrowableArray(Uint8Array);
  readonly segmentLengthM = new GrowableArray(Float32Array);
  readonly segmentSpeedKmh = new GrowableArray(Uint8Array);
  readonly segmentRoad = new GrowableArray(Uint32Array);
  readonly segmentShapeStart = new GrowableArray(Uint32Array);
  readonly shapeLat = new GrowableArray(Int32Array);
  readonly shapeLon = new GrowableArray(Int32Array);

  readonly roadClass = new GrowableArray(Uint8Array);
  readonly roadName = new GrowableArray(Uint32Array);
  readonly roadNameZh = new GrowableArray(Uint32Array);
  readonly roadNameEn = new GrowableArray(Uint32Array);
  readonly roadRef = new GrowableArray(Uint32Array);
  readonly roadOsmId = new GrowableArray(Float64Array);
  readonly roadFirstSegment = new GrowableArray(Uint32Array);

  readonly restrictionFrom = new GrowableArray(Uint32Array);
  readonly restrictionVia = new GrowableArray(Uint32Array);
  readonly restrictionTo = new GrowableArray(Uint32Array);
  readonly restrictionKind = new GrowableArray(Uint8Array);
  restrictionsApplied = 0;

  constructor(osmLat: Int32Array, osmLon: Int32Array, osmIds: IdIndex) {
    this.osmLat = osmLat;
    this.osmLon = osmLon;
    this.osmIds = osmIds;
    this.graphOf = new Int32Array(osmIds.length).fill(-1);
  }

  get segmentCount(): number {
    return this.segmentFrom.length;
  }

  /** The graph node of OSM node index `osmNode`, or -1. */
  graphIndex(osmNode: number): number {
    return this.graphOf[osmNode]!;
  }

  private graphNode(osmNode: number): number {
    let node = this.graphOf[osmNode]!;
    if (node < 0) {
      node = this.nodeLat.length;
      this.graphOf[osmNode] = node;
      this.nodeLat.push(this.osmLat[osmNode]!);
      this.nodeLon.push(this.osmLon[osmNode]!);
      this.nodeOsmId.push(this.osmIds.idAt(osmNode));
    }
    return node;
  }

  pushShape(latE7: number, lonE7: number): void {
    this.shapeLat.push(latE7);
    this.shapeLon.push(lonE7);
  }

  rollbackShape(length: number): void {
    this.shapeLat.length = length;
    this.shapeLon.length = length;
  }

  addRoad(roadClass: number, name: number, nameZh: number, nameEn: number, ref: number, osmId: number): number {
    const road = this.roadClass.length;
    this.roadClass.push(roadClass);
    this.roadName.push(name);
    this.roadNameZh.push(nameZh);
    this.roadNameEn.push(nameEn);
    this.roadRef.push(ref);
    this.roadOsmId.push(osmId);
    this.roadFirstSegment.push(this.segmentCount);
    return road;
  }

  /** Adds a segment between two OSM node indices whose shape points start at `shapeStart`. */
  addSegment(fromOsm: number, toOsm: number, flags: number, lengthM: number, speedKmh: number, road: number, shapeStart: number): number {
    const segment = this.segmentCount;
    this.segmentFrom.push(this.graphNode(fromOsm));
    this.segmentTo.push(this.graphNode(toOsm));
    this.segmentFlags.push(flags);
    this.segmentLengthM.push(lengthM);
    this.segmentSpeedKmh.push(speedKmh);
    this.segmentRoad.push(road);
    this.segmentShapeStart.push(shapeStart);
    return segment;
  }

  addRestriction(from: number, via: number, to: number, kind: number): void {
    this.restrictionFrom.push(from);
    this.restrictionVia.push(via);
    this.restrictionTo.push(to);
    this.restrictionKind.push(kind);
  }

  /** Whether cars may drive `segment` into (or out of) graph node `via`. */
  canDrive(segment: number, via: number, way: 'into' | 'out of'): boolean {
    const flags = this.segmentFlags.array[segment]!;
    const forwardEnd = way === 'into' ? this.segmentTo.array[segment] : this.segmentFrom.array[segment];
    const backwardEnd = way === 'into' ? this.segmentFrom.array[segment] : this.segmentTo.array[segment];
    return (forwardEnd === via && (flags & SEGMENT_FORWARD) !== 0) || (backwardEnd === via && (flags & SEGMENT_BACKWARD) !== 0);
  }

  toRoadNetwork(): RoadNetwork {
    this.segmentShapeStart.push(this.shapeLat.length);
    return {
      nodeCount: this.nodeLat.length,
      nodeLatE7: this.nodeLat.trimmed(),
      nodeLonE7: this.nodeLon.trimmed(),
      nodeOsmId: this.nodeOsmId.trimmed(),
      segmentCount: this.segmentCount,
      segmentFrom: this.segmentFrom.trimmed(),
      segmentTo: this.segmentTo.trimmed(),
      segmentFlags: this.segmentFlags.trimmed(),
      segmentLengthM: this.segmentLengthM.trimmed(),
      segmentSpeedKmh: this.segmentSpeedKmh.trimmed(),
      segmentRoad: this.segmentRoad.trimmed(),
      segmentShapeStart: this.segmentShapeStart.trimmed(),
      shapeLatE7: this.shapeLat.trimmed(),
      shapeLonE7: this.shapeLon.trimmed(),
      roadCount: this.roadClass.length,
      roadClass: this.roadClass.trimmed(),
      roadName: this.roadName.trimmed(),
      roadNameZh: this.roadNameZh.trimmed(),
      roadNameEn: this.roadNameEn.trimmed(),
      roadRef: this.roadRef.trimmed(),
      roadOsmId: this.roadOsmId.trimmed(),
      restrictionCount: this.restrictionFrom.length,
      restrictionFrom: this.restrictionFrom.trimmed(),
      restrictionVia: this.restrictionVia.trimmed(),
      restrictionTo: this.restrictionTo.trimmed(),
      restrictionKind: this.restrictionKind.trimmed(),
    };
  }
}

/** [minLon, minLat, maxLon, maxLat] of the graph nodes; zeros for an empty network. */
function boundingBox(roads: RoadNetwork): [number, number, number, number] {
  if (roads.nodeCount === 0) return [0, 0, 0, 0];
  let minLat = Infinity;
  let minLon = Infinity;
  let maxLat = -Infinity;
  let maxLon = -Infinity;
  for (let n = 0; n < roads.nodeCount; n++) {
    const lat = roads.nodeLatE7[n]!;
    const lon = roads.nodeLonE7[n]!;
    if (lat < minLat) minLat = lat;
    if (lat > maxLat) maxLat = lat;
    if (lon < minLon) minLon = lon;
    if (lon > maxLon) maxLon = lon;
  }
  return [minLon / 1e7, minLat / 1e7, maxLon / 1e7, maxLat / 1e7];
}

const EARTH_RADIUS_M = 6_371_008.8; // IUGG mean Earth radius
const E7_TO_RAD = Math.PI / 180 / 1e7;

/** Great-circle distance in metres between two points in 1e-7 degrees. */
function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const phi1 = lat1 * E7_TO_RAD;
  const phi2 = lat2 * E7_TO_RAD;
  const sinDPhi = Math.sin((phi2 - phi1) / 2);
  const sinDLambda = Math.sin(((lon2 - lon1) * E7_TO_RAD) / 2);
  const a = sinDPhi * sinDPhi + Math.cos(phi1) * Math.cos(phi2) * sinDLambda * sinDLambda;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

type NumberArray = Int32Array | Uint32Array | Uint8Array | Float32Array | Float64Array;

/** A typed array that doubles when full; `array` is valid up to `length`. */
class GrowableArray<T extends NumberArray> {
  array: T;
  length = 0;
  private readonly make: new (length: number) => T;

  constructor(make: new (length: number) => T, capacity = 1024) {
    this.make = make;
    this.array = new make(capacity);
  }

  push(value: number): void {
    if (this.length === this.array.length) {
      const grown = new this.make(this.array.length * 2);
      grown.set(this.array);
      this.array = grown;
    }
    this.array[this.length++] = value;
  }

  /** A copy holding exactly the pushed values. */
  trimmed(): T {
    return this.array.slice(0, this.length) as T;
  }
}

/**
 * OSM id → index in arrival order. Ids arriving ascending (as in a sorted
 * PBF) are found by binary search in one Float64Array; the first id out of
 * order switches to a Map, which costs more memory but accepts any order.
 */
class IdIndex {
  private readonly ids = new GrowableArray(Float64Array);
  private map: Map<number, number> | undefined;

  get length(): number {
    return this.ids.length;
  }

  /** Appends `id`, returning its index. A repeated id then resolves to its latest index. */
  add(id: number): number {
    const index = this.ids.length;
    if (!this.map && index > 0 && id <= this.ids.array[index - 1]!) {
      this.map = new Map();
      for (let i = 0; i < index; i++) this.map.set(this.ids.array[i]!, i);
    }
    this.ids.push(id);
    this.map?.set(id, index);
    return index;
  }

  idAt(index: number): number {
    return this.ids.array[index]!;
  }

  /** Index of `id`, or -1. `hint` is an index near which it probably is (the previous ref's). */
  find(id: number, hint: number): number {
    if (this.map) return this.map.get(id) ?? -1;
    const ids = this.ids.array;
    const n = this.ids.length;
    // Consecutive refs of a way are often consecutive node ids.
    if (hint >= 0 && hint + 1 < n && ids[hint + 1] === id) return hint + 1;
    let lo = 0;
    let hi = n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const value = ids[mid]!;
      if (value < id) lo = mid + 1;
      else if (value > id) hi = mid - 1;
      else return mid;
    }
    return -1;
  }
}
