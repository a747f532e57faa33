import { NodeHeap } from './heap.ts';

/** A directed graph in compressed sparse rows: out-arcs of u are [firstArc[u], firstArc[u+1]). */
export interface WeightedGraph {
  nodeCount: number;
  firstArc: Uint32Array;
  arcHead: Uint32Array;
  weights: Uint32Array;
}

/** The reverse of a graph: in-arcs of v are [firstIn[v], firstIn[v+1]), as ids of forward arcs. */
export interface ReverseIndex {
  firstIn: Uint32Array;
  inTail: Uint32Array;
  inArc: Uint32Array;
}

/** Builds the in-arc index of `graph`. */
export function reverseIndex(graph: WeightedGraph): ReverseIndex {
  const { nodeCount, firstArc, arcHead } = graph;
  const arcCount = arcHead.length;
  const firstIn = new Uint32Array(nodeCount + 1);
  for (let a = 0; a < arcCount; a++) firstIn[arcHead[a]! + 1]!++;
  for (let v = 0; v < nodeCount; v++) firstIn[v + 1]! += firstIn[v]!;
  const fill = firstIn.slice(0, nodeCount);
  const inTail = new Uint32Array(arcCount);
  const inArc = new Uint32Array(arcCount);
  for (let u = 0; u < nodeCount; u++) {
    for (let a = firstArc[u]!; a < firstArc[u + 1]!; a++) {
      const slot = fill[arcHead[a]!]!++;
      inTail[slot] = u;
      inArc[slot] = a;
    }
  }
  return { firstIn, inTail, inArc };
}

/** A start or end of a search: a node reached at an initial cost (a partly driven segment). */
export interface Seed {
  node: number;
  cost: number;
}

/**
 * Plain Dijkstra from `sources` until the cheapest target is settled: the
 * baseline the hierarchy is checked and measured against. Returns the cost
 * including the targets' own costs, or Infinity when unreachable, and how
 * many nodes it settled.
 */
export class Dijkstra {
  private readonly heap: NodeHeap;
  private readonly dist: Float64Array;
  private readonly parentArc: Int32Array;
  private readonly targetCost: Float64Array;
  private readonly touched: Uint32Array;
  private touchedCount = 0;
  settled = 0;

  constructor(private readonly graph: WeightedGraph) {
    this.heap = new NodeHeap(graph.nodeCount);
    this.dist = new Float64Array(graph.nodeCount).fill(Infinity);
    this.parentArc = new Int32Array(graph.nodeCount).fill(-1);
    this.targetCost = new Float64Array(graph.nodeCount).fill(Infinity);
    this.touched = new Uint32Array(graph.nodeCount);
  }

  /** Cost of the cheapest path from any source to any target (Infinity if none). */
  run(sources: readonly Seed[], targets: readonly Seed[]): number {
    this.reset();
    const { heap, dist, parentArc, targetCost } = this;
    const { firstArc, arcHead, weights } = this.graph;
    for (const t of targets) targetCost[t.node] = Math.min(targetCost[t.node]!, t.cost);
    for (const s of sources) this.relax(s.node, s.cost, -1);
    let best = Infinity;
    this.settled = 0;
    while (heap.size > 0) {
      const d = heap.minKey();
      if (d >= best) break;
      const u = heap.pop();
      this.settled++;
      const finish = d + targetCost[u]!;
      if (finish < best) best = finish;
      for (let a = firstArc[u]!, end = firstArc[u + 1]!; a < end; a++) {
        const v = arcHead[a]!;
        const nd = d + weights[a]!;
        if (nd < dist[v]!) {
          if (dist[v] === Infinity) this.touched[this.touchedCount++] = v;
          dist[v] = nd;
          parentArc[v] = a;
          heap.push(v, nd);
        }
      }
    }
    for (const t of targets) targetCost[t.node] = Infinity;
    return best;
  }

  /** Arcs of the path to `node` found by the last run, in driving order. */
  pathTo(node: number): number[] {
    const arcs: number[] = [];
    const { firstArc } = this.graph;
    let arc = this.parentArc[node]!;
    while (arc >= 0) {
      arcs.push(arc);
      // The tail of an arc is the node whose arc range contains it.
      const tail = upperBound(firstArc, arc) - 1;
      arc = this.parentArc[tail]!;
    }
    return arcs.reverse();
  }

