/**
 * CSAE 53 SPAT and MapData values → Cabin's traffic-light model: relative
 * countdowns become epoch ms, light states become movement phases, nodes
 * become intersections and their incoming links' lanes become model lanes.
 */
import type {
  IntersectionMap,
  IntersectionRef,
  IntersectionSignals,
  Lane as ModelLane,
  LaneConnection,
  Maneuver,
  MapMessage,
  MovementEvent,
  MovementPhase,
  PhaseTiming,
  SignalGroupState,
  SpatMessage,
} from '../model.ts';
import type {
  Lane,
  Link,
  MapData,
  Node,
  NodeReferenceID,
  Phase,
  PhaseState,
  PositionOffsetLLV,
  SPAT,
  TimeCountingDown,
  UTCTiming,
} from './schema.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const TENTH_MS = 100;
/** MinuteOfTheYear 527040 is "invalid" (DefTime). */
const MOY_INVALID = 527040;
/** DSecond 60000–60999 is a leap second; above that is reserved or unavailable (65535). */
const DSECOND_LAST_VALID = 60999;
/** TimeMark 36000 is "more than an hour", 36001 "unknown" (DefTime): neither is a time. */
const TIMEMARK_FIRST_INVALID = 36000;
const LATITUDE_UNAVAILABLE = 900000001;
const LONGITUDE_UNAVAILABLE = 1800000001;
const SPEED_UNAVAILABLE = 8191;
const SPEED_LIMIT_VEHICLE_MAX = 5;

/**
 * LightState → MovementPhase. The numbers line up with J2735's
 * MovementPhaseState except at two, where the colours differ: flashing-green
 * (4) ends a green phase in China and still lets vehicles go, where J2735's 4
 * is red+amber pre-movement (a stop); flashing-yellow (8) is J2735's flashing
 * amber, caution-conflicting-traffic (9), not protected-clearance (8).
 * Values from a later edition's extensions are unknown: unavailable.
 */
const LIGHT_PHASES: readonly MovementPhase[] = [
  'unavailable', // unavailable (0)
  'dark', // dark (1)
  'stop-then-proceed', // flashing-red (2)
  'stop-and-remain', // red (3)
  'permissive-movement-allowed', // flashing-green (4)
  'permissive-movement-allowed', // permissive-green (5)
  'protected-movement-allowed', // protected-green (6)
  'permissive-clearance', // yellow (7)
  'caution-conflicting-traffic', // flashing-yellow (8)
];

/** The model phase of a CSAE LightState value. */
export function lightPhase(light: number): MovementPhase {
  return LIGHT_PHASES[light] ?? 'unavailable';
}

/**
 * J2735 (and ISO TS 19091) TimeIntervalConfidence levels 0–15 as the
 * probability in percent each stands for; CSAE gives a Confidence in 0.5 %
 * units instead.
 */
const INTERVAL_CONFIDENCE_PERCENT = [21, 36, 47, 56, 62, 68, 73, 77, 81, 85, 88, 91, 94, 96, 98, 100];

/** CSAE Confidence (0–200, units of 0.5 %) → the highest J2735 TimeIntervalConfidence it reaches; undefined below 21 %. */
export function intervalConfidence(confidence: number): number | undefined {
  const percent = confidence / 2;
  let level: number | undefined;
  for (let k = 0; k < INTERVAL_CONFIDENCE_PERCENT.length; k++) if (INTERVAL_CONFIDENCE_PERCENT[k]! <= percent) level = k;
  return level;
}

/** Start of minute `moy` of the UTC year nearest to `now` (so a message from 31 December read on 1 January stays in its year). */
export function minuteOfYearToEpoch(moy: number, now: Date): number | undefined {
  if (moy >= MOY_INVALID) return undefined;
  const year = now.getUTCFullYear();
  let best = Date.UTC(year, 0, 1) + moy * MINUTE_MS;
  for (const candidate of [year - 1, year + 1]) {
    const time = Date.UTC(candidate, 0, 1) + moy * MINUTE_MS;
    if (Math.abs(time - now.getTime()) < Math.abs(best - now.getTime())) best = time;
  }
  return best;
}

/**
 * The time a CSAE message states (epoch ms): minute of the year plus
 * milliseconds in the minute. With only the milliseconds, the minute is the
 * one that puts the time nearest `now` (across the minute and hour rollover).
 * With only the minute, its start. Undefined when neither is usable.
 */
