import { NodeHeap } from './heap.ts';
import type { Hierarchy } from './contraction.ts';

// Copies of contraction.ts's ARC_* flags: imported bindings are read through
// accessors when the module is transpiled, which costs a third of a query.
const ARC_FORWARD = 0x40000000;
const ARC_BACKWARD = 0x80000000;
const ARC_WEIGHT_MASK = 0x3fffffff;
import type { Seed } from './dijkstra.ts';

/**
 * Point-to-point queries on a contraction hierarchy: two upward Dijkstra
 * searches with stall-on-demand. One instance reuses its arrays across
 * queries, so a query allocates almost nothing; it is not re-entrant.
 */
export class HierarchyQuery {
  private readonly forwardHeap: NodeHeap;
  private readonly backwardHeap: NodeHeap;
  private readonly forwardDist: Float64Array;
  private readonly backwardDist: Float64Array;
  /** Index of the hierarchy arc that reached each rank; -1 for seeds. */
  private readonly forwardParent: Int32Array;
  private readonly backwardParent: Int32Array;
  private readonly forwardParentNode: Uint32Array;
  private readonly backwardParentNode: Uint32Array;
  private readonly touched: Uint32Array;
  private touchedCount = 0;
  private meeting = -1;
  /** Nodes settled by the last query, for benchmarks. */
  settled = 0;

  constructor(private readonly h: Hierarchy) {
    const n = h.nodeCount;
    this.forwardHeap = new NodeHeap(n);
    this.backwardHeap = new NodeHeap(n);
    this.forwardDist = new Float64Array(n).fill(Infinity);
    this.backwardDist = new Float64Array(n).fill(Infinity);
    this.forwardParent = new Int32Array(n).fill(-1);
    this.backwardParent = new Int32Array(n).fill(-1);
    this.forwardParentNode = new Uint32Array(n);
    this.backwardParentNode = new Uint32Array(n);
    this.touched = new Uint32Array(n);
  }

  /**
   * Cost of the cheapest path from any source to any target (routing node
   * ids with their initial costs), or Infinity when there is none.
   */
  run(sources: readonly Seed[], targets: readonly Seed[]): number {
    this.reset();
    const h = this.h;
    const { rank, first, arcs } = h;
    const { forwardHeap, backwardHeap, forwardDist, backwardDist, forwardParent, backwardParent } = this;
    for (const s of sources) this.seed(forwardHeap, forwardDist, forwardParent, rank[s.node]!, s.cost);
    for (const t of targets) this.seed(backwardHeap, backwardDist, backwardParent, rank[t.node]!, t.cost);

    let best = Infinity;
    let meeting = -1;
    for (const s of sources) {
      const r = rank[s.node]!;
      const total = forwardDist[r]! + backwardDist[r]!;
      if (total < best) {
        best = total;
        meeting = r;
      }
    }
    let settled = 0;
    let forwardDone = false;
    let backwardDone = false;
    while (!forwardDone || !backwardDone) {
      if (!forwardDone && forwardHeap.minKey() >= best) forwardDone = true;
      if (!backwardDone && backwardHeap.minKey() >= best) backwardDone = true;
      if (forwardDone && backwardDone) break;
      const forward = !forwardDone && (backwardDone || forwardHeap.minKey() <= backwardHeap.minKey());
      // The forward search drives arcs up; the backward search drives arcs
      // that lead down into its node, in reverse. Each stalls on the other kind.
      const heap = forward ? forwardHeap : backwardHeap;
      const dist = forward ? forwardDist : backwardDist;
      const otherDist = forward ? backwardDist : forwardDist;
      const parent = forward ? forwardParent : backwardParent;
      const parentNode = forward ? this.forwardParentNode : this.backwardParentNode;
      const relaxFlag = forward ? ARC_FORWARD : ARC_BACKWARD;
      const stallFlag = forward ? ARC_BACKWARD : ARC_FORWARD;
      const d = heap.minKey();
      const u = heap.pop();
      settled++;
      const begin = first[u]!;
      const end = first[u + 1]!;
      let stalled = false;
      // Stall-on-demand: a higher node reaches u more cheaply by an arc into
      // u, so u's label is not a shortest distance and relaxing from it is wasted.
      for (let a = begin; a < end; a++) {
        const packed = arcs[2 * a + 1]!;
        if (packed & stallFlag && dist[arcs[2 * a]!]! + (packed & ARC_WEIGHT_MASK) < d) {
          stalled = true;
          break;
        }
      }
      if (stalled) continue;
      for (let a = begin; a < end; a++) {
        const packed = arcs[2 * a + 1]!;
        if (!(packed & relaxFlag)) continue;
        const v = arcs[2 * a]!;
        const nd = d + (packed & ARC_WEIGHT_MASK);
        if (nd < dist[v]!) {
          this.touch(v);
          dist[v] = nd;
          parent[v] = a;
          parentNode[v] = u;
          heap.push(v, nd);
          const total = nd + otherDist[v]!;
          if (total < best) {
            best = total;
            meeting = v;
          }
        }
      }
    }
    this.settled = settled;
    this.meeting = best < Infinity ? meeting : -1;
    return best;
  }

