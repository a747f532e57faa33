import { z } from 'zod';

/**
 * What a driver can ask Cabin, as the understanding produces it and the
 * evaluation set labels it. One schema per intent; slot values are
 * normalised (numbers as numbers, cuisines as Cabin cuisine ids, clock times
 * as "HH:MM" in the region's zone, durations in minutes, distances in
 * metres), so labels compare exactly.
 *
 * The tools (src/agent/tools.ts) take these slots as their arguments; the
 * same schemas generate the JSON Schema the LLM planner sees.
 */

/** Where a search is centred. `place` names a place or street on the map. */
export const Anchor = z.union([
  z.object({ kind: z.literal('here') }),
  z.object({ kind: z.literal('destination') }),
  z.object({ kind: z.literal('route') }),
  z.object({ kind: z.literal('place'), name: z.string().min(1) }),
]);
export type Anchor = z.infer<typeof Anchor>;

/** A clock time ("19:00") or a time relative to now ("in 30 minutes"). */
export const TimeSpec = z.union([
  z.object({ kind: z.literal('clock'), time: z.string().regex(/^\d{2}:\d{2}$/) }),
  z.object({ kind: z.literal('in'), minutes: z.number().int().nonnegative() }),
]);
export type TimeSpec = z.infer<typeof TimeSpec>;

/** A reference to a result or stop already in the conversation: "the second one", "the last stop". */
export const ItemRef = z.union([
  z.object({ kind: z.literal('ordinal'), index: z.number().int() }), // 1-based; -1 = the last
  z.object({ kind: z.literal('name'), name: z.string().min(1) }),
  z.object({ kind: z.literal('other') }), // "no, the other one"
]);
export type ItemRef = z.infer<typeof ItemRef>;

export const INTENT_SCHEMAS = {
  /** Plan a route to a named place, a street, or "the nearest X". */
  navigate: z.object({
    destination: z.string().min(1).optional(),
    /** "the nearest petrol station / parking / hospital": a category searched from here. */
    nearest: z.string().min(1).optional(),
    avoidHighways: z.boolean().optional(),
  }),
  /** Add a stop to the current trip. */
  add_stop: z.object({ place: z.string().min(1), before: ItemRef.optional() }),
  /** Remove a stop from the current trip. */
  remove_stop: z.object({ stop: ItemRef }),
  /** Reorder stops: move one, or let Cabin optimise the order. */
  reorder_stops: z.object({ optimise: z.boolean().optional(), stop: ItemRef.optional(), toPosition: z.number().int().optional() }),
  /** "Stop for lunch around 12:30". */
  meal_stop: z.object({ meal: z.enum(['breakfast', 'lunch', 'dinner', 'snack']).optional(), at: TimeSpec.optional(), cuisine: z.string().optional() }),
  /** Find parking. */
  find_parking: z.object({
    near: Anchor.optional(),
    maxPricePerHour: z.number().nonnegative().optional(),
    covered: z.boolean().optional(),
    evCharging: z.boolean().optional(),
    stayMinutes: z.number().int().positive().optional(),
    maxWalkM: z.number().positive().optional(),
  }),
  /** Find somewhere to eat. */
  find_food: z.object({
    near: Anchor.optional(),
    cuisine: z.string().optional(),
    openAt: TimeSpec.optional(),
    maxDetourMinutes: z.number().nonnegative().optional(),
    cheap: z.boolean().optional(),
    withinM: z.number().positive().optional(),
  }),
  /** The traffic light ahead: state, countdown, speed advice. */
  traffic_light: z.object({}),
  /** ETA, distance left, next turn. */
  trip_status: z.object({ aspect: z.enum(['eta', 'distance', 'next_turn', 'all']).optional() }),
  /** Remember a preference. */
  set_preference: z.object({
    favouriteCuisine: z.string().optional(),
    maxParkingPricePerHour: z.number().nonnegative().optional(),
    avoidHighways: z.boolean().optional(),
    language: z.enum(['en', 'zh']).optional(),
  }),
  /** What do you remember about me? */
  recall_preferences: z.object({}),
  /** Stop the navigation / forget the request. */
  cancel: z.object({ what: z.enum(['navigation', 'request']).optional() }),
  /** Follow-up: pick a result shown ("the second one", "go there"). */
  select: z.object({ item: ItemRef.optional(), go: z.boolean().optional() }),
  /** Follow-up: change the last search ("anything cheaper?", "what about Italian?"). */
  refine: z.object({
    cheaper: z.boolean().optional(),
    closer: z.boolean().optional(),
    cuisine: z.string().optional(),
    covered: z.boolean().optional(),
    maxPricePerHour: z.number().nonnegative().optional(),
    openAt: TimeSpec.optional(),
  }),
  /** Yes / no to a question Cabin asked (confirmations). */
  confirm: z.object({ yes: z.boolean() }),
  /** Anything Cabin cannot do: declined politely, never mapped to a tool. */
  out_of_scope: z.object({}),
} as const;

export type IntentName = keyof typeof INTENT_SCHEMAS;
export const INTENT_NAMES = Object.keys(INTENT_SCHEMAS) as IntentName[];

/** A recognised request: the intent and its normalised slots. */
export type Intent = {
  [K in IntentName]: { intent: K; slots: z.infer<(typeof INTENT_SCHEMAS)[K]> };
}[IntentName];

/** What the understanding returns for one utterance. */
export interface Understanding {
  /** The best reading, or undefined when nothing fits (→ out_of_scope). */
  intent: Intent;
  /** The language the driver used (mixed zh/en counts as zh when any Chinese is present). */
  language: 'en' | 'zh';
  /** 0–1: how sure the understanding is; below a threshold the agent asks back. */
  confidence: number;
  /** Slots the intent needs but the utterance lacks (the agent asks for them). */
  missing: string[];
}
