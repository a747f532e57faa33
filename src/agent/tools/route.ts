/**
 * Tools that change the route: navigate, add, remove and reorder stops,
 * cancel. Each plans the new trip and returns it as a proposal; nothing
 * changes until the driver says yes.
 */
import type { PlannedStop, Trip } from '../../places/index.ts';
import { categoryLabel, normaliseName, type GeocodeCandidate } from '../geocoder.ts';
import type { ItemRef } from '../intents.ts';
import type { PlaceCard, ToolDefinition, ToolResult } from '../tools.ts';
import {
  activeTrip,
  answer,
  arriveAt,
  askFor,
  askWhich,
  duration,
  failed,
  highwayNote,
  howFar,
  placeCard,
  proposeTrip,
  resolvePlace,
  say,
  sentences,
  stopFor,
  stopKindOf,
  tripCard,
  tripFromHere,
} from './common.ts';

export const navigateTool: ToolDefinition<'navigate'> = {
  name: 'navigate',
  description:
    'Plan a route from the car to a named place or street (destination), or to the nearest place of a kind (nearest: "parking", "hospital", "川菜"). Replaces the current trip. Asks the driver to confirm.',
  changesRoute: true,
  run(args, world) {
    let target: GeocodeCandidate;
    let alternatives: GeocodeCandidate[];
    let nearest = false;
    if (args.placeId === undefined && args.destination === undefined && args.nearest !== undefined) {
      const found = world.geocoder.nearest(args.nearest, world.vehicle);
      if (!found.ok) {
        if (found.category) {
          const what = categoryLabel(found.category);
          return failed('navigate', say(`This map has no ${what.en}.`, `这张地图上没有${what.zh}的信息。`));
        }
        return failed('navigate', say(`I don't know where to find "${args.nearest}" on this map.`, `地图上找不到“${args.nearest}”。`));
      }
      [target, ...alternatives] = found.candidates as [GeocodeCandidate, ...GeocodeCandidate[]];
      nearest = true;
    } else {
      const resolved = resolvePlace('navigate', world, args.destination, args.placeId);
      if (!resolved.ok) return resolved.result;
      ({ target, alternatives } = resolved);
    }
    const planned = world.planner.plan({
      start: { lat: world.vehicle.lat, lon: world.vehicle.lon },
      departure: world.now,
      stops: [stopFor(target, stopKindOf(target, true))],
    });
    if (!planned.ok) return failed('navigate', planned.spoken, planned.error);
    const trip = planned.trip;
    const card = tripCard(world, trip);
    const replacing = activeTrip(world) !== undefined;
    const name = nearest ? say(`${target.name.en} (the nearest)`, `最近的${target.name.zh}`) : target.name;
    const question = sentences(
      say(`Go to ${name.en}${replacing ? ' instead' : ''}?`, `${replacing ? '改为' : ''}去${name.zh}吗？`),
      howFar(trip, world.now),
      highwayNote(world, card, args.avoidHighways),
    );
    const done = sentences(say(`Starting route to ${target.name.en}.`, `开始导航去${target.name.zh}。`), arriveAt(trip));
    return proposeTrip('navigate', trip, question, done, [card, placeCard(target), ...alternatives.map(placeCard)]);
  },
};

