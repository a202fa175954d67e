import type { Tool } from "@anthropic-ai/sdk/resources/messages";
import { z } from "zod";
import { getTool, REASONING_TOOL_ALLOWLIST } from "../tools/registry";
import type { ToolDefinition } from "../tools/tool";

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
