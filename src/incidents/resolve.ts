import { recordAudit } from "../audit/record";
import { findDeliveredDm } from "../audit/dm-log";
import type { Config, KoraEnv } from "../config";
import { rootDmOf } from "../contracts";
import type { ResolutionFacts } from "../slack/incident-facts";
import { buildResolutionReply, withResolution } from "../slack/resolution-dm";
import { sendOperatorDm, updateOperatorDm } from "../slack/send-dm";
import { readIncidentFixes } from "./fixes";
import type { Incident } from "./model";
import { minutesSince, resolvedByFrom } from "./rules";
import { claimResolution } from "./store";
import { parseStoredBlocks } from "./stored-blocks";

export interface Resolution {
  incident: Incident;
  recovered_at: string;
  duration_ms: number;
}

export type ResolutionOutcome = "resolved" | "already_resolved";

/**
 * Ends an incident the cycle found healthy long enough (DESIGN §11): one `probe.incident_resolved`
 * row, the incident marked resolved, the root DM edited in place, and a thread reply only when the
 * operator had been asked to act or it had escalated. The row comes first and is keyed, so a
 * cycle that dies midway leaves the next one to finish; the status change is the single-winner
 * claim, so of two overlapping cycles only one edits or posts anything.
 */
export async function resolveIncident(
  env: KoraEnv,
  config: Config,
  resolution: Resolution,
  now: Date,
): Promise<ResolutionOutcome> {
  const { incident } = resolution;
  const fixes = await readIncidentFixes(env.DB, incident.id);
  const resolvedBy = resolvedByFrom(fixes.sinceLastWake);
  const escalated = incident.status === "escalated";
  const common = {
    incident_id: incident.id,
    probe: incident.probe,
    targets: incident.targets.map((t) => t.target),
    resolved_by: resolvedBy,
    duration_ms: resolution.duration_ms,
    first_unhealthy_at: incident.first_unhealthy_at,
    recovered_at: resolution.recovered_at,
    fixes: fixes.all.length,
  };
  await recordAudit(env, {
    id: `incident_resolved:${incident.id}:${resolution.recovered_at}`,
    seam: "probe.incident_resolved",
    caller_session_id: incident.id,
    source: "cron",
    details: { ...common, resolved_at: now.toISOString(), escalated, operator_asked: incident.operator_asked },
  });
  const won = await claimResolution(env.DB, {
    id: incident.id,
    recovered_at: resolution.recovered_at,
    resolved_at: now.toISOString(),
    resolved_by: resolvedBy,
    fixes: common.fixes,
  });
  if (!won) return "already_resolved";

  const facts: ResolutionFacts = {
    ...common,
    healthy_cycles: Math.round(minutesSince(resolution.recovered_at, now)) + 1,
  };
  await tellOperator(env, config, incident, facts, resolution.recovered_at, escalated || incident.operator_asked);
  return "resolved";
}

async function tellOperator(
  env: KoraEnv,
  config: Config,
  incident: Incident,
  facts: ResolutionFacts,
  key: string,
  reply: boolean,
): Promise<void> {
  const wall = new Date();
  const root = rootDmOf(incident);
  if (root) {
    const original = await findDeliveredDm(env.DB, root.channel, root.ts);
    if (original) {
      const edited = withResolution({ text: original.text, blocks: parseStoredBlocks(original.blocks) }, facts);
      await updateOperatorDm(
        env,
        config,
        {
          id: `dm:${incident.id}:resolved:${key}:edit`,
          caller_session_id: incident.id,
          kind: "incident_update",
          channel: root.channel,
          ts: root.ts,
          ...edited,
        },
        wall,
      );
    }
  }
  if (!reply) return;
  const message = buildResolutionReply(facts);
  await sendOperatorDm(
    env,
    config,
    {
      id: `dm:${incident.id}:resolved:${key}`,
      caller_session_id: incident.id,
      kind: "incident_followup",
      ...message,
      ...(root ? { thread: { ...root, broadcast: false } } : {}),
    },
    wall,
  );
}
