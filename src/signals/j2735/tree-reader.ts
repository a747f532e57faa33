/**
 * Reads a J2735 SPaT/MAP given as a tree of plain objects — the XER (XML)
 * form after parsing, or the USDOT ODE's JSON — into the J2735 types. The
 * two forms differ only in their leaves and a few names, so one walker takes
 * a `Dialect` that says how each leaf is written:
 *
 * | ASN.1            | XER tree (fast-xml-parser, xmltodict)  | ODE JSON                                    |
 * |------------------|----------------------------------------|---------------------------------------------|
 * | field names      | ASN.1 (`state-time-speed`, `node-XY1`) | camelCase (`state_time_speed` for that one) |
 * | SEQUENCE OF      | `{ TypeName: item | item[] }`          | `item[]` or `{ someList: item[] }`          |
 * | INTEGER          | decimal text                           | number                                      |
 * | ENUMERATED       | `{ 'stop-And-Remain': '' }`            | `'STOP_AND_REMAIN'`                         |
 * | BIT STRING       | `'0100…'`                              | `{ namedBit: boolean, … }`                  |
 * | BOOLEAN          | `{ true: '' }`                         | boolean                                     |
 * | Position3D       | lat/long 1e-7°, elevation 10 cm        | latitude/longitude in °, elevation in m     |
 * | SPAT list        | `intersections`                        | `intersectionStateList`                     |
 * | LaneSharing      | `sharedWith`                           | `shareWith`                                 |
 * | AdvisorySpeed    | `class`                                | `classId`                                   |
 *
 * Every key of every object must be understood: an unknown key is an error
 * that names its path, so that nothing in the input is silently dropped.
 * Regional extensions are the exception — in these forms they hold decoded
 * region-specific values that Cabin does not model, so they are skipped.
 */

import type { DecodeResult } from '../model.ts';
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
  type LaneTypeAttributes,
  type MapData,
  type MovementEvent,
  type MovementState,
  type NodeAttributeSetXY,
  type NodeListXY,
  type NodeOffsetPointXY,
  type NodeXY,
  type Position3D,
  type RegulatorySpeedLimit,
  type RestrictionClassAssignment,
  type RestrictionUserType,
  type RoadSegment,
  type SPAT,
  type TimeChangeDetails,
} from './types.ts';

export type Dialect = 'xer' | 'ode';

// Named bits of the BIT STRINGs, bit 0 first (J2735 DSRC module).
const STATUS_BITS = [
  'manualControlIsEnabled',
  'stopTimeIsActivated',
  'failureFlash',
  'preemptIsActive',
  'signalPriorityIsActive',
  'fixedTimeOperation',
  'trafficDependentOperation',
  'standbyOperation',
  'failureMode',
  'off',
  'recentMAPmessageUpdate',
  'recentChangeInMAPassignedLanesIDsUsed',
  'noValidMAPisAvailableAtThisTime',
  'noValidSPATisAvailableAtThisTime',
];
const DIRECTION_BITS = ['ingressPath', 'egressPath'];
const SHARING_BITS = [
  'overlappingLaneDescriptionProvided',
  'multipleLanesTreatedAsOneLane',
  'otherNonMotorizedTrafficTypes',
  'individualMotorizedVehicleTraffic',
  'busVehicleTraffic',
  'taxiVehicleTraffic',
  'pedestriansTraffic',
  'cyclistVehicleTraffic',
  'trackedVehicleTraffic',
  'pedestrianTraffic',
];
const MANEUVER_BITS = [
  'maneuverStraightAllowed',
  'maneuverLeftAllowed',
  'maneuverRightAllowed',
  'maneuverUTurnAllowed',
  'maneuverLeftTurnOnRedAllowed',
  'maneuverRightTurnOnRedAllowed',
  'maneuverLaneChangeAllowed',
  'maneuverNoStoppingAllowed',
  'yieldAllwaysRequired',
  'goWithHalt',
  'caution',
  'reserved1',
];
const LANE_TYPE_BITS: Record<string, string[]> = {
  vehicle: [
    'isVehicleRevocableLane',
    'isVehicleFlyOverLane',
    'hovLaneUseOnly',
    'restrictedToBusUse',
    'restrictedToTaxiUse',
    'restrictedFromPublicUse',
    'hasIRbeaconCoverage',
    'permissionOnRequest',
  ],
  crosswalk: [
    'crosswalkRevocableLane',
    'bicyleUseAllowed',
    'isXwalkFlyOverLane',
    'fixedCycleTime',
    'biDirectionalCycleTimes',
    'hasPushToWalkButton',
    'audioSupport',
    'rfSignalRequestPresent',
    'unsignalizedSegmentsPresent',
  ],
  bikeLane: [
    'bikeRevocableLane',
    'pedestrianUseAllowed',
    'isBikeFlyOverLane',
    'fixedCycleTime',
    'biDirectionalCycleTimes',
    'isolatedByBarrier',
    'unsignalizedSegmentsPresent',
  ],
  sidewalk: ['sidewalk-RevocableLane', 'bicyleUseAllowed', 'isSidewalkFlyOverLane', 'walkBikes'],
  median: [
    'median-RevocableLane',
    'median',
    'whiteLineHashing',
    'stripedLines',
    'doubleStripedLines',
    'trafficCones',
    'constructionBarrier',
    'trafficChannels',
    'lowCurbs',
    'highCurbs',
  ],
  striping: [
    'stripeToConnectingLanesRevocableLane',
    'stripeDrawOnLeft',
    'stripeDrawOnRight',
    'stripeToConnectingLanesLeft',
    'stripeToConnectingLanesRight',
    'stripeToConnectingLanesAhead',
  ],
  trackedVehicle: [
    'spec-RevocableLane',
    'spec-commuterRailRoadTrack',
    'spec-lightRailRoadTrack',
    'spec-heavyRailRoadTrack',
    'spec-otherRailType',
  ],
  parking: [
    'parkingRevocableLane',
    'parallelParkingInUse',
    'headInParkingInUse',
    'doNotParkZone',
    'parkingForBusUse',
    'parkingForTaxiUse',
    'noPublicParkingUse',
  ],
};

