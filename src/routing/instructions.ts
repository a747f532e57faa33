import { ROAD_CLASSES, SEGMENT_BACKWARD, SEGMENT_FORWARD, SEGMENT_ROUNDABOUT, type CabinMap } from '../map/index.ts';
import type { DrivenPiece } from './router.ts';

/** OSRM's maneuver types, so OSRM clients can read Cabin's steps. */
export type ManeuverType =
  | 'depart'
  | 'arrive'
  | 'turn'
  | 'continue'
  | 'new name'
  | 'on ramp'
  | 'off ramp'
  | 'merge'
  | 'roundabout'
  | 'waypoint';

export type TurnModifier =
  | 'uturn'
  | 'sharp right'
  | 'right'
  | 'slight right'
  | 'straight'
  | 'slight left'
  | 'left'
  | 'sharp left';

export interface Maneuver {
  type: ManeuverType;
  modifier?: TurnModifier;
  /** [lon, lat] where the maneuver happens. */
  location: [number, number];
  /** Compass bearings (0 = north) of travel before and after it. */
  bearingBefore: number;
  bearingAfter: number;
  /** For roundabouts: which exit to take. */
  exit?: number;
}

export interface RouteStep {
  maneuver: Maneuver;
  /** Street name in the map's default language, and in Chinese and English where known. */
  name: string;
  nameZh: string;
  nameEn: string;
  ref: string;
  distanceM: number;
  durationS: number;
  /** Index range of this step in the leg's coordinates. */
  geometryStart: number;
  geometryEnd: number;
  /** What the driver is told, in English and Mandarin. */
  instruction: { en: string; zh: string };
}

interface PieceInfo {
  piece: DrivenPiece;
  road: number;
  key: string;
  roundabout: boolean;
  link: boolean;
  bearingIn: number;
  bearingOut: number;
  start: [number, number];
  geometryStart: number;
}

/**
 * Turn-by-turn steps for the pieces of one leg: a new step where the road's
 * name changes, where the driver must turn noticeably, at ramps and at
 * roundabouts (counted exits), as OSRM and Valhalla present them.
 */
export function buildSteps(
  map: CabinMap,
  pieces: readonly DrivenPiece[],
  coordinates: readonly [number, number][],
  lastLeg: boolean,
): RouteStep[] {
  if (pieces.length === 0 || coordinates.length === 0) return [];
  const infos = describePieces(map, pieces, coordinates);
  const steps: RouteStep[] = [];
  let current = newStep(map, infos[0]!, 'depart', undefined, infos[0]!.bearingIn, infos[0]!.bearingIn);
  let roundaboutExits = 0;
  for (let i = 1; i < infos.length; i++) {
    const prev = infos[i - 1]!;
    const info = infos[i]!;
    const angle = turnAngle(prev.bearingOut, info.bearingIn);
    if (prev.roundabout) {
      // Count the exits passed: every node on the ring with another way out.
      if (exitsAt(map, pieceEndNode(map, prev.piece))) roundaboutExits++;
      if (info.roundabout) {
        extend(current, info);
        continue;
      }
      current.step.maneuver.exit = Math.max(1, roundaboutExits);
      finish(map, current);
      steps.push(current.step);
      current = newStep(map, info, 'continue', undefined, prev.bearingOut, info.bearingIn);
      current.afterRoundabout = true;
      continue;
    }
    if (info.roundabout) {
      finish(map, current);
      steps.push(current.step);
      current = newStep(map, info, 'roundabout', undefined, prev.bearingOut, info.bearingIn);
      roundaboutExits = 0;
      continue;
    }
    const sameRoad = info.key === prev.key && info.key !== '';
    const modifier = modifierOf(angle);
    let type: ManeuverType | undefined;
    if (info.link && !prev.link) type = isMotorway(map, prev.road) ? 'off ramp' : 'on ramp';
    else if (!info.link && prev.link) type = isMotorway(map, info.road) ? 'merge' : 'turn';
    else if (modifier !== 'straight' && modifier !== 'slight left' && modifier !== 'slight right') type = 'turn';
    else if (!sameRoad && info.key !== prev.key) type = modifier === 'straight' ? 'new name' : 'turn';
    if (type === undefined || (sameRoad && type === 'new name')) {
      extend(current, info);
      continue;
    }
    finish(map, current);
    steps.push(current.step);
    current = newStep(map, info, type, modifier, prev.bearingOut, info.bearingIn);
  }
  finish(map, current);
  steps.push(current.step);

  const end = coordinates[coordinates.length - 1]!;
  const lastInfo = infos[infos.length - 1]!;
  const arrival = newStep(map, lastInfo, lastLeg ? 'arrive' : 'waypoint', undefined, lastInfo.bearingOut, 0);
  arrival.step.maneuver.location = end;
  arrival.step.distanceM = 0;
  arrival.step.durationS = 0;
  arrival.step.geometryStart = arrival.step.geometryEnd = coordinates.length - 1;
  finish(map, arrival);
  steps.push(arrival.step);
  for (let i = 0; i + 1 < steps.length; i++) steps[i]!.geometryEnd = steps[i + 1]!.geometryStart;
  return steps;
}

