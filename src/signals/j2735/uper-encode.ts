/**
 * UPER encoder for J2735 MessageFrame ← SPAT / MapData, the inverse of
 * uper-decode.ts. Encodes only root components (no extension additions);
 * regional extensions and extension alternatives are written back from the
 * bytes they were decoded from. Throws RangeError for values outside their
 * ASN.1 constraints (a programming error, not bad input).
 */

import { BitWriter } from '../uper.ts';
import {
  ADVISORY_SPEED_TYPES,
  LAYER_TYPES,
  LANE_TYPES,
  MOVEMENT_PHASE_STATES,
  NODE_ATTRIBUTES_XY,
  RESTRICTION_APPLIES_TO,
  SAE_SPEED_CONFIDENCES,
  SEGMENT_ATTRIBUTES_XY,
  SPEED_LIMIT_TYPES,
  type AdvisorySpeed,
  type ChoiceExtension,
  type ComputedLane,
  type Connection,
  type ConnectionManeuverAssist,
  type DataParameters,
  type DrivenLineOffset,
  type GenericLane,
  type IntersectionGeometry,
  type IntersectionReferenceID,
  type IntersectionState,
  type J2735Frame,
  type LaneAttributes,
  type LaneDataAttribute,
  type MapData,
  type MovementEvent,
  type MovementState,
  type NodeAttributeSetXY,
  type NodeListXY,
  type NodeXY,
  type Position3D,
  type RegionalExtension,
  type RegulatorySpeedLimit,
  type RestrictionClassAssignment,
  type RoadSegment,
  type SPAT,
  type TimeChangeDetails,
} from './types.ts';

const TIME_MARK_MAX = 36111;
const NODE_XY_HALF: Record<string, number> = {
  nodeXY1: 512,
  nodeXY2: 1024,
  nodeXY3: 2048,
  nodeXY4: 4096,
  nodeXY5: 8192,
  nodeXY6: 32768,
};
const NODE_XY_INDEX: Record<string, number> = { nodeXY1: 0, nodeXY2: 1, nodeXY3: 2, nodeXY4: 3, nodeXY5: 4, nodeXY6: 5 };

/** One writer for every message body: its buffer grows to the largest message once, then is reused. */
const bodyWriter = new BitWriter();

/** Encodes a MessageFrame holding a SPAT (19) or MapData (18) as UPER bytes. */
export function encodeFrame(frame: J2735Frame): Uint8Array {
  const w = bodyWriter;
  w.reset();
  if (frame.messageId === 19) writeSpat(w, frame.value);
  else writeMapData(w, frame.value);
  const body = w.finish();
  // MessageFrame: extension bit 0 and the 15-bit DSRCmsgID fill two octets, so
  // the open type that follows (length determinant, body) is octet-aligned.
  const lengthOctets = body.length < 128 ? 1 : 2;
  if (body.length >= 16384) throw new RangeError(`MessageFrame: a body of ${body.length} bytes needs fragmentation`);
  const out = new Uint8Array(2 + lengthOctets + body.length);
  out[0] = frame.messageId >>> 8;
  out[1] = frame.messageId & 0xff;
  if (lengthOctets === 1) out[2] = body.length;
  else {
    out[2] = 0x80 | (body.length >>> 8);
    out[3] = body.length & 0xff;
  }
  out.set(body, 2 + lengthOctets);
  return out;
}

function bit(flag: boolean): number {
  return flag ? 1 : 0;
}

function writeSize(w: BitWriter, count: number, lower: number, upper: number, what: string): void {
  if (count < lower || count > upper) throw new RangeError(`${what}: ${count} items, expected ${lower}..${upper}`);
  w.writeConstrained(count, lower, upper);
}

function writeEnumExt(w: BitWriter, value: string, names: readonly string[], what: string): void {
  const index = names.indexOf(value);
  if (index >= 0) {
    w.writeBit(false);
    w.writeConstrained(index, 0, names.length - 1);
    return;
  }
  const match = /^extension(\d+)$/.exec(value);
  if (!match) throw new RangeError(`${what}: unknown value '${value}'`);
  w.writeBit(true);
  w.writeNormallySmall(Number(match[1]));
}

function writeChoiceExtension(w: BitWriter, choice: ChoiceExtension): void {
  w.writeBit(true);
  w.writeNormallySmall(choice.index);
  w.writeOpenType(choice.encoding);
}

