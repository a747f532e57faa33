/** fast-check generators for every J2735 SPaT/MAP type, within the ASN.1 constraints. */

import fc from 'fast-check';
import {
  ADVISORY_SPEED_TYPES,
  LANE_TYPES,
  LAYER_TYPES,
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
  type NodeListXY,
  type NodeOffsetPointXY,
  type NodeXY,
  type Position3D,
  type RegionalExtension,
  type RegulatorySpeedLimit,
  type RestrictionClassAssignment,
  type RestrictionUserType,
  type RoadSegment,
  type SPAT,
  type TimeChangeDetails,
} from '../../src/signals/j2735/index.ts';

const int = (min: number, max: number) => fc.integer({ min, max });
const ia5 = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((code) => String.fromCharCode(code)), minLength, maxLength });
const list = <T>(item: fc.Arbitrary<T>, minLength: number, maxLength: number) => fc.array(item, { minLength, maxLength });
const bytes = fc.uint8Array({ maxLength: 12 });

function enumExt<T extends string>(names: readonly T[]): fc.Arbitrary<T | EnumExtension> {
  return fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...names) },
    { weight: 1, arbitrary: fc.nat(100).map((n): EnumExtension => `extension${n}`) },
  );
}

const choiceExtension: fc.Arbitrary<ChoiceExtension> = fc.record({
  kind: fc.constant('extension' as const),
  index: fc.nat(70),
  encoding: bytes,
});

const regional: fc.Arbitrary<RegionalExtension> = fc.record({ regionId: int(0, 255), regExtValue: bytes });
const regionals = list(regional, 1, 4);

const referenceID: fc.Arbitrary<IntersectionReferenceID> = fc.record(
  { region: int(0, 65535), id: int(0, 65535) },
  { requiredKeys: ['id'] },
);

const timeMark = int(0, 36111);
const timing: fc.Arbitrary<TimeChangeDetails> = fc.record(
  { startTime: timeMark, minEndTime: timeMark, maxEndTime: timeMark, likelyTime: timeMark, confidence: int(0, 15), nextTime: timeMark },
  { requiredKeys: ['minEndTime'] },
);

const advisorySpeed: fc.Arbitrary<AdvisorySpeed> = fc.record(
  {
    type: enumExt(ADVISORY_SPEED_TYPES),
    speed: int(0, 500),
    confidence: fc.constantFrom(...SAE_SPEED_CONFIDENCES),
    distance: int(0, 10000),
    class: int(0, 255),
    regional: regionals,
  },
  { requiredKeys: ['type'] },
);

const movementEvent: fc.Arbitrary<MovementEvent> = fc.record(
  { eventState: fc.constantFrom(...MOVEMENT_PHASE_STATES), timing, speeds: list(advisorySpeed, 1, 3), regional: regionals },
  { requiredKeys: ['eventState'] },
);

const maneuverAssist: fc.Arbitrary<ConnectionManeuverAssist> = fc.record(
  {
    connectionID: int(0, 255),
    queueLength: int(0, 10000),
    availableStorageLength: int(0, 10000),
    waitOnStop: fc.boolean(),
    pedBicycleDetect: fc.boolean(),
    regional: regionals,
  },
  { requiredKeys: ['connectionID'] },
);

const movementState: fc.Arbitrary<MovementState> = fc.record(
  {
    movementName: ia5(1, 63),
    signalGroup: int(0, 255),
    stateTimeSpeed: list(movementEvent, 1, 4),
    maneuverAssistList: list(maneuverAssist, 1, 3),
    regional: regionals,
  },
  { requiredKeys: ['signalGroup', 'stateTimeSpeed'] },
);

const intersectionState: fc.Arbitrary<IntersectionState> = fc.record(
  {
    name: ia5(1, 63),
    id: referenceID,
    revision: int(0, 127),
    status: int(0, 65535),
    moy: int(0, 527040),
    timeStamp: int(0, 65535),
    enabledLanes: list(int(0, 255), 1, 16),
    states: list(movementState, 1, 6),
    maneuverAssistList: list(maneuverAssist, 1, 3),
    regional: regionals,
  },
  { requiredKeys: ['id', 'revision', 'status', 'states'] },
);

