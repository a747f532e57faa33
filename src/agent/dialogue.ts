/**
 * The conversation with one driver: a small state machine over the tools.
 * It remembers the results on screen ("the second one", "go there", "no, the
 * other one"), the last search ("anything cheaper?", "what about Italian?"),
 * a route change waiting for the driver's yes, and the question it asked (a
 * missing slot, or which of two places). Every route change is asked first
 * and applied on yes; answers are short and in the language the driver used.
 *
 * Pure: the clock and the vehicle come in with each turn; preferences are
 * read and written through the `PreferenceStore` port.
 */
import type { CabinMap } from '../map/index.ts';
import type { Router } from '../routing/index.ts';
import { createPlacesContext, TripPlanner, wallClock, type PlacesContext, type Spoken, type Trip } from '../places/index.ts';
import type { Intent, IntentName, Understanding } from './intents.ts';
import { understand as embeddedUnderstanding, type UnderstandingContext } from './understanding/index.ts';
import { Geocoder, defaultRegionLandmarks, isDefaultRegion, normaliseName, type Landmark } from './geocoder.ts';
import {
  MemoryPreferenceStore,
  NO_TRAFFIC_LIGHT_DATA,
  isToolName,
  runTool,
  type AgentWorld,
  type Card,
  type DriverPreferences,
  type FollowUp,
  type PlaceCard,
  type PreferenceStore,
  type Target,
  type ToolEffect,
  type ToolName,
  type ToolResult,
  type TrafficLightSource,
  type Vehicle,
} from './tools.ts';
import { distance, say, sentences } from './tools/speech.ts';

export type Language = 'en' | 'zh';

/**
 * What the understanding may know about the conversation when it reads an
 * utterance: the embedded understanding's context, and a little more.
 */
export interface DialogueContext extends UnderstandingContext {
  /** What Cabin last asked, which the utterance may answer. */
  expecting: 'nothing' | 'confirmation' | 'slot' | 'choice';
  /** Names of the results or options on screen, in order (for "the second one", "the Sichuan one"). */
  resultNames: string[];
  /** Whether a trip is being driven. */
  navigating: boolean;
  /** The language of the conversation so far. */
  language: Language;
}

/** The embedded understanding's signature (src/agent/understanding). */
export type UnderstandFn = (text: string, context: DialogueContext) => Understanding;

/** What a turn needs from the car. */
export interface TurnInput {
  now: Date;
  vehicle: Vehicle;
}

/** One tool the turn ran. */
export interface ToolCallRecord {
  name: ToolName;
  args: unknown;
  ok: boolean;
  changesRoute: boolean;
  /** Applied now (a confirmed route change, a preference), rather than proposed. */
  applied: boolean;
  error?: string;
}

/** What the driver hears and sees after a turn. */
export interface TurnResult {
  speech: { text: string; language: Language };
  cards: Card[];
  understanding: Understanding;
  toolCalls: ToolCallRecord[];
  /** What Cabin now waits for. */
  expecting: DialogueContext['expecting'];
}

/** The map-bound parts of the world: built once per map. */
export interface AgentSetup {
  map: CabinMap;
  router: Router;
  places: PlacesContext;
  planner: TripPlanner;
  geocoder: Geocoder;
  trafficLights: TrafficLightSource;
}

/**
 * The agent's view of one map: places index, trip planner and geocoder (with
 * the default region's landmarks on the default map, or those given).
 */
export function createAgentSetup(
  map: CabinMap,
  router: Router,
  options: { landmarks?: readonly Landmark[]; trafficLights?: TrafficLightSource; places?: PlacesContext } = {},
): AgentSetup {
  const landmarks = options.landmarks ?? (isDefaultRegion(map) ? defaultRegionLandmarks() : []);
  return {
    map,
    router,
    places: options.places ?? createPlacesContext(map, router),
    planner: new TripPlanner(router),
    geocoder: Geocoder.build(map, { landmarks }),
    trafficLights: options.trafficLights ?? NO_TRAFFIC_LIGHT_DATA,
  };
}

