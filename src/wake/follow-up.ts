import { retryApprovalBlocks } from "../approvals";
import { findDeliveredDm, listDmLogForSession } from "../audit/dm-log";
import { restartsLeftThisHour } from "../autofix";
import type { Config, KoraEnv } from "../config";
import { rootDmOf, type WakeMessage } from "../contracts";
import {
  escalate,
  type Incident,
  markOperatorAsked,
  mayEscalate,
  parseStoredBlocks,
  readIncidentFixes,
  setRootDm,
} from "../incidents";
import { buildFlappingDm, buildRefailureDm, type IncidentMessage, withRefailureNote } from "../slack/incident-dm";
import type { FixRecap, FollowUpFacts } from "../slack/incident-facts";
import type { FixBudget } from "../slack/investigation-dm";
import { type DmDelivery, sendOperatorDm, updateOperatorDm } from "../slack/send-dm";
import { finishInvestigation } from "./claim";
import { incidentOfWake } from "./incident-of-wake";

/** Budgets looked up for at most this many targets: the DM collapses the rest anyway. */
const MAX_BUDGETS = 10;

/**
 * A follow-up wake (`refailure`, `flapping`: DESIGN §11) for a claimed message: no model run and
 * no fix. The first follow-up that escalates the incident tells the operator in the incident's
 * thread with `reply_broadcast` (it must notify), with an Approve button for one more try after
 * a re-failure; while the incident stays escalated, later ones only edit that message. Every
 * step is keyed on the wake, so a redelivery repeats nothing.
 */
export async function followUpClaimed(
  wake: WakeMessage,
  env: KoraEnv,
  config: Config,
  now: () => Date,
  started: Date,
  token: string,
): Promise<DmDelivery> {
  const incident = await incidentOfWake(env.DB, wake);
  const reason = wake.kind === "flapping" ? "flapping" : "refailed_after_fix";
  const fixes = await readIncidentFixes(env.DB, incident.id);
  const facts = await followUpFacts(env, config, wake, incident, fixes.all.at(-1) ?? null, fixes.all.length, now());

  let delivery: DmDelivery;
  if (mayEscalate(incident, { reason, at: wake.observed_at })) {
    delivery = await alert(env, config, wake, incident, facts, now());
    if (delivery.delivered && !incident.root_dm_ts && delivery.channel && delivery.slack_ts) {
      await setRootDm(
        env.DB,
        incident.id,
        { channel: delivery.channel, ts: delivery.slack_ts, operator_asked: true },
        wake.observed_at,
      );
    }
    await markOperatorAsked(env.DB, incident.id, wake.observed_at);
    await escalate(env, {
      incident,
      wake_id: wake.wake_id,
      reason,
      at: wake.observed_at,
      targets: wake.targets.map((t) => t.target),
      fixes: fixes.all.length,
      dm_status: delivery.dm_status,
    });
  } else {
    delivery = await noteOnAlert(env, config, wake, incident, facts, now());
  }

  const summary = `${wake.kind}: ${wake.targets.map((t) => t.target).join(", ")} (${delivery.repeated ? "repeated" : delivery.dm_status})`;
  const finished = now();
  await finishInvestigation(env, wake, token, finished, {
    model: null,
    input_tokens: 0,
    output_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    cost_usd: 0,
    turns: 0,
    duration_ms: finished.getTime() - started.getTime(),
    summary: summary.slice(0, 2_000),
    dm_status: delivery.dm_status,
    autofix_attempted: false,
    // A follow-up never runs the model: named so, not as an unavailable engine.
    engine: `none:${wake.kind}`,
    loop_end: null,
    tool_calls: [],
    fix_attempts: [],
    dm_error: delivery.error,
    left_to_decide: mayEscalate(incident, { reason, at: wake.observed_at })
      ? "Kora will not fix it again on its own: the operator decides."
      : "Still escalated: the earlier alert was updated.",
  });
  return delivery;
}

