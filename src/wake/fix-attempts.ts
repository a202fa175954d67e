import { z } from "zod";
import type { ToolCallRecord } from "../reasoning/tool-runner";

const MachineState = z.object({ state: z.string().optional(), name: z.string().optional() }).partial();

/** What the DM and the completion row need of one `kora__attempt_probe_autofix` answer. */
export const FixAttempt = z.object({
  probe: z.string(),
  action: z.string(),
  target_id: z.string(),
  status: z.enum(["attempted", "rejected", "failed"]),
  outcome: z.enum(["recovered", "not_recovered", "unknown"]).optional(),
  rejection_reason: z.string().optional(),
  rejection_detail: z.record(z.string(), z.unknown()).optional(),
  action_taken: z.string().optional(),
  fly_app: z.string().optional(),
  before_state: MachineState.optional(),
  after_state: MachineState.optional(),
  error: z.object({ kind: z.string(), message: z.string().optional() }).optional(),
});
export type FixAttempt = z.infer<typeof FixAttempt>;

export const AUTOFIX_TOOL = "kora__attempt_probe_autofix";

/** The fix attempts of one loop, in order; an answer that does not parse is not a fix result. */
export function fixAttemptsFrom(calls: readonly ToolCallRecord[]): FixAttempt[] {
  return calls
    .filter((call) => call.name === AUTOFIX_TOOL && !call.is_error)
    .map((call) => FixAttempt.safeParse(call.content))
    .filter((parsed) => parsed.success)
    .map((parsed) => parsed.data);
}

/** An action reached the provider (a refusal sends nothing). */
export function anyFixActionSent(attempts: readonly FixAttempt[]): boolean {
  return attempts.some((attempt) => attempt.status !== "rejected");
}