function writeRegional(w: BitWriter, regional: RegionalExtension): void {
  w.writeBits(regional.regionId, 8);
  w.writeOpenType(regional.regExtValue);
}

function writeRegionalList(w: BitWriter, list: RegionalExtension[]): void {
  writeSize(w, list.length, 1, 4, 'regional');
  for (const item of list) writeRegional(w, item);
}

function writeName(w: BitWriter, name: string): void {
  w.writeString(name, 1, 63);
}

function writeReferenceID(w: BitWriter, ref: IntersectionReferenceID): void {
  w.writeBit(ref.region !== undefined);
  if (ref.region !== undefined) w.writeBits(ref.region, 16);
  w.writeBits(ref.id, 16);
}

// ---------------------------------------------------------------- SPaT

function writeSpat(w: BitWriter, spat: SPAT): void {
  w.writeBit(false);
  w.writeBits((bit(spat.timeStamp !== undefined) << 2) | (bit(spat.name !== undefined) << 1) | bit(spat.regional !== undefined), 3);
  if (spat.timeStamp !== undefined) w.writeConstrained(spat.timeStamp, 0, 527040);
  if (spat.name !== undefined) writeName(w, spat.name);
  writeSize(w, spat.intersections.length, 1, 32, 'SPAT.intersections');
  for (const state of spat.intersections) writeIntersectionState(w, state);
  if (spat.regional) writeRegionalList(w, spat.regional);
}

function writeIntersectionState(w: BitWriter, s: IntersectionState): void {
  w.writeBit(false);
  w.writeBits(
    (bit(s.name !== undefined) << 5) |
      (bit(s.moy !== undefined) << 4) |
      (bit(s.timeStamp !== undefined) << 3) |
      (bit(s.enabledLanes !== undefined) << 2) |
      (bit(s.maneuverAssistList !== undefined) << 1) |
      bit(s.regional !== undefined),
    6,
  );
  if (s.name !== undefined) writeName(w, s.name);
  writeReferenceID(w, s.id);
  w.writeBits(s.revision, 7);
  w.writeBits(s.status, 16);
  if (s.moy !== undefined) w.writeConstrained(s.moy, 0, 527040);
  if (s.timeStamp !== undefined) w.writeBits(s.timeStamp, 16);
  if (s.enabledLanes) {
    writeSize(w, s.enabledLanes.length, 1, 16, 'enabledLanes');
    for (const lane of s.enabledLanes) w.writeBits(lane, 8);
  }
  writeSize(w, s.states.length, 1, 255, 'states');
  for (const state of s.states) writeMovementState(w, state);
  if (s.maneuverAssistList) writeManeuverAssistList(w, s.maneuverAssistList);
  if (s.regional) writeRegionalList(w, s.regional);
}

function writeMovementState(w: BitWriter, m: MovementState): void {
  w.writeBit(false);
  w.writeBits(
    (bit(m.movementName !== undefined) << 2) | (bit(m.maneuverAssistList !== undefined) << 1) | bit(m.regional !== undefined),
    3,
  );
  if (m.movementName !== undefined) writeName(w, m.movementName);
  w.writeBits(m.signalGroup, 8);
  writeSize(w, m.stateTimeSpeed.length, 1, 16, 'stateTimeSpeed');
  for (const event of m.stateTimeSpeed) writeMovementEvent(w, event);
  if (m.maneuverAssistList) writeManeuverAssistList(w, m.maneuverAssistList);
  if (m.regional) writeRegionalList(w, m.regional);
}

function writeMovementEvent(w: BitWriter, e: MovementEvent): void {
  w.writeBit(false);
  w.writeBits((bit(e.timing !== undefined) << 2) | (bit(e.speeds !== undefined) << 1) | bit(e.regional !== undefined), 3);
  const state = MOVEMENT_PHASE_STATES.indexOf(e.eventState);
  if (state < 0) throw new RangeError(`eventState: unknown value '${e.eventState}'`);
  w.writeConstrained(state, 0, 9);
  if (e.timing) writeTiming(w, e.timing);
  if (e.speeds) {
    writeSize(w, e.speeds.length, 1, 16, 'speeds');
    for (const speed of e.speeds) writeAdvisorySpeed(w, speed);
  }
  if (e.regional) writeRegionalList(w, e.regional);
}

