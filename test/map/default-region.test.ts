import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DEFAULT_REGION, generateRegion, type RegionOptions } from '../../src/map/default-region.ts';
import { ROAD_CLASSES, type OsmNode, type OsmRelation, type OsmSink, type OsmWay, type Tags } from '../../src/map/types.ts';

const CAR_WAYS = new Set<string>(ROAD_CLASSES);
const FOOD = new Set(['restaurant', 'fast_food', 'cafe', 'food_court']);
const CJK = /[\u4e00-\u9fff]/;

/** Keeps every element and notes any element that arrives out of file order. */
class CollectingSink implements OsmSink {
  readonly nodes: OsmNode[] = [];
  readonly ways: OsmWay[] = [];
  readonly relations: OsmRelation[] = [];
  readonly outOfOrder: string[] = [];

  node(node: OsmNode): void {
    if (this.ways.length > 0 || this.relations.length > 0) this.outOfOrder.push(`node ${node.id}`);
    this.nodes.push(node);
  }

  way(way: OsmWay): void {
    if (this.relations.length > 0) this.outOfOrder.push(`way ${way.id}`);
    this.ways.push(way);
  }

  relation(relation: OsmRelation): void {
    this.relations.push(relation);
  }
}

interface Region extends CollectingSink {
  nodeById: Map<number, OsmNode>;
  wayById: Map<number, OsmWay>;
}

function collect(options?: RegionOptions): Region {
  const sink = new CollectingSink();
  generateRegion(sink, options);
  return Object.assign(sink, {
    nodeById: new Map(sink.nodes.map((n) => [n.id, n])),
    wayById: new Map(sink.ways.map((w) => [w.id, w])),
  });
}

function hashOf(options?: RegionOptions): string {
  const hash = createHash('sha256');
  generateRegion(
    {
      node: (n) => hash.update(JSON.stringify(n)),
      way: (w) => hash.update(JSON.stringify(w)),
      relation: (r) => hash.update(JSON.stringify(r)),
    },
    options,
  );
  return hash.digest('hex');
}

const isCarWay = (way: OsmWay): boolean => CAR_WAYS.has(way.tags.highway ?? '');

/** The builder's graph nodes, approximately: nodes on two or more car ways, or at either end of one. */
function graphNodes(ways: Iterable<OsmWay>): Set<number> {
  const seen = new Map<number, number>();
  const graph = new Set<number>();
  for (const way of ways) {
    if (!isCarWay(way)) continue;
    const last = way.refs.length - 1;
    const closed = way.refs[0] === way.refs[last];
    way.refs.forEach((ref, k) => {
      if (closed && k === last) return;
      if (k === 0 || k === last || seen.has(ref)) graph.add(ref);
      seen.set(ref, (seen.get(ref) ?? 0) + 1);
    });
  }
  return graph;
}

/** Local metres east and north of a reference point; fine over a district. */
function metres(node: OsmNode): [number, number] {
  const k = 111_195;
  return [node.lon * k * Math.cos((31.23 * Math.PI) / 180), node.lat * k];
}

function distanceM(a: OsmNode, b: OsmNode): number {
  const [ax, ay] = metres(a);
  const [bx, by] = metres(b);
  return Math.hypot(ax - bx, ay - by);
}

const OPENING_HOURS = (() => {
  const day = '(?:Mo|Tu|We|Th|Fr|Sa|Su)';
  const days = `${day}(?:-${day})?(?:,${day}(?:-${day})?)*`;
  const span = '\\d\\d:\\d\\d-\\d\\d:\\d\\d';
  const rule = `(?:${days} )?(?:${span}(?:,${span})*|off)`;
  return new RegExp(`^(?:24/7|${rule}(?:; ${rule})*)$`);
})();

const region = collect();
const named = (tags: Tags | undefined): boolean => tags?.name !== undefined;

test('gives identical elements for the same seed and options, and a different district for another seed', () => {
  const first = hashOf();
  assert.equal(hashOf(), first);
  assert.equal(hashOf({ seed: 1 }), first);
  assert.notEqual(hashOf({ seed: 2 }), first);
});

