/**
 * UPER decoder for J2735 MessageFrame → SPAT / MapData (DSRC module, 2016/2020).
 * One function per ASN.1 type, reading straight from the BitReader: no
 * closures, no intermediate buffers. Throws UperError on malformed input;
 * `decodeFrame` in index.ts turns that into a DecodeResult.
 */

import { BitReader, UperError } from '../uper.ts';
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
  type EnumExtension,
  type GenericLane,
  type IntersectionGeometry,
  type IntersectionReferenceID,
  type IntersectionState,
  type J2735Frame,
  type LaneAttributes,
  type LaneDataAttribute,
  type LaneTypeAttributes,
  type MapData,
  type MovementEvent,
  type MovementState,
  type NodeAttributeSetXY,
  type NodeAttributeXY,
  type SegmentAttributeXY,
  type NodeListXY,
  type NodeOffsetPointXY,
  type NodeXY,
  type Position3D,
  type RegionalExtension,
  type RegulatorySpeedLimit,
  type RestrictionClassAssignment,
  type RestrictionUserType,
  type RoadSegment,
  type SignalControlZone,
  type SPAT,
  type TimeChangeDetails,
} from './types.ts';

/** J2735 2024 widened TimeMark's unknown value to 36111; both fit the same 16 bits. */
const TIME_MARK_MAX = 36111;
const NODE_XY_KINDS = ['nodeXY1', 'nodeXY2', 'nodeXY3', 'nodeXY4', 'nodeXY5', 'nodeXY6'] as const;
/** Offset-B10 … Offset-B16: the half-range of each Node-XY-nnb alternative. */
const NODE_XY_HALF = [512, 1024, 2048, 4096, 8192, 32768] as const;

/** Decodes a complete MessageFrame; other message ids are an error. */
export function readMessageFrame(r: BitReader): J2735Frame {
  const extended = r.readBit();
  const messageId = r.readBits(15);
  if (messageId !== 18 && messageId !== 19) {
    r.fail(`DSRCmsgID ${messageId} is not a SPaT (19) or MAP (18)`);
  }
  const body = r.readOpenType();
  const frame: J2735Frame =
    messageId === 19 ? { messageId, value: readSpat(body) } : { messageId, value: readMapData(body) };
  // An open type is one complete encoding padded to whole octets (X.691 §11.1).
  if (body.bitsLeft >= 8) {
    body.fail(`${body.bitsLeft >>> 3} unused bytes at the end of the ${messageId === 19 ? 'SPAT' : 'MapData'}`);
  }
  if (extended) r.skipExtensionAdditions();
  return frame;
}

function readEnumExt<T extends string>(r: BitReader, names: readonly T[]): T | EnumExtension {
  if (r.readBit()) return `extension${r.readNormallySmall()}`;
  return names[r.readConstrained(0, names.length - 1)]!;
}

function readChoiceExtension(r: BitReader): ChoiceExtension {
  const index = r.readNormallySmall();
  const length = r.readLength();
  return { kind: 'extension', index, encoding: r.readOctets(length) };
}

function readRegional(r: BitReader): RegionalExtension {
  const regionId = r.readBits(8);
  const length = r.readLength();
  return { regionId, regExtValue: r.readOctets(length) };
}

function readRegionalList(r: BitReader): RegionalExtension[] {
  const count = r.readBits(2) + 1;
  const list: RegionalExtension[] = [];
  for (let i = 0; i < count; i++) list.push(readRegional(r));
  return list;
}

function readDescriptiveName(r: BitReader): string {
  return r.readString(1, 63);
}

function readIntersectionReferenceID(r: BitReader): IntersectionReferenceID {
  if (r.readBit()) {
    const region = r.readBits(16);
    return { region, id: r.readBits(16) };
  }
  return { id: r.readBits(16) };
}

// ---------------------------------------------------------------- SPaT