function writeTiming(w: BitWriter, t: TimeChangeDetails): void {
  w.writeBits(
    (bit(t.startTime !== undefined) << 4) |
      (bit(t.maxEndTime !== undefined) << 3) |
      (bit(t.likelyTime !== undefined) << 2) |
      (bit(t.confidence !== undefined) << 1) |
      bit(t.nextTime !== undefined),
    5,
  );
  if (t.startTime !== undefined) w.writeConstrained(t.startTime, 0, TIME_MARK_MAX);
  w.writeConstrained(t.minEndTime, 0, TIME_MARK_MAX);
  if (t.maxEndTime !== undefined) w.writeConstrained(t.maxEndTime, 0, TIME_MARK_MAX);
  if (t.likelyTime !== undefined) w.writeConstrained(t.likelyTime, 0, TIME_MARK_MAX);
  if (t.confidence !== undefined) w.writeBits(t.confidence, 4);
  if (t.nextTime !== undefined) w.writeConstrained(t.nextTime, 0, TIME_MARK_MAX);
}

function writeAdvisorySpeed(w: BitWriter, a: AdvisorySpeed): void {
  w.writeBit(false);
  w.writeBits(
    (bit(a.speed !== undefined) << 4) |
      (bit(a.confidence !== undefined) << 3) |
      (bit(a.distance !== undefined) << 2) |
      (bit(a.class !== undefined) << 1) |
      bit(a.regional !== undefined),
    5,
  );
  writeEnumExt(w, a.type, ADVISORY_SPEED_TYPES, 'AdvisorySpeed.type');
  if (a.speed !== undefined) w.writeConstrained(a.speed, 0, 500);
  if (a.confidence !== undefined) {
    const index = SAE_SPEED_CONFIDENCES.indexOf(a.confidence);
    if (index < 0) throw new RangeError(`AdvisorySpeed.confidence: unknown value '${a.confidence}'`);
    w.writeBits(index, 3);
  }
  if (a.distance !== undefined) w.writeConstrained(a.distance, 0, 10000);
  if (a.class !== undefined) w.writeBits(a.class, 8);
  if (a.regional) writeRegionalList(w, a.regional);
}

function writeManeuverAssistList(w: BitWriter, list: ConnectionManeuverAssist[]): void {
  writeSize(w, list.length, 1, 16, 'maneuverAssistList');
  for (const a of list) {
    w.writeBit(false);
    w.writeBits(
      (bit(a.queueLength !== undefined) << 4) |
        (bit(a.availableStorageLength !== undefined) << 3) |
        (bit(a.waitOnStop !== undefined) << 2) |
        (bit(a.pedBicycleDetect !== undefined) << 1) |
        bit(a.regional !== undefined),
      5,
    );
    w.writeBits(a.connectionID, 8);
    if (a.queueLength !== undefined) w.writeConstrained(a.queueLength, 0, 10000);
    if (a.availableStorageLength !== undefined) w.writeConstrained(a.availableStorageLength, 0, 10000);
    if (a.waitOnStop !== undefined) w.writeBit(a.waitOnStop);
    if (a.pedBicycleDetect !== undefined) w.writeBit(a.pedBicycleDetect);
    if (a.regional) writeRegionalList(w, a.regional);
  }
}

// ---------------------------------------------------------------- MAP

function writeMapData(w: BitWriter, m: MapData): void {
  w.writeBit(false);
  w.writeBits(
    (bit(m.timeStamp !== undefined) << 7) |
      (bit(m.layerType !== undefined) << 6) |
      (bit(m.layerID !== undefined) << 5) |
      (bit(m.intersections !== undefined) << 4) |
      (bit(m.roadSegments !== undefined) << 3) |
      (bit(m.dataParameters !== undefined) << 2) |
      (bit(m.restrictionList !== undefined) << 1) |
      bit(m.regional !== undefined),
    8,
  );
  if (m.timeStamp !== undefined) w.writeConstrained(m.timeStamp, 0, 527040);
  w.writeBits(m.msgIssueRevision, 7);
  if (m.layerType !== undefined) writeEnumExt(w, m.layerType, LAYER_TYPES, 'layerType');
  if (m.layerID !== undefined) w.writeConstrained(m.layerID, 0, 100);
  if (m.intersections) {
    writeSize(w, m.intersections.length, 1, 32, 'intersections');
    for (const geometry of m.intersections) writeIntersectionGeometry(w, geometry);
  }
  if (m.roadSegments) {
    writeSize(w, m.roadSegments.length, 1, 32, 'roadSegments');
    for (const segment of m.roadSegments) writeRoadSegment(w, segment);
  }
  if (m.dataParameters) writeDataParameters(w, m.dataParameters);
  if (m.restrictionList) {
    writeSize(w, m.restrictionList.length, 1, 254, 'restrictionList');
    for (const assignment of m.restrictionList) writeRestrictionClass(w, assignment);
  }
  if (m.regional) writeRegionalList(w, m.regional);
}