test('emits nodes, then ways, then relations, each with ascending positive ids', () => {
  assert.deepEqual(region.outOfOrder, []);
  for (const list of [region.nodes, region.ways, region.relations]) {
    let previous = 0;
    for (const element of list) {
      assert.ok(Number.isSafeInteger(element.id) && element.id > previous, `id ${element.id} after ${previous}`);
      previous = element.id;
    }
  }
});

test('refers only to emitted elements and leaves no untagged node outside a way', () => {
  const used = new Set<number>();
  for (const way of region.ways) {
    assert.ok(way.refs.length >= 2, `way ${way.id} has ${way.refs.length} nodes`);
    for (const ref of way.refs) {
      assert.ok(region.nodeById.has(ref), `way ${way.id} refers to missing node ${ref}`);
      used.add(ref);
    }
  }
  for (const relation of region.relations) {
    for (const member of relation.members) {
      const known = member.type === 'node' ? region.nodeById.has(member.ref) : region.wayById.has(member.ref);
      assert.ok(known, `relation ${relation.id} refers to missing ${member.type} ${member.ref}`);
    }
  }
  const orphans = region.nodes.filter((n) => n.tags === undefined && !used.has(n.id));
  assert.deepEqual(orphans.map((n) => n.id), []);
});

test('lies in Shanghai with city blocks of 130 to 400 metres', () => {
  for (const node of region.nodes) {
    assert.ok(node.lat > 31.1 && node.lat < 31.4 && node.lon > 121.3 && node.lon < 121.7, `node ${node.id} at ${node.lat},${node.lon}`);
  }
  assert.equal(DEFAULT_REGION.timeZone, 'Asia/Shanghai');
  assert.equal(DEFAULT_REGION.currency, 'CNY');
  assert.equal(DEFAULT_REGION.synthetic, true);
  // Distances between consecutive crossings of arterials with side streets: the block size.
  const graph = graphNodes(region.ways);
  const blocks: number[] = [];
  for (const way of region.ways) {
    if (way.tags.highway !== 'primary' && way.tags.highway !== 'secondary') continue;
    let from: OsmNode | undefined;
    for (const ref of way.refs) {
      if (!graph.has(ref)) continue;
      const node = region.nodeById.get(ref)!;
      if (from !== undefined) blocks.push(distanceM(from, node));
      from = node;
    }
  }
  blocks.sort((a, b) => a - b);
  const median = blocks[blocks.length >> 1]!;
  assert.ok(median > 130 && median < 400, `median block ${median} m`);
});

test('has every road class of a city, from expressway and its ramps to service roads', () => {
  const classes = new Set(region.ways.map((w) => w.tags.highway));
  for (const highway of ['motorway', 'motorway_link', 'trunk', 'primary', 'secondary', 'tertiary', 'residential', 'service']) {
    assert.ok(classes.has(highway), `no highway=${highway}`);
  }
  const ring = region.ways.filter((w) => w.tags.highway === 'trunk' && w.tags.oneway === 'yes');
  assert.ok(ring.length >= 8 && ring.every((w) => w.tags.ref !== undefined), 'dual-carriageway ring with a ref');
  assert.ok(region.ways.some((w) => w.tags.highway === 'motorway' && w.tags.ref === 'S20'));
  const speeds = region.ways.filter((w) => w.tags.maxspeed !== undefined);
  assert.ok(speeds.length > 100 && speeds.every((w) => /^\d+$/.test(w.tags.maxspeed!)), 'numeric maxspeed on many ways');
  assert.ok(region.ways.filter((w) => w.tags.lanes !== undefined).length > 100);
});

test('has one-way side streets in pairs of opposite direction', () => {
  const oneway = region.ways.filter(
    (w) => w.tags.oneway === 'yes' && (w.tags.highway === 'residential' || w.tags.highway === 'tertiary'),
  );
  assert.ok(oneway.length >= 20, `${oneway.length} one-way side-street ways`);
  const headings = new Set<string>();
  for (const way of oneway) {
    const [ax, ay] = metres(region.nodeById.get(way.refs[0]!)!);
    const [bx, by] = metres(region.nodeById.get(way.refs[way.refs.length - 1]!)!);
    headings.add(Math.abs(bx - ax) > Math.abs(by - ay) ? (bx > ax ? 'east' : 'west') : by > ay ? 'north' : 'south');
  }
  assert.ok(
    (headings.has('north') && headings.has('south')) || (headings.has('east') && headings.has('west')),
    `headings ${[...headings].join(', ')}`,
  );
});

