import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignalMatcher, mainSignalGroup, type MatchContext, type MatchResult, type MatchState, type SignalMatch } from '../../src/signals/matching.ts';
import type { Maneuver } from '../../src/signals/model.ts';
import { FourWay, gaussian, nearestLaneGroup } from './handmade.ts';
import { seededRandom } from '../support/maps.ts';

const SPEED_MPS = 12;

/** Drives a vehicle along ingress lane j of an arm from `fromM` to `toM` before the stop line, one fix per second; returns the last result. */
function approach(
  matcher: SignalMatcher,
  x: FourWay,
  arm: number,
  j: number,
  fromM: number,
  toM: number,
  options: {
    maneuver?: Maneuver;
    noiseM?: number;
    next?: () => number;
    onFix?: (r: MatchResult) => void;
    onNoisyFix?: (lat: number, lon: number) => void;
    context?: Omit<MatchContext, 'route' | 'previous'>;
  } = {},
): MatchResult {
  let previous: MatchState | undefined;
  let last: MatchResult | undefined;
  const next = options.next ?? seededRandom(1);
  const noise = options.noiseM ?? 0;
  for (let k = Math.floor((fromM - toM) / SPEED_MPS); k >= 0; k--) {
    const s = toM + k * SPEED_MPS;
    const [lat, lon] = FourWay.offset(x.lanePoint(arm, j, s), noise * gaussian(next), noise * gaussian(next));
    options.onNoisyFix?.(lat, lon);
    const fix = { lat, lon, headingDeg: x.drivingBearing(arm) + (noise > 0 ? 3 * gaussian(next) : 0), speedMps: SPEED_MPS };
    const context: MatchContext = { ...options.context };
    if (options.maneuver) context.route = x.route(arm, options.maneuver, s);
    if (previous) context.previous = previous;
    last = matcher.match(fix, context);
    previous = last.state;
    options.onFix?.(last);
  }
  return last!;
}

function matched(result: MatchResult): SignalMatch {
  assert.ok(result.ok, 'an intersection is matched');
  return result.match;
}

test('picks the signal group of the route’s left, straight and right turn on every approach', () => {
  const x = new FourWay({ id: 1, lat: 47.14, lon: 9.52, armBearingsDeg: [10, 100, 190, 280] });
  const matcher = new SignalMatcher([x.map]);
  for (let arm = 0; arm < 4; arm++) {
    for (const maneuver of ['left', 'straight', 'right'] as const) {
      for (const lane of x.lanesAllowing(arm, maneuver)) {
        const m = matched(approach(matcher, x, arm, lane.index, 150, 54, { maneuver }));
        assert.equal(m.match, 'lane', `arm ${arm} ${maneuver} from lane ${lane.laneId}`);
        assert.equal(m.signalGroup, FourWay.group(arm, maneuver), `arm ${arm} ${maneuver} from lane ${lane.laneId}`);
        assert.equal(m.maneuver, maneuver);
        assert.equal(m.maneuverFrom, 'route');
        if (m.match === 'lane') assert.equal(m.laneId, lane.laneId);
        assert.ok(Math.abs(m.distanceToStopLineM - 54) < 1, `distance ${m.distanceToStopLineM}`);
        assert.ok(m.confidence > 0.9, `confidence ${m.confidence}`);
      }
    }
  }
});

test('reads manoeuvres from the egress lanes when connections do not state them', () => {
  const x = new FourWay({ id: 2, lat: 39.9, lon: 116.4, connectionManeuvers: false, ingressLanes: [2, 2, 3, 3] });
  const matcher = new SignalMatcher([x.map]);
  for (let arm = 0; arm < 4; arm++) {
    for (const maneuver of ['left', 'straight', 'right'] as const) {
      const lane = x.lanesAllowing(arm, maneuver)[0]!;
      const m = matched(approach(matcher, x, arm, lane.index, 120, 50, { maneuver }));
      assert.equal(m.signalGroup, FourWay.group(arm, maneuver), `arm ${arm} ${maneuver}`);
    }
  }
});