export interface AgentOptions {
  setup: AgentSetup;
  /** Default: the embedded understanding (src/agent/understanding). */
  understand?: UnderstandFn;
  /** Default: in memory. */
  preferences?: PreferenceStore;
  /** Whose preferences. Default 'driver'. */
  driverId?: string;
  /** Answer in this language whatever the driver speaks (the CLI's --lang). */
  language?: Language;
  /** Below this confidence the agent asks the driver to say it again. Default 0.35. */
  minConfidence?: number;
}

type Pending =
  | { kind: 'none' }
  | { kind: 'confirm'; tool: ToolName; effect: ToolEffect; cards: Card[] }
  | { kind: 'slot'; tool: ToolName; args: Record<string, unknown>; slot: string }
  | { kind: 'choose'; tool: ToolName; args: Record<string, unknown>; options: PlaceCard[]; apply: Extract<FollowUp, { kind: 'choose' }>['apply'] };

type ResultCard = Extract<Card, { kind: 'parking' | 'food' | 'place' }>;

interface Reply {
  speech: Spoken;
  cards: Card[];
}

const OK_CANCELLED = say('OK, cancelled.', '好的，已取消。');

/** A conversation with one driver on one map. */
export class Agent {
  private readonly setup: AgentSetup;
  private readonly understandText: UnderstandFn;
  private readonly store: PreferenceStore;
  private readonly driverId: string;
  private readonly minConfidence: number;
  private preferencesNow: DriverPreferences;
  private tripNow: Trip | undefined;
  private pending: Pending = { kind: 'none' };
  /** Results on screen, and which of them is the one being talked about. */
  private results: { items: ResultCard[]; selected: number; from: ToolName } | undefined;
  private lastSearch: { tool: 'find_parking' | 'find_food'; args: Record<string, unknown> } | undefined;
  private language: Language;
  /** The last request's intent (a tool's, not a follow-up's): what "anything cheaper?" refers to. */
  private lastIntent: IntentName | undefined;
  private calls: ToolCallRecord[] = [];

  constructor(private readonly options: AgentOptions) {
    this.setup = options.setup;
    this.understandText = options.understand ?? embeddedUnderstanding;
    this.store = options.preferences ?? new MemoryPreferenceStore();
    this.driverId = options.driverId ?? 'driver';
    this.minConfidence = options.minConfidence ?? 0.35;
    this.preferencesNow = this.store.load(this.driverId);
    this.language = options.language ?? this.preferencesNow.language ?? 'en';
  }

  /** The trip being driven, if any. */
  get trip(): Trip | undefined {
    return this.tripNow;
  }

  /** The driver's preferences as last loaded or set. */
  get preferences(): DriverPreferences {
    return this.preferencesNow;
  }

  /** The world tools see at `input` (for the LLM planner's tools). */
  world(input: TurnInput): AgentWorld {
    return { ...this.setup, vehicle: input.vehicle, now: input.now, trip: this.tripNow, preferences: this.preferencesNow };
  }

  /** What the understanding should know before reading the next utterance (at `now`, for bare clock times). */
  context(now?: Date): DialogueContext {
    const pending = this.pending;
    const names = (pending.kind === 'choose' ? pending.options : (this.results?.items ?? [])).map((c) => nameIn(c.name, this.language));
    const context: DialogueContext = {
      expecting: expectingOf(pending),
      resultNames: names,
      hasResults: names.length > 0,
      awaitingConfirmation: pending.kind === 'confirm',
      navigating: this.tripNow !== undefined,
      language: this.language,
    };
    const lastIntent = pending.kind === 'slot' || pending.kind === 'choose' ? pending.tool : this.lastIntent;
    if (lastIntent !== undefined) context.lastIntent = lastIntent;
    if (pending.kind === 'slot') context.awaitingSlot = pending.slot;
    if (now) {
      const clock = wallClock(now, this.setup.places.timeZone);
      context.timeZoneNow = { hour: clock.hour, minute: clock.minute };
    }
    return context;
  }

