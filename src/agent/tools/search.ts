/**
 * Finding parking and food: near the car, near the destination, near a named
 * place, or along the route, ranked by src/places with the driver's
 * preferences applied (and said) where they did not say otherwise.
 */
import {
  cuisineFromWord,
  cuisineMatch,
  findFoodAlongRoute,
  findFoodNear,
  findParkingNear,
  formatMoney,
  WALK_DETOUR_FACTOR,
  type FoodRecommendation,
  type ParkingRecommendation,
  type Spoken,
} from '../../places/index.ts';
import type { LatLon } from '../../routing/index.ts';
import type { Anchor } from '../intents.ts';
import type { AgentWorld, CardReason, FoodCard, ParkingCard, ToolDefinition, ToolResult } from '../tools.ts';
import { activeTrip, answer, distance, failed, instantOf, routeOfTrip, say, sentences } from './common.ts';
import { capitalise, perHour } from './speech.ts';

/** Where a search is centred, when the car gets there, and how the driver hears it ("near People's Square"). */
type Centre =
  | { ok: true; kind: 'point'; point: LatLon; arrival: Date; near: Spoken }
  | { ok: true; kind: 'route' }
  | { ok: false; result: ToolResult };

function centreOf(tool: 'find_parking' | 'find_food', anchor: Anchor, world: AgentWorld): Centre {
  const trip = activeTrip(world);
  switch (anchor.kind) {
    case 'here':
      return { ok: true, kind: 'point', point: world.vehicle, arrival: world.now, near: say('near you', '您附近') };
    case 'destination':
    case 'route': {
      if (!trip) {
        if (anchor.kind === 'route') return { ok: true, kind: 'point', point: world.vehicle, arrival: world.now, near: say('near you', '您附近') };
        return { ok: false, result: failed(tool, say('There is no destination yet. Where are you going?', '还没有目的地。您要去哪里？')) };
      }
      if (anchor.kind === 'route' && tool === 'find_food') return { ok: true, kind: 'route' };
      const destination = trip.stops[trip.stops.length - 1]!;
      return {
        ok: true,
        kind: 'point',
        point: destination.stop,
        arrival: new Date(destination.arrivalTimeMs),
        near: say(`near ${destination.label.en}`, `${destination.label.zh}附近`),
      };
    }
    case 'place': {
      const found = world.geocoder.search(anchor.name, { near: world.vehicle, limit: 1 });
      if (!found.ok) return { ok: false, result: failed(tool, say(`I couldn't find "${anchor.name}" on this map.`, `地图上没有找到“${anchor.name}”。`)) };
      const place = found.candidates[0]!;
      return { ok: true, kind: 'point', point: place, arrival: world.now, near: say(`near ${place.name.en}`, `${place.name.zh}附近`) };
    }
    default: {
      const never: never = anchor;
      throw new Error(`unknown anchor ${String(never)}`);
    }
  }
}

// ---------------------------------------------------------------------------
// Parking

export const findParkingTool: ToolDefinition<'find_parking'> = {
  name: 'find_parking',
  description:
    'Find parking near the destination (default when navigating), near the car, or near a named place; filters: maximum price per hour, covered, EV charging, length of stay, maximum walk. Results rank by walk, price, free spaces and kind, with reasons.',
  changesRoute: false,
  run(args, world) {
    const anchor = args.near ?? (activeTrip(world) ? { kind: 'destination' as const } : { kind: 'here' as const });
    const centre = centreOf('find_parking', anchor, world);
    if (!centre.ok) return centre.result;
    if (centre.kind !== 'point') throw new Error('parking is searched around a point');
    const fromPreference = args.maxPricePerHour === undefined ? world.preferences.maxParkingPricePerHour : undefined;
    const maxPricePerHour = args.maxPricePerHour ?? fromPreference;
    const found = findParkingNear(world.places, centre.point, {
      now: world.now,
      arrival: centre.arrival,
      ...(args.stayMinutes !== undefined ? { stayMinutes: args.stayMinutes } : {}),
      ...(args.maxWalkM !== undefined ? { walkRadiusM: args.maxWalkM / WALK_DETOUR_FACTOR } : {}),
      ...(maxPricePerHour !== undefined ? { maxPricePerHour } : {}),
      ...(args.covered !== undefined ? { covered: args.covered } : {}),
      ...(args.evCharging !== undefined ? { evCharging: args.evCharging } : {}),
      limit: 5,
    });
    const currency = world.map.info.currency;
    const priceNote =
      fromPreference !== undefined
        ? (() => {
            const money = formatMoney(fromPreference, currency);
            return say(`Up to ${money.en} an hour, as you prefer.`, `按您的偏好，每小时不超过${money.zh}。`);
          })()
        : undefined;
    if (found.length === 0) {
      const under = maxPricePerHour !== undefined ? formatMoney(maxPricePerHour, currency) : undefined;
      const what = say(
        `No ${args.covered ? 'covered ' : ''}${args.evCharging ? 'EV charging ' : ''}parking${under ? ` under ${under.en} an hour` : ''} ${centre.near.en}.`,
        `${centre.near.zh}没有${under ? `每小时${under.zh}以内的` : ''}${args.covered ? '室内' : ''}${args.evCharging ? '可充电的' : ''}停车场。`,
      );
      return answer('find_parking', sentences(what, priceNote), [], false);
    }
    const cards = found.map(parkingCard(currency));
    const best = cards[0]!;
    const facts = [say(`${distance(best.walkM).en} walk`, `步行${distance(best.walkM).zh}`), priceFact(best), spacesFact(best)].filter(
      (f): f is Spoken => f !== undefined,
    );
    const lead = say(
      `${capitalise(best.name.en)}, ${facts.map((f) => f.en).join(', ')}.`,
      `推荐${best.name.zh}，${facts.map((f) => f.zh).join('，')}。`,
    );
    return answer('find_parking', sentences(priceNote, lead, moreOnScreen(cards.length - 1)), cards);
  },
};

