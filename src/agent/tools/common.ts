/**
 * What several tools share: resolving a named place, the trip from where the
 * car is now, clock times in the region's zone, cards for the screen.
 */
import { ROAD_CLASSES } from '../../map/index.ts';
import type { Route } from '../../routing/index.ts';
import { fromWallClockDate, positionAt, wallClock, type Spoken, type StopKind, type Trip, type TripResult, type TripStop } from '../../places/index.ts';
import type { TimeSpec } from '../intents.ts';
import type { GeocodeCandidate } from '../geocoder.ts';
import type { AgentWorld, CardReason, FollowUp, PlaceCard, ToolName, ToolResult, TripCard } from '../tools.ts';
import { andList, clock, distance, duration, orList, say, sentences } from './speech.ts';

/** A result that changes nothing and shows `cards`. */
export function answer(tool: ToolName, speech: Spoken, cards: ToolResult['data']['cards'] = [], ok = true): ToolResult {
  return { tool, ok, data: { cards }, speech, changesRoute: false };
}

/** A request that could not be done, with what the driver hears. */
export function failed(tool: ToolName, speech: Spoken, error?: string): ToolResult {
  const result: ToolResult = { tool, ok: false, data: { cards: [] }, speech, changesRoute: false };
  if (error !== undefined) result.error = error;
  return result;
}

/** The dialogue must ask for a slot first. */
export function askFor(tool: ToolName, slot: string, question: Spoken): ToolResult {
  return { tool, ok: false, data: { cards: [] }, speech: question, changesRoute: false, followUp: { kind: 'missing', slot } };
}

/** The dialogue must ask which of several options the driver meant. */
export function askWhich(tool: ToolName, options: PlaceCard[], apply: Extract<FollowUp, { kind: 'choose' }>['apply']): ToolResult {
  const names = options.slice(0, 3).map((o, i, shown) => labelWithDistance(o, shown));
  const which = orList(names);
  return {
    tool,
    ok: false,
    data: { cards: options },
    speech: say(`Did you mean ${which.en}?`, `您是说${which.zh}？`),
    changesRoute: false,
    followUp: { kind: 'choose', options, apply },
  };
}

/** A name, with its distance when another option has the same name (so they can be told apart). */
function labelWithDistance(option: PlaceCard, shown: readonly PlaceCard[]): Spoken {
  const twin = shown.some((o) => o !== option && (o.name.en === option.name.en || o.name.zh === option.name.zh));
  if (!twin || option.distanceM === undefined) return option.name;
  const d = distance(option.distanceM);
  return say(`${option.name.en} (${d.en} away)`, `${option.name.zh}（${d.zh}）`);
}

/** A geocoder candidate as a card. */
export function placeCard(candidate: GeocodeCandidate): PlaceCard {
  const card: PlaceCard = {
    kind: 'place',
    id: candidate.id,
    name: candidate.name,
    lat: candidate.lat,
    lon: candidate.lon,
    placeKind: candidate.kind,
    score: Math.round(candidate.score * 100) / 100,
  };
  if (candidate.distanceM !== undefined) card.distanceM = Math.round(candidate.distanceM);
  return card;
}

export type Resolved =
  | { ok: true; target: GeocodeCandidate; alternatives: GeocodeCandidate[] }
  | { ok: false; result: ToolResult };