  /** How the embedded understanding reads `text` in the present dialogue (without acting on it). */
  understand(text: string, now: Date): Understanding {
    return this.understandText(text, this.context(now));
  }

  /** One exchange: understand `text`, act, and answer in the driver's language. */
  turn(text: string, input: TurnInput): TurnResult {
    const understanding = this.understandText(text, this.context(input.now));
    const intent = understanding.intent.intent;
    const result = this.finish(understanding, (world) => this.respond(understanding, text, world), input);
    if (isToolName(intent)) this.lastIntent = intent;
    return result;
  }

  /**
   * Runs one tool call decided elsewhere (the LLM planner) as if the driver
   * had asked for it: a route change is proposed and waits for yes.
   */
  act(name: ToolName, args: unknown, input: TurnInput, understanding: Understanding): TurnResult {
    return this.finish(understanding, (world) => this.handle(runTool(name, args, world), args), input);
  }

  private finish(understanding: Understanding, respond: (world: AgentWorld) => Reply, input: TurnInput): TurnResult {
    this.calls = [];
    if (!this.options.language) this.language = understanding.language;
    const reply = respond(this.world(input));
    return {
      speech: { text: nameIn(reply.speech, this.language), language: this.language },
      cards: reply.cards,
      understanding,
      toolCalls: this.calls,
      expecting: expectingOf(this.pending),
    };
  }

  private respond(u: Understanding, text: string, world: AgentWorld): Reply {
    const intent = u.intent;
    const pending = this.pending;
    switch (pending.kind) {
      case 'confirm': {
        this.pending = { kind: 'none' };
        if (intent.intent === 'confirm') return intent.slots.yes ? this.apply(pending.effect, pending.tool, pending.cards) : { speech: OK_CANCELLED, cards: [] };
        if (intent.intent === 'cancel' && intent.slots.what !== 'navigation') return { speech: OK_CANCELLED, cards: [] };
        if (intent.intent === 'select') return this.select(intent.slots, world, pending.tool);
        break; // something else: the driver moved on
      }
      case 'choose': {
        this.pending = { kind: 'none' };
        const option = this.chosenOption(intent, text, pending.options);
        if (option) {
          const value = pending.apply === 'placeId' ? option.id : { kind: 'name', name: option.id };
          const args = { ...pending.args, [pending.apply]: value };
          return this.handle(runTool(pending.tool, args, world), args);
        }
        if ((intent.intent === 'confirm' && !intent.slots.yes) || intent.intent === 'cancel') return { speech: OK_CANCELLED, cards: [] };
        break;
      }
      case 'slot': {
        this.pending = { kind: 'none' };
        if ((intent.intent === 'confirm' && !intent.slots.yes) || intent.intent === 'cancel') return { speech: OK_CANCELLED, cards: [] };
        const args = this.fillSlot(pending, intent, text);
        if (args) return this.handle(runTool(pending.tool, args, world), args);
        break;
      }
      case 'none':
        break;
      default: {
        const never: never = pending;
        throw new Error(`unknown pending state ${String(never)}`);
      }
    }
    return this.fresh(u, world);
  }