/** ASN.1 identifier → the camelCase used in the J2735 types (`stop-And-Remain` → `stopAndRemain`). */
export function camel(name: string): string {
  return name.replace(/-(.)/g, (_, c: string) => c.toUpperCase());
}

/** Case-, hyphen- and underscore-blind key, to match the ODE's `STOP_AND_REMAIN` to `stopAndRemain`. */
function loose(name: string): string {
  return name.replace(/[-_]/g, '').toLowerCase();
}

const looseIndexes = new WeakMap<readonly string[], Map<string, number>>();

/** Index of `name` in `names`, matched loosely; -1 when absent. Spellings seen are remembered. */
function looseIndex(names: readonly string[], name: string): number {
  let index = looseIndexes.get(names);
  if (!index) {
    index = new Map(names.map((candidate, i) => [loose(candidate), i]));
    looseIndexes.set(names, index);
  }
  let found = index.get(name);
  if (found === undefined) {
    found = index.get(loose(name)) ?? -1;
    if (found >= 0) index.set(name, found);
  }
  return found;
}

const camelNames = new Map<string, string>();

function camelCached(name: string): string {
  let value = camelNames.get(name);
  if (value === undefined) camelNames.set(name, (value = camel(name)));
  return value;
}

class TreeError extends Error {}

type Tree = Record<string, unknown>;

/** An object being read: remembers which keys were used, to report the rest. */
class Fields {
  readonly used = new Set<string>();
  constructor(
    readonly node: Tree,
    readonly path: string,
  ) {}
}

class Reader {
  constructor(readonly dialect: Dialect) {}

  fail(path: string, what: string): never {
    throw new TreeError(`${path}: ${what}`);
  }

  /** A constructed value; XER writes an empty SEQUENCE as an empty element (''). */
  open(node: unknown, path: string): Fields {
    if (node === '' || node === null) return new Fields({}, path);
    if (typeof node !== 'object' || Array.isArray(node)) this.fail(path, `expected an object, got ${describe(node)}`);
    return new Fields(node as Tree, path);
  }

  /** The value of field `name` (the ASN.1 identifier) or undefined; `aliases` are other spellings of it. */
  get(f: Fields, name: string, ...aliases: string[]): unknown {
    const key = this.dialect === 'xer' ? name : camelCached(name);
    if (key in f.node) return this.take(f, key);
    if (this.dialect === 'ode') for (const alias of aliases) if (alias in f.node) return this.take(f, alias);
    return undefined;
  }

  private take(f: Fields, key: string): unknown {
    f.used.add(key);
    const value = f.node[key];
    return value === null ? undefined : value;
  }

  need(f: Fields, name: string, ...aliases: string[]): unknown {
    const value = this.get(f, name, ...aliases);
    if (value === undefined) this.fail(f.path, `missing ${name}`);
    return value;
  }

  /** Regional extensions hold region-specific decoded values in these forms: skipped (see above). */
  skipRegional(f: Fields): void {
    f.used.add('regional');
  }

  close(f: Fields): void {
    for (const key of Object.keys(f.node)) {
      if (!f.used.has(key) && f.node[key] !== null) this.fail(`${f.path}.${key}`, 'unknown field');
    }
  }

  int(node: unknown, path: string, lower: number, upper: number): number {
    const value = typeof node === 'string' && /^\s*-?\d+\s*$/.test(node) ? Number(node) : node;
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(path, `expected an integer, got ${describe(node)}`);
    if (value < lower || value > upper) this.fail(path, `${value} is outside ${lower}..${upper}`);
    return value;
  }

  optInt(f: Fields, name: string, lower: number, upper: number, ...aliases: string[]): number | undefined {
    const node = this.get(f, name, ...aliases);
    return node === undefined ? undefined : this.int(node, `${f.path}.${name}`, lower, upper);
  }

