import type { AnyMessageBlock } from "slack-web-api-client";
import type { AutofixAttemptDetails, AutonomyPause, WakeMessage } from "../contracts";
import { fixLine } from "./fix-text";
import { clip, code, collapseLines, context, escapeMrkdwn, header, section } from "./mrkdwn";

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
 * for you" — where a later change puts Approve/Dismiss buttons. A storm (one wake, many targets)
 * lists every target and every fix, one line each, collapsed past a budget so the whole message
 * stays inside Slack's limits (3,000 characters a section, about 13,000 for all blocks).
 */
export function buildInvestigationDm(
  facts: InvestigationDmFacts,
  options: { extra_blocks?: AnyMessageBlock[] } = {},
): InvestigationDm {
  const { wake } = facts;
  const left = whatIsLeft(facts);
  const blocks: AnyMessageBlock[] = [
    header(`${wake.probe} · ${wake.targets.length > 1 ? `${wake.targets.length} targets` : wake.target} unhealthy`),
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
  // Slack reads the fallback as mrkdwn too (notifications, screen readers): escaped like the blocks.
  const text = clip(escapeMrkdwn(`Kora: ${subject(wake)} unhealthy. ${fixesInBrief(facts)}${left}`), 3_000);
  return { text, blocks, left_to_decide: left };
}

function pausedFooter(pause: Extract<AutonomyPause, { paused: true }>): string {
  return `:double_vertical_bar: autonomy paused by ${code(pause.paused_by)} since ${pause.paused_at}: Kora fixes nothing on its own (${code("/kora resume")} to undo)`;
}

const LIST_BUDGET = 2_000;

function subject(wake: WakeMessage): string {
  const others = wake.targets.length - 1;
  return others > 0 ? `${wake.probe} targets ${wake.target} and ${others} more` : `${wake.probe} target ${wake.target}`;
}

function fixesInBrief(facts: InvestigationDmFacts): string {
  const [first, ...rest] = facts.fix_attempts;
  if (!first) return "No fix attempted. ";
  if (rest.length === 0) return `Fix: ${fixLine(first, false)}. `;
  const recovered = facts.fix_attempts.filter((a) => a.status === "attempted" && a.outcome === "recovered").length;
  return `${facts.fix_attempts.length} fixes tried, ${recovered} recovered. `;
}

/** Every probe writes a one-line `summary`; the full detail stays in the audit row. */
function summaryOf(detail: Record<string, unknown>, max: number): string {
  const summary = detail.summary;
  return clip(typeof summary === "string" ? summary : JSON.stringify(detail), max);
}

/** One observation is an event's check (DESIGN §13) or a threshold of one; more is a streak of cycles. */
const timesSeen = (n: number) => (n === 1 ? "once" : `for ${n} consecutive cycles`);

function seen(wake: WakeMessage): string {
  if (wake.targets.length <= 1) {
    return (
      `The ${code(wake.probe)} probe saw ${code(wake.target)} unhealthy ${timesSeen(wake.consecutive_unhealthy)} ` +
      `(last at ${wake.observed_at}).\n> ${escapeMrkdwn(summaryOf(wake.detail, 400))}`
    );
  }
  const lines = wake.targets.map(
    (t) =>
      `• ${code(t.target)}${t.fly_app ? ` (${escapeMrkdwn(t.fly_app)})` : ""}: ${escapeMrkdwn(summaryOf(t.detail, 160))}`,
  );
  return (
    `The ${code(wake.probe)} probe saw ${wake.targets.length} targets become unhealthy in the same cycle ` +
    `(last at ${wake.observed_at}):\n${collapseLines(lines, LIST_BUDGET, "more targets")}`
  );
}

function tried(facts: InvestigationDmFacts): string {
  const lines = facts.fix_attempts.map((attempt) => `• ${fixLine(attempt, true)}`);
  const attempts =
    lines.length > 0 ? collapseLines(lines, LIST_BUDGET, "more fixes") : "Nothing: no fix was attempted.";
  const budgets = facts.fix_budgets.map((b) => `${code(b.target_id)} ${b.left} of ${b.max}`);
  if (budgets.length === 0) return attempts;
  if (budgets.length === 1) {
    const [budget] = facts.fix_budgets;
    return `${attempts}\nFix budget left for ${code(budget?.target_id ?? "")}: ${budget?.left} of ${budget?.max} this hour.`;
  }
  return `${attempts}\nFix budget left this hour: ${clip(budgets.join(", "), 500)}`;
}

function investigation(facts: InvestigationDmFacts): string {
  if (facts.engine.kind === "unavailable") {
    return `Kora's reasoning engine was unavailable (${code(facts.engine.reason)}), so this message was built from the wake alone.`;
  }
  return facts.summary ? escapeMrkdwn(clip(facts.summary, 2_400)) : "The model ended without a summary.";
}

/** The one or two lines the operator acts on, from the fix attempts' own results. */
export function whatIsLeft(facts: InvestigationDmFacts): string {
  return facts.wake.targets.length > 1 ? whatIsLeftOfStorm(facts) : whatIsLeftOfOne(facts);
}

/**
 * A storm: the targets whose last attempt did not bring them back, by name (a few), and what the
 * rest came to. The one-target wording applies when a single target is left.
 */
function whatIsLeftOfStorm(facts: InvestigationDmFacts): string {
  const last = new Map(facts.fix_attempts.map((attempt) => [attempt.target_id, attempt]));
  const open = facts.wake.targets.filter((t) => {
    const attempt = last.get(t.target);
    return !(attempt?.status === "attempted" && attempt.outcome === "recovered");
  });
  if (open.length === 0) {
    return `Nothing urgent: all ${facts.wake.targets.length} targets are running again. If they stop again, look at what they share.`;
  }
  if (open.length === 1 && open[0]) {
    const attempt = last.get(open[0].target);
    const one = { ...facts, wake: { ...facts.wake, target: open[0].target }, fix_attempts: attempt ? [attempt] : [] };
    return `${facts.wake.targets.length - 1} of ${facts.wake.targets.length} are running again. ${whatIsLeftOfOne(one)}`;
  }
  const named = open
    .slice(0, 5)
    .map((t) => t.target)
    .join(", ");
  const more = open.length > 5 ? ` and ${open.length - 5} more` : "";
  return (
    `${open.length} of ${facts.wake.targets.length} targets are still down (${named}${more}): ` +
    `Kora could not bring them back; decide what to do about them, and look at what they share.`
  );
}

function whatIsLeftOfOne(facts: InvestigationDmFacts): string {
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