  private relax(node: number, cost: number, arc: number): void {
    if (cost < this.dist[node]!) {
      if (this.dist[node] === Infinity) this.touched[this.touchedCount++] = node;
      this.dist[node] = cost;
      this.parentArc[node] = arc;
      this.heap.push(node, cost);
    }
  }

  private reset(): void {
    for (let i = 0; i < this.touchedCount; i++) {
      const n = this.touched[i]!;
      this.dist[n] = Infinity;
      this.parentArc[n] = -1;
    }
    this.touchedCount = 0;
    this.heap.clear();
  }
}

/** Bidirectional Dijkstra: the second baseline, and the exact fallback while a hierarchy is rebuilt. */
export class BidirectionalDijkstra {
  private readonly forwardHeap: NodeHeap;
  private readonly backwardHeap: NodeHeap;
  private readonly forwardDist: Float64Array;
  private readonly backwardDist: Float64Array;
  private readonly touched: Uint32Array;
  private touchedCount = 0;
  settled = 0;

  constructor(
    private readonly graph: WeightedGraph,
    private readonly reverse: ReverseIndex,
  ) {
    const n = graph.nodeCount;
    this.forwardHeap = new NodeHeap(n);
    this.backwardHeap = new NodeHeap(n);
    this.forwardDist = new Float64Array(n).fill(Infinity);
    this.backwardDist = new Float64Array(n).fill(Infinity);
    this.touched = new Uint32Array(n);
  }

  /** Cost of the cheapest path from any source to any target (Infinity if none). */
  run(sources: readonly Seed[], targets: readonly Seed[]): number {
    this.reset();
    const { forwardHeap, backwardHeap, forwardDist, backwardDist } = this;
    const { firstArc, arcHead, weights } = this.graph;
    const { firstIn, inTail, inArc } = this.reverse;
    for (const s of sources) this.seed(forwardHeap, forwardDist, s);
    for (const t of targets) this.seed(backwardHeap, backwardDist, t);
    let best = Infinity;
    for (const s of sources) best = Math.min(best, s.cost + backwardDist[s.node]!);
    this.settled = 0;
    while (forwardHeap.size > 0 || backwardHeap.size > 0) {
      if (forwardHeap.minKey() + backwardHeap.minKey() >= best) break;
      const forward = forwardHeap.minKey() <= backwardHeap.minKey();
      this.settled++;
      if (forward) {
        const d = forwardHeap.minKey();
        const u = forwardHeap.pop();
        for (let a = firstArc[u]!, end = firstArc[u + 1]!; a < end; a++) {
          const v = arcHead[a]!;
          const nd = d + weights[a]!;
          if (nd < forwardDist[v]!) {
            this.touch(v);
            forwardDist[v] = nd;
            forwardHeap.push(v, nd);
            const total = nd + backwardDist[v]!;
            if (total < best) best = total;
          }
        }
      } else {
        const d = backwardHeap.minKey();
        const v = backwardHeap.pop();
        for (let i = firstIn[v]!, end = firstIn[v + 1]!; i < end; i++) {
          const u = inTail[i]!;
          const nd = d + weights[inArc[i]!]!;
          if (nd < backwardDist[u]!) {
            this.touch(u);
            backwardDist[u] = nd;
            backwardHeap.push(u, nd);
            const total = nd + forwardDist[u]!;
            if (total < best) best = total;
          }
        }
      }
    }
    return best;
  }

  private seed(heap: NodeHeap, dist: Float64Array, seed: Seed): void {
    if (seed.cost < dist[seed.node]!) {
      this.touch(seed.node);
      dist[seed.node] = seed.cost;
      heap.push(seed.node, seed.cost);
    }
  }

  private touch(node: number): void {
    if (this.forwardDist[node] === Infinity && this.backwardDist[node] === Infinity) {
      this.touched[this.touchedCount++] = node;
    }
  }

  private reset(): void {
    for (let i = 0; i < this.touchedCount; i++) {
      const n = this.touched[i]!;
      this.forwardDist[n] = Infinity;
      this.backwardDist[n] = Infinity;
    }
    this.touchedCount = 0;
    this.forwardHeap.clear();
    this.backwardHeap.clear();
  }
}

/** Index of the first element of sorted `array` greater than `value`. */
export function upperBound(array: Uint32Array, value: number): number {
  let lo = 0;
  let hi = array.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (array[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