export const spat: fc.Arbitrary<SPAT> = fc.record(
  { timeStamp: int(0, 527040), name: ia5(1, 63), intersections: list(intersectionState, 1, 3), regional: regionals },
  { requiredKeys: ['intersections'] },
);

// ---------------------------------------------------------------- MAP

const position: fc.Arbitrary<Position3D> = fc.record(
  { lat: int(-900000000, 900000001), long: int(-1799999999, 1800000001), elevation: int(-4096, 61439), regional: regionals },
  { requiredKeys: ['lat', 'long'] },
);

const speedLimit: fc.Arbitrary<RegulatorySpeedLimit> = fc.record({ type: enumExt(SPEED_LIMIT_TYPES), speed: int(0, 8191) });
const speedLimits = list(speedLimit, 1, 9);

const nodeOffset: fc.Arbitrary<NodeOffsetPointXY> = fc.oneof(
  ...([512, 1024, 2048, 4096, 8192, 32768] as const).map((half, i) =>
    fc.record({ kind: fc.constant(`nodeXY${i + 1}` as 'nodeXY1'), x: int(-half, half - 1), y: int(-half, half - 1) }),
  ),
  fc.record({ kind: fc.constant('nodeLatLon' as const), lon: int(-1799999999, 1800000001), lat: int(-900000000, 900000001) }),
  fc.record({ kind: fc.constant('regional' as const), regional }),
);

const laneDataAttribute: fc.Arbitrary<LaneDataAttribute> = fc.oneof(
  fc.record({ kind: fc.constant('pathEndPointAngle' as const), value: int(-150, 150) }),
  fc.record({ kind: fc.constantFrom('laneCrownPointCenter' as const, 'laneCrownPointLeft' as const, 'laneCrownPointRight' as const), value: int(-128, 127) }),
  fc.record({ kind: fc.constant('laneAngle' as const), value: int(-180, 180) }),
  fc.record({ kind: fc.constant('speedLimits' as const), speedLimits }),
  fc.record({ kind: fc.constant('regional' as const), regional: regionals }),
  choiceExtension,
);

const nodeAttributes: fc.Arbitrary<NodeAttributeSetXY> = fc.record(
  {
    localNode: list(enumExt(NODE_ATTRIBUTES_XY), 1, 8),
    disabled: list(enumExt(SEGMENT_ATTRIBUTES_XY), 1, 8),
    enabled: list(enumExt(SEGMENT_ATTRIBUTES_XY), 1, 8),
    data: list(laneDataAttribute, 1, 3),
    dWidth: int(-512, 511),
    dElevation: int(-512, 511),
    regional: regionals,
  },
  { requiredKeys: [] },
);

const node: fc.Arbitrary<NodeXY> = fc.record({ delta: nodeOffset, attributes: nodeAttributes }, { requiredKeys: ['delta'] });

const offset = fc.oneof(
  fc.record({ kind: fc.constant('small' as const), value: int(-2047, 2047) }),
  fc.record({ kind: fc.constant('large' as const), value: int(-32767, 32767) }),
);

const computedLane: fc.Arbitrary<ComputedLane> = fc.record(
  {
    referenceLaneId: int(0, 255),
    offsetXaxis: offset,
    offsetYaxis: offset,
    rotateXY: int(0, 28800),
    scaleXaxis: int(-2048, 2047),
    scaleYaxis: int(-2048, 2047),
    regional: regionals,
  },
  { requiredKeys: ['referenceLaneId', 'offsetXaxis', 'offsetYaxis'] },
);

const nodeList: fc.Arbitrary<NodeListXY> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('nodes' as const), nodes: list(node, 2, 8) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('computed' as const), computed: computedLane }) },
  { weight: 1, arbitrary: choiceExtension },
);

