/**
 * The SPAT and MapData messages of China's T/CSAE 53-2017 (unchanged in
 * T/CSAE 53-2020 and YD/T 3709-2020) as ASN.1, written with the codecs of
 * `per.ts`: each constant below is one ASN.1 type, named as in the standard,
 * and its TypeScript type is inferred from it. Module names in the comments
 * are the standard's (MsgFrame, SignalPhaseAndTiming, SPATIntersectionState,
 * Map, MapNode, MapLink, MapLane, MapPoint, MapSpeedLimit, DefPosition,
 * DefPositionOffset, DefTime, DefMotion, VehSafetyExt).
 *
 * Components and alternatives a later edition adds after an extension
 * marker are skipped or kept as opaque open types, never misread.
 */
import {
  bitString,
  choice,
  enumerated,
  extensibleBitString,
  extensibleChoice,
  ia5String,
  integer,
  optional,
  sequence,
  sequenceOf,
  type Decoded,
} from './per.ts';

// --- DefTime, DefMotion, VehSafetyExt ---------------------------------------

/** MinuteOfTheYear ::= INTEGER (0..527040): minutes since 1 January 00:00 UTC; 527040 = invalid. */
export const MinuteOfTheYear = integer(0, 527040);
/** DSecond ::= INTEGER (0..65535): milliseconds within the UTC minute. */
export const DSecond = integer(0, 65535);
/** TimeMark ::= INTEGER (0..36001): tenths of a second; 36000 = more than an hour, 36001 = unknown. */
export const TimeMark = integer(0, 36001);
/** TimeConfidence ::= ENUMERATED { unavailable (0), time-100-000 (1), …, time-000-000-000-000-01 (39) }. */
export const TimeConfidence = enumerated(40, false);
/** Confidence ::= INTEGER (0..200): units of 0.5 percent. */
export const Confidence = integer(0, 200);
/** Speed ::= INTEGER (0..8191): units of 0.02 m/s; 8191 = unavailable. */
export const Speed = integer(0, 8191);

// --- DefPosition, DefPositionOffset -----------------------------------------

/** Latitude ::= INTEGER (-900000000..900000001): 1e-7 degree; 900000001 = unavailable. */
export const Latitude = integer(-900000000, 900000001);
/** Longitude ::= INTEGER (-1799999999..1800000001): 1e-7 degree; 1800000001 = unavailable. */
export const Longitude = integer(-1799999999, 1800000001);
/** Elevation ::= INTEGER (-4096..61439): 10 cm; -4096 = unknown. */
export const Elevation = integer(-4096, 61439);

export const Position3D = sequence(
  { lat: Latitude, long: Longitude, elevation: optional(Elevation) },
  false,
);
export type Position3D = Decoded<typeof Position3D>;

const offsetPair = (bits: number) => {
  const offset = integer(-(2 ** (bits - 1)), 2 ** (bits - 1) - 1);
  return sequence({ lon: offset, lat: offset }, false);
};

/** PositionOffsetLL: offsets in 1e-7 degree from the reference position, or an absolute position. */
export const PositionOffsetLL = choice({
  'position-LL1': offsetPair(12), // Position-LL-24B
  'position-LL2': offsetPair(14), // Position-LL-28B
  'position-LL3': offsetPair(16), // Position-LL-32B
  'position-LL4': offsetPair(18), // Position-LL-36B
  'position-LL5': offsetPair(22), // Position-LL-44B
  'position-LL6': offsetPair(24), // Position-LL-48B
  'position-LatLon': sequence({ lon: Longitude, lat: Latitude }, false), // Position-LLmD-64b
});
export type PositionOffsetLL = Decoded<typeof PositionOffsetLL>;

/** VerticalOffset: 10 cm steps (VertOffset-B07 … B12), or an absolute Elevation. */
export const VerticalOffset = choice({
  offset1: integer(-64, 63),
  offset2: integer(-128, 127),
  offset3: integer(-256, 255),
  offset4: integer(-512, 511),
  offset5: integer(-1024, 1023),
  offset6: integer(-2048, 2047),
  elevation: Elevation,
});

export const PositionOffsetLLV = sequence(
  { offsetLL: PositionOffsetLL, offsetV: optional(VerticalOffset) },
  false,
);
export type PositionOffsetLLV = Decoded<typeof PositionOffsetLLV>;