export function readSpat(r: BitReader): SPAT {
  const extended = r.readBit();
  const optional = r.readBits(3);
  const timeStamp = optional & 4 ? r.readConstrained(0, 527040) : -1;
  const name = optional & 2 ? readDescriptiveName(r) : undefined;
  const count = r.readBits(5) + 1;
  const intersections: IntersectionState[] = [];
  for (let i = 0; i < count; i++) intersections.push(readIntersectionState(r));
  const spat: SPAT = timeStamp >= 0 ? { timeStamp, intersections } : { intersections };
  if (name !== undefined) spat.name = name;
  if (optional & 1) spat.regional = readRegionalList(r);
  if (extended) r.skipExtensionAdditions();
  return spat;
}

function readIntersectionState(r: BitReader): IntersectionState {
  const extended = r.readBit();
  const optional = r.readBits(6);
  const name = optional & 32 ? readDescriptiveName(r) : undefined;
  const id = readIntersectionReferenceID(r);
  const revision = r.readBits(7);
  const status = r.readBits(16);
  const moy = optional & 16 ? r.readConstrained(0, 527040) : -1;
  const timeStamp = optional & 8 ? r.readBits(16) : -1;
  let enabledLanes: number[] | undefined;
  if (optional & 4) {
    const count = r.readBits(4) + 1;
    enabledLanes = [];
    for (let i = 0; i < count; i++) enabledLanes.push(r.readBits(8));
  }
  const count = r.readConstrained(1, 255);
  const states: MovementState[] = [];
  for (let i = 0; i < count; i++) states.push(readMovementState(r));
  // Properties in ASN.1 order, so that printed values read like the standard.
  const state: IntersectionState = name === undefined ? { id, revision, status } as IntersectionState : { name, id, revision, status } as IntersectionState;
  if (moy >= 0) state.moy = moy;
  if (timeStamp >= 0) state.timeStamp = timeStamp;
  if (enabledLanes !== undefined) state.enabledLanes = enabledLanes;
  state.states = states;
  if (optional & 2) state.maneuverAssistList = readManeuverAssistList(r);
  if (optional & 1) state.regional = readRegionalList(r);
  if (extended) r.skipExtensionAdditions();
  return state;
}

function readMovementState(r: BitReader): MovementState {
  const extended = r.readBit();
  const optional = r.readBits(3);
  const movementName = optional & 4 ? readDescriptiveName(r) : undefined;
  const signalGroup = r.readBits(8);
  const count = r.readBits(4) + 1;
  const events: MovementEvent[] = [];
  for (let i = 0; i < count; i++) events.push(readMovementEvent(r));
  const state: MovementState =
    movementName === undefined
      ? { signalGroup, stateTimeSpeed: events }
      : { movementName, signalGroup, stateTimeSpeed: events };
  if (optional & 2) state.maneuverAssistList = readManeuverAssistList(r);
  if (optional & 1) state.regional = readRegionalList(r);
  if (extended) r.skipExtensionAdditions();
  return state;
}

function readMovementEvent(r: BitReader): MovementEvent {
  const extended = r.readBit();
  const optional = r.readBits(3);
  const event: MovementEvent = { eventState: MOVEMENT_PHASE_STATES[r.readConstrained(0, 9)]! };
  if (optional & 4) event.timing = readTimeChangeDetails(r);
  if (optional & 2) {
    const count = r.readBits(4) + 1;
    const speeds: AdvisorySpeed[] = [];
    for (let i = 0; i < count; i++) speeds.push(readAdvisorySpeed(r));
    event.speeds = speeds;
  }
  if (optional & 1) event.regional = readRegionalList(r);
  if (extended) r.skipExtensionAdditions();
  return event;
}

