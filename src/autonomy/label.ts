import type { ProbeName, ProbeStatus, ShadowLabeledDetails } from "../contracts";

/**
 * How one shadowed decision is labeled (DESIGN §12). Pure, with the cycle's scheduled time
 * passed in; the labeler calls it once per cycle for each decision still unlabeled.
 */

export interface ShadowDecision {
  /** The decision's `tool.probe_autofix_attempted` row. */
  id: string;
  seq: number;
  decided_at: string;
  probe: ProbeName;
  target_id: string;
}

/** A fix action that was really sent (a row with `action_taken`), by whoever sent it. */
export interface FixSent {
  audit_id: string;
  seq: number;
  probe: string;
  target_id: string;
  source: string;
}

export interface LabelInput {
  decision: ShadowDecision;
  /** What this cycle's probe said about the target; absent when the target was not probed. */
  observed: ProbeStatus | undefined;
  fixes: readonly FixSent[];
  /** The cycle's scheduled time. */
  at: Date;
  label_minutes: number;
}

export type LabelVerdict = Pick<ShadowLabeledDetails, "label" | "why" | "minutes_to_recovery" | "fixed_by">;

const MINUTE_MS = 60_000;

/**
 * `needed` as soon as anyone sent the target a fix after the decision (an operator's approval,
 * an MCP caller, Kora once switched on), or when it is still unhealthy `label_minutes` after
 * the decision; `unneeded` at the first cycle that sees it healthy with no fix sent. Otherwise
 * (still inside the window, or the probe could not tell) the outcome is not known yet: `null`.
 * A cycle that only gets to look after a gap labels by what it sees then.
 */
export function labelShadowDecision(input: LabelInput): LabelVerdict | null {
  const { decision } = input;
  const fix = input.fixes.find(
    (sent) => sent.seq > decision.seq && sent.probe === decision.probe && sent.target_id === decision.target_id,
  );
  if (fix) return { label: "needed", why: "fixed", fixed_by: { audit_id: fix.audit_id, source: fix.source } };

  const elapsed = input.at.getTime() - Date.parse(decision.decided_at);
  if (Number.isNaN(elapsed) || elapsed < 0) return null;
  switch (input.observed) {
    case "healthy":
      return { label: "unneeded", why: "recovered", minutes_to_recovery: Math.ceil(elapsed / MINUTE_MS) };
    case "unhealthy":
      return elapsed >= input.label_minutes * MINUTE_MS ? { label: "needed", why: "still_unhealthy" } : null;
    case "error":
    case "skipped":
    case undefined:
      return null;
  }
}
