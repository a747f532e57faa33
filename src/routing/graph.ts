import {
  RESTRICTION_ONLY,
  SEGMENT_BACKWARD,
  SEGMENT_FORWARD,
  type RoadNetwork,
} from '../map/index.ts';

/**
 * The directed graph cars drive on, derived from the road network.
 *
 * Each arc drives one segment in one direction. Turn restrictions are honoured
 * by node splitting: arriving at a restricted intersection along a restricted
 * `from` segment leads to a copy of the intersection whose out-arcs are only
 * the allowed turns. Every shortest-path search on this graph therefore obeys
 * the restrictions with no special cases in its inner loop. Nodes
 * `[0, originalNodeCount)` are the map's graph nodes; the rest are copies.
 */
export interface RoutingGraph {
  nodeCount: number;
  originalNodeCount: number;
  /** The map node each routing node stands for (itself for original nodes). */
  nodeOrigin: Uint32Array;
  /** Copies of original node n are `copyList[copyStart[n] .. copyStart[n + 1])`. */
  copyStart: Uint32Array;
  copyList: Uint32Array;
  /** Out-arcs of node u are `[firstArc[u], firstArc[u + 1])`. */
  firstArc: Uint32Array;
  arcHead: Uint32Array;
  arcSegment: Uint32Array;
  /** 1 when the arc drives its segment from `segmentTo` to `segmentFrom`. */
  arcBackward: Uint8Array;
}

/** The arc id for segment s driven forward is 2s, backward 2s+1 ("direction key"). */
function directionKey(segment: number, backward: number): number {
  return segment * 2 + backward;
}

/** Builds the routing graph of a road network, applying its turn restrictions. */
export function buildRoutingGraph(roads: RoadNetwork): RoutingGraph {
  const { nodeCount, segmentCount, segmentFrom, segmentTo, segmentFlags } = roads;

  // Out-directions of each original node, as direction keys, in CSR form.
  const outCount = new Uint32Array(nodeCount + 1);
  for (let s = 0; s < segmentCount; s++) {
    const flags = segmentFlags[s]!;
    if (flags & SEGMENT_FORWARD) outCount[segmentFrom[s]!]!++;
    if (flags & SEGMENT_BACKWARD) outCount[segmentTo[s]!]!++;
  }
  const outStart = new Uint32Array(nodeCount + 1);
  for (let n = 0; n < nodeCount; n++) outStart[n + 1] = outStart[n]! + outCount[n]!;
  const outKeys = new Uint32Array(outStart[nodeCount]!);
  const fill = outStart.slice(0, nodeCount);
  for (let s = 0; s < segmentCount; s++) {
    const flags = segmentFlags[s]!;
    if (flags & SEGMENT_FORWARD) outKeys[fill[segmentFrom[s]!]!++] = directionKey(s, 0);
    if (flags & SEGMENT_BACKWARD) outKeys[fill[segmentTo[s]!]!++] = directionKey(s, 1);
  }

  // Group restrictions by (via node, arriving direction key).
  const groups = new Map<number, { via: number; no: Set<number>; only: Set<number> | undefined }>();
  for (let r = 0; r < roads.restrictionCount; r++) {
    const via = roads.restrictionVia[r]!;
    const from = roads.restrictionFrom[r]!;
    const to = roads.restrictionTo[r]!;
    const arriving = arrivingKey(roads, from, via);
    const leaving = leavingKey(roads, to, via);
    if (arriving < 0 || leaving < 0) continue; // direction not drivable: nothing to restrict
    let group = groups.get(arriving);
    if (!group) {
      group = { via, no: new Set(), only: undefined };
      groups.set(arriving, group);
    }
    if (roads.restrictionKind[r] === RESTRICTION_ONLY) (group.only ??= new Set()).add(leaving);
    else group.no.add(leaving);
  }

  // One copy node per restricted arriving direction; its arcs are the allowed turns.
  const copyCount = groups.size;
  const totalNodes = nodeCount + copyCount;
  const headOverride = new Map<number, number>(); // arriving direction key → copy node
  const copyAllowed: number[][] = [];
  const copyVia: number[] = [];
  for (const [arriving, group] of groups) {
    const copy = nodeCount + copyAllowed.length;
    headOverride.set(arriving, copy);
    const allowed: number[] = [];
    for (let i = outStart[group.via]!; i < outStart[group.via + 1]!; i++) {
      const key = outKeys[i]!;
      if (group.only ? group.only.has(key) : !group.no.has(key)) allowed.push(key);
    }
    copyAllowed.push(allowed);
    copyVia.push(group.via);
  }

  const nodeOrigin = new Uint32Array(totalNodes);
  for (let n = 0; n < nodeCount; n++) nodeOrigin[n] = n;
  for (let c = 0; c < copyCount; c++) nodeOrigin[nodeCount + c] = copyVia[c]!;

  const copyStart = new Uint32Array(nodeCount + 1);
  for (const via of copyVia) copyStart[via + 1]!++;
  for (let n = 0; n < nodeCount; n++) copyStart[n + 1]! += copyStart[n]!;
  const copyList = new Uint32Array(copyCount);
  const copyFill = copyStart.slice(0, nodeCount);
  for (let c = 0; c < copyCount; c++) copyList[copyFill[copyVia[c]!]!++] = nodeCount + c;

  let arcCount = outKeys.length;
  for (const allowed of copyAllowed) arcCount += allowed.length;
  const firstArc = new Uint32Array(totalNodes + 1);
  const arcHead = new Uint32Array(arcCount);
  const arcSegment = new Uint32Array(arcCount);
  const arcBackward = new Uint8Array(arcCount);
  let arc = 0;
  const addArc = (key: number): void => {
    const segment = key >>> 1;
    const backward = key & 1;
    arcSegment[arc] = segment;
    arcBackward[arc] = backward;
    arcHead[arc] = headOverride.get(key) ?? (backward ? segmentFrom[segment]! : segmentTo[segment]!);
    arc++;
  };
  for (let n = 0; n < nodeCount; n++) {
    firstArc[n] = arc;
    for (let i = outStart[n]!; i < outStart[n + 1]!; i++) addArc(outKeys[i]!);
  }
  for (let c = 0; c < copyCount; c++) {
    firstArc[nodeCount + c] = arc;
    for (const key of copyAllowed[c]!) addArc(key);
  }
  firstArc[totalNodes] = arc;

  return {
    nodeCount: totalNodes,
    originalNodeCount: nodeCount,
    nodeOrigin,
    copyStart,
    copyList,
    firstArc,
    arcHead,
    arcSegment,
    arcBackward,
  };
}