function readTimeChangeDetails(r: BitReader): TimeChangeDetails {
  const optional = r.readBits(5);
  const startTime = optional & 16 ? r.readConstrained(0, TIME_MARK_MAX) : -1;
  const minEndTime = r.readConstrained(0, TIME_MARK_MAX);
  const timing: TimeChangeDetails = startTime >= 0 ? { startTime, minEndTime } : { minEndTime };
  if (optional & 8) timing.maxEndTime = r.readConstrained(0, TIME_MARK_MAX);
  if (optional & 4) timing.likelyTime = r.readConstrained(0, TIME_MARK_MAX);
  if (optional & 2) timing.confidence = r.readBits(4);
  if (optional & 1) timing.nextTime = r.readConstrained(0, TIME_MARK_MAX);
  return timing;
}

function readAdvisorySpeed(r: BitReader): AdvisorySpeed {
  const extended = r.readBit();
  const optional = r.readBits(5);
  const speed: AdvisorySpeed = { type: readEnumExt(r, ADVISORY_SPEED_TYPES) };
  if (optional & 16) speed.speed = r.readConstrained(0, 500);
  if (optional & 8) speed.confidence = SAE_SPEED_CONFIDENCES[r.readBits(3)]!;
  if (optional & 4) speed.distance = r.readConstrained(0, 10000);
  if (optional & 2) speed.class = r.readBits(8);
  if (optional & 1) speed.regional = readRegionalList(r);
  if (extended) r.skipExtensionAdditions();
  return speed;
}

function readManeuverAssistList(r: BitReader): ConnectionManeuverAssist[] {
  const count = r.readBits(4) + 1;
  const list: ConnectionManeuverAssist[] = [];
  for (let i = 0; i < count; i++) {
    const extended = r.readBit();
    const optional = r.readBits(5);
    const assist: ConnectionManeuverAssist = { connectionID: r.readBits(8) };
    if (optional & 16) assist.queueLength = r.readConstrained(0, 10000);
    if (optional & 8) assist.availableStorageLength = r.readConstrained(0, 10000);
    if (optional & 4) assist.waitOnStop = r.readBit();
    if (optional & 2) assist.pedBicycleDetect = r.readBit();
    if (optional & 1) assist.regional = readRegionalList(r);
    if (extended) r.skipExtensionAdditions();
    list.push(assist);
  }
  return list;
}

// ---------------------------------------------------------------- MAP

export function readMapData(r: BitReader): MapData {
  const extended = r.readBit();
  const optional = r.readBits(8);
  const timeStamp = optional & 128 ? r.readConstrained(0, 527040) : -1;
  const msgIssueRevision = r.readBits(7);
  const map: MapData = timeStamp >= 0 ? { timeStamp, msgIssueRevision } : { msgIssueRevision };
  if (optional & 64) map.layerType = readEnumExt(r, LAYER_TYPES);
  if (optional & 32) map.layerID = r.readConstrained(0, 100);
  if (optional & 16) {
    const count = r.readBits(5) + 1;
    const list: IntersectionGeometry[] = [];
    for (let i = 0; i < count; i++) list.push(readIntersectionGeometry(r));
    map.intersections = list;
  }
  if (optional & 8) {
    const count = r.readBits(5) + 1;
    const list: RoadSegment[] = [];
    for (let i = 0; i < count; i++) list.push(readRoadSegment(r));
    map.roadSegments = list;
  }
  if (optional & 4) map.dataParameters = readDataParameters(r);
  if (optional & 2) {
    const count = r.readConstrained(1, 254);
    const list: RestrictionClassAssignment[] = [];
    for (let i = 0; i < count; i++) list.push(readRestrictionClassAssignment(r));
    map.restrictionList = list;
  }
  if (optional & 1) map.regional = readRegionalList(r);
  if (extended) r.skipExtensionAdditions();
  return map;
}