// --- MapNode, MapPoint, MapSpeedLimit ---------------------------------------

/** DescriptiveName ::= IA5String (SIZE(1..63)). */
export const DescriptiveName = ia5String(1, 63);

export const NodeReferenceID = sequence(
  {
    region: optional(integer(0, 65535)), // RoadRegulatorID
    id: integer(0, 65535), // NodeID
  },
  false,
);
export type NodeReferenceID = Decoded<typeof NodeReferenceID>;

export const RoadPoint = sequence({ posOffset: PositionOffsetLLV }, true);
/** PointList ::= SEQUENCE (SIZE(2..31)) OF RoadPoint, listed from upstream to downstream. */
export const PointList = sequenceOf(RoadPoint, 2, 31);

/** SpeedLimitType ::= ENUMERATED { unknown, …, vehicleMinSpeed (4), vehicleMaxSpeed (5), …, vehiclesWithTrailersNightMaxSpeed (12), ... }. */
export const SpeedLimitType = enumerated(13, true);
export const RegulatorySpeedLimit = sequence({ type: SpeedLimitType, speed: Speed }, false);
export const SpeedLimitList = sequenceOf(RegulatorySpeedLimit, 1, 9);

// --- SPATIntersectionState ----------------------------------------------------

/** PhaseID ::= INTEGER (0..255): 0 = unknown, 255 = permanent green. */
export const PhaseID = integer(0, 255);

/**
 * LightState ::= ENUMERATED { unavailable (0), dark (1), flashing-red (2),
 * red (3), flashing-green (4), permissive-green (5), protected-green (6),
 * yellow (7), flashing-yellow (8), ... }.
 */
export const LightState = enumerated(9, true);

/** Relative countdowns: every TimeMark is tenths of a second from the message's own time. */
export const TimeCountingDown = sequence(
  {
    startTime: TimeMark, // 0 when the state has already started
    minEndTime: optional(TimeMark),
    maxEndTime: optional(TimeMark),
    likelyEndTime: TimeMark,
    timeConfidence: optional(Confidence),
    nextStartTime: optional(TimeMark),
    nextDuration: optional(TimeMark),
  },
  false,
);
export type TimeCountingDown = Decoded<typeof TimeCountingDown>;

/** Absolute times: every TimeMark is tenths of a second in the current or next UTC hour. */
export const UTCTiming = sequence(
  {
    startUTCTime: TimeMark,
    minEndUTCTime: optional(TimeMark),
    maxEndUTCTime: optional(TimeMark),
    likelyEndUTCTime: TimeMark,
    timeConfidence: optional(Confidence),
    nextStartUTCTime: optional(TimeMark),
    nextEndUTCTime: optional(TimeMark),
  },
  false,
);
export type UTCTiming = Decoded<typeof UTCTiming>;

export const TimeChangeDetails = extensibleChoice({ counting: TimeCountingDown, utcTiming: UTCTiming });
export type TimeChangeDetails = Decoded<typeof TimeChangeDetails>;

export const PhaseState = sequence({ light: LightState, timing: optional(TimeChangeDetails) }, true);
export type PhaseState = Decoded<typeof PhaseState>;

export const Phase = sequence({ id: PhaseID, phaseStates: sequenceOf(PhaseState, 1, 16) }, false);
export type Phase = Decoded<typeof Phase>;

export const IntersectionState = sequence(
  {
    intersectionId: NodeReferenceID,
    /** IntersectionStatusObject ::= BIT STRING { manualControlIsEnabled (0), …, noValidSPATisAvailableAtThisTime (13) } (SIZE(16)). */
    status: bitString(16),
    moy: optional(MinuteOfTheYear),
    timeStamp: optional(DSecond),
    timeConfidence: optional(TimeConfidence),
    phases: sequenceOf(Phase, 1, 16), // PhaseList
  },
  true,
);
export type IntersectionState = Decoded<typeof IntersectionState>;

// --- SignalPhaseAndTiming ------------------------------------------------------

export const SPAT = sequence(
  {
    msgCnt: integer(0, 127), // MsgCount
    moy: optional(MinuteOfTheYear),
    timeStamp: optional(DSecond),
    name: optional(DescriptiveName),
    intersections: sequenceOf(IntersectionState, 1, 32), // IntersectionStateList
  },
  true,
);
export type SPAT = Decoded<typeof SPAT>;