  needInt(f: Fields, name: string, lower: number, upper: number, ...aliases: string[]): number {
    return this.int(this.need(f, name, ...aliases), `${f.path}.${name}`, lower, upper);
  }

  /** IA5String. The j2735decoder samples write a DescriptiveName as an empty element named after its text. */
  text(node: unknown, path: string, lower: number, upper: number): string {
    let value = node;
    if (this.dialect === 'xer' && typeof node === 'object' && node !== null && !Array.isArray(node)) {
      const keys = Object.keys(node);
      if (keys.length === 1 && (node as Tree)[keys[0]!] === '') value = keys[0];
    }
    if (typeof value === 'number') value = String(value);
    if (typeof value !== 'string') this.fail(path, `expected text, got ${describe(node)}`);
    if (value.length < lower || value.length > upper) this.fail(path, `text of ${value.length} characters, expected ${lower}..${upper}`);
    for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) > 127) this.fail(path, 'text is not IA5 (ASCII)');
    return value;
  }

  optText(f: Fields, name: string, lower: number, upper: number): string | undefined {
    const node = this.get(f, name);
    return node === undefined ? undefined : this.text(node, `${f.path}.${name}`, lower, upper);
  }

  /** SEQUENCE OF: an array, a single item, or either wrapped in a one-key object. */
  list(node: unknown, path: string, lower: number, upper: number): [item: unknown, path: string][] {
    let value = node;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length !== 1) this.fail(path, `expected a list, got an object with keys ${keys.join(', ')}`);
      value = (value as Tree)[keys[0]!];
    } else if (value === '' && lower === 0) value = [];
    const items = Array.isArray(value) ? value : [value];
    if (items.length < lower || items.length > upper) this.fail(path, `${items.length} items, expected ${lower}..${upper}`);
    return items.map((item, i) => [item, `${path}[${i}]`]);
  }

  enumerated<T extends string>(node: unknown, path: string, names: readonly T[]): T {
    let name: string | undefined;
    if (this.dialect === 'xer') {
      if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
        const keys = Object.keys(node);
        if (keys.length === 1) name = keys[0];
      } else if (typeof node === 'string') name = node.trim();
    } else if (typeof node === 'string') name = node;
    if (name === undefined) this.fail(path, `expected an enumerated value, got ${describe(node)}`);
    const index = looseIndex(names, name);
    if (index < 0) this.fail(path, `'${name}' is not one of ${names.join(', ')}`);
    return names[index]!;
  }

  /** BIT STRING of `size` bits (bit 0 = MSB of the result). */
  bits(node: unknown, path: string, size: number, names: readonly string[]): number {
    if (typeof node === 'string') {
      const text = node.trim();
      if (!/^[01]*$/.test(text) || text.length !== size) this.fail(path, `expected ${size} bits, got '${text}'`);
      return size === 0 ? 0 : parseInt(text, 2);
    }
    if (this.dialect === 'ode' && typeof node === 'object' && node !== null && !Array.isArray(node)) {
      let value = 0;
      for (const [key, set] of Object.entries(node)) {
        const index = looseIndex(names, key);
        if (index < 0) this.fail(`${path}.${key}`, 'unknown named bit');
        if (typeof set !== 'boolean') this.fail(`${path}.${key}`, `expected a boolean, got ${describe(set)}`);
        if (set) value |= 1 << (size - 1 - index);
      }
      return value >>> 0;
    }
    return this.fail(path, `expected a bit string, got ${describe(node)}`);
  }

  bool(node: unknown, path: string): boolean {
    if (typeof node === 'boolean') return node;
    if (node === 'true' || node === 'false') return node === 'true';
    if (typeof node === 'object' && node !== null) {
      const keys = Object.keys(node);
      if (keys.length === 1 && (keys[0] === 'true' || keys[0] === 'false')) return keys[0] === 'true';
    }
    return this.fail(path, `expected a boolean, got ${describe(node)}`);
  }

  /** CHOICE: exactly one key, the alternative. */
  choice(node: unknown, path: string): [alternative: string, value: unknown, path: string] {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) this.fail(path, `expected a choice, got ${describe(node)}`);
    const keys = Object.keys(node).filter((key) => (node as Tree)[key] !== null);
    if (keys.length !== 1) this.fail(path, `a choice needs exactly one alternative, got ${keys.length}`);
    const key = keys[0]!;
    return [camel(key), (node as Tree)[key], `${path}.${key}`];
  }
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Reads a MessageFrame / SPAT / MapData tree; never throws for bad input. */
export function readTree(tree: unknown, dialect: Dialect): DecodeResult<J2735Frame> {
  const r = new Reader(dialect);
  try {
    return { ok: true, value: readRoot(r, tree) };
  } catch (error) {
    if (error instanceof TreeError) return { ok: false, error: `${dialect === 'xer' ? 'XER' : 'ODE JSON'}: ${error.message}` };
    throw error;
  }
}

