/**
 * Which traffic light applies to the vehicle: the next signalised
 * intersection on its path, the ingress lane it is in, and the signal group
 * of its next manoeuvre there.
 *
 * Ingress lanes of every known MAP are indexed once (a Flatbush R-tree over
 * lane segments, the lanes and their points in typed arrays). A fix is scored
 * against the nearby lanes by perpendicular distance to the centre line
 * (Gaussian in the GPS error) and by agreement of the heading with the
 * driving direction (lane points run from the stop line outwards, so vehicles
 * drive against them). Successive fixes are combined in a discrete Bayes
 * filter over the candidate lanes, which is the hysteresis: one noisy fix
 * cannot move a belief built over several, and the reported lane and group
 * only switch when the new one is ahead by a margin.
 *
 * The manoeuvre comes from the route's turn after the stop line; without a
 * route it is straight where the lane allows it (else the lane's only
 * manoeuvre). The signal group is then the lane's connection for that
 * manoeuvre, or, when the vehicle is in a lane that does not allow it (it
 * still has to change lanes), the approach's. Only when lanes are unknown —
 * no lane geometry, or no connection with a signal group — does it fall back
 * to the intersection's main phase, and says so.
 *
 * Pure: no clock, no I/O. The state between fixes is a value the caller
 * passes back in (`previous`).
 */
import Flatbush from 'flatbush';
import { intersectionKey, type IntersectionMap, type IntersectionRef, type Lane, type Maneuver } from './model.ts';

const EARTH_RADIUS_M = 6_371_008.8;
const RADIANS = Math.PI / 180;
const METRES_PER_DEGREE = EARTH_RADIUS_M * RADIANS;

const MANEUVERS: readonly Maneuver[] = ['straight', 'left', 'right', 'u-turn'];
const NO_MANEUVER = 255;
/** Turn angle of each manoeuvre in degrees, clockwise positive (a right turn is +90 whichever side traffic drives on). */
const MANEUVER_ANGLE_DEG = [0, -90, 90, 180] as const;

/** GNSS course over ground is noise below walking pace; heading is ignored under this speed. */
const HEADING_MIN_SPEED_MPS = 2;
/** Spread of the vehicle's heading around its lane's direction (lane changes, curved lanes, GNSS course error). */
const HEADING_SIGMA_DEG = 15;
/** Lanes whose direction differs from the heading by more than this are not candidates. */
const HEADING_GATE_DEG = 45;
/** How far a vehicle keeps from its lane's centre line when not changing lanes. */
const LANE_KEEPING_SIGMA_M = 0.4;
/** Extra lateral error per metre of extrapolation beyond the last MAP point (a 3° misfit of the lane's direction). */
const EXTRAPOLATION_SIGMA_PER_M = 0.05;
/** A route is the road's centre line, not a lane's: that much lateral spread when a lane is found from it. */
const ROUTE_CENTRE_LINE_SIGMA_M = 6;
/** A fix this far past the stop line (GPS noise at the line) still belongs to the lane; farther it has passed. */
const PAST_STOP_LINE_M = 5;
/** Mass given back to every candidate at each fix, so that a lane change or a wrong start can be recovered from. */
const TRANSITION_SHARE = 0.1;
/** The reported lane and group change only when the new one is ahead by this much probability. */
const SWITCH_MARGIN = 0.15;
/** Intersections with at least this share of the best one's belief compete for "next"; the nearest wins. */
const COMPETING_SHARE = 0.25;
/** Sampling step along the path ahead when the vehicle is not yet on any lane's geometry. */
const LOOKAHEAD_STEP_M = 10;
/** The route must pass this close to a stop line (or an intersection's reference point) to lead through it. */
const ROUTE_PASSES_M = 25;
/** The heading ray must pass this close to a lane-less intersection's reference point. */
const RAY_PASSES_M = 25;
/** The exit bearing is read from this stretch of the route after the stop line (past the junction box). */
const EXIT_FROM_M = 25;
const EXIT_TO_M = 50;
const EXIT_MIN_M = 12;
/** An egress lane's start within this of the route (lanes sit off a road's centre line), within this far past the stop line. */
const EXIT_PASSES_M = 15;
const EXIT_SEARCH_M = 100;
/** A skewed junction's turn may be this far from the canonical angle of the manoeuvre the approach allows. */
const SKEW_TOLERANCE_DEG = 60;
/** A main phase stands in for the vehicle's own group: often right for straight on, never known to be. */
const FALLBACK_CONFIDENCE = 0.3;
/** Only this much of a long route is read: the part ahead that matters. */
const ROUTE_READ_M = 5_000;

/** A position fix of the vehicle. */
export interface VehicleFix {
  lat: number;
  lon: number;
  /** Course over ground, degrees clockwise from north. */
  headingDeg: number;
  speedMps: number;
}

/** Options fixed when the matcher is built. */
export interface MatcherOptions {
  /** Standard deviation of a position fix, metres (per axis). Default 3. */
  gpsSigmaM?: number;
  /** How far a lane is extended straight beyond its last MAP point, metres (real MAPs often describe only 20–50 m). Default 80. */
  laneExtensionM?: number;
  /** How far ahead along the route (or the heading) to look when the vehicle is not on any lane yet, metres. Default 300. */
  lookaheadM?: number;
}

/** The belief carried from one fix to the next; treat as opaque. */
export interface MatchState {
  lanes: { key: string; laneId: number; p: number }[];
  /** The intersection, lane and group last reported. */
  key?: string;
  laneId?: number;
  signalGroup?: number;
}

