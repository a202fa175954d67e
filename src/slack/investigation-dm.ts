import type { AnyMessageBlock } from "slack-web-api-client";
import type { AutofixAttemptDetails, AutonomyPause, WakeMessage } from "../contracts";
import { fixLine } from "./fix-text";
import { clip, code, context, escapeMrkdwn, header, section } from "./mrkdwn";

export type DmEngine =
  { kind: "model"; model: string; tier: "primary" | "economy" } | { kind: "unavailable"; reason: string };

export interface FixBudget {
  target_id: string;
  left: number;
  max: number;
}

/** Everything an investigation DM says, gathered before any text is written. */
export interface InvestigationDmFacts {
  wake: WakeMessage;
  engine: DmEngine;
  /** The model's final text; empty when the engine was unavailable. */
  summary: string;
  fix_attempts: AutofixAttemptDetails[];
  fix_budgets: FixBudget[];
  /** The operator's pause when the DM was built: the footer says so (DESIGN §12). */
  autonomy?: AutonomyPause;
}

export interface InvestigationDm {
  text: string;
  blocks: AnyMessageBlock[];
  left_to_decide: string;
}

/**
 * The operator's DM: what was seen, what was tried and its outcome (the refusing gate, the fix
 * budget left), the investigation, and what is left to decide. `extra_blocks` go after "Left
 * for you" — where a later change puts Approve/Dismiss buttons.
 */
export function buildInvestigationDm(
  facts: InvestigationDmFacts,
  options: { extra_blocks?: AnyMessageBlock[] } = {},
): InvestigationDm {
  const { wake } = facts;
  const left = whatIsLeft(facts);
  const blocks: AnyMessageBlock[] = [
    header(`${wake.probe} · ${wake.target} unhealthy`),
    section(`*What I saw*\n${seen(wake)}`),
    section(`*What I tried*\n${tried(facts)}`),
    section(`*Investigation*\n${investigation(facts)}`),
    section(`*Left for you*\n${escapeMrkdwn(left)}`),
    ...(options.extra_blocks ?? []),
    context(
      [
        `session ${code(wake.caller_session_id)}`,
        facts.engine.kind === "model"
          ? `model ${code(facts.engine.model)} (${facts.engine.tier})`
          : `engine unavailable: ${code(facts.engine.reason)}`,
        ...(facts.autonomy?.paused ? [pausedFooter(facts.autonomy)] : []),
      ].join(" · "),
    ),
  ];
  const first = facts.fix_attempts[0];
  const text = clip(
    `Kora: ${wake.probe} target ${wake.target} unhealthy. ${first ? `Fix: ${fixLine(first, false)}. ` : "No fix attempted. "}${left}`,
    3_000,
  );
  return { text, blocks, left_to_decide: left };
}

function pausedFooter(pause: Extract<AutonomyPause, { paused: true }>): string {
  return `:double_vertical_bar: autonomy paused by ${code(pause.paused_by)} since ${pause.paused_at}: Kora fixes nothing on its own (${code("/kora resume")} to undo)`;
}

function seen(wake: WakeMessage): string {
  // Every probe writes a one-line `summary`; the full detail stays in the audit row.
  const summary = wake.detail.summary;
  const detail = clip(typeof summary === "string" ? summary : JSON.stringify(wake.detail), 400);
  return (
    `The ${code(wake.probe)} probe saw ${code(wake.target)} unhealthy for ${wake.consecutive_unhealthy} ` +
    `consecutive cycles (last at ${wake.observed_at}).\n> ${escapeMrkdwn(detail)}`
  );
}

function tried(facts: InvestigationDmFacts): string {
  const lines = facts.fix_attempts.map((attempt) => `• ${fixLine(attempt, true)}`);
  if (lines.length === 0) lines.push("Nothing: no fix was attempted.");
  for (const budget of facts.fix_budgets) {
    lines.push(`Fix budget left for ${code(budget.target_id)}: ${budget.left} of ${budget.max} this hour.`);
  }
  return lines.join("\n");
}

function investigation(facts: InvestigationDmFacts): string {
  if (facts.engine.kind === "unavailable") {
    return `Kora's reasoning engine was unavailable (${code(facts.engine.reason)}), so this message was built from the wake alone.`;
  }
  return facts.summary ? escapeMrkdwn(clip(facts.summary, 2_400)) : "The model ended without a summary.";
}

/** The one or two lines the operator acts on, from the fix attempts' own results. */
export function whatIsLeft(facts: InvestigationDmFacts): string {
  const { wake } = facts;
  const attempt = facts.fix_attempts.at(-1);
  if (!attempt) {
    return facts.engine.kind === "unavailable"
      ? `Look at ${wake.probe} target ${wake.target} yourself: Kora could not investigate it.`
      : `Decide what to do about ${wake.probe} target ${wake.target}: Kora attempted no fix.`;
  }
  const target = attempt.target_id;
  switch (attempt.status) {
    case "attempted":
      switch (attempt.outcome) {
        case "recovered":
          return `Nothing urgent: ${target} is running again. If it stops again, look at why it exited.`;
        case "not_recovered":
          return `${target} did not come back (now ${attempt.after_state?.state ?? "not started"}): look at it by hand.`;
        default:
          return `${target} had not settled when Kora stopped waiting: check whether it is running.`;
      }
    case "failed":
      return `The fix on ${target} failed (${attempt.error?.kind ?? "error"}): look at it by hand.`;
    case "shadowed":
      return `Kora would have run ${attempt.would_take ?? "the fix"} on ${target}, but shadow mode held it back: decide whether to restart it yourself.`;
    case "rejected":
      switch (attempt.rejection_reason) {
        case "autonomy_paused":
          return `Autonomy is paused (by ${String(attempt.rejection_detail?.paused_by ?? "the operator")}), so Kora did not act: decide whether to restart ${target} yourself.`;
        case "envelope_disabled":
          return `Decide whether to restart ${target}: do it yourself, or enable ${String(attempt.rejection_detail?.enable_env ?? "its envelope")} so Kora may.`;
        case "restart_budget_exhausted":
          return attempt.rejection_detail?.scope === "wake"
            ? `Kora already acted on ${target} in this incident and does not try twice: look at it by hand.`
            : `${target} has used its restart budget for this hour and keeps failing: look at it by hand.`;
        case "fleet_budget_exhausted":
          return `Kora has used this hour's fleet restart budget, so it did not restart ${target}: restart it yourself if it should run.`;
        case "target_outside_incident":
          return `Kora refused to touch ${target}: it is not a target of this incident. Check what suggested it.`;
        case "target_not_unhealthy":
          return `${target} is stopped on purpose (${String(attempt.rejection_detail?.judged ?? "by request")}): nothing to fix unless it should be running.`;
        case "target_busy":
          return `Someone (a deploy?) holds the lease on ${target}: check that deploy before acting.`;
        case "target_already_started":
          return `${target} is already started: if it is still unhealthy, look at its health checks.`;
        default:
          return `The fix was refused (${attempt.rejection_reason ?? "unknown"}): decide on a fix for ${target} by hand.`;
      }
  }
}