/** The place a driver named (or a card id picked), asking back when two fit about equally. */
export function resolvePlace(tool: ToolName, world: AgentWorld, name: string | undefined, placeId: string | undefined): Resolved {
  const near = world.vehicle;
  if (placeId !== undefined) {
    const target = world.geocoder.byPlaceId(placeId, near) ?? stopTarget(world, placeId);
    if (target) return { ok: true, target, alternatives: [] };
    if (name === undefined) return { ok: false, result: failed(tool, say("I don't know that place.", '我不知道这个地方。'), `unknown place id ${placeId}`) };
  }
  if (name === undefined) return { ok: false, result: askFor(tool, 'destination', say('Where to?', '去哪里？')) };
  const found = world.geocoder.search(name, { near, limit: 5 });
  if (!found.ok) {
    // The understanding names saved places 'home' and 'work'; Cabin keeps no saved places yet.
    const saved = SAVED_PLACES[name.trim().toLowerCase()];
    if (saved) return { ok: false, result: failed(tool, say(`I don't know where ${saved.en} is yet.`, `我还不知道${saved.zh}在哪里。`)) };
    return { ok: false, result: failed(tool, say(`I couldn't find "${name}" on this map.`, `地图上没有找到“${name}”。`)) };
  }
  if (found.ambiguous) {
    const close = found.candidates.filter((c) => c.score >= found.candidates[0]!.score - 0.05);
    return { ok: false, result: askWhich(tool, close.map(placeCard), 'placeId') };
  }
  const [target, ...alternatives] = found.candidates;
  return { ok: true, target: target!, alternatives };
}

const SAVED_PLACES: Readonly<Record<string, Spoken>> = {
  home: { en: 'home', zh: '您家' },
  work: { en: 'work', zh: '您的公司' },
};

/** A stop of the current trip by its id, as a candidate (for "go there" on a stop). */
function stopTarget(world: AgentWorld, id: string): GeocodeCandidate | undefined {
  const stop = world.trip?.stops.find((s) => s.stop.id === id);
  if (!stop) return undefined;
  return { id, kind: 'landmark', name: stop.label, lat: stop.stop.lat, lon: stop.stop.lon, score: 1, matched: stop.label.en };
}

/** A trip stop for a place. */
export function stopFor(target: GeocodeCandidate, kind: StopKind): TripStop {
  const stop: TripStop = { id: target.id, lat: target.lat, lon: target.lon, kind, nameEn: target.name.en, nameZh: target.name.zh };
  return stop;
}

/** The stop kind a place makes. */
export function stopKindOf(target: GeocodeCandidate, last: boolean): StopKind {
  if (target.kind === 'parking') return 'parking';
  if (target.kind === 'food') return 'food';
  return last ? 'destination' : 'waypoint';
}

/** The trip still ahead at `now`, or undefined when there is none or it has arrived. */
export function activeTrip(world: AgentWorld): Trip | undefined {
  const trip = world.trip;
  if (!trip) return undefined;
  return positionAt(trip, world.now).kind === 'arrived' ? undefined : trip;
}

/**
 * The current trip replanned from where the car is, leaving now, with the
 * stops not yet reached: the base every change to the trip starts from.
 */
export function tripFromHere(world: AgentWorld): TripResult | undefined {
  const trip = world.trip;
  if (!trip) return undefined;
  const at = positionAt(trip, world.now);
  let remaining: TripStop[];
  switch (at.kind) {
    case 'before-departure':
      remaining = trip.stops.map((s) => s.stop);
      break;
    case 'driving':
      remaining = trip.stops.slice(at.leg).map((s) => s.stop);
      break;
    case 'at-stop':
      remaining = trip.stops.slice(at.stopIndex + 1).map((s) => s.stop);
      break;
    case 'arrived':
      return undefined;
    default: {
      const never: never = at;
      throw new Error(`unknown trip position ${String(never)}`);
    }
  }
  return world.planner.plan({ start: { lat: world.vehicle.lat, lon: world.vehicle.lon }, departure: world.now, stops: remaining });
}

/** The router's route through a trip's start and stops (what corridor searches run on). */
export function routeOfTrip(world: AgentWorld, trip: Trip): Route | undefined {
  const routed = world.router.route([trip.start, ...trip.stops.map((s) => s.stop)]);
  return routed.ok ? routed.route : undefined;
}

const HIGHWAY_CLASSES = new Set(['motorway', 'motorway_link', 'trunk', 'trunk_link'].map((c) => ROAD_CLASSES.indexOf(c as (typeof ROAD_CLASSES)[number])));