/** Direction key of driving `segment` into `via`, or -1 when cars cannot. */
function arrivingKey(roads: RoadNetwork, segment: number, via: number): number {
  const flags = roads.segmentFlags[segment]!;
  if (roads.segmentTo[segment] === via && flags & SEGMENT_FORWARD) return directionKey(segment, 0);
  if (roads.segmentFrom[segment] === via && flags & SEGMENT_BACKWARD) return directionKey(segment, 1);
  return -1;
}

/** Direction key of driving `segment` away from `via`, or -1 when cars cannot. */
function leavingKey(roads: RoadNetwork, segment: number, via: number): number {
  const flags = roads.segmentFlags[segment]!;
  if (roads.segmentFrom[segment] === via && flags & SEGMENT_FORWARD) return directionKey(segment, 0);
  if (roads.segmentTo[segment] === via && flags & SEGMENT_BACKWARD) return directionKey(segment, 1);
  return -1;
}

/**
 * Travel time of every arc in milliseconds, from each segment's free-flow
 * speed times its live traffic factor (1 = free flow, 0.5 = half speed).
 * Integer milliseconds keep sums exact, so two searches agree to the unit.
 */
export function arcWeights(graph: RoutingGraph, roads: RoadNetwork, speedFactor?: Float32Array): Uint32Array {
  const weights = new Uint32Array(graph.arcHead.length);
  const { arcSegment } = graph;
  const { segmentLengthM, segmentSpeedKmh } = roads;
  for (let a = 0; a < weights.length; a++) {
    const s = arcSegment[a]!;
    weights[a] = segmentTravelMs(segmentLengthM[s]!, segmentSpeedKmh[s]!, speedFactor ? speedFactor[s]! : 1);
  }
  return weights;
}

/** Milliseconds to drive `lengthM` at `speedKmh × factor`; at least 1 so no arc is free. */
export function segmentTravelMs(lengthM: number, speedKmh: number, factor: number): number {
  const metresPerSecond = (Math.max(speedKmh, 1) * Math.max(factor, 0.01)) / 3.6;
  return Math.max(1, Math.round((lengthM / metresPerSecond) * 1000));
}
