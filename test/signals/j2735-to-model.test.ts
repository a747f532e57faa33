import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeFrameAt,
  decodeJ2735,
  decodeSignalMessage,
  find1609Dot2Payload,
  resolveMessageTime,
  resolveTimeMark,
  toModel,
  type J2735Frame,
  type MapData,
  type SPAT,
} from '../../src/signals/j2735/index.ts';
import type { MapMessage, SpatMessage } from '../../src/signals/model.ts';
import { j2735decoderPayloads, sampleGunzip, sampleText } from './j2735-support.ts';

function ok<T>(result: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!result.ok) assert.fail(result.error);
  return result.value;
}

const at = (iso: string) => Date.parse(iso);

describe('J2735 TimeMark resolution', () => {
  it('places a mark in the hour of the message time', () => {
    assert.equal(resolveTimeMark(22120, at('2024-12-10T17:34:35.176Z')), at('2024-12-10T17:36:52.000Z'));
  });

  it('rolls into the next hour when the message is sent just before it', () => {
    assert.equal(resolveTimeMark(50, at('2024-12-10T17:59:50Z')), at('2024-12-10T18:00:05Z'));
  });

  it('rolls back into the previous hour for a mark that has just passed', () => {
    assert.equal(resolveTimeMark(35990, at('2024-12-10T18:00:05Z')), at('2024-12-10T17:59:59Z'));
  });

  it('keeps the result within 30 minutes of the message time', () => {
    const message = at('2024-12-10T17:10:00Z');
    for (let mark = 0; mark <= 36000; mark += 7) {
      assert.ok(Math.abs(resolveTimeMark(mark, message)! - message) <= 1_800_000, `mark ${mark}`);
    }
  });

  it('reads 36000 as the leap second at the end of the hour', () => {
    assert.equal(resolveTimeMark(36000, at('2016-12-31T23:59:59Z')), at('2017-01-01T00:00:00Z'));
  });

  it('gives no time for the unknown marks of 2016/2020 (36001) and 2024 (36111)', () => {
    assert.equal(resolveTimeMark(36001, at('2024-12-10T17:34:35Z')), undefined);
    assert.equal(resolveTimeMark(36111, at('2024-12-10T17:34:35Z')), undefined);
  });
});

describe('J2735 message time resolution', () => {
  it('takes the year from the caller and adds minute of the year and milliseconds', () => {
    // 2024 is a leap year: day 345 (10 December) starts at minute 344 × 1440.
    const moy = 344 * 1440 + 17 * 60 + 34;
    assert.equal(resolveMessageTime(moy, 35176, at('2024-12-10T17:34:40Z')), at('2024-12-10T17:34:35.176Z'));
  });

  it("reads a message from 31 December received on 1 January as last year's", () => {
    assert.equal(resolveMessageTime(527039, 59000, at('2025-01-01T00:00:02Z')), at('2024-12-31T23:59:59Z'));
  });

  it("reads a message from 1 January received on 31 December as next year's", () => {
    assert.equal(resolveMessageTime(0, 1000, at('2024-12-31T23:59:59.500Z')), at('2025-01-01T00:00:01Z'));
  });

  it('gives no time for the invalid minute 527040', () => {
    assert.equal(resolveMessageTime(527040, 0, at('2024-12-10T17:34:40Z')), undefined);
  });
});

