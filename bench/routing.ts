/**
 * How do routing costs grow with the road network?
 *
 * For each shared OSM extract and each generated network size, in one run:
 * import (build) time, hierarchy preprocessing time, map file load time,
 * bytes of memory per graph node, and point-to-point query latency of the
 * contraction hierarchy against unidirectional and bidirectional Dijkstra on
 * the same graph and the same random pairs, plus the time to apply a live
 * traffic update to 10% of the roads.
 *
 *   npm run bench -- routing            all cases
 *   CABIN_BENCH_SIZES=100000 npm run bench -- routing
 */
import { readFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildMap, decodeMapFile, encodeMapFile, generateRegion, readOsmPbf, seededRandom, DEFAULT_REGION, type CabinMap, type OsmSink } from '../src/map/index.ts';
import { readFileAligned, writeFileAtomic } from '../src/map/files.ts';
import {
  BidirectionalDijkstra,
  Dijkstra,
  HierarchyQuery,
  Router,
  arcWeights,
  buildRoutingGraph,
  prepareRouting,
  reverseIndex,
  routingAttachments,
  routingFromAttachments,
} from '../src/routing/index.ts';

const EXTRACTS = ['andorra', 'baltimore', 'harrisburg', 'liechtenstein-latest'];
const SIZES = (process.env['CABIN_BENCH_SIZES'] ?? '100000,1000000')
  .split(',')
  .filter(Boolean)
  .map(Number);

interface Row {
  network: string;
  nodes: number;
  importS: number;
  preprocessS: number;
  loadMs: number;
  routingBytesPerNode: number;
  fileBytesPerNode: number;
  chP50: number;
  chP99: number;
  biP50: number;
  uniP50: number;
  uniP99: number;
  speedup: number;
  trafficS: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}


function measure(network: string, feed: (sink: OsmSink) => void, info: Omit<CabinMap['info'], 'bbox'>): Row {
  let started = performance.now();
  const map = buildMap(info, feed);
  const importS = (performance.now() - started) / 1000;
  const prepared = prepareRouting(map);
  const preprocessS = prepared.preprocessingSeconds;

  // Load time and memory: write the file, read it back as `cabin` does.
  const dir = join(tmpdir(), `cabin-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${network}.cabin`);
  writeFileAtomic(path, encodeMapFile(map, routingAttachments(prepared)));
  started = performance.now();
  const bytes = readFileAligned(path);
  const decoded = decodeMapFile(bytes, path);
  const loadedRouting = routingFromAttachments(decoded.map, decoded);
  const router = new Router(decoded.map, loadedRouting);
  const loadMs = performance.now() - started;
  rmSync(dir, { recursive: true, force: true });
  // Memory the router works on: the road network (less OSM ids, which only
  // trace data back to OSM), the hierarchy and the snapping index.
  let routingBytes = 0;
  for (const [name, value] of Object.entries(decoded.map.roads)) {
    if (ArrayBuffer.isView(value) && name !== 'nodeOsmId' && name !== 'roadOsmId') routingBytes += value.byteLength;
  }
  for (const [name, array] of Object.entries(decoded.arrays)) if (name.startsWith('routing.')) routingBytes += array.byteLength;
  const routingBytesPerNode = routingBytes / map.roads.nodeCount;
  const fileBytesPerNode = bytes.byteLength / map.roads.nodeCount;

  // Query latency on the same random pairs of graph nodes.
  const graph = buildRoutingGraph(map.roads);
  const weighted = { nodeCount: graph.nodeCount, firstArc: graph.firstArc, arcHead: graph.arcHead, weights: arcWeights(graph, map.roads) };
  const query = new HierarchyQuery(loadedRouting.hierarchy);
  const dijkstra = new Dijkstra(weighted);
  const bidirectional = new BidirectionalDijkstra(weighted, reverseIndex(weighted));
  const next = seededRandom(1);
  const pairs: Array<[number, number]> = [];
  while (pairs.length < 1000) {
    const s = Math.floor(next() * map.roads.nodeCount);
    const t = Math.floor(next() * map.roads.nodeCount);
    if (query.run([{ node: s, cost: 0 }], [{ node: t, cost: 0 }]) < Infinity) pairs.push([s, t]);
  }
  const time = (run: (s: number, t: number) => number, count: number): number[] => {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const [s, t] = pairs[i % pairs.length]!;
      const before = performance.now();
      run(s, t);
      times.push((performance.now() - before) * 1000);
    }
    return times.sort((a, b) => a - b);
  };
  const seeds = (n: number) => [{ node: n, cost: 0 }];
  time((s, t) => query.run(seeds(s), seeds(t)), 200); // warm-up
  const ch = time((s, t) => query.run(seeds(s), seeds(t)), 1000);
  const baselineCount = map.roads.nodeCount > 300_000 ? 40 : 200;
  const uni = time((s, t) => dijkstra.run(seeds(s), seeds(t)), baselineCount);
  const bi = time((s, t) => bidirectional.run(seeds(s), seeds(t)), baselineCount);

  // Live traffic on 10% of the roads.
  const updates: Array<readonly [number, number]> = [];
  for (let s = 0; s < map.roads.segmentCount; s++) if (next() < 0.1) updates.push([s, 0.3 + 0.6 * next()]);
  const trafficMs = router.setTrafficFactors(updates);

  return {
    network,
    nodes: map.roads.nodeCount,
    importS,
    preprocessS,
    loadMs,
    routingBytesPerNode,
    fileBytesPerNode,
    chP50: percentile(ch, 50),
    chP99: percentile(ch, 99),
    biP50: percentile(bi, 50),
    uniP50: percentile(uni, 50),
    uniP99: percentile(uni, 99),
    speedup: percentile(uni, 50) / percentile(ch, 50),
    trafficS: trafficMs / 1000,
  };
}

const rows: Row[] = [];
for (const name of EXTRACTS) {
  const bytes = readFileSync(fileURLToPath(new URL(`../../shared/data/osm/${name}.osm.pbf`, import.meta.url)));
  rows.push(
    measure(name, (sink) => readOsmPbf(bytes, sink), {
      name,
      source: 'OpenStreetMap',
      timeZone: 'UTC',
      currency: 'EUR',
      synthetic: false,
    }),
  );
  printRow(rows.at(-1)!);
}
for (const size of SIZES) {
  rows.push(measure(`generated ${size.toLocaleString('en')}`, (sink) => generateRegion(sink, { targetGraphNodes: size }), DEFAULT_REGION));
  printRow(rows.at(-1)!);
}

function printRow(row: Row): void {
  if (rows.length === 1) {
    console.log(
      '| network | graph nodes | import s | preprocess s | load ms | routing bytes/node | file bytes/node | CH p50 µs | CH p99 µs | bidi Dijkstra p50 µs | Dijkstra p50 µs | Dijkstra p99 µs | speed-up (p50) | traffic 10% s |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  }
  const f = (x: number, d = 1) => x.toFixed(d);
  console.log(
    `| ${row.network} | ${row.nodes.toLocaleString('en')} | ${f(row.importS, 2)} | ${f(row.preprocessS, 2)} | ${f(row.loadMs)} | ${f(row.routingBytesPerNode, 0)} | ${f(row.fileBytesPerNode, 0)} | ${f(row.chP50)} | ${f(row.chP99)} | ${f(row.biP50, 0)} | ${f(row.uniP50, 0)} | ${f(row.uniP99, 0)} | ${f(row.speedup, 0)}× | ${f(row.trafficS, 2)} |`,
  );
}
