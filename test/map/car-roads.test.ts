import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SPEED_KMH,
  carRoad,
  parseMaxspeed,
  roadClassIndex,
} from '../../src/map/osm/car-roads.ts';
import {
  ROAD_CLASSES,
  SEGMENT_BACKWARD,
  SEGMENT_FORWARD,
  SEGMENT_ROUNDABOUT,
  SEGMENT_TOLL,
  type Tags,
} from '../../src/map/types.ts';

const BOTH = SEGMENT_FORWARD | SEGMENT_BACKWARD;

function directions(tags: Tags): number | undefined {
  const road = carRoad(tags);
  return road && road.flags & BOTH;
}

test('lets cars use every road class in ROAD_CLASSES, with its class index', () => {
  ROAD_CLASSES.forEach((highway, index) => {
    assert.equal(carRoad({ highway })?.roadClass, index, highway);
  });
});

test('rejects paths, tracks, areas and roads under construction or proposed', () => {
  for (const highway of ['footway', 'cycleway', 'path', 'steps', 'pedestrian', 'track', 'construction', 'proposed']) {
    assert.equal(carRoad({ highway }), undefined, highway);
  }
  assert.equal(roadClassIndex('bus_guideway'), -1);
  assert.equal(carRoad({ highway: 'service', area: 'yes' }), undefined);
  assert.equal(carRoad({ highway: 'residential', construction: 'yes' }), undefined);
  assert.equal(carRoad({ highway: 'primary', proposed: 'motorway' }), undefined);
  assert.ok(carRoad({ highway: 'residential', construction: 'minor' }), 'minor works leave the road open');
});

test('excludes ways closed to cars by access tags', () => {
  for (const access of ['no', 'private', 'agricultural', 'forestry', 'delivery', 'agricultural;forestry']) {
    assert.equal(carRoad({ highway: 'residential', access }), undefined, access);
  }
  assert.equal(carRoad({ highway: 'residential', motor_vehicle: 'no' }), undefined);
  assert.equal(carRoad({ highway: 'residential', motorcar: 'private' }), undefined);
  assert.equal(carRoad({ highway: 'residential', vehicle: 'no' }), undefined);
});

test('keeps ways open to cars by access tags', () => {
  for (const access of ['yes', 'designated', 'permissive', 'destination', 'customers', 'destination;delivery']) {
    assert.ok(carRoad({ highway: 'residential', access }), access);
  }
});

test('lets the most specific access tag win', () => {
  assert.ok(carRoad({ highway: 'service', access: 'private', motorcar: 'yes' }));
  assert.ok(carRoad({ highway: 'service', access: 'no', motor_vehicle: 'destination' }));
  assert.ok(carRoad({ highway: 'service', vehicle: 'no', motorcar: 'permissive' }));
  assert.equal(carRoad({ highway: 'service', access: 'yes', motor_vehicle: 'no' }), undefined);
  assert.equal(carRoad({ highway: 'service', motor_vehicle: 'yes', motorcar: 'no' }), undefined);
  // A value that says nothing about cars defers to the next key.
  assert.equal(carRoad({ highway: 'service', access: 'private', motorcar: 'unknown' }), undefined);
});

test('keeps parking aisles and driveways as service roads', () => {
  const service = ROAD_CLASSES.indexOf('service');
  assert.equal(carRoad({ highway: 'service', service: 'parking_aisle' })?.roadClass, service);
  assert.equal(carRoad({ highway: 'service', service: 'driveway' })?.roadClass, service);
  assert.equal(carRoad({ highway: 'service', service: 'emergency_access' }), undefined);
});

test('drives oneway streets forward only and oneway=-1 streets backward only', () => {
  assert.equal(directions({ highway: 'residential' }), BOTH);
  for (const oneway of ['yes', 'true', '1']) assert.equal(directions({ highway: 'residential', oneway }), SEGMENT_FORWARD);
  for (const oneway of ['-1', 'reverse']) assert.equal(directions({ highway: 'residential', oneway }), SEGMENT_BACKWARD);
  assert.equal(directions({ highway: 'residential', oneway: 'no' }), BOTH);
});

