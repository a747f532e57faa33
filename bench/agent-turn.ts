/**
 * How long does a whole turn take — understanding, tools and the spoken answer?
 *
 * A scripted conversation (navigate, parking, food along the route, follow-ups,
 * status, preferences) is replayed on the default map and on the largest
 * shared extract; each turn is timed. The understanding alone, on the same
 * utterances, is the baseline measured in the same run.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildMap, generateRegion, readOsmPbf, DEFAULT_REGION, type CabinMap } from '../src/map/index.ts';
import { Router, prepareRouting } from '../src/routing/index.ts';
import { simulateOccupancy } from '../src/places/index.ts';
import { Agent, createAgentSetup } from '../src/agent/dialogue.ts';
import { understand } from '../src/agent/understanding/index.ts';

const CONVERSATIONS: Record<string, string[]> = {
  en: [
    'find parking near the destination under 10 yuan an hour',
    'anything cheaper?',
    'the second one',
    'no',
    'a Sichuan restaurant on the way that is open when I get there',
    'what about Italian?',
    "what's my ETA",
    'remember that I like dumplings',
    'what do you remember about me',
    'what is the weather tomorrow',
  ],
  zh: ['附近有停车场吗', '有没有便宜一点的', '第二个', '不用了', '附近有什么好吃的', '换成日本料理', '还要多久到', '我喜欢吃火锅', '你记得我喜欢什么吗', '给我讲个笑话'],
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function measure(name: string, map: CabinMap): void {
  const router = new Router(map, prepareRouting(map));
  const setup = createAgentSetup(map, router);
  const now = new Date('2026-11-25T04:00:00Z');
  setup.places.occupancy.ingestAll(simulateOccupancy(map, now, 1), now);
  const [w, s, e, n] = map.info.bbox;
  const hit = router.snap({ lat: (s + n) / 2, lon: (w + e) / 2 }, 5000)!;
  const vehicle = { lat: hit.lat, lon: hit.lon };
  // Drive towards a named place about 5 km away, so "on the way" and the ETA have a route.
  const destination = map.food
    .filter((p) => p.name !== undefined)
    .map((p) => ({ name: p.name!, d: Math.abs(Math.hypot((p.lat - vehicle.lat) * 111_000, (p.lon - vehicle.lon) * 75_000) - 5000) }))
    .sort((a, b) => a.d - b.d)[0]!.name;
  const turns: number[] = [];
  const understanding: number[] = [];
  for (let round = 0; round < 30; round++) {
    for (const lines of Object.values(CONVERSATIONS)) {
      const agent = new Agent({ setup, understand });
      // Start each conversation on a route, so "on the way" and ETA have one.
      agent.turn(`take me to ${destination}`, { now, vehicle });
      agent.turn('yes', { now, vehicle });
      if (!agent.trip) throw new Error(`${name}: could not start a trip to ${destination}`);
      for (const text of lines) {
        let started = performance.now();
        understand(text, agent.context(now));
        const u = performance.now() - started;
        started = performance.now();
        agent.turn(text, { now, vehicle });
        const t = performance.now() - started;
        if (round > 0) {
          understanding.push(u);
          turns.push(t);
        }
      }
    }
  }
  turns.sort((a, b) => a - b);
  understanding.sort((a, b) => a - b);
  const f = (x: number): string => x.toFixed(3);
  console.log(
    `| ${name} | ${map.roads.nodeCount.toLocaleString('en')} | ${turns.length} | ${f(percentile(understanding, 50))} | ${f(percentile(understanding, 99))} | ${f(percentile(turns, 50))} | ${f(percentile(turns, 99))} |`,
  );
}

console.log('| map | graph nodes | turns | understanding p50 ms | understanding p99 ms | whole turn p50 ms | whole turn p99 ms |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
measure('default map', buildMap(DEFAULT_REGION, (sink) => generateRegion(sink)));
const bytes = readFileSync(fileURLToPath(new URL('../../shared/data/osm/liechtenstein-latest.osm.pbf', import.meta.url)));
measure(
  'liechtenstein-latest',
  buildMap({ name: 'liechtenstein-latest', source: 'OpenStreetMap', timeZone: 'Europe/Vaduz', currency: 'CHF', synthetic: false }, (sink) =>
    readOsmPbf(bytes, sink),
  ),
);