/** Whether a route drives on a motorway or trunk road (or their ramps). */
export function usesHighways(world: AgentWorld, route: Route): boolean {
  const roads = world.map.roads;
  return route.legs.some((leg) => leg.pieces.some((p) => HIGHWAY_CLASSES.has(roads.roadClass[roads.segmentRoad[p.segment]!]!)));
}

/** A trip for the screen. */
export function tripCard(world: AgentWorld, trip: Trip, reasons: CardReason[] = []): TripCard {
  const route = routeOfTrip(world, trip);
  const coordinates: [number, number][] = [];
  for (const leg of trip.legs) {
    for (const c of leg.coordinates) {
      const last = coordinates[coordinates.length - 1];
      if (!last || last[0] !== c[0] || last[1] !== c[1]) coordinates.push(c);
    }
  }
  const destination = trip.stops[trip.stops.length - 1]!;
  return {
    kind: 'trip',
    destination: destination.label,
    stops: trip.stops.map((s) => ({ id: s.stop.id, name: s.label, kind: s.stop.kind, arrival: clock(s.arrivalTimeMs, trip.timeZone), lat: s.stop.lat, lon: s.stop.lon })),
    distanceM: Math.round(trip.distanceM),
    durationS: Math.round(trip.durationS),
    arrivalTimeMs: trip.arrivalTimeMs,
    arrival: clock(trip.arrivalTimeMs, trip.timeZone),
    coordinates,
    usesHighways: route ? usesHighways(world, route) : false,
    reasons,
  };
}

/** "About 12 min, 5.2 km" / "约12分钟，5.2公里": how far a trip is from now. */
export function howFar(trip: Trip, now: Date): Spoken {
  const d = duration((trip.arrivalTimeMs - now.getTime()) / 1000);
  const km = distance(trip.distanceM);
  return say(`About ${d.en}, ${km.en}.`, `约${d.zh}，${km.zh}。`);
}

/** The driver is told when a route uses highways they would rather avoid: the router cannot route around them yet. */
export function highwayNote(world: AgentWorld, card: TripCard, avoidHighways: boolean | undefined): Spoken | undefined {
  if (!(avoidHighways ?? world.preferences.avoidHighways) || !card.usesHighways) return undefined;
  return say("It uses a highway; I can't avoid highways yet.", '途经高速，目前还无法避开高速。');
}

/** The instant a TimeSpec names: a clock time today in the region (tomorrow when it is over an hour past), or minutes from now. */
export function instantOf(spec: TimeSpec, now: Date, timeZone: string): Date {
  if (spec.kind === 'in') return new Date(now.getTime() + spec.minutes * 60_000);
  const [hours, minutes] = spec.time.split(':').map(Number) as [number, number];
  const today = wallClock(now, timeZone);
  let at = fromWallClockDate(new Date(today.year, today.month - 1, today.day, hours, minutes), timeZone);
  if (at.getTime() < now.getTime() - 60 * 60_000) {
    at = fromWallClockDate(new Date(today.year, today.month - 1, today.day + 1, hours, minutes), timeZone);
  }
  return at;
}

/** "Arrive at 12:41" / "12:41到达". */
export function arriveAt(trip: Trip): Spoken {
  const at = clock(trip.arrivalTimeMs, trip.timeZone);
  return say(`Arrive at ${at}.`, `预计${at}到达。`);
}

/** The route-changing answer: ask `question`, and on yes apply `trip` and say `done`. */
export function proposeTrip(tool: ToolName, trip: Trip, question: Spoken, done: Spoken, cards: ToolResult['data']['cards']): ToolResult {
  return { tool, ok: true, data: { cards }, speech: question, changesRoute: true, effect: { kind: 'set-trip', trip, done } };
}

export { andList, clock, distance, duration, orList, say, sentences };