  /** A request with nothing pending. */
  private fresh(u: Understanding, world: AgentWorld): Reply {
    const intent = u.intent;
    if (intent.intent !== 'out_of_scope' && u.confidence < this.minConfidence) {
      return { speech: say('Sorry, could you say that again?', '抱歉，能再说一遍吗？'), cards: [] };
    }
    switch (intent.intent) {
      case 'confirm':
        return { speech: intent.slots.yes ? say('There is nothing to confirm.', '现在没有需要确认的事。') : say('OK.', '好的。'), cards: [] };
      case 'select':
        return this.select(intent.slots, world, undefined);
      case 'refine':
        return this.refine(intent.slots, world);
      case 'out_of_scope':
        return {
          speech: say("Sorry, I can't help with that. I can plan routes and find parking and food.", '抱歉，这个我帮不了。我可以导航、找停车场和餐厅。'),
          cards: [],
        };
      default: {
        const name = intent.intent;
        if (!isToolName(name)) throw new Error(`intent ${name} has no tool`);
        const args = { ...(intent.slots as Record<string, unknown>) };
        const missing = u.missing.find((slot) => args[slot] === undefined || args[slot] === '');
        if (missing !== undefined) {
          delete args[missing];
          this.pending = { kind: 'slot', tool: name, args, slot: missing };
          return { speech: questionFor(name, missing), cards: [] };
        }
        return this.handle(runTool(name, args, world), args);
      }
    }
  }

  /** Records a tool result and decides what Cabin waits for next. */
  private handle(result: ToolResult, args: unknown): Reply {
    const record: ToolCallRecord = { name: result.tool, args, ok: result.ok, changesRoute: result.changesRoute, applied: false };
    if (result.error !== undefined) record.error = result.error;
    this.calls.push(record);
    const cards = result.data.cards;
    const shown = cards.filter((c): c is ResultCard => c.kind === 'parking' || c.kind === 'food' || c.kind === 'place');
    if (shown.length > 0) this.results = { items: shown, selected: 0, from: result.tool };
    if ((result.tool === 'find_parking' || result.tool === 'find_food') && typeof args === 'object' && args !== null) {
      this.lastSearch = { tool: result.tool, args: { ...(args as Record<string, unknown>) } };
    }
    const followUp = result.followUp;
    if (followUp?.kind === 'missing') {
      this.pending = { kind: 'slot', tool: result.tool, args: { ...(args as Record<string, unknown>) }, slot: followUp.slot };
    } else if (followUp?.kind === 'choose') {
      this.pending = { kind: 'choose', tool: result.tool, args: { ...(args as Record<string, unknown>) }, options: followUp.options, apply: followUp.apply };
    } else if (result.effect) {
      const effect = result.effect;
      if (effect.kind === 'set-preferences') {
        this.preferencesNow = effect.preferences;
        this.store.save(this.driverId, effect.preferences);
        record.applied = true;
      } else if (result.changesRoute) {
        this.pending = { kind: 'confirm', tool: result.tool, effect, cards };
      } else {
        this.apply(effect, result.tool, cards);
        record.applied = true;
      }
    }
    return { speech: result.speech, cards };
  }

  /** Applies a confirmed change. */
  private apply(effect: ToolEffect, tool: ToolName, cards: Card[]): Reply {
    switch (effect.kind) {
      case 'set-trip':
        this.tripNow = effect.trip;
        this.results = undefined; // the screen now shows the route, not the list it was picked from
        break;
      case 'clear-trip':
        this.tripNow = undefined;
        break;
      case 'set-preferences':
        this.preferencesNow = effect.preferences;
        this.store.save(this.driverId, effect.preferences);
        break;
      default: {
        const never: never = effect;
        throw new Error(`unknown effect ${String(never)}`);
      }
    }
    this.calls.push({ name: tool, args: {}, ok: true, changesRoute: effect.kind !== 'set-preferences', applied: true });
    return { speech: effect.kind === 'set-preferences' ? say('OK.', '好的。') : effect.done, cards: cards.filter((c) => c.kind === 'trip') };
  }

