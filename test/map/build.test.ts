import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { MapBuilder, buildMap } from '../../src/map/build.ts';
import { readOsmPbf } from '../../src/map/osm/pbf.ts';
import {
  RESTRICTION_NO,
  RESTRICTION_ONLY,
  ROAD_CLASSES,
  SEGMENT_BACKWARD,
  SEGMENT_FORWARD,
  SEGMENT_ROUNDABOUT,
  type CabinMap,
  type MapInfo,
  type OsmMember,
  type OsmRelation,
  type Tags,
} from '../../src/map/types.ts';

const INFO: Omit<MapInfo, 'bbox'> = {
  name: 'Fixture',
  source: 'handmade',
  timeZone: 'America/New_York',
  currency: 'USD',
  synthetic: true,
};

// Fixture nodes sit on a grid of 0.001° steps: [id, row (north), col (east), tags?].
const LAT0 = 39.3;
const LON0 = -76.6;
const STEP = 0.001;
type FixtureNode = [id: number, row: number, col: number, tags?: Tags];
type FixtureWay = [id: number, refs: number[], tags: Tags];

interface Fixture {
  nodes: FixtureNode[];
  ways: FixtureWay[];
  relations?: OsmRelation[];
}

function build({ nodes, ways, relations = [] }: Fixture): CabinMap {
  return buildMap(INFO, (sink) => {
    for (const [id, row, col, tags] of nodes) sink.node({ id, lat: LAT0 + row * STEP, lon: LON0 + col * STEP, tags });
    for (const [id, refs, tags] of ways) sink.way({ id, refs, tags });
    for (const relation of relations) sink.relation(relation);
  });
}

const EARTH_RADIUS_M = 6_371_008.8;

function distanceM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(a));
}

/** Length of a polyline through fixture grid points. */
function gridLengthM(points: [row: number, col: number][]): number {
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const [r1, c1] = points[i - 1]!;
    const [r2, c2] = points[i]!;
    total += distanceM(LAT0 + r1 * STEP, LON0 + c1 * STEP, LAT0 + r2 * STEP, LON0 + c2 * STEP);
  }
  return total;
}

interface SegmentView {
  index: number;
  from: number; // OSM ids
  to: number;
  shape: [lat: number, lon: number][];
  lengthM: number;
  flags: number;
  speedKmh: number;
  roadOsmId: number;
}

function segments(map: CabinMap): SegmentView[] {
  const r = map.roads;
  const views: SegmentView[] = [];
  for (let s = 0; s < r.segmentCount; s++) {
    const shape: [number, number][] = [];
    for (let p = r.segmentShapeStart[s]!; p < r.segmentShapeStart[s + 1]!; p++) {
      shape.push([r.shapeLatE7[p]! / 1e7, r.shapeLonE7[p]! / 1e7]);
    }
    views.push({
      index: s,
      from: r.nodeOsmId[r.segmentFrom[s]!]!,
      to: r.nodeOsmId[r.segmentTo[s]!]!,
      shape,
      lengthM: r.segmentLengthM[s]!,
      flags: r.segmentFlags[s]!,
      speedKmh: r.segmentSpeedKmh[s]!,
      roadOsmId: r.roadOsmId[r.segmentRoad[s]!]!,
    });
  }
  return views;
}

function segmentBetween(map: CabinMap, from: number, to: number): SegmentView {
  const found = segments(map).filter((s) => s.from === from && s.to === to);
  assert.equal(found.length, 1, `one segment ${from}→${to}`);
  return found[0]!;
}

function graphNode(map: CabinMap, osmId: number): number {
  const index = map.roads.nodeOsmId.indexOf(osmId);
  assert.ok(index >= 0, `node ${osmId} is a graph node`);
  return index;
}

function gridPoint(row: number, col: number): [number, number] {
  return [Math.round((LAT0 + row * STEP) * 1e7) / 1e7, Math.round((LON0 + col * STEP) * 1e7) / 1e7];
}

