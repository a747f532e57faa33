/**
 * J2735 values → Cabin's signal model (model.ts): absolute epoch-ms times,
 * lat/lon lane geometry, model phases, lane kinds and manoeuvres.
 */

import {
  MOVEMENT_PHASES,
  type IntersectionMap,
  type IntersectionSignals,
  type Lane,
  type LaneConnection,
  type Maneuver,
  type MapMessage,
  type MovementEvent as ModelEvent,
  type PhaseTiming,
  type SignalGroupState,
  type SignalMessage,
  type SpatMessage,
} from '../model.ts';
import {
  MOVEMENT_PHASE_STATES,
  type ComputedLane,
  type GenericLane,
  type IntersectionGeometry,
  type IntersectionReferenceID,
  type IntersectionState,
  type J2735Frame,
  type MapData,
  type MovementEvent,
  type NodeXY,
  type SPAT,
  type TimeChangeDetails,
} from './types.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const HALF_HOUR_MS = 1_800_000;
/** MinuteOfTheYear 527040 means "invalid"; larger values cannot be encoded. */
const MOY_INVALID = 527040;
/** J2735: TimeMark 36000 is a leap second; 36001 (≤ 2020) and 36111 (2024) mean unknown. */
const TIME_MARK_LEAP = 36000;
/** SpeedAdvice 500 and Velocity 8191 mean "unavailable". */
const SPEED_ADVICE_UNAVAILABLE = 500;
const VELOCITY_UNAVAILABLE = 8191;
const LATITUDE_UNAVAILABLE = 900000001;
const LONGITUDE_UNAVAILABLE = 1800000001;

/** J2735 phase index (its value order) → model phase; the orders are the same (model.ts). */
const PHASE_BY_NAME: Record<string, (typeof MOVEMENT_PHASES)[number]> = {};
for (let i = 0; i < MOVEMENT_PHASE_STATES.length; i++) PHASE_BY_NAME[MOVEMENT_PHASE_STATES[i]!] = MOVEMENT_PHASES[i]!;

/** Converts a decoded SPaT or MAP frame to the model. `now` (epoch ms) gives the year J2735 omits. */
export function toModel(frame: J2735Frame, now: number): SignalMessage {
  return frame.messageId === 19 ? spatToModel(frame.value, now) : mapToModel(frame.value, now);
}

/** How far ahead of the caller's clock a message time may lie (clock skew) before it is read as last year's. */
const FUTURE_TOLERANCE_MS = 86_400_000;

/**
 * Epoch ms of MinuteOfTheYear `moy` plus `msInMinute` (DSecond). J2735 omits
 * the year: it is the year of `now`, or the one before when that would put
 * the message more than a day in the future (a message from 31 December read
 * on 1 January), or the one after when `now` is in the last day of a year and
 * the message in the first. Undefined for the invalid minute 527040.
 */
export function resolveMessageTime(moy: number, msInMinute: number, now: number): number | undefined {
  if (moy >= MOY_INVALID || moy < 0) return undefined;
  const year = new Date(now).getUTCFullYear();
  const offset = moy * MINUTE_MS + msInMinute;
  // The latest of last, this and next year's readings that is not implausibly far ahead.
  for (const candidateYear of [year + 1, year, year - 1]) {
    const time = Date.UTC(candidateYear, 0, 1) + offset;
    if (time <= now + FUTURE_TOLERANCE_MS) return time;
  }
  return Date.UTC(year - 1, 0, 1) + offset;
}

/**
 * Epoch ms of a TimeMark (tenths of a second of the UTC hour) relative to
 * the message time: the hour is chosen so that the result lies within
 * ±30 minutes of `messageTime`, which is how the hour rollover works.
 * Unknown marks (36001, 36111, anything above 36000) give undefined.
 */
export function resolveTimeMark(mark: number, messageTime: number): number | undefined {
  if (mark > TIME_MARK_LEAP || mark < 0) return undefined;
  let time = Math.floor(messageTime / HOUR_MS) * HOUR_MS + mark * 100;
  if (time - messageTime > HALF_HOUR_MS) time -= HOUR_MS;
  else if (messageTime - time > HALF_HOUR_MS) time += HOUR_MS;
  return time;
}