function readRoot(r: Reader, tree: unknown): J2735Frame {
  const root = r.open(tree, '$');
  const node = root.node;
  if ('MessageFrame' in node) {
    const f = r.open(node.MessageFrame, '$.MessageFrame');
    const messageId = r.needInt(f, 'messageId', 0, 32767);
    const [alternative, value, path] = r.choice(r.need(f, 'value'), `${f.path}.value`);
    r.close(f);
    if (messageId === 19 && alternative === 'SPAT') return { messageId, value: readSpat(r, value, path) };
    if (messageId === 18 && alternative === 'MapData') return { messageId, value: readMapData(r, value, path) };
    return r.fail(`${f.path}.messageId`, `DSRCmsgID ${messageId} holding ${alternative} is not a SPaT (19) or MAP (18)`);
  }
  if ('SPAT' in node) return { messageId: 19, value: readSpat(r, node.SPAT, '$.SPAT') };
  if ('MapData' in node) return { messageId: 18, value: readMapData(r, node.MapData, '$.MapData') };
  // The ODE's payload.data: a SPaT has intersection states, a MAP a msgIssueRevision.
  if ('intersectionStateList' in node || 'intersections' in node && !('msgIssueRevision' in node)) {
    return { messageId: 19, value: readSpat(r, node, '$') };
  }
  if ('msgIssueRevision' in node) return { messageId: 18, value: readMapData(r, node, '$') };
  return r.fail('$', 'no MessageFrame, SPAT or MapData found');
}

function readReferenceID(r: Reader, node: unknown, path: string): IntersectionReferenceID {
  const f = r.open(node, path);
  const region = r.optInt(f, 'region', 0, 65535);
  const id = r.needInt(f, 'id', 0, 65535);
  r.close(f);
  return region === undefined ? { id } : { region, id };
}

// ---------------------------------------------------------------- SPaT

function readSpat(r: Reader, node: unknown, path: string): SPAT {
  const f = r.open(node, path);
  const timeStamp = r.optInt(f, 'timeStamp', 0, 527040);
  const name = r.optText(f, 'name', 1, 63);
  const intersections = r
    .list(r.need(f, 'intersections', 'intersectionStateList'), `${path}.intersections`, 1, 32)
    .map(([item, itemPath]) => readIntersectionState(r, item, itemPath));
  r.skipRegional(f);
  r.close(f);
  const spat = {} as SPAT;
  if (timeStamp !== undefined) spat.timeStamp = timeStamp;
  if (name !== undefined) spat.name = name;
  spat.intersections = intersections;
  return spat;
}

function readIntersectionState(r: Reader, node: unknown, path: string): IntersectionState {
  const f = r.open(node, path);
  const state = {} as IntersectionState;
  const name = r.optText(f, 'name', 1, 63);
  if (name !== undefined) state.name = name;
  state.id = readReferenceID(r, r.need(f, 'id'), `${path}.id`);
  state.revision = r.needInt(f, 'revision', 0, 127);
  state.status = r.bits(r.need(f, 'status'), `${path}.status`, 16, STATUS_BITS);
  const moy = r.optInt(f, 'moy', 0, 527040);
  if (moy !== undefined) state.moy = moy;
  const timeStamp = r.optInt(f, 'timeStamp', 0, 65535);
  if (timeStamp !== undefined) state.timeStamp = timeStamp;
  const enabled = r.get(f, 'enabledLanes');
  if (enabled !== undefined) {
    state.enabledLanes = r.list(enabled, `${path}.enabledLanes`, 1, 16).map(([item, p]) => r.int(item, p, 0, 255));
  }
  state.states = r.list(r.need(f, 'states'), `${path}.states`, 1, 255).map(([item, p]) => readMovementState(r, item, p));
  const assist = r.get(f, 'maneuverAssistList');
  if (assist !== undefined) state.maneuverAssistList = readManeuverAssistList(r, assist, `${path}.maneuverAssistList`);
  r.skipRegional(f);
  r.close(f);
  return state;
}

function readMovementState(r: Reader, node: unknown, path: string): MovementState {
  const f = r.open(node, path);
  const state = {} as MovementState;
  const movementName = r.optText(f, 'movementName', 1, 63);
  if (movementName !== undefined) state.movementName = movementName;
  state.signalGroup = r.needInt(f, 'signalGroup', 0, 255);
  state.stateTimeSpeed = r
    .list(r.need(f, 'state-time-speed', 'state_time_speed'), `${path}.stateTimeSpeed`, 1, 16)
    .map(([item, p]) => readMovementEvent(r, item, p));
  const assist = r.get(f, 'maneuverAssistList');
  if (assist !== undefined) state.maneuverAssistList = readManeuverAssistList(r, assist, `${path}.maneuverAssistList`);
  r.skipRegional(f);
  r.close(f);
  return state;
}