describe('J2735 SPaT to the model', () => {
  const spatHex = /<asn1>\s*([0-9A-F]+)\s*<\/asn1>/.exec(sampleText('jpo-ode/decoder-output-spat.xml'))![1]!;
  const received = at('2024-12-10T17:34:40.359Z');

  it('resolves the ODE SPaT (DSecond, no minute) against the receive time, hour and minute included', () => {
    const message = ok(decodeSignalMessage(spatHex, received)) as SpatMessage;
    const intersection = message.intersections[0]!;
    assert.deepEqual(intersection.ref, { region: 0, id: 12111 });
    assert.equal(intersection.timestamp, at('2024-12-10T17:34:35.176Z'));
    const group2 = intersection.groups.find((g) => g.signalGroup === 2)!;
    assert.deepEqual(group2.events, [
      {
        phase: 'protected-movement-allowed',
        timing: { minEndTime: at('2024-12-10T17:36:52.000Z'), maxEndTime: at('2024-12-10T17:36:52.100Z') },
      },
    ]);
    assert.deepEqual(
      intersection.groups.map((g) => [g.signalGroup, g.events[0]!.phase]),
      [
        [2, 'protected-movement-allowed'],
        [4, 'stop-and-remain'],
        [6, 'protected-movement-allowed'],
        [8, 'stop-and-remain'],
        [1, 'stop-and-remain'],
        [5, 'stop-and-remain'],
      ],
    );
  });

  it('maps every J2735 MovementPhaseState to the model phase of the same value', () => {
    const spat: SPAT = {
      intersections: [
        {
          id: { id: 1 },
          revision: 0,
          status: 0,
          states: (['unavailable', 'dark', 'stopThenProceed', 'stopAndRemain', 'preMovement', 'permissiveMovementAllowed', 'protectedMovementAllowed', 'permissiveClearance', 'protectedClearance', 'cautionConflictingTraffic'] as const).map(
            (eventState, signalGroup) => ({ signalGroup, stateTimeSpeed: [{ eventState }] }),
          ),
        },
      ],
    };
    const message = toModel({ messageId: 19, value: spat }, received) as SpatMessage;
    assert.deepEqual(
      message.intersections[0]!.groups.map((g) => g.events[0]!.phase),
      ['unavailable', 'dark', 'stop-then-proceed', 'stop-and-remain', 'pre-movement', 'permissive-movement-allowed', 'protected-movement-allowed', 'permissive-clearance', 'protected-clearance', 'caution-conflicting-traffic'],
    );
  });

  it('uses the minute of the year of SPaT_1 and leaves unknown times out', () => {
    const frame = ok(decodeJ2735(j2735decoderPayloads().get('SPaT_1')!)) as J2735Frame & { messageId: 19 };
    // moy 137825 = 95 days 17:05 after 1 January → 5 April 2024 17:05 (read in December 2024).
    const message = toModel(frame, received) as SpatMessage;
    assert.equal(message.intersections[0]!.timestamp, at('2024-04-05T17:05:00Z'));
    assert.deepEqual(message.intersections[0]!.groups[0]!.events[0], {
      phase: 'permissive-clearance',
      timing: {
        startTime: at('2024-04-05T17:00:00Z'),
        minEndTime: at('2024-04-05T17:00:04Z'),
        maxEndTime: at('2024-04-05T17:00:04Z'),
        likelyTime: at('2024-04-05T17:00:04Z'),
        confidence: 15,
        nextTime: at('2024-04-05T17:00:00Z'),
      },
    });
    const unknown = structuredClone(frame);
    unknown.value.intersections[0]!.states[0]!.stateTimeSpeed[0]!.timing = { minEndTime: 36001, maxEndTime: 36111, likelyTime: 120 };
    const timing = (toModel(unknown, received) as SpatMessage).intersections[0]!.groups[0]!.events[0]!.timing;
    assert.deepEqual(timing, { likelyTime: at('2024-04-05T17:00:12Z') });
  });

  it('converts advisory speeds from 0.1 m/s to km/h, leaving out "unavailable"', () => {
    const spat: SPAT = {
      intersections: [
        {
          id: { id: 1 },
          revision: 0,
          status: 0,
          states: [{ signalGroup: 1, stateTimeSpeed: [{ eventState: 'protectedMovementAllowed', speeds: [{ type: 'greenwave', speed: 139 }, { type: 'ecoDrive', speed: 500 }] }] }],
        },
      ],
    };
    const event = (toModel({ messageId: 19, value: spat }, received) as SpatMessage).intersections[0]!.groups[0]!.events[0]!;
    assert.deepEqual(event.advisorySpeedKmh!.map((v) => Math.round(v * 100) / 100), [50.04]);
  });
});

/** Great-circle distance in metres (spherical, mean radius): an independent check of the lane geometry. */
function distanceM([lat1, lon1]: [number, number], [lat2, lon2]: [number, number]): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(a));
}

