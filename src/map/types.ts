/**
 * The in-memory map: what `cabin import` writes and every other module reads.
 * Everything that grows with the road network is a typed array, so a map file
 * is these buffers end to end and loading it is reading, not parsing.
 */

/** OSM tags of one element. */
export type Tags = Record<string, string>;

/** An OSM node as the PBF reader and the default-region generator emit it. */
export interface OsmNode {
  id: number;
  lat: number;
  lon: number;
  /** Undefined when the node has no tags (most nodes). */
  tags: Tags | undefined;
}

/** An OSM way. */
export interface OsmWay {
  id: number;
  refs: number[];
  tags: Tags;
}

export type OsmMemberType = 'node' | 'way' | 'relation';

export interface OsmMember {
  type: OsmMemberType;
  ref: number;
  role: string;
}

/** An OSM relation. */
export interface OsmRelation {
  id: number;
  members: OsmMember[];
  tags: Tags;
}

/**
 * Receives OSM elements in file order. Nodes come first; ways and relations
 * follow, but some real extracts (written by osmconvert) put relations before
 * ways, so a sink must not assume a relation's ways have been seen. Both the
 * PBF reader and the generator drive one.
 */
export interface OsmSink {
  node(node: OsmNode): void;
  way(way: OsmWay): void;
  relation(relation: OsmRelation): void;
}

/** Road classes cars may use, in OSM `highway=*` order of importance. */
export const ROAD_CLASSES = [
  'motorway',
  'trunk',
  'primary',
  'secondary',
  'tertiary',
  'unclassified',
  'residential',
  'motorway_link',
  'trunk_link',
  'primary_link',
  'secondary_link',
  'tertiary_link',
  'living_street',
  'service',
  'road',
] as const;
export type RoadClass = (typeof ROAD_CLASSES)[number];

/** Bits of `segmentFlags`. */
export const SEGMENT_FORWARD = 1; // cars may drive from `segmentFrom` to `segmentTo`
export const SEGMENT_BACKWARD = 2; // cars may drive from `segmentTo` to `segmentFrom`
export const SEGMENT_ROUNDABOUT = 4;
export const SEGMENT_TOLL = 8;

/** Kinds of a turn restriction, as `restrictionKind` stores them. */
export const RESTRICTION_NO = 0; // `no_*`: this turn is forbidden
export const RESTRICTION_ONLY = 1; // `only_*`: this turn is the only one allowed

/**
 * The car road network. Graph nodes are OSM nodes where roads meet or end;
 * a segment is the stretch of one way between two graph nodes, with its
 * intermediate shape points.
 *
 * Coordinates are fixed point, 1e-7 degrees (as in OSM itself): exact and
 * half the size of doubles.
 */
export interface RoadNetwork {
  nodeCount: number;
  nodeLatE7: Int32Array;
  nodeLonE7: Int32Array;
  /** OSM id of each graph node (the generator's ids for the default region). */
  nodeOsmId: Float64Array;

  segmentCount: number;
  segmentFrom: Uint32Array;
  segmentTo: Uint32Array;
  /** SEGMENT_* bits. A segment with neither direction is never stored. */
  segmentFlags: Uint8Array;
  segmentLengthM: Float32Array;
  /** Free-flow speed in km/h: `maxspeed` where tagged, else the class default. */
  segmentSpeedKmh: Uint8Array;
  /** Index into the road table (the OSM way this segment belongs to). */
  segmentRoad: Uint32Array;
  /**
   * Intermediate shape points of segment s, in from→to order, are
   * `shapeLatE7/shapeLonE7[segmentShapeStart[s] .. segmentShapeStart[s + 1])`.
   */
  segmentShapeStart: Uint32Array;
  shapeLatE7: Int32Array;
  shapeLonE7: Int32Array;

  /** One entry per OSM way that became at least one segment. */
  roadCount: number;
  roadClass: Uint8Array; // index into ROAD_CLASSES
  /** Indices into `strings`; 0 is the empty string (no value). */
  roadName: Uint32Array;
  roadNameZh: Uint32Array;
  roadNameEn: Uint32Array;
  roadRef: Uint32Array;
  roadOsmId: Float64Array;