function readMovementEvent(r: Reader, node: unknown, path: string): MovementEvent {
  const f = r.open(node, path);
  const event: MovementEvent = {
    eventState: r.enumerated(r.need(f, 'eventState'), `${path}.eventState`, MOVEMENT_PHASE_STATES),
  };
  const timing = r.get(f, 'timing');
  if (timing !== undefined) event.timing = readTiming(r, timing, `${path}.timing`);
  const speeds = r.get(f, 'speeds');
  if (speeds !== undefined) {
    event.speeds = r.list(speeds, `${path}.speeds`, 1, 16).map(([item, p]) => readAdvisorySpeed(r, item, p));
  }
  r.skipRegional(f);
  r.close(f);
  return event;
}

function readTiming(r: Reader, node: unknown, path: string): TimeChangeDetails {
  const f = r.open(node, path);
  const startTime = r.optInt(f, 'startTime', 0, 36111);
  const timing: TimeChangeDetails = { minEndTime: r.needInt(f, 'minEndTime', 0, 36111) };
  const result: TimeChangeDetails = startTime === undefined ? timing : { startTime, ...timing };
  const maxEndTime = r.optInt(f, 'maxEndTime', 0, 36111);
  if (maxEndTime !== undefined) result.maxEndTime = maxEndTime;
  const likelyTime = r.optInt(f, 'likelyTime', 0, 36111);
  if (likelyTime !== undefined) result.likelyTime = likelyTime;
  const confidence = r.optInt(f, 'confidence', 0, 15);
  if (confidence !== undefined) result.confidence = confidence;
  const nextTime = r.optInt(f, 'nextTime', 0, 36111);
  if (nextTime !== undefined) result.nextTime = nextTime;
  r.close(f);
  return result;
}

function readAdvisorySpeed(r: Reader, node: unknown, path: string): AdvisorySpeed {
  const f = r.open(node, path);
  const speed: AdvisorySpeed = { type: r.enumerated(r.need(f, 'type'), `${path}.type`, ADVISORY_SPEED_TYPES) };
  const value = r.optInt(f, 'speed', 0, 500);
  if (value !== undefined) speed.speed = value;
  const confidence = r.get(f, 'confidence');
  if (confidence !== undefined) speed.confidence = r.enumerated(confidence, `${path}.confidence`, SAE_SPEED_CONFIDENCES);
  const distance = r.optInt(f, 'distance', 0, 10000);
  if (distance !== undefined) speed.distance = distance;
  const restrictionClass = r.optInt(f, 'class', 0, 255, 'classId');
  if (restrictionClass !== undefined) speed.class = restrictionClass;
  r.skipRegional(f);
  r.close(f);
  return speed;
}

function readManeuverAssistList(r: Reader, node: unknown, path: string): ConnectionManeuverAssist[] {
  return r.list(node, path, 1, 16).map(([item, p]) => {
    const f = r.open(item, p);
    const assist: ConnectionManeuverAssist = { connectionID: r.needInt(f, 'connectionID', 0, 255) };
    const queueLength = r.optInt(f, 'queueLength', 0, 10000);
    if (queueLength !== undefined) assist.queueLength = queueLength;
    const storage = r.optInt(f, 'availableStorageLength', 0, 10000);
    if (storage !== undefined) assist.availableStorageLength = storage;
    const wait = r.get(f, 'waitOnStop');
    if (wait !== undefined) assist.waitOnStop = r.bool(wait, `${p}.waitOnStop`);
    const detect = r.get(f, 'pedBicycleDetect');
    if (detect !== undefined) assist.pedBicycleDetect = r.bool(detect, `${p}.pedBicycleDetect`);
    r.skipRegional(f);
    r.close(f);
    return assist;
  });
}

// ---------------------------------------------------------------- MAP

function readMapData(r: Reader, node: unknown, path: string): MapData {
  const f = r.open(node, path);
  const map = {} as MapData;
  const timeStamp = r.optInt(f, 'timeStamp', 0, 527040);
  if (timeStamp !== undefined) map.timeStamp = timeStamp;
  map.msgIssueRevision = r.needInt(f, 'msgIssueRevision', 0, 127);
  const layerType = r.get(f, 'layerType');
  if (layerType !== undefined) map.layerType = r.enumerated(layerType, `${path}.layerType`, LAYER_TYPES);
  const layerID = r.optInt(f, 'layerID', 0, 100);
  if (layerID !== undefined) map.layerID = layerID;
  const intersections = r.get(f, 'intersections');
  if (intersections !== undefined) {
    map.intersections = r
      .list(intersections, `${path}.intersections`, 1, 32)
      .map(([item, p]) => readIntersectionGeometry(r, item, p));
  }
  const segments = r.get(f, 'roadSegments');
  if (segments !== undefined) {
    map.roadSegments = r.list(segments, `${path}.roadSegments`, 1, 32).map(([item, p]) => readRoadSegment(r, item, p));
  }
  const parameters = r.get(f, 'dataParameters');
  if (parameters !== undefined) map.dataParameters = readDataParameters(r, parameters, `${path}.dataParameters`);
  const restrictions = r.get(f, 'restrictionList');
  if (restrictions !== undefined) {
    map.restrictionList = r
      .list(restrictions, `${path}.restrictionList`, 1, 254)
      .map(([item, p]) => readRestrictionClass(r, item, p));
  }
  r.skipRegional(f);
  r.close(f);
  return map;
}

