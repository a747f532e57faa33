/**
 * Parking and food places of a map in two static k-d trees (kdbush) over
 * longitude/latitude. A query takes the degree box that surely holds the
 * circle (or corridor) asked for, then keeps what a true distance check
 * admits: great-circle distance for circles, a local projection around each
 * candidate for distances to a polyline.
 */
import KDBush from 'kdbush';
import { EARTH_RADIUS_M, haversineM, type CabinMap, type FoodPlace, type ParkingPlace } from '../map/index.ts';

const RADIANS = Math.PI / 180;
const METRES_PER_DEGREE = EARTH_RADIUS_M * RADIANS;

/** A place found near a point, with its straight-line distance. */
export interface NearbyPlace<P> {
  place: P;
  /** Position of the place in `PlacesIndex.parking` or `PlacesIndex.food`. */
  index: number;
  distanceM: number;
}

/** A place found near a polyline. */
export interface CorridorPlace<P> extends NearbyPlace<P> {
  /** Distance along the polyline, from its start, to the point nearest the place. */
  alongM: number;
}


/** Degrees of longitude that span at least `metres` anywhere between latitudes lat ± dLat. */
function lonPadding(lat: number, dLat: number, metres: number): number {
  const poleward = Math.min(89.9, Math.abs(lat) + dLat);
  return metres / (METRES_PER_DEGREE * Math.cos(poleward * RADIANS));
}

/** Parking and food places of one map, indexed once for distance queries. */
export class PlacesIndex {
  private readonly parkingTree: KDBush;
  private readonly foodTree: KDBush;
  // Per food place scratch for polyline queries: a place is seen in the current query when its mark equals `epoch`.
  private readonly foodMark: Uint32Array;
  private readonly foodBestM: Float64Array;
  private readonly foodAlongM: Float64Array;
  private epoch = 0;

  private constructor(
    readonly parking: readonly ParkingPlace[],
    readonly food: readonly FoodPlace[],
  ) {
    this.parkingTree = tree(parking);
    this.foodTree = tree(food);
    this.foodMark = new Uint32Array(food.length);
    this.foodBestM = new Float64Array(food.length);
    this.foodAlongM = new Float64Array(food.length);
  }

  /** Indexes the parking and food places of `map`. */
  static build(map: Pick<CabinMap, 'parking' | 'food'>): PlacesIndex {
    return new PlacesIndex(map.parking, map.food);
  }

  /** Parking within `radiusM` of a point, nearest first. */
  parkingNear(lat: number, lon: number, radiusM: number): NearbyPlace<ParkingPlace>[] {
    return near(this.parkingTree, this.parking, lat, lon, radiusM);
  }

  /** Places to eat within `radiusM` of a point, nearest first. */
  foodNear(lat: number, lon: number, radiusM: number): NearbyPlace<FoodPlace>[] {
    return near(this.foodTree, this.food, lat, lon, radiusM);
  }