  /** "The second one", "go there", "no, the other one": pick a result on screen and offer to drive there. */
  private select(slots: Extract<Intent, { intent: 'select' }>['slots'], world: AgentWorld, proposedBy: ToolName | undefined): Reply {
    const results = this.results;
    if (!results || results.items.length === 0) {
      return { speech: say("I haven't shown you anything to choose from yet.", '现在没有可以选择的结果。'), cards: [] };
    }
    const items = results.items;
    let index = results.selected;
    const item = slots.item;
    if (item?.kind === 'ordinal') {
      index = item.index < 0 ? items.length + item.index : item.index - 1;
      if (index < 0 || index >= items.length) {
        return { speech: say(`There ${items.length === 1 ? 'is only 1 result' : `are only ${items.length} results`}.`, `只有${items.length}个结果。`), cards: [] };
      }
    } else if (item?.kind === 'name') {
      const found = matchByName(items, item.name);
      if (found < 0) return { speech: say(`I don't see "${item.name}" in the results.`, `结果里没有“${item.name}”。`), cards: [] };
      index = found;
    } else if (item?.kind === 'other') {
      if (items.length < 2) return { speech: say('There is no other one.', '没有别的选项了。'), cards: [] };
      index = (results.selected + 1) % items.length;
    }
    results.selected = index;
    const target = items[index]!;
    // Food found along the route becomes a stop on the way; anything else, where the trip goes.
    const addAsStop = (proposedBy === 'add_stop' || (results.from === 'find_food' && target.kind === 'food')) && this.tripNow !== undefined;
    const tool: ToolName = proposedBy === 'add_stop' || addAsStop ? 'add_stop' : 'navigate';
    const args = tool === 'add_stop' ? { place: target.name.en, placeId: target.id } : { placeId: target.id };
    const keep = this.results;
    const reply = this.handle(runTool(tool, args, world), args);
    this.results = keep; // the list stays the one the driver is choosing from
    if (slots.go || item?.kind === 'other' || this.pending.kind !== 'confirm') return reply;
    // Picked without "go": say what it is, then offer to go.
    const offer = tool === 'add_stop' ? say('Stop there on the way?', '要顺路去那里吗？') : say('Go there?', '要去那里吗？');
    return { speech: sentences(describe(target, index), offer), cards: reply.cards };
  }

  /** "Anything cheaper?", "what about Italian?", "closer?": the last search again with the change. */
  private refine(slots: Extract<Intent, { intent: 'refine' }>['slots'], world: AgentWorld): Reply {
    const last = this.lastSearch;
    if (!last) {
      if (slots.cuisine !== undefined) return this.search('find_food', { cuisine: slots.cuisine }, world);
      if (slots.covered !== undefined || slots.maxPricePerHour !== undefined) {
        return this.search('find_parking', { ...(slots.covered !== undefined ? { covered: slots.covered } : {}), ...(slots.maxPricePerHour !== undefined ? { maxPricePerHour: slots.maxPricePerHour } : {}) }, world);
      }
      return { speech: say('What should I look for?', '要找什么？'), cards: [] };
    }
    let tool = last.tool;
    const args: Record<string, unknown> = { ...last.args };
    const shown = this.results?.items ?? [];
    const best = shown[this.results?.selected ?? 0];
    if (slots.cuisine !== undefined) {
      if (tool === 'find_parking') {
        tool = 'find_food';
        for (const key of Object.keys(args)) if (key !== 'near') delete args[key];
      }
      args['cuisine'] = slots.cuisine;
    }
    if (slots.openAt !== undefined && tool === 'find_food') args['openAt'] = slots.openAt;
    if (slots.covered !== undefined && tool === 'find_parking') args['covered'] = slots.covered;
    if (slots.maxPricePerHour !== undefined && tool === 'find_parking') args['maxPricePerHour'] = slots.maxPricePerHour;
    let cheaperThan: Spoken | undefined;
    if (slots.cheaper) {
      if (tool === 'find_parking') {
        const prices = shown.flatMap((c) => (c.kind === 'parking' && c.price ? [c.price.free ? 0 : c.price.perHour] : []));
        const reference = best?.kind === 'parking' && best.price ? (best.price.free ? 0 : best.price.perHour) : prices.length > 0 ? Math.min(...prices) : undefined;
        if (reference === undefined) return { speech: say("None of these show a price, so I can't compare.", '这些停车场都没有标价，无法比较。'), cards: [] };
        if (reference === 0) return { speech: say('That one is already free.', '那个已经是免费的了。'), cards: [] };
        args['maxPricePerHour'] = Math.max(0, Math.round(reference * 100 - 1) / 100);
        const money = best?.kind === 'parking' && best.price && !best.price.free ? best.price.text : say(String(reference), String(reference));
        cheaperThan = say(`Nothing cheaper than ${money.en} an hour nearby.`, `附近没有比每小时${money.zh}更便宜的。`);
      } else {
        const level = best?.kind === 'food' ? best.priceLevel : undefined;
        if (level === 1) return { speech: say("That's already among the cheapest.", '这已经是最便宜的一档了。'), cards: [] };
        args['maxPriceLevel'] = level === undefined ? 1 : level - 1;
        cheaperThan = say('Nothing cheaper open nearby.', '附近没有更便宜的营业餐厅。');
      }
    }
    if (slots.closer && best) {
      if (best.kind === 'parking') args['maxWalkM'] = Math.max(50, best.walkM - 1);
      else if (best.kind === 'food' && best.detourMinutes !== undefined) args['maxDetourMinutes'] = Math.max(0, best.detourMinutes - 1);
      else if (best.kind === 'food') args['withinM'] = Math.max(50, best.distanceM - 1);
    }
    const reply = this.search(tool, args, world);
    if (cheaperThan && reply.cards.length === 0) return { speech: cheaperThan, cards: [] };
    return reply;
  }

