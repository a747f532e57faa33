import { z } from 'zod';

/** A sentence in both of Cabin's languages. */
export interface Bilingual {
  en: string;
  zh: string;
}

/** What running a tool gives back; the same shape as the tool registry's results. */
export interface ToolOutcome {
  /** Facts for the model; sent as JSON data, never as instructions. */
  data: unknown;
  /** Cabin's own sentence about the result, if the tool has one. */
  speech?: Bilingual;
  /**
   * The result proposes a route change (e.g. `select` with `go`): the planner
   * turns it into a confirmation instead of letting the model continue.
   */
  changesRoute?: boolean;
}

/** A JSON Schema object describing a tool's arguments. */
export type JsonSchemaObject = { type: 'object' } & Record<string, unknown>;

/**
 * A tool as the planner sees it. The planner depends on this interface only,
 * not on the tool registry; `plannerTool` builds one from a zod schema.
 */
export interface PlannerTool {
  readonly name: string;
  /** What the tool does, for the model. */
  readonly description: string;
  /** Validates the model's arguments; `run` receives its output. */
  readonly schema: z.ZodType;
  /** The arguments' JSON Schema as the model sees it. */
  readonly parameters: JsonSchemaObject;
  /**
   * Whether a call changes the route (navigate, stops, cancel). Such calls are
   * never run by the planner: they come back as a confirmation for the driver.
   * A function decides per call (`select` changes the route only with `go`).
   */
  readonly changesRoute: boolean | ((args: unknown) => boolean);
  /** The confirmation question for a route-changing call; `confirmQuestion` in ./messages.ts otherwise. */
  readonly confirm?: (args: unknown) => Bilingual;
  /** Runs the tool with validated arguments. Must not change the route itself. */
  run(args: unknown): Promise<ToolOutcome> | ToolOutcome;
}

/** The fields `plannerTool` needs, typed by the arguments' schema. */
export interface PlannerToolSpec<S extends z.ZodType> {
  name: string;
  description: string;
  schema: S;
  changesRoute: boolean | ((args: z.output<S>) => boolean);
  confirm?: (args: z.output<S>) => Bilingual;
  run(args: z.output<S>): Promise<ToolOutcome> | ToolOutcome;
}

/** A `PlannerTool` from a zod schema: the schema validates the arguments and generates their JSON Schema. */
export function plannerTool<S extends z.ZodType>(spec: PlannerToolSpec<S>): PlannerTool {
  // The planner only passes `run`, `changesRoute` and `confirm` values that `schema` produced.
  const typed = (args: unknown) => args as z.output<S>;
  const { changesRoute, confirm } = spec;
  return {
    name: spec.name,
    description: spec.description,
    schema: spec.schema,
    parameters: toolParameters(spec.schema),
    changesRoute: typeof changesRoute === 'function' ? (args) => changesRoute(typed(args)) : changesRoute,
    ...(confirm ? { confirm: (args: unknown) => confirm(typed(args)) } : {}),
    run: (args) => spec.run(typed(args)),
  };
}

/** The JSON Schema a model sees for a zod arguments schema (input side; no `$schema`, which some servers reject). */
export function toolParameters(schema: z.ZodType): JsonSchemaObject {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  if (json['type'] !== 'object') throw new Error(`tool arguments must be a zod object schema; got JSON Schema type ${JSON.stringify(json['type'])}`);
  return json as JsonSchemaObject;
}

export type ParsedArguments = { ok: true; args: unknown } | { ok: false; problems: string[] };

/**
 * A model's argument string, parsed as JSON and validated by the tool's
 * schema; on failure, one line per problem, worded for the model to fix.
 */
export function parseToolArguments(tool: PlannerTool, text: string): ParsedArguments {
  let json: unknown;
  try {
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`arguments are not valid JSON (${(error as Error).message}); send one JSON object`] };
  }
  const result = tool.schema.safeParse(json);
  if (result.success) return { ok: true, args: result.data };
  return { ok: false, problems: [...new Set(result.error.issues.flatMap((issue) => describeIssue(issue, [])))] };
}

function describeIssue(issue: z.core.$ZodIssue, prefix: PropertyKey[]): string[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // "Invalid input" says nothing; the alternatives' own complaints say what would fit.
    return issue.errors.flatMap((alternative) => alternative.flatMap((inner) => describeIssue(inner, path)));
  }
  const where = path.length === 0 ? 'arguments' : path.map(String).join('.');
  return [`${where}: ${issue.message}`];
}