test('has roundabouts as closed anticlockwise rings that streets join', () => {
  const roundabouts = region.ways.filter((w) => w.tags.junction === 'roundabout');
  assert.ok(roundabouts.length >= 2, `${roundabouts.length} roundabouts`);
  const graph = graphNodes(region.ways.filter((w) => w.tags.junction !== 'roundabout'));
  for (const way of roundabouts) {
    assert.equal(way.refs[0], way.refs[way.refs.length - 1], `roundabout ${way.id} is closed`);
    let area = 0;
    for (let k = 1; k < way.refs.length; k++) {
      const [ax, ay] = metres(region.nodeById.get(way.refs[k - 1]!)!);
      const [bx, by] = metres(region.nodeById.get(way.refs[k]!)!);
      area += ax * by - bx * ay;
    }
    assert.ok(area > 0, `roundabout ${way.id} runs anticlockwise, as traffic keeps right`);
    assert.ok(way.refs.filter((ref) => graph.has(ref)).length >= 3, `streets join roundabout ${way.id}`);
  }
});

test('restricts turns with from and to ways that end at the via node, turning the way they say', () => {
  const kinds = new Set<string>();
  assert.ok(region.relations.length >= 4);
  for (const relation of region.relations) {
    assert.equal(relation.tags.type, 'restriction');
    const kind = relation.tags.restriction!;
    kinds.add(kind);
    const from = relation.members.filter((m) => m.role === 'from');
    const via = relation.members.filter((m) => m.role === 'via');
    const to = relation.members.filter((m) => m.role === 'to');
    assert.equal(from.length, 1);
    assert.equal(via.length, 1);
    assert.equal(to.length, 1);
    assert.equal(from[0]!.type, 'way');
    assert.equal(via[0]!.type, 'node');
    assert.equal(to[0]!.type, 'way');
    const viaId = via[0]!.ref;
    const fromWay = region.wayById.get(from[0]!.ref)!;
    const toWay = region.wayById.get(to[0]!.ref)!;
    const endsAt = (way: OsmWay): boolean => way.refs[0] === viaId || way.refs[way.refs.length - 1] === viaId;
    assert.ok(endsAt(fromWay), `relation ${relation.id}: from-way ${fromWay.id} does not end at via ${viaId}`);
    assert.ok(endsAt(toWay), `relation ${relation.id}: to-way ${toWay.id} does not end at via ${viaId}`);
    if (kind === 'no_u_turn') {
      assert.equal(fromWay.id, toWay.id);
      continue;
    }
    const neighbour = (way: OsmWay): OsmNode =>
      region.nodeById.get(way.refs[0] === viaId ? way.refs[1]! : way.refs[way.refs.length - 2]!)!;
    const [px, py] = metres(neighbour(fromWay));
    const [vx, vy] = metres(region.nodeById.get(viaId)!);
    const [nx, ny] = metres(neighbour(toWay));
    const inX = vx - px;
    const inY = vy - py;
    const outX = nx - vx;
    const outY = ny - vy;
    const sine = (inX * outY - inY * outX) / (Math.hypot(inX, inY) * Math.hypot(outX, outY));
    if (kind === 'no_left_turn') assert.ok(sine > 0.7, `relation ${relation.id} is a left turn`);
    if (kind === 'only_right_turn') assert.ok(sine < -0.7, `relation ${relation.id} is a right turn`);
    if (kind === 'only_straight_on') assert.ok(Math.abs(sine) < 0.3, `relation ${relation.id} goes straight on`);
  }
  for (const kind of ['no_left_turn', 'no_u_turn', 'only_straight_on', 'only_right_turn']) {
    assert.ok(kinds.has(kind), `no ${kind}`);
  }
});