function priceFact(card: ParkingCard): Spoken | undefined {
  if (!card.price) return undefined;
  if (card.price.free) return say('free', '免费');
  return perHour(card.price.text);
}

function spacesFact(card: ParkingCard): Spoken | undefined {
  if (card.freeSpaces === undefined) return undefined;
  if (card.freeSpaces === 0) return say('full', '已满');
  const spaces = card.freeSpaces === 1 ? '1 space' : `${card.freeSpaces} spaces`;
  return card.spacesEstimated
    ? say(`about ${spaces} free`, `约剩${card.freeSpaces}个车位`)
    : say(`${spaces} free`, `剩${card.freeSpaces}个车位`);
}

function moreOnScreen(more: number): Spoken | undefined {
  if (more <= 0) return undefined;
  return say(`${more} more on screen.`, `另有${more}个在屏幕上。`);
}

function parkingCard(currency: string): (r: ParkingRecommendation) => ParkingCard {
  return (r) => {
    const place = r.place;
    const fallback = r.reasons.find((reason) => reason.code === 'kind') ?? { en: 'car park', zh: '停车场' };
    const card: ParkingCard = {
      kind: 'parking',
      id: `parking:${place.osmId}`,
      name: { en: place.nameEn || place.name || fallback.en, zh: place.nameZh || place.name || fallback.zh },
      lat: place.lat,
      lon: place.lon,
      distanceM: Math.round(r.distanceM),
      walkM: Math.round(r.walkM),
      reasons: r.reasons.map(({ code, en, zh }) => ({ code, en, zh })),
    };
    if (r.price) {
      card.price = r.price.free
        ? { free: true }
        : { free: false, perHour: r.price.pricePerHour, currency: r.price.currency, text: formatMoney(r.price.pricePerHour, r.price.currency ?? currency) };
    }
    if (r.availability.source !== 'unknown') {
      // An estimate claims no more precision than the nearest 5.
      card.freeSpaces = r.availability.source === 'profile' ? Math.round(r.availability.free / 5) * 5 : r.availability.free;
      card.spacesEstimated = r.availability.source === 'profile';
    }
    return card;
  };
}

// ---------------------------------------------------------------------------
// Food

/** What a favourite cuisine is worth to the driver: this much less walking, or this much less detour. */
const FAVOURITE_WALK_M = 300;
const FAVOURITE_DETOUR_MINUTES = 2;

