import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Dijkstra,
  BidirectionalDijkstra,
  HierarchyQuery,
  arcWeights,
  buildRoutingGraph,
  contract,
  reverseIndex,
  type WeightedGraph,
} from '../../src/routing/index.ts';
import { SHARED_EXTRACTS, seededRandom, sharedMap } from '../support/maps.ts';

function graphFromArcs(nodeCount: number, arcs: readonly (readonly [number, number, number])[]): WeightedGraph {
  const sorted = [...arcs].sort((a, b) => a[0] - b[0]);
  const firstArc = new Uint32Array(nodeCount + 1);
  for (const [tail] of sorted) firstArc[tail + 1]!++;
  for (let i = 0; i < nodeCount; i++) firstArc[i + 1]! += firstArc[i]!;
  return {
    nodeCount,
    firstArc,
    arcHead: Uint32Array.from(sorted.map((a) => a[1])),
    weights: Uint32Array.from(sorted.map((a) => a[2])),
  };
}

for (const name of SHARED_EXTRACTS) {
  test(`the hierarchy's cost equals plain Dijkstra's for 1,000 random pairs on ${name}`, () => {
    const { map, prepared } = sharedMap(name);
    const graph = buildRoutingGraph(map.roads);
    const weighted = { nodeCount: graph.nodeCount, firstArc: graph.firstArc, arcHead: graph.arcHead, weights: arcWeights(graph, map.roads) };
    const dijkstra = new Dijkstra(weighted);
    const bidirectional = new BidirectionalDijkstra(weighted, reverseIndex(weighted));
    const query = new HierarchyQuery(prepared.hierarchy);
    const random = seededRandom(2);
    let reachable = 0;
    for (let i = 0; i < 1000; i++) {
      const source = [{ node: Math.floor(random() * graph.nodeCount), cost: 0 }];
      const target = [{ node: Math.floor(random() * graph.nodeCount), cost: 0 }];
      const expected = dijkstra.run(source, target);
      assert.equal(query.run(source, target), expected, `pair ${source[0]!.node} → ${target[0]!.node}`);
      assert.equal(bidirectional.run(source, target), expected);
      if (expected < Infinity) {
        reachable++;
        const path = query.path()!;
        // Unpacked paths are real: consecutive arcs join up and their weights add to the cost.
        let sum = 0;
        for (const key of path.arcs) {
          const segment = key >>> 1;
          const backward = key & 1;
          const arc = findArc(graph, segment, backward);
          sum += weighted.weights[arc]!;
        }
        assert.equal(sum, expected);
      }
    }
    assert.ok(reachable > 500, `only ${reachable} of 1,000 pairs reachable`);
  });
}

function findArc(graph: ReturnType<typeof buildRoutingGraph>, segment: number, backward: number): number {
  for (let a = 0; a < graph.arcSegment.length; a++) {
    if (graph.arcSegment[a] === segment && graph.arcBackward[a] === backward) return a;
  }
  throw new Error(`no arc for segment ${segment}`);
}

test('the hierarchy agrees with Dijkstra on random directed graphs', () => {
  const arbitraryGraph = fc
    .integer({ min: 2, max: 40 })
    .chain((n) =>
      fc.record({
        n: fc.constant(n),
        arcs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.integer({ min: 1, max: 1000 })), { maxLength: n * 4 }),
        pairs: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { minLength: 1, maxLength: 10 }),
      }),
    );
  fc.assert(
    fc.property(arbitraryGraph, ({ n, arcs, pairs }) => {
      const graph = graphFromArcs(n, arcs);
      const query = new HierarchyQuery(contract(graph));
      const dijkstra = new Dijkstra(graph);
      for (const [s, t] of pairs) {
        const seedsS = [{ node: s, cost: 0 }];
        const seedsT = [{ node: t, cost: 0 }];
        assert.equal(query.run(seedsS, seedsT), dijkstra.run(seedsS, seedsT));
      }
    }),
    { numRuns: 300 },
  );
});

test('re-contracting in a fixed order after a weight change stays exact', () => {
  const { map, prepared } = sharedMap('andorra');
  const graph = buildRoutingGraph(map.roads);
  const factors = new Float32Array(map.roads.segmentCount).fill(1);
  const random = seededRandom(9);
  for (let s = 0; s < factors.length; s++) if (random() < 0.1) factors[s] = 0.2 + random() * 0.7;
  const weighted = { nodeCount: graph.nodeCount, firstArc: graph.firstArc, arcHead: graph.arcHead, weights: arcWeights(graph, map.roads, factors) };
  const order = new Uint32Array(graph.nodeCount);
  for (let v = 0; v < graph.nodeCount; v++) order[prepared.hierarchy.rank[v]!] = v;
  const query = new HierarchyQuery(contract(weighted, { order }));
  const dijkstra = new Dijkstra(weighted);
  for (let i = 0; i < 300; i++) {
    const s = [{ node: Math.floor(random() * graph.nodeCount), cost: 0 }];
    const t = [{ node: Math.floor(random() * graph.nodeCount), cost: 0 }];
    assert.equal(query.run(s, t), dijkstra.run(s, t));
  }
});

test('the query modules use the same arc flags as the contraction', async () => {
  const contraction = await import('../../src/routing/contraction.ts');
  assert.equal(contraction.ARC_FORWARD, 0x40000000);
  assert.equal(contraction.ARC_BACKWARD, 0x80000000);
  assert.equal(contraction.ARC_WEIGHT_MASK, 0x3fffffff);
});