  /**
   * The original arcs of the last query's path, in driving order, with the
   * routing node it started from and the one it ended at.
   */
  path(): { arcs: number[]; startNode: number; endNode: number } | undefined {
    if (this.meeting < 0) return undefined;
    const h = this.h;
    const forwardRanks: number[] = [];
    let r = this.meeting;
    while (this.forwardParent[r]! >= 0) {
      forwardRanks.push(r);
      r = this.forwardParentNode[r]!;
    }
    const startRank = r;
    const arcs: number[] = [];
    for (let i = forwardRanks.length - 1; i >= 0; i--) {
      const head = forwardRanks[i]!;
      unpackArc(h, h.via[this.forwardParent[head]!]!, arcs, this.forwardParentNode[head]!, head);
    }
    r = this.meeting;
    while (this.backwardParent[r]! >= 0) {
      const a = this.backwardParent[r]!;
      const next = this.backwardParentNode[r]!;
      unpackArc(h, h.via[a]!, arcs, r, next);
      r = next;
    }
    return { arcs, startNode: nodeOfRank(h, startRank), endNode: nodeOfRank(h, r) };
  }

  private seed(heap: NodeHeap, dist: Float64Array, parent: Int32Array, r: number, cost: number): void {
    if (cost < dist[r]!) {
      this.touch(r);
      dist[r] = cost;
      parent[r] = -1;
      heap.push(r, cost);
    }
  }

  private touch(r: number): void {
    if (this.forwardDist[r] === Infinity && this.backwardDist[r] === Infinity) {
      this.touched[this.touchedCount++] = r;
    }
  }

  private reset(): void {
    for (let i = 0; i < this.touchedCount; i++) {
      const r = this.touched[i]!;
      this.forwardDist[r] = Infinity;
      this.backwardDist[r] = Infinity;
      this.forwardParent[r] = -1;
      this.backwardParent[r] = -1;
    }
    this.touchedCount = 0;
    this.forwardHeap.clear();
    this.backwardHeap.clear();
    this.meeting = -1;
  }
}

let rankToNodeCache: WeakMap<Hierarchy, Uint32Array> = new WeakMap();

/** The routing node with rank `r`. */
export function nodeOfRank(h: Hierarchy, r: number): number {
  let inverse = rankToNodeCache.get(h);
  if (!inverse) {
    inverse = new Uint32Array(h.nodeCount);
    for (let v = 0; v < h.nodeCount; v++) inverse[h.rank[v]!] = v;
    rankToNodeCache.set(h, inverse);
  }
  return inverse[r]!;
}

/** Appends the original arcs of the arc tail → head (ranks) with unpacking info `via`. */
export function unpackArc(h: Hierarchy, via: number, out: number[], tail: number, head: number): void {
  // Iterative, middle-first: a stack of (via, tail, head) triples.
  const stack: number[] = [via, tail, head];
  while (stack.length > 0) {
    const b = stack.pop()!;
    const a = stack.pop()!;
    const v = stack.pop()!;
    if (v < 0) {
      out.push(-(v + 1));
      continue;
    }
    // Shortcut a → b through middle m (lower than both): the arc a → m is
    // stored at m with head a, driven backward; m → b at m with head b, forward.
    const m = v;
    let first = -1;
    let second = -1;
    for (let i = h.first[m]!, end = h.first[m + 1]!; i < end; i++) {
      const other = h.arcs[2 * i]!;
      const packed = h.arcs[2 * i + 1]!;
      if (first < 0 && other === a && packed & ARC_BACKWARD) first = i;
      if (second < 0 && other === b && packed & ARC_FORWARD) second = i;
    }
    if (first < 0 || second < 0) throw new Error(`hierarchy is inconsistent: shortcut ${a}→${b} via ${m} cannot be unpacked`);
    // Push the second half first so the first half is unpacked first.
    stack.push(h.via[second]!, m, b);
    stack.push(h.via[first]!, a, m);
  }
}

/** Forgets cached inverse rank arrays (after a hierarchy is replaced). */
export function clearRankCache(): void {
  rankToNodeCache = new WeakMap();
}
