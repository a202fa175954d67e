import type { AnyMessageBlock } from "slack-web-api-client";
import type { ResolutionFacts } from "./incident-facts";
import type { IncidentMessage } from "./incident-dm";
import { clip, code, collapseLines, context, escapeMrkdwn, formatClock, formatDuration, section } from "./mrkdwn";

/** How an incident ended (DESIGN §11): the root DM edited in place, and sometimes a thread reply. */

const BY: Record<ResolutionFacts["resolved_by"], string> = {
  kora_fix: "fixed by Kora",
  operator_fix: "fixed by the operator's approved fix",
  self: "recovered on its own",
};

function names(facts: ResolutionFacts): string {
  const [first, ...rest] = facts.targets;
  return rest.length === 0 ? (first ?? facts.probe) : `${first} and ${rest.length} more`;
}

function sentence(facts: ResolutionFacts, markup: boolean): string {
  const down = formatDuration(facts.duration_ms);
  const span = `${formatClock(facts.first_unhealthy_at)} → ${formatClock(facts.recovered_at)}`;
  const what = markup ? code(names(facts)) : escapeMrkdwn(names(facts));
  return (
    `${markup ? "*Resolved*" : "Resolved"}: ${what} down for ${down} (${span}), ${BY[facts.resolved_by]}; ` +
    `healthy for ${facts.healthy_cycles} cycles since. Fixes: ${facts.fixes}.`
  );
}

/** Approve/Dismiss of an incident that is over: a late click could only be refused, so they go. */
const isApprovalBlock = (block: { block_id?: string }) => block.block_id?.startsWith("kora_approval") ?? false;

/**
 * The root DM with the resolution on top and any approval buttons removed. An edit does not
 * notify, which is what a good ending should do.
 */
export function withResolution(
  original: { text: string; blocks: AnyMessageBlock[] },
  facts: ResolutionFacts,
): IncidentMessage {
  const banner = section(`:white_check_mark: ${sentence(facts, true)}`);
  const kept = original.blocks.filter((block) => !isApprovalBlock(block)).slice(0, 49);
  return { text: clip(`${sentence(facts, false)}\n\n${original.text}`, 3_000), blocks: [banner, ...kept] };
}

/** The thread reply when the operator had been asked to act, or it had escalated: it is over. */
export function buildResolutionReply(facts: ResolutionFacts): IncidentMessage {
  const list =
    facts.targets.length > 1
      ? `\n${collapseLines(
          facts.targets.map((t) => `• ${code(t)}`),
          1_500,
          "more targets",
        )}`
      : "";
  return {
    text: clip(sentence(facts, false), 3_000),
    blocks: [
      section(`:white_check_mark: ${sentence(facts, true)} Nothing is left for you on it.${list}`),
      context(`incident ${code(facts.incident_id)} · ${facts.resolved_by}`),
    ],
  };
}