function readIntersectionGeometry(r: BitReader): IntersectionGeometry {
  const extended = r.readBit();
  const optional = r.readBits(5);
  const name = optional & 16 ? readDescriptiveName(r) : undefined;
  const id = readIntersectionReferenceID(r);
  const revision = r.readBits(7);
  const refPoint = readPosition3D(r);
  const geometry = (name === undefined ? { id, revision, refPoint } : { name, id, revision, refPoint }) as IntersectionGeometry;
  if (optional & 8) geometry.laneWidth = r.readBits(15);
  if (optional & 4) geometry.speedLimits = readSpeedLimitList(r);
  geometry.laneSet = readLaneList(r);
  if (optional & 2) {
    const count = r.readBits(5) + 1;
    const zones: SignalControlZone[] = [];
    for (let i = 0; i < count; i++) {
      const zoneExtended = r.readBit();
      zones.push({ zone: readRegional(r) });
      if (zoneExtended) r.skipExtensionAdditions();
    }
    geometry.preemptPriorityData = zones;
  }
  if (optional & 1) geometry.regional = readRegionalList(r);
  if (extended) r.skipExtensionAdditions();
  return geometry;
}

function readRoadSegment(r: BitReader): RoadSegment {
  const extended = r.readBit();
  const optional = r.readBits(4);
  const name = optional & 8 ? readDescriptiveName(r) : undefined;
  const id = readIntersectionReferenceID(r);
  const revision = r.readBits(7);
  const refPoint = readPosition3D(r);
  const segment = (name === undefined ? { id, revision, refPoint } : { name, id, revision, refPoint }) as RoadSegment;
  if (optional & 4) segment.laneWidth = r.readBits(15);
  if (optional & 2) segment.speedLimits = readSpeedLimitList(r);
  segment.roadLaneSet = readLaneList(r);
  if (optional & 1) segment.regional = readRegionalList(r);
  if (extended) r.skipExtensionAdditions();
  return segment;
}

function readDataParameters(r: BitReader): DataParameters {
  const extended = r.readBit();
  const optional = r.readBits(4);
  const params: DataParameters = {};
  if (optional & 8) params.processMethod = r.readString(1, 255);
  if (optional & 4) params.processAgency = r.readString(1, 255);
  if (optional & 2) params.lastCheckedDate = r.readString(1, 255);
  if (optional & 1) params.geoidUsed = r.readString(1, 255);
  if (extended) r.skipExtensionAdditions();
  return params;
}

function readRestrictionClassAssignment(r: BitReader): RestrictionClassAssignment {
  const id = r.readBits(8);
  const count = r.readBits(4) + 1;
  const users: RestrictionUserType[] = [];
  for (let i = 0; i < count; i++) {
    if (r.readBit()) users.push(readChoiceExtension(r));
    else if (r.readBit()) users.push({ kind: 'regional', regional: readRegionalList(r) });
    else users.push({ kind: 'basicType', basicType: readEnumExt(r, RESTRICTION_APPLIES_TO) });
  }
  return { id, users };
}

function readPosition3D(r: BitReader): Position3D {
  const extended = r.readBit();
  const optional = r.readBits(2);
  const lat = r.readConstrained(-900000000, 900000001);
  const long = r.readConstrained(-1799999999, 1800000001);
  const point: Position3D = optional & 2 ? { lat, long, elevation: r.readConstrained(-4096, 61439) } : { lat, long };
  if (optional & 1) point.regional = readRegionalList(r);
  if (extended) r.skipExtensionAdditions();
  return point;
}

function readSpeedLimitList(r: BitReader): RegulatorySpeedLimit[] {
  const count = r.readConstrained(1, 9);
  const list: RegulatorySpeedLimit[] = [];
  for (let i = 0; i < count; i++) {
    const type = readEnumExt(r, SPEED_LIMIT_TYPES);
    list.push({ type, speed: r.readBits(13) });
  }
  return list;
}

function readLaneList(r: BitReader): GenericLane[] {
  const count = r.readConstrained(1, 255);
  const lanes: GenericLane[] = [];
  for (let i = 0; i < count; i++) lanes.push(readGenericLane(r));
  return lanes;
}