interface StepBuilder {
  step: RouteStep;
  afterRoundabout: boolean;
}

function newStep(
  map: CabinMap,
  info: PieceInfo,
  type: ManeuverType,
  modifier: TurnModifier | undefined,
  bearingBefore: number,
  bearingAfter: number,
): StepBuilder {
  const roads = map.roads;
  const text = (index: number): string => map.strings[index] ?? '';
  const maneuver: Maneuver = {
    type,
    location: info.start,
    bearingBefore: Math.round(bearingBefore),
    bearingAfter: Math.round(bearingAfter),
  };
  if (modifier) maneuver.modifier = modifier;
  return {
    step: {
      maneuver,
      name: text(roads.roadName[info.road]!),
      nameZh: text(roads.roadNameZh[info.road]!),
      nameEn: text(roads.roadNameEn[info.road]!),
      ref: text(roads.roadRef[info.road]!),
      distanceM: info.piece.distanceM,
      durationS: info.piece.durationS,
      geometryStart: info.geometryStart,
      geometryEnd: info.geometryStart,
      instruction: { en: '', zh: '' },
    },
    afterRoundabout: false,
  };
}

function extend(builder: StepBuilder, info: PieceInfo): void {
  builder.step.distanceM += info.piece.distanceM;
  builder.step.durationS += info.piece.durationS;
}

function finish(_map: CabinMap, builder: StepBuilder): void {
  builder.step.distanceM = Math.round(builder.step.distanceM * 10) / 10;
  builder.step.durationS = Math.round(builder.step.durationS * 10) / 10;
  builder.step.instruction = instructionText(builder.step);
}

function describePieces(
  map: CabinMap,
  pieces: readonly DrivenPiece[],
  coordinates: readonly [number, number][],
): PieceInfo[] {
  const roads = map.roads;
  const infos: PieceInfo[] = [];
  // Walk the leg's coordinates alongside the pieces to find each piece's start.
  let cursor = 0;
  for (const piece of pieces) {
    const road = roads.segmentRoad[piece.segment]!;
    const name = roads.roadName[road]!;
    const ref = roads.roadRef[road]!;
    const polyline = piecePoints(map, piece);
    const first = polyline[0]!;
    while (cursor < coordinates.length - 1 && !near(coordinates[cursor]!, first)) cursor++;
    const className = ROAD_CLASSES[roads.roadClass[road]!] ?? 'road';
    infos.push({
      piece,
      road,
      key: name !== 0 ? `n${name}` : ref !== 0 ? `r${ref}` : '',
      roundabout: (roads.segmentFlags[piece.segment]! & SEGMENT_ROUNDABOUT) !== 0,
      link: className.endsWith('_link'),
      bearingIn: bearing(polyline[0]!, polyline[1] ?? polyline[0]!),
      bearingOut: bearing(polyline[polyline.length - 2] ?? polyline[0]!, polyline[polyline.length - 1]!),
      start: first,
      geometryStart: cursor,
    });
  }
  return infos;
}

