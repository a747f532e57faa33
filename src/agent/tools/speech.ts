/**
 * Short phrases a driver hears, in English and Mandarin: durations,
 * distances, clock times, lists, and sentences built from them.
 */
import type { Spoken } from '../../places/index.ts';

/** Both languages at once. */
export function say(en: string, zh: string): Spoken {
  return { en, zh };
}

/** Sentences one after another: spaces between English ones, none between Chinese ones. */
export function sentences(...parts: readonly (Spoken | undefined)[]): Spoken {
  const kept = parts.filter((p): p is Spoken => p !== undefined && (p.en !== '' || p.zh !== ''));
  return { en: kept.map((p) => p.en).filter(Boolean).join(' '), zh: kept.map((p) => p.zh).filter(Boolean).join('') };
}

/** "12 min" / "12分钟", "1 h 5 min" / "1小时5分钟"; at least a minute. */
export function duration(seconds: number): Spoken {
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 60) return say(`${minutes} min`, `${minutes}分钟`);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? say(`${hours} h ${rest} min`, `${hours}小时${rest}分钟`) : say(`${hours} h`, `${hours}小时`);
}

/** "850 m" / "850米", "4.2 km" / "4.2公里", "42 km". */
export function distance(metres: number): Spoken {
  if (metres < 995) {
    const m = Math.max(10, Math.round(metres / 10) * 10);
    return say(`${m} m`, `${m}米`);
  }
  const km = metres < 9950 ? (Math.round(metres / 100) / 10).toString() : Math.round(metres / 1000).toString();
  return say(`${km} km`, `${km}公里`);
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** "12:41": the 24-hour local time of an instant in `timeZone`. */
export function clock(timeMs: number, timeZone: string): string {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clockFormats.set(timeZone, format);
  }
  return format.format(timeMs);
}

/** "A or B", "A, B or C" / "A还是B", "A、B还是C". */
export function orList(names: readonly Spoken[]): Spoken {
  return joinList(names, ' or ', '还是');
}

/** "A and B", "A, B and C" / "A和B", "A、B和C". */
export function andList(names: readonly Spoken[]): Spoken {
  return joinList(names, ' and ', '和');
}

function joinList(names: readonly Spoken[], enLast: string, zhLast: string): Spoken {
  const join = (items: string[], comma: string, last: string): string =>
    items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(comma)}${last}${items[items.length - 1]}`;
  return { en: join(names.map((n) => n.en), ', ', enLast), zh: join(names.map((n) => n.zh), '、', zhLast) };
}

/** A money amount as spoken: "12 yuan" / "12元". */
export function perHour(money: Spoken): Spoken {
  return say(`${money.en} an hour`, `每小时${money.zh}`);
}

/** A sentence starts with a capital, even when a name ("car park") does not. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
