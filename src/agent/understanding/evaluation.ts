/**
 * The evaluation of the understanding against a labelled set: parsing and
 * checking the set, and the measures `npm run eval` prints and the tests
 * assert. Pure: the caller reads the files.
 */
import { z } from 'zod';
import { INTENT_NAMES, INTENT_SCHEMAS, type IntentName } from '../intents.ts';
import { understand, type UnderstandingContext } from './understand.ts';

/** One labelled utterance. */
export interface EvalItem {
  text: string;
  context?: UnderstandingContext;
  intent: IntentName;
  slots: Record<string, unknown>;
  /** 1-based line in its file, for messages. */
  line: number;
}

const ContextSchema = z
  .object({
    lastIntent: z.enum(INTENT_NAMES as [IntentName, ...IntentName[]]).optional(),
    hasResults: z.boolean().optional(),
    awaitingConfirmation: z.boolean().optional(),
    awaitingSlot: z.string().min(1).optional(),
    timeZoneNow: z.object({ hour: z.number().int().min(0).max(23), minute: z.number().int().min(0).max(59) }).strict().optional(),
  })
  .strict();

const LineSchema = z
  .object({
    text: z.string().min(1),
    context: ContextSchema.optional(),
    intent: z.enum(INTENT_NAMES as [IntentName, ...IntentName[]]),
    slots: z.record(z.string(), z.unknown()),
  })
  .strict();

/**
 * Parses a JSONL evaluation set and checks every label against its intent's
 * schema (unknown slot names included). Throws naming the file and line.
 */
export function loadEvalSet(jsonl: string, source: string): EvalItem[] {
  const items: EvalItem[] = [];
  const lines = jsonl.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new Error(`${source}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    const parsed = LineSchema.safeParse(value);
    if (!parsed.success) throw new Error(`${source}:${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    const { text, context, intent, slots } = parsed.data;
    const slotCheck = INTENT_SCHEMAS[intent].strict().safeParse(slots);
    if (!slotCheck.success) {
      throw new Error(`${source}:${i + 1}: slots of ${intent}: ${slotCheck.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    }
    const item: EvalItem = { text, intent, slots, line: i + 1 };
    if (context) item.context = context as UnderstandingContext;
    items.push(item);
  }
  return items;
}

/** JSON with object keys sorted, so equal slots print equal. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A wrong answer, for the report. */
export interface Miss {
  kind: 'intent' | 'slots';
  text: string;
  line: number;
  want: { intent: string; slots: unknown };
  got: { intent: string; slots: unknown };
}

/** The measures for one language. */
export interface LanguageReport {
  total: number;
  outOfScopeLabelled: number;
  intentAccuracy: number;
  /** Share of utterances with the right intent whose slots deep-equal the label. */
  slotExactMatch: number;
  /** Intent and slots both right. */
  taskSuccess: number;
  outOfScopePrecision: number;
  outOfScopeRecall: number;
  /** Out-of-scope requests understood as some tool's intent. */
  outOfScopeToTool: number;
  confusions: { label: string; got: string; count: number }[];
  misses: Miss[];
}

/** Runs the understanding over `items` and measures it. */
export function evaluate(items: readonly EvalItem[]): LanguageReport {
  let intentRight = 0;
  let slotsRight = 0;
  let oosLabelled = 0;
  let oosPredicted = 0;
  let oosBoth = 0;
  let oosToTool = 0;
  const confusion = new Map<string, number>();
  const misses: Miss[] = [];
  for (const item of items) {
    const u = understand(item.text, item.context);
    const got = u.intent;
    const want = { intent: item.intent, slots: item.slots };
    if (item.intent === 'out_of_scope') oosLabelled++;
    if (got.intent === 'out_of_scope') oosPredicted++;
    if (item.intent === 'out_of_scope' && got.intent === 'out_of_scope') oosBoth++;
    if (item.intent === 'out_of_scope' && got.intent !== 'out_of_scope') oosToTool++;
    if (got.intent === item.intent) {
      intentRight++;
      if (canonical(got.slots) === canonical(item.slots)) slotsRight++;
      else misses.push({ kind: 'slots', text: item.text, line: item.line, want, got: { intent: got.intent, slots: got.slots } });
    } else {
      const key = `${item.intent}\u0000${got.intent}`;
      confusion.set(key, (confusion.get(key) ?? 0) + 1);
      misses.push({ kind: 'intent', text: item.text, line: item.line, want, got: { intent: got.intent, slots: got.slots } });
    }
  }
  const confusions = [...confusion.entries()]
    .map(([key, count]) => {
      const [label, gotIntent] = key.split('\u0000') as [string, string];
      return { label, got: gotIntent, count };
    })
    .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
  const total = items.length;
  return {
    total,
    outOfScopeLabelled: oosLabelled,
    intentAccuracy: total === 0 ? 0 : intentRight / total,
    slotExactMatch: intentRight === 0 ? 0 : slotsRight / intentRight,
    taskSuccess: total === 0 ? 0 : slotsRight / total,
    outOfScopePrecision: oosPredicted === 0 ? 1 : oosBoth / oosPredicted,
    outOfScopeRecall: oosLabelled === 0 ? 1 : oosBoth / oosLabelled,
    outOfScopeToTool: oosToTool,
    confusions,
    misses,
  };
}
