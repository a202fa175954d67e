import { env } from "cloudflare:workers";
import { recordAudit } from "../../src/audit/record";
import { appendDmLogEntry } from "../../src/audit/dm-log";

export interface SeededIncident {
  wake_id: string;
  caller_session_id: string;
}

const at = (base: string, seconds: number) => new Date(new Date(base).getTime() + seconds * 1000);

/**
 * One incident as the real writers leave it (DESIGN §2–§4): the wake, a refused and then a
 * successful autofix, the DM, the completion row and the investigation claim. Written out of
 * order on purpose: the timeline must sort by time, not by insertion.
 */
export async function seedIncident(
  options: {
    wake_id?: string;
    start?: string;
    dm_status?: "sent" | "failed_send" | "engine_unavailable_fallback";
    target?: string;
  } = {},
): Promise<SeededIncident> {
  const wakeId = options.wake_id ?? crypto.randomUUID();
  const session = `wake:${wakeId}`;
  const start = options.start ?? "2026-11-05T10:00:00.000Z";
  const target = options.target ?? "3d8d9e1a2b4c68";
  const dmStatus = options.dm_status ?? "sent";
  const machine = { id: target, name: "kora-web-cdg-1", region: "cdg", instance_id: "01J9ZK" };

  await recordAudit(
    env,
    {
      seam: "probe.investigation_completed",
      caller_session_id: session,
      source: "reasoning",
      details: {
        wake_id: wakeId,
        probe: "fly",
        target,
        engine: "primary",
        loop_end: "end_turn",
        tool_calls: [{ name: "kora__attempt_probe_autofix", is_error: false }],
        fix_attempts: [{ target_id: target, status: "attempted", outcome: "recovered", rejection_reason: null }],
        dm_error: null,
        left_to_decide: "Nothing urgent: it is running again.",
        model: "claude-sonnet-5-5",
        input_tokens: 5210,
        output_tokens: 812,
        cache_read_input_tokens: 4096,
        cache_creation_input_tokens: 0,
        cost_usd: 0.0186,
        turns: 4,
        duration_ms: 9120,
        summary: "Machine had stopped after an OOM; restarted it and it recovered.",
        dm_status: dmStatus,
        autofix_attempted: true,
      },
    },
    at(start, 40),
  );
  await recordAudit(
    env,
    {
      seam: "probe.wake_requested",
      caller_session_id: session,
      source: "cron",
      details: {
        wake_id: wakeId,
        probe: "fly",
        target,
        status: "unhealthy",
        observed_at: start,
        consecutive_unhealthy: 2,
        detail: { summary: "machine stopped <script>alert(1)</script>", state: "stopped" },
        envelope: { enabled: true, fix_name: "restart_unhealthy_machine" },
      },
    },
    at(start, 0),
  );
  await recordAudit(
    env,
    {
      seam: "tool.probe_autofix_attempted",
      caller_session_id: session,
      source: "reasoning",
      details: {
        probe: "fly",
        action: "reboot_everything",
        target_id: target,
        reason_from_reasoning: "try a bigger hammer",
        status: "rejected",
        rejection_reason: "action_not_allowed",
      },
    },
    at(start, 10),
  );
  await recordAudit(
    env,
    {
      seam: "tool.probe_autofix_attempted",
      caller_session_id: session,
      source: "reasoning",
      details: {
        probe: "fly",
        action: "restart_machine",
        target_id: target,
        reason_from_reasoning: "machine exited with OOM; restart is the documented fix",
        status: "attempted",
        action_taken: "start_machine",
        action_canonical: "restart_unhealthy_machine",
        fly_app: "kora-web",
        before_state: { ...machine, state: "stopped" },
        after_state: { ...machine, state: "started" },
        outcome: "recovered",
        executor_duration_ms: 2310,
      },
    },
    at(start, 20),
  );
  await appendDmLogEntry(env.DB, {
    id: `dm:${wakeId}`,
    created_at: at(start, 30).toISOString(),
    caller_session_id: session,
    kind: "investigation",
    channel: "D0OPERATOR",
    dm_status: dmStatus,
    text: "*kora-web-cdg-1 stopped* (OOM). I restarted it: *recovered*. <b>nothing</b> left to do.",
    blocks: null,
    slack_ts: dmStatus === "sent" ? "1730800000.000100" : null,
    error: dmStatus === "failed_send" ? "channel_not_found" : null,
  });
  await env.DB.prepare(
    `INSERT INTO investigations (wake_id, caller_session_id, probe, target, status, claimed_at, claim_token,
       completed_at, dm_status, model, cost_usd, summary)
     VALUES (?1, ?2, 'fly', ?3, 'done', ?4, 'claim-token', ?5, ?6, 'claude-sonnet-5-5', 0.0186, ?7)`,
  )
    .bind(
      wakeId,
      session,
      target,
      at(start, 1).toISOString(),
      at(start, 41).toISOString(),
      dmStatus,
      "Restarted kora-web-cdg-1; recovered.",
    )
    .run();
  return { wake_id: wakeId, caller_session_id: session };
}