export const findFoodTool: ToolDefinition<'find_food'> = {
  name: 'find_food',
  description:
    'Find somewhere to eat: along the route (default when navigating: ranked by the detour the router computes), near the car, near the destination, or near a named place; filters: cuisine, open at a time, maximum detour in minutes, cheap or a maximum price level, distance. Favourite cuisines rank higher.',
  changesRoute: false,
  run(args, world) {
    const anchor = args.near ?? (activeTrip(world) ? { kind: 'route' as const } : { kind: 'here' as const });
    const centre = centreOf('find_food', anchor, world);
    if (!centre.ok) return centre.result;
    const wanted = args.cuisine !== undefined ? (cuisineFromWord(args.cuisine) ?? { id: args.cuisine.toLowerCase(), en: args.cuisine, zh: args.cuisine }) : undefined;
    const maxPriceLevel = args.maxPriceLevel ?? (args.cheap ? 1 : undefined);
    const favourites = wanted ? [] : world.preferences.favouriteCuisines;
    const common = {
      now: world.now,
      openAtArrival: true,
      limit: favourites.length > 0 ? 20 : 5,
      ...(wanted ? { cuisine: [wanted.id] } : {}),
      ...(maxPriceLevel !== undefined ? { maxPriceLevel } : {}),
    };
    let found: FoodRecommendation[];
    let along = false;
    let near: Spoken;
    if (centre.kind === 'route') {
      const trip = activeTrip(world)!;
      const route = routeOfTrip(world, trip);
      if (!route) return failed('find_food', say('I lost the route; please start it again.', '路线已失效，请重新开始导航。'), 'the trip no longer routes');
      const result = findFoodAlongRoute(world.places, route, {
        ...common,
        position: world.vehicle,
        ...(args.maxDetourMinutes !== undefined ? { maxDetourMinutes: args.maxDetourMinutes } : {}),
        ...(args.withinM !== undefined ? { corridorM: args.withinM } : {}),
      });
      if (!result.ok) return failed('find_food', say('I could not search along this route.', '无法沿这条路线搜索。'), result.message);
      found = result.results;
      along = true;
      near = say('along the route', '沿途');
    } else {
      const arrival = args.openAt ? instantOf(args.openAt, world.now, world.places.timeZone) : centre.arrival;
      found = findFoodNear(world.places, centre.point, { ...common, arrival, radiusM: args.withinM ?? 1000 });
      near = centre.near;
    }
    const cards = rankFavourites(found.map((r) => foodCard(r, favourites)), along).slice(0, 5);
    if (cards.length === 0) {
      const kind = wanted ? say(`${wanted.en} places`, `${wanted.zh}餐厅`) : say('places to eat', '餐厅');
      const cheap = maxPriceLevel !== undefined ? say('cheaper ', '更便宜的') : say('', '');
      return answer('find_food', say(`No ${cheap.en}${kind.en} open ${near.en}.`, `${near.zh}没有营业中的${cheap.zh}${kind.zh}。`), [], false);
    }
    const best = cards[0]!;
    const how = along
      ? best.detourMinutes! < 1
        ? say('hardly any detour', '几乎不绕路')
        : say(`${best.detourMinutes} min detour`, `绕行${best.detourMinutes}分钟`)
      : say(`${distance(best.distanceM * WALK_DETOUR_FACTOR).en} walk`, `步行${distance(best.distanceM * WALK_DETOUR_FACTOR).zh}`);
    const cuisine = best.cuisines[0];
    const taste = cuisine ? (best.favourite ? say(`${cuisine.en}, your favourite`, `${cuisine.zh}，您喜欢的`) : cuisine) : undefined;
    const facts = [taste, how].filter((f): f is Spoken => f !== undefined);
    const lead = say(`${capitalise(best.name.en)}: ${facts.map((f) => f.en).join(', ')}.`, `推荐${best.name.zh}，${facts.map((f) => f.zh).join('，')}。`);
    return answer('find_food', sentences(lead, moreOnScreen(cards.length - 1)), cards);
  },
};

function foodCard(r: FoodRecommendation, favourites: readonly string[]): FoodCard {
  const place = r.place;
  const cuisine = r.cuisines[0];
  const favourite = favourites.length > 0 && cuisineMatch(r.cuisines.map((c) => c.id), favourites) > 0;
  const reasons: CardReason[] = r.reasons.map(({ code, en, zh }) => ({ code, en, zh }));
  if (favourite) reasons.push({ code: 'favourite', en: 'one of your favourite cuisines', zh: '您喜欢的菜系' });
  const card: FoodCard = {
    kind: 'food',
    id: `food:${place.osmId}`,
    name: {
      en: place.nameEn || place.name || (cuisine ? `${cuisine.en} place` : 'place to eat'),
      zh: place.nameZh || place.name || (cuisine ? `${cuisine.zh}餐馆` : '餐馆'),
    },
    lat: place.lat,
    lon: place.lon,
    distanceM: Math.round(r.distanceM),
    cuisines: r.cuisines.map((c) => ({ en: c.en, zh: c.zh })),
    hours: r.hours.state,
    favourite,
    reasons,
  };
  if (r.detourMs !== undefined) card.detourMinutes = Math.round(r.detourMs / 60_000);
  if (r.priceLevel !== undefined) card.priceLevel = r.priceLevel;
  return card;
}

/**
 * Places serving a favourite cuisine move up as if they were FAVOURITE_WALK_M
 * nearer (or FAVOURITE_DETOUR_MINUTES less out of the way), in the same
 * steps the recommender ranks by (100 m of walk, whole minutes of detour);
 * otherwise its order stays.
 */
function rankFavourites(cards: FoodCard[], along: boolean): FoodCard[] {
  if (!cards.some((c) => c.favourite)) return cards;
  const key = (card: FoodCard): number =>
    along
      ? (card.detourMinutes ?? 0) - (card.favourite ? FAVOURITE_DETOUR_MINUTES : 0)
      : Math.floor((card.distanceM * WALK_DETOUR_FACTOR - (card.favourite ? FAVOURITE_WALK_M : 0)) / 100);
  return cards
    .map((card, i) => ({ card, i, key: key(card) }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map(({ card }) => card);
}
