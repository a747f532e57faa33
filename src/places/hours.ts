/**
 * Opening hours at a moment, in the region's time zone.
 *
 * The `opening_hours` library reads a Date through its local-time getters
 * (`getHours()`, `getDay()`), i.e. in the time zone of the process. To ask it
 * about a region elsewhere, an instant is turned into a "wall-clock Date":
 * a Date whose local fields equal the region's wall clock at that instant
 * (computed with Intl.DateTimeFormat). What the library answers (the next
 * change) is a wall-clock Date too and is converted back to an instant.
 * Wall-clock times the process's own zone skips (its DST gap) shift by an
 * hour; regions and processes that share no DST rules never meet this.
 */
import OpeningHours from 'opening_hours';

/** A region's wall clock at an instant. `weekday` is 0 = Sunday … 6 = Saturday. */
export interface WallClock {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

/** OSM's two-letter weekday names, Sunday first as `Date.getDay()` counts. */
export const WEEKDAYS = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** The day a time falls on, when it is not the day of the moment asked about. */
export interface DayRef {
  weekday: Weekday;
  /** 1 = tomorrow. */
  daysAhead: number;
}

/** Whether a place is open at a moment, and when that changes. */
export interface HoursAt {
  /** 'unknown' when the place has no hours, they cannot be read, or they say "unknown" then. Never guessed open. */
  state: 'open' | 'closed' | 'unknown';
  /** Local 'HH:MM' when an open place closes (within the next 8 days); '24:00' for the coming midnight. */
  closesAt?: string;
  closesDay?: DayRef;
  /** Local 'HH:MM' when a closed place opens next (within the next 8 days). */
  opensAt?: string;
  opensDay?: DayRef;
  /** The instant of `closesAt`/`opensAt`. */
  changesAt?: Date;
  /** The rule's comment (`Mo-Fr 10:00-14:00 "lunch only"`). */
  comment?: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAY_INDEX: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a RangeError naming the zone when `timeZone` is not an IANA zone this runtime knows. */
export function checkTimeZone(timeZone: string): void {
  try {
    formatterFor(timeZone);
  } catch {
    throw new RangeError(`time zone '${timeZone}' is not an IANA time zone this runtime knows (e.g. 'Asia/Shanghai')`);
  }
}

/** The wall clock of `timeZone` at an instant. */
export function wallClock(instant: Date | number, timeZone: string): WallClock {
  const clock: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 };
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    switch (part.type) {
      case 'year':
        clock.year = Number(part.value);
        break;
      case 'month':
        clock.month = Number(part.value);
        break;
      case 'day':
        clock.day = Number(part.value);
        break;
      case 'hour':
        clock.hour = Number(part.value);
        break;
      case 'minute':
        clock.minute = Number(part.value);
        break;
      case 'second':
        clock.second = Number(part.value);
        break;
      case 'weekday':
        clock.weekday = WEEKDAY_INDEX[part.value] ?? 0;
        break;
      default:
        break;
    }
  }
  return clock;
}

/** Milliseconds `timeZone` is ahead of UTC at an instant. */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const c = wallClock(instantMs, timeZone);
  const wholeSeconds = instantMs - (((instantMs % 1000) + 1000) % 1000);
  return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second) - wholeSeconds;
}

/** A Date whose process-local fields are the wall clock of `timeZone` at `instant`. */
export function toWallClockDate(instant: Date, timeZone: string): Date {
  const c = wallClock(instant, timeZone);
  return new Date(c.year, c.month - 1, c.day, c.hour, c.minute, c.second, instant.getMilliseconds());
}

