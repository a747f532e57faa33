/**
 * Live parking availability: an operator feed validated on the way in, and a
 * time-of-day estimate when the feed is silent or stale.
 */
import { z } from 'zod';
import type { CabinMap, ParkingPlace } from '../map/index.ts';
import { checkTimeZone, wallClock } from './hours.ts';

/** A feed value older than this is stale: the car park may have filled since. */
export const FRESH_FOR_MS = 15 * 60_000;
/** Clocks of feed and car drift; a timestamp further ahead than this is wrong, not early. */
export const FUTURE_TOLERANCE_MS = 60_000;

const TIMESTAMP_ERROR = 'timestamp must be an ISO 8601 date-time with offset (e.g. "2025-06-10T12:00:00Z") or epoch milliseconds';

/** One reading of an operator's feed: the single source of truth for its shape. */
export const OccupancyUpdateSchema = z.object({
  /** The facility's OSM id on this map ("w123"). */
  facilityId: z.string({ error: 'facilityId must be a string such as "w123"' }).min(1, 'facilityId must not be empty'),
  free: z.number({ error: 'free must be a number of spaces' }).int('free must be a whole number').min(0, 'free must be 0 or more'),
  total: z.number({ error: 'total must be a number of spaces' }).int('total must be a whole number').min(0, 'total must be 0 or more').optional(),
  /** In the region's currency. */
  pricePerHour: z.number({ error: 'pricePerHour must be a number' }).min(0, 'pricePerHour must be 0 or more').optional(),
  /** When the operator counted: an ISO 8601 string with offset, or epoch milliseconds. */
  timestamp: z.union([z.iso.datetime({ offset: true, error: TIMESTAMP_ERROR }), z.number({ error: TIMESTAMP_ERROR }).int(TIMESTAMP_ERROR).min(0, TIMESTAMP_ERROR)], {
    error: TIMESTAMP_ERROR,
  }),
}, { error: 'an update must be an object with facilityId, free and timestamp' });
export type OccupancyUpdate = z.infer<typeof OccupancyUpdateSchema>;

export type IngestResult = { ok: true; facilityId: string } | { ok: false; error: string };

/** Free spaces at a facility when the driver arrives. */
export type Availability =
  | {
      /** The operator's count, fresh enough to trust. */
      source: 'feed';
      estimated: false;
      free: number;
      total?: number;
      observedAt: Date;
    }
  | {
      /** Capacity times the typical share free at that hour (see OCCUPANCY_PROFILE). */
      source: 'profile';
      estimated: true;
      free: number;
      total: number;
      occupiedShare: number;
    }
  /** No fresh feed and no capacity to estimate from. */
  | { source: 'unknown' };

interface Reading {
  free: number;
  total: number | undefined;
  timestampMs: number;
}

/**
 * Typical share of spaces taken, by hour of day (0–23, local time), for
 * three kinds of facility on weekdays and weekends. An illustrative profile
 * with the shape reported for city centres (morning rise, midday peak,
 * evening fall; on-street spaces fullest and busiest into the night;
 * garages emptiest at night), not a measurement for any region: it is only
 * used where neither a fresh feed nor anything better is known, and results
 * built on it say "estimate". Values between hours are interpolated.
 */