test('matches the right signal group most of the time 50 m before the line under 3 m GPS noise', () => {
  const x = new FourWay({ id: 3, lat: 31.23, lon: 121.47, armBearingsDeg: [5, 95, 185, 275], ingressLanes: [3, 2, 3, 2] });
  const matcher = new SignalMatcher([x.map]);
  const next = seededRandom(42);
  let right = 0;
  const runs = 400;
  for (let run = 0; run < runs; run++) {
    const arm = Math.floor(next() * 4);
    const maneuver = (['left', 'straight', 'right'] as const)[Math.floor(next() * 3)]!;
    const lanes = x.lanesAllowing(arm, maneuver);
    const lane = lanes[Math.floor(next() * lanes.length)]!;
    const result = approach(matcher, x, arm, lane.index, 146, 50, { maneuver, noiseM: 3, next });
    if (result.ok && result.match.signalGroup === FourWay.group(arm, maneuver)) right++;
  }
  assert.ok(right / runs >= 0.98, `${right} of ${runs} right`);
});

test('without a route assumes straight, or the only manoeuvre of a left-only lane', () => {
  const x = new FourWay({ id: 4, lat: 52.52, lon: 13.4 });
  const matcher = new SignalMatcher([x.map]);
  const straight = matched(approach(matcher, x, 2, 1, 150, 50));
  assert.equal(straight.maneuver, 'straight');
  assert.equal(straight.maneuverFrom, 'assumed');
  assert.equal(straight.signalGroup, FourWay.group(2, 'straight'));
  const left = matched(approach(matcher, x, 2, 0, 150, 50));
  assert.equal(left.maneuver, 'left');
  assert.equal(left.signalGroup, FourWay.group(2, 'left'));
});

test('takes the approach’s group while the vehicle is still in a lane without its manoeuvre', () => {
  const x = new FourWay({ id: 5, lat: 48.14, lon: 11.58 });
  const matcher = new SignalMatcher([x.map]);
  // In the straight-or-right lane, but the route turns left: the driver has yet to move to the left lane.
  const m = matched(approach(matcher, x, 1, 2, 150, 60, { maneuver: 'left' }));
  assert.equal(m.match, 'approach');
  assert.equal(m.signalGroup, FourWay.group(1, 'left'));
  assert.equal(m.maneuver, 'left');
});

test('falls back to the main phase of an intersection without lane data, and says so', () => {
  const x = new FourWay({ id: 6, lat: 47.1, lon: 9.5, lanes: false });
  const withLanes = new FourWay({ id: 6, lat: 47.1, lon: 9.5 });
  const matcher = new SignalMatcher([x.map]);
  const m = matched(
    approach(matcher, withLanes, 0, 1, 150, 60, { maneuver: 'straight', context: { spatGroups: (key) => (key === '0/6' ? [4, 2, 6, 8] : undefined) } }),
  );
  assert.equal(m.match, 'intersection-fallback');
  if (m.match !== 'intersection-fallback') return;
  assert.equal(m.reason, 'no-lane-geometry');
  assert.equal(m.stopLineKnown, false);
  assert.equal(m.signalGroup, 2);
  assert.ok(m.confidence < 0.5);
  // Distance to the reference point: the stop line's 14 m setback on top of the 60 m.
  assert.ok(Math.abs(m.distanceToStopLineM - 74) < 8, `distance ${m.distanceToStopLineM}`);
});

test('falls back to the main phase when lanes have no signal groups', () => {
  const x = new FourWay({ id: 7, lat: 47.1, lon: 9.5, signalGroups: false });
  const matcher = new SignalMatcher([x.map]);
  const m = matched(approach(matcher, x, 3, 1, 150, 60, { maneuver: 'straight', context: { spatGroups: () => [1, 3] } }));
  assert.equal(m.match, 'intersection-fallback');
  if (m.match !== 'intersection-fallback') return;
  assert.equal(m.reason, 'no-signal-group');
  assert.equal(m.stopLineKnown, true);
  assert.equal(m.signalGroup, 1);
  assert.ok(Math.abs(m.distanceToStopLineM - 60) < 1);
});

test('names the through group with the most lanes as the main phase', () => {
  const x = new FourWay({ id: 8, lat: 0, lon: 0, ingressLanes: [3, 2, 2, 2] });
  assert.equal(mainSignalGroup(x.map), 2);
  assert.equal(mainSignalGroup(new FourWay({ id: 9, lat: 0, lon: 0, lanes: false }).map), undefined);
});

