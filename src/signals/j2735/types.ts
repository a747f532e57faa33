/**
 * SAE J2735 (2016/2020) SPaT and MAP values, mirroring the ASN.1 of the DSRC
 * module field for field.
 *
 * Naming: ASN.1 identifiers in camelCase as the USDOT ODE's JSON writes them
 * (a hyphen is dropped and the next letter upper-cased: `state-time-speed` →
 * `stateTimeSpeed`, `node-XY3` → `nodeXY3`, `stop-And-Remain` →
 * `stopAndRemain`). Units are the ASN.1 units (lat/long in 1e-7 degree,
 * elevation in 10 cm, offsets in cm, TimeMark in tenths of a second of the
 * hour); `toModel` converts them.
 *
 * - INTEGER → number; BOOLEAN → boolean; IA5String → string.
 * - BIT STRING of fixed size → number, first (named bit 0) = most significant.
 * - ENUMERATED → the camelCase identifier; a value from a later edition's
 *   extension (after `...`) → `extension<N>`, N its index among the additions.
 * - CHOICE → `{ kind: <alternative>, ... }`; an alternative from a later
 *   edition → `{ kind: 'extension', index, encoding }` with its raw bytes.
 * - SEQUENCE OF → array; OPTIONAL → optional property.
 * - Regional extensions keep their region id and undecoded bytes so that a
 *   message re-encodes unchanged; extension additions (after `...` of a
 *   SEQUENCE) are skipped when decoding.
 */

/** An enumerated value added by a later edition (index among the additions). */
export type EnumExtension = `extension${number}`;

/** A CHOICE alternative added by a later edition, kept as its open-type bytes. */
export interface ChoiceExtension {
  kind: 'extension';
  index: number;
  encoding: Uint8Array;
}

/** RegionalExtension: the region's payload is an open type, kept undecoded. */
export interface RegionalExtension {
  regionId: number;
  regExtValue: Uint8Array;
}

export interface IntersectionReferenceID {
  /** RoadRegulatorID. */
  region?: number;
  id: number;
}

// ---------------------------------------------------------------- SPaT

/** J2735 MovementPhaseState, in value order (index = encoded value). */
export const MOVEMENT_PHASE_STATES = [
  'unavailable',
  'dark',
  'stopThenProceed',
  'stopAndRemain',
  'preMovement',
  'permissiveMovementAllowed',
  'protectedMovementAllowed',
  'permissiveClearance',
  'protectedClearance',
  'cautionConflictingTraffic',
] as const;
export type MovementPhaseState = (typeof MOVEMENT_PHASE_STATES)[number];

export const ADVISORY_SPEED_TYPES = ['none', 'greenwave', 'ecoDrive', 'transit'] as const;
export type AdvisorySpeedType = (typeof ADVISORY_SPEED_TYPES)[number] | EnumExtension;

export const SAE_SPEED_CONFIDENCES = [
  'unavailable',
  'prec100ms',
  'prec10ms',
  'prec5ms',
  'prec1ms',
  'prec01ms',
  'prec005ms',
  'prec001ms',
] as const;
export type SAESpeedConfidence = (typeof SAE_SPEED_CONFIDENCES)[number];

/** TimeChangeDetails: TimeMarks are tenths of a second of the current UTC hour. */
export interface TimeChangeDetails {
  startTime?: number;
  minEndTime: number;
  maxEndTime?: number;
  likelyTime?: number;
  /** TimeIntervalConfidence 0–15. */
  confidence?: number;
  nextTime?: number;
}

export interface AdvisorySpeed {
  type: AdvisorySpeedType;
  /** SpeedAdvice, 0.1 m/s (500 = unavailable). */
  speed?: number;
  confidence?: SAESpeedConfidence;
  /** ZoneLength, metres. */
  distance?: number;
  class?: number;
  regional?: RegionalExtension[];
}

export interface MovementEvent {
  eventState: MovementPhaseState;
  timing?: TimeChangeDetails;
  speeds?: AdvisorySpeed[];
  regional?: RegionalExtension[];
}

export interface ConnectionManeuverAssist {
  connectionID: number;
  queueLength?: number;
  availableStorageLength?: number;
  waitOnStop?: boolean;
  pedBicycleDetect?: boolean;
  regional?: RegionalExtension[];
}

export interface MovementState {
  movementName?: string;
  signalGroup: number;
  stateTimeSpeed: MovementEvent[];
  maneuverAssistList?: ConnectionManeuverAssist[];
  regional?: RegionalExtension[];
}

export interface IntersectionState {
  name?: string;
  id: IntersectionReferenceID;
  /** MsgCount 0–127. */
  revision: number;
  /** IntersectionStatusObject, 16 bits (manualControlIsEnabled = MSB). */
  status: number;
  /** MinuteOfTheYear 0–527040 (527040 = invalid). */
  moy?: number;
  /** DSecond: milliseconds within the minute. */
  timeStamp?: number;
  enabledLanes?: number[];
  states: MovementState[];
  maneuverAssistList?: ConnectionManeuverAssist[];
  regional?: RegionalExtension[];
}

