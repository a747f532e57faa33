/**
 * How fast do SPaT and MAP decode?
 *
 * Messages per second on one core for the real J2735 samples, repeated:
 * UPER bytes → J2735 values, UPER → Cabin's model, the ODE's JSON text →
 * J2735 values, and as the baseline measured in the same run, JSON.parse of
 * the ODE JSON text of the same message (what any JSON consumer pays before
 * doing anything). Times are per message, from batches of 1,000: p50 and p99
 * over the batches.
 *
 *   npm run bench -- signal-decode
 *   CABIN_BENCH_SECONDS=1 npm run bench -- signal-decode   (time per case, default 2)
 */
import { readFileSync } from 'node:fs';
import { decodeJ2735, encodeJ2735, fromOdeJson, parseHex, toModel } from '../src/signals/j2735/index.ts';

const SECONDS = Number(process.env['CABIN_BENCH_SECONDS'] ?? 2);
const BATCH = 1000;
const V2X = new URL('../../shared/data/v2x/', import.meta.url);
const NOW = Date.UTC(2024, 11, 10, 17, 34, 40);

function text(path: string): string {
  return readFileSync(new URL(path, V2X), 'utf8');
}

function bytesOf(hex: string): Uint8Array {
  const parsed = parseHex(hex);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const spatHex = /<asn1>\s*([0-9A-F]+)\s*<\/asn1>/.exec(text('jpo-ode/decoder-output-spat.xml'))![1]!;
const mapHex = /<asn1>\s*([0-9A-F]+)\s*<\/asn1>/.exec(text('jpo-ode/decoder-output-map.xml'))![1]!;
const payloads = new Map([...text('j2735decoder/SampleHexPayloads.txt').matchAll(/(\w+) = "([0-9a-fA-F]+)"/g)].map((m) => [m[1]!, m[2]!]));
const spatJson = JSON.stringify((JSON.parse(text('jpo-ode/expected-spat.json')) as { payload: object }).payload);
const mapJson = JSON.stringify((JSON.parse(text('jpo-ode/expected-map.json')) as { payload: object }).payload);

interface Case {
  name: string;
  group: 'SPaT' | 'MAP';
  baseline?: boolean;
  run: () => unknown;
}

function decoded(bytes: Uint8Array) {
  const result = decodeJ2735(bytes);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

const spatBytes = bytesOf(spatHex);
const spat2Bytes = bytesOf(payloads.get('SPaT_2')!);
const mapBytes = bytesOf(mapHex);
const map1Bytes = bytesOf(payloads.get('MAP_1')!);
const spatFrame = decoded(spatBytes);
const mapFrame = decoded(mapBytes);

let sink = 0;
const cases: Case[] = [
  { name: 'JSON.parse of the ODE JSON (baseline)', group: 'SPaT', baseline: true, run: () => JSON.parse(spatJson) },
  { name: `UPER → J2735 (ODE sample, ${spatBytes.length} B, 6 groups)`, group: 'SPaT', run: () => decodeJ2735(spatBytes) },
  { name: `UPER → J2735 (SPaT_2, ${spat2Bytes.length} B, 16 groups)`, group: 'SPaT', run: () => decodeJ2735(spat2Bytes) },
  { name: 'UPER → model (ODE sample)', group: 'SPaT', run: () => toModel(decoded(spatBytes), NOW) },
  { name: 'ODE JSON text → J2735', group: 'SPaT', run: () => fromOdeJson(spatJson) },
  { name: 'J2735 → UPER (encode)', group: 'SPaT', run: () => encodeJ2735(spatFrame) },
  { name: 'JSON.parse of the ODE JSON (baseline)', group: 'MAP', baseline: true, run: () => JSON.parse(mapJson) },
  { name: `UPER → J2735 (ODE sample, ${mapBytes.length} B, 28 lanes)`, group: 'MAP', run: () => decodeJ2735(mapBytes) },
  { name: `UPER → J2735 (MAP_1, ${map1Bytes.length} B)`, group: 'MAP', run: () => decodeJ2735(map1Bytes) },
  { name: 'UPER → model (ODE sample)', group: 'MAP', run: () => toModel(decoded(mapBytes), NOW) },
  { name: 'ODE JSON text → J2735', group: 'MAP', run: () => fromOdeJson(mapJson) },
  { name: 'J2735 → UPER (encode)', group: 'MAP', run: () => encodeJ2735(mapFrame) },
];

function measure(run: () => unknown): number[] {
  // Warm up so that the JIT has optimised the decoder before timing.
  for (let i = 0; i < 20 * BATCH; i++) if (run()) sink++;
  const perMessageNs: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) if (run()) sink++;
    perMessageNs.push(Number(process.hrtime.bigint() - start) / BATCH);
  }
  return perMessageNs.sort((a, b) => a - b);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const format = (n: number) => Math.round(n).toLocaleString('en-US');

console.log(`Node ${process.version}, ${SECONDS} s per case, batches of ${BATCH}\n`);
console.log('| message | case | p50 ns/msg | p99 ns/msg | msgs/s (p50) | speed vs baseline |');
console.log('|---|---|---:|---:|---:|---:|');
const baselines = new Map<string, number>();
for (const c of cases) {
  const times = measure(c.run);
  const p50 = percentile(times, 50);
  if (c.baseline) baselines.set(c.group, p50);
  const baseline = baselines.get(c.group)!;
  const ratio = `${(baseline / p50).toFixed(2)}×`;
  console.log(`| ${c.group} | ${c.name} | ${format(p50)} | ${format(percentile(times, 99))} | ${format(1e9 / p50)} | ${ratio} |`);
}
if (sink === 42) console.log('');