/** The instant at which `timeZone`'s wall clock reads the process-local fields of `local` (inverse of toWallClockDate). */
export function fromWallClockDate(local: Date, timeZone: string): Date {
  const asUtc = Date.UTC(
    local.getFullYear(),
    local.getMonth(),
    local.getDate(),
    local.getHours(),
    local.getMinutes(),
    local.getSeconds(),
    local.getMilliseconds(),
  );
  // Two rounds settle the offset except inside a DST change, where the earlier reading wins.
  const first = asUtc - zoneOffsetMs(asUtc, timeZone);
  const second = asUtc - zoneOffsetMs(first, timeZone);
  return new Date(second);
}

/** Parsed values; null for a value the library rejects. Bounded so a stream of odd strings cannot grow it forever. */
const parsed = new Map<string, OpeningHours | null>();
const PARSED_CACHE_LIMIT = 20_000;

/** Days ahead the next change is looked for: a week and a day covers any weekly schedule. */
const LOOKAHEAD_MS = 8 * 86_400_000;

/**
 * Sunrise/sunset times need the place's position and are computed by the
 * library as instants, which a wall-clock Date of another zone would shift;
 * such values are reported as unknown rather than guessed.
 */
const VARIABLE_TIMES = /\b(sunrise|sunset|dawn|dusk)\b/i;

function parse(value: string): OpeningHours | null {
  let hours = parsed.get(value);
  if (hours !== undefined) return hours;
  if (VARIABLE_TIMES.test(value)) hours = null;
  else {
    try {
      // No nominatim object: the country is unknown, so public and school holidays never match.
      hours = new OpeningHours(value, null, { mode: 0, tag_key: 'opening_hours', map_value: false, warnings_severity: 4, locale: 'en' });
    } catch {
      hours = null;
    }
  }
  if (parsed.size >= PARSED_CACHE_LIMIT) parsed.clear();
  parsed.set(value, hours);
  return hours;
}

/** Whether `value` is an `opening_hours` value this module can evaluate. */
export function isReadableHours(value: string): boolean {
  return parse(value) !== null;
}

/**
 * The state of `opening_hours` value `value` at instant `at` in `timeZone`.
 * Missing or unreadable hours are `unknown`, never open.
 */
export function hoursAt(value: string | undefined, at: Date, timeZone: string): HoursAt {
  if (value === undefined) return { state: 'unknown' };
  const hours = parse(value.trim());
  if (!hours) return { state: 'unknown' };
  const local = toWallClockDate(at, timeZone);
  let state: 'open' | 'unknown' | 'closed';
  let comment: string | undefined;
  let next: Date | undefined;
  let nextState: 'open' | 'unknown' | 'closed' | undefined;
  try {
    state = hours.getStateString(local, true);
    comment = hours.getComment(local);
    if (state !== 'unknown') {
      next = hours.getNextChange(local, new Date(local.getTime() + LOOKAHEAD_MS));
      if (next) nextState = hours.getStateString(next, true);
    }
  } catch {
    // The library throws on some values it parsed (e.g. holidays it has no data for): unknown.
    return { state: 'unknown' };
  }
  const result: HoursAt = { state };
  if (next && nextState !== 'unknown' && nextState !== state) {
    let time = `${pad2(next.getHours())}:${pad2(next.getMinutes())}`;
    let daysAhead = Math.round(
      (Date.UTC(next.getFullYear(), next.getMonth(), next.getDate()) - Date.UTC(local.getFullYear(), local.getMonth(), local.getDate())) /
        86_400_000,
    );
    // Closing at the next midnight is "until 24:00" today, as OSM and shop doors write it.
    if (state === 'open' && time === '00:00' && daysAhead === 1) {
      time = '24:00';
      daysAhead = 0;
    }
    const day: DayRef | undefined = daysAhead > 0 ? { weekday: WEEKDAYS[next.getDay()]!, daysAhead } : undefined;
    if (state === 'open') {
      result.closesAt = time;
      if (day) result.closesDay = day;
    } else {
      result.opensAt = time;
      if (day) result.opensDay = day;
    }
    result.changesAt = fromWallClockDate(next, timeZone);
  }
  if (comment !== undefined && comment !== '') result.comment = comment;
  return result;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