function near(a: [number, number], b: [number, number]): boolean {
  return Math.abs(a[0] - b[0]) < 1e-9 && Math.abs(a[1] - b[1]) < 1e-9;
}

function piecePoints(map: CabinMap, piece: DrivenPiece): [number, number][] {
  const roads = map.roads;
  const points: [number, number][] = [];
  const from = roads.segmentFrom[piece.segment]!;
  const to = roads.segmentTo[piece.segment]!;
  points.push([roads.nodeLonE7[from]! / 1e7, roads.nodeLatE7[from]! / 1e7]);
  for (let i = roads.segmentShapeStart[piece.segment]!; i < roads.segmentShapeStart[piece.segment + 1]!; i++) {
    points.push([roads.shapeLonE7[i]! / 1e7, roads.shapeLatE7[i]! / 1e7]);
  }
  points.push([roads.nodeLonE7[to]! / 1e7, roads.nodeLatE7[to]! / 1e7]);
  if (piece.backward) points.reverse();
  // A partial piece starts part-way: approximate its start by interpolation.
  const fraction = piece.backward ? 1 - piece.startFraction : piece.startFraction;
  if (fraction > 0 && points.length >= 2) {
    const [a, b] = [points[0]!, points[1]!];
    const t = Math.min(1, fraction * (points.length - 1));
    points[0] = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  }
  return points;
}

function pieceEndNode(map: CabinMap, piece: DrivenPiece): number {
  return piece.backward ? map.roads.segmentFrom[piece.segment]! : map.roads.segmentTo[piece.segment]!;
}

/** Whether a roundabout node has a way out other than the ring itself. */
function exitsAt(map: CabinMap, node: number): boolean {
  return roundaboutExitCache(map).has(node);
}

const exitCaches = new WeakMap<CabinMap, Set<number>>();

/** Nodes on a roundabout where a non-roundabout segment can be driven away from the ring. */
function roundaboutExitCache(map: CabinMap): Set<number> {
  let exits = exitCaches.get(map);
  if (exits) return exits;
  const roads = map.roads;
  const onRing = new Uint8Array(roads.nodeCount);
  for (let s = 0; s < roads.segmentCount; s++) {
    if (roads.segmentFlags[s]! & SEGMENT_ROUNDABOUT) {
      onRing[roads.segmentFrom[s]!] = 1;
      onRing[roads.segmentTo[s]!] = 1;
    }
  }
  exits = new Set();
  for (let s = 0; s < roads.segmentCount; s++) {
    const flags = roads.segmentFlags[s]!;
    if (flags & SEGMENT_ROUNDABOUT) continue;
    if (flags & SEGMENT_FORWARD && onRing[roads.segmentFrom[s]!]) exits.add(roads.segmentFrom[s]!);
    if (flags & SEGMENT_BACKWARD && onRing[roads.segmentTo[s]!]) exits.add(roads.segmentTo[s]!);
  }
  exitCaches.set(map, exits);
  return exits;
}

function isMotorway(map: CabinMap, road: number): boolean {
  const name = ROAD_CLASSES[map.roads.roadClass[road]!];
  return name === 'motorway' || name === 'trunk' || name === 'motorway_link' || name === 'trunk_link';
}

/** Initial compass bearing from a to b ([lon, lat] pairs), degrees 0–360. */
export function bearing(a: [number, number], b: [number, number]): number {
  const toRad = Math.PI / 180;
  const lat1 = a[1] * toRad;
  const lat2 = b[1] * toRad;
  const dLon = (b[0] - a[0]) * toRad;
  const y = Math.sin(dLon) * Math.cos(lat2);
  const x = Math.cos(lat1) * Math.sin(lat2) - Math.sin(lat1) * Math.cos(lat2) * Math.cos(dLon);
  return ((Math.atan2(y, x) / toRad) + 360) % 360;
}