test('puts traffic signals on intersections, and some for one direction only', () => {
  const carWayCount = new Map<number, number>();
  for (const way of region.ways) {
    if (!isCarWay(way)) continue;
    for (const ref of new Set(way.refs)) carWayCount.set(ref, (carWayCount.get(ref) ?? 0) + 1);
  }
  const signals = region.nodes.filter((n) => n.tags?.highway === 'traffic_signals');
  const atIntersections = signals.filter((n) => (carWayCount.get(n.id) ?? 0) >= 2);
  assert.ok(atIntersections.length >= 36, `${atIntersections.length} signalised intersections`);
  for (const signal of signals) {
    const onRoads = carWayCount.get(signal.id) ?? 0;
    assert.ok(onRoads >= 2 || (onRoads === 1 && signal.tags!.crossing === 'traffic_signals'), `signal ${signal.id}`);
  }
  const directed = signals.filter((n) => n.tags!['traffic_signals:direction'] !== undefined);
  assert.ok(directed.length > 0);
  assert.ok(directed.every((n) => ['forward', 'backward'].includes(n.tags!['traffic_signals:direction']!)));
});

test('offers parking of every kind with capacities, fees and hourly charges', () => {
  const parking = [...region.nodes, ...region.ways].filter((e) => e.tags?.amenity === 'parking').map((e) => e.tags!);
  assert.ok(parking.length >= 30 && parking.length <= 200, `${parking.length} car parks`);
  assert.deepEqual(
    new Set(parking.map((t) => t.parking)),
    new Set(['multi-storey', 'underground', 'surface', 'street_side']),
  );
  assert.deepEqual(new Set(parking.map((t) => t.access)), new Set(['yes', 'customers', 'private']));
  for (const tags of parking) {
    assert.match(tags.capacity ?? '', /^\d+$/);
    assert.ok(tags.fee === 'yes' || tags.fee === 'no');
    if (tags.charge !== undefined) assert.match(tags.charge, /^\d+ CNY\/hour$/);
    if (tags.opening_hours !== undefined) assert.match(tags.opening_hours, /^(?:\d\d:\d\d-\d\d:\d\d|24\/7|Mo-Su .+)$/);
  }
  assert.ok(parking.some((t) => t.fee === 'no') && parking.some((t) => t.charge !== undefined));
  assert.ok(parking.some((t) => t['capacity:charging'] !== undefined));
  assert.ok(parking.some((t) => t.parking === 'multi-storey' && t.opening_hours !== undefined));
  assert.ok(region.ways.some((w) => w.tags.amenity === 'parking' && w.refs[0] === w.refs[w.refs.length - 1]), 'a car park drawn as an area');
});

test('offers places to eat with many cuisines and opening hours in OSM syntax', () => {
  const food = region.nodes.filter((n) => FOOD.has(n.tags?.amenity ?? '')).map((n) => n.tags!);
  assert.ok(food.length >= 50 && food.length <= 200, `${food.length} places to eat`);
  assert.deepEqual(new Set(food.map((t) => t.amenity)), FOOD);
  const cuisines = new Set(food.flatMap((t) => (t.cuisine ?? '').split(';')));
  for (const cuisine of ['sichuan', 'cantonese', 'noodle', 'dumpling', 'hot_pot', 'coffee_shop']) {
    assert.ok(cuisines.has(cuisine), `no ${cuisine}`);
  }
  assert.ok(cuisines.size >= 12, `${cuisines.size} cuisines`);
  assert.ok(food.some((t) => t.cuisine?.includes(';')), 'a cuisine list');
  const hours = food.map((t) => t.opening_hours).filter((h) => h !== undefined);
  for (const h of hours) assert.match(h, OPENING_HOURS);
  assert.ok(hours.length < food.length, 'some places have unknown hours');
  assert.ok(hours.includes('24/7'));
  assert.ok(hours.some((h) => h.includes(' off')));
  assert.ok(hours.some((h) => /^Mo-Su 0\d:\d\d-1[01]:\d\d$/.test(h)), 'a breakfast place that closes mid-morning');
  assert.ok(food.some((t) => t.price_level !== undefined));
});