/** The state before the first fix: no belief yet. */
export const INITIAL_MATCH_STATE: MatchState = { lanes: [] };

/** What the caller knows besides the fix. */
export interface MatchContext {
  /** The route ahead as [lon, lat] pairs (GeoJSON order), starting near the vehicle. */
  route?: readonly (readonly [number, number])[];
  /** The state returned with the previous fix. */
  previous?: MatchState;
  /** Signal groups in the latest SPaT of an intersection: lets the fallback name a main phase when the MAP has none. */
  spatGroups?: (key: string) => readonly number[] | undefined;
}

interface MatchCommon {
  key: string;
  ref: IntersectionRef;
  /** The manoeuvre the signal group is for. */
  maneuver: Maneuver;
  /** `route`: the route's turn after the stop line; `assumed`: no route (or it does not lead through), so straight where the lane allows it, else the lane's only manoeuvre. */
  maneuverFrom: 'route' | 'assumed';
  /** Probability that `signalGroup` is the light that applies (0–1). */
  confidence: number;
  /** Distance along the path to the stop line; in a fallback without lanes, to the intersection's reference point. */
  distanceToStopLineM: number;
}

/** The light that applies to the vehicle, and how it was found. */
export type SignalMatch =
  | (MatchCommon & {
      /** The vehicle is in `laneId`, and that lane's connection for the manoeuvre has the group. */
      match: 'lane';
      laneId: number;
      signalGroup: number;
    })
  | (MatchCommon & {
      /**
       * The approach is known but not the lane: the vehicle is not on lane
       * geometry yet, or is in a lane that does not allow the manoeuvre (it
       * still has to change lanes), or the lanes are too close to tell; the
       * group is the approach's for the manoeuvre. `laneId` is the likeliest lane, where there is one.
       */
      match: 'approach';
      laneId: number | undefined;
      signalGroup: number;
    })
  | (MatchCommon & {
      /** Lanes are unknown: the group is the intersection's main phase (or unknown), not the vehicle's. */
      match: 'intersection-fallback';
      reason: 'no-lane-geometry' | 'no-signal-group';
      signalGroup: number | undefined;
      /** False when the distance is to the reference point, the stop line being unknown. */
      stopLineKnown: boolean;
    });

/** A match, or `no-intersection-ahead`; either way the state to pass with the next fix. */
export type MatchResult =
  | { ok: true; match: SignalMatch; state: MatchState }
  | { ok: false; reason: 'no-intersection-ahead'; state: MatchState };

/** A polyline in metres on a local plane around the vehicle, with distances along it. */
class PathAhead {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly along: Float64Array;
  /** Where the vehicle projects onto it. */
  readonly startM: number;
  readonly lengthM: number;

  constructor(
    route: readonly (readonly [number, number])[],
    private readonly plane: LocalPlane,
  ) {
    let n = 1;
    for (let read = 0; n < route.length && read < ROUTE_READ_M; n++) {
      const [lon0, lat0] = route[n - 1]!;
      const [lon1, lat1] = route[n]!;
      read += Math.hypot(plane.x(lon1) - plane.x(lon0), plane.y(lat1) - plane.y(lat0));
    }
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.along = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const [lon, lat] = route[i]!;
      this.x[i] = plane.x(lon);
      this.y[i] = plane.y(lat);
      if (i > 0) this.along[i] = this.along[i - 1]! + Math.hypot(this.x[i]! - this.x[i - 1]!, this.y[i]! - this.y[i - 1]!);
    }
    this.lengthM = this.along[n - 1] ?? 0;
    this.startM = this.project(0, 0, 0, 2_000).alongM;
  }

  /** The point of the path between `fromM` and `toM` nearest (px, py). */
  project(px: number, py: number, fromM: number, toM: number): { alongM: number; distanceM: number } {
    let bestD = Infinity;
    let bestAlong = 0;
    for (let i = 0; i + 1 < this.x.length; i++) {
      if (this.along[i + 1]! < fromM) continue;
      if (this.along[i]! > toM) break;
      const ax = this.x[i]!;
      const ay = this.y[i]!;
      const dx = this.x[i + 1]! - ax;
      const dy = this.y[i + 1]! - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
      const d = Math.hypot(ax + t * dx - px, ay + t * dy - py);
      if (d < bestD) {
        bestD = d;
        bestAlong = this.along[i]! + t * Math.sqrt(len2);
      }
    }
    return { alongM: bestAlong, distanceM: bestD };
  }

  /** The point `m` metres along, and the bearing of the path there. */
  at(m: number): { x: number; y: number; bearingDeg: number } {
    const n = this.x.length;
    let i = 0;
    while (i + 2 < n && this.along[i + 1]! < m) i++;
    const span = this.along[i + 1]! - this.along[i]!;
    const t = span > 0 ? Math.max(0, Math.min(1, (m - this.along[i]!) / span)) : 0;
    const dx = this.x[i + 1]! - this.x[i]!;
    const dy = this.y[i + 1]! - this.y[i]!;
    return { x: this.x[i]! + t * dx, y: this.y[i]! + t * dy, bearingDeg: bearingDeg(dx, dy) };
  }
}

/** Equirectangular metres around one point: exact enough within a few kilometres. */
class LocalPlane {
  readonly kx: number;
  constructor(
    readonly lat0: number,
    readonly lon0: number,
  ) {
    this.kx = Math.cos(lat0 * RADIANS) * METRES_PER_DEGREE;
  }
  x(lon: number): number {
    return (lon - this.lon0) * this.kx;
  }
  y(lat: number): number {
    return (lat - this.lat0) * METRES_PER_DEGREE;
  }
  lon(x: number): number {
    return this.lon0 + x / this.kx;
  }
  lat(y: number): number {
    return this.lat0 + y / METRES_PER_DEGREE;
  }
}

