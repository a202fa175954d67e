import type { Tool, ToolResultBlockParam, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import { z } from "zod";
import { AuditWriteError } from "../audit/record";
import { redactSecrets, redactThenClip } from "../audit/redact";
import { secretValues } from "../config";
import { AutofixAttemptDetails, type ToolContext, zodProblems } from "../contracts";
import { AUTOFIX_TOOL_NAME, getTool, REASONING_TOOL_ALLOWLIST } from "../tools";
import type { ToolDefinition } from "../tools";
import { fenced, fencedJson } from "./fence";

/** A tool's zod input as the JSON Schema the Messages API reads (`type: "object"` at the top). */
export function inputSchemaOf(tool: ToolDefinition): Tool.InputSchema {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.input, { io: "input" }) as Record<string, unknown>;
  return { ...schema, type: "object" };
}

/**
 * The tools offered to the model: the allowlist, in its fixed order, with one cache breakpoint
 * on the last. Built from definitions only, so the bytes are the same for every wake and the
 * second investigation reads them (and the system prompt after them) from the cache.
 */
export function reasoningToolSpecs(): Tool[] {
  const tools = REASONING_TOOL_ALLOWLIST.map((name) => getTool(name)).filter(
    (tool): tool is ToolDefinition => tool !== undefined,
  );
  return tools.map((tool, index) => ({
    name: tool.name,
    description: tool.description,
    input_schema: inputSchemaOf(tool),
    ...(index === tools.length - 1 ? { cache_control: { type: "ephemeral" as const } } : {}),
  }));
}

/** Keeps one tool answer from filling the context window. */
export const MAX_TOOL_RESULT_CHARS = 16_000;

/** Why the loop did not run a tool call the model asked for (loop.ts bounds). */
export type ToolCallRefusal = "deadline" | "turn_limit" | "investigation_limit";

export interface ToolCallRecord {
  name: string;
  is_error: boolean;
  /** The tool's structured answer (absent for unknown tools and bad inputs). */
  content?: unknown;
  /** Set when the loop refused to run the call at all. */
  refused?: ToolCallRefusal;
}

type ToolUseOutcome = { result: ToolResultBlockParam; record: ToolCallRecord };

/**
 * A tool's answer as the model reads it: secrets redacted, then the JSON clipped, then fenced as
 * untrusted data. Every answer, Kora's own errors included: they quote the model's tool name,
 * a provider's error text or rows other callers wrote.
 */
function toolAnswer(block: ToolUseBlock, ctx: ToolContext, content: unknown, isError: boolean): ToolUseOutcome {
  const { value } = redactSecrets(content, secretValues(ctx.env));
  let json = fencedJson(value ?? null);
  if (json.length > MAX_TOOL_RESULT_CHARS) json = `${json.slice(0, MAX_TOOL_RESULT_CHARS)}… [truncated]`;
  return {
    result: {
      type: "tool_result" as const,
      tool_use_id: block.id,
      content: fenced("untrusted_tool_result", json),
      ...(isError ? { is_error: true } : {}),
    },
    record: { name: block.name, is_error: isError, ...(content === undefined ? {} : { content: value }) },
  };
}

const REFUSAL_MESSAGES: Record<ToolCallRefusal, (limit: number) => string> = {
  deadline: () => "the investigation's deadline has passed: no more tool calls run; write the summary now",
  turn_limit: (limit) => `at most ${limit} tool calls run per turn; ask again next turn if it is still needed`,
  investigation_limit: (limit) =>
    `this investigation has used its ${limit} tool calls: no more run; write the summary now`,
};

/** A call the loop will not run: the model still gets a result for it (the API needs one), saying why. */
export function refuseToolUse(block: ToolUseBlock, ctx: ToolContext, reason: ToolCallRefusal, limit: number) {
  const outcome = toolAnswer(
    block,
    ctx,
    { error: "tool_call_refused", reason, message: REFUSAL_MESSAGES[reason](limit) },
    true,
  );
  return { result: outcome.result, record: { name: block.name, is_error: true, refused: reason } };
}

const ALLOWED = new Set<string>(REASONING_TOOL_ALLOWLIST);

/**
 * Runs one `tool_use` from the model. An unknown or disallowed tool, an input that fails the
 * tool's zod schema, and a tool that throws all come back to the model as `is_error` results
 * with a message naming what was wrong — the loop goes on, and the model can correct itself.
 */
export async function runToolUse(block: ToolUseBlock, ctx: ToolContext): Promise<ToolUseOutcome> {
  const answer = (content: unknown, isError: boolean) => toolAnswer(block, ctx, content, isError);

  const tool = ALLOWED.has(block.name) ? getTool(block.name) : undefined;
  if (!tool) {
    const asked = block.name.slice(0, 100);
    return answer({ error: `unknown tool "${asked}"; available: ${[...ALLOWED].join(", ")}` }, true);
  }
  const parsed = tool.input.safeParse(block.input ?? {});
  if (!parsed.success) {
    const problems = zodProblems(parsed.error, { root: "input" });
    return answer({ error: `invalid input for ${tool.name}`, problems }, true);
  }
  try {
    const output = await tool.run(parsed.data, ctx);
    return answer(output.content, output.isError === true);
  } catch (error) {
    // Audit write failures must fail the investigation (it is retried), not turn into a tool error.
    if (error instanceof AuditWriteError) throw error;
    const name = error instanceof Error ? error.name : "Error";
    // Redacted before it is clipped: a provider error that echoes a token across the cut would
    // otherwise hand the model the token's first characters.
    const message = redactThenClip(error instanceof Error ? error.message : String(error), secretValues(ctx.env), 500);
    return answer({ error: `${tool.name} failed: ${name}: ${message}` }, true);
  }
}

/** The fix attempts of one loop, in order; an answer that does not parse is not a fix result. */
export function fixAttemptsFrom(calls: readonly ToolCallRecord[]): AutofixAttemptDetails[] {
  return calls
    .filter((call) => call.name === AUTOFIX_TOOL_NAME && !call.is_error)
    .map((call) => AutofixAttemptDetails.safeParse(call.content))
    .filter((parsed) => parsed.success)
    .map((parsed) => parsed.data);
}

/** An action reached the provider (a refusal and a shadowed decision send nothing). */
export function anyFixActionSent(attempts: readonly AutofixAttemptDetails[]): boolean {
  return attempts.some((attempt) => attempt.status !== "rejected" && attempt.status !== "shadowed");
}
