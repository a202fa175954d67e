import { recordAudit } from "../audit/record";
import { redactThenClip } from "../audit/redact";
import { secretValues, type Config, type KoraEnv } from "../config";
import { sha256Hex } from "../contracts";
import { wakeOnEvent, type EventCheck } from "../probes";
import type { ProviderEvent } from "./provider-event";

export type Receipt = "recorded" | "duplicate";

/**
 * One verified event: its `probe.event_received` row, then the claim on its provider id. The row
 * goes first and is keyed by the event, so a delivery that dies between the two is retried by
 * the provider and completes; the claim decides who does the work, so a second delivery of the
 * same event does nothing new.
 */
export async function receiveProviderEvent(env: KoraEnv, event: ProviderEvent, now: Date): Promise<Receipt> {
  const key = await sha256Hex(`${event.provider}\u0000${event.event_key}`);
  const secrets = secretValues(env);
  await recordAudit(
    env,
    {
      id: `probe.event_received:${key}`,
      seam: "probe.event_received",
      caller_session_id: `event:${event.provider}:${key.slice(0, 32)}`,
      source: "system",
      details: {
        provider: event.provider,
        event_key: redactThenClip(event.event_key, secrets, 300),
        kind: event.kind,
        probe: event.probe,
        target: event.target,
        hint: event.hint,
        summary: redactThenClip(event.summary, secrets, 300),
      },
    },
    now,
  );
  const claimed = await env.DB.prepare(
    "INSERT INTO provider_events (provider, event_key, received_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
  )
    .bind(event.provider, key, now.toISOString())
    .run();
  return claimed.meta.changes > 0 ? "recorded" : "duplicate";
}

/**
 * The hint checked (DESIGN §13): that probe, run now for that target, and a wake at once if it
 * agrees, through the cycle's incident rules. Runs after the provider has its answer, so its
 * outcome is one log line for `wrangler tail`; if it fails, the next cron cycle still sees the target.
 */
export async function checkEventHint(
  env: KoraEnv,
  config: Config,
  event: ProviderEvent & { target: string },
  now: Date,
): Promise<EventCheck> {
  const check = await wakeOnEvent(
    env,
    config,
    { provider: event.provider, event_key: event.event_key, probe: event.probe, target: event.target },
    now,
  );
  console.log(
    JSON.stringify({
      kora_event: {
        provider: event.provider,
        kind: event.kind,
        target: event.target,
        outcome: check.outcome,
        ...(check.outcome === "woke" ? { wake_id: check.wake.wake_id, wake_kind: check.wake.kind } : {}),
        ...(check.outcome === "held" ? { reason: check.reason } : {}),
        ...(check.outcome === "not_confirmed" ? { probe_status: check.probe_status } : {}),
      },
    }),
  );
  return check;
}