function writeIntersectionGeometry(w: BitWriter, g: IntersectionGeometry): void {
  w.writeBit(false);
  w.writeBits(
    (bit(g.name !== undefined) << 4) |
      (bit(g.laneWidth !== undefined) << 3) |
      (bit(g.speedLimits !== undefined) << 2) |
      (bit(g.preemptPriorityData !== undefined) << 1) |
      bit(g.regional !== undefined),
    5,
  );
  if (g.name !== undefined) writeName(w, g.name);
  writeReferenceID(w, g.id);
  w.writeBits(g.revision, 7);
  writePosition3D(w, g.refPoint);
  if (g.laneWidth !== undefined) w.writeBits(g.laneWidth, 15);
  if (g.speedLimits) writeSpeedLimits(w, g.speedLimits);
  writeLaneList(w, g.laneSet);
  if (g.preemptPriorityData) {
    writeSize(w, g.preemptPriorityData.length, 1, 32, 'preemptPriorityData');
    for (const zone of g.preemptPriorityData) {
      w.writeBit(false);
      writeRegional(w, zone.zone);
    }
  }
  if (g.regional) writeRegionalList(w, g.regional);
}

function writeRoadSegment(w: BitWriter, s: RoadSegment): void {
  w.writeBit(false);
  w.writeBits(
    (bit(s.name !== undefined) << 3) |
      (bit(s.laneWidth !== undefined) << 2) |
      (bit(s.speedLimits !== undefined) << 1) |
      bit(s.regional !== undefined),
    4,
  );
  if (s.name !== undefined) writeName(w, s.name);
  writeReferenceID(w, s.id);
  w.writeBits(s.revision, 7);
  writePosition3D(w, s.refPoint);
  if (s.laneWidth !== undefined) w.writeBits(s.laneWidth, 15);
  if (s.speedLimits) writeSpeedLimits(w, s.speedLimits);
  writeLaneList(w, s.roadLaneSet);
  if (s.regional) writeRegionalList(w, s.regional);
}

function writeDataParameters(w: BitWriter, p: DataParameters): void {
  w.writeBit(false);
  w.writeBits(
    (bit(p.processMethod !== undefined) << 3) |
      (bit(p.processAgency !== undefined) << 2) |
      (bit(p.lastCheckedDate !== undefined) << 1) |
      bit(p.geoidUsed !== undefined),
    4,
  );
  if (p.processMethod !== undefined) w.writeString(p.processMethod, 1, 255);
  if (p.processAgency !== undefined) w.writeString(p.processAgency, 1, 255);
  if (p.lastCheckedDate !== undefined) w.writeString(p.lastCheckedDate, 1, 255);
  if (p.geoidUsed !== undefined) w.writeString(p.geoidUsed, 1, 255);
}

function writeRestrictionClass(w: BitWriter, a: RestrictionClassAssignment): void {
  w.writeBits(a.id, 8);
  writeSize(w, a.users.length, 1, 16, 'users');
  for (const user of a.users) {
    if (user.kind === 'extension') writeChoiceExtension(w, user);
    else if (user.kind === 'regional') {
      w.writeBits(0b01, 2);
      writeRegionalList(w, user.regional);
    } else {
      w.writeBits(0b00, 2);
      writeEnumExt(w, user.basicType, RESTRICTION_APPLIES_TO, 'RestrictionAppliesTo');
    }
  }
}

function writePosition3D(w: BitWriter, p: Position3D): void {
  w.writeBit(false);
  w.writeBits((bit(p.elevation !== undefined) << 1) | bit(p.regional !== undefined), 2);
  w.writeConstrained(p.lat, -900000000, 900000001);
  w.writeConstrained(p.long, -1799999999, 1800000001);
  if (p.elevation !== undefined) w.writeConstrained(p.elevation, -4096, 61439);
  if (p.regional) writeRegionalList(w, p.regional);
}

