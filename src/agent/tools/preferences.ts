/**
 * What Cabin remembers about a driver (favourite cuisines, most they pay an
 * hour for parking, avoiding highways, the language they like), the port a
 * store implements (SQLite in src/agent/preferences.ts), and the two tools
 * that set and recall it.
 */
import { z } from 'zod';
import { cuisineById, cuisineFromWord, formatMoney } from '../../places/index.ts';
import type { PreferencesCard, ToolDefinition } from '../tools.ts';
import { andList, answer, askFor, say, sentences } from './common.ts';

/** Most favourite cuisines kept; the oldest goes first. */
export const MAX_FAVOURITE_CUISINES = 5;

export const DriverPreferencesSchema = z.object({
  /** Cabin cuisine ids, most recent first. */
  favouriteCuisines: z.array(z.string().min(1)).max(MAX_FAVOURITE_CUISINES),
  /** Applied to parking searches where the driver gives no price, in the map's currency. */
  maxParkingPricePerHour: z.number().nonnegative().optional(),
  avoidHighways: z.boolean().optional(),
  language: z.enum(['en', 'zh']).optional(),
});
export type DriverPreferences = z.infer<typeof DriverPreferencesSchema>;

/** Where preferences live between sessions. */
export interface PreferenceStore {
  load(driverId: string): DriverPreferences;
  save(driverId: string, preferences: DriverPreferences): void;
}

/** Preferences kept for the life of the process only. */
export class MemoryPreferenceStore implements PreferenceStore {
  private readonly byDriver = new Map<string, DriverPreferences>();

  load(driverId: string): DriverPreferences {
    return this.byDriver.get(driverId) ?? { favouriteCuisines: [] };
  }

  save(driverId: string, preferences: DriverPreferences): void {
    this.byDriver.set(driverId, DriverPreferencesSchema.parse(preferences));
  }
}

export const setPreferenceTool: ToolDefinition<'set_preference'> = {
  name: 'set_preference',
  description: 'Remember a preference of the driver: a favourite cuisine (added to the favourites), the most to pay for parking per hour, avoiding highways, or the answer language.',
  changesRoute: false,
  run(args, world) {
    const next: DriverPreferences = { ...world.preferences, favouriteCuisines: [...world.preferences.favouriteCuisines] };
    const said = [];
    if (args.favouriteCuisine !== undefined) {
      const cuisine = cuisineFromWord(args.favouriteCuisine) ?? { id: args.favouriteCuisine.toLowerCase(), en: args.favouriteCuisine, zh: args.favouriteCuisine };
      next.favouriteCuisines = [cuisine.id, ...next.favouriteCuisines.filter((c) => c !== cuisine.id)].slice(0, MAX_FAVOURITE_CUISINES);
      said.push(say(`you like ${cuisine.en} food`, `您喜欢${cuisine.zh}`));
    }
    if (args.maxParkingPricePerHour !== undefined) {
      next.maxParkingPricePerHour = args.maxParkingPricePerHour;
      const money = formatMoney(args.maxParkingPricePerHour, world.map.info.currency);
      said.push(say(`parking up to ${money.en} an hour`, `停车每小时不超过${money.zh}`));
    }
    if (args.avoidHighways !== undefined) {
      next.avoidHighways = args.avoidHighways;
      said.push(args.avoidHighways ? say('you would rather avoid highways', '您不想走高速') : say('highways are fine', '可以走高速'));
    }
    if (args.language !== undefined) {
      next.language = args.language;
      said.push(args.language === 'zh' ? say('answers in Chinese', '用中文回答') : say('answers in English', '用英文回答'));
    }
    if (said.length === 0) return askFor('set_preference', 'preference', say('What should I remember?', '要我记住什么？'));
    const list = andList(said);
    const note =
      args.avoidHighways === true ? say("I'll warn you when a route uses one; I can't route around them yet.", '路线经过高速时我会提醒您，目前还无法避开。') : undefined;
    return {
      ...answer('set_preference', sentences(say(`Got it: ${list.en}.`, `好的，记住了：${list.zh}。`), note), [preferencesCard(next)]),
      effect: { kind: 'set-preferences', preferences: next },
    };
  },
};

export const recallPreferencesTool: ToolDefinition<'recall_preferences'> = {
  name: 'recall_preferences',
  description: 'Say what Cabin remembers about the driver.',
  changesRoute: false,
  run(_args, world) {
    const p = world.preferences;
    const card = preferencesCard(p);
    const facts = [];
    if (card.cuisines.length > 0) {
      const list = andList(card.cuisines);
      facts.push(say(`you like ${list.en} food`, `您喜欢${list.zh}`));
    }
    if (p.maxParkingPricePerHour !== undefined) {
      const money = formatMoney(p.maxParkingPricePerHour, world.map.info.currency);
      facts.push(say(`parking up to ${money.en} an hour`, `停车每小时不超过${money.zh}`));
    }
    if (p.avoidHighways !== undefined) facts.push(p.avoidHighways ? say('you avoid highways', '您不走高速') : say('highways are fine', '可以走高速'));
    if (p.language !== undefined) facts.push(p.language === 'zh' ? say('answers in Chinese', '用中文回答') : say('answers in English', '用英文回答'));
    if (facts.length === 0) return answer('recall_preferences', say("I don't remember any preferences yet.", '我还没有记住您的任何偏好。'), [card]);
    const list = andList(facts);
    return answer('recall_preferences', say(`I remember ${list.en}.`, `我记得${list.zh}。`), [card]);
  },
};

function preferencesCard(preferences: DriverPreferences): PreferencesCard {
  return {
    kind: 'preferences',
    preferences,
    cuisines: preferences.favouriteCuisines.map((id) => {
      const cuisine = cuisineById(id);
      return cuisine ? { en: cuisine.en, zh: cuisine.zh } : { en: id, zh: id };
    }),
  };
}