export const addStopTool: ToolDefinition<'add_stop'> = {
  name: 'add_stop',
  description: 'Add a named place as a stop on the current trip, before the destination or before another stop. Asks the driver to confirm.',
  changesRoute: true,
  run(args, world) {
    const resolved = resolvePlace('add_stop', world, args.place, args.placeId);
    if (!resolved.ok) return resolved.result;
    const { target, alternatives } = resolved;
    const base = tripFromHere(world);
    if (!base) {
      // No trip yet: the stop is where the trip goes.
      return navigateTool.run({ placeId: target.id, destination: args.place }, world);
    }
    if (!base.ok) return failed('add_stop', base.spoken, base.error);
    let position = base.trip.stops.length - 1;
    if (args.before) {
      const before = findStop(base.trip, args.before);
      if (before.kind !== 'found') return askWhichStop('add_stop', base.trip, before);
      position = before.index;
    }
    const added = world.planner.addStop(base.trip, stopFor(target, stopKindOf(target, false)), position);
    if (!added.ok) return failed('add_stop', added.spoken, added.error);
    const extra = Math.max(0, added.trip.arrivalTimeMs - base.trip.arrivalTimeMs) / 1000;
    const adds = duration(extra);
    const question = say(`Add ${target.name.en} as a stop? It adds about ${adds.en}.`, `把${target.name.zh}加为途经点吗？大约多花${adds.zh}。`);
    const done = sentences(say(`Added ${target.name.en}.`, `已添加${target.name.zh}。`), arriveAt(added.trip));
    return proposeTrip('add_stop', added.trip, question, done, [tripCard(world, added.trip), placeCard(target), ...alternatives.map(placeCard)]);
  },
};

export const removeStopTool: ToolDefinition<'remove_stop'> = {
  name: 'remove_stop',
  description: 'Remove a stop from the current trip ("the second stop", "the last one", or by name). Asks the driver to confirm.',
  changesRoute: true,
  run(args, world) {
    const base = tripFromHere(world);
    if (!base) return failed('remove_stop', say('There is no trip to change.', '当前没有行程。'));
    if (!base.ok) return failed('remove_stop', base.spoken, base.error);
    const found = findStop(base.trip, args.stop);
    if (found.kind !== 'found') return askWhichStop('remove_stop', base.trip, found);
    const stop = base.trip.stops[found.index]!;
    const removed = world.planner.removeStop(base.trip, stop.stop.id);
    if (!removed.ok) return failed('remove_stop', removed.spoken, removed.error);
    const question = say(`Remove ${stop.label.en} from the trip?`, `从行程中删除${stop.label.zh}吗？`);
    const done = sentences(say(`Removed ${stop.label.en}.`, `已删除${stop.label.zh}。`), arriveAt(removed.trip));
    return proposeTrip('remove_stop', removed.trip, sentences(question, arriveAt(removed.trip)), done, [tripCard(world, removed.trip)]);
  },
};

export const reorderStopsTool: ToolDefinition<'reorder_stops'> = {
  name: 'reorder_stops',
  description: 'Reorder the stops of the current trip: move one stop to a position (1 = first), or let Cabin find the fastest order (optimise). Asks the driver to confirm.',
  changesRoute: true,
  run(args, world) {
    const base = tripFromHere(world);
    if (!base) return failed('reorder_stops', say('There is no trip to change.', '当前没有行程。'));
    if (!base.ok) return failed('reorder_stops', base.spoken, base.error);
    const trip = base.trip;
    if (args.stop !== undefined && args.toPosition !== undefined && !args.optimise) {
      const found = findStop(trip, args.stop);
      if (found.kind !== 'found') return askWhichStop('reorder_stops', trip, found);
      const last = trip.stops.length - 1;
      const to = args.toPosition < 0 ? last + 1 + args.toPosition : args.toPosition - 1;
      const moved = world.planner.moveStop(trip, trip.stops[found.index]!.stop.id, Math.min(last, Math.max(0, to)));
      if (!moved.ok) return failed('reorder_stops', moved.spoken, moved.error);
      const name = trip.stops[found.index]!.label;
      const question = sentences(say(`Move ${name.en} to stop ${Math.min(last, Math.max(0, to)) + 1}?`, `把${name.zh}调到第${Math.min(last, Math.max(0, to)) + 1}站吗？`), arriveAt(moved.trip));
      return proposeTrip('reorder_stops', moved.trip, question, sentences(say('Done.', '已调整。'), arriveAt(moved.trip)), [tripCard(world, moved.trip)]);
    }
    if (args.stop !== undefined && args.toPosition === undefined && !args.optimise) {
      return askFor('reorder_stops', 'toPosition', say('Move it to which position?', '调到第几站？'));
    }
    const best = world.planner.optimiseOrder(trip);
    if (!best.ok) return failed('reorder_stops', best.spoken, best.error);
    if (best.savedS <= 0) return answer('reorder_stops', say(`${best.spoken.en}.`, `${best.spoken.zh}。`), [tripCard(world, trip)]);
    return proposeTrip('reorder_stops', best.trip, say(`${best.spoken.en}. Change the order?`, `${best.spoken.zh}。要调整顺序吗？`), sentences(say('Stops reordered.', '已调整顺序。'), arriveAt(best.trip)), [tripCard(world, best.trip)]);
  },
};

