import { recordAudit } from "../../audit/record";
import type { KoraEnv } from "../../config";
import { type EnvelopeEnv, type ProbeName, wakeEnvelope, WakeMessage, WakeMessageV2 } from "../../contracts";
import type { PlannedWake } from "./plan";

/**
 * A queue message carries a summary of each detail; the full detail stays in D1 and the audit
 * row. A storm shares one budget across its targets, so a hundred of them stay well inside the
 * queue's 128 KB a message.
 */
const MESSAGE_DETAIL_BUDGET = 1_500;
const STORM_DETAIL_BUDGET = 60_000;
const FIELD_BUDGET = 300;

export function compactDetail(
  detail: Record<string, unknown>,
  budget = MESSAGE_DETAIL_BUDGET,
): Record<string, unknown> {
  if (JSON.stringify(detail).length <= budget) return detail;
  const trimmed: Record<string, unknown> = { truncated: true };
  for (const [key, value] of Object.entries(detail)) {
    const text = JSON.stringify(value) ?? "";
    if (typeof value === "string") trimmed[key] = value.slice(0, Math.min(FIELD_BUDGET, budget / 2));
    else if (text.length <= FIELD_BUDGET) trimmed[key] = value;
    if (JSON.stringify(trimmed).length > budget) {
      delete trimmed[key];
      break;
    }
  }
  return trimmed;
}

/** The Fly probe names the app it saw a machine in: gate 5 looks there first. */
const flyAppOf = (probe: ProbeName, detail: Record<string, unknown>) =>
  probe === "fly" && typeof detail.app === "string" && detail.app.length > 0 ? detail.app.slice(0, 100) : undefined;

/** Builds the DESIGN §2/§11 queue body and checks it against the schema the consumer parses with. */
export function buildWakeMessage(wake: PlannedWake, env: EnvelopeEnv): WakeMessage {
  const budget = Math.max(FIELD_BUDGET, Math.min(MESSAGE_DETAIL_BUDGET, STORM_DETAIL_BUDGET / wake.members.length));
  const targets = wake.members.map((member) => {
    const { state } = member.next;
    const flyApp = flyAppOf(wake.probe, member.result.detail);
    return {
      target: member.result.target,
      status: "unhealthy" as const,
      consecutive_unhealthy: state.consecutive_unhealthy,
      detail: compactDetail(member.result.detail, budget),
      ...(flyApp ? { fly_app: flyApp } : {}),
      ...(state.unhealthy_since ? { unhealthy_since: state.unhealthy_since } : {}),
      ...(member.status_changes === undefined ? {} : { status_changes: member.status_changes }),
    };
  });
  const [first] = targets;
  const firstMember = wake.members[0];
  if (!first || !firstMember) throw new Error(`wake ${wake.wake_id} has no target`);
  return WakeMessageV2.parse({
    v: 2,
    kind: wake.kind,
    wake_id: wake.wake_id,
    caller_session_id: wake.incident_id,
    probe: wake.probe,
    target: first.target,
    status: "unhealthy",
    observed_at: firstMember.result.observed_at,
    consecutive_unhealthy: Math.max(1, ...targets.map((t) => t.consecutive_unhealthy)),
    detail: first.detail,
    targets,
    envelope: wakeEnvelope(wake.probe, env),
  });
}

export interface Wake {
  plan: PlannedWake;
  message: WakeMessage;
}

/** `sendBatch` takes at most 100 messages and 256 KB; stay clear of both. */
const MAX_BATCH_MESSAGES = 100;
const MAX_BATCH_BYTES = 200_000;

/** Sends a cycle's wakes in one `sendBatch` (more only past the queue's batch limits). */
export async function enqueueWakes(queue: Queue, wakes: Wake[]): Promise<void> {
  for (const batch of batches(wakes.map((wake) => wake.message))) {
    await queue.sendBatch(batch.map((body) => ({ body, contentType: "json" as const })));
  }
}

/**
 * One `probe.wake_requested` row per wake, under the incident's `caller_session_id`, keyed by
 * the wake id so a re-run of the cycle writes nothing new.
 */
export async function recordWakesRequested(env: KoraEnv, wakes: Wake[], source: "cron" | "system"): Promise<void> {
  await Promise.all(wakes.map((wake) => recordWakeRequested(env, wake, source)));
}

async function recordWakeRequested(env: KoraEnv, { message, plan }: Wake, source: "cron" | "system"): Promise<void> {
  const [first] = plan.members;
  await recordAudit(env, {
    id: `probe.wake_requested:${message.wake_id}`,
    seam: "probe.wake_requested",
    caller_session_id: message.caller_session_id,
    source,
    details: {
      wake_id: message.wake_id,
      kind: message.kind,
      probe: message.probe,
      target: message.target,
      status: message.status,
      observed_at: message.observed_at,
      consecutive_unhealthy: message.consecutive_unhealthy,
      detail: first?.result.detail ?? message.detail,
      envelope: message.envelope,
      targets: plan.members.map((member) => ({
        target: member.result.target,
        consecutive_unhealthy: member.next.state.consecutive_unhealthy,
        detail: member.result.detail,
        ...(member.next.state.unhealthy_since ? { unhealthy_since: member.next.state.unhealthy_since } : {}),
        ...(member.status_changes === undefined ? {} : { status_changes: member.status_changes }),
      })),
    },
  });
}

function batches(messages: WakeMessage[]): WakeMessage[][] {
  const out: WakeMessage[][] = [];
  let current: WakeMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = JSON.stringify(message).length;
    if (current.length > 0 && (current.length >= MAX_BATCH_MESSAGES || bytes + size > MAX_BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
