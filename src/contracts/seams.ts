import { z } from "zod";

/** Every audit seam Kora writes (DESIGN §7). A new seam is one entry here. */
export const Seam = z.enum([
  "probe.wake_requested",
  "probe.wake_rejected",
  "probe.wake_dead_lettered",
  "probe.investigation_completed",
  "tool.probe_autofix_attempted",
  "tool.email_to_operator_sent",
  "mcp.tool_call_denied",
  "operator.fix_approved",
  "operator.fix_dismissed",
  "operator.approval_refused",
  "audit.export_completed",
]);
export type Seam = z.infer<typeof Seam>;

export const AuditSource = z.enum(["cron", "reasoning", "mcp", "operator", "system"]);
export type AuditSource = z.infer<typeof AuditSource>;