function readGenericLane(r: BitReader): GenericLane {
  const extended = r.readBit();
  const optional = r.readBits(7);
  const laneID = r.readBits(8);
  const name = optional & 64 ? readDescriptiveName(r) : undefined;
  const ingressApproach = optional & 32 ? r.readBits(4) : -1;
  const egressApproach = optional & 16 ? r.readBits(4) : -1;
  const laneAttributes = readLaneAttributes(r);
  const maneuvers = optional & 8 ? r.readBits(12) : -1;
  const nodeList = readNodeList(r);
  const lane: GenericLane = { laneID, laneAttributes, nodeList };
  if (name !== undefined) lane.name = name;
  if (ingressApproach >= 0) lane.ingressApproach = ingressApproach;
  if (egressApproach >= 0) lane.egressApproach = egressApproach;
  if (maneuvers >= 0) lane.maneuvers = maneuvers;
  if (optional & 4) {
    const count = r.readBits(4) + 1;
    const connections: Connection[] = [];
    for (let i = 0; i < count; i++) connections.push(readConnection(r));
    lane.connectsTo = connections;
  }
  if (optional & 2) {
    const count = r.readConstrained(1, 5);
    const overlays: number[] = [];
    for (let i = 0; i < count; i++) overlays.push(r.readBits(8));
    lane.overlays = overlays;
  }
  if (optional & 1) lane.regional = readRegionalList(r);
  if (extended) r.skipExtensionAdditions();
  return lane;
}

function readLaneAttributes(r: BitReader): LaneAttributes {
  const hasRegional = r.readBit();
  const directionalUse = r.readBits(2);
  const sharedWith = r.readBits(10);
  const laneType = readLaneType(r);
  const attributes: LaneAttributes = { directionalUse, sharedWith, laneType };
  if (hasRegional) attributes.regional = readRegional(r);
  return attributes;
}

function readLaneType(r: BitReader): LaneTypeAttributes {
  if (r.readBit()) return readChoiceExtension(r);
  const index = r.readBits(3);
  if (index !== 0) return { kind: LANE_TYPES[index]!, bits: r.readBits(16) };
  // LaneAttributes-Vehicle ::= BIT STRING (SIZE (8, ...)): another size is
  // encoded as an extension, with its length; real MAPs send 0 bits this way.
  if (!r.readBit()) return { kind: 'vehicle', bits: r.readBits(8) };
  const size = r.readLength();
  if (size > 32) r.fail(`LaneAttributes-Vehicle of ${size} bits (at most 32 supported)`);
  return { kind: 'vehicle', bits: r.readBits(size), size };
}

function readNodeList(r: BitReader): NodeListXY {
  if (r.readBit()) return readChoiceExtension(r);
  if (r.readBit()) return { kind: 'computed', computed: readComputedLane(r) };
  const count = r.readBits(6) + 2;
  if (count > 63) r.fail(`NodeSetXY of ${count} nodes (at most 63)`);
  const nodes: NodeXY[] = [];
  for (let i = 0; i < count; i++) nodes.push(readNodeXY(r));
  return { kind: 'nodes', nodes };
}

function readNodeXY(r: BitReader): NodeXY {
  const extended = r.readBit();
  const hasAttributes = r.readBit();
  const delta = readNodeOffsetPoint(r);
  const node: NodeXY = hasAttributes ? { delta, attributes: readNodeAttributeSet(r) } : { delta };
  if (extended) r.skipExtensionAdditions();
  return node;
}

function readNodeOffsetPoint(r: BitReader): NodeOffsetPointXY {
  const index = r.readBits(3);
  if (index < 6) {
    const half = NODE_XY_HALF[index]!;
    const x = r.readConstrained(-half, half - 1);
    const y = r.readConstrained(-half, half - 1);
    return { kind: NODE_XY_KINDS[index]!, x, y };
  }
  if (index === 6) {
    const lon = r.readConstrained(-1799999999, 1800000001);
    const lat = r.readConstrained(-900000000, 900000001);
    return { kind: 'nodeLatLon', lon, lat };
  }
  return { kind: 'regional', regional: readRegional(r) };
}