describe('J2735 MAP to the model', () => {
  const log = sampleGunzip('jpo-ode/rxMsg_commsignia_map.gz');
  const span = find1609Dot2Payload(log, 34);
  const now = at('2024-12-10T17:34:40Z');
  const map = toModel(ok(decodeFrameAt(log, span.start, span.end)), now) as MapMessage;
  const intersection = map.intersections[0]!;
  const lane = (id: number) => intersection.lanes.find((l) => l.laneId === id)!;

  it('places the reference point and each lane node by its offsets in centimetres', () => {
    assert.equal(intersection.lat, 39.5988606);
    assert.equal(intersection.lon, -105.0913825);
    const frame = ok(decodeFrameAt(log, span.start, span.end)).value as MapData;
    const nodes = frame.intersections![0]!.laneSet.find((l) => l.laneID === 13)!.nodeList;
    assert.equal(nodes.kind, 'nodes');
    if (nodes.kind !== 'nodes') return;
    let x = 0;
    let y = 0;
    const points = lane(13).points;
    nodes.nodes.forEach((node, i) => {
      assert.ok(node.delta.kind.startsWith('nodeXY'));
      if (!('x' in node.delta)) return;
      x += node.delta.x;
      y += node.delta.y;
      // A sphere's distance differs from WGS 84's by up to 0.3 % at this latitude.
      const expected = Math.hypot(x, y) / 100;
      const actual = distanceM([intersection.lat, intersection.lon], points[i]!);
      assert.ok(Math.abs(actual - expected) < 0.01 + 0.003 * expected, `node ${i}: ${actual} m, expected ${expected} m`);
    });
  });

  it('reads lane direction, kind, manoeuvres and connections with their signal groups', () => {
    assert.deepEqual(
      { direction: lane(9).direction, kind: lane(9).kind, maneuvers: lane(9).maneuvers, connections: lane(9).connections },
      {
        direction: 'ingress',
        kind: 'vehicle',
        maneuvers: ['straight', 'left'],
        connections: [
          { toLane: 20, maneuver: 'straight', signalGroup: 8 },
          { toLane: 15, maneuver: 'left', signalGroup: 8 },
        ],
      },
    );
    assert.equal(lane(17).direction, 'egress');
    assert.deepEqual(lane(11).connections, [{ toLane: 10, maneuver: 'right' }]);
  });

  it('names only signal groups that the same intersection’s SPaT reports', () => {
    const spatHex = /<asn1>\s*([0-9A-F]+)\s*<\/asn1>/.exec(sampleText('jpo-ode/decoder-output-spat.xml'))![1]!;
    const spat = ok(decodeSignalMessage(spatHex, now)) as SpatMessage;
    assert.deepEqual(spat.intersections[0]!.ref, intersection.ref);
    const reported = new Set(spat.intersections[0]!.groups.map((g) => g.signalGroup));
    const named = intersection.lanes.flatMap((l) => l.connections.flatMap((c) => (c.signalGroup === undefined ? [] : [c.signalGroup])));
    assert.ok(named.length > 0, 'the MAP names signal groups');
    for (const group of named) assert.ok(reported.has(group), `signal group ${group}`);
  });

  it('anchors lanes at Node-LatLon points as MAP_2 gives them', () => {
    const message = toModel(ok(decodeJ2735(j2735decoderPayloads().get('MAP_2')!)), now) as MapMessage;
    assert.deepEqual(message.intersections[0]!.lanes[0]!.points[0], [42.3015735, -83.6978735]);
  });

  it('tells crosswalks from vehicle lanes (MAP_1)', () => {
    const message = toModel(ok(decodeJ2735(j2735decoderPayloads().get('MAP_1')!)), now) as MapMessage;
    const kinds = new Set(message.intersections[0]!.lanes.map((l) => l.kind));
    assert.deepEqual([...kinds].sort(), ['crosswalk', 'vehicle']);
  });

  it('builds a computed lane by shifting its reference lane', () => {
    const frame = ok(decodeFrameAt(log, span.start, span.end)) as J2735Frame & { messageId: 18 };
    const copy = structuredClone(frame);
    const lanes = copy.value.intersections![0]!.laneSet;
    lanes.push({
      laneID: 99,
      laneAttributes: lanes[0]!.laneAttributes,
      nodeList: { kind: 'computed', computed: { referenceLaneId: 13, offsetXaxis: { kind: 'small', value: 366 }, offsetYaxis: { kind: 'small', value: 0 } } },
    });
    const model = toModel(copy, now) as MapMessage;
    const shifted = model.intersections[0]!.lanes.find((l) => l.laneId === 99)!.points;
    const reference = model.intersections[0]!.lanes.find((l) => l.laneId === 13)!.points;
    assert.equal(shifted.length, reference.length);
    shifted.forEach((point, i) => {
      const apart = distanceM(point, reference[i]!);
      assert.ok(Math.abs(apart - 3.66) < 0.02, `point ${i} is ${apart} m from the reference lane`);
    });
  });

  it('reads the MAP time from its minute of the year when it has one', () => {
    const frame = ok(decodeFrameAt(log, span.start, span.end)) as J2735Frame & { messageId: 18 };
    const copy = structuredClone(frame);
    copy.value.timeStamp = 344 * 1440 + 17 * 60 + 30;
    assert.equal((toModel(copy, now) as MapMessage).timestamp, at('2024-12-10T17:30:00Z'));
  });
});