function writeSpeedLimits(w: BitWriter, list: RegulatorySpeedLimit[]): void {
  writeSize(w, list.length, 1, 9, 'speedLimits');
  for (const limit of list) {
    writeEnumExt(w, limit.type, SPEED_LIMIT_TYPES, 'SpeedLimitType');
    w.writeBits(limit.speed, 13);
  }
}

function writeLaneList(w: BitWriter, lanes: GenericLane[]): void {
  writeSize(w, lanes.length, 1, 255, 'laneSet');
  for (const lane of lanes) writeGenericLane(w, lane);
}

function writeGenericLane(w: BitWriter, l: GenericLane): void {
  w.writeBit(false);
  w.writeBits(
    (bit(l.name !== undefined) << 6) |
      (bit(l.ingressApproach !== undefined) << 5) |
      (bit(l.egressApproach !== undefined) << 4) |
      (bit(l.maneuvers !== undefined) << 3) |
      (bit(l.connectsTo !== undefined) << 2) |
      (bit(l.overlays !== undefined) << 1) |
      bit(l.regional !== undefined),
    7,
  );
  w.writeBits(l.laneID, 8);
  if (l.name !== undefined) writeName(w, l.name);
  if (l.ingressApproach !== undefined) w.writeBits(l.ingressApproach, 4);
  if (l.egressApproach !== undefined) w.writeBits(l.egressApproach, 4);
  writeLaneAttributes(w, l.laneAttributes);
  if (l.maneuvers !== undefined) w.writeBits(l.maneuvers, 12);
  writeNodeList(w, l.nodeList);
  if (l.connectsTo) {
    writeSize(w, l.connectsTo.length, 1, 16, 'connectsTo');
    for (const connection of l.connectsTo) writeConnection(w, connection);
  }
  if (l.overlays) {
    writeSize(w, l.overlays.length, 1, 5, 'overlays');
    for (const lane of l.overlays) w.writeBits(lane, 8);
  }
  if (l.regional) writeRegionalList(w, l.regional);
}

function writeLaneAttributes(w: BitWriter, a: LaneAttributes): void {
  w.writeBit(a.regional !== undefined);
  w.writeBits(a.directionalUse, 2);
  w.writeBits(a.sharedWith, 10);
  const type = a.laneType;
  if (type.kind === 'extension') writeChoiceExtension(w, type);
  else {
    w.writeBit(false);
    const index = LANE_TYPES.indexOf(type.kind);
    w.writeBits(index, 3);
    if (index !== 0) w.writeBits(type.bits, 16);
    else if (type.size === undefined) {
      w.writeBit(false);
      w.writeBits(type.bits, 8);
    } else {
      w.writeBit(true);
      w.writeLength(type.size);
      w.writeBits(type.bits, type.size);
    }
  }
  if (a.regional) writeRegional(w, a.regional);
}

function writeNodeList(w: BitWriter, list: NodeListXY): void {
  if (list.kind === 'extension') return writeChoiceExtension(w, list);
  if (list.kind === 'computed') {
    w.writeBits(0b01, 2);
    return writeComputedLane(w, list.computed);
  }
  w.writeBits(0b00, 2);
  writeSize(w, list.nodes.length, 2, 63, 'nodes');
  for (const node of list.nodes) writeNodeXY(w, node);
}

function writeNodeXY(w: BitWriter, node: NodeXY): void {
  w.writeBit(false);
  w.writeBit(node.attributes !== undefined);
  const delta = node.delta;
  if (delta.kind === 'nodeLatLon') {
    w.writeBits(6, 3);
    w.writeConstrained(delta.lon, -1799999999, 1800000001);
    w.writeConstrained(delta.lat, -900000000, 900000001);
  } else if (delta.kind === 'regional') {
    w.writeBits(7, 3);
    writeRegional(w, delta.regional);
  } else {
    const half = NODE_XY_HALF[delta.kind]!;
    w.writeBits(NODE_XY_INDEX[delta.kind]!, 3);
    w.writeConstrained(delta.x, -half, half - 1);
    w.writeConstrained(delta.y, -half, half - 1);
  }
  if (node.attributes) writeNodeAttributes(w, node.attributes);
}