// ---------------------------------------------------------------- SPaT

function spatToModel(spat: SPAT, now: number): SpatMessage {
  const messageMinute = spat.timeStamp === undefined ? undefined : resolveMessageTime(spat.timeStamp, 0, now);
  const intersections: IntersectionSignals[] = [];
  let firstTime: number | undefined;
  for (const state of spat.intersections) {
    const signals = intersectionToModel(state, messageMinute, now);
    if (firstTime === undefined && state.moy !== undefined) firstTime = resolveMessageTime(state.moy, state.timeStamp ?? 0, now);
    intersections.push(signals);
  }
  const timestamp = messageMinute ?? firstTime;
  return timestamp === undefined ? { kind: 'spat', intersections } : { kind: 'spat', timestamp, intersections };
}

/** DSecond 60000–60999 is a leap second; 61000 and above are reserved or "unavailable" (65535). */
const DSECOND_VALID = 61_000;

function intersectionToModel(state: IntersectionState, messageMinute: number | undefined, now: number): IntersectionSignals {
  const ms = state.timeStamp !== undefined && state.timeStamp < DSECOND_VALID ? state.timeStamp : undefined;
  const own = state.moy === undefined ? undefined : resolveMessageTime(state.moy, ms ?? 0, now);
  // Without its own minute, an intersection's time is its DSecond in the minute of
  // the SPaT's timeStamp, or else in the minute around the caller's clock.
  let timestamp = own ?? messageMinute ?? now;
  if (own === undefined && ms !== undefined) timestamp = messageMinute === undefined ? secondsNear(ms, now) : messageMinute + ms;
  const groups: SignalGroupState[] = [];
  for (const movement of state.states) {
    const events: ModelEvent[] = [];
    for (const event of movement.stateTimeSpeed) events.push(eventToModel(event, timestamp));
    groups.push(
      movement.movementName === undefined
        ? { signalGroup: movement.signalGroup, events }
        : { signalGroup: movement.signalGroup, name: movement.movementName, events },
    );
  }
  const signals: IntersectionSignals = {
    ref: refToModel(state.id),
    revision: state.revision,
    timestamp,
    status: state.status,
    groups,
  };
  if (state.name !== undefined) signals.name = state.name;
  return signals;
}

/** The time `ms` into a minute, in the minute that puts it closest to `around`. */
function secondsNear(ms: number, around: number): number {
  const time = Math.floor(around / MINUTE_MS) * MINUTE_MS + ms;
  if (time - around > MINUTE_MS / 2) return time - MINUTE_MS;
  if (around - time > MINUTE_MS / 2) return time + MINUTE_MS;
  return time;
}

function eventToModel(event: MovementEvent, messageTime: number): ModelEvent {
  const result: ModelEvent = { phase: PHASE_BY_NAME[event.eventState]! };
  if (event.timing) result.timing = timingToModel(event.timing, messageTime);
  if (event.speeds) {
    const speeds: number[] = [];
    for (const advice of event.speeds) {
      // SpeedAdvice is in 0.1 m/s.
      if (advice.speed !== undefined && advice.speed < SPEED_ADVICE_UNAVAILABLE) speeds.push(advice.speed * 0.36);
    }
    if (speeds.length > 0) result.advisorySpeedKmh = speeds;
  }
  return result;
}

function timingToModel(t: TimeChangeDetails, messageTime: number): PhaseTiming {
  const timing: PhaseTiming = {};
  let time: number | undefined;
  if (t.startTime !== undefined && (time = resolveTimeMark(t.startTime, messageTime)) !== undefined) timing.startTime = time;
  if ((time = resolveTimeMark(t.minEndTime, messageTime)) !== undefined) timing.minEndTime = time;
  if (t.maxEndTime !== undefined && (time = resolveTimeMark(t.maxEndTime, messageTime)) !== undefined) timing.maxEndTime = time;
  if (t.likelyTime !== undefined && (time = resolveTimeMark(t.likelyTime, messageTime)) !== undefined) timing.likelyTime = time;
  if (t.confidence !== undefined) timing.confidence = t.confidence;
  if (t.nextTime !== undefined && (time = resolveTimeMark(t.nextTime, messageTime)) !== undefined) timing.nextTime = time;
  return timing;
}

