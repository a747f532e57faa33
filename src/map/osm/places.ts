/**
 * Parking and places to eat from OSM tags. Pure: the caller says where the
 * element is (a node's position, or the centroid of an area). Only what the
 * tags say is kept; a value that is missing or unclear stays unset.
 */
import type { FoodPlace, ParkingPlace, Place, Tags } from '../types.ts';

const FOOD_AMENITIES = new Set<string>(['restaurant', 'fast_food', 'cafe', 'food_court']);

/** Whether an element with these tags becomes a ParkingPlace or FoodPlace. */
export function isPlaceTags(tags: Tags): boolean {
  const amenity = tags.amenity;
  return amenity === 'parking' || (amenity !== undefined && FOOD_AMENITIES.has(amenity));
}

/**
 * The place an element with these tags stands for, or undefined when it is
 * neither parking nor food. `osmId` is "n123", "w456" or "r789".
 */
export function placeFromTags(osmId: string, lat: number, lon: number, tags: Tags): Place | undefined {
  return parkingFromTags(osmId, lat, lon, tags) ?? foodFromTags(osmId, lat, lon, tags);
}

/**
 * A parking facility from `amenity=parking` (Tag:amenity=parking). Single
 * spaces (`amenity=parking_space`) and entrances are parts of a facility, not
 * facilities, and give undefined.
 */
export function parkingFromTags(osmId: string, lat: number, lon: number, tags: Tags): ParkingPlace | undefined {
  if (tags.amenity !== 'parking') return undefined;
  const place: ParkingPlace = {
    kind: 'parking',
    osmId,
    lat,
    lon,
    parking: parkingType(tags.parking),
    fee: tags.fee === 'yes' || tags.fee === 'no' ? tags.fee : 'unknown',
    access: parkingAccess(tags.access),
  };
  setNames(place, tags);
  const capacity = parseCount(tags.capacity);
  if (capacity !== undefined) place.capacity = capacity;
  const charge = tags.charge === undefined ? undefined : parseHourlyCharge(tags.charge);
  if (charge) {
    place.pricePerHour = charge.pricePerHour;
    place.currency = charge.currency;
  }
  if (tags.opening_hours !== undefined) place.openingHours = tags.opening_hours;
  const evCharging = parseEvCharging(tags);
  if (evCharging !== undefined) place.evCharging = evCharging;
  if (tags.covered === 'yes') place.covered = true;
  else if (tags.covered === 'no') place.covered = false;
  if (tags.operator !== undefined) place.operator = tags.operator;
  return place;
}

/** A place to eat from `amenity=restaurant|fast_food|cafe|food_court`. */
export function foodFromTags(osmId: string, lat: number, lon: number, tags: Tags): FoodPlace | undefined {
  const amenity = tags.amenity;
  if (amenity !== 'restaurant' && amenity !== 'fast_food' && amenity !== 'cafe' && amenity !== 'food_court') {
    return undefined;
  }
  const place: FoodPlace = { kind: 'food', osmId, lat, lon, amenity, cuisine: splitCuisine(tags.cuisine) };
  setNames(place, tags);
  if (tags.opening_hours !== undefined) place.openingHours = tags.opening_hours;
  const priceLevel = tags.price_level ?? tags.price_range;
  if (priceLevel !== undefined) place.priceLevel = priceLevel;
  const phone = tags.phone ?? tags['contact:phone'];
  if (phone !== undefined) place.phone = phone;
  const website = tags.website ?? tags['contact:website'];
  if (website !== undefined) place.website = website;
  return place;
}

function setNames(place: { name?: string; nameZh?: string; nameEn?: string }, tags: Tags): void {
  if (tags.name !== undefined) place.name = tags.name;
  const nameZh = tags['name:zh'] ?? tags['name:zh-Hans'];
  if (nameZh !== undefined) place.nameZh = nameZh;
  if (tags['name:en'] !== undefined) place.nameEn = tags['name:en'];
}

