import type { ContentBlock, MessageParam, TextBlock, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import { secretValues, type Config } from "../config";
import type { ToolContext, WakeMessage } from "../contracts";
import {
  createAnthropic,
  createMessageWithRetries,
  EngineUnavailableError,
  modelCallSettings,
  type EngineError,
} from "./model-call";
import { addUsage, estimateUsageCost, ZERO_USAGE, type TokenUsage } from "./cost";
import { SYSTEM_BLOCKS } from "./system-prompt";
import { reasoningToolSpecs } from "./tool-use";
import { refuseToolUse, runToolUse, type ToolCallRecord, type ToolCallRefusal } from "./tool-use";
import { wakePrompt } from "./wake-prompt";

export interface LoopLimits {
  max_turns: number;
  /** Wall time for the whole loop, well under the consumer's 15 minutes. */
  deadline_ms: number;
  /** `max_tokens` of each model call; by default the model's own (`modelCallSettings`). */
  max_tokens?: number;
  /** Tool calls run per model turn; the turn's further calls are refused. */
  max_tool_calls_per_turn: number;
  /** Tool calls run per investigation; later ones are refused. */
  max_tool_calls: number;
}

/**
 * A triage is a few reads and at most a fix per target and one email. The caps keep one turn of
 * an injected "restart everything" (or a model stuck calling tools) from outlasting the consumer:
 * the deadline is checked before every call, not only between model calls, and the caps bound
 * how much one turn and one investigation can do before the deadline is even near.
 */
export const DEFAULT_LOOP_LIMITS: LoopLimits = {
  max_turns: 8,
  deadline_ms: 5 * 60_000,
  max_tool_calls_per_turn: 8,
  max_tool_calls: 24,
};

/** How the loop ended; everything but `engine_failed` produced a summary from the model. */
export type LoopEnd = "end_turn" | "max_tokens" | "refusal" | "max_turns" | "deadline" | "engine_failed";

export interface ReasoningOutcome {
  model: string;
  end: LoopEnd;
  turns: number;
  usage: TokenUsage;
  cost_usd: number;
  /** The model's final text (empty when the engine failed before it wrote one). */
  summary: string;
  tool_calls: ToolCallRecord[];
  engine_error?: EngineError;
}

/**
 * The explicit tool loop of DESIGN §5: `messages.create`, then each `tool_use` parsed and run
 * through the registry (gates and audit inside the tools), until the model ends its turn or a
 * bound is reached: turns, tokens, tool calls per turn and per investigation, and the deadline,
 * checked before every model call and every tool call (a refused call still gets its result).
 * The model never acts by itself: only `runToolUse` does, one call at a time, with the wake's
 * caller_session_id and `source: "reasoning"`.
 */
export async function runReasoningLoop(input: {
  wake: WakeMessage;
  config: Config;
  api_key: string;
  model: string;
  ctx: ToolContext;
  limits?: Partial<LoopLimits>;
  clock?: () => number;
}): Promise<ReasoningOutcome> {
  const limits = { ...DEFAULT_LOOP_LIMITS, ...input.limits };
  const clock = input.clock ?? Date.now;
  const deadline = clock() + limits.deadline_ms;
  const client = createAnthropic(input.api_key, input.config.ANTHROPIC_BASE_URL);
  const settings = modelCallSettings(input.model, input.config.KORA_MODEL_EFFORT);
  const maxTokens = limits.max_tokens ?? settings.max_tokens;
  const tools = reasoningToolSpecs();
  const secrets = secretValues(input.ctx.env);
  const messages: MessageParam[] = [{ role: "user", content: wakePrompt(input.wake, input.config, secrets) }];
  const toolCalls: ToolCallRecord[] = [];
  let usage = ZERO_USAGE;
  let turns = 0;
  let lastText = "";
  let toolCallsRun = 0;

  /** Why the next call may not run, checked before each one. */
  const refusalBefore = (ranThisTurn: number): [ToolCallRefusal, number] | null => {
    if (clock() >= deadline) return ["deadline", limits.deadline_ms];
    if (ranThisTurn >= limits.max_tool_calls_per_turn) return ["turn_limit", limits.max_tool_calls_per_turn];
    if (toolCallsRun >= limits.max_tool_calls) return ["investigation_limit", limits.max_tool_calls];
    return null;
  };

  const finish = (end: LoopEnd, engineError?: EngineError): ReasoningOutcome => ({
    model: input.model,
    end,
    turns,
    usage,
    cost_usd: estimateUsageCost(input.model, usage),
    summary: lastText,
    tool_calls: toolCalls,
    ...(engineError ? { engine_error: engineError } : {}),
  });

  while (turns < limits.max_turns) {
    if (clock() >= deadline) return finish("deadline");
    let response;
    try {
      response = await createMessageWithRetries(
        client,
        {
          model: input.model,
          max_tokens: maxTokens,
          ...(settings.output_config ? { output_config: settings.output_config } : {}),
          system: SYSTEM_BLOCKS,
          tools,
          // Never forced (`any`/`tool`), never a sampling parameter, a thinking budget or a
          // prefill: the thinking models answer those with a 400.
          tool_choice: { type: "auto" },
          messages,
        },
        deadline,
        clock,
      );
    } catch (error) {
      if (error instanceof EngineUnavailableError) return finish("engine_failed", error.engine);
      throw error;
    }
    turns += 1;
    usage = addUsage(usage, {
      input_tokens: response.usage.input_tokens,
      output_tokens: response.usage.output_tokens,
      cache_creation_input_tokens: response.usage.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: response.usage.cache_read_input_tokens ?? 0,
    });
    const text = textOf(response.content);
    if (text) lastText = text;
    // The assistant turn goes back unchanged: thinking blocks are signed, and a thinking model
    // refuses a tool result whose turn lost or altered them.
    messages.push({ role: "assistant", content: response.content });

    switch (response.stop_reason) {
      case "tool_use": {
        const uses = response.content.filter((block): block is ToolUseBlock => block.type === "tool_use");
        const results = [];
        let ranThisTurn = 0;
        for (const use of uses) {
          const refusal = refusalBefore(ranThisTurn);
          const { result, record } = refusal
            ? refuseToolUse(use, input.ctx, ...refusal)
            : await runToolUse(use, input.ctx);
          if (!refusal) {
            ranThisTurn += 1;
            toolCallsRun += 1;
          }
          toolCalls.push(record);
          results.push(result);
        }
        // Past the deadline the loop ends at the top, without another model call.
        messages.push({ role: "user", content: results });
        continue;
      }
      case "pause_turn":
        continue;
      case "max_tokens":
        return finish("max_tokens");
      case "refusal":
        return finish("refusal");
      default:
        return finish("end_turn");
    }
  }
  return finish("max_turns");
}

function textOf(content: ContentBlock[]): string {
  return content
    .filter((block): block is TextBlock => block.type === "text")
    .map((block) => block.text)
    .join("\n")
    .trim();
}