function bearingDeg(dx: number, dy: number): number {
  const b = Math.atan2(dx, dy) / RADIANS;
  return b < 0 ? b + 360 : b;
}

/** a − b in degrees, in (−180, 180]. */
function angleDiffDeg(a: number, b: number): number {
  let d = (a - b) % 360;
  if (d > 180) d -= 360;
  if (d <= -180) d += 360;
  return d;
}

/** The manoeuvre whose turn angle is nearest `turnDeg`, among those in `allowedMask` (all when the mask is empty). */
export function maneuverForTurn(turnDeg: number, allowedMask = 0): Maneuver {
  let best = 0;
  let bestDiff = Infinity;
  for (let m = 0; m < MANEUVERS.length; m++) {
    if (allowedMask !== 0 && (allowedMask & (1 << m)) === 0) continue;
    const diff = Math.abs(angleDiffDeg(turnDeg, MANEUVER_ANGLE_DEG[m as 0 | 1 | 2 | 3]));
    if (diff < bestDiff) {
      bestDiff = diff;
      best = m;
    }
  }
  return MANEUVERS[best]!;
}

/**
 * The intersection's main phase, for the fallback: the signal group that
 * controls the most straight-on connections in the MAP; without any, from
 * the SPaT's groups NEMA phase 2 (the main street's through phase in the
 * J2735 deployments that follow NEMA numbering), else the lowest group.
 */
export function mainSignalGroup(map: IntersectionMap, spatGroups?: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const lane of map.lanes) {
    if (lane.direction !== 'ingress' && lane.direction !== 'both') continue;
    for (const c of lane.connections) {
      if (c.signalGroup === undefined || (c.maneuver !== undefined && c.maneuver !== 'straight')) continue;
      counts.set(c.signalGroup, (counts.get(c.signalGroup) ?? 0) + 1);
    }
  }
  let best: number | undefined;
  let bestCount = 0;
  for (const [group, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && group < best)) {
      best = group;
      bestCount = count;
    }
  }
  if (best !== undefined) return best;
  if (!spatGroups || spatGroups.length === 0) return undefined;
  if (spatGroups.includes(2)) return 2;
  return Math.min(...spatGroups);
}

function isVehicleIngress(lane: Lane): boolean {
  return lane.kind === 'vehicle' && (lane.direction === 'ingress' || lane.direction === 'both');
}

/**
 * Matches vehicle fixes to the signal group that applies, over a fixed set
 * of intersection MAPs. Build once per set of MAPs (`new SignalMatcher(maps)`),
 * then call `match` for every fix with the state returned by the last call.
 */
export class SignalMatcher {
  private readonly gpsSigmaM: number;
  private readonly extensionM: number;
  private readonly lookaheadM: number;
  private readonly gateM: number;

  // Indexed lanes: vehicle ingress lanes with at least two points.
  private readonly laneCount: number;
  private readonly laneMap: Uint32Array;
  private readonly laneId: Int32Array;
  private readonly lanePointStart: Uint32Array; // laneCount + 1
  private readonly laneLengthM: Float64Array;
  private readonly laneApproach: Uint32Array;
  /** Signal group of lane × manoeuvre (MANEUVERS order), −1 when the lane has no such connection with a group. */
  private readonly laneGroup: Int32Array;
  /** Default manoeuvre of a lane without a route: straight where allowed, else its first. */
  private readonly laneDefaultManeuver: Uint8Array;
  /** Driving bearing at the stop line. */
  private readonly laneStopBearing: Float64Array;
  private readonly pointLat: Float64Array;
  private readonly pointLon: Float64Array;
  private readonly pointAlongM: Float64Array;
  private readonly segmentLane: Uint32Array;
  private readonly segmentPoint: Uint32Array;
  private readonly segmentIndex: Flatbush | undefined;
  /** Per approach: the group for each manoeuvre (the commonest among its lanes), and the manoeuvres allowed as a bit mask. */
  private readonly approachGroup: Int32Array;
  private readonly approachManeuvers: Uint8Array;
  /** Per approach and manoeuvre: where its egress lane starts (lat, lon) and its bearing; NaN where unknown. */
  private readonly approachExit: Float64Array;
  private readonly laneByKey = new Map<string, number>();
  private readonly keys: string[];
  /** Maps without lane geometry, found by their reference points. */
  private readonly bareMaps: number[] = [];
  private readonly bareIndex: Flatbush | undefined;

  // Per-query scratch: best projection of each lane, valid where mark === epoch.
  private readonly mark: Uint32Array;
  private readonly bestDistM: Float64Array;
  private readonly bestAlongM: Float64Array;
  private readonly bestBearing: Float64Array;
  private readonly bestBeyondM: Float64Array;
  private readonly touched: Uint32Array;
  private touchedCount = 0;
  private epoch = 0;