  /**
   * Turn restrictions resolved to segments: arriving at `restrictionVia` along
   * `restrictionFrom`, leaving along `restrictionTo` is forbidden (RESTRICTION_NO)
   * or the only turn allowed (RESTRICTION_ONLY).
   */
  restrictionCount: number;
  restrictionFrom: Uint32Array;
  restrictionVia: Uint32Array;
  restrictionTo: Uint32Array;
  restrictionKind: Uint8Array;
}

/** A parking facility from `amenity=parking`. */
export interface ParkingPlace {
  kind: 'parking';
  osmId: string; // "n123", "w456" or "r789"
  lat: number;
  lon: number;
  name?: string;
  nameZh?: string;
  nameEn?: string;
  /** From `parking=*`. */
  parking: 'surface' | 'multi-storey' | 'underground' | 'street_side' | 'rooftop' | 'other' | 'unknown';
  fee: 'yes' | 'no' | 'unknown';
  capacity?: number;
  access: 'public' | 'customers' | 'private' | 'unknown';
  /** Price per hour in the local currency, where `charge` tags give one. */
  pricePerHour?: number;
  currency?: string;
  openingHours?: string;
  evCharging?: boolean;
  covered?: boolean;
  operator?: string;
}

/** A place to eat from `amenity=restaurant|fast_food|cafe|food_court`. */
export interface FoodPlace {
  kind: 'food';
  osmId: string;
  lat: number;
  lon: number;
  amenity: 'restaurant' | 'fast_food' | 'cafe' | 'food_court';
  name?: string;
  nameZh?: string;
  nameEn?: string;
  /** Raw OSM `cuisine` values, split on `;`. */
  cuisine: string[];
  openingHours?: string;
  /** Raw `price_level`/`price_range` where tagged; never invented. */
  priceLevel?: string;
  phone?: string;
  website?: string;
}

export type Place = ParkingPlace | FoodPlace;

/** A `highway=traffic_signals` node and where it sits on the road network. */
export interface TrafficSignal {
  osmId: number;
  lat: number;
  lon: number;
  /** Road table indices of the ways the node belongs to. */
  roads: number[];
  /** The graph node when the signal is at an intersection, else undefined. */
  node?: number;
  /** The segment the signal lies on (when not a graph node) and the fraction along it from its `from` end. */
  segment?: number;
  fraction?: number;
  /** `traffic_signals:direction` (forward/backward) where tagged. */
  direction?: 'forward' | 'backward';
}

/** Facts about the map itself. */
export interface MapInfo {
  /** Human name of the region ("Liechtenstein", "Cabin default district"). */
  name: string;
  /** Where the data came from, with its licence. */
  source: string;
  /** IANA time zone of the region, for opening hours and arrival times. */
  timeZone: string;
  /** Currency of prices in the region (ISO 4217). */
  currency: string;
  /** [minLon, minLat, maxLon, maxLat] of the road network. */
  bbox: [number, number, number, number];
  /** Set when the map is generated rather than imported from OSM. */
  synthetic: boolean;
}

/** Counts the importer reports, including what it skipped and why. */
export interface ImportStats {
  osmNodes: number;
  osmWays: number;
  osmRelations: number;
  roadWays: number;
  restrictionsApplied: number;
  /** Reason → count, e.g. { 'via-way': 3, 'from-way not at via node': 1 }. */
  restrictionsSkipped: Record<string, number>;
  parking: number;
  food: number;
  signals: number;
}

/** Everything a map holds. */
export interface CabinMap {
  info: MapInfo;
  roads: RoadNetwork;
  /** The string table `road*` indices point into; strings[0] === ''. */
  strings: string[];
  parking: ParkingPlace[];
  food: FoodPlace[];
  signals: TrafficSignal[];
  stats: ImportStats;
}