test('names roads, places and landmarks in Chinese and English', () => {
  const namedElements = [...region.nodes, ...region.ways].filter((e) => named(e.tags));
  assert.ok(namedElements.length > 500);
  for (const { tags } of namedElements) {
    assert.equal(tags!.name, tags!['name:zh']);
    assert.match(tags!.name!, CJK);
    assert.doesNotMatch(tags!['name:en'] ?? '', CJK);
    assert.ok(tags!['name:en']);
  }
  const englishNamed = region.ways.filter((w) => /^(Oak|Maple|Pine|Elm|Willow|Cedar|Birch|Chestnut|Laurel|Holly) /.test(w.tags['name:en'] ?? ''));
  assert.ok(englishNamed.length > 0, 'some streets named in English, like Oak Street');
  const landmark = (key: string, value: string): OsmNode | undefined => region.nodes.find((n) => n.tags?.[key] === value && named(n.tags));
  assert.equal(landmark('place', 'square')?.tags?.['name:en'], "People's Square");
  for (const [key, value] of [['railway', 'station'], ['amenity', 'hospital'], ['shop', 'mall']] as const) {
    assert.ok(landmark(key, value), `no named ${key}=${value}`);
  }
});

test('lets a car drive from any road node to any other', () => {
  const forward = new Map<number, number[]>();
  const backward = new Map<number, number[]>();
  const arc = (map: Map<number, number[]>, a: number, b: number): void => {
    const list = map.get(a);
    if (list) list.push(b);
    else map.set(a, [b]);
  };
  for (const way of region.ways) {
    if (!isCarWay(way)) continue;
    const oneway = way.tags.oneway === 'yes' || way.tags.junction === 'roundabout';
    for (let k = 1; k < way.refs.length; k++) {
      const a = way.refs[k - 1]!;
      const b = way.refs[k]!;
      arc(forward, a, b);
      arc(backward, b, a);
      if (!oneway) {
        arc(forward, b, a);
        arc(backward, a, b);
      }
    }
  }
  const roadNodes = new Set([...forward.keys(), ...backward.keys()]);
  const reach = (map: Map<number, number[]>): Set<number> => {
    const start = region.ways.find(isCarWay)!.refs[0]!;
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length > 0) {
      for (const next of map.get(queue.pop()!) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return seen;
  };
  assert.equal(reach(forward).size, roadNodes.size, 'every node is reachable');
  assert.equal(reach(backward).size, roadNodes.size, 'every node can be left');
});

test('makes 3,000 to 6,000 graph nodes by default', () => {
  const count = graphNodes(region.ways).size;
  assert.ok(count >= 3000 && count <= 6000, `${count} graph nodes`);
});

test('scales to 100,000 graph nodes within 15%, tiling districts joined by expressways', () => {
  // Stream and count, as the builder would, without keeping the elements.
  let seen = new Uint8Array(0);
  let lastNodeId = 0;
  let signals = 0;
  let food = 0;
  const expressways = new Set<string>();
  generateRegion(
    {
      node: (n) => {
        lastNodeId = n.id;
        if (n.tags?.highway === 'traffic_signals') signals++;
        if (FOOD.has(n.tags?.amenity ?? '')) food++;
      },
      way: (w) => {
        if (seen.length === 0) seen = new Uint8Array(lastNodeId + 1);
        if (!isCarWay(w)) return;
        if (w.tags.highway === 'motorway') expressways.add(w.tags.ref!);
        const last = w.refs.length - 1;
        const closed = w.refs[0] === w.refs[last];
        w.refs.forEach((ref, k) => {
          if (closed && k === last) return;
          seen[ref] = k === 0 || k === last || seen[ref] !== 0 ? 2 : 1;
        });
      },
      relation: () => {},
    },
    { targetGraphNodes: 100_000 },
  );
  const count = seen.reduce((sum, s) => sum + (s === 2 ? 1 : 0), 0);
  assert.ok(count >= 85_000 && count <= 115_000, `${count} graph nodes`);
  assert.ok(expressways.size >= 4, `${expressways.size} expressways`);
  const defaultSignals = region.nodes.filter((n) => n.tags?.highway === 'traffic_signals').length;
  const defaultFood = region.nodes.filter((n) => FOOD.has(n.tags?.amenity ?? '')).length;
  assert.ok(signals > 10 * defaultSignals && food > 10 * defaultFood, 'signals and places grow with the roads');
});

test('rejects a seed that is not an integer and a target that is not a positive number', () => {
  const sink: OsmSink = { node: () => {}, way: () => {}, relation: () => {} };
  assert.throws(() => generateRegion(sink, { seed: 1.5 }), RangeError);
  assert.throws(() => generateRegion(sink, { targetGraphNodes: 0 }), RangeError);
  assert.throws(() => generateRegion(sink, { targetGraphNodes: Number.NaN }), RangeError);
});