function readIntersectionGeometry(r: Reader, node: unknown, path: string): IntersectionGeometry {
  const f = r.open(node, path);
  const geometry = {} as IntersectionGeometry;
  const name = r.optText(f, 'name', 1, 63);
  if (name !== undefined) geometry.name = name;
  geometry.id = readReferenceID(r, r.need(f, 'id'), `${path}.id`);
  geometry.revision = r.needInt(f, 'revision', 0, 127);
  geometry.refPoint = readPosition3D(r, r.need(f, 'refPoint'), `${path}.refPoint`);
  const laneWidth = r.optInt(f, 'laneWidth', 0, 32767);
  if (laneWidth !== undefined) geometry.laneWidth = laneWidth;
  const limits = r.get(f, 'speedLimits');
  if (limits !== undefined) geometry.speedLimits = readSpeedLimits(r, limits, `${path}.speedLimits`);
  geometry.laneSet = r.list(r.need(f, 'laneSet'), `${path}.laneSet`, 1, 255).map(([item, p]) => readGenericLane(r, item, p));
  if (r.get(f, 'preemptPriorityData') !== undefined) {
    r.fail(`${path}.preemptPriorityData`, 'signal control zones are regional extensions, which this form cannot carry');
  }
  r.skipRegional(f);
  r.close(f);
  return geometry;
}

function readRoadSegment(r: Reader, node: unknown, path: string): RoadSegment {
  const f = r.open(node, path);
  const segment = {} as RoadSegment;
  const name = r.optText(f, 'name', 1, 63);
  if (name !== undefined) segment.name = name;
  segment.id = readReferenceID(r, r.need(f, 'id'), `${path}.id`);
  segment.revision = r.needInt(f, 'revision', 0, 127);
  segment.refPoint = readPosition3D(r, r.need(f, 'refPoint'), `${path}.refPoint`);
  const laneWidth = r.optInt(f, 'laneWidth', 0, 32767);
  if (laneWidth !== undefined) segment.laneWidth = laneWidth;
  const limits = r.get(f, 'speedLimits');
  if (limits !== undefined) segment.speedLimits = readSpeedLimits(r, limits, `${path}.speedLimits`);
  segment.roadLaneSet = r
    .list(r.need(f, 'roadLaneSet'), `${path}.roadLaneSet`, 1, 255)
    .map(([item, p]) => readGenericLane(r, item, p));
  r.skipRegional(f);
  r.close(f);
  return segment;
}

function readDataParameters(r: Reader, node: unknown, path: string): DataParameters {
  const f = r.open(node, path);
  const parameters: DataParameters = {};
  for (const name of ['processMethod', 'processAgency', 'lastCheckedDate', 'geoidUsed'] as const) {
    const value = r.optText(f, name, 1, 255);
    if (value !== undefined) parameters[name] = value;
  }
  r.close(f);
  return parameters;
}

function readRestrictionClass(r: Reader, node: unknown, path: string): RestrictionClassAssignment {
  const f = r.open(node, path);
  const id = r.needInt(f, 'id', 0, 255);
  const users = r.list(r.need(f, 'users'), `${path}.users`, 1, 16).map(([item, p]): RestrictionUserType => {
    const [alternative, value, valuePath] = r.choice(item, p);
    if (alternative !== 'basicType') r.fail(valuePath, `user type '${alternative}' is not supported in this form`);
    return { kind: 'basicType', basicType: r.enumerated(value, valuePath, RESTRICTION_APPLIES_TO) };
  });
  r.close(f);
  return { id, users };
}

function readPosition3D(r: Reader, node: unknown, path: string): Position3D {
  const f = r.open(node, path);
  let lat: number;
  let long: number;
  let elevation: number | undefined;
  if (r.dialect === 'ode') {
    // The ODE writes degrees and metres.
    lat = Math.round(degrees(r, r.need(f, 'latitude'), `${path}.latitude`, 90) * 1e7);
    long = Math.round(degrees(r, r.need(f, 'longitude'), `${path}.longitude`, 180) * 1e7);
    const metres = r.get(f, 'elevation');
    if (metres !== undefined) elevation = Math.round(degrees(r, metres, `${path}.elevation`, 6144) * 10);
  } else {
    lat = r.needInt(f, 'lat', -900000000, 900000001);
    long = r.needInt(f, 'long', -1799999999, 1800000001);
    elevation = r.optInt(f, 'elevation', -4096, 61439);
  }
  r.skipRegional(f);
  r.close(f);
  return elevation === undefined ? { lat, long } : { lat, long, elevation };
}

function degrees(r: Reader, node: unknown, path: string, limit: number): number {
  const value = typeof node === 'string' ? Number(node) : node;
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > limit) {
    r.fail(path, `expected a number within ±${limit}, got ${describe(node)}`);
  }
  return value;
}