function writeNodeAttributes(w: BitWriter, a: NodeAttributeSetXY): void {
  w.writeBit(false);
  w.writeBits(
    (bit(a.localNode !== undefined) << 6) |
      (bit(a.disabled !== undefined) << 5) |
      (bit(a.enabled !== undefined) << 4) |
      (bit(a.data !== undefined) << 3) |
      (bit(a.dWidth !== undefined) << 2) |
      (bit(a.dElevation !== undefined) << 1) |
      bit(a.regional !== undefined),
    7,
  );
  if (a.localNode) {
    writeSize(w, a.localNode.length, 1, 8, 'localNode');
    for (const value of a.localNode) writeEnumExt(w, value, NODE_ATTRIBUTES_XY, 'NodeAttributeXY');
  }
  for (const list of [a.disabled, a.enabled]) {
    if (!list) continue;
    writeSize(w, list.length, 1, 8, 'SegmentAttributeXYList');
    for (const value of list) writeEnumExt(w, value, SEGMENT_ATTRIBUTES_XY, 'SegmentAttributeXY');
  }
  if (a.data) {
    writeSize(w, a.data.length, 1, 8, 'data');
    for (const attribute of a.data) writeLaneDataAttribute(w, attribute);
  }
  if (a.dWidth !== undefined) w.writeConstrained(a.dWidth, -512, 511);
  if (a.dElevation !== undefined) w.writeConstrained(a.dElevation, -512, 511);
  if (a.regional) writeRegionalList(w, a.regional);
}

function writeLaneDataAttribute(w: BitWriter, a: LaneDataAttribute): void {
  switch (a.kind) {
    case 'extension':
      return writeChoiceExtension(w, a);
    case 'pathEndPointAngle':
      w.writeBits(0, 4);
      return w.writeConstrained(a.value, -150, 150);
    case 'laneCrownPointCenter':
      w.writeBits(1, 4);
      return w.writeConstrained(a.value, -128, 127);
    case 'laneCrownPointLeft':
      w.writeBits(2, 4);
      return w.writeConstrained(a.value, -128, 127);
    case 'laneCrownPointRight':
      w.writeBits(3, 4);
      return w.writeConstrained(a.value, -128, 127);
    case 'laneAngle':
      w.writeBits(4, 4);
      return w.writeConstrained(a.value, -180, 180);
    case 'speedLimits':
      w.writeBits(5, 4);
      return writeSpeedLimits(w, a.speedLimits);
    case 'regional':
      w.writeBits(6, 4);
      return writeRegionalList(w, a.regional);
    default: {
      const never: never = a;
      throw new RangeError(`LaneDataAttribute: unknown kind ${String(never)}`);
    }
  }
}

function writeComputedLane(w: BitWriter, c: ComputedLane): void {
  w.writeBit(false);
  w.writeBits(
    (bit(c.rotateXY !== undefined) << 3) |
      (bit(c.scaleXaxis !== undefined) << 2) |
      (bit(c.scaleYaxis !== undefined) << 1) |
      bit(c.regional !== undefined),
    4,
  );
  w.writeBits(c.referenceLaneId, 8);
  writeDrivenLineOffset(w, c.offsetXaxis);
  writeDrivenLineOffset(w, c.offsetYaxis);
  if (c.rotateXY !== undefined) w.writeConstrained(c.rotateXY, 0, 28800);
  if (c.scaleXaxis !== undefined) w.writeConstrained(c.scaleXaxis, -2048, 2047);
  if (c.scaleYaxis !== undefined) w.writeConstrained(c.scaleYaxis, -2048, 2047);
  if (c.regional) writeRegionalList(w, c.regional);
}

function writeDrivenLineOffset(w: BitWriter, o: DrivenLineOffset): void {
  w.writeBit(o.kind === 'large');
  if (o.kind === 'large') w.writeConstrained(o.value, -32767, 32767);
  else w.writeConstrained(o.value, -2047, 2047);
}

function writeConnection(w: BitWriter, c: Connection): void {
  w.writeBits(
    (bit(c.remoteIntersection !== undefined) << 3) |
      (bit(c.signalGroup !== undefined) << 2) |
      (bit(c.userClass !== undefined) << 1) |
      bit(c.connectionID !== undefined),
    4,
  );
  w.writeBit(c.connectingLane.maneuver !== undefined);
  w.writeBits(c.connectingLane.lane, 8);
  if (c.connectingLane.maneuver !== undefined) w.writeBits(c.connectingLane.maneuver, 12);
  if (c.remoteIntersection) writeReferenceID(w, c.remoteIntersection);
  if (c.signalGroup !== undefined) w.writeBits(c.signalGroup, 8);
  if (c.userClass !== undefined) w.writeBits(c.userClass, 8);
  if (c.connectionID !== undefined) w.writeBits(c.connectionID, 8);
}
