/**
 * NMEA 0183 position sentences, as GNSS receivers and phone apps send them:
 * RMC (position, speed over ground, course, date and time) and GGA (position
 * and fix quality). Any talker (`GP`, `GN`, `GL`, `GA`, `BD`…). Pure.
 *
 * Format: NMEA 0183 v4.11; `$` + fields separated by `,` + `*` + checksum,
 * the XOR of every character between `$` and `*`, as two hex digits.
 */

/** What one sentence says about the vehicle. */
export interface NmeaFix {
  sentence: 'RMC' | 'GGA';
  lat: number;
  lon: number;
  /** RMC only: course over ground, degrees true. */
  headingDeg?: number;
  /** RMC only: speed over ground. */
  speedKmh?: number;
  /** RMC only (GGA has no date): ISO time of the fix. */
  at?: string;
}

export type NmeaResult = { ok: true; fix: NmeaFix } | { ok: false; error: string };

const KNOTS_KMH = 1.852;

/** Parses one sentence; the error names what was wrong. */
export function parseNmeaSentence(line: string): NmeaResult {
  const text = line.trim();
  const fail = (why: string): NmeaResult => ({ ok: false, error: `${text.slice(0, 20)}${text.length > 20 ? '…' : ''}: ${why}` });
  if (!text.startsWith('$')) return fail('expected a sentence starting with $');
  const star = text.lastIndexOf('*');
  if (star < 0 || !/^[0-9A-Fa-f]{2}$/.test(text.slice(star + 1))) return fail('expected a checksum *HH at the end');
  const body = text.slice(1, star);
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
  const given = Number.parseInt(text.slice(star + 1), 16);
  if (sum !== given) return fail(`bad checksum: *${hex(given)} given, *${hex(sum)} computed`);
  const fields = body.split(',');
  const address = fields[0] ?? '';
  if (!/^[A-Z]{5}$/.test(address)) return fail(`expected an address like GPRMC, got ${address}`);
  const type = address.slice(2);
  if (type === 'RMC') {
    // RMC: time, status, lat, N/S, lon, E/W, speed (knots), course, date, ...
    if (fields[2] !== 'A') return fail('no fix (status V)');
    const lat = coordinate(fields[3], fields[4], 'NS', 2);
    const lon = coordinate(fields[5], fields[6], 'EW', 3);
    if (lat === undefined || lon === undefined) return fail('bad latitude or longitude');
    const fix: NmeaFix = { sentence: 'RMC', lat, lon };
    const knots = Number.parseFloat(fields[7] ?? '');
    if (Number.isFinite(knots) && knots >= 0) fix.speedKmh = Math.round(knots * KNOTS_KMH * 100) / 100;
    const course = Number.parseFloat(fields[8] ?? '');
    if (Number.isFinite(course) && course >= 0 && course < 360) fix.headingDeg = course;
    const at = timestamp(fields[1], fields[9]);
    if (at) fix.at = at;
    return { ok: true, fix };
  }
  if (type === 'GGA') {
    // GGA: time, lat, N/S, lon, E/W, quality (0 = no fix), satellites, HDOP, altitude, ...
    if ((fields[6] ?? '0') === '0' || fields[6] === '') return fail('no fix (quality 0)');
    const lat = coordinate(fields[2], fields[3], 'NS', 2);
    const lon = coordinate(fields[4], fields[5], 'EW', 3);
    if (lat === undefined || lon === undefined) return fail('bad latitude or longitude');
    return { ok: true, fix: { sentence: 'GGA', lat, lon } };
  }
  return fail(`${address} is not a position sentence (expected RMC or GGA)`);
}

/** Builds a sentence with its checksum from `body` (the text between `$` and `*`): for tests and replays. */
export function nmeaSentence(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
  return `$${body}*${hex(sum)}`;
}

function hex(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

/** ddmm.mmmm / dddmm.mmmm with its hemisphere to signed degrees. */
function coordinate(value: string | undefined, hemisphere: string | undefined, allowed: string, degreeDigits: number): number | undefined {
  if (!value || !hemisphere || !allowed.includes(hemisphere)) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value) || value.indexOf('.') !== (value.includes('.') ? degreeDigits + 2 : -1)) {
    if (!/^\d+$/.test(value) || value.length !== degreeDigits + 2) return undefined;
  }
  const degrees = Number(value.slice(0, degreeDigits));
  const minutes = Number(value.slice(degreeDigits));
  if (minutes >= 60) return undefined;
  const signed = (degrees + minutes / 60) * (hemisphere === 'S' || hemisphere === 'W' ? -1 : 1);
  return Math.abs(signed) <= (degreeDigits === 2 ? 90 : 180) ? signed : undefined;
}

/** hhmmss(.ss) and ddmmyy to ISO (two-digit years: 80–99 are 19yy, the rest 20yy, the usual GNSS pivot). */
function timestamp(time: string | undefined, date: string | undefined): string | undefined {
  const t = /^(\d{2})(\d{2})(\d{2})(\.\d+)?$/.exec(time ?? '');
  const d = /^(\d{2})(\d{2})(\d{2})$/.exec(date ?? '');
  if (!t || !d) return undefined;
  const yy = Number(d[3]);
  const ms = Date.UTC(yy >= 80 ? 1900 + yy : 2000 + yy, Number(d[2]) - 1, Number(d[1]), Number(t[1]), Number(t[2]), Number(t[3])) + Math.round(Number(t[4] ?? 0) * 1000);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