  private search(tool: 'find_parking' | 'find_food', args: Record<string, unknown>, world: AgentWorld): Reply {
    return this.handle(runTool(tool, args, world), args);
  }

  /** The option of an ambiguity question the driver picked, by position, by name, or by yes (the first). */
  private chosenOption(intent: Intent, text: string, options: readonly PlaceCard[]): PlaceCard | undefined {
    switch (intent.intent) {
      case 'select': {
        const item = intent.slots.item;
        if (!item) return options[0];
        if (item.kind === 'ordinal') return options[item.index < 0 ? options.length + item.index : item.index - 1];
        if (item.kind === 'other') return options[1];
        const found = matchByName(options, item.name);
        return found >= 0 ? options[found] : undefined;
      }
      case 'confirm':
        return intent.slots.yes ? options[0] : undefined;
      case 'navigate': {
        const found = intent.slots.destination !== undefined ? matchByName(options, intent.slots.destination) : -1;
        return found >= 0 ? options[found] : undefined;
      }
      case 'add_stop': {
        const found = matchByName(options, intent.slots.place);
        return found >= 0 ? options[found] : undefined;
      }
      default: {
        const found = matchByName(options, text);
        return found >= 0 ? options[found] : undefined;
      }
    }
  }

  /** The arguments with the asked-for slot filled from the answer, or undefined when the answer is about something else. */
  private fillSlot(pending: Extract<Pending, { kind: 'slot' }>, intent: Intent, text: string): Record<string, unknown> | undefined {
    if (intent.intent === pending.tool) {
      const merged = { ...pending.args };
      for (const [key, value] of Object.entries(intent.slots)) if (value !== undefined) merged[key] = value;
      return merged;
    }
    const answer = text.trim().replace(/[。.!！?？]+$/u, '');
    if (answer === '') return undefined;
    // A bare name answers "where to?" whatever the understanding made of it.
    const named = intent.intent === 'navigate' ? intent.slots.destination : intent.intent === 'add_stop' ? intent.slots.place : undefined;
    const placeLike = named ?? (intent.intent === 'out_of_scope' || intent.intent === 'select' ? answer : undefined);
    switch (pending.slot) {
      case 'destination':
      case 'place':
        return placeLike !== undefined ? { ...pending.args, [pending.slot]: placeLike } : undefined;
      case 'stop':
        return placeLike !== undefined ? { ...pending.args, stop: { kind: 'name', name: placeLike } } : undefined;
      case 'toPosition': {
        const n = Number(/-?\d+/.exec(answer)?.[0]);
        return Number.isInteger(n) ? { ...pending.args, toPosition: n } : undefined;
      }
      case 'cuisine':
        return { ...pending.args, cuisine: answer };
      default:
        return undefined;
    }
  }
}

