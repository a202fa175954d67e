import type { KoraEnv } from "../config";
import type { AutofixAttemptDetails, WakeMessage } from "../contracts";
import { escalate, type Incident, markOperatorAsked, mayEscalate, refreshFixes, setRootDm } from "../incidents";
import type { DmDelivery } from "../slack/send-dm";

/**
 * Whether the DM left the operator something to do: anything but every target brought back by
 * a fix. The resolution then replies in the thread to say it is over (DESIGN §11).
 */
export function askedOperator(wake: WakeMessage, attempts: readonly AutofixAttemptDetails[]): boolean {
  const recovered = new Set(
    attempts.filter((a) => a.status === "attempted" && a.outcome === "recovered").map((a) => a.target_id),
  );
  return wake.targets.some((t) => !recovered.has(t.target));
}

/** A fix that reached the machine but did not visibly bring it back: the incident escalates. */
export const fixDidNotHold = (attempt: AutofixAttemptDetails) =>
  attempt.status === "attempted" && (attempt.outcome === "not_recovered" || attempt.outcome === "unknown");

/**
 * What an investigation leaves on its incident: the DM as its root (the first one delivered), the
 * operator asked or not, the fixes counted, and — when a fix did not hold — the escalation
 * (`fix_not_recovered`; the DM already says so, so nothing more is posted).
 */
export async function recordInvestigationOnIncident(
  env: KoraEnv,
  incident: Incident,
  wake: WakeMessage,
  attempts: readonly AutofixAttemptDetails[],
  delivery: DmDelivery,
): Promise<void> {
  const asked = askedOperator(wake, attempts);
  if (delivery.delivered && delivery.channel && delivery.slack_ts) {
    await setRootDm(
      env.DB,
      incident.id,
      { channel: delivery.channel, ts: delivery.slack_ts, operator_asked: asked },
      wake.observed_at,
    );
  }
  if (asked) await markOperatorAsked(env.DB, incident.id, wake.observed_at);
  const fixes = await refreshFixes(env.DB, incident.id);
  const failed = attempts.filter(fixDidNotHold);
  const escalation = { reason: "fix_not_recovered" as const, at: wake.observed_at };
  if (failed.length === 0 || !mayEscalate(incident, escalation)) return;
  await escalate(env, {
    incident,
    wake_id: wake.wake_id,
    ...escalation,
    targets: [...new Set(failed.map((a) => a.target_id))],
    fixes,
    dm_status: null,
  });
}