export function messageTime(moy: number | undefined, timeStamp: number | undefined, now: Date): number | undefined {
  const minuteStart = moy === undefined ? undefined : minuteOfYearToEpoch(moy, now);
  const millis = timeStamp !== undefined && timeStamp <= DSECOND_LAST_VALID ? timeStamp : undefined;
  if (minuteStart !== undefined) return minuteStart + (millis ?? 0);
  if (millis === undefined) return undefined;
  const nowMs = now.getTime();
  const time = nowMs - (nowMs % MINUTE_MS) + millis;
  if (time - nowMs > MINUTE_MS / 2) return time - MINUTE_MS;
  if (nowMs - time > MINUTE_MS / 2) return time + MINUTE_MS;
  return time;
}

/**
 * The moment a SPAT's countdowns count from: the message's time when it is
 * known to the millisecond, otherwise `now` (the message gives only its
 * minute, or nothing).
 */
function countdownBase(moy: number | undefined, timeStamp: number | undefined, now: Date): number {
  if (timeStamp === undefined || timeStamp > DSECOND_LAST_VALID) return now.getTime();
  return messageTime(moy, timeStamp, now) ?? now.getTime();
}

/** A relative TimeMark (tenths of a second from `base`) as epoch ms. */
function afterBase(base: number, tenths: number | undefined): number | undefined {
  return tenths === undefined || tenths >= TIMEMARK_FIRST_INVALID ? undefined : base + tenths * TENTH_MS;
}

/** An absolute TimeMark (tenths of a second of the UTC hour) as the epoch ms nearest `base`, across the hour rollover. */
function inHourOf(base: number, tenths: number | undefined): number | undefined {
  if (tenths === undefined || tenths >= TIMEMARK_FIRST_INVALID) return undefined;
  const time = base - (base % HOUR_MS) + tenths * TENTH_MS;
  if (time - base > HOUR_MS / 2) return time - HOUR_MS;
  if (base - time > HOUR_MS / 2) return time + HOUR_MS;
  return time;
}

/** Builds a PhaseTiming from optional parts, leaving out the unknown ones. */
function phaseTiming(parts: { [K in keyof PhaseTiming]-?: PhaseTiming[K] | undefined }): PhaseTiming {
  const timing: PhaseTiming = {};
  if (parts.startTime !== undefined) timing.startTime = parts.startTime;
  if (parts.minEndTime !== undefined) timing.minEndTime = parts.minEndTime;
  if (parts.maxEndTime !== undefined) timing.maxEndTime = parts.maxEndTime;
  if (parts.likelyTime !== undefined) timing.likelyTime = parts.likelyTime;
  if (parts.confidence !== undefined) timing.confidence = parts.confidence;
  if (parts.nextTime !== undefined) timing.nextTime = parts.nextTime;
  return timing;
}

function countingTiming(counting: TimeCountingDown, base: number): PhaseTiming {
  return phaseTiming({
    // 0 means "already started", and when is not said.
    startTime: counting.startTime === 0 ? undefined : afterBase(base, counting.startTime),
    minEndTime: afterBase(base, counting.minEndTime),
    maxEndTime: afterBase(base, counting.maxEndTime),
    likelyTime: afterBase(base, counting.likelyEndTime),
    confidence: counting.timeConfidence === undefined ? undefined : intervalConfidence(counting.timeConfidence),
    nextTime: afterBase(base, counting.nextStartTime),
  });
}

function utcTiming(utc: UTCTiming, base: number): PhaseTiming {
  return phaseTiming({
    startTime: inHourOf(base, utc.startUTCTime),
    minEndTime: inHourOf(base, utc.minEndUTCTime),
    maxEndTime: inHourOf(base, utc.maxEndUTCTime),
    likelyTime: inHourOf(base, utc.likelyEndUTCTime),
    confidence: utc.timeConfidence === undefined ? undefined : intervalConfidence(utc.timeConfidence),
    nextTime: inHourOf(base, utc.nextStartUTCTime),
  });
}