function refToModel(ref: IntersectionReferenceID): { region: number; id: number } {
  return { region: ref.region ?? 0, id: ref.id };
}

// ---------------------------------------------------------------- MAP

const LANE_KINDS: Record<string, Lane['kind']> = {
  vehicle: 'vehicle',
  crosswalk: 'crosswalk',
  bikeLane: 'bike',
  sidewalk: 'sidewalk',
  median: 'median',
  striping: 'striping',
  trackedVehicle: 'tracked',
  parking: 'parking',
};
const DIRECTIONS: readonly Lane['direction'][] = ['none', 'egress', 'ingress', 'both'];

/** AllowedManeuvers bits (12-bit string, bit 0 = MSB) for the model's manoeuvres, in preference order. */
const MANEUVER_BITS: readonly [number, Maneuver][] = [
  [1 << 11, 'straight'],
  [1 << 10, 'left'],
  [1 << 9, 'right'],
  [1 << 8, 'u-turn'],
];

function mapToModel(map: MapData, now: number): MapMessage {
  const intersections: IntersectionMap[] = [];
  for (const geometry of map.intersections ?? []) {
    const converted = geometryToModel(geometry);
    if (converted) intersections.push(converted);
  }
  const message: MapMessage = { kind: 'map', revision: map.msgIssueRevision, intersections };
  if (map.timeStamp !== undefined) {
    const timestamp = resolveMessageTime(map.timeStamp, 0, now);
    if (timestamp !== undefined) message.timestamp = timestamp;
  }
  return message;
}

/** An intersection without a known reference point cannot be placed and is left out. */
function geometryToModel(g: IntersectionGeometry): IntersectionMap | undefined {
  if (g.refPoint.lat === LATITUDE_UNAVAILABLE || g.refPoint.long === LONGITUDE_UNAVAILABLE) return undefined;
  const lat = g.refPoint.lat / 1e7;
  const lon = g.refPoint.long / 1e7;
  const result: IntersectionMap = { ref: refToModel(g.id), revision: g.revision, lat, lon, lanes: [] };
  if (g.name !== undefined) result.name = g.name;
  if (g.laneWidth !== undefined) result.laneWidthCm = g.laneWidth;
  const limit = g.speedLimits?.find((l) => l.type === 'vehicleMaxSpeed' && l.speed < VELOCITY_UNAVAILABLE);
  // Velocity is in 0.02 m/s.
  if (limit) result.speedLimitKmh = limit.speed * 0.072;
  for (const lane of g.laneSet) {
    const converted = laneToModel(lane, g, lat, lon);
    if (converted) result.lanes.push(converted);
  }
  return result;
}

/** A lane of a type added by a later edition has no model kind and is left out. */
function laneToModel(lane: GenericLane, g: IntersectionGeometry, lat: number, lon: number): Lane | undefined {
  const laneType = lane.laneAttributes.laneType;
  if (laneType.kind === 'extension') return undefined;
  const result: Lane = {
    laneId: lane.laneID,
    direction: DIRECTIONS[lane.laneAttributes.directionalUse & 3]!,
    kind: LANE_KINDS[laneType.kind]!,
    maneuvers: lane.maneuvers === undefined ? [] : maneuversOf(lane.maneuvers),
    points: lanePoints(lane, g, lat, lon, 0),
    connections: [],
  };
  if (lane.name !== undefined) result.name = lane.name;
  if (lane.ingressApproach !== undefined) result.ingressApproach = lane.ingressApproach;
  if (lane.egressApproach !== undefined) result.egressApproach = lane.egressApproach;
  for (const c of lane.connectsTo ?? []) {
    const connection: LaneConnection = { toLane: c.connectingLane.lane };
    if (c.remoteIntersection) connection.toIntersection = refToModel(c.remoteIntersection);
    if (c.connectingLane.maneuver !== undefined) {
      const maneuver = firstManeuver(c.connectingLane.maneuver);
      if (maneuver) connection.maneuver = maneuver;
    }
    if (c.signalGroup !== undefined) connection.signalGroup = c.signalGroup;
    result.connections.push(connection);
  }
  return result;
}

