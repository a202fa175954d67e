import { recordAudit } from "../audit/record";
import { readAutonomyPause } from "../autonomy";
import { FIX_EXECUTORS } from "./executors";
import { runAutofixGates, type AutofixRequest, type GateResult } from "./gates";
import { DEFAULT_EXECUTOR_LIMITS, type ExecutorLimits } from "./limits";
import { checkIncidentScope } from "./scope";
import type { AutofixAttemptDetails, ToolContext } from "../contracts";

export interface AutofixContext extends ToolContext {
  /** An operator's verified approval: stands in for gate 2 only, and is recorded in the row. */
  approval?: { approved_by: string; approval_id: string };
  /** Shorter bounds for tests; production uses the defaults. */
  limits?: Partial<ExecutorLimits>;
  /** Idempotency key for the audit row, when the caller's own work can repeat. */
  audit_id?: string;
}

/** The `details` of a `tool.probe_autofix_attempted` row (DESIGN §4); keys appear as they apply. */
export type AutofixDetails = AutofixAttemptDetails;

export type AutofixResult = AutofixDetails & { audit_id: string };

/**
 * The one way anything gets fixed (DESIGN §4): gates 1–4 (pure; gate 2 with the envelope's mode and
 * the operator's pause, both read now), gate 5's incident scope (pure), then the fix's executor (the
 * rest of gate 5, the action, the verdict; in shadow mode gate 5 only), then exactly one audit row.
 * Every Fly failure or refusal comes back
 * as a value. The single exception is an audit write that still fails after its retries: that
 * throws `AuditWriteError`, because a fix without its row must fail loudly, not look recorded.
 */
export async function attemptProbeAutofix(input: AutofixRequest, ctx: AutofixContext): Promise<AutofixResult> {
  const now = ctx.now();
  const base: AutofixDetails = {
    probe: clip(input.probe),
    action: clip(input.action),
    target_id: clip(input.target_id),
    reason_from_reasoning: input.reason,
    status: "rejected",
    ...(ctx.approval ? { approved_by: ctx.approval.approved_by, approval_id: ctx.approval.approval_id } : {}),
  };
  const details = await decide(input, ctx, base, now);
  const row = await recordAudit(
    ctx.env,
    {
      seam: "tool.probe_autofix_attempted",
      caller_session_id: ctx.caller_session_id,
      source: ctx.source,
      details: { ...details },
      ...(ctx.audit_id ? { id: ctx.audit_id } : {}),
    },
    ctx.now(),
  );
  return { ...details, audit_id: row.id };
}

async function decide(
  input: AutofixRequest,
  ctx: AutofixContext,
  base: AutofixDetails,
  now: Date,
): Promise<AutofixDetails> {
  let gates: GateResult;
  try {
    gates = ctx.approval
      ? runAutofixGates(input, { skipEnvelopeGate: true })
      : runAutofixGates(input, { env: ctx.env, pause: await readAutonomyPause(ctx.env.DB) });
  } catch (error) {
    // The pause cannot be read: nothing is attempted (fail closed), and the row says why.
    return { ...base, status: "failed", error: internalError(error) };
  }
  if (!gates.ok) {
    return {
      ...base,
      status: "rejected",
      rejection_reason: gates.rejection_reason,
      rejection_detail: gates.rejection_detail,
    };
  }
  const withAction = { ...base, action_canonical: gates.action_canonical };
  const scope = checkIncidentScope({ probe: gates.probe, target_id: gates.target_id }, ctx);
  if (!scope.ok) {
    return {
      ...withAction,
      status: "rejected",
      rejection_reason: scope.rejection_reason,
      rejection_detail: scope.rejection_detail,
    };
  }
  const executor = FIX_EXECUTORS[gates.action_canonical];
  if (!executor) {
    // The envelope table names a fix with no executor: a code fault, refused rather than guessed.
    return {
      ...withAction,
      status: "rejected",
      rejection_reason: "action_not_allowed",
      rejection_detail: { allowed_actions: [] },
    };
  }
  try {
    const result = await executor(gates.target_id, {
      env: ctx.env,
      config: ctx.config,
      now,
      limits: { ...DEFAULT_EXECUTOR_LIMITS, ...ctx.limits },
      caller_session_id: ctx.caller_session_id,
      source: ctx.source,
      ...(scope.incident_id === undefined ? {} : { incident_id: scope.incident_id }),
      ...(scope.fly_app === undefined ? {} : { fly_app: scope.fly_app }),
      mode: gates.mode,
    });
    return { ...withAction, ...result };
  } catch (error) {
    // Unexpected (D1 unreadable while counting the budget, a bug): nothing more is attempted.
    return { ...withAction, status: "failed", error: internalError(error) };
  }
}

function internalError(error: unknown): { kind: "internal"; message: string } {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : "unexpected failure";
  return { kind: "internal", message: message.slice(0, 300) };
}

/** Inputs come from a model or an MCP caller: keep them, but never let one bloat a row. */
function clip(value: string): string {
  return value.length > 256 ? `${value.slice(0, 256)}…` : value;
}