export const cancelTool: ToolDefinition<'cancel'> = {
  name: 'cancel',
  description: 'Stop the navigation (what: "navigation"), or drop the current request (what: "request"). Stopping navigation asks the driver to confirm.',
  changesRoute: true,
  run(args, world) {
    const trip = activeTrip(world);
    if (args.what === 'request' || !trip) {
      return answer('cancel', trip || args.what === 'request' ? say('OK.', '好的。') : say('There is no navigation to stop.', '当前没有导航。'));
    }
    const destination = trip.stops[trip.stops.length - 1]!.label;
    return {
      tool: 'cancel',
      ok: true,
      data: { cards: [] },
      speech: say(`Stop the navigation to ${destination.en}?`, `结束去${destination.zh}的导航吗？`),
      changesRoute: true,
      effect: { kind: 'clear-trip', done: say('Navigation stopped.', '导航已结束。') },
    };
  },
};

type StopLookup = { kind: 'found'; index: number } | { kind: 'unclear'; candidates: number[] } | { kind: 'none' };

/** A stop of the trip an ItemRef names: by position (1-based, -1 the last), by name or id, or "the other one" (only when two stops). */
export function findStop(trip: Trip, ref: ItemRef): StopLookup {
  const stops = trip.stops;
  switch (ref.kind) {
    case 'ordinal': {
      const index = ref.index < 0 ? stops.length + ref.index : ref.index - 1;
      return index >= 0 && index < stops.length ? { kind: 'found', index } : { kind: 'none' };
    }
    case 'name': {
      const byId = stops.findIndex((s) => s.stop.id === ref.name);
      if (byId >= 0) return { kind: 'found', index: byId };
      const wanted = normaliseName(ref.name).replace(/ /g, '');
      const matches = stops
        .map((s, index) => ({ index, names: [s.label.en, s.label.zh, s.stop.name ?? ''].map((n) => normaliseName(n).replace(/ /g, '')) }))
        .filter(({ names }) => names.some((n) => n !== '' && (n === wanted || n.includes(wanted) || (n.length >= 2 && wanted.includes(n)))))
        .map(({ index }) => index);
      if (matches.length === 1) return { kind: 'found', index: matches[0]! };
      return matches.length > 1 ? { kind: 'unclear', candidates: matches } : { kind: 'none' };
    }
    case 'other':
      return { kind: 'unclear', candidates: stops.map((_, i) => i) };
    default: {
      const never: never = ref;
      throw new Error(`unknown item reference ${String(never)}`);
    }
  }
}

function stopCard(stop: PlannedStop): PlaceCard {
  return { kind: 'place', placeKind: 'stop', id: stop.stop.id, name: stop.label, lat: stop.stop.lat, lon: stop.stop.lon };
}

/** Asks which stop was meant: among the ones that fit, or all of them when none did. */
function askWhichStop(tool: 'add_stop' | 'remove_stop' | 'reorder_stops', trip: Trip, lookup: StopLookup): ToolResult {
  if (lookup.kind === 'unclear') return askWhich(tool, lookup.candidates.map((i) => stopCard(trip.stops[i]!)), 'stop');
  const names = trip.stops.map((s) => s.label);
  return {
    ...askWhich(tool, trip.stops.map(stopCard), 'stop'),
    speech: say(
      `Which stop? The trip has ${names.length === 1 ? '1 stop' : `${names.length} stops`}.`,
      `哪一站？行程中有${names.length}站。`,
    ),
  };
}