export interface SPAT {
  timeStamp?: number;
  name?: string;
  intersections: IntersectionState[];
  regional?: RegionalExtension[];
}

// ---------------------------------------------------------------- MAP

export const LAYER_TYPES = [
  'none',
  'mixedContent',
  'generalMapData',
  'intersectionData',
  'curveData',
  'roadwaySectionData',
  'parkingAreaData',
  'sharedLaneData',
] as const;
export type LayerType = (typeof LAYER_TYPES)[number] | EnumExtension;

export const SPEED_LIMIT_TYPES = [
  'unknown',
  'maxSpeedInSchoolZone',
  'maxSpeedInSchoolZoneWhenChildrenArePresent',
  'maxSpeedInConstructionZone',
  'vehicleMinSpeed',
  'vehicleMaxSpeed',
  'vehicleNightMaxSpeed',
  'truckMinSpeed',
  'truckMaxSpeed',
  'truckNightMaxSpeed',
  'vehiclesWithTrailersMinSpeed',
  'vehiclesWithTrailersMaxSpeed',
  'vehiclesWithTrailersNightMaxSpeed',
] as const;
export type SpeedLimitType = (typeof SPEED_LIMIT_TYPES)[number] | EnumExtension;

export const NODE_ATTRIBUTES_XY = [
  'reserved',
  'stopLine',
  'roundedCapStyleA',
  'roundedCapStyleB',
  'mergePoint',
  'divergePoint',
  'downstreamStopLine',
  'downstreamStartNode',
  'closedToTraffic',
  'safeIsland',
  'curbPresentAtStepOff',
  'hydrantPresent',
] as const;
export type NodeAttributeXY = (typeof NODE_ATTRIBUTES_XY)[number] | EnumExtension;

export const SEGMENT_ATTRIBUTES_XY = [
  'reserved',
  'doNotBlock',
  'whiteLine',
  'mergingLaneLeft',
  'mergingLaneRight',
  'curbOnLeft',
  'curbOnRight',
  'loadingzoneOnLeft',
  'loadingzoneOnRight',
  'turnOutPointOnLeft',
  'turnOutPointOnRight',
  'adjacentParkingOnLeft',
  'adjacentParkingOnRight',
  'adjacentBikeLaneOnLeft',
  'adjacentBikeLaneOnRight',
  'sharedBikeLane',
  'bikeBoxInFront',
  'transitStopOnLeft',
  'transitStopOnRight',
  'transitStopInLane',
  'sharedWithTrackedVehicle',
  'safeIsland',
  'lowCurbsPresent',
  'rumbleStripPresent',
  'audibleSignalingPresent',
  'adaptiveTimingPresent',
  'rfSignalRequestPresent',
  'partialCurbIntrusion',
  'taperToLeft',
  'taperToRight',
  'taperToCenterLine',
  'parallelParking',
  'headInParking',
  'freeParking',
  'timeRestrictionsOnParking',
  'costToPark',
  'midBlockCurbPresent',
  'unEvenPavementPresent',
] as const;
export type SegmentAttributeXY = (typeof SEGMENT_ATTRIBUTES_XY)[number] | EnumExtension;

export const RESTRICTION_APPLIES_TO = [
  'none',
  'equippedTransit',
  'equippedTaxis',
  'equippedOther',
  'emissionCompliant',
  'equippedBicycle',
  'weightCompliant',
  'heightCompliant',
  'pedestrians',
  'slowMovingPersons',
  'wheelchairUsers',
  'visualDisabilities',
  'audioDisabilities',
  'otherUnknownDisabilities',
] as const;
export type RestrictionAppliesTo = (typeof RESTRICTION_APPLIES_TO)[number] | EnumExtension;

export interface Position3D {
  /** Latitude, 1e-7 degree (900000001 = unavailable). */
  lat: number;
  /** Longitude, 1e-7 degree (1800000001 = unavailable). */
  long: number;
  /** Elevation, 10 cm (-4096 = unavailable). */
  elevation?: number;
  regional?: RegionalExtension[];
}

export interface RegulatorySpeedLimit {
  type: SpeedLimitType;
  /** Velocity, 0.02 m/s (8191 = unavailable). */
  speed: number;
}

/** NodeOffsetPointXY: offsets in cm from the previous node (the first from the reference point). */
export type NodeOffsetPointXY =
  | { kind: 'nodeXY1' | 'nodeXY2' | 'nodeXY3' | 'nodeXY4' | 'nodeXY5' | 'nodeXY6'; x: number; y: number }
  | { kind: 'nodeLatLon'; lon: number; lat: number }
  | { kind: 'regional'; regional: RegionalExtension };

export type LaneDataAttribute =
  | {
      kind: 'pathEndPointAngle' | 'laneCrownPointCenter' | 'laneCrownPointLeft' | 'laneCrownPointRight' | 'laneAngle';
      value: number;
    }
  | { kind: 'speedLimits'; speedLimits: RegulatorySpeedLimit[] }
  | { kind: 'regional'; regional: RegionalExtension[] }
  | ChoiceExtension;

