/**
 * The LLM planner: an optional upgrade of the agent that plans turns with an
 * OpenAI-compatible chat endpoint and falls back to the embedded path.
 * See docs/agent-llm.md.
 */
export { LLM_ENV, LlmConfig, type LlmConfigResult, llmConfigFromEnv } from './config.ts';
export { type DialogueMessage, type Language, SYSTEM_PROMPT, confirmQuestion, driverLanguage, toolResultContent } from './messages.ts';
export {
  type Bilingual,
  type JsonSchemaObject,
  type ParsedArguments,
  type PlannerTool,
  type PlannerToolSpec,
  type ToolOutcome,
  parseToolArguments,
  plannerTool,
  toolParameters,
} from './planner-tool.ts';
export {
  type FallbackReason,
  type LlmOutcome,
  type LlmPlanner,
  type LlmPlannerOptions,
  type PlannerResult,
  type PlannerTrace,
  type PlannerTurn,
  type ToolCallRecord,
  createLlmPlanner,
  describeFallback,
} from './planner.ts';