/** Signed turn angle in degrees, (-180, 180]: positive is a right turn. */
export function turnAngle(bearingBefore: number, bearingAfter: number): number {
  let angle = bearingAfter - bearingBefore;
  while (angle > 180) angle -= 360;
  while (angle <= -180) angle += 360;
  return angle;
}

/** OSRM-style modifier for a turn angle. */
export function modifierOf(angle: number): TurnModifier {
  const a = Math.abs(angle);
  const side = angle > 0 ? 'right' : 'left';
  if (a < 20) return 'straight';
  if (a < 60) return `slight ${side}`;
  if (a < 140) return side;
  if (a < 170) return `sharp ${side}`;
  return 'uturn';
}

const COMPASS_EN = ['north', 'northeast', 'east', 'southeast', 'south', 'southwest', 'west', 'northwest'];
const COMPASS_ZH = ['北', '东北', '东', '东南', '南', '西南', '西', '西北'];
const MODIFIER_EN: Record<TurnModifier, string> = {
  uturn: 'Make a U-turn',
  'sharp right': 'Make a sharp right',
  right: 'Turn right',
  'slight right': 'Bear right',
  straight: 'Go straight',
  'slight left': 'Bear left',
  left: 'Turn left',
  'sharp left': 'Make a sharp left',
};
const MODIFIER_ZH: Record<TurnModifier, string> = {
  uturn: '掉头',
  'sharp right': '向右急转',
  right: '右转',
  'slight right': '靠右',
  straight: '直行',
  'slight left': '靠左',
  left: '左转',
  'sharp left': '向左急转',
};

/** The spoken and written instruction of a step, in English and Mandarin. */
export function instructionText(step: RouteStep): { en: string; zh: string } {
  const en = step.nameEn || step.name || step.ref;
  const zh = step.nameZh || step.name || step.ref;
  const onto = en ? ` onto ${en}` : '';
  const ontoZh = zh ? `进入${zh}` : '';
  const m = step.maneuver;
  const compass = Math.round(m.bearingAfter / 45) % 8;
  const modifier = m.modifier ?? 'straight';
  switch (m.type) {
    case 'depart':
      return {
        en: `Head ${COMPASS_EN[compass]}${en ? ` on ${en}` : ''}`,
        zh: `向${COMPASS_ZH[compass]}出发${zh ? `，沿${zh}行驶` : ''}`,
      };
    case 'arrive':
      return { en: 'You have arrived at your destination', zh: '已到达目的地' };
    case 'waypoint':
      return { en: 'You have reached a stop on your route', zh: '已到达途经点' };
    case 'roundabout':
      return {
        en: `At the roundabout, take the ${ordinal(m.exit ?? 1)} exit`,
        zh: `进入环岛，从第${m.exit ?? 1}个出口驶出`,
      };
    case 'on ramp':
      return { en: `Take the ramp${onto}`, zh: `驶入匝道${zh ? `，前往${zh}` : ''}` };
    case 'off ramp':
      return { en: `Take the exit${onto}`, zh: `从出口驶出${zh ? `，前往${zh}` : ''}` };
    case 'merge':
      return { en: `Merge${onto}`, zh: `汇入${zh || '主路'}` };
    case 'new name':
    case 'continue':
      return { en: `Continue${onto}`, zh: zh ? `继续沿${zh}行驶` : '继续行驶' };
    case 'turn':
      return { en: `${MODIFIER_EN[modifier]}${onto}`, zh: `${MODIFIER_ZH[modifier]}${ontoZh}` };
    default: {
      const exhaustive: never = m.type;
      return exhaustive;
    }
  }
}

function ordinal(n: number): string {
  const suffix = n % 10 === 1 && n % 100 !== 11 ? 'st' : n % 10 === 2 && n % 100 !== 12 ? 'nd' : n % 10 === 3 && n % 100 !== 13 ? 'rd' : 'th';
  return `${n}${suffix}`;
}