function assertClose(actual: number, expected: number, tolerance: number, message?: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${message ?? ''} ${actual} ≉ ${expected}`);
}

// A T-junction: a street 1–2–3–4–5 running east, a side street 3–6–7 running north from 3.
const T_JUNCTION: Fixture = {
  nodes: [
    [1, 0, 0],
    [2, 0, 0.5],
    [3, 0, 2],
    [4, 0, 3],
    [5, 0, 4],
    [6, 1, 2],
    [7, 2, 2],
  ],
  ways: [
    [10, [1, 2, 3, 4, 5], { highway: 'residential', name: 'Main Street' }],
    [11, [3, 6, 7], { highway: 'residential', name: 'Side Street' }],
  ],
};

test('splits ways into segments at shared nodes, with intermediate nodes as shape points', () => {
  const map = build(T_JUNCTION);
  assert.equal(map.roads.nodeCount, 4);
  assert.deepEqual([...map.roads.nodeOsmId].sort((a, b) => a - b), [1, 3, 5, 7]);
  assert.equal(map.roads.segmentCount, 3);

  const west = segmentBetween(map, 1, 3);
  assert.deepEqual(west.shape, [gridPoint(0, 0.5)]);
  assertClose(west.lengthM, gridLengthM([[0, 0], [0, 0.5], [0, 2]]), 0.01);
  const east = segmentBetween(map, 3, 5);
  assert.deepEqual(east.shape, [gridPoint(0, 3)]);
  assertClose(east.lengthM, gridLengthM([[0, 2], [0, 4]]), 0.01);
  const side = segmentBetween(map, 3, 7);
  assert.deepEqual(side.shape, [gridPoint(1, 2)]);
  assertClose(side.lengthM, 2 * 111.195, 0.01, 'two 0.001° steps north');

  assert.equal(west.flags, SEGMENT_FORWARD | SEGMENT_BACKWARD);
  assert.equal(west.roadOsmId, 10);
  assert.equal(side.roadOsmId, 11);
  assert.equal(west.speedKmh, 25);
});

test('builds one road per kept way with a deduplicated string table', () => {
  const map = build({
    nodes: [
      [1, 0, 0],
      [2, 0, 1],
      [3, 0, 2],
      [4, 5, 5],
    ],
    ways: [
      [10, [1, 2], { highway: 'primary', name: 'Main Street', 'name:zh': '主街', ref: 'US 40' }],
      [11, [2, 3], { highway: 'primary', name: 'Main Street', 'name:en': 'Main Street', ref: 'US 40' }],
      [12, [4], { highway: 'primary', name: 'Lonely Node Street' }],
    ],
  });
  const { roads, strings } = map;
  assert.equal(strings[0], '');
  assert.equal(new Set(strings).size, strings.length);
  assert.equal(roads.roadCount, 2, 'a way that makes no segment makes no road');
  assert.deepEqual([...roads.roadOsmId], [10, 11]);
  assert.deepEqual([...roads.roadClass], [ROAD_CLASSES.indexOf('primary'), ROAD_CLASSES.indexOf('primary')]);
  assert.equal(strings[roads.roadName[0]!], 'Main Street');
  assert.equal(roads.roadName[0], roads.roadName[1]);
  assert.equal(roads.roadNameEn[1], roads.roadName[1]);
  assert.equal(strings[roads.roadNameZh[0]!], '主街');
  assert.equal(roads.roadNameZh[1], 0);
  assert.equal(roads.roadNameEn[0], 0);
  assert.equal(strings[roads.roadRef[1]!], 'US 40');
  assert.equal(map.stats.roadWays, 2);
});

test('stores oneway, oneway=-1 and roundabout directions as segment flags', () => {
  const map = build({
    nodes: [
      [1, 0, 0],
      [2, 0, 1],
      [3, 1, 1],
      [4, 1, 0],
    ],
    ways: [
      [10, [1, 2], { highway: 'residential', oneway: 'yes' }],
      [11, [2, 3], { highway: 'residential', oneway: '-1' }],
      [12, [3, 4], { highway: 'primary', junction: 'roundabout' }],
      [13, [4, 1], { highway: 'motorway' }],
    ],
  });
  assert.equal(segmentBetween(map, 1, 2).flags, SEGMENT_FORWARD);
  assert.equal(segmentBetween(map, 2, 3).flags, SEGMENT_BACKWARD);
  assert.equal(segmentBetween(map, 3, 4).flags, SEGMENT_FORWARD | SEGMENT_ROUNDABOUT);
  assert.equal(segmentBetween(map, 4, 1).flags, SEGMENT_FORWARD);
});

test('leaves out ways cars may not use', () => {
  const map = build({
    nodes: [
      [1, 0, 0],
      [2, 0, 1],
      [3, 0, 2],
      [4, 1, 1],
    ],
    ways: [
      [10, [1, 2, 3], { highway: 'residential' }],
      [11, [2, 4], { highway: 'service', access: 'private' }],
      [12, [3, 4], { highway: 'footway' }],
    ],
  });
  assert.deepEqual([...map.roads.roadOsmId], [10]);
  assert.equal(map.roads.segmentCount, 1, 'node 2 is not shared with any car road');
  assert.deepEqual(segmentBetween(map, 1, 3).shape, [gridPoint(0, 1)]);
});

test('splits a ring way at its closing node and a way that revisits a node there', () => {
  const map = build({
    nodes: [
      [1, 0, 0],
      [2, 0, 1],
      [3, 1, 1],
      [4, 1, 0],
      [5, 5, 0],
      [6, 5, 1],
      [7, 6, 1],
      [8, 6, 2],
    ],
    ways: [
      [10, [1, 2, 3, 4, 1], { highway: 'service' }],
      [11, [5, 6, 7, 8, 6], { highway: 'service' }],
    ],
  });
  const ring = segmentBetween(map, 1, 1);
  assert.equal(ring.shape.length, 3);
  assertClose(ring.lengthM, gridLengthM([[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]), 0.01);
  assert.equal(segmentBetween(map, 5, 6).shape.length, 0);
  assert.deepEqual(segmentBetween(map, 6, 6).shape, [gridPoint(6, 1), gridPoint(6, 2)]);
});

test('drops a zero-length step from a node to itself', () => {
  const map = build({
    nodes: [
      [1, 0, 0],
      [2, 0, 1],
      [3, 0, 2],
    ],
    ways: [[10, [1, 2, 2, 3], { highway: 'residential' }]],
  });
  assert.equal(map.roads.segmentCount, 2);
  segmentBetween(map, 1, 2);
  segmentBetween(map, 2, 3);
});

test('never bridges a gap left by nodes missing from the extract', () => {
  const map = build({
    nodes: [
      [1, 0, 0],
      [2, 0, 1],
      [3, 0, 2],
      [4, 0, 3],
      [5, 0, 4],
    ],
    ways: [[10, [1, 2, 99, 3, 4, 5], { highway: 'residential' }]],
  });
  assert.equal(map.roads.segmentCount, 2);
  assert.equal(segmentBetween(map, 1, 2).shape.length, 0);
  assert.deepEqual(segmentBetween(map, 3, 5).shape, [gridPoint(0, 3)]);
  assert.equal(map.roads.roadCount, 1);
});

// A crossroads at node 100: arms west (way 1, driving in), east (2), north (3), south (4, driving in).
const CROSSROADS: Fixture = {
  nodes: [
    [100, 0, 0],
    [101, 0, -1],
    [102, 0, 1],
    [103, 1, 0],
    [104, -1, 0],
  ],
  ways: [
    [1, [101, 100], { highway: 'secondary' }],
    [2, [100, 102], { highway: 'secondary' }],
    [3, [100, 103], { highway: 'secondary' }],
    [4, [104, 100], { highway: 'secondary' }],
  ],
};

let nextRelationId = 1000;
function restriction(tags: Tags, from: number, via: number, to: number, viaType: 'node' | 'way' = 'node'): OsmRelation {
  const members: OsmMember[] = [
    { type: 'way', ref: from, role: 'from' },
    { type: viaType, ref: via, role: 'via' },
    { type: 'way', ref: to, role: 'to' },
  ];
  return { id: nextRelationId++, members, tags: { type: 'restriction', ...tags } };
}

test('honours a no_left_turn and an only_straight_on restriction at a crossroads', () => {
  const map = build({
    ...CROSSROADS,
    relations: [
      restriction({ restriction: 'no_left_turn' }, 1, 100, 3),
      restriction({ restriction: 'only_straight_on' }, 4, 100, 3),
    ],
  });
  const r = map.roads;
  assert.equal(r.restrictionCount, 2);
  assert.equal(map.stats.restrictionsApplied, 2);
  assert.deepEqual(map.stats.restrictionsSkipped, {});
  const via = graphNode(map, 100);
  assert.deepEqual(
    [r.restrictionFrom[0], r.restrictionVia[0], r.restrictionTo[0], r.restrictionKind[0]],
    [segmentBetween(map, 101, 100).index, via, segmentBetween(map, 100, 103).index, RESTRICTION_NO],
  );
  assert.deepEqual(
    [r.restrictionFrom[1], r.restrictionVia[1], r.restrictionTo[1], r.restrictionKind[1]],
    [segmentBetween(map, 104, 100).index, via, segmentBetween(map, 100, 103).index, RESTRICTION_ONLY],
  );
});

// A main street 201–200–202 passing through junction 200, a side street 200–203 to the north.
function throughJunction(mainTags: Tags, relations: OsmRelation[]): CabinMap {
  return build({
    nodes: [
      [200, 0, 0],
      [201, 0, -1],
      [202, 0, 1],
      [203, 1, 0],
    ],
    ways: [
      [20, [201, 200, 202], { highway: 'primary', ...mainTags }],
      [21, [200, 203], { highway: 'residential' }],
    ],
    relations,
  });
}

test('skips a restriction whose from-way passes through the via node both ways', () => {
  const map = throughJunction({}, [restriction({ restriction: 'no_left_turn' }, 20, 200, 21)]);
  assert.equal(map.roads.restrictionCount, 0);
  assert.deepEqual(map.stats.restrictionsSkipped, { 'from-way passes through via node': 1 });
});

test('resolves a oneway way through the via node to the one segment cars can use there', () => {
  const map = throughJunction({ oneway: 'yes' }, [
    restriction({ restriction: 'no_left_turn' }, 20, 200, 21),
    restriction({ restriction: 'only_left_turn' }, 21, 200, 20),
  ]);
  const r = map.roads;
  assert.equal(map.stats.restrictionsApplied, 2);
  assert.equal(r.restrictionFrom[0], segmentBetween(map, 201, 200).index);
  assert.equal(r.restrictionTo[1], segmentBetween(map, 200, 202).index);
});

test('skips a via-way restriction and counts the reason', () => {
  const map = build({ ...CROSSROADS, relations: [restriction({ restriction: 'no_u_turn' }, 1, 2, 3, 'way')] });
  assert.equal(map.roads.restrictionCount, 0);
  assert.equal(map.stats.restrictionsApplied, 0);
  assert.deepEqual(map.stats.restrictionsSkipped, { 'via-way': 1 });
});

test('skips restrictions for other vehicles, conditional ones and those that except cars', () => {
  const map = build({
    ...CROSSROADS,
    relations: [
      restriction({ 'restriction:hgv': 'no_left_turn' }, 1, 100, 3),
      restriction({ 'restriction:conditional': 'no_left_turn @ (Mo-Fr 07:00-09:00)' }, 1, 100, 3),
      restriction({ restriction: 'no_left_turn', except: 'bicycle;motorcar' }, 1, 100, 3),
      restriction({ restriction: 'give_way' }, 1, 100, 3),
      restriction({ restriction: 'no_left_turn', 'restriction:motorcar': 'only_straight_on' }, 1, 100, 2),
    ],
  });
  assert.deepEqual(map.stats.restrictionsSkipped, {
    'not for cars': 1,
    'conditional only': 1,
    'except cars': 1,
    'unknown restriction value': 1,
  });
  assert.equal(map.stats.restrictionsApplied, 1);
  assert.equal(map.roads.restrictionKind[0], RESTRICTION_ONLY, 'restriction:motorcar wins over restriction');
});

test('skips restrictions whose members are missing, not car roads, or not at the via node', () => {
  const map = build({
    nodes: [...CROSSROADS.nodes, [105, 2, 0]],
    ways: [...CROSSROADS.ways, [5, [103, 105], { highway: 'footway' }]],
    relations: [
      restriction({ restriction: 'no_left_turn' }, 1, 100, 5),
      restriction({ restriction: 'no_left_turn' }, 1, 100, 77),
      restriction({ restriction: 'no_left_turn' }, 1, 103, 3),
      restriction({ restriction: 'no_left_turn' }, 1, 999, 3),
      { id: 1, members: [{ type: 'way', ref: 1, role: 'from' }], tags: { type: 'restriction', restriction: 'no_left_turn' } },
    ],
  });
  assert.deepEqual(map.stats.restrictionsSkipped, {
    'to-way not a car road': 1,
    'to-way not in extract': 1,
    'via node not on from-way': 1,
    'via node not in extract': 1,
    'missing from/via/to member': 1,
  });
  assert.equal(map.roads.restrictionCount, 0);
});

test('places a signal between intersections on its segment at the fraction along it', () => {
  const map = build({
    nodes: T_JUNCTION.nodes.map(([id, row, col]): FixtureNode =>
      id === 2 ? [id, row, col, { highway: 'traffic_signals', 'traffic_signals:direction': 'forward' }] : [id, row, col],
    ),
    ways: T_JUNCTION.ways,
  });
  assert.equal(map.signals.length, 1);
  const signal = map.signals[0]!;
  assert.equal(signal.osmId, 2);
  assert.equal(signal.node, undefined);
  assert.equal(signal.segment, segmentBetween(map, 1, 3).index);
  assertClose(signal.fraction!, 0.25, 1e-6);
  assert.equal(signal.direction, 'forward');
  assert.deepEqual(signal.roads, [0]);
  assert.equal(map.stats.signals, 1);
});

test('places a signal at an intersection on its graph node, with every road meeting there', () => {
  const map = build({
    nodes: T_JUNCTION.nodes.map(([id, row, col]): FixtureNode =>
      id === 3 ? [id, row, col, { highway: 'traffic_signals' }] : [id, row, col],
    ),
    ways: T_JUNCTION.ways,
  });
  const signal = map.signals[0]!;
  assert.equal(signal.node, graphNode(map, 3));
  assert.equal(signal.segment, undefined);
  assert.equal(signal.fraction, undefined);
  assert.equal(signal.direction, undefined);
  assert.deepEqual(signal.roads, [0, 1]);
  assertClose(signal.lat, LAT0, 1e-9);
  assertClose(signal.lon, LON0 + 2 * STEP, 1e-9);
});

test('keeps a signal on no car road, with no roads', () => {
  const map = build({
    nodes: [...T_JUNCTION.nodes, [50, 9, 9, { highway: 'traffic_signals' }]],
    ways: T_JUNCTION.ways,
  });
  assert.deepEqual(map.signals.map((s) => ({ osmId: s.osmId, roads: s.roads })), [{ osmId: 50, roads: [] }]);
});

test('turns parking and food nodes into places', () => {
  const map = build({
    nodes: [
      [1, 0, 0, { amenity: 'parking', name: 'Lot A', fee: 'no' }],
      [2, 0, 1, { amenity: 'restaurant', cuisine: 'crab' }],
      [3, 0, 2, { amenity: 'parking_space' }],
    ],
    ways: [],
  });
  assert.deepEqual(map.parking.map((p) => [p.osmId, p.name, p.fee]), [['n1', 'Lot A', 'no']]);
  assert.deepEqual(map.food.map((f) => [f.osmId, f.cuisine]), [['n2', ['crab']]]);
  assert.equal(map.stats.parking, 1);
  assert.equal(map.stats.food, 1);
});

test('turns a closed parking way into a place at its centroid', () => {
  const map = build({
    nodes: [
      [1, 10, 10],
      [2, 10, 14],
      [3, 12, 14],
      [4, 12, 10],
      [5, 11, 11],
    ],
    ways: [
      [30, [1, 2, 3, 4, 1], { amenity: 'parking', parking: 'surface' }],
      [31, [1, 5, 2], { amenity: 'cafe' }],
    ],
  });
  const lot = map.parking[0]!;
  assert.equal(lot.osmId, 'w30');
  assert.equal(lot.parking, 'surface');
  assertClose(lot.lat, LAT0 + 11 * STEP, 1e-9);
  assertClose(lot.lon, LON0 + 12 * STEP, 1e-9);
  const cafe = map.food[0]!;
  assert.equal(cafe.osmId, 'w31');
  assertClose(cafe.lat, LAT0 + (10 + 11 + 10) / 3 * STEP, 1e-9, 'an open way is placed at the mean of its nodes');
});

test('turns a multipolygon parking relation into a place at the centroid of its outer ways', () => {
  const map = build({
    nodes: [
      [1, 0, 0],
      [2, 0, 2],
      [3, 2, 2],
      [4, 2, 0],
      [5, 0, 10],
      [6, 0, 12],
      [7, 2, 12],
      [8, 2, 10],
      [9, 0.5, 0.5],
      [10, 0.5, 1],
      [11, 1, 1],
    ],
    ways: [
      [40, [1, 2, 3, 4, 1], {}],
      [41, [5, 6, 7, 8, 5], { building: 'yes' }],
      [42, [9, 10, 11, 9], {}],
    ],
    relations: [
      {
        id: 7,
        members: [
          { type: 'way', ref: 40, role: 'outer' },
          { type: 'way', ref: 41, role: 'outer' },
          { type: 'way', ref: 42, role: 'inner' },
          { type: 'way', ref: 43, role: 'outer' },
        ],
        tags: { type: 'multipolygon', amenity: 'parking', name: 'Stadium Lots' },
      },
    ],
  });
  assert.equal(map.parking.length, 1);
  const lot = map.parking[0]!;
  assert.equal(lot.osmId, 'r7');
  assert.equal(lot.name, 'Stadium Lots');
  assertClose(lot.lat, LAT0 + 1 * STEP, 1e-9);
  assertClose(lot.lon, LON0 + 6 * STEP, 1e-9);
});

test('finds a multipolygon place whose relation comes before its ways, as in osmconvert extracts', () => {
  const map = buildMap(INFO, (sink) => {
    for (const [id, row, col] of [[1, 0, 0], [2, 0, 2], [3, 2, 2], [4, 2, 0]] as const) {
      sink.node({ id, lat: LAT0 + row * STEP, lon: LON0 + col * STEP, tags: undefined });
    }
    sink.relation({
      id: 8,
      members: [{ type: 'way', ref: 40, role: 'outer' }],
      tags: { type: 'multipolygon', amenity: 'parking', name: 'Early Lot' },
    });
    sink.way({ id: 40, refs: [1, 2, 3, 4, 1], tags: {} });
  });
  assert.deepEqual(map.parking.map((p) => p.osmId), ['r8']);
});

test('reports the bounding box of the road network and the import counts', () => {
  const map = build({
    nodes: [...T_JUNCTION.nodes, [60, 50, 50, { amenity: 'cafe' }]],
    ways: [...T_JUNCTION.ways, [12, [6, 60], { highway: 'footway' }]],
    relations: [{ id: 1, members: [], tags: { type: 'route' } }],
  });
  const [minLat, minLon] = gridPoint(0, 0);
  const [maxLat, maxLon] = gridPoint(2, 4);
  assert.deepEqual(map.info, { ...INFO, bbox: [minLon, minLat, maxLon, maxLat] });
  assert.deepEqual(map.stats, {
    osmNodes: 8,
    osmWays: 3,
    osmRelations: 1,
    roadWays: 2,
    restrictionsApplied: 0,
    restrictionsSkipped: {},
    parking: 0,
    food: 1,
    signals: 0,
  });
});

test('rejects a node that arrives after ways', () => {
  const builder = new MapBuilder(INFO);
  builder.node({ id: 1, lat: 0, lon: 0, tags: undefined });
  builder.way({ id: 1, refs: [1], tags: {} });
  assert.throws(() => builder.node({ id: 2, lat: 0, lon: 0, tags: undefined }), /node 2 arrived after ways/);
});

test('accepts node ids in any order', () => {
  const map = build({
    nodes: [
      [3, 0, 2],
      [1, 0, 0],
      [2, 0, 1],
    ],
    ways: [[10, [1, 2, 3], { highway: 'residential' }]],
  });
  assert.deepEqual(segmentBetween(map, 1, 3).shape, [gridPoint(0, 1)]);
});

test('splits every way into segments that chain end to end and add up to its length', () => {
  // Nodes 1..8 exist, 9 and 10 do not; every node has its own position.
  const position = (id: number): [number, number] => [(id * 7) % 5, id];
  const nodes: FixtureNode[] = [1, 2, 3, 4, 5, 6, 7, 8].map((id) => [id, ...position(id)]);
  const wayRefs = fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 8 });
  fc.assert(
    fc.property(fc.array(wayRefs, { minLength: 1, maxLength: 5 }), (refsOfWays) => {
      const ways: FixtureWay[] = refsOfWays.map((refs, i) => [i + 1, refs, { highway: 'residential' }]);
      const map = build({ nodes, ways });
      const graphNodes = new Set(map.roads.nodeOsmId);
      const views = segments(map);
      for (const [wayId, refs] of ways) {
        let expected = 0;
        for (let i = 1; i < refs.length; i++) {
          if (refs[i - 1]! <= 8 && refs[i]! <= 8) expected += gridLengthM([position(refs[i - 1]!), position(refs[i]!)]);
        }
        const own = views.filter((s) => s.roadOsmId === wayId);
        const total = own.reduce((sum, s) => sum + s.lengthM, 0);
        assertClose(total, expected, 0.01 + expected * 1e-6, `way ${wayId} ${refs.join(',')}`);
        for (const s of own) {
          const points = [position(s.from), ...s.shape.map(([lat, lon]) => [Math.round((lat - LAT0) / STEP), Math.round((lon - LON0) / STEP)] as [number, number]), position(s.to)];
          assertClose(s.lengthM, gridLengthM(points), 0.01);
          for (const [, col] of points.slice(1, -1)) assert.ok(!graphNodes.has(col), 'a graph node is never a shape point');
        }
      }
    }),
    { numRuns: 200 },
  );
});

// Real data: the Baltimore city-centre extract (see ../shared/data/osm/SOURCES.md).
const BALTIMORE = new URL('../../../shared/data/osm/baltimore.osm.pbf', import.meta.url);
let baltimore: CabinMap | undefined;
function baltimoreMap(): CabinMap {
  baltimore ??= buildMap({ ...INFO, name: 'Baltimore', source: 'OpenStreetMap (ODbL)' }, (sink) =>
    readOsmPbf(readFileSync(BALTIMORE), sink, { source: 'baltimore.osm.pbf' }),
  );
  return baltimore;
}

test('builds Baltimore into a road network with restrictions, signals, parking and food', () => {
  const map = baltimoreMap();
  const { roads, stats } = map;
  assert.ok(roads.segmentCount > 2000, `${roads.segmentCount} segments`);
  assert.ok(roads.nodeCount > 2000, `${roads.nodeCount} graph nodes`);
  assert.ok(stats.roadWays > 1000, `${stats.roadWays} road ways`);
  assert.ok(stats.restrictionsApplied > 0, 'some turn restrictions apply');
  assert.equal(roads.restrictionCount, stats.restrictionsApplied);
  assert.ok(stats.signals > 200 && stats.signals < 600, `${stats.signals} signals`);
  assert.ok(map.signals.filter((s) => s.roads.length > 0).length > stats.signals * 0.9, 'most signals are on car roads');
  assert.ok(stats.parking > 50, `${stats.parking} parking places`);
  assert.ok(stats.food > 50, `${stats.food} food places`);
  const [minLon, minLat, maxLon, maxLat] = map.info.bbox;
  assert.ok(minLon > -76.7 && maxLon < -76.4 && minLat > 39.2 && maxLat < 39.4, `bbox ${map.info.bbox.join(',')}`);
  assert.ok(map.strings.some((name) => name === 'East Baltimore Street'), 'street names are kept');
});

test('gives every Baltimore segment a direction, a road and a length that fits its shape', () => {
  const { roads } = baltimoreMap();
  for (let s = 0; s < roads.segmentCount; s++) {
    assert.ok(roads.segmentFlags[s]! & (SEGMENT_FORWARD | SEGMENT_BACKWARD));
    assert.ok(roads.segmentFrom[s]! < roads.nodeCount && roads.segmentTo[s]! < roads.nodeCount);
    assert.ok(roads.segmentRoad[s]! < roads.roadCount);
    assert.ok(roads.segmentSpeedKmh[s]! >= 5 && roads.segmentSpeedKmh[s]! <= 130);
    const from = roads.segmentFrom[s]!;
    const to = roads.segmentTo[s]!;
    let lat = roads.nodeLatE7[from]! / 1e7;
    let lon = roads.nodeLonE7[from]! / 1e7;
    let length = 0;
    for (let p = roads.segmentShapeStart[s]!; p <= roads.segmentShapeStart[s + 1]!; p++) {
      const last = p === roads.segmentShapeStart[s + 1]!;
      const nextLat = (last ? roads.nodeLatE7[to]! : roads.shapeLatE7[p]!) / 1e7;
      const nextLon = (last ? roads.nodeLonE7[to]! : roads.shapeLonE7[p]!) / 1e7;
      length += distanceM(lat, lon, nextLat, nextLon);
      lat = nextLat;
      lon = nextLon;
    }
    assertClose(roads.segmentLengthM[s]!, length, 0.01 + length * 1e-6, `segment ${s}`);
    assert.ok(length > 0, `segment ${s} has a length`);
  }
  for (let r = 0; r < roads.restrictionCount; r++) {
    const via = roads.restrictionVia[r]!;
    for (const segment of [roads.restrictionFrom[r]!, roads.restrictionTo[r]!]) {
      assert.ok(roads.segmentFrom[segment] === via || roads.segmentTo[segment] === via, `restriction ${r} touches its via node`);
    }
  }
});