function readSpeedLimits(r: Reader, node: unknown, path: string): RegulatorySpeedLimit[] {
  return r.list(node, path, 1, 9).map(([item, p]) => {
    const f = r.open(item, p);
    const type = r.enumerated(r.need(f, 'type'), `${p}.type`, SPEED_LIMIT_TYPES);
    const speed = r.needInt(f, 'speed', 0, 8191);
    r.close(f);
    return { type, speed };
  });
}

function readGenericLane(r: Reader, node: unknown, path: string): GenericLane {
  const f = r.open(node, path);
  const lane = {} as GenericLane;
  lane.laneID = r.needInt(f, 'laneID', 0, 255);
  const name = r.optText(f, 'name', 1, 63);
  if (name !== undefined) lane.name = name;
  const ingress = r.optInt(f, 'ingressApproach', 0, 15);
  if (ingress !== undefined) lane.ingressApproach = ingress;
  const egress = r.optInt(f, 'egressApproach', 0, 15);
  if (egress !== undefined) lane.egressApproach = egress;
  lane.laneAttributes = readLaneAttributes(r, r.need(f, 'laneAttributes'), `${path}.laneAttributes`);
  const maneuvers = r.get(f, 'maneuvers');
  if (maneuvers !== undefined) lane.maneuvers = r.bits(maneuvers, `${path}.maneuvers`, 12, MANEUVER_BITS);
  lane.nodeList = readNodeList(r, r.need(f, 'nodeList'), `${path}.nodeList`);
  const connections = r.get(f, 'connectsTo');
  if (connections !== undefined) {
    lane.connectsTo = r.list(connections, `${path}.connectsTo`, 1, 16).map(([item, p]) => readConnection(r, item, p));
  }
  const overlays = r.get(f, 'overlays');
  if (overlays !== undefined) {
    lane.overlays = r.list(overlays, `${path}.overlays`, 1, 5).map(([item, p]) => r.int(item, p, 0, 255));
  }
  r.skipRegional(f);
  r.close(f);
  return lane;
}

function readLaneAttributes(r: Reader, node: unknown, path: string): LaneAttributes {
  const f = r.open(node, path);
  const directionalUse = r.bits(r.need(f, 'directionalUse'), `${path}.directionalUse`, 2, DIRECTION_BITS);
  const sharedWith = r.bits(r.need(f, 'sharedWith', 'shareWith'), `${path}.sharedWith`, 10, SHARING_BITS);
  const [kind, value, valuePath] = r.choice(r.need(f, 'laneType'), `${path}.laneType`);
  const index = (LANE_TYPES as readonly string[]).indexOf(kind);
  if (index < 0) r.fail(valuePath, `unknown lane type '${kind}'`);
  const names = LANE_TYPE_BITS[kind]!;
  let laneType: LaneTypeAttributes;
  // A vehicle lane's bit string is SIZE (8, ...): other sizes are legal extensions.
  if (index === 0 && typeof value === 'string' && value.trim().length !== 8) {
    const size = value.trim().length;
    laneType = { kind: 'vehicle', bits: r.bits(value, valuePath, size, names), size };
  } else laneType = { kind: LANE_TYPES[index]!, bits: r.bits(value, valuePath, index === 0 ? 8 : 16, names) };
  r.skipRegional(f);
  r.close(f);
  return { directionalUse, sharedWith, laneType };
}

function readNodeList(r: Reader, node: unknown, path: string): NodeListXY {
  const [kind, value, valuePath] = r.choice(node, path);
  if (kind === 'computed') return { kind: 'computed', computed: readComputedLane(r, value, valuePath) };
  if (kind !== 'nodes') return r.fail(valuePath, `unknown node list '${kind}'`);
  return { kind: 'nodes', nodes: r.list(value, valuePath, 2, 63).map(([item, p]) => readNodeXY(r, item, p)) };
}

function readNodeXY(r: Reader, node: unknown, path: string): NodeXY {
  const f = r.open(node, path);
  const delta = readNodeOffset(r, r.need(f, 'delta'), `${path}.delta`);
  const attributes = r.get(f, 'attributes');
  r.close(f);
  return attributes === undefined ? { delta } : { delta, attributes: readNodeAttributes(r, attributes, `${path}.attributes`) };
}

const NODE_XY_HALF: Record<string, number> = {
  nodeXY1: 512,
  nodeXY2: 1024,
  nodeXY3: 2048,
  nodeXY4: 4096,
  nodeXY5: 8192,
  nodeXY6: 32768,
};

function readNodeOffset(r: Reader, node: unknown, path: string): NodeOffsetPointXY {
  const [kind, value, valuePath] = r.choice(node, path);
  const f = r.open(value, valuePath);
  let result: NodeOffsetPointXY;
  if (kind === 'nodeLatLon') {
    const lon = r.needInt(f, 'lon', -1799999999, 1800000001);
    const lat = r.needInt(f, 'lat', -900000000, 900000001);
    result = { kind, lon, lat };
  } else {
    const half = NODE_XY_HALF[kind];
    if (half === undefined) return r.fail(valuePath, `node offset '${kind}' is not supported in this form`);
    const x = r.needInt(f, 'x', -half, half - 1);
    const y = r.needInt(f, 'y', -half, half - 1);
    result = { kind: kind as 'nodeXY1', x, y };
  }
  r.close(f);
  return result;
}

