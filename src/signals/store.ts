/**
 * The signal store: the latest signal states (SPaT) and lane geometry (MAP)
 * of every intersection Cabin hears about, whatever feed they came from.
 *
 * Pure: no clock and no I/O. Every update carries the time it was received
 * (`receivedAt`, epoch ms) and every question carries `now`, so the store
 * behaves identically live, in tests and in a replay.
 *
 * What it refuses, and counts by reason, rather than trusts:
 * - out-of-order updates (older than the one held) and duplicates (same
 *   revision and timestamp), which MQTT redelivery and several roadside
 *   units in radio range produce all the time;
 * - partial ones (an intersection without signal groups, a MAP without
 *   lanes), which would otherwise erase what we know;
 * - messages already too old on arrival (a retained MQTT message from an
 *   hour ago must not look like a live light) or stamped too far in the
 *   future (one bad clock would otherwise block every later update as
 *   "out of order");
 * - structurally bad ones (a decoder bug or a hand-made payload).
 *
 * A feed that goes quiet turns stale after STALE_AFTER_MS: `stateAt` then
 * returns no signals at all, so no countdown can be shown from it.
 */
import {
  MOVEMENT_PHASES,
  intersectionKey,
  type IntersectionMap,
  type IntersectionSignals,
  type MapMessage,
  type MovementPhase,
  type SpatMessage,
} from './model.ts';

/** With no update for longer than this, an intersection's signals are stale. */
export const STALE_AFTER_MS = 2000;