export interface NodeAttributeSetXY {
  localNode?: NodeAttributeXY[];
  disabled?: SegmentAttributeXY[];
  enabled?: SegmentAttributeXY[];
  data?: LaneDataAttribute[];
  /** Offset-B10, cm. */
  dWidth?: number;
  /** Offset-B10, cm. */
  dElevation?: number;
  regional?: RegionalExtension[];
}

export interface NodeXY {
  delta: NodeOffsetPointXY;
  attributes?: NodeAttributeSetXY;
}

/** OffsetXaxis / OffsetYaxis: DrivenLineOffsetSm or -Lg, cm. */
export interface DrivenLineOffset {
  kind: 'small' | 'large';
  value: number;
}

export interface ComputedLane {
  referenceLaneId: number;
  offsetXaxis: DrivenLineOffset;
  offsetYaxis: DrivenLineOffset;
  /** Angle, 0.0125 degree. */
  rotateXY?: number;
  /** Scale-B12, 0.05 %. */
  scaleXaxis?: number;
  scaleYaxis?: number;
  regional?: RegionalExtension[];
}

export type NodeListXY = { kind: 'nodes'; nodes: NodeXY[] } | { kind: 'computed'; computed: ComputedLane } | ChoiceExtension;

export const LANE_TYPES = [
  'vehicle',
  'crosswalk',
  'bikeLane',
  'sidewalk',
  'median',
  'striping',
  'trackedVehicle',
  'parking',
] as const;

/**
 * LaneTypeAttributes: the alternative and its BIT STRING (8 bits for vehicle,
 * 16 for the others). `size` is present only when a vehicle lane's bit string
 * was sent with another size (its SIZE (8, ...) allows that); `bits` then
 * holds those `size` bits.
 */
export type LaneTypeAttributes = { kind: (typeof LANE_TYPES)[number]; bits: number; size?: number } | ChoiceExtension;

export interface LaneAttributes {
  /** LaneDirection, 2 bits: ingressPath (MSB), egressPath. */
  directionalUse: number;
  /** LaneSharing, 10 bits: overlappingLaneDescriptionProvided (MSB) … pedestrianTraffic. */
  sharedWith: number;
  laneType: LaneTypeAttributes;
  regional?: RegionalExtension;
}

export interface ConnectingLane {
  lane: number;
  /** AllowedManeuvers, 12 bits. */
  maneuver?: number;
}

export interface Connection {
  connectingLane: ConnectingLane;
  remoteIntersection?: IntersectionReferenceID;
  signalGroup?: number;
  userClass?: number;
  connectionID?: number;
}

export interface GenericLane {
  laneID: number;
  name?: string;
  ingressApproach?: number;
  egressApproach?: number;
  laneAttributes: LaneAttributes;
  /** AllowedManeuvers, 12 bits: maneuverStraightAllowed (MSB), Left, Right, UTurn, … */
  maneuvers?: number;
  nodeList: NodeListXY;
  connectsTo?: Connection[];
  overlays?: number[];
  regional?: RegionalExtension[];
}

export interface SignalControlZone {
  zone: RegionalExtension;
}

export interface IntersectionGeometry {
  name?: string;
  id: IntersectionReferenceID;
  revision: number;
  refPoint: Position3D;
  /** LaneWidth, cm. */
  laneWidth?: number;
  speedLimits?: RegulatorySpeedLimit[];
  laneSet: GenericLane[];
  preemptPriorityData?: SignalControlZone[];
  regional?: RegionalExtension[];
}

export interface RoadSegment {
  name?: string;
  id: IntersectionReferenceID;
  revision: number;
  refPoint: Position3D;
  laneWidth?: number;
  speedLimits?: RegulatorySpeedLimit[];
  roadLaneSet: GenericLane[];
  regional?: RegionalExtension[];
}

export interface DataParameters {
  processMethod?: string;
  processAgency?: string;
  lastCheckedDate?: string;
  geoidUsed?: string;
}

export type RestrictionUserType =
  | { kind: 'basicType'; basicType: RestrictionAppliesTo }
  | { kind: 'regional'; regional: RegionalExtension[] }
  | ChoiceExtension;

export interface RestrictionClassAssignment {
  id: number;
  users: RestrictionUserType[];
}

export interface MapData {
  timeStamp?: number;
  msgIssueRevision: number;
  layerType?: LayerType;
  layerID?: number;
  intersections?: IntersectionGeometry[];
  roadSegments?: RoadSegment[];
  dataParameters?: DataParameters;
  restrictionList?: RestrictionClassAssignment[];
  regional?: RegionalExtension[];
}

// ---------------------------------------------------------------- MessageFrame

/** DSRCmsgID values this module decodes. */
export const MAP_MESSAGE_ID = 18;
export const SPAT_MESSAGE_ID = 19;

/** A J2735 MessageFrame holding a SPaT or a MAP. */
export type J2735Frame = { messageId: 19; value: SPAT } | { messageId: 18; value: MapData };