/** When a phase state starts, relative to `base` (ms), for ordering: the current one (already started) is 0. */
function startsIn(state: PhaseState, base: number): number {
  const timing = state.timing;
  if (timing === undefined) return 0;
  switch (timing.type) {
    case 'counting':
      return timing.value.startTime >= TIMEMARK_FIRST_INVALID ? Infinity : timing.value.startTime * TENTH_MS;
    case 'utcTiming': {
      const start = inHourOf(base, timing.value.startUTCTime);
      return start === undefined ? Infinity : Math.max(0, start - base);
    }
    case 'extension':
      return Infinity;
    default:
      return assertNever(timing);
  }
}

function movementEvent(state: PhaseState, base: number): MovementEvent {
  const event: MovementEvent = { phase: lightPhase(state.light) };
  const timing = state.timing;
  if (timing === undefined || timing.type === 'extension') return event;
  event.timing = timing.type === 'counting' ? countingTiming(timing.value, base) : utcTiming(timing.value, base);
  return event;
}

function signalGroup(phase: Phase, base: number): SignalGroupState {
  // The current state first, then the predicted ones by when they start (a stable sort keeps the sender's order for ties).
  const states = phase.phaseStates
    .map((state) => ({ state, startsIn: startsIn(state, base) }))
    .sort((a, b) => a.startsIn - b.startsIn);
  return { signalGroup: phase.id, events: states.map(({ state }) => movementEvent(state, base)) };
}

function intersectionRef(id: NodeReferenceID): IntersectionRef {
  return { region: id.region ?? 0, id: id.id };
}

/** A SPAT in Cabin's model; countdowns are resolved against the message's own time, `now` gives the year and the fall-back. */
export function spatToModel(spat: SPAT, now: Date): SpatMessage {
  const message: SpatMessage = {
    kind: 'spat',
    intersections: spat.intersections.map((state): IntersectionSignals => {
      const base = countdownBase(state.moy ?? spat.moy, state.timeStamp ?? spat.timeStamp, now);
      return {
        ref: intersectionRef(state.intersectionId),
        revision: spat.msgCnt,
        timestamp: base,
        status: state.status,
        groups: state.phases.map((phase) => signalGroup(phase, base)),
      };
    }),
  };
  const timestamp = messageTime(spat.moy, spat.timeStamp, now);
  if (timestamp !== undefined) message.timestamp = timestamp;
  return message;
}

// AllowedManeuvers bit 0 is the first (most significant) of 12.
const MANEUVER_BITS: readonly [Maneuver, number][] = [
  ['straight', 1 << 11],
  ['left', 1 << 10],
  ['right', 1 << 9],
  ['u-turn', 1 << 8],
];

/** The model manoeuvres an AllowedManeuvers bit string allows (turn-on-red, lane change and the rest have no model counterpart). */
export function maneuversOf(bits: number): Maneuver[] {
  return MANEUVER_BITS.filter(([, bit]) => (bits & bit) !== 0).map(([maneuver]) => maneuver);
}

/** Absolute [lat, lon] of a point given as an offset from the node's reference position (or absolutely). */
function absolutePoint(offset: PositionOffsetLLV, refLat: number, refLon: number): [number, number] | undefined {
  const ll = offset.offsetLL;
  const lat = ll.type === 'position-LatLon' ? ll.value.lat : refLat + ll.value.lat;
  const lon = ll.type === 'position-LatLon' ? ll.value.lon : refLon + ll.value.lon;
  if (lat === LATITUDE_UNAVAILABLE || lon === LONGITUDE_UNAVAILABLE) return undefined;
  return [lat / 1e7, lon / 1e7];
}

/** Centre-line points from the stop line outwards: CSAE lists them upstream to downstream, so the stop line is last. */
function centreLine(points: Link['points'], node: Node): [number, number][] {
  const line: [number, number][] = [];
  for (const point of points ?? []) {
    const absolute = absolutePoint(point.posOffset, node.refPos.lat, node.refPos.long);
    if (absolute !== undefined) line.push(absolute);
  }
  return line.reverse();
}

function laneKind(lane: Lane): ModelLane['kind'] {
  const type = lane.laneAttributes?.laneType;
  // Lanes of a link without attributes are its traffic lanes.
  if (type === undefined) return 'vehicle';
  switch (type.type) {
    case 'vehicle':
    case 'extension':
      return 'vehicle';
    case 'crosswalk':
      return 'crosswalk';
    case 'bikeLane':
      return 'bike';
    case 'sidewalk':
      return 'sidewalk';
    case 'median':
      return 'median';
    case 'striping':
      return 'striping';
    case 'trackedVehicle':
      return 'tracked';
    case 'parking':
      return 'parking';
    default:
      return assertNever(type);
  }
}