const laneType: fc.Arbitrary<LaneTypeAttributes> = fc.oneof(
  fc.record({ kind: fc.constant('vehicle' as const), bits: int(0, 255) }),
  int(0, 32).chain((size) =>
    fc.record({ kind: fc.constant('vehicle' as const), bits: fc.integer({ min: 0, max: 2 ** size - 1 }), size: fc.constant(size) }),
  ),
  fc.record({ kind: fc.constantFrom(...LANE_TYPES.slice(1)), bits: int(0, 65535) }),
  choiceExtension,
);

const laneAttributes: fc.Arbitrary<LaneAttributes> = fc.record(
  { directionalUse: int(0, 3), sharedWith: int(0, 1023), laneType, regional },
  { requiredKeys: ['directionalUse', 'sharedWith', 'laneType'] },
);

const connection: fc.Arbitrary<Connection> = fc.record(
  {
    connectingLane: fc.record({ lane: int(0, 255), maneuver: int(0, 4095) }, { requiredKeys: ['lane'] }),
    remoteIntersection: referenceID,
    signalGroup: int(0, 255),
    userClass: int(0, 255),
    connectionID: int(0, 255),
  },
  { requiredKeys: ['connectingLane'] },
);

const genericLane: fc.Arbitrary<GenericLane> = fc.record(
  {
    laneID: int(0, 255),
    name: ia5(1, 63),
    ingressApproach: int(0, 15),
    egressApproach: int(0, 15),
    laneAttributes,
    maneuvers: int(0, 4095),
    nodeList,
    connectsTo: list(connection, 1, 4),
    overlays: list(int(0, 255), 1, 5),
    regional: regionals,
  },
  { requiredKeys: ['laneID', 'laneAttributes', 'nodeList'] },
);

const intersectionGeometry: fc.Arbitrary<IntersectionGeometry> = fc.record(
  {
    name: ia5(1, 63),
    id: referenceID,
    revision: int(0, 127),
    refPoint: position,
    laneWidth: int(0, 32767),
    speedLimits,
    laneSet: list(genericLane, 1, 4),
    preemptPriorityData: list(fc.record({ zone: regional }), 1, 3),
    regional: regionals,
  },
  { requiredKeys: ['id', 'revision', 'refPoint', 'laneSet'] },
);

const roadSegment: fc.Arbitrary<RoadSegment> = fc.record(
  {
    name: ia5(1, 63),
    id: referenceID,
    revision: int(0, 127),
    refPoint: position,
    laneWidth: int(0, 32767),
    speedLimits,
    roadLaneSet: list(genericLane, 1, 3),
    regional: regionals,
  },
  { requiredKeys: ['id', 'revision', 'refPoint', 'roadLaneSet'] },
);

const dataParameters: fc.Arbitrary<DataParameters> = fc.record(
  { processMethod: ia5(1, 255), processAgency: ia5(1, 40), lastCheckedDate: ia5(1, 20), geoidUsed: ia5(1, 20) },
  { requiredKeys: [] },
);

const restrictionUser: fc.Arbitrary<RestrictionUserType> = fc.oneof(
  fc.record({ kind: fc.constant('basicType' as const), basicType: enumExt(RESTRICTION_APPLIES_TO) }),
  fc.record({ kind: fc.constant('regional' as const), regional: regionals }),
  choiceExtension,
);

const restrictionClass: fc.Arbitrary<RestrictionClassAssignment> = fc.record({
  id: int(0, 255),
  users: list(restrictionUser, 1, 4),
});

export const mapData: fc.Arbitrary<MapData> = fc.record(
  {
    timeStamp: int(0, 527040),
    msgIssueRevision: int(0, 127),
    layerType: enumExt(LAYER_TYPES),
    layerID: int(0, 100),
    intersections: list(intersectionGeometry, 1, 2),
    roadSegments: list(roadSegment, 1, 2),
    dataParameters,
    restrictionList: list(restrictionClass, 1, 3),
    regional: regionals,
  },
  { requiredKeys: ['msgIssueRevision'] },
);

export const frame: fc.Arbitrary<J2735Frame> = fc.oneof(
  spat.map((value): J2735Frame => ({ messageId: 19, value })),
  mapData.map((value): J2735Frame => ({ messageId: 18, value })),
);