/** `cuisine=chinese; Noodle` → ['chinese', 'noodle']. */
function splitCuisine(value: string | undefined): string[] {
  if (value === undefined) return [];
  const cuisine: string[] = [];
  for (const part of value.split(';')) {
    const item = part.trim().toLowerCase();
    if (item !== '') cuisine.push(item);
  }
  return cuisine;
}

function parkingType(value: string | undefined): ParkingPlace['parking'] {
  switch (value) {
    case undefined:
      return 'unknown';
    case 'surface':
    case 'multi-storey':
    case 'underground':
    case 'rooftop':
    case 'street_side':
      return value;
    // Key:parking: `lane` and `layby` are on-street parking as well.
    case 'lane':
    case 'layby':
      return 'street_side';
    default:
      return 'other';
  }
}

function parkingAccess(value: string | undefined): ParkingPlace['access'] {
  switch (value) {
    case undefined:
      return 'unknown';
    case 'yes':
    case 'public':
    case 'permissive':
    case 'designated':
      return 'public';
    // `destination`: only for those visiting the place it serves.
    case 'customers':
    case 'destination':
      return 'customers';
    case 'private':
    case 'no':
    case 'permit':
    case 'residents':
    case 'employees':
    case 'delivery':
    case 'military':
      return 'private';
    default:
      return 'unknown';
  }
}

function parseCount(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** `capacity:charging` is the documented key; the others are seen in the wild. */
const EV_KEYS = ['capacity:charging', 'motorcar:charging', 'charging'] as const;

function parseEvCharging(tags: Tags): boolean | undefined {
  for (const key of EV_KEYS) {
    const value = tags[key]?.trim();
    if (value === undefined) continue;
    if (value === 'yes') return true;
    if (value === 'no') return false;
    const count = parseCount(value);
    if (count !== undefined) return count > 0;
  }
  return undefined;
}

const CURRENCY_SYMBOLS: Readonly<Record<string, string>> = { '€': 'EUR', '£': 'GBP' };

/**
 * An hourly price from a `charge` value (Key:charge: "<amount> <currency>/<period>"):
 * "2 EUR/hour", "2 EUR/1 h", "0.50 EUR/30 min", "1.50 USD/hour", "5 CNY/h".
 * Undefined for daily or per-visit charges, several different rates, or no
 * currency, since any hourly figure would then be a guess.
 */
export function parseHourlyCharge(charge: string): { pricePerHour: number; currency: string } | undefined {
  const values = charge.split(';').map((part) => part.trim()).filter((part) => part !== '');
  if (values.length !== 1) return undefined;
  // A condition ("@ (Mo-Fr 08:00-18:00)") limits when the rate applies, not what it is.
  const text = values[0]!.replace(/\s*@.*$/, '');
  const match =
    /^(?:(\d+(?:[.,]\d+)?)\s*([A-Z]{3}|€|£)|([A-Z]{3}|€|£)\s*(\d+(?:[.,]\d+)?))\s*(?:\/|per\s)\s*(\d+(?:[.,]\d+)?)?\s*(h|hr|hrs|hour|hours|min|mins|minute|minutes)$/i.exec(
      text,
    );
  if (!match) return undefined;
  const amount = parseDecimal(match[1] ?? match[4]!);
  const symbol = (match[2] ?? match[3]!).toUpperCase();
  const period = match[5] === undefined ? 1 : parseDecimal(match[5]);
  if (!(period > 0)) return undefined;
  const minutes = match[6]!.toLowerCase().startsWith('m');
  const hours = minutes ? period / 60 : period;
  const pricePerHour = Math.round((amount / hours) * 100) / 100;
  return { pricePerHour, currency: CURRENCY_SYMBOLS[symbol] ?? symbol };
}

function parseDecimal(text: string): number {
  return Number(text.replace(',', '.'));
}
