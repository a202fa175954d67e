import type { ToolResultBlockParam, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages";
import { AuditWriteError } from "../audit/record";
import { redactSecrets } from "../audit/redact";
import { secretValues } from "../config";
import { getTool, REASONING_TOOL_ALLOWLIST } from "../tools/registry";
import type { ToolContext } from "../tools/tool";

/** Keeps one tool answer from filling the context window. */
export const MAX_TOOL_RESULT_CHARS = 16_000;

export interface ToolCallRecord {
  name: string;
  is_error: boolean;
  /** The tool's structured answer (absent for unknown tools and bad inputs). */
  content?: unknown;
}

const ALLOWED = new Set<string>(REASONING_TOOL_ALLOWLIST);

/**
 * Runs one `tool_use` from the model. An unknown or disallowed tool, an input that fails the
 * tool's zod schema, and a tool that throws all come back to the model as `is_error` results
 * with a message naming what was wrong — the loop goes on, and the model can correct itself.
 */
export async function runToolUse(
  block: ToolUseBlock,
  ctx: ToolContext,
): Promise<{ result: ToolResultBlockParam; record: ToolCallRecord }> {
  const answer = (content: unknown, isError: boolean) => {
    const { value } = redactSecrets(content, secretValues(ctx.env));
    let text = typeof value === "string" ? value : JSON.stringify(value);
    if (text.length > MAX_TOOL_RESULT_CHARS) text = `${text.slice(0, MAX_TOOL_RESULT_CHARS)}… [truncated]`;
    return {
      result: {
        type: "tool_result" as const,
        tool_use_id: block.id,
        content: text,
        ...(isError ? { is_error: true } : {}),
      },
      record: { name: block.name, is_error: isError, ...(content === undefined ? {} : { content: value }) },
    };
  };

  const tool = ALLOWED.has(block.name) ? getTool(block.name) : undefined;
  if (!tool) {
    return answer({ error: `unknown tool "${block.name}"; available: ${[...ALLOWED].join(", ")}` }, true);
  }
  const parsed = tool.input.safeParse(block.input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`);
    return answer({ error: `invalid input for ${tool.name}`, problems }, true);
  }
  try {
    const output = await tool.run(parsed.data, ctx);
    return answer(output.content, output.isError === true);
  } catch (error) {
    // Audit write failures must fail the investigation (it is retried), not turn into a tool error.
    if (error instanceof AuditWriteError) throw error;
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? error.message : String(error);
    return answer({ error: `${tool.name} failed: ${name}: ${message.slice(0, 500)}` }, true);
  }
}