function sameNode(a: NodeReferenceID, b: NodeReferenceID): boolean {
  return a.id === b.id && (a.region ?? 0) === (b.region ?? 0);
}

function laneConnections(lane: Lane, link: Link): LaneConnection[] {
  if (lane.connectsTo === undefined) {
    // Without lane-level connections, the link's movements say where its lanes lead and under which phase.
    return (link.movements ?? []).map((movement) => {
      const connection: LaneConnection = { toLane: 0, toIntersection: intersectionRef(movement.remoteIntersection) };
      if (movement.phaseId !== undefined) connection.signalGroup = movement.phaseId;
      return connection;
    });
  }
  return lane.connectsTo.map((to) => {
    // LaneID 0 is "not known".
    const connection: LaneConnection = {
      toLane: to.connectingLane?.lane ?? 0,
      toIntersection: intersectionRef(to.remoteIntersection),
    };
    const maneuvers = to.connectingLane?.maneuver === undefined ? [] : maneuversOf(to.connectingLane.maneuver);
    if (maneuvers.length === 1) connection.maneuver = maneuvers[0]!;
    const phaseId =
      to.phaseId ?? link.movements?.find((movement) => sameNode(movement.remoteIntersection, to.remoteIntersection))?.phaseId;
    if (phaseId !== undefined) connection.signalGroup = phaseId;
    return connection;
  });
}

function modelLane(lane: Lane, link: Link, node: Node): ModelLane {
  const model: ModelLane = {
    laneId: lane.laneID,
    ingressApproach: link.upstreamNodeId.id,
    direction: 'ingress', // a node's links are the ones entering it
    kind: laneKind(lane),
    maneuvers: lane.maneuvers === undefined ? [] : maneuversOf(lane.maneuvers),
    // A lane without its own points follows its link's centre line.
    points: centreLine(lane.points ?? link.points, node),
    connections: laneConnections(lane, link),
  };
  if (link.name !== undefined) model.name = link.name;
  return model;
}

/** The one value all entries share, or undefined when they differ or there are none. */
function common(values: (number | undefined)[]): number | undefined {
  const first = values[0];
  return values.every((value) => value === first) ? first : undefined;
}

function intersectionMap(node: Node, revision: number): IntersectionMap {
  const links = node.inLinks ?? [];
  const map: IntersectionMap = {
    ref: intersectionRef(node.id),
    revision,
    lat: node.refPos.lat / 1e7,
    lon: node.refPos.long / 1e7,
    lanes: links.flatMap((link) => link.lanes.map((lane) => modelLane(lane, link, node))),
  };
  if (node.name !== undefined) map.name = node.name;
  const widthCm = common(links.flatMap((link) => link.lanes.map((lane) => lane.laneWidth ?? link.linkWidth)));
  if (widthCm !== undefined) map.laneWidthCm = widthCm;
  const maxSpeeds = links
    .flatMap((link) => [...(link.speedLimits ?? []), ...link.lanes.flatMap((lane) => lane.speedLimits ?? [])])
    .filter((limit) => limit.type === SPEED_LIMIT_VEHICLE_MAX && limit.speed !== SPEED_UNAVAILABLE)
    .map((limit) => limit.speed);
  const maxSpeed = common(maxSpeeds);
  // Speed is in 0.02 m/s, which cannot say 60 km/h exactly: a tenth of a km/h recovers the signed limit.
  if (maxSpeed !== undefined) map.speedLimitKmh = Math.round(maxSpeed * 0.02 * 3.6 * 10) / 10;
  return map;
}

/** A MapData in Cabin's model: each node an intersection, each lane of its incoming links a lane. */
export function mapToModel(map: MapData, now: Date): MapMessage {
  const message: MapMessage = {
    kind: 'map',
    revision: map.msgCnt,
    intersections: map.nodes.map((node) => intersectionMap(node, map.msgCnt)),
  };
  const timestamp = map.timeStamp === undefined ? undefined : minuteOfYearToEpoch(map.timeStamp, now);
  if (timestamp !== undefined) message.timestamp = timestamp;
  return message;
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}