test('treats roundabouts and motorways as oneway unless tagged oneway=no', () => {
  const roundabout = carRoad({ highway: 'primary', junction: 'roundabout' });
  assert.equal(roundabout?.flags, SEGMENT_FORWARD | SEGMENT_ROUNDABOUT);
  assert.equal(directions({ highway: 'tertiary', junction: 'circular' }), SEGMENT_FORWARD);
  assert.equal(directions({ highway: 'motorway' }), SEGMENT_FORWARD);
  assert.equal(directions({ highway: 'motorway_link' }), SEGMENT_FORWARD);
  assert.equal(directions({ highway: 'motorway', oneway: 'no' }), BOTH);
  assert.equal(directions({ highway: 'primary', junction: 'roundabout', oneway: 'no' }), BOTH);
});

test('lets oneway:motorcar and oneway:motor_vehicle override oneway', () => {
  assert.equal(directions({ highway: 'residential', oneway: 'yes', 'oneway:motorcar': 'no' }), BOTH);
  assert.equal(directions({ highway: 'residential', 'oneway:motor_vehicle': '-1' }), SEGMENT_BACKWARD);
  assert.equal(directions({ highway: 'residential', oneway: 'yes', 'oneway:bicycle': 'no' }), SEGMENT_FORWARD);
});

test('does not route over reversible or alternating ways', () => {
  assert.equal(carRoad({ highway: 'primary', oneway: 'reversible' }), undefined);
  assert.equal(carRoad({ highway: 'primary', oneway: 'alternating' }), undefined);
});

test('marks toll roads', () => {
  assert.equal(carRoad({ highway: 'motorway', toll: 'yes' })!.flags & SEGMENT_TOLL, SEGMENT_TOLL);
  assert.equal(carRoad({ highway: 'motorway', toll: 'no' })!.flags & SEGMENT_TOLL, 0);
});

test('reads maxspeed in km/h from numbers, units and zone values', () => {
  assert.equal(carRoad({ highway: 'residential', maxspeed: '30 mph' })?.speedKmh, 48);
  assert.equal(carRoad({ highway: 'residential', maxspeed: '30mph' })?.speedKmh, 48);
  assert.equal(carRoad({ highway: 'primary', maxspeed: '70' })?.speedKmh, 70);
  assert.equal(carRoad({ highway: 'primary', maxspeed: '70 km/h' })?.speedKmh, 70);
  assert.equal(carRoad({ highway: 'primary', maxspeed: 'DE:urban' })?.speedKmh, 50);
  assert.equal(carRoad({ highway: 'primary', maxspeed: 'CH:rural' })?.speedKmh, 80);
  assert.equal(carRoad({ highway: 'residential', maxspeed: 'DE:zone30' })?.speedKmh, 30);
  assert.equal(carRoad({ highway: 'residential', maxspeed: 'DE:zone:30' })?.speedKmh, 30);
  assert.equal(carRoad({ highway: 'motorway', maxspeed: 'none' })?.speedKmh, 130);
  assert.equal(carRoad({ highway: 'living_street', maxspeed: 'walk' })?.speedKmh, 7);
  assert.equal(parseMaxspeed('60;40'), 40);
});

test('clamps tagged speeds to 5..130 km/h', () => {
  assert.equal(carRoad({ highway: 'motorway', maxspeed: '200' })?.speedKmh, 130);
  assert.equal(carRoad({ highway: 'service', maxspeed: '3' })?.speedKmh, 5);
});

test('falls back to the class default when maxspeed is missing or not a number', () => {
  for (const highway of ROAD_CLASSES) {
    assert.equal(carRoad({ highway })?.speedKmh, DEFAULT_SPEED_KMH[highway], highway);
  }
  assert.equal(carRoad({ highway: 'primary', maxspeed: 'signals' })?.speedKmh, DEFAULT_SPEED_KMH.primary);
  assert.equal(carRoad({ highway: 'primary', maxspeed: 'XX:urban' })?.speedKmh, DEFAULT_SPEED_KMH.primary);
});

test('uses the lower directional maxspeed on two-way roads and the matching one on oneways', () => {
  const tags = { highway: 'primary', maxspeed: '70', 'maxspeed:forward': '60', 'maxspeed:backward': '40' };
  assert.equal(carRoad(tags)?.speedKmh, 40);
  assert.equal(carRoad({ ...tags, oneway: 'yes' })?.speedKmh, 60);
  assert.equal(carRoad({ ...tags, oneway: '-1' })?.speedKmh, 40);
  assert.equal(carRoad({ highway: 'primary', maxspeed: '70', 'maxspeed:backward': '40', oneway: 'yes' })?.speedKmh, 70);
});