function readNodeAttributeSet(r: BitReader): NodeAttributeSetXY {
  const extended = r.readBit();
  const optional = r.readBits(7);
  const set: NodeAttributeSetXY = {};
  if (optional & 64) {
    const count = r.readBits(3) + 1;
    const list: NodeAttributeXY[] = [];
    for (let i = 0; i < count; i++) list.push(readEnumExt(r, NODE_ATTRIBUTES_XY));
    set.localNode = list;
  }
  if (optional & 32) set.disabled = readSegmentAttributes(r);
  if (optional & 16) set.enabled = readSegmentAttributes(r);
  if (optional & 8) {
    const count = r.readBits(3) + 1;
    const list: LaneDataAttribute[] = [];
    for (let i = 0; i < count; i++) list.push(readLaneDataAttribute(r));
    set.data = list;
  }
  if (optional & 4) set.dWidth = r.readConstrained(-512, 511);
  if (optional & 2) set.dElevation = r.readConstrained(-512, 511);
  if (optional & 1) set.regional = readRegionalList(r);
  if (extended) r.skipExtensionAdditions();
  return set;
}

function readSegmentAttributes(r: BitReader): SegmentAttributeXY[] {
  const count = r.readBits(3) + 1;
  const list: SegmentAttributeXY[] = [];
  for (let i = 0; i < count; i++) list.push(readEnumExt(r, SEGMENT_ATTRIBUTES_XY));
  return list;
}

function readLaneDataAttribute(r: BitReader): LaneDataAttribute {
  if (r.readBit()) return readChoiceExtension(r);
  switch (r.readBits(3)) {
    case 0:
      return { kind: 'pathEndPointAngle', value: r.readConstrained(-150, 150) };
    case 1:
      return { kind: 'laneCrownPointCenter', value: r.readConstrained(-128, 127) };
    case 2:
      return { kind: 'laneCrownPointLeft', value: r.readConstrained(-128, 127) };
    case 3:
      return { kind: 'laneCrownPointRight', value: r.readConstrained(-128, 127) };
    case 4:
      return { kind: 'laneAngle', value: r.readConstrained(-180, 180) };
    case 5:
      return { kind: 'speedLimits', speedLimits: readSpeedLimitList(r) };
    case 6:
      return { kind: 'regional', regional: readRegionalList(r) };
    default:
      return r.fail('LaneDataAttribute alternative 7 does not exist');
  }
}

function readComputedLane(r: BitReader): ComputedLane {
  const extended = r.readBit();
  const optional = r.readBits(4);
  const referenceLaneId = r.readBits(8);
  const offsetXaxis = readDrivenLineOffset(r);
  const offsetYaxis = readDrivenLineOffset(r);
  const lane: ComputedLane = { referenceLaneId, offsetXaxis, offsetYaxis };
  if (optional & 8) lane.rotateXY = r.readConstrained(0, 28800);
  if (optional & 4) lane.scaleXaxis = r.readConstrained(-2048, 2047);
  if (optional & 2) lane.scaleYaxis = r.readConstrained(-2048, 2047);
  if (optional & 1) lane.regional = readRegionalList(r);
  if (extended) r.skipExtensionAdditions();
  return lane;
}

function readDrivenLineOffset(r: BitReader): DrivenLineOffset {
  if (r.readBit()) return { kind: 'large', value: r.readConstrained(-32767, 32767) };
  return { kind: 'small', value: r.readConstrained(-2047, 2047) };
}

function readConnection(r: BitReader): Connection {
  const optional = r.readBits(4);
  const hasManeuver = r.readBit();
  const lane = r.readBits(8);
  const connection: Connection = {
    connectingLane: hasManeuver ? { lane, maneuver: r.readBits(12) } : { lane },
  };
  if (optional & 8) connection.remoteIntersection = readIntersectionReferenceID(r);
  if (optional & 4) connection.signalGroup = r.readBits(8);
  if (optional & 2) connection.userClass = r.readBits(8);
  if (optional & 1) connection.connectionID = r.readBits(8);
  return connection;
}

export { UperError };