// --- MapLane ---------------------------------------------------------------------

/** LaneID ::= INTEGER (0..255): 0 = unknown. */
export const LaneID = integer(0, 255);
/** LaneWidth ::= INTEGER (0..32767): centimetres. */
export const LaneWidth = integer(0, 32767);

/**
 * AllowedManeuvers ::= BIT STRING { maneuverStraightAllowed (0),
 * maneuverLeftAllowed (1), maneuverRightAllowed (2), maneuverUTurnAllowed (3),
 * maneuverLeftTurnOnRedAllowed (4), maneuverRightTurnOnRedAllowed (5),
 * maneuverLaneChangeAllowed (6), maneuverNoStoppingAllowed (7),
 * yieldAllwaysRequired (8), goWithHalt (9), caution (10), reserved1 (11) } (SIZE(12)).
 */
export const AllowedManeuvers = bitString(12);

export const LaneTypeAttributes = extensibleChoice({
  vehicle: extensibleBitString(8), // LaneAttributes-Vehicle (SIZE(8,...))
  crosswalk: bitString(16),
  bikeLane: bitString(16),
  sidewalk: bitString(16),
  median: bitString(16), // LaneAttributes-Barrier
  striping: bitString(16),
  trackedVehicle: bitString(16),
  parking: bitString(16),
});
export type LaneTypeAttributes = Decoded<typeof LaneTypeAttributes>;

export const LaneAttributes = sequence(
  {
    shareWith: optional(bitString(10)), // LaneSharing
    laneType: LaneTypeAttributes,
  },
  false,
);

export const ConnectingLane = sequence({ lane: LaneID, maneuver: optional(AllowedManeuvers) }, false);

export const Connection = sequence(
  {
    remoteIntersection: NodeReferenceID,
    connectingLane: optional(ConnectingLane),
    phaseId: optional(PhaseID),
  },
  false,
);
export type Connection = Decoded<typeof Connection>;

export const Lane = sequence(
  {
    laneID: LaneID,
    laneWidth: optional(LaneWidth),
    laneAttributes: optional(LaneAttributes),
    maneuvers: optional(AllowedManeuvers),
    connectsTo: optional(sequenceOf(Connection, 1, 16)), // ConnectsToList
    speedLimits: optional(SpeedLimitList),
    points: optional(PointList),
  },
  true,
);
export type Lane = Decoded<typeof Lane>;

// --- MapLink, MapNode, Map -------------------------------------------------------

export const Movement = sequence({ remoteIntersection: NodeReferenceID, phaseId: optional(PhaseID) }, false);
export type Movement = Decoded<typeof Movement>;

export const Link = sequence(
  {
    name: optional(DescriptiveName),
    upstreamNodeId: NodeReferenceID, // the link runs from this node to the node it belongs to
    speedLimits: optional(SpeedLimitList),
    linkWidth: optional(LaneWidth),
    points: optional(PointList),
    movements: optional(sequenceOf(Movement, 1, 32)), // MovementList
    lanes: sequenceOf(Lane, 1, 32), // LaneList
  },
  true,
);
export type Link = Decoded<typeof Link>;

export const Node = sequence(
  {
    name: optional(DescriptiveName),
    id: NodeReferenceID,
    refPos: Position3D,
    inLinks: optional(sequenceOf(Link, 1, 32)), // LinkList
  },
  true,
);
export type Node = Decoded<typeof Node>;

export const MapData = sequence(
  {
    msgCnt: integer(0, 127), // MsgCount
    timeStamp: optional(MinuteOfTheYear),
    nodes: sequenceOf(Node, 1, 63), // NodeList
  },
  true,
);
export type MapData = Decoded<typeof MapData>;

/**
 * MessageFrame ::= CHOICE { bsmFrame, mapFrame, rsmFrame, spatFrame, rsiFrame, ... }:
 * the alternatives' names in their order, which is their index.
 */
export const FRAME_ALTERNATIVES = ['bsmFrame', 'mapFrame', 'rsmFrame', 'spatFrame', 'rsiFrame'] as const;
export type FrameAlternative = (typeof FRAME_ALTERNATIVES)[number];
