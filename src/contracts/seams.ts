import { z } from "zod";
import { AutofixAttemptDetails } from "./rows/autofix";
import {
  AutonomyCommandRefusedDetails,
  AutonomyPausedDetails,
  AutonomyResumedDetails,
  ShadowLabeledDetails,
} from "./rows/autonomy";
import { EventReceivedDetails } from "./rows/events";
import { ExportCompletedDetails } from "./rows/export";
import { IncidentEscalatedDetails, IncidentResolvedDetails } from "./rows/incident";
import { ApprovalRefusedDetails, FixApprovedDetails, FixDismissedDetails } from "./rows/operator";
import { EmailSentDetails, ToolCallDeniedDetails } from "./rows/tools";
import {
  InvestigationCompletedDetails,
  WakeDeadLetteredDetails,
  WakeRejectedDetails,
  WakeRequestedDetails,
} from "./rows/wake";

/**
 * The seam registry (DESIGN §7): every audit seam and the one schema of its `details`. The
 * writer is typed by it (`recordAudit`), and every reader — console, DM builder, approvals,
 * export, `kora__query_audit` — parses with it, so a row's shape is declared exactly once.
 * A new seam is one entry here plus its schema under `rows/`.
 */
export const SEAM_DETAILS = {
  "probe.wake_requested": WakeRequestedDetails,
  "probe.wake_rejected": WakeRejectedDetails,
  "probe.wake_dead_lettered": WakeDeadLetteredDetails,
  "probe.investigation_completed": InvestigationCompletedDetails,
  "tool.probe_autofix_attempted": AutofixAttemptDetails,
  "tool.email_to_operator_sent": EmailSentDetails,
  "mcp.tool_call_denied": ToolCallDeniedDetails,
  "operator.fix_approved": FixApprovedDetails,
  "operator.fix_dismissed": FixDismissedDetails,
  "operator.approval_refused": ApprovalRefusedDetails,
  "audit.export_completed": ExportCompletedDetails,
  "probe.event_received": EventReceivedDetails,
  "autofix.shadow_labeled": ShadowLabeledDetails,
  "operator.autonomy_paused": AutonomyPausedDetails,
  "operator.autonomy_resumed": AutonomyResumedDetails,
  "operator.autonomy_command_refused": AutonomyCommandRefusedDetails,
  "probe.incident_escalated": IncidentEscalatedDetails,
  "probe.incident_resolved": IncidentResolvedDetails,
} as const;

export type Seam = keyof typeof SEAM_DETAILS;
export const Seam = z.enum(Object.keys(SEAM_DETAILS) as [Seam, ...Seam[]]);

/** The `details` of one seam, as its writer hands it over. */
export type SeamDetails<S extends Seam> = z.input<(typeof SEAM_DETAILS)[S]>;

/**
 * A stored row's details read with its seam's schema. Rows are untrusted once stored (and older
 * deploys wrote them): a row that no longer fits comes back as `ok: false` with the reason, for
 * the reader to show raw rather than throw.
 */
export function parseSeamDetails<S extends Seam>(
  seam: S,
  details: unknown,
): { ok: true; value: z.output<(typeof SEAM_DETAILS)[S]> } | { ok: false; error: z.ZodError } {
  const parsed = SEAM_DETAILS[seam].safeParse(details);
  return parsed.success
    ? { ok: true, value: parsed.data as z.output<(typeof SEAM_DETAILS)[S]> }
    : { ok: false, error: parsed.error };
}
