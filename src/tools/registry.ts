import { attemptProbeAutofixTool } from "./attempt-probe-autofix";
import { getFlyMachineTool } from "./get-fly-machine";
import { getProbeStatusTool } from "./get-probe-status";
import { listFixEnvelopesTool } from "./list-fix-envelopes";
import { listFlyMachinesTool } from "./list-fly-machines";
import { queryAuditTool } from "./query-audit";
import { sendEmailToOperatorTool } from "./send-email-to-operator";
import type { ToolDefinition } from "./tool";
export { AUTOFIX_TOOL_NAME, MUTATING_TOOLS, REASONING_TOOL_ALLOWLIST, TOOL_NAMES, type ToolName } from "./names";

/** Every tool, defined once and served to both front ends (the reasoning loop and MCP). */
export const TOOLS: readonly ToolDefinition[] = [
  getProbeStatusTool,
  listFlyMachinesTool,
  getFlyMachineTool,
  queryAuditTool,
  listFixEnvelopesTool,
  sendEmailToOperatorTool,
  attemptProbeAutofixTool,
];

const BY_NAME = new Map(TOOLS.map((tool) => [tool.name, tool]));

/** The tool of that name, or undefined: callers turn an unknown name into a tool error. */
export function getTool(name: string): ToolDefinition | undefined {
  return BY_NAME.get(name);
}
