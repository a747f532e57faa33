/**
 * Maps the places tests run on: the built-in default region, and a small
 * handmade town where every place is placed and tagged for a case that must
 * be exact.
 */
import { DEFAULT_REGION, buildMap, generateRegion, type CabinMap, type OsmSink, type Tags } from '../../src/map/index.ts';
import { Router, prepareRouting, type LatLon, type PreparedRouting } from '../../src/routing/index.ts';

let defaultRegion: { map: CabinMap; prepared: PreparedRouting } | undefined;

/** The default map and its routing data, built once per process. */
export function defaultMap(): { map: CabinMap; prepared: PreparedRouting } {
  if (!defaultRegion) {
    const map = buildMap(DEFAULT_REGION, (sink) => generateRegion(sink));
    defaultRegion = { map, prepared: prepareRouting(map) };
  }
  return defaultRegion;
}

/** The same map read on another clock. */
export function withTimeZone(map: CabinMap, timeZone: string): CabinMap {
  return { ...map, info: { ...map.info, timeZone } };
}

/** Centre of the handmade town, in Shanghai. */
export const TOWN_CENTRE: LatLon = { lat: 31.2, lon: 121.45 };
const METRES_PER_DEGREE_LAT = 111_195;
const METRES_PER_DEGREE_LON = METRES_PER_DEGREE_LAT * Math.cos((TOWN_CENTRE.lat * Math.PI) / 180);

/** The point `east` and `north` metres from the town centre. */
export function townPoint(east: number, north: number): LatLon {
  return { lat: TOWN_CENTRE.lat + north / METRES_PER_DEGREE_LAT, lon: TOWN_CENTRE.lon + east / METRES_PER_DEGREE_LON };
}

/** Places of the town: OSM node id, position in metres from the centre, tags. */
export const TOWN_PLACES: readonly { id: number; east: number; north: number; tags: Tags }[] = [
  // Parking around the centre, the destination of the parking tests.
  {
    id: 1001,
    east: 100,
    north: 0,
    tags: { amenity: 'parking', name: 'Garage A', parking: 'underground', access: 'yes', fee: 'yes', capacity: '200', charge: '10 CNY/hour', 'capacity:charging': '4', opening_hours: '24/7' },
  },
  { id: 1002, east: -150, north: 50, tags: { amenity: 'parking', name: 'Free Lot', parking: 'surface', fee: 'no', capacity: '40' } },
  { id: 1003, east: 0, north: -200, tags: { amenity: 'parking', parking: 'street_side', fee: 'yes' } },
  { id: 1004, east: 20, north: 20, tags: { amenity: 'parking', name: 'Staff Garage', parking: 'multi-storey', access: 'private', capacity: '100' } },
  { id: 1005, east: 50, north: -40, tags: { amenity: 'parking', name: 'Mall Customers', parking: 'surface', access: 'customers', capacity: '60' } },
  {
    id: 1006,
    east: 300,
    north: 200,
    tags: { amenity: 'parking', name: 'Tower Garage', parking: 'multi-storey', fee: 'yes', capacity: '300', charge: '20 CNY/hour', opening_hours: 'Mo-Su 07:00-22:00' },
  },
  { id: 1007, east: 2000, north: 0, tags: { amenity: 'parking', name: 'Far Lot', parking: 'surface' } },
  // Places to eat along the east–west street through the centre (north = 0).
  {
    id: 1101,
    east: -500,
    north: 30,
    tags: { amenity: 'restaurant', name: '川味馆', 'name:zh': '川味馆', 'name:en': 'Sichuan House', cuisine: 'sichuan', opening_hours: 'Mo-Su 11:00-14:00,17:00-21:00' },
  },
  { id: 1102, east: 250, north: 40, tags: { amenity: 'restaurant', name: 'Hot Pot King', cuisine: 'Hot Pot', opening_hours: 'Mo-Su 11:00-23:00', price_level: '$$' } },
  { id: 1103, east: 0, north: 300, tags: { amenity: 'fast_food', name: 'Noodle Bar', cuisine: 'noodle' } },
  { id: 1104, east: 600, north: -30, tags: { amenity: 'restaurant', name: 'Trattoria', cuisine: 'italian', opening_hours: 'whenever we feel like it' } },
  { id: 1105, east: -250, north: -20, tags: { amenity: 'fast_food', cuisine: 'burger' } },
  { id: 1106, east: 750, north: 20, tags: { amenity: 'restaurant', name: 'Morning Dumplings', cuisine: 'dumpling', opening_hours: 'Mo-Su 07:00-12:00' } },
  { id: 1107, east: 0, north: 800, tags: { amenity: 'restaurant', name: 'Far Canton', cuisine: 'cantonese' } },
  { id: 1108, east: -700, north: 10, tags: { amenity: 'restaurant', name: 'Pricey', cuisine: 'italian', price_level: '4' } },
];

/** The town's west and east ends on the street through the centre. */
export const TOWN_WEST: LatLon = townPoint(-1000, 0);
export const TOWN_EAST: LatLon = townPoint(1000, 0);

/**
 * A 2 × 2 km grid of residential streets every 250 m (9 × 9 intersections)
 * centred on TOWN_CENTRE, with the places of TOWN_PLACES. Asia/Shanghai, CNY.
 */
export function town(): { map: CabinMap; prepared: PreparedRouting; router: Router } {
  const feed = (sink: OsmSink): void => {
    const id = (col: number, row: number): number => 1 + row * 9 + col;
    for (let row = 0; row < 9; row++) {
      for (let col = 0; col < 9; col++) {
        const p = townPoint(-1000 + 250 * col, -1000 + 250 * row);
        sink.node({ id: id(col, row), lat: p.lat, lon: p.lon, tags: undefined });
      }
    }
    for (const place of TOWN_PLACES) {
      const p = townPoint(place.east, place.north);
      sink.node({ id: place.id, lat: p.lat, lon: p.lon, tags: place.tags });
    }
    for (let i = 0; i < 9; i++) {
      const across = Array.from({ length: 9 }, (_, k) => id(k, i));
      const up = Array.from({ length: 9 }, (_, k) => id(i, k));
      sink.way({ id: 1 + i, refs: across, tags: { highway: 'residential', name: `Row ${i}` } });
      sink.way({ id: 101 + i, refs: up, tags: { highway: 'residential', name: `Column ${i}` } });
    }
  };
  const map = buildMap(
    { name: 'Test town', source: 'handmade test fixture', timeZone: 'Asia/Shanghai', currency: 'CNY', synthetic: true },
    feed,
  );
  const prepared = prepareRouting(map);
  return { map, prepared, router: new Router(map, prepared) };
}

/** The instant at which the wall clock of `timeZone` reads `local` ('2025-06-10T11:30'); independent of the code under test. */
export function localTime(local: string, timeZone: string): Date {
  const wanted = Date.parse(`${local}Z`);
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const wallAsUtc = (t: number): number => {
    const parts = format.formatToParts(t);
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  };
  let t = wanted;
  for (let i = 0; i < 3; i++) t = wanted - (wallAsUtc(t) - t);
  return new Date(t);
}