export const OCCUPANCY_PROFILE = {
  garage: {
    weekday: [0.15, 0.12, 0.1, 0.1, 0.1, 0.12, 0.2, 0.35, 0.6, 0.78, 0.85, 0.88, 0.88, 0.86, 0.85, 0.82, 0.75, 0.65, 0.55, 0.5, 0.45, 0.35, 0.25, 0.18],
    weekend: [0.2, 0.15, 0.12, 0.1, 0.1, 0.1, 0.12, 0.15, 0.22, 0.35, 0.5, 0.62, 0.7, 0.72, 0.72, 0.7, 0.65, 0.6, 0.58, 0.55, 0.5, 0.42, 0.32, 0.25],
  },
  surface: {
    weekday: [0.2, 0.18, 0.15, 0.15, 0.15, 0.18, 0.25, 0.4, 0.55, 0.68, 0.74, 0.78, 0.8, 0.78, 0.75, 0.72, 0.7, 0.65, 0.58, 0.5, 0.42, 0.35, 0.28, 0.22],
    weekend: [0.2, 0.18, 0.15, 0.15, 0.15, 0.15, 0.18, 0.22, 0.3, 0.42, 0.55, 0.65, 0.7, 0.7, 0.68, 0.65, 0.6, 0.55, 0.5, 0.45, 0.38, 0.32, 0.26, 0.22],
  },
  street: {
    weekday: [0.7, 0.68, 0.66, 0.65, 0.65, 0.66, 0.7, 0.78, 0.85, 0.88, 0.9, 0.92, 0.92, 0.9, 0.9, 0.88, 0.87, 0.86, 0.85, 0.84, 0.82, 0.78, 0.75, 0.72],
    weekend: [0.72, 0.7, 0.68, 0.68, 0.68, 0.68, 0.7, 0.72, 0.76, 0.8, 0.84, 0.86, 0.88, 0.88, 0.87, 0.86, 0.85, 0.84, 0.84, 0.83, 0.82, 0.8, 0.77, 0.74],
  },
} as const satisfies Record<string, Record<'weekday' | 'weekend', readonly number[]>>;

function profileFor(kind: ParkingPlace['parking']): (typeof OCCUPANCY_PROFILE)[keyof typeof OCCUPANCY_PROFILE] {
  switch (kind) {
    case 'multi-storey':
    case 'underground':
    case 'rooftop':
      return OCCUPANCY_PROFILE.garage;
    case 'street_side':
      return OCCUPANCY_PROFILE.street;
    case 'surface':
    case 'other':
    case 'unknown':
      return OCCUPANCY_PROFILE.surface;
    default: {
      const never: never = kind;
      throw new Error(`unknown parking kind ${String(never)}`);
    }
  }
}

/** The profile's share of spaces taken at a facility of `kind` at `at`, in `timeZone`. */
export function typicalOccupancy(kind: ParkingPlace['parking'], at: Date, timeZone: string): number {
  const clock = wallClock(at, timeZone);
  const weekend = clock.weekday === 0 || clock.weekday === 6;
  const hours = profileFor(kind)[weekend ? 'weekend' : 'weekday'];
  const t = clock.minute / 60 + clock.second / 3600;
  // Past 23:00 the curve runs on towards the same day's midnight value, which is close to the next day's.
  const a = hours[clock.hour]!;
  const b = hours[(clock.hour + 1) % 24]!;
  return a + (b - a) * t;
}

/**
 * Free spaces per facility, from an operator feed where it is fresh and from
 * capacity and OCCUPANCY_PROFILE where not. Bad feed data is answered with
 * an error result naming what was wrong; it never throws.
 */
export class ParkingOccupancy {
  private readonly facilities = new Map<string, ParkingPlace>();
  private readonly readings = new Map<string, Reading>();
  private readonly prices = new Map<string, number>();
  private readonly timeZone: string;

  constructor(map: Pick<CabinMap, 'parking' | 'info'>) {
    checkTimeZone(map.info.timeZone);
    this.timeZone = map.info.timeZone;
    for (const place of map.parking) this.facilities.set(place.osmId, place);
  }