  constructor(
    readonly maps: readonly IntersectionMap[],
    options: MatcherOptions = {},
  ) {
    this.gpsSigmaM = options.gpsSigmaM ?? 3;
    this.extensionM = options.laneExtensionM ?? 80;
    this.lookaheadM = options.lookaheadM ?? 300;
    this.gateM = 3 * Math.hypot(this.gpsSigmaM, LANE_KEEPING_SIGMA_M) + 2;
    this.keys = maps.map((m) => intersectionKey(m.ref));

    const lanes: { map: number; lane: Lane }[] = [];
    let pointCount = 0;
    maps.forEach((map, mi) => {
      let indexed = 0;
      for (const lane of map.lanes) {
        if (!isVehicleIngress(lane) || lane.points.length < 2) continue;
        lanes.push({ map: mi, lane });
        pointCount += lane.points.length;
        indexed++;
      }
      if (indexed === 0) this.bareMaps.push(mi);
    });

    const n = lanes.length;
    this.laneCount = n;
    this.laneMap = new Uint32Array(n);
    this.laneId = new Int32Array(n);
    this.lanePointStart = new Uint32Array(n + 1);
    this.laneLengthM = new Float64Array(n);
    this.laneApproach = new Uint32Array(n);
    this.laneGroup = new Int32Array(n * 4).fill(-1);
    this.laneDefaultManeuver = new Uint8Array(n).fill(NO_MANEUVER);
    this.laneStopBearing = new Float64Array(n);
    this.pointLat = new Float64Array(pointCount);
    this.pointLon = new Float64Array(pointCount);
    this.pointAlongM = new Float64Array(pointCount);
    const segmentCount = pointCount - n;
    this.segmentLane = new Uint32Array(segmentCount);
    this.segmentPoint = new Uint32Array(segmentCount);
    this.mark = new Uint32Array(n);
    this.bestDistM = new Float64Array(n);
    this.bestAlongM = new Float64Array(n);
    this.bestBearing = new Float64Array(n);
    this.bestBeyondM = new Float64Array(n);
    this.touched = new Uint32Array(n);

    let p = 0;
    let s = 0;
    const laneMasks = new Uint8Array(n);
    // Where each lane's connection for a manoeuvre leaves: the egress lane's first point and bearing (NaN: unknown).
    const laneExit = new Float64Array(n * 4 * 3).fill(NaN);
    lanes.forEach(({ map: mi, lane }, li) => {
      const map = maps[mi]!;
      this.laneMap[li] = mi;
      this.laneId[li] = lane.laneId;
      this.laneByKey.set(`${this.keys[mi]}#${lane.laneId}`, li);
      this.lanePointStart[li] = p;
      const plane = new LocalPlane(lane.points[0]![0], lane.points[0]![1]);
      for (let k = 0; k < lane.points.length; k++) {
        const [lat, lon] = lane.points[k]!;
        this.pointLat[p + k] = lat;
        this.pointLon[p + k] = lon;
        if (k > 0) {
          const [plat, plon] = lane.points[k - 1]!;
          const d = Math.hypot(plane.x(lon) - plane.x(plon), plane.y(lat) - plane.y(plat));
          this.pointAlongM[p + k] = this.pointAlongM[p + k - 1]! + d;
          this.segmentLane[s] = li;
          this.segmentPoint[s] = p + k - 1;
          s++;
        }
      }
      this.laneLengthM[li] = this.pointAlongM[p + lane.points.length - 1]!;
      const [lat0, lon0] = lane.points[0]!;
      const [lat1, lon1] = lane.points[1]!;
      this.laneStopBearing[li] = bearingDeg(plane.x(lon0) - plane.x(lon1), plane.y(lat0) - plane.y(lat1));
      p += lane.points.length;

      let mask = 0;
      for (const m of lane.maneuvers) mask |= 1 << MANEUVERS.indexOf(m);
      for (const c of lane.connections) {
        const egress = c.toIntersection && intersectionKey(c.toIntersection) !== this.keys[mi] ? undefined : map.lanes.find((l) => l.laneId === c.toLane && l.direction !== 'ingress' && l.points.length >= 2);
        let exitBearing = NaN;
        if (egress) {
          const [elat0, elon0] = egress.points[0]!;
          const [elat1, elon1] = egress.points[1]!;
          exitBearing = bearingDeg(plane.x(elon1) - plane.x(elon0), plane.y(elat1) - plane.y(elat0));
        }
        const m = c.maneuver ?? (Number.isNaN(exitBearing) ? undefined : maneuverForTurn(angleDiffDeg(exitBearing, this.laneStopBearing[li]!)));
        if (m === undefined) continue;
        const mIndex = MANEUVERS.indexOf(m);
        mask |= 1 << mIndex;
        if (c.signalGroup !== undefined && this.laneGroup[li * 4 + mIndex]! < 0) this.laneGroup[li * 4 + mIndex] = c.signalGroup;
        if (egress && Number.isNaN(laneExit[(li * 4 + mIndex) * 3]!)) {
          laneExit[(li * 4 + mIndex) * 3] = egress.points[0]![0];
          laneExit[(li * 4 + mIndex) * 3 + 1] = egress.points[0]![1];
          laneExit[(li * 4 + mIndex) * 3 + 2] = exitBearing;
        }
      }
      // A lane whose connections all share one group, with manoeuvres from its attributes only: that group is theirs.
      const groups = new Set(lane.connections.flatMap((c) => (c.signalGroup === undefined ? [] : [c.signalGroup])));
      if (groups.size === 1) {
        const [only] = groups;
        for (const m of lane.maneuvers) {
          const mIndex = MANEUVERS.indexOf(m);
          if (this.laneGroup[li * 4 + mIndex]! < 0) this.laneGroup[li * 4 + mIndex] = only!;
        }
      }
      laneMasks[li] = mask;
      if (mask & 1) this.laneDefaultManeuver[li] = 0;
      else for (let m = 0; m < 4; m++) if (mask & (1 << m) && this.laneDefaultManeuver[li] === NO_MANEUVER) this.laneDefaultManeuver[li] = m;
    });
    this.lanePointStart[n] = p;

    // Approaches: the MAP's ingressApproach where given, else lanes of one intersection whose stop lines face the same way.
    const approachOf = new Map<string, number>();
    const approachBearing: number[] = [];
    const approachMap: number[] = [];
    for (let li = 0; li < n; li++) {
      const mi = this.laneMap[li]!;
      const lane = lanes[li]!.lane;
      let a: number | undefined;
      if (lane.ingressApproach !== undefined) {
        const k = `${mi}/${lane.ingressApproach}`;
        a = approachOf.get(k);
        if (a === undefined) {
          a = approachBearing.length;
          approachOf.set(k, a);
          approachBearing.push(this.laneStopBearing[li]!);
          approachMap.push(mi);
        }
      } else {
        for (let other = 0; other < approachBearing.length; other++) {
          if (approachMap[other] === mi && Math.abs(angleDiffDeg(approachBearing[other]!, this.laneStopBearing[li]!)) < 30) {
            a = other;
            break;
          }
        }
        if (a === undefined) {
          a = approachBearing.length;
          approachBearing.push(this.laneStopBearing[li]!);
          approachMap.push(mi);
        }
      }
      this.laneApproach[li] = a;
    }
    const approachCount = approachBearing.length;
    this.approachGroup = new Int32Array(approachCount * 4).fill(-1);
    this.approachManeuvers = new Uint8Array(approachCount);
    this.approachExit = new Float64Array(approachCount * 4 * 3).fill(NaN);
    for (let a = 0; a < approachCount; a++) {
      for (let m = 0; m < 4; m++) {
        const votes = new Map<number, number>();
        for (let li = 0; li < n; li++) {
          if (this.laneApproach[li] !== a) continue;
          if (laneMasks[li]! & (1 << m)) this.approachManeuvers[a] = this.approachManeuvers[a]! | (1 << m);
          if (Number.isNaN(this.approachExit[(a * 4 + m) * 3]!) && !Number.isNaN(laneExit[(li * 4 + m) * 3]!)) {
            for (let k = 0; k < 3; k++) this.approachExit[(a * 4 + m) * 3 + k] = laneExit[(li * 4 + m) * 3 + k]!;
          }
          const g = this.laneGroup[li * 4 + m]!;
          if (g >= 0) votes.set(g, (votes.get(g) ?? 0) + 1);
        }
        let best = -1;
        let bestVotes = 0;
        for (const [g, v] of votes) if (v > bestVotes) [best, bestVotes] = [g, v];
        this.approachGroup[a * 4 + m] = best;
      }
    }

    if (segmentCount > 0) {
      const index = new Flatbush(segmentCount);
      for (let k = 0; k < segmentCount; k++) {
        const i = this.segmentPoint[k]!;
        const li = this.segmentLane[k]!;
        let minLat = Math.min(this.pointLat[i]!, this.pointLat[i + 1]!);
        let maxLat = Math.max(this.pointLat[i]!, this.pointLat[i + 1]!);
        let minLon = Math.min(this.pointLon[i]!, this.pointLon[i + 1]!);
        let maxLon = Math.max(this.pointLon[i]!, this.pointLon[i + 1]!);
        const ends = [i === this.lanePointStart[li] ? -PAST_STOP_LINE_M : 0, i + 2 === this.lanePointStart[li + 1] ? this.extensionM : 0];
        for (const [which, extra] of ends.entries()) {
          if (extra === 0) continue;
          // Stretch the box over the part of the line beyond the segment's end that still counts.
          const segLen = this.pointAlongM[i + 1]! - this.pointAlongM[i]!;
          if (segLen <= 0) continue;
          const f = which === 0 ? extra / segLen : 1 + extra / segLen;
          const lat = this.pointLat[i]! + f * (this.pointLat[i + 1]! - this.pointLat[i]!);
          const lon = this.pointLon[i]! + f * (this.pointLon[i + 1]! - this.pointLon[i]!);
          minLat = Math.min(minLat, lat);
          maxLat = Math.max(maxLat, lat);
          minLon = Math.min(minLon, lon);
          maxLon = Math.max(maxLon, lon);
        }
        index.add(minLon, minLat, maxLon, maxLat);
      }
      index.finish();
      this.segmentIndex = index;
    }

    if (this.bareMaps.length > 0) {
      const index = new Flatbush(this.bareMaps.length);
      for (const mi of this.bareMaps) index.add(maps[mi]!.lon, maps[mi]!.lat, maps[mi]!.lon, maps[mi]!.lat);
      index.finish();
      this.bareIndex = index;
    }
  }