function maneuversOf(bits: number): Maneuver[] {
  const list: Maneuver[] = [];
  for (const [mask, maneuver] of MANEUVER_BITS) if (bits & mask) list.push(maneuver);
  return list;
}

function firstManeuver(bits: number): Maneuver | undefined {
  for (const [mask, maneuver] of MANEUVER_BITS) if (bits & mask) return maneuver;
  return undefined;
}

// WGS 84 radii of curvature: node offsets are a few hundred metres, so a
// local tangent plane at the anchor is exact to well under a centimetre.
const WGS84_A = 6378137;
const WGS84_E2 = 6.69437999014e-3;
const DEG = 180 / Math.PI;

/** Metres per degree of latitude and of longitude at `lat`. */
function metresPerDegree(lat: number): [number, number] {
  const s = Math.sin(lat / DEG);
  const w = 1 - WGS84_E2 * s * s;
  const meridian = (WGS84_A * (1 - WGS84_E2)) / (w * Math.sqrt(w));
  const normal = WGS84_A / Math.sqrt(w);
  return [meridian / DEG, (normal * Math.cos(lat / DEG)) / DEG];
}

/**
 * Absolute [lat, lon] points of a lane. Node-XY offsets (cm, x east, y north)
 * are each relative to the previous node, the first to the reference point;
 * a Node-LatLon is absolute and anchors the nodes after it. A node given
 * only as a regional extension has no position and is skipped.
 */
function lanePoints(lane: GenericLane, g: IntersectionGeometry, lat: number, lon: number, depth: number): [number, number][] {
  const list = lane.nodeList;
  if (list.kind === 'nodes') return nodePoints(list.nodes, lat, lon);
  if (list.kind !== 'computed' || depth > 0) return [];
  const computed = list.computed;
  const reference = g.laneSet.find((l) => l.laneID === computed.referenceLaneId);
  if (!reference || reference.nodeList.kind !== 'nodes') return [];
  return computedPoints(lanePoints(reference, g, lat, lon, depth + 1), computed);
}

function nodePoints(nodes: NodeXY[], lat: number, lon: number): [number, number][] {
  const points: [number, number][] = [];
  let anchorLat = lat;
  let anchorLon = lon;
  let [mLat, mLon] = metresPerDegree(anchorLat);
  let xCm = 0;
  let yCm = 0;
  for (const node of nodes) {
    const delta = node.delta;
    if (delta.kind === 'nodeLatLon') {
      anchorLat = delta.lat / 1e7;
      anchorLon = delta.lon / 1e7;
      [mLat, mLon] = metresPerDegree(anchorLat);
      xCm = 0;
      yCm = 0;
    } else if (delta.kind === 'regional') continue;
    else {
      xCm += delta.x;
      yCm += delta.y;
    }
    points.push([anchorLat + yCm / 100 / mLat, anchorLon + xCm / 100 / mLon]);
  }
  return points;
}

/**
 * ComputedLane: the reference lane's points rotated (Angle, 0.0125°,
 * clockwise as J2735 headings are) and scaled (0.05 % steps) about its first
 * point, then shifted by the x/y offsets in cm.
 */
function computedPoints(reference: [number, number][], c: ComputedLane): [number, number][] {
  const first = reference[0];
  if (!first) return [];
  const [mLat, mLon] = metresPerDegree(first[0]);
  const angle = ((c.rotateXY ?? 0) * 0.0125) / DEG;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const scaleX = 1 + (c.scaleXaxis ?? 0) * 0.0005;
  const scaleY = 1 + (c.scaleYaxis ?? 0) * 0.0005;
  const dx = c.offsetXaxis.value / 100;
  const dy = c.offsetYaxis.value / 100;
  return reference.map(([pLat, pLon]) => {
    const x = (pLon - first[1]) * mLon;
    const y = (pLat - first[0]) * mLat;
    const rx = (x * cos + y * sin) * scaleX;
    const ry = (-x * sin + y * cos) * scaleY;
    return [first[0] + (ry + dy) / mLat, first[1] + (rx + dx) / mLon];
  });
}