  /** Validates one feed update and keeps it, unless it is older than the reading held. */
  ingest(update: unknown, now: Date): IngestResult {
    const parsed = OccupancyUpdateSchema.safeParse(update);
    const id = typeof update === 'object' && update !== null && 'facilityId' in update && typeof update.facilityId === 'string' ? update.facilityId : undefined;
    const subject = id === undefined ? 'occupancy update' : `occupancy update for ${id}`;
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => {
        const path = issue.path.join('.');
        const message = issue.message.startsWith(path) || path === '' ? issue.message : `${path}: ${issue.message}`;
        const value = path === '' ? undefined : (update as Record<string, unknown>)[path];
        return value === undefined ? message : `${message} (got ${JSON.stringify(value)})`;
      });
      return { ok: false, error: `${subject}: ${problems.join('; ')}` };
    }
    const { facilityId, free, total, pricePerHour, timestamp } = parsed.data;
    if (!this.facilities.has(facilityId)) return { ok: false, error: `facility ${facilityId} is not on this map` };
    if (total !== undefined && free > total) {
      return { ok: false, error: `${subject}: free (${free}) is more than total (${total})` };
    }
    const timestampMs = typeof timestamp === 'number' ? timestamp : Date.parse(timestamp);
    const aheadMs = timestampMs - now.getTime();
    if (aheadMs > FUTURE_TOLERANCE_MS) {
      return {
        ok: false,
        error: `${subject}: timestamp ${new Date(timestampMs).toISOString()} is ${Math.round(aheadMs / 1000)} s in the future (at most ${FUTURE_TOLERANCE_MS / 1000} s allowed)`,
      };
    }
    const held = this.readings.get(facilityId);
    if (held && held.timestampMs > timestampMs) {
      return {
        ok: false,
        error: `${subject}: timestamp ${new Date(timestampMs).toISOString()} is older than the reading held (${new Date(held.timestampMs).toISOString()})`,
      };
    }
    this.readings.set(facilityId, { free, total, timestampMs });
    if (pricePerHour !== undefined) this.prices.set(facilityId, pricePerHour);
    return { ok: true, facilityId };
  }

  /** Ingests a batch; returns how many were kept and the error of each one that was not. */
  ingestAll(updates: readonly unknown[], now: Date): { accepted: number; errors: string[] } {
    let accepted = 0;
    const errors: string[] = [];
    for (const update of updates) {
      const result = this.ingest(update, now);
      if (result.ok) accepted++;
      else errors.push(result.error);
    }
    return { accepted, errors };
  }

  /** The latest price per hour the feed gave for a facility, in the region's currency. */
  feedPricePerHour(facilityId: string): number | undefined {
    return this.prices.get(facilityId);
  }

  /**
   * Free spaces at `arrival`: the feed's count when it is under FRESH_FOR_MS
   * old at `now`, else capacity (the map's, or the feed's last total) times
   * the typical free share at the arrival time, labelled estimated; unknown
   * without either.
   */
  availabilityAt(facilityId: string, arrival: Date, now: Date): Availability {
    const place = this.facilities.get(facilityId);
    if (!place) return { source: 'unknown' };
    const reading = this.readings.get(facilityId);
    if (reading && now.getTime() - reading.timestampMs < FRESH_FOR_MS) {
      const live: Availability = { source: 'feed', estimated: false, free: reading.free, observedAt: new Date(reading.timestampMs) };
      const total = reading.total ?? place.capacity;
      if (total !== undefined) live.total = total;
      return live;
    }
    const capacity = place.capacity ?? reading?.total;
    if (capacity === undefined) return { source: 'unknown' };
    const occupiedShare = typicalOccupancy(place.parking, arrival, this.timeZone);
    return { source: 'profile', estimated: true, free: Math.round(capacity * (1 - occupiedShare)), total: capacity, occupiedShare };
  }
}

/**
 * A made-up but deterministic operator feed for demos: one update per public
 * facility with a capacity (access public or untagged), following
 * OCCUPANCY_PROFILE plus a per-facility bias and two slow waves, so counts
 * change smoothly from minute to minute. The same map, time and seed give
 * the same updates. Prices are never simulated.
 */
export function simulateOccupancy(map: Pick<CabinMap, 'parking' | 'info'>, now: Date, seed: number): OccupancyUpdate[] {
  const updates: OccupancyUpdate[] = [];
  const minutes = now.getTime() / 60_000;
  for (const place of map.parking) {
    if (place.capacity === undefined || place.capacity === 0) continue;
    if (place.access !== 'public' && place.access !== 'unknown') continue;
    const h = hash32(`${seed}:${place.osmId}`);
    const bias = ((h & 0xff) / 255 - 0.5) * 0.16;
    const phase1 = (((h >>> 8) & 0xfff) / 4096) * 2 * Math.PI;
    const phase2 = (((h >>> 20) & 0xfff) / 4096) * 2 * Math.PI;
    const wave = 0.07 * Math.sin((2 * Math.PI * minutes) / 97 + phase1) + 0.04 * Math.sin((2 * Math.PI * minutes) / 23 + phase2);
    const share = Math.min(0.99, Math.max(0.02, typicalOccupancy(place.parking, now, map.info.timeZone) + bias + wave));
    updates.push({ facilityId: place.osmId, free: Math.round(place.capacity * (1 - share)), total: place.capacity, timestamp: now.getTime() });
  }
  return updates;
}

/** FNV-1a, 32 bits. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