async function followUpFacts(
  env: KoraEnv,
  config: Config,
  wake: WakeMessage,
  incident: Incident,
  lastFix: FixRecap | null,
  fixes: number,
  now: Date,
): Promise<FollowUpFacts> {
  const budgets: FixBudget[] = [];
  if (wake.probe === "fly") {
    for (const target of wake.targets.slice(0, MAX_BUDGETS)) {
      budgets.push({
        target_id: target.target,
        left: await restartsLeftThisHour(env, config, target.target, now),
        max: config.KORA_AUTOFIX_MAX_RESTARTS,
      });
    }
  }
  return {
    incident_id: incident.id,
    probe: wake.probe,
    targets: wake.targets.map((t) => ({
      target: t.target,
      summary: typeof t.detail.summary === "string" ? t.detail.summary : "",
      ...(t.unhealthy_since ? { unhealthy_since: t.unhealthy_since } : {}),
      ...(t.status_changes === undefined ? {} : { status_changes: t.status_changes }),
    })),
    observed_at: wake.observed_at,
    last_fix: lastFix,
    fixes,
    budgets,
    flap_window_minutes: config.KORA_FLAP_WINDOW_MINUTES,
    reopened: incident.status === "resolved",
  };
}

/** The escalation message: a broadcast reply in the incident's thread, or the root DM if it has none. */
async function alert(
  env: KoraEnv,
  config: Config,
  wake: WakeMessage,
  incident: Incident,
  facts: FollowUpFacts,
  now: Date,
): Promise<DmDelivery> {
  const root = rootDmOf(incident);
  let message: IncidentMessage;
  if (wake.kind === "flapping") {
    message = buildFlappingDm(facts, { root: root === null });
  } else {
    const reason = `failed again after a fix (incident ${incident.id}); the operator approves one more try`;
    const offers = wake.targets.map((t) => ({ probe: wake.probe, target_id: t.target, reason }));
    const approvals = await retryApprovalBlocks(env, config, incident.id, offers, now);
    message = buildRefailureDm(facts, { extra_blocks: approvals });
  }
  return sendOperatorDm(
    env,
    config,
    {
      id: `dm:${wake.wake_id}`,
      caller_session_id: incident.id,
      kind: "incident_followup",
      ...message,
      ...(root ? { thread: { ...root, broadcast: true } } : {}),
    },
    now,
  );
}

/**
 * Already escalated: the newest alert in the thread (or, when the DM itself escalated it, the root)
 * gets a note that it failed again. An edit does not notify; the operator has the alert already.
 */
async function noteOnAlert(
  env: KoraEnv,
  config: Config,
  wake: WakeMessage,
  incident: Incident,
  facts: FollowUpFacts,
  now: Date,
): Promise<DmDelivery> {
  const log = await listDmLogForSession(env.DB, incident.id);
  const alerted = log
    .filter((row) => row.kind === "incident_followup" && row.slack_ts && row.channel && row.dm_status === "sent")
    .at(-1);
  const target =
    alerted?.channel && alerted.slack_ts ? { channel: alerted.channel, ts: alerted.slack_ts } : rootDmOf(incident);
  const original = target ? await findDeliveredDm(env.DB, target.channel, target.ts) : null;
  if (!target || !original) {
    return {
      dm_status: "failed_send",
      delivered: false,
      channel: null,
      slack_ts: null,
      error: "no_message_to_update",
      repeated: false,
    };
  }
  const edited = withRefailureNote({ text: original.text, blocks: parseStoredBlocks(original.blocks) }, facts);
  const result = await updateOperatorDm(
    env,
    config,
    { id: `dm:${wake.wake_id}:note`, caller_session_id: incident.id, kind: "incident_update", ...target, ...edited },
    now,
  );
  return {
    dm_status: result.dm_status,
    delivered: result.dm_status === "sent",
    channel: target.channel,
    slack_ts: target.ts,
    error: result.error,
    repeated: result.repeated,
  };
}