function expectingOf(pending: Pending): DialogueContext['expecting'] {
  switch (pending.kind) {
    case 'none':
      return 'nothing';
    case 'confirm':
      return 'confirmation';
    case 'slot':
      return 'slot';
    case 'choose':
      return 'choice';
    default: {
      const never: never = pending;
      throw new Error(`unknown pending state ${String(never)}`);
    }
  }
}

function nameIn(spoken: Spoken, language: Language): string {
  return language === 'zh' ? spoken.zh : spoken.en;
}

/** The result whose name the driver said (either language, loosely), or -1 when none or several fit. */
function matchByName(items: readonly Target[], name: string): number {
  const wanted = normaliseName(name).replace(/ /g, '');
  if (wanted === '') return -1;
  const exact = items.findIndex((t) => [t.name.en, t.name.zh].some((n) => normaliseName(n).replace(/ /g, '') === wanted));
  if (exact >= 0) return exact;
  const partial = items
    .map((t, i) => ({ i, names: [t.name.en, t.name.zh].map((n) => normaliseName(n).replace(/ /g, '')) }))
    .filter(({ names }) => names.some((n) => n.includes(wanted) || (n.length >= 2 && wanted.includes(n))));
  return partial.length === 1 ? partial[0]!.i : -1;
}

/** "Number 2: Xingguo Road Car Park, 400 m walk." */
function describe(card: ResultCard, index: number): Spoken {
  const n = index + 1;
  const facts: Spoken[] = [];
  if (card.kind === 'parking') {
    facts.push(say(`${distance(card.walkM).en} walk`, `步行${distance(card.walkM).zh}`));
    if (card.price) facts.push(card.price.free ? say('free', '免费') : say(`${card.price.text.en} an hour`, `每小时${card.price.text.zh}`));
  } else if (card.kind === 'food') {
    if (card.cuisines[0]) facts.push(card.cuisines[0]);
    if (card.detourMinutes !== undefined) {
      facts.push(card.detourMinutes < 1 ? say('hardly any detour', '几乎不绕路') : say(`${card.detourMinutes} min detour`, `绕行${card.detourMinutes}分钟`));
    }
  } else if (card.distanceM !== undefined) {
    facts.push(say(`${distance(card.distanceM).en} away`, `距离${distance(card.distanceM).zh}`));
  }
  const en = facts.length > 0 ? `: ${facts.map((f) => f.en).join(', ')}` : '';
  const zh = facts.length > 0 ? `，${facts.map((f) => f.zh).join('，')}` : '';
  return say(`Number ${n}, ${card.name.en}${en}.`, `第${n}个，${card.name.zh}${zh}。`);
}

/** The question for a slot the request lacks. */
function questionFor(tool: ToolName, slot: string): Spoken {
  switch (slot) {
    case 'destination':
      return say('Where to?', '去哪里？');
    case 'place':
      return tool === 'add_stop' ? say('Which place should I add?', '要添加哪个地方？') : say('Which place?', '哪个地方？');
    case 'stop':
      return say('Which stop?', '哪一站？');
    case 'toPosition':
      return say('Move it to which position?', '调到第几站？');
    case 'cuisine':
      return say('What kind of food?', '想吃什么？');
    case 'at':
      return say('At what time?', '什么时间？');
    default:
      return say('Could you tell me a bit more?', '能再具体一点吗？');
  }
}