test('flickers between lanes under GPS noise far less than the nearest lane does', () => {
  const x = new FourWay({ id: 10, lat: 22.54, lon: 114.06 });
  const matcher = new SignalMatcher([x.map]);
  const next = seededRandom(7);
  let switches = 0;
  let nearestSwitches = 0;
  for (let run = 0; run < 40; run++) {
    let last: number | undefined;
    let lastNearest: number | undefined;
    approach(matcher, x, 0, 1, 150, 30, {
      maneuver: 'straight',
      noiseM: 3,
      next,
      onFix: (r) => {
        const lane = r.ok && r.match.match !== 'intersection-fallback' ? r.match.laneId : undefined;
        if (last !== undefined && lane !== last) switches++;
        last = lane;
      },
      onNoisyFix: (lat, lon) => {
        const lane = nearestLaneGroup(x.map, lat, lon, 'straight')?.laneId;
        if (lastNearest !== undefined && lane !== lastNearest) nearestSwitches++;
        lastNearest = lane;
      },
    });
  }
  assert.ok(switches * 4 <= nearestSwitches, `${switches} switches, nearest lane ${nearestSwitches}`);
});

test('finds the next intersection along the route before reaching the lanes the MAP describes', () => {
  const x = new FourWay({ id: 11, lat: 47.14, lon: 9.52, laneLengthM: 25 });
  const matcher = new SignalMatcher([x.map], { laneExtensionM: 40 });
  const [lat, lon] = x.lanePoint(2, 1, 200);
  const r = matcher.match({ lat, lon, headingDeg: x.drivingBearing(2), speedMps: 14 }, { route: x.route(2, 'right', 200) });
  const m = matched(r);
  assert.equal(m.match, 'approach');
  assert.equal(m.signalGroup, FourWay.group(2, 'right'));
  assert.ok(Math.abs(m.distanceToStopLineM - 200) < 12, `distance ${m.distanceToStopLineM}`);
  // And along the heading without a route.
  const ahead = matched(matcher.match({ lat, lon, headingDeg: x.drivingBearing(2), speedMps: 14 }));
  assert.equal(ahead.signalGroup, FourWay.group(2, 'straight'));
});

test('matches nothing when driving away from the intersection or across its lanes', () => {
  const x = new FourWay({ id: 12, lat: 47.14, lon: 9.52 });
  const matcher = new SignalMatcher([x.map]);
  const [lat, lon] = x.point(0, 60, -1.75);
  assert.equal(matcher.match({ lat, lon, headingDeg: x.bearings[0]!, speedMps: 12 }).ok, false);
  const [lat2, lon2] = x.lanePoint(0, 1, 60);
  assert.equal(matcher.match({ lat: lat2, lon: lon2, headingDeg: x.drivingBearing(0) + 90, speedMps: 12 }).ok, false);
  // Past the stop line, in the junction box.
  const [lat3, lon3] = x.point(0, -12, 5);
  assert.equal(matcher.match({ lat: lat3, lon: lon3, headingDeg: x.drivingBearing(0), speedMps: 12 }).ok, false);
});

test('chooses the nearer of two intersections in a row', () => {
  // Two junctions 160 m apart on a north–south street; the southern one's lanes reach back past the northern one.
  const south = new FourWay({ id: 13, lat: 47.14, lon: 9.52, laneLengthM: 200 });
  const [nlat, nlon] = FourWay.offset([47.14, 9.52], 0, 160);
  const north = new FourWay({ id: 14, lat: nlat, lon: nlon, laneLengthM: 120 });
  const matcher = new SignalMatcher([south.map, north.map]);
  const [lat, lon] = north.lanePoint(0, 1, 60);
  const m = matched(matcher.match({ lat, lon, headingDeg: 180, speedMps: 12 }));
  assert.equal(m.key, '0/14');
  assert.ok(Math.abs(m.distanceToStopLineM - 60) < 1);
  const [lat2, lon2] = south.lanePoint(0, 1, 60);
  assert.equal(matched(matcher.match({ lat: lat2, lon: lon2, headingDeg: 180, speedMps: 12 })).key, '0/13');
});

test('keeps the match of a vehicle standing at the line, whose heading means nothing', () => {
  const x = new FourWay({ id: 15, lat: 47.14, lon: 9.52 });
  const matcher = new SignalMatcher([x.map]);
  const moving = approach(matcher, x, 1, 0, 100, 4, { maneuver: 'left' });
  const [lat, lon] = x.lanePoint(1, 0, 3);
  const standing = matcher.match({ lat, lon, headingDeg: 0, speedMps: 0 }, { route: x.route(1, 'left', 3), previous: moving.state });
  assert.equal(matched(standing).signalGroup, FourWay.group(1, 'left'));
});

