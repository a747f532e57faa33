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
  /** Per-node bucket sizes and offsets; all zero between calls. */
  private readonly bucketCount: Uint32Array;
  private readonly bucketStart: Uint32Array;

  constructor(private readonly h: Hierarchy) {
    this.heap = new NodeHeap(h.nodeCount);
    this.dist = new Float64Array(h.nodeCount).fill(Infinity);
    this.touched = new Uint32Array(h.nodeCount);
    this.bucketCount = new Uint32Array(h.nodeCount);
    this.bucketStart = new Uint32Array(h.nodeCount);
  }

  /**
   * The cost from each source to each target, row-major
   * (`result[s * targets.length + t]`), Infinity where unreachable. Each
   * source and target is a set of seeds (a point snapped between two nodes).
   */
  table(sources: readonly (readonly Seed[])[], targets: readonly (readonly Seed[])[]): Float64Array {
    const result = new Float64Array(sources.length * targets.length).fill(Infinity);
    const { rank } = this.h;
    // Buckets grouped by node with a counting sort: (target, distance)
    // entries of node r are [bucketStart[r], bucketStart[r] + bucketCount[r]).
    const entryNode: number[] = [];
    const entryTarget: number[] = [];
    const entryDist: number[] = [];
    const { bucketCount, bucketStart } = this;
    const nodes: number[] = [];
    for (let t = 0; t < targets.length; t++) {
      this.upwardSearch(targets[t]!, false, rank);
      for (const r of this.settledList) {
        if (bucketCount[r] === 0) nodes.push(r);
        bucketCount[r]!++;
        entryNode.push(r);
        entryTarget.push(t);
        entryDist.push(this.dist[r]!);
      }
    }
    let offset = 0;
    for (const r of nodes) {
      bucketStart[r] = offset;
      offset += bucketCount[r]!;
      bucketCount[r] = 0; // refilled below as the fill cursor
    }
    const bucketTarget = new Uint32Array(offset);
    const bucketDist = new Float64Array(offset);
    for (let i = 0; i < entryNode.length; i++) {
      const r = entryNode[i]!;
      const slot = bucketStart[r]! + bucketCount[r]!++;
      bucketTarget[slot] = entryTarget[i]!;
      bucketDist[slot] = entryDist[i]!;
    }
    for (let s = 0; s < sources.length; s++) {
      this.upwardSearch(sources[s]!, true, rank);
      const row = s * targets.length;
      for (const r of this.settledList) {
        const count = bucketCount[r]!;
        if (count === 0) continue;
        const d = this.dist[r]!;
        for (let i = bucketStart[r]!, end = i + count; i < end; i++) {
          const total = d + bucketDist[i]!;
          const slot = row + bucketTarget[i]!;
          if (total < result[slot]!) result[slot] = total;
        }
      }
    }
    for (const r of nodes) bucketCount[r] = 0;
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
