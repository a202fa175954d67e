import type { AnyMessageBlock } from "slack-web-api-client";
import type { FollowUpFacts } from "./incident-facts";
import {
  clip,
  code,
  collapseLines,
  context,
  escapeMrkdwn,
  formatClock,
  formatDuration,
  header,
  section,
} from "./mrkdwn";

/**
 * The follow-ups of an incident (DESIGN §11): a re-failure and a flapping target. Neither runs
 * the model nor fixes anything; both tell the operator, in the incident's thread when it has a
 * root DM. Every provider- or model-written string is escaped, the text fallback included.
 */

export interface IncidentMessage {
  text: string;
  blocks: AnyMessageBlock[];
}

const LIST_BUDGET = 1_800;

function targetNames(facts: FollowUpFacts): string {
  const [first, ...rest] = facts.targets;
  if (!first) return `${facts.probe} target`;
  return rest.length === 0 ? first.target : `${first.target} and ${rest.length} more`;
}

function targetLines(facts: FollowUpFacts, extra: (target: FollowUpFacts["targets"][number]) => string): string {
  return collapseLines(
    facts.targets.map((t) => `• ${code(t.target)}: ${escapeMrkdwn(clip(t.summary, 200))}${extra(t)}`),
    LIST_BUDGET,
    "more targets",
  );
}

/** "9 min after Kora's restart_machine on web-1 (recovered)", or how it came back before. */
function sinceLastFix(facts: FollowUpFacts): string {
  const fix = facts.last_fix;
  const failedAt = facts.targets[0]?.unhealthy_since ?? facts.observed_at;
  if (!fix) return "after it had come back on its own";
  const after = formatDuration(Date.parse(failedAt) - Date.parse(fix.at));
  const who = fix.source === "operator" ? "the operator's approved" : "Kora's";
  return `${after} after ${who} ${fix.action} on ${fix.target_id} at ${formatClock(fix.at)} (${fix.outcome ?? "outcome unknown"})`;
}

function budgetLine(facts: FollowUpFacts, markup: boolean): string {
  if (facts.budgets.length === 0) return "";
  const c = markup ? code : escapeMrkdwn;
  const parts = facts.budgets.map((b) => `${c(b.target_id)} ${b.left} of ${b.max}`);
  return `Restart budget left this hour: ${clip(parts.join(", "), 600)}.`;
}

/**
 * It failed again within the cool-down after a wake: what failed, how long after which fix, the
 * fixes so far and the budget left. Kora does not try again on its own; `extra_blocks` carry the
 * Approve button for one more try.
 */
export function buildRefailureDm(
  facts: FollowUpFacts,
  options: { extra_blocks?: AnyMessageBlock[] } = {},
): IncidentMessage {
  const names = escapeMrkdwn(targetNames(facts));
  const since = escapeMrkdwn(sinceLastFix(facts));
  const reopened = facts.reopened ? " The incident had been marked resolved; it is open again." : "";
  const notAgain = "Kora will not restart it again on its own: approve one more try, or look at why it keeps failing.";
  const blocks: AnyMessageBlock[] = [
    section(
      `:rotating_light: *${names} failed again*, ${since}.${reopened}\n${targetLines(facts, () => "")}\n` +
        `Fixes so far: ${facts.fixes}. ${budgetLine(facts, true)}\n*Left for you:* ${notAgain}`,
    ),
    ...(options.extra_blocks ?? []),
    context(`incident ${code(facts.incident_id)} · escalated: refailed_after_fix`),
  ];
  const text = clip(
    escapeMrkdwn(
      `Kora: ${facts.probe} ${targetNames(facts)} failed again, ${sinceLastFix(facts)}.${reopened} ` +
        `Fixes so far: ${facts.fixes}. ${budgetLine(facts, false)} ${notAgain}`,
    ),
    3_000,
  );
  return { text, blocks };
}

/**
 * Its status keeps changing: one message, no fix. As the root DM (`root: true`) it carries a
 * header, since no earlier message names the incident.
 */
export function buildFlappingDm(facts: FollowUpFacts, options: { root: boolean }): IncidentMessage {
  const names = escapeMrkdwn(targetNames(facts));
  const changes = (t: FollowUpFacts["targets"][number]) =>
    t.status_changes === undefined ? "" : ` (${t.status_changes} changes)`;
  const left =
    "Kora does not restart a flapping target on its own, since each restart would only join the loop: " +
    "look at why it keeps failing (a crash loop, a health check at its limit, a dependency).";
  const blocks: AnyMessageBlock[] = [
    ...(options.root ? [header(`${facts.probe} · ${targetNames(facts)} flapping`)] : []),
    section(
      `:warning: *${names} is flapping*: its status changed between healthy and unhealthy ` +
        `${maxChanges(facts)} times in the last ${facts.flap_window_minutes} minutes (now unhealthy, ` +
        `${formatClock(facts.observed_at)}).\n${targetLines(facts, changes)}\n` +
        `Fixes so far: ${facts.fixes}.\n*Left for you:* ${left}`,
    ),
    context(`incident ${code(facts.incident_id)} · escalated: flapping`),
  ];
  const text = clip(
    escapeMrkdwn(
      `Kora: ${facts.probe} ${targetNames(facts)} is flapping (${maxChanges(facts)} status changes in ` +
        `${facts.flap_window_minutes} min). ${left}`,
    ),
    3_000,
  );
  return { text, blocks };
}

function maxChanges(facts: FollowUpFacts): number {
  return Math.max(0, ...facts.targets.map((t) => t.status_changes ?? 0));
}

export const REFAILURE_NOTE_BLOCK_ID = "kora_incident_refailed_again";

/**
 * While the incident stays escalated, a further re-failure edits the escalation message instead
 * of posting: the operator already has the alert, and a second ping would only be noise.
 */
export function withRefailureNote(
  original: { text: string; blocks: AnyMessageBlock[] },
  facts: FollowUpFacts,
): IncidentMessage {
  const note: AnyMessageBlock = {
    ...context(
      `:repeat: Failed again at ${formatClock(facts.targets[0]?.unhealthy_since ?? facts.observed_at)} ` +
        `(${escapeMrkdwn(targetNames(facts))}). Still escalated: Kora is not acting on its own.`,
    ),
    block_id: REFAILURE_NOTE_BLOCK_ID,
  };
  const kept = original.blocks.filter((block) => block.block_id !== REFAILURE_NOTE_BLOCK_ID).slice(0, 49);
  return { text: original.text, blocks: [...kept, note] };
}
