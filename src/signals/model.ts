/**
 * Cabin's own model of traffic-light data, shared by every decoder (SAE J2735
 * UPER/JSON/XML, China's T/CSAE 53) and by the logic that talks to the driver.
 *
 * Times are absolute UTC milliseconds (epoch), resolved from each message's
 * own time base when it is decoded: J2735 gives tenths of a second of the
 * UTC hour (resolved against the message's timestamp, across the hour
 * rollover); CSAE 53 gives relative countdowns in tenths of a second
 * (resolved against the message's timestamp). `undefined` means unknown —
 * never a guess.
 */

/**
 * J2735 MovementPhaseState (0 unavailable … 9 caution-conflicting-traffic).
 * CSAE 53's LightState maps onto it, except its flashing green (→ permissive
 * movement) and flashing yellow (→ caution): see csae53/to-model.ts.
 */
export const MOVEMENT_PHASES = [
  'unavailable',
  'dark',
  'stop-then-proceed', // flashing red
  'stop-and-remain', // red
  'pre-movement', // red + amber (not used in the US)
  'permissive-movement-allowed', // permissive green
  'protected-movement-allowed', // protected green
  'permissive-clearance', // permissive amber
  'protected-clearance', // protected amber
  'caution-conflicting-traffic', // flashing amber
] as const;
export type MovementPhase = (typeof MOVEMENT_PHASES)[number];

/** Phases in which a vehicle may enter the intersection. */
export function isGo(phase: MovementPhase): boolean {
  return phase === 'permissive-movement-allowed' || phase === 'protected-movement-allowed';
}

/** Phases in which a vehicle must stop (or may not enter). */
export function isStop(phase: MovementPhase): boolean {
  return phase === 'stop-and-remain' || phase === 'stop-then-proceed' || phase === 'pre-movement';
}

/** When a phase ends, as the message states it. All times are epoch ms. */
export interface PhaseTiming {
  /** When this phase started (or will start, for a future event). */
  startTime?: number;
  /** The earliest the phase can end. */
  minEndTime?: number;
  /** The latest the phase can end. */
  maxEndTime?: number;
  /** The most likely end. */
  likelyTime?: number;
  /** Confidence of `likelyTime` as J2735 TimeIntervalConfidence (0–15), where given. */
  confidence?: number;
  /** When this phase is next expected to start again. */
  nextTime?: number;
}

/** One phase of a signal group: now (the first) or a predicted later one. */
export interface MovementEvent {
  phase: MovementPhase;
  timing?: PhaseTiming;
  /** Advisory speeds carried with the event (J2735 AdvisorySpeed), km/h. */
  advisorySpeedKmh?: number[];
}

/** The state of one signal group (a set of lanes that share a light). */
export interface SignalGroupState {
  signalGroup: number;
  name?: string;
  /** Current event first, then predicted ones in time order. */
  events: MovementEvent[];
}

/** Identifies an intersection: J2735 IntersectionReferenceID (region 0 = none) or CSAE NodeReferenceID. */
export interface IntersectionRef {
  region: number;
  id: number;
}

/** `${region}/${id}`: the key Cabin uses for an intersection everywhere. */
export function intersectionKey(ref: IntersectionRef): string {
  return `${ref.region}/${ref.id}`;
}

/** Signal states of one intersection at one moment. */
export interface IntersectionSignals {
  ref: IntersectionRef;
  name?: string;
  /** Message revision counter (0–127); changes when the content changes. */
  revision: number;
  /** When the roadside unit produced this state (epoch ms). */
  timestamp: number;
  /** IntersectionStatusObject bits as sent (manual control, fixed time, failure flash, …). */
  status: number;
  groups: SignalGroupState[];
}

/** A decoded SPaT (J2735) or SPAT (CSAE 53) message. */
export interface SpatMessage {
  kind: 'spat';
  /** Message time (epoch ms), when the message gives one. */
  timestamp?: number;
  intersections: IntersectionSignals[];
}

/** Manoeuvres a lane allows onto its connection (J2735 AllowedManeuvers / CSAE Maneuver). */
export type Maneuver = 'straight' | 'left' | 'right' | 'u-turn';

/** Where a lane connects to after the stop line, and which light controls it. */
export interface LaneConnection {
  /** The lane it connects to (egress lane id at this or a remote intersection). */
  toLane: number;
  toIntersection?: IntersectionRef;
  /** The manoeuvre, where the MAP says it. */
  maneuver?: Maneuver;
  /** The signal group that controls this connection. */
  signalGroup?: number;
}

/** A lane of an intersection, with its centre line from the stop line outwards. */
export interface Lane {
  laneId: number;
  name?: string;
  /** Approach numbers (J2735 ApproachID) or the CSAE upstream link, where given. */
  ingressApproach?: number;
  egressApproach?: number;
  /** Vehicles drive towards the intersection on it (ingress) or away (egress). */
  direction: 'ingress' | 'egress' | 'both' | 'none';
  kind: 'vehicle' | 'crosswalk' | 'bike' | 'sidewalk' | 'median' | 'striping' | 'tracked' | 'parking';
  /** Manoeuvres allowed from this lane (from its lane attributes), where given. */
  maneuvers: Maneuver[];
  /** Centre line as absolute [lat, lon] points, the first at the stop line. */
  points: [number, number][];
  connections: LaneConnection[];
}

/** The geometry of one intersection from a MAP (J2735) or MapData (CSAE 53) message. */
export interface IntersectionMap {
  ref: IntersectionRef;
  name?: string;
  revision: number;
  /** Reference point. */
  lat: number;
  lon: number;
  laneWidthCm?: number;
  /** Speed limits in km/h that the MAP states for the intersection, where given. */
  speedLimitKmh?: number;
  lanes: Lane[];
}

/** A decoded MAP (J2735) or MapData (CSAE 53) message. */
export interface MapMessage {
  kind: 'map';
  timestamp?: number;
  revision: number;
  intersections: IntersectionMap[];
}

export type SignalMessage = SpatMessage | MapMessage;

/** Result of decoding bytes or text that may be malformed: never a throw for bad input. */
export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: string };
