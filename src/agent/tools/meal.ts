/**
 * "Stop for lunch around 12:30": a meal stop on the current trip, where the
 * car will be then, chosen by TripPlanner from places open at that time
 * (the driver's cuisine, or their favourites first).
 */
import { cuisineFromWord, findFoodNear, positionAt, type MealCandidate, type Trip } from '../../places/index.ts';
import type { AgentWorld, ToolDefinition } from '../tools.ts';
import { failed, instantOf, proposeTrip, say, sentences, tripCard, tripFromHere, arriveAt } from './common.ts';
import { findFoodTool } from './search.ts';

/** When people usually eat each meal, local time. */
const MEAL_TIMES = { breakfast: '08:00', lunch: '12:30', dinner: '18:30' } as const;

export const mealStopTool: ToolDefinition<'meal_stop'> = {
  name: 'meal_stop',
  description:
    'Add a meal stop to the current trip around a time (default: the usual time of the meal if it falls during the trip, else halfway), at a place open then, optionally of a cuisine. Asks the driver to confirm.',
  changesRoute: true,
  run(args, world) {
    const base = tripFromHere(world);
    if (!base) {
      // No trip: the nearest good places to eat are the useful answer.
      const nearby = findFoodTool.run({ near: { kind: 'here' }, ...(args.cuisine !== undefined ? { cuisine: args.cuisine } : {}) }, world);
      return { ...nearby, tool: 'meal_stop', speech: sentences(say('There is no trip yet.', '还没有行程。'), nearby.speech) };
    }
    if (!base.ok) return failed('meal_stop', base.spoken, base.error);
    const trip = base.trip;
    const atMs = mealTime(args, trip, world);
    const wanted = args.cuisine !== undefined ? [cuisineFromWord(args.cuisine)?.id ?? args.cuisine.toLowerCase()] : world.preferences.favouriteCuisines;
    const findFood = (point: { lat: number; lon: number }, arrival: Date): MealCandidate[] => {
      const options = { now: world.now, arrival, radiusM: 2000, openAtArrival: true, includeUnknownHours: false, limit: 8 };
      let found = wanted.length > 0 ? findFoodNear(world.places, point, { ...options, cuisine: wanted }) : [];
      // Favourites are a preference, not a filter: fall back to anything open.
      if (found.length === 0 && args.cuisine === undefined) found = findFoodNear(world.places, point, options);
      return found.map((r) => {
        const candidate: MealCandidate = { id: `food:${r.place.osmId}`, lat: r.place.lat, lon: r.place.lon };
        if (r.place.name !== undefined) candidate.name = r.place.name;
        if (r.place.nameZh !== undefined) candidate.nameZh = r.place.nameZh;
        if (r.place.nameEn !== undefined) candidate.nameEn = r.place.nameEn;
        return candidate;
      });
    };
    const planned = world.planner.planMealStop(trip, atMs, findFood);
    if (!planned.ok) return failed('meal_stop', sentences(say(`${planned.spoken.en}.`, `${planned.spoken.zh}。`)), planned.error);
    const question = say(`${planned.spoken.en}. Add it?`, `${planned.spoken.zh}。要加上吗？`);
    const done = sentences(say(`Added ${planned.stop.label.en}.`, `已添加${planned.stop.label.zh}。`), arriveAt(planned.trip));
    return proposeTrip('meal_stop', planned.trip, question, done, [tripCard(world, planned.trip)]);
  },
};

/** The meal's time: as asked, or the meal's usual time when the car is under way then, or halfway through the trip. */
function mealTime(args: { meal?: 'breakfast' | 'lunch' | 'dinner' | 'snack' | undefined; at?: Parameters<typeof instantOf>[0] | undefined }, trip: Trip, world: AgentWorld): number {
  if (args.at) return instantOf(args.at, world.now, trip.timeZone).getTime();
  const usual = args.meal && args.meal !== 'snack' ? MEAL_TIMES[args.meal] : undefined;
  if (usual) {
    const at = instantOf({ kind: 'clock', time: usual }, world.now, trip.timeZone).getTime();
    const where = positionAt(trip, at).kind;
    if (where === 'driving' || where === 'at-stop') return at;
  }
  return trip.departureTimeMs + (trip.arrivalTimeMs - trip.departureTimeMs) / 2;
}