function readNodeAttributes(r: Reader, node: unknown, path: string): NodeAttributeSetXY {
  const f = r.open(node, path);
  const set: NodeAttributeSetXY = {};
  const local = r.get(f, 'localNode');
  if (local !== undefined) {
    set.localNode = r.list(local, `${path}.localNode`, 1, 8).map(([item, p]) => r.enumerated(item, p, NODE_ATTRIBUTES_XY));
  }
  for (const name of ['disabled', 'enabled'] as const) {
    const list = r.get(f, name);
    if (list !== undefined) {
      set[name] = r.list(list, `${path}.${name}`, 1, 8).map(([item, p]) => r.enumerated(item, p, SEGMENT_ATTRIBUTES_XY));
    }
  }
  const data = r.get(f, 'data');
  if (data !== undefined) {
    set.data = r.list(data, `${path}.data`, 1, 8).map(([item, p]) => readLaneDataAttribute(r, item, p));
  }
  const dWidth = r.optInt(f, 'dWidth', -512, 511);
  if (dWidth !== undefined) set.dWidth = dWidth;
  const dElevation = r.optInt(f, 'dElevation', -512, 511);
  if (dElevation !== undefined) set.dElevation = dElevation;
  r.skipRegional(f);
  r.close(f);
  return set;
}

const LANE_DATA_RANGES: Record<string, [number, number]> = {
  pathEndPointAngle: [-150, 150],
  laneCrownPointCenter: [-128, 127],
  laneCrownPointLeft: [-128, 127],
  laneCrownPointRight: [-128, 127],
  laneAngle: [-180, 180],
};

function readLaneDataAttribute(r: Reader, node: unknown, path: string): LaneDataAttribute {
  const [kind, value, valuePath] = r.choice(node, path);
  if (kind === 'speedLimits') return { kind, speedLimits: readSpeedLimits(r, value, valuePath) };
  const range = LANE_DATA_RANGES[kind];
  if (!range) return r.fail(valuePath, `lane data attribute '${kind}' is not supported in this form`);
  return { kind: kind as 'laneAngle', value: r.int(value, valuePath, range[0], range[1]) };
}

function readComputedLane(r: Reader, node: unknown, path: string): ComputedLane {
  const f = r.open(node, path);
  const lane: ComputedLane = {
    referenceLaneId: r.needInt(f, 'referenceLaneId', 0, 255),
    offsetXaxis: readDrivenLineOffset(r, r.need(f, 'offsetXaxis'), `${path}.offsetXaxis`),
    offsetYaxis: readDrivenLineOffset(r, r.need(f, 'offsetYaxis'), `${path}.offsetYaxis`),
  };
  const rotate = r.optInt(f, 'rotateXY', 0, 28800);
  if (rotate !== undefined) lane.rotateXY = rotate;
  const scaleX = r.optInt(f, 'scaleXaxis', -2048, 2047);
  if (scaleX !== undefined) lane.scaleXaxis = scaleX;
  const scaleY = r.optInt(f, 'scaleYaxis', -2048, 2047);
  if (scaleY !== undefined) lane.scaleYaxis = scaleY;
  r.skipRegional(f);
  r.close(f);
  return lane;
}

function readDrivenLineOffset(r: Reader, node: unknown, path: string): DrivenLineOffset {
  const [kind, value, valuePath] = r.choice(node, path);
  if (kind === 'small') return { kind, value: r.int(value, valuePath, -2047, 2047) };
  if (kind === 'large') return { kind, value: r.int(value, valuePath, -32767, 32767) };
  return r.fail(valuePath, `unknown offset '${kind}'`);
}

function readConnection(r: Reader, node: unknown, path: string): Connection {
  const f = r.open(node, path);
  const lanePath = `${path}.connectingLane`;
  const lf = r.open(r.need(f, 'connectingLane'), lanePath);
  const lane = r.needInt(lf, 'lane', 0, 255);
  const maneuver = r.get(lf, 'maneuver');
  r.close(lf);
  const connection: Connection = {
    connectingLane: maneuver === undefined ? { lane } : { lane, maneuver: r.bits(maneuver, `${lanePath}.maneuver`, 12, MANEUVER_BITS) },
  };
  const remote = r.get(f, 'remoteIntersection');
  if (remote !== undefined) connection.remoteIntersection = readReferenceID(r, remote, `${path}.remoteIntersection`);
  const signalGroup = r.optInt(f, 'signalGroup', 0, 255);
  if (signalGroup !== undefined) connection.signalGroup = signalGroup;
  const userClass = r.optInt(f, 'userClass', 0, 255);
  if (userClass !== undefined) connection.userClass = userClass;
  const connectionID = r.optInt(f, 'connectionID', 0, 255);
  if (connectionID !== undefined) connection.connectionID = connectionID;
  r.close(f);
  return connection;
}
