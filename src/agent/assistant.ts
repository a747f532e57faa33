import type { Agent, TurnInput, TurnResult } from './dialogue.ts';
import { TOOLS, TOOL_NAMES, isToolName, runTool, type AgentWorld } from './tools.ts';
import {
  describeFallback,
  plannerTool,
  type DialogueMessage,
  type LlmPlanner,
  type PlannerTool,
} from './llm/index.ts';

/** A turn's answer and which path produced it. */
export interface AssistantTurn {
  turn: TurnResult;
  path: 'llm' | 'embedded';
  /** Why the embedded path answered when a planner was configured. */
  note?: string;
}

/** The agent's tools as the LLM planner sees them, bound to one world. */
export function plannerToolsFor(world: AgentWorld): PlannerTool[] {
  return TOOL_NAMES.map((name) => {
    const tool = TOOLS[name];
    return plannerTool({
      name,
      description: tool.description,
      schema: tool.schema,
      changesRoute: tool.changesRoute,
      run: (args) => runTool(name, args, world),
    });
  });
}

/**
 * The assistant a driver talks to: the embedded dialogue, upgraded by an LLM
 * planner when one is configured. Answers to Cabin's own questions (yes/no,
 * a missing slot, a choice) stay on the embedded path, which holds that
 * state; a route change the model asks for becomes a question the driver
 * must confirm, exactly as on the embedded path.
 */
export class Assistant {
  private readonly history: DialogueMessage[] = [];

  constructor(
    readonly agent: Agent,
    private readonly planner?: LlmPlanner,
  ) {}

  async turn(text: string, input: TurnInput): Promise<AssistantTurn> {
    const answered = await this.answer(text, input);
    this.history.push({ role: 'driver', text }, { role: 'cabin', text: answered.turn.speech.text });
    if (this.history.length > 16) this.history.splice(0, this.history.length - 16);
    return answered;
  }

  private async answer(text: string, input: TurnInput): Promise<AssistantTurn> {
    const expecting = this.agent.context(input.now).expecting;
    if (!this.planner || expecting !== 'nothing') return { turn: this.agent.turn(text, input), path: 'embedded' };
    const result = await this.planner.turn({
      text,
      history: [...this.history],
      tools: plannerToolsFor(this.agent.world(input)),
      fallback: () => this.agent.turn(text, input),
    });
    if (result.path === 'embedded') return { turn: result.answer, path: 'embedded', note: describeFallback(result.reason) };
    const { outcome } = result;
    const understanding = this.agent.understand(text, input.now);
    if (outcome.kind === 'confirm' && isToolName(outcome.tool)) {
      return { turn: this.agent.act(outcome.tool, outcome.args, input, understanding), path: 'llm' };
    }
    const speech = outcome.kind === 'answer' ? outcome.text : outcome.question[outcome.language];
    return {
      turn: { speech: { text: speech, language: outcome.language }, cards: [], understanding, toolCalls: [], expecting: 'nothing' },
      path: 'llm',
    };
  }
}