  /**
   * Projects a point onto the indexed lanes nearby, keeping for each lane its
   * nearest projection; returns how many lanes were touched (in `touched`).
   * `headingDeg` NaN: no heading gate.
   */
  private collect(lat: number, lon: number, headingDeg: number, gateM: number): number {
    this.touchedCount = 0;
    if (!this.segmentIndex) return 0;
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) {
      this.mark.fill(0);
      this.epoch = 1;
    }
    const plane = new LocalPlane(lat, lon);
    const dLat = gateM / METRES_PER_DEGREE;
    const dLon = gateM / plane.kx;
    const hits = this.segmentIndex.search(lon - dLon, lat - dLat, lon + dLon, lat + dLat);
    for (const k of hits) {
      const li = this.segmentLane[k]!;
      const i = this.segmentPoint[k]!;
      const ax = plane.x(this.pointLon[i]!);
      const ay = plane.y(this.pointLat[i]!);
      const dx = plane.x(this.pointLon[i + 1]!) - ax;
      const dy = plane.y(this.pointLat[i + 1]!) - ay;
      const len = Math.hypot(dx, dy);
      if (len <= 0) continue;
      const first = i === this.lanePointStart[li];
      const last = i + 2 === this.lanePointStart[li + 1];
      let t = -(ax * dx + ay * dy) / (len * len);
      if (first && t * len < -PAST_STOP_LINE_M) continue;
      if (last && (t - 1) * len > this.extensionM) continue;
      t = Math.max(first ? -PAST_STOP_LINE_M / len : 0, Math.min(last ? 1 + this.extensionM / len : 1, t));
      const dist = Math.hypot(ax + t * dx, ay + t * dy);
      if (dist > gateM) continue;
      const driving = bearingDeg(-dx, -dy);
      if (!Number.isNaN(headingDeg) && Math.abs(angleDiffDeg(headingDeg, driving)) > HEADING_GATE_DEG) continue;
      if (this.mark[li] === this.epoch && this.bestDistM[li]! <= dist) continue;
      if (this.mark[li] !== this.epoch) {
        this.mark[li] = this.epoch;
        this.touched[this.touchedCount++] = li;
      }
      const along = this.pointAlongM[i]! + t * len;
      this.bestDistM[li] = dist;
      this.bestAlongM[li] = along;
      this.bestBearing[li] = driving;
      this.bestBeyondM[li] = Math.max(0, along - this.laneLengthM[li]!);
    }
    return this.touchedCount;
  }

  /** Matches one fix. Pass the returned `state` back with the next fix. */
  match(fix: VehicleFix, context: MatchContext = {}): MatchResult {
    const previous = context.previous ?? INITIAL_MATCH_STATE;
    const headingKnown = fix.speedMps >= HEADING_MIN_SPEED_MPS && Number.isFinite(fix.headingDeg);
    const heading = headingKnown ? fix.headingDeg : NaN;
    const plane = new LocalPlane(fix.lat, fix.lon);
    const path = context.route && context.route.length >= 2 ? new PathAhead(context.route, plane) : undefined;

    // Lanes under the vehicle, else the first lanes the path ahead enters.
    let onLanes = true;
    let offsetM = 0;
    let sigmaM = Math.hypot(this.gpsSigmaM, LANE_KEEPING_SIGMA_M);
    let count = this.collect(fix.lat, fix.lon, heading, this.gateM);
    if (count === 0) {
      onLanes = false;
      sigmaM = path ? Math.max(sigmaM, ROUTE_CENTRE_LINE_SIGMA_M) : sigmaM;
      const gate = path ? Math.max(this.gateM, 2 * ROUTE_CENTRE_LINE_SIGMA_M) : this.gateM;
      for (let d = LOOKAHEAD_STEP_M; d <= this.lookaheadM && count === 0; d += LOOKAHEAD_STEP_M) {
        let x: number;
        let y: number;
        let bearing: number;
        if (path) {
          if (path.startM + d > path.lengthM) break;
          ({ x, y, bearingDeg: bearing } = path.at(path.startM + d));
        } else {
          if (!headingKnown) break;
          x = d * Math.sin(heading * RADIANS);
          y = d * Math.cos(heading * RADIANS);
          bearing = heading;
        }
        count = this.collect(plane.lat(y), plane.lon(x), bearing, gate);
        offsetM = d;
      }
    }

    const bare = this.nearestBareAhead(fix, plane, path, heading);

    // Bayes update of the belief over the candidate lanes.
    const prior = new Map<string, number>();
    for (const l of previous.lanes) prior.set(`${l.key}#${l.laneId}`, l.p);
    const logPost = new Float64Array(count);
    let priorTotal = 0;
    for (let c = 0; c < count; c++) {
      const li = this.touched[c]!;
      priorTotal += prior.get(`${this.keys[this.laneMap[li]!]}#${this.laneId[li]}`) ?? 0;
    }
    let maxLog = -Infinity;
    for (let c = 0; c < count; c++) {
      const li = this.touched[c]!;
      const p0 = priorTotal > 0 ? (prior.get(`${this.keys[this.laneMap[li]!]}#${this.laneId[li]}`) ?? 0) / priorTotal : 0;
      const priorP = priorTotal > 0 ? (1 - TRANSITION_SHARE) * p0 + TRANSITION_SHARE / count : 1 / count;
      const sigma = Math.hypot(sigmaM, EXTRAPOLATION_SIGMA_PER_M * this.bestBeyondM[li]!);
      const d = this.bestDistM[li]!;
      let log = Math.log(priorP) - (d * d) / (2 * sigma * sigma) - Math.log(sigma);
      if (!Number.isNaN(heading) && onLanes) {
        const dh = angleDiffDeg(heading, this.bestBearing[li]!);
        log -= (dh * dh) / (2 * HEADING_SIGMA_DEG * HEADING_SIGMA_DEG);
      }
      logPost[c] = log;
      if (log > maxLog) maxLog = log;
    }
    const post = new Float64Array(count);
    let total = 0;
    for (let c = 0; c < count; c++) total += post[c] = Math.exp(logPost[c]! - maxLog);
    for (let c = 0; c < count; c++) post[c] = post[c]! / total;

    const state: MatchState = { lanes: [] };
    for (let c = 0; c < count; c++) {
      if (post[c]! < 1e-4) continue;
      const li = this.touched[c]!;
      state.lanes.push({ key: this.keys[this.laneMap[li]!]!, laneId: this.laneId[li]!, p: post[c]! });
    }

    // The next intersection: among those with a fair share of the belief, the nearest.
    const mass = new Map<number, number>();
    const distance = new Map<number, number>();
    const likeliest = new Map<number, number>();
    for (let c = 0; c < count; c++) {
      const li = this.touched[c]!;
      const mi = this.laneMap[li]!;
      mass.set(mi, (mass.get(mi) ?? 0) + post[c]!);
      // An intersection is as far as its likeliest lane's stop line.
      if (post[c]! > (likeliest.get(mi) ?? -1)) {
        likeliest.set(mi, post[c]!);
        distance.set(mi, offsetM + Math.max(0, this.bestAlongM[li]!));
      }
    }
    let maxMass = 0;
    for (const m of mass.values()) maxMass = Math.max(maxMass, m);
    let chosen = -1;
    let chosenDistance = Infinity;
    for (const [mi, m] of mass) {
      const d = distance.get(mi) ?? Infinity;
      if (m >= COMPETING_SHARE * maxMass && d < chosenDistance) {
        chosen = mi;
        chosenDistance = d;
      }
    }

    if (bare && bare.distanceM < chosenDistance) {
      return this.bareFallback(bare.map, bare.distanceM, path, state, context);
    }
    if (chosen < 0) return { ok: false, reason: 'no-intersection-ahead', state };
    const key = this.keys[chosen]!;
    const sameIntersection = previous.key === key;

    // The likeliest lane, with hysteresis against the one reported last.
    let top = -1;
    let topP = -1;
    let previousP = -1;
    let previousLane = -1;
    const chosenMass = mass.get(chosen)!;
    for (let c = 0; c < count; c++) {
      const li = this.touched[c]!;
      if (this.laneMap[li] !== chosen) continue;
      const p = post[c]! / chosenMass;
      if (p > topP) [top, topP] = [li, p];
      if (sameIntersection && this.laneId[li] === previous.laneId) [previousLane, previousP] = [li, p];
    }
    if (previousLane >= 0 && previousP >= topP - SWITCH_MARGIN) [top, topP] = [previousLane, previousP];

    // The manoeuvre: the route's turn after the stop line, else each lane's own default.
    const routeManeuver = path ? this.routeManeuver(path, plane, top) : undefined;

    const votes = new Map<number, number>();
    let fallbackMass = 0;
    for (let c = 0; c < count; c++) {
      const li = this.touched[c]!;
      if (this.laneMap[li] !== chosen) continue;
      const p = post[c]! / chosenMass;
      const m = routeManeuver ?? this.laneDefaultManeuver[li]!;
      let g = m === NO_MANEUVER ? -1 : this.laneGroup[li * 4 + m]!;
      if (g < 0 && m !== NO_MANEUVER) g = this.approachGroup[this.laneApproach[li]! * 4 + m]!;
      if (g < 0) fallbackMass += p;
      else votes.set(g, (votes.get(g) ?? 0) + p);
    }
    let group = -1;
    let groupVotes = 0;
    for (const [g, v] of votes) if (v > groupVotes) [group, groupVotes] = [g, v];
    if (sameIntersection && previous.signalGroup !== undefined) {
      const kept = votes.get(previous.signalGroup) ?? 0;
      if (kept > 0 && kept >= groupVotes - SWITCH_MARGIN) [group, groupVotes] = [previous.signalGroup, kept];
    }

    const map = this.maps[chosen]!;
    const intersectionShare = chosenMass / Math.max(1e-12, [...mass.values()].reduce((a, b) => a + b, 0));
    const topManeuverIndex = routeManeuver ?? this.laneDefaultManeuver[top]!;
    const maneuver = MANEUVERS[topManeuverIndex === NO_MANEUVER ? 0 : topManeuverIndex]!;
    const common = {
      key,
      ref: map.ref,
      maneuver,
      maneuverFrom: routeManeuver !== undefined ? ('route' as const) : ('assumed' as const),
      distanceToStopLineM: offsetM + Math.max(0, this.bestAlongM[top]!),
    };
    state.key = key;
    state.laneId = this.laneId[top]!;

    if (group < 0 || fallbackMass > groupVotes) {
      const main = mainSignalGroup(map, context.spatGroups?.(key));
      if (main !== undefined) state.signalGroup = main;
      return {
        ok: true,
        state,
        match: {
          ...common,
          match: 'intersection-fallback',
          reason: 'no-signal-group',
          signalGroup: main,
          stopLineKnown: true,
          confidence: main === undefined ? 0 : FALLBACK_CONFIDENCE * intersectionShare,
        },
      };
    }
    state.signalGroup = group;
    const confidence = groupVotes * intersectionShare;
    if (onLanes && topP >= 0.5 && this.laneGroup[top * 4 + topManeuverIndex] === group) {
      return { ok: true, state, match: { ...common, match: 'lane', laneId: this.laneId[top]!, signalGroup: group, confidence } };
    }
    return { ok: true, state, match: { ...common, match: 'approach', laneId: onLanes ? this.laneId[top]! : undefined, signalGroup: group, confidence } };
  }

  /** The route's manoeuvre after lane `li`'s stop line, as the approach allows; undefined when the route does not lead through it. */
  private routeManeuver(path: PathAhead, plane: LocalPlane, li: number): number | undefined {
    const p0 = this.lanePointStart[li]!;
    const sx = plane.x(this.pointLon[p0]!);
    const sy = plane.y(this.pointLat[p0]!);
    const stop = path.project(sx, sy, path.startM - PAST_STOP_LINE_M, path.startM + this.lookaheadM + this.extensionM);
    if (stop.distanceM > ROUTE_PASSES_M) return undefined;
    const end = path.lengthM - stop.alongM;
    if (end < EXIT_MIN_M) return undefined;

    // The egress lane the route leaves along: it passes its start, heading its way.
    const approach = this.laneApproach[li]!;
    let best = -1;
    let bestM = Infinity;
    for (let m = 0; m < 4; m++) {
      const e = (approach * 4 + m) * 3;
      if (Number.isNaN(this.approachExit[e]!)) continue;
      const hit = path.project(plane.x(this.approachExit[e + 1]!), plane.y(this.approachExit[e]!), stop.alongM, stop.alongM + EXIT_SEARCH_M);
      if (hit.distanceM > EXIT_PASSES_M || hit.distanceM >= bestM || hit.alongM + EXIT_MIN_M > path.lengthM) continue;
      const from = path.at(hit.alongM);
      const to = path.at(hit.alongM + EXIT_MIN_M);
      if (Math.abs(angleDiffDeg(bearingDeg(to.x - from.x, to.y - from.y), this.approachExit[e + 2]!)) > HEADING_GATE_DEG) continue;
      best = m;
      bestM = hit.distanceM;
    }
    if (best >= 0) return best;

    // Without egress geometry: the turn between the lane and the route's bearing past the junction box.
    const a = path.at(stop.alongM + Math.min(EXIT_FROM_M, end / 2));
    const b = path.at(stop.alongM + Math.min(EXIT_TO_M, end));
    const exit = bearingDeg(b.x - a.x, b.y - a.y);
    const turn = angleDiffDeg(exit, this.laneStopBearing[li]!);
    const plain = MANEUVERS.indexOf(maneuverForTurn(turn));
    const allowed = this.approachManeuvers[this.laneApproach[li]!]!;
    if (allowed === 0 || allowed & (1 << plain)) return plain;
    const nearest = MANEUVERS.indexOf(maneuverForTurn(turn, allowed));
    const off = Math.abs(angleDiffDeg(turn, MANEUVER_ANGLE_DEG[nearest as 0 | 1 | 2 | 3]));
    return off <= SKEW_TOLERANCE_DEG ? nearest : plain;
  }

  /** The nearest intersection without lane geometry ahead on the path, within the lookahead. */
  private nearestBareAhead(fix: VehicleFix, plane: LocalPlane, path: PathAhead | undefined, heading: number): { map: number; distanceM: number } | undefined {
    if (!this.bareIndex) return undefined;
    const reach = this.lookaheadM + ROUTE_PASSES_M;
    const dLat = reach / METRES_PER_DEGREE;
    const dLon = reach / plane.kx;
    let best: { map: number; distanceM: number } | undefined;
    for (const k of this.bareIndex.search(fix.lon - dLon, fix.lat - dLat, fix.lon + dLon, fix.lat + dLat)) {
      const mi = this.bareMaps[k]!;
      const x = plane.x(this.maps[mi]!.lon);
      const y = plane.y(this.maps[mi]!.lat);
      let distanceM: number;
      if (path) {
        const hit = path.project(x, y, path.startM, path.startM + this.lookaheadM);
        if (hit.distanceM > ROUTE_PASSES_M || hit.alongM <= path.startM || hit.alongM >= path.lengthM) continue;
        distanceM = hit.alongM - path.startM;
      } else {
        if (Number.isNaN(heading)) {
          distanceM = Math.hypot(x, y);
          if (distanceM > RAY_PASSES_M) continue;
        } else {
          const ux = Math.sin(heading * RADIANS);
          const uy = Math.cos(heading * RADIANS);
          const along = x * ux + y * uy;
          const lateral = Math.abs(x * uy - y * ux);
          if (along <= 0 || along > this.lookaheadM || lateral > RAY_PASSES_M) continue;
          distanceM = along;
        }
      }
      if (!best || distanceM < best.distanceM) best = { map: mi, distanceM };
    }
    return best;
  }

  private bareFallback(mi: number, distanceM: number, path: PathAhead | undefined, state: MatchState, context: MatchContext): MatchResult {
    const map = this.maps[mi]!;
    const key = this.keys[mi]!;
    let maneuver: Maneuver = 'straight';
    let maneuverFrom: 'route' | 'assumed' = 'assumed';
    if (path) {
      const at = path.startM + distanceM;
      const end = path.lengthM - at;
      if (end >= EXIT_MIN_M) {
        const before = path.at(Math.max(path.startM, at - EXIT_FROM_M));
        const a = path.at(at);
        const b = path.at(at + Math.min(EXIT_FROM_M, end));
        maneuver = maneuverForTurn(angleDiffDeg(bearingDeg(b.x - a.x, b.y - a.y), bearingDeg(a.x - before.x, a.y - before.y)));
        maneuverFrom = 'route';
      }
    }
    const main = mainSignalGroup(map, context.spatGroups?.(key));
    const next: MatchState = { lanes: state.lanes, key };
    if (main !== undefined) next.signalGroup = main;
    return {
      ok: true,
      state: next,
      match: {
        key,
        ref: map.ref,
        maneuver,
        maneuverFrom,
        distanceToStopLineM: distanceM,
        match: 'intersection-fallback',
        reason: 'no-lane-geometry',
        signalGroup: main,
        stopLineKnown: false,
        confidence: main === undefined ? 0 : FALLBACK_CONFIDENCE,
      },
    };
  }
}