/** Why an update was not taken. The last two are counted by feeds, before anything reaches the store. */
export const DROP_REASONS = [
  'out-of-order',
  'duplicate',
  'partial',
  'invalid',
  'too-old',
  'future',
  'undecodable',
  'wrong-kind',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Counts since the store was created; `accepted` and `dropped` count intersections, not messages. */
export interface StoreStats {
  accepted: number;
  dropped: Record<DropReason, number>;
}

/** What one `acceptSpat`/`acceptMap` call did. */
export interface AcceptOutcome {
  accepted: number;
  dropped: Partial<Record<DropReason, number>>;
}

/** The answer to "what do the lights of this intersection show now?". */
export type SignalState =
  | { fresh: true; signals: IntersectionSignals; receivedAt: number; ageMs: number }
  | { fresh: false; reason: 'stale'; ageMs: number }
  | { fresh: false; reason: 'unknown' };

/** A change to the store, as listeners and the WebSocket stream see it. */
export type StoreChange =
  | { kind: 'spat'; key: string; receivedAt: number; signals: IntersectionSignals }
  | { kind: 'map'; key: string; receivedAt: number; map: IntersectionMap };

export type StoreListener = (change: StoreChange) => void;

export interface SignalStoreOptions {
  /** Default STALE_AFTER_MS. */
  staleAfterMs?: number;
  /** How far a message's own timestamp may lie before `receivedAt` and still be taken. Default: `staleAfterMs`. */
  maxAgeOnArrivalMs?: number;
  /** How far a message's timestamp may lie after `receivedAt` (clock skew allowed). Default 2000. */
  maxFutureMs?: number;
}

interface HeldSignals {
  signals: IntersectionSignals;
  receivedAt: number;
}

interface HeldMap {
  map: IntersectionMap;
  /** The message timestamp, or `receivedAt` when the MAP carries none. */
  time: number;
  receivedAt: number;
}

/** Latest SPaT and MAP per intersection (key `intersectionKey(ref)`), with drop counts. */
export class SignalStore {
  private readonly staleAfterMs: number;
  private readonly maxAgeOnArrivalMs: number;
  private readonly maxFutureMs: number;
  private readonly held = new Map<string, HeldSignals>();
  private readonly heldMaps = new Map<string, HeldMap>();
  private readonly listeners = new Set<StoreListener>();
  private accepted = 0;
  private readonly dropped: Record<DropReason, number> = zeroCounts();

  constructor(options: SignalStoreOptions = {}) {
    this.staleAfterMs = options.staleAfterMs ?? STALE_AFTER_MS;
    this.maxAgeOnArrivalMs = options.maxAgeOnArrivalMs ?? this.staleAfterMs;
    this.maxFutureMs = options.maxFutureMs ?? 2000;
  }

  /** Takes the intersections of a SPaT message received at `receivedAt` (epoch ms). */
  acceptSpat(msg: SpatMessage, receivedAt: number): AcceptOutcome {
    const outcome: AcceptOutcome = { accepted: 0, dropped: {} };
    const changes: StoreChange[] = [];
    if (!Array.isArray(msg.intersections) || msg.intersections.length === 0) {
      this.drop(outcome, Array.isArray(msg.intersections) ? 'partial' : 'invalid');
      return outcome;
    }
    for (const signals of msg.intersections) {
      const reason = this.judgeSignals(signals, receivedAt);
      if (reason) {
        this.drop(outcome, reason);
        continue;
      }
      const key = intersectionKey(signals.ref);
      this.held.set(key, { signals, receivedAt });
      this.accepted++;
      outcome.accepted++;
      changes.push({ kind: 'spat', key, receivedAt, signals });
    }
    this.emit(changes);
    return outcome;
  }

  /** Takes the intersections of a MAP message received at `receivedAt` (epoch ms). */
  acceptMap(msg: MapMessage, receivedAt: number): AcceptOutcome {
    const outcome: AcceptOutcome = { accepted: 0, dropped: {} };
    const changes: StoreChange[] = [];
    if (!Array.isArray(msg.intersections) || msg.intersections.length === 0) {
      this.drop(outcome, Array.isArray(msg.intersections) ? 'partial' : 'invalid');
      return outcome;
    }
    if (msg.timestamp !== undefined && !Number.isFinite(msg.timestamp)) {
      this.drop(outcome, 'invalid', msg.intersections.length);
      return outcome;
    }
    const time = msg.timestamp ?? receivedAt;
    for (const map of msg.intersections) {
      const reason = this.judgeMap(map, time, receivedAt);
      if (reason) {
        this.drop(outcome, reason);
        continue;
      }
      const key = intersectionKey(map.ref);
      const before = this.heldMaps.get(key);
      this.heldMaps.set(key, { map, time, receivedAt });
      this.accepted++;
      outcome.accepted++;
      // A MAP is rebroadcast unchanged every second or so; only a new revision is news.
      if (!before || before.map.revision !== map.revision) changes.push({ kind: 'map', key, receivedAt, map });
    }
    this.emit(changes);
    return outcome;
  }

  /** Counts updates a feed dropped before they could reach the store (undecodable payloads, wrong kind). */
  countDropped(reason: DropReason, count = 1): void {
    this.dropped[reason] += count;
  }

  /**
   * The signals of intersection `key` as of `now` (epoch ms): fresh, stale
   * (no update for more than the stale limit; no signals are returned, so no
   * countdown can be shown) or unknown (never heard of).
   */
  stateAt(key: string, now: number): SignalState {
    const held = this.held.get(key);
    if (!held) return { fresh: false, reason: 'unknown' };
    const ageMs = now - held.receivedAt;
    if (ageMs > this.staleAfterMs) return { fresh: false, reason: 'stale', ageMs };
    return { fresh: true, signals: held.signals, receivedAt: held.receivedAt, ageMs };
  }

  /** The latest MAP of intersection `key`, if any has been received (geometry does not go stale). */
  mapOf(key: string): IntersectionMap | undefined {
    return this.heldMaps.get(key)?.map;
  }

  /** Keys of every intersection with signals held, fresh or not. */
  signalKeys(): string[] {
    return [...this.held.keys()];
  }

  /** Keys of every intersection with a MAP held. */
  mapKeys(): string[] {
    return [...this.heldMaps.keys()];
  }

  /** Everything held, as the changes that would recreate it (maps first). */
  snapshot(): StoreChange[] {
    const changes: StoreChange[] = [];
    for (const [key, held] of this.heldMaps) changes.push({ kind: 'map', key, receivedAt: held.receivedAt, map: held.map });
    for (const [key, held] of this.held) changes.push({ kind: 'spat', key, receivedAt: held.receivedAt, signals: held.signals });
    return changes;
  }

  /** Accepted and dropped counts so far. */
  stats(): StoreStats {
    return { accepted: this.accepted, dropped: { ...this.dropped } };
  }

  /** Calls `listener` on every accepted SPaT and on every new MAP revision; returns the unsubscribe function. */
  onChange(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private judgeSignals(signals: IntersectionSignals, receivedAt: number): DropReason | undefined {
    if (!validRef(signals?.ref) || !Number.isFinite(signals.timestamp) || !Number.isInteger(signals.revision)) return 'invalid';
    if (!Array.isArray(signals.groups)) return 'invalid';
    if (signals.groups.length === 0) return 'partial';
    for (const group of signals.groups) {
      if (!Number.isInteger(group?.signalGroup) || !Array.isArray(group.events)) return 'invalid';
      if (group.events.length === 0) return 'partial';
      for (const event of group.events) if (!PHASES.has(event?.phase)) return 'invalid';
    }
    if (receivedAt - signals.timestamp > this.maxAgeOnArrivalMs) return 'too-old';
    if (signals.timestamp - receivedAt > this.maxFutureMs) return 'future';
    const held = this.held.get(intersectionKey(signals.ref));
    if (held) {
      if (signals.timestamp < held.signals.timestamp) return 'out-of-order';
      if (signals.timestamp === held.signals.timestamp && signals.revision === held.signals.revision) return 'duplicate';
    }
    return undefined;
  }

  private judgeMap(map: IntersectionMap, time: number, receivedAt: number): DropReason | undefined {
    if (!validRef(map?.ref) || !Number.isInteger(map.revision) || !Number.isFinite(map.lat) || !Number.isFinite(map.lon)) return 'invalid';
    if (!Array.isArray(map.lanes)) return 'invalid';
    if (map.lanes.length === 0) return 'partial';
    if (time - receivedAt > this.maxFutureMs) return 'future';
    const held = this.heldMaps.get(intersectionKey(map.ref));
    if (held) {
      if (time < held.time) return 'out-of-order';
      if (time === held.time && map.revision === held.map.revision) return 'duplicate';
    }
    return undefined;
  }

  private drop(outcome: AcceptOutcome, reason: DropReason, count = 1): void {
    this.dropped[reason] += count;
    outcome.dropped[reason] = (outcome.dropped[reason] ?? 0) + count;
  }

  /** Every listener hears every change, even when one of them throws; the first error is rethrown afterwards. */
  private emit(changes: readonly StoreChange[]): void {
    if (changes.length === 0 || this.listeners.size === 0) return;
    const errors: unknown[] = [];
    for (const change of changes) {
      for (const listener of [...this.listeners]) {
        try {
          listener(change);
        } catch (error) {
          errors.push(error);
        }
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `signal store: ${errors.length} change listeners threw`);
  }
}

const PHASES: ReadonlySet<unknown> = new Set<MovementPhase>(MOVEMENT_PHASES);

function validRef(ref: unknown): boolean {
  if (typeof ref !== 'object' || ref === null) return false;
  const { region, id } = ref as { region?: unknown; id?: unknown };
  return Number.isInteger(region) && Number.isInteger(id);
}

function zeroCounts(): Record<DropReason, number> {
  const counts = {} as Record<DropReason, number>;
  for (const reason of DROP_REASONS) counts[reason] = 0;
  return counts;
}
