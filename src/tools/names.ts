/**
 * The seven tool names of DESIGN §5. They are public interface (operators, dashboards and MCP
 * callers depend on them), so they live here as literals and a test pins them.
 */
export const TOOL_NAMES = [
  "kora__get_probe_status",
  "kora__list_fly_machines",
  "kora__get_fly_machine",
  "kora__query_audit",
  "kora__list_fix_envelopes",
  "kora__send_email_to_operator",
  "kora__attempt_probe_autofix",
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

/**
 * Every tool the reasoning loop may offer the model: all seven today. Kept as its own name so
 * that taking a tool away from the model (but not from MCP callers) is one line, pinned by a test.
 */
export const REASONING_TOOL_ALLOWLIST: readonly ToolName[] = TOOL_NAMES;

/** The one tool that can change a machine (DESIGN §4). */
export const AUTOFIX_TOOL_NAME = "kora__attempt_probe_autofix" satisfies ToolName;

/** The mutation boundary: only these two change anything outside Kora's own audit trail. */
export const MUTATING_TOOLS: readonly ToolName[] = ["kora__send_email_to_operator", "kora__attempt_probe_autofix"];
