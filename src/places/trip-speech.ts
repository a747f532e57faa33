/**
 * What a driver hears about a trip, in English and Mandarin: clock times in
 * the map's time zone, durations, distances, names of stops.
 */

/** A short phrase in the two languages the cockpit speaks. */
export interface Spoken {
  en: string;
  zh: string;
}

/** What a stop is called, where the caller gave names. */
export interface Named {
  name?: string | undefined;
  nameZh?: string | undefined;
  nameEn?: string | undefined;
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** "12:41": the local 24-hour clock time of an epoch time in `timeZone`. */
export function clockTime(timeMs: number, timeZone: string): string {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clockFormats.set(timeZone, format);
  }
  return format.format(timeMs);
}

/** Local hours and minutes since midnight, as a fraction of hours (12.5 for 12:30). */
function localHours(timeMs: number, timeZone: string): number {
  const [hours, minutes] = clockTime(timeMs, timeZone).split(':').map(Number);
  return (hours ?? 0) + (minutes ?? 0) / 60;
}

/** "1 h 5 min" / "1小时5分钟"; at least a minute, as a driver would say it. */
export function spokenDuration(seconds: number): Spoken {
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return { en: `${minutes} min`, zh: `${minutes}分钟` };
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return {
    en: rest ? `${hours} h ${rest} min` : `${hours} h`,
    zh: rest ? `${hours}小时${rest}分钟` : `${hours}小时`,
  };
}

/** "850 m" / "4.2 km" / "42 km", and the same in Mandarin. */
export function spokenDistance(metres: number): Spoken {
  if (metres < 1000) {
    const m = Math.round(metres / 10) * 10;
    return { en: `${m} m`, zh: `${m}米` };
  }
  const km = metres < 10_000 ? (Math.round(metres / 100) / 10).toString() : Math.round(metres / 1000).toString();
  return { en: `${km} km`, zh: `${km}公里` };
}

/** The meal people eat at a local time: breakfast before 10:30, lunch 10:30–15:00, dinner 17:00–22:00, else just a meal. */
export function mealAt(timeMs: number, timeZone: string): Spoken {
  const hours = localHours(timeMs, timeZone);
  if (hours >= 5 && hours < 10.5) return { en: 'breakfast', zh: '早餐' };
  if (hours >= 10.5 && hours < 15) return { en: 'lunch', zh: '午餐' };
  if (hours >= 17 && hours < 22) return { en: 'dinner', zh: '晚餐' };
  return { en: 'a meal', zh: '用餐' };
}

/** A stop's name in each language: its own names, else the road it is on, else `fallback`. */
export function placeName(place: Named, roadName: string, fallback: Spoken): Spoken {
  const en = place.nameEn || place.name || roadName || fallback.en;
  const zh = place.nameZh || place.name || roadName || fallback.zh;
  return { en, zh };
}

/** "A, B and C" / "A、B和C". */
export function spokenList(names: readonly Spoken[]): Spoken {
  const join = (items: string[], comma: string, and: string): string =>
    items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(comma)}${and}${items[items.length - 1]}`;
  return {
    en: join(names.map((n) => n.en), ', ', ' and '),
    zh: join(names.map((n) => n.zh), '、', '和'),
  };
}