  /**
   * Places to eat within `corridorM` of a polyline of [lon, lat] pairs
   * (GeoJSON order, as routes give them), in order along it.
   */
  foodNearPolyline(coordinates: readonly (readonly [number, number])[], corridorM: number): CorridorPlace<FoodPlace>[] {
    const found: number[] = [];
    if (coordinates.length === 0 || this.food.length === 0) return [];
    if (++this.epoch === 0xffffffff) {
      this.foodMark.fill(0);
      this.epoch = 1;
    }
    const epoch = this.epoch;
    const { foodMark, foodBestM, foodAlongM } = this;
    const dLat = corridorM / METRES_PER_DEGREE;
    // A lone point is a polyline of one zero-length segment.
    const points = coordinates.length === 1 ? [coordinates[0]!, coordinates[0]!] : coordinates;
    // Distance along the polyline to each of its points.
    const alongAt = new Float64Array(points.length);
    for (let i = 1; i < points.length; i++) {
      alongAt[i] = alongAt[i - 1]! + haversineM(points[i - 1]![1], points[i - 1]![0], points[i]![1], points[i]![0]);
    }
    for (let first = 0; first < points.length - 1; ) {
      // Consecutive segments share one box query until the box outgrows the corridor's width (or 32 segments).
      let minLon = points[first]![0];
      let maxLon = minLon;
      let minLat = points[first]![1];
      let maxLat = minLat;
      let last = first + 1;
      for (; last < points.length; last++) {
        const [x, y] = points[last]!;
        const nextMinLon = Math.min(minLon, x);
        const nextMaxLon = Math.max(maxLon, x);
        const nextMinLat = Math.min(minLat, y);
        const nextMaxLat = Math.max(maxLat, y);
        const tooWide =
          (nextMaxLat - nextMinLat) * METRES_PER_DEGREE > 2 * corridorM ||
          (nextMaxLon - nextMinLon) * METRES_PER_DEGREE * Math.cos(y * RADIANS) > 2 * corridorM;
        if (last > first + 1 && (tooWide || last - first > 32)) break;
        minLon = nextMinLon;
        maxLon = nextMaxLon;
        minLat = nextMinLat;
        maxLat = nextMaxLat;
      }
      last--; // the chunk's last point
      const midLat = (minLat + maxLat) / 2;
      const padLon = lonPadding(midLat, (maxLat - minLat) / 2 + dLat, corridorM);
      const hits = this.foodTree.range(minLon - padLon, minLat - dLat, maxLon + padLon, maxLat + dLat);
      for (const id of hits) {
        const { lat, lon } = this.food[id]!;
        // A local equirectangular projection around the place: exact enough at corridor scale.
        const kx = METRES_PER_DEGREE * Math.cos(lat * RADIANS);
        for (let i = first; i < last; i++) {
          const [x0, y0] = points[i]!;
          const [x1, y1] = points[i + 1]!;
          const ax = (x0 - lon) * kx;
          const ay = (y0 - lat) * METRES_PER_DEGREE;
          const dx = (x1 - lon) * kx - ax;
          const dy = (y1 - lat) * METRES_PER_DEGREE - ay;
          const lengthSq = dx * dx + dy * dy;
          const t = lengthSq > 0 ? Math.min(1, Math.max(0, -(ax * dx + ay * dy) / lengthSq)) : 0;
          const distance = Math.hypot(ax + t * dx, ay + t * dy);
          if (distance > corridorM) continue;
          if (foodMark[id] !== epoch) {
            foodMark[id] = epoch;
            found.push(id);
          } else if (distance >= foodBestM[id]!) continue;
          foodBestM[id] = distance;
          foodAlongM[id] = alongAt[i]! + t * (alongAt[i + 1]! - alongAt[i]!);
        }
      }
      first = last;
    }
    const result = found.map((id) => ({ place: this.food[id]!, index: id, distanceM: foodBestM[id]!, alongM: foodAlongM[id]! }));
    return result.sort((a, b) => a.alongM - b.alongM);
  }
}

function tree(places: readonly { lat: number; lon: number }[]): KDBush {
  const index = new KDBush(Math.max(places.length, 1), 16, Float64Array);
  for (const place of places) index.add(place.lon, place.lat);
  // kdbush needs as many points as it was sized for; a far-away dummy stands in for an empty list.
  if (places.length === 0) index.add(1000, 1000);
  return index.finish();
}

function near<P extends { lat: number; lon: number }>(
  index: KDBush,
  places: readonly P[],
  lat: number,
  lon: number,
  radiusM: number,
): NearbyPlace<P>[] {
  const dLat = radiusM / METRES_PER_DEGREE;
  const dLon = lonPadding(lat, dLat, radiusM);
  const result: NearbyPlace<P>[] = [];
  for (const id of index.range(lon - dLon, lat - dLat, lon + dLon, lat + dLat)) {
    const place = places[id];
    if (!place) continue;
    const distanceM = haversineM(lat, lon, place.lat, place.lon);
    if (distanceM <= radiusM) result.push({ place, index: id, distanceM });
  }
  return result.sort((a, b) => a.distanceM - b.distanceM);
}
