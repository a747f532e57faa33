import type { MapAttachments, TypedArray } from '../map/map-file.ts';
import type { CabinMap } from '../map/index.ts';
import { arcWeights, buildRoutingGraph, type RoutingGraph } from './graph.ts';
import { contract, type Hierarchy } from './contraction.ts';
import { SegmentSnapper } from './snap.ts';

/**
 * Everything the router needs besides the map, built once by `cabin import`
 * and stored in the map file: the hierarchy, the snapping index, and the
 * small tables that say how turn restrictions split nodes.
 */
export interface PreparedRouting {
  hierarchy: Hierarchy;
  snapper: SegmentSnapper;
  restrictions: RestrictionCopies;
  /** Seconds the contraction took (0 when loaded from a file). */
  preprocessingSeconds: number;
}

/**
 * The copies of intersections made for turn restrictions (see graph.ts):
 * copy c (routing node `originalNodeCount + c`) stands for map node
 * `via[c]`, is reached by driving direction key `arriving[c]`, and may be
 * left by the direction keys `allowed[allowedStart[c] .. allowedStart[c+1])`.
 */
export interface RestrictionCopies {
  originalNodeCount: number;
  via: Uint32Array;
  arriving: Uint32Array;
  allowedStart: Uint32Array;
  allowed: Uint32Array;
}

/** Builds the routing graph, its restriction copies, the hierarchy and the snapping index. */
export function prepareRouting(
  map: CabinMap,
  onProgress?: (contracted: number, total: number) => void,
): PreparedRouting {
  const graph = buildRoutingGraph(map.roads);
  const started = performance.now();
  const hierarchy = contract(
    { nodeCount: graph.nodeCount, firstArc: graph.firstArc, arcHead: graph.arcHead, weights: arcWeights(graph, map.roads) },
    { arcLabel: directionKeys(graph), ...(onProgress ? { onProgress } : {}) },
  );
  const preprocessingSeconds = (performance.now() - started) / 1000;
  return {
    hierarchy,
    snapper: SegmentSnapper.build(map.roads),
    restrictions: restrictionCopies(graph),
    preprocessingSeconds,
  };
}

/** The direction key (segment × 2 + backward) of every arc: the label unpacking reports. */
export function directionKeys(graph: RoutingGraph): Uint32Array {
  const keys = new Uint32Array(graph.arcHead.length);
  for (let a = 0; a < keys.length; a++) keys[a] = graph.arcSegment[a]! * 2 + graph.arcBackward[a]!;
  return keys;
}

/** Extracts the restriction copies of a routing graph. */
export function restrictionCopies(graph: RoutingGraph): RestrictionCopies {
  const base = graph.originalNodeCount;
  const copyCount = graph.nodeCount - base;
  const via = new Uint32Array(copyCount);
  const arriving = new Uint32Array(copyCount);
  const allowedStart = new Uint32Array(copyCount + 1);
  const allowed: number[] = [];
  for (let c = 0; c < copyCount; c++) via[c] = graph.nodeOrigin[base + c]!;
  // A copy is reached by exactly one arriving direction: find the arc whose head it is.
  for (let a = 0; a < graph.arcHead.length; a++) {
    const head = graph.arcHead[a]!;
    if (head >= base) arriving[head - base] = graph.arcSegment[a]! * 2 + graph.arcBackward[a]!;
  }
  for (let c = 0; c < copyCount; c++) {
    allowedStart[c] = allowed.length;
    for (let a = graph.firstArc[base + c]!; a < graph.firstArc[base + c + 1]!; a++) {
      allowed.push(graph.arcSegment[a]! * 2 + graph.arcBackward[a]!);
    }
  }
  allowedStart[copyCount] = allowed.length;
  return { originalNodeCount: base, via, arriving, allowedStart, allowed: Uint32Array.from(allowed) };
}

/** The routing data as map-file attachments. */
export function routingAttachments(prepared: PreparedRouting): MapAttachments {
  const { hierarchy: h, restrictions: r } = prepared;
  const arrays: Record<string, TypedArray> = {
    'routing.rank': h.rank,
    'routing.first': h.first,
    'routing.arcs': h.arcs,
    'routing.via': h.via,
    'routing.copyVia': r.via,
    'routing.copyArriving': r.arriving,
    'routing.copyAllowedStart': r.allowedStart,
    'routing.copyAllowed': r.allowed,
    'routing.snapIndex': prepared.snapper.indexBytes(),
  };
  return {
    arrays,
    extra: {
      routing: {
        nodeCount: h.nodeCount,
        originalNodeCount: r.originalNodeCount,
        preprocessingSeconds: prepared.preprocessingSeconds,
      },
    },
  };
}

/** Restores routing data stored by `routingAttachments`; throws when the file lacks it. */
export function routingFromAttachments(map: CabinMap, attachments: MapAttachments, source = 'map'): PreparedRouting {
  const facts = attachments.extra['routing'] as
    | { nodeCount: number; originalNodeCount: number; preprocessingSeconds: number }
    | undefined;
  const array = <T extends TypedArray>(name: string, type: new (...args: never[]) => T): T => {
    const found = attachments.arrays[`routing.${name}`];
    if (!(found instanceof type)) throw new Error(`${source}: routing data "${name}" is missing; re-import the map`);
    return found;
  };
  if (!facts) throw new Error(`${source}: the map has no routing data; re-import it with \`cabin import\``);
  return {
    hierarchy: {
      nodeCount: facts.nodeCount,
      rank: array('rank', Uint32Array),
      first: array('first', Uint32Array),
      arcs: array('arcs', Uint32Array),
      via: array('via', Int32Array),
    },
    snapper: SegmentSnapper.fromBytes(map.roads, array('snapIndex', Uint8Array)),
    restrictions: {
      originalNodeCount: facts.originalNodeCount,
      via: array('copyVia', Uint32Array),
      arriving: array('copyArriving', Uint32Array),
      allowedStart: array('copyAllowedStart', Uint32Array),
      allowed: array('copyAllowed', Uint32Array),
    },
    preprocessingSeconds: facts.preprocessingSeconds,
  };
}
