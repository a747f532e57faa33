/**
 * Facts about a parking facility as a driver weighs them: what kind it is,
 * who may use it, what it costs. Only what the map or the operator's feed
 * says; nothing here fills a gap with a guess.
 */
import type { ParkingPlace } from '../map/index.ts';

/** A label in the two languages the cockpit speaks. */
export interface Bilingual {
  en: string;
  zh: string;
}

/** What an hour costs at a facility, and who said so. */
export type ParkingPrice =
  | { free: true }
  | {
      free: false;
      pricePerHour: number;
      /** ISO 4217. */
      currency: string;
      source: 'map' | 'feed';
    };

const KIND_LABELS: Readonly<Record<ParkingPlace['parking'], Bilingual>> = {
  surface: { en: 'surface car park', zh: '地面停车场' },
  'multi-storey': { en: 'multi-storey car park', zh: '立体停车楼' },
  underground: { en: 'underground car park', zh: '地下停车场' },
  street_side: { en: 'street parking', zh: '路边停车' },
  rooftop: { en: 'rooftop car park', zh: '屋顶停车场' },
  other: { en: 'car park', zh: '停车场' },
  unknown: { en: 'car park', zh: '停车场' },
};

/** "multi-storey car park" / "立体停车楼". */
export function parkingKindLabel(kind: ParkingPlace['parking']): Bilingual {
  return KIND_LABELS[kind];
}

/** Whether the car stands under a roof: multi-storey and underground facilities, or `covered=yes`. */
export function isCovered(place: ParkingPlace): boolean {
  return place.parking === 'multi-storey' || place.parking === 'underground' || place.covered === true;
}

/**
 * Whether anyone may park there. Private facilities never are; `customers`
 * ones only when asked for. An untagged `access` counts as public, as
 * `amenity=parking` implies by OSM convention (Tag:amenity=parking).
 */
export function isOpenToPublic(place: ParkingPlace, includeCustomersOnly = false): boolean {
  switch (place.access) {
    case 'public':
    case 'unknown':
      return true;
    case 'customers':
      return includeCustomersOnly;
    case 'private':
      return false;
    default: {
      const never: never = place.access;
      throw new Error(`unknown parking access ${String(never)}`);
    }
  }
}

/**
 * The hourly price of a facility: the operator feed's where it gave one, else
 * the map's `charge`, free where `fee=no`; undefined when nothing says.
 * `regionCurrency` stands in where a price came without one (the feed's).
 */
export function parkingPrice(place: ParkingPlace, feedPricePerHour: number | undefined, regionCurrency: string): ParkingPrice | undefined {
  if (feedPricePerHour !== undefined) {
    return feedPricePerHour === 0
      ? { free: true }
      : { free: false, pricePerHour: feedPricePerHour, currency: regionCurrency, source: 'feed' };
  }
  if (place.pricePerHour !== undefined) {
    return place.pricePerHour === 0
      ? { free: true }
      : { free: false, pricePerHour: place.pricePerHour, currency: place.currency ?? regionCurrency, source: 'map' };
  }
  if (place.fee === 'no') return { free: true };
  return undefined;
}

/** What a stay of `stayMinutes` costs at that price, pro rata (operators that bill per started hour charge a little more). */
export function stayCost(price: ParkingPrice, stayMinutes: number): number {
  return price.free ? 0 : (price.pricePerHour * stayMinutes) / 60;
}

const MONEY: Readonly<Record<string, (amount: string) => Bilingual>> = {
  CNY: (a) => ({ en: `${a} yuan`, zh: `${a}元` }),
  EUR: (a) => ({ en: `€${a}`, zh: `${a}欧元` }),
  USD: (a) => ({ en: `$${a}`, zh: `${a}美元` }),
  GBP: (a) => ({ en: `£${a}`, zh: `${a}英镑` }),
  CHF: (a) => ({ en: `CHF ${a}`, zh: `${a}瑞士法郎` }),
  JPY: (a) => ({ en: `¥${a}`, zh: `${a}日元` }),
  HKD: (a) => ({ en: `HK$${a}`, zh: `${a}港元` }),
};

/** "12 yuan" / "12元", "€2.50" / "2.5欧元": at most two decimals, none when whole. */
export function formatMoney(amount: number, currency: string): Bilingual {
  const rounded = Math.round(amount * 100) / 100;
  const text = Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(2);
  const format = MONEY[currency];
  if (format) {
    const label = format(text);
    return { en: label.en, zh: label.zh.replace(/\.(\d)0(?=\D)/, '.$1') };
  }
  return { en: `${text} ${currency}`, zh: `${text} ${currency}` };
}
