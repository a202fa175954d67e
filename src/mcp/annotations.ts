import type { ToolAnnotations } from "@modelcontextprotocol/server";
import type { ToolDefinition } from "../tools/tool";

/**
 * Hints MCP clients show users before a call. Read-only and destructive follow `mutating`, the
 * one source of truth for the mutation boundary. The other two are per tool; a tool missing
 * here gets the cautious answer (not idempotent, reaches the outside world).
 */
const TOOL_HINTS: Record<string, { idempotentHint: boolean; openWorldHint: boolean }> = {
  // Kora's own D1 only.
  kora__get_probe_status: { idempotentHint: true, openWorldHint: false },
  kora__query_audit: { idempotentHint: true, openWorldHint: false },
  kora__list_fix_envelopes: { idempotentHint: true, openWorldHint: false },
  // Read the Fly Machines API.
  kora__list_fly_machines: { idempotentHint: true, openWorldHint: true },
  kora__get_fly_machine: { idempotentHint: true, openWorldHint: true },
  // Each MCP call is its own session, so a repeated email is a second email.
  kora__send_email_to_operator: { idempotentHint: false, openWorldHint: true },
  // A repeat after recovery is refused by gate 5, but a machine that crashed again in between
  // is restarted again: not idempotent.
  kora__attempt_probe_autofix: { idempotentHint: false, openWorldHint: true },
};

export function toolAnnotations(tool: Pick<ToolDefinition, "name" | "mutating">): ToolAnnotations {
  const hints = TOOL_HINTS[tool.name] ?? { idempotentHint: false, openWorldHint: true };
  return {
    readOnlyHint: !tool.mutating,
    destructiveHint: tool.mutating,
    idempotentHint: tool.mutating ? hints.idempotentHint : true,
    openWorldHint: hints.openWorldHint,
  };
}
