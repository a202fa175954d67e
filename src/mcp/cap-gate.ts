import type { McpCaller } from "../config";
import type { ToolDefinition } from "../tools/tool";

export type CapGateResult = { allowed: true } | { allowed: false; reason: "missing_cap"; missing_cap: string };

/**
 * Default-deny for MCP callers: a tool marked `requiresCapGate` runs only when the caller's
 * `caps` name it exactly. Read tools are open to every known caller. Pure, so the rule is
 * tested without a request.
 */
export function checkToolCap(tool: Pick<ToolDefinition, "name" | "requiresCapGate">, caller: McpCaller): CapGateResult {
  if (!tool.requiresCapGate || caller.caps.includes(tool.name)) return { allowed: true };
  return { allowed: false, reason: "missing_cap", missing_cap: tool.name };
}
