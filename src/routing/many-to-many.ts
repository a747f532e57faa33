import { NodeHeap } from './heap.ts';
import type { Hierarchy } from './contraction.ts';

// Copies of contraction.ts's ARC_* flags: imported bindings are read through
// accessors when the module is transpiled, which costs a third of a query.
const ARC_FORWARD = 0x40000000;
const ARC_BACKWARD = 0x80000000;
const ARC_WEIGHT_MASK = 0x3fffffff;
import type { Seed } from './dijkstra.ts';

/**
 * Travel-time tables on a contraction hierarchy with buckets (Knopp et al.,
 * "Computing Many-to-Many Shortest Paths Using Highway Hierarchies", 2007):
 * one backward upward search per target leaves (target, distance) in a bucket
 * at every node it settles; one forward upward search per source then reads
 * the buckets of the nodes it settles. |S| + |T| small searches instead of
 * |S| × |T| queries — how detours to 100 restaurants cost a few milliseconds.
 */
export class ManyToMany {
  private readonly heap: NodeHeap;
  private readonly dist: Float64Array;
  private readonly touched: Uint32Array;
  private touchedCount = 0;
  private readonly settledList: number[] = [];

  constructor(private readonly h: Hierarchy) {
    this.heap = new NodeHeap(h.nodeCount);
    this.dist = new Float64Array(h.nodeCount).fill(Infinity);
    this.touched = new Uint32Array(h.nodeCount);
  }

  /**
   * The cost from each source to each target, row-major
   * (`result[s * targets.length + t]`), Infinity where unreachable. Each
   * source and target is a set of seeds (a point snapped between two nodes).
   */
  table(sources: readonly (readonly Seed[])[], targets: readonly (readonly Seed[])[]): Float64Array {
    const result = new Float64Array(sources.length * targets.length).fill(Infinity);
    const { rank } = this.h;
    // Buckets as flat arrays grouped by node: entries are (target index, distance).
    const bucketNode: number[] = [];
    const bucketTarget: number[] = [];
    const bucketDist: number[] = [];
    for (let t = 0; t < targets.length; t++) {
      this.upwardSearch(targets[t]!, false, rank);
      for (const r of this.settledList) {
        bucketNode.push(r);
        bucketTarget.push(t);
        bucketDist.push(this.dist[r]!);
      }
    }
    // Index buckets by node: sort entry ids by node and keep per-node ranges in a map.
    const order = Array.from(bucketNode.keys()).sort((a, b) => bucketNode[a]! - bucketNode[b]!);
    const bucketStart = new Map<number, [number, number]>();
    for (let i = 0; i < order.length; ) {
      const node = bucketNode[order[i]!]!;
      let j = i;
      while (j < order.length && bucketNode[order[j]!] === node) j++;
      bucketStart.set(node, [i, j]);
      i = j;
    }
    for (let s = 0; s < sources.length; s++) {
      this.upwardSearch(sources[s]!, true, rank);
      const row = s * targets.length;
      for (const r of this.settledList) {
        const range = bucketStart.get(r);
        if (!range) continue;
        const d = this.dist[r]!;
        for (let i = range[0]; i < range[1]; i++) {
          const entry = order[i]!;
          const total = d + bucketDist[entry]!;
          const slot = row + bucketTarget[entry]!;
          if (total < result[slot]!) result[slot] = total;
        }
      }
    }
    return result;
  }

  /** A complete upward search (no target to stop at); leaves the settled, unstalled ranks in `settledList`. */
  private upwardSearch(seeds: readonly Seed[], forward: boolean, rank: Uint32Array): void {
    const { heap, dist } = this;
    const { first, arcs } = this.h;
    for (let i = 0; i < this.touchedCount; i++) dist[this.touched[i]!] = Infinity;
    this.touchedCount = 0;
    heap.clear();
    this.settledList.length = 0;
    for (const seed of seeds) {
      const r = rank[seed.node]!;
      if (seed.cost < dist[r]!) {
        if (dist[r] === Infinity) this.touched[this.touchedCount++] = r;
        dist[r] = seed.cost;
        heap.push(r, seed.cost);
      }
    }
    const relaxFlag = forward ? ARC_FORWARD : ARC_BACKWARD;
    const stallFlag = forward ? ARC_BACKWARD : ARC_FORWARD;
    while (heap.size > 0) {
      const d = heap.minKey();
      const u = heap.pop();
      const begin = first[u]!;
      const end = first[u + 1]!;
      let stalled = false;
      for (let a = begin; a < end; a++) {
        const packed = arcs[2 * a + 1]!;
        if (packed & stallFlag && dist[arcs[2 * a]!]! + (packed & ARC_WEIGHT_MASK) < d) {
          stalled = true;
          break;
        }
      }
      if (stalled) continue;
      this.settledList.push(u);
      for (let a = begin; a < end; a++) {
        const packed = arcs[2 * a + 1]!;
        if (!(packed & relaxFlag)) continue;
        const v = arcs[2 * a]!;
        const nd = d + (packed & ARC_WEIGHT_MASK);
        if (nd < dist[v]!) {
          if (dist[v] === Infinity) this.touched[this.touchedCount++] = v;
          dist[v] = nd;
          heap.push(v, nd);
        }
      }
    }
  }
}
