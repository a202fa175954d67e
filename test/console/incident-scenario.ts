import { env } from "cloudflare:workers";
import { recordAudit } from "../../src/audit/record";
import { minutesFrom, seedIncidentRow, seedTransitions } from "./seed-tables";

/**
 * Five incidents of a realistic afternoon, as the probe cycle and the wake consumer leave them
 * in D1: rows of `incidents`, `incident_targets`, `probe_transitions`, the audit rows of every
 * wake, fix and investigation, and the investigation claims. Times are relative to `base` so
 * "still down" incidents stay realistic whenever the test runs.
 *
 *   resolved  — m1 crashed, one refused and one successful restart, up after 13 minutes
 *   escalated — m2 restarted, failed again 7 minutes later: a follow-up wake, escalated
 *   open      — m3 down, no wake handled yet, no transitions kept (drawn from the columns)
 *   storm     — m4 and m5 down together: one incident, two targets
 *   older     — a resolved incident from the morning
 */
export const IDS = {
  resolved: "wake:0a1b2c3d-0000-4000-8000-000000000001",
  escalated: "wake:0a1b2c3d-0000-4000-8000-000000000002",
  open: "wake:0a1b2c3d-0000-4000-8000-000000000003",
  storm: "wake:0a1b2c3d-0000-4000-8000-000000000004",
  older: "wake:0a1b2c3d-0000-4000-8000-000000000005",
} as const;

export const MACHINES = {
  m1: "3d8d9e1a2b4c68",
  m2: "91852e4f3a7b20",
  m3: "6e825a1b9c0d47",
  m4: "148e21ea7d9089",
  m5: "e7843d0b6a5f12",
  m6: "2c0a9f7e3b1d55",
} as const;

export interface Scenario {
  base: string;
  at: (minutes: number) => string;
}

const machine = (id: string, state: string) => ({
  id,
  name: `kora-web-${id.slice(0, 4)}`,
  state,
  region: "cdg",
  instance_id: "01J9ZK",
});

export async function seedScenario(base: string): Promise<Scenario> {
  const at = (minutes: number) => minutesFrom(base, minutes);

  await seedIncidentRow({
    id: IDS.resolved,
    status: "resolved",
    opened_at: at(0),
    first_unhealthy_at: at(-1),
    recovered_at: at(12),
    resolved_at: at(15),
    resolved_by: "kora_fix",
    root_dm_channel: "D0OPERATOR",
    root_dm_ts: "1730800000.000100",
    fixes: 1,
    targets: [{ target: MACHINES.m1, fly_app: "kora-web" }],
  });
  await seedTransitions("fly", MACHINES.m1, [
    [at(-1000), null, "healthy"],
    [at(-1), "healthy", "unhealthy", "machine stopped (exit 137, OOM)"],
    [at(12), "unhealthy", "healthy"],
  ]);
  await wake(IDS.resolved, "1a", MACHINES.m1, at(0));
  await fix(IDS.resolved, MACHINES.m1, at(2), "refused");
  await fix(IDS.resolved, MACHINES.m1, at(4), "recovered");
  await completed(IDS.resolved, "1a", MACHINES.m1, at(5), 0.0186);

  await seedIncidentRow({
    id: IDS.escalated,
    status: "escalated",
    opened_at: at(60),
    first_unhealthy_at: at(59),
    escalated_at: at(72),
    escalation_reason: "refailed_after_fix",
    fixes: 1,
    operator_asked: true,
    targets: [{ target: MACHINES.m2, fly_app: "kora-web" }],
  });
  await seedTransitions("fly", MACHINES.m2, [
    [at(-1000), null, "healthy"],
    [at(59), "healthy", "unhealthy"],
    [at(63), "unhealthy", "healthy"],
    [at(70), "healthy", "unhealthy", "machine stopped again (exit 1)"],
  ]);
  await wake(IDS.escalated, "2a", MACHINES.m2, at(60));
  await fix(IDS.escalated, MACHINES.m2, at(62), "recovered");
  await completed(IDS.escalated, "2a", MACHINES.m2, at(63), 0.0214);
  await wake(IDS.escalated, "2b", MACHINES.m2, at(72));
  await completed(IDS.escalated, "2b", MACHINES.m2, at(73), 0.0031);

  await seedIncidentRow({
    id: IDS.open,
    status: "open",
    opened_at: at(120),
    first_unhealthy_at: at(119),
    targets: [{ target: MACHINES.m3, fly_app: "kora-web-staging" }],
  });
  await wake(IDS.open, "3a", MACHINES.m3, at(120), { claimed: false });

  await seedIncidentRow({
    id: IDS.storm,
    status: "open",
    opened_at: at(100),
    first_unhealthy_at: at(99),
    targets: [
      { target: MACHINES.m4, fly_app: "kora-web" },
      { target: MACHINES.m5, fly_app: "kora-web" },
    ],
  });
  for (const target of [MACHINES.m4, MACHINES.m5]) {
    await seedTransitions("fly", target, [
      [at(-1000), null, "healthy"],
      [at(99), "healthy", "unhealthy"],
    ]);
  }
  await wake(IDS.storm, "4a", MACHINES.m4, at(100));

  await seedIncidentRow({
    id: IDS.older,
    status: "resolved",
    opened_at: at(-600),
    first_unhealthy_at: at(-602),
    recovered_at: at(-590),
    resolved_at: at(-587),
    resolved_by: "self",
    targets: [{ target: MACHINES.m6, fly_app: "kora-web" }],
  });
  await wake(IDS.older, "5a", MACHINES.m6, at(-600));
  await completed(IDS.older, "5a", MACHINES.m6, at(-599), 0.0102);

  return { base, at };
}

/** The wake ids of the scenario: uuid-shaped and recognisable. */
export const wakeId = (suffix: string) => `0a1b2c3d-1111-4000-8000-0000000000${suffix}`;

async function wake(incident: string, suffix: string, target: string, time: string, options = { claimed: true }) {
  await recordAudit(
    env,
    {
      seam: "probe.wake_requested",
      caller_session_id: incident,
      source: "cron",
      details: {
        wake_id: wakeId(suffix),
        probe: "fly",
        target,
        status: "unhealthy",
        observed_at: time,
        consecutive_unhealthy: 2,
        detail: { summary: "machine stopped", state: "stopped" },
        envelope: { enabled: true, fix_name: "restart_unhealthy_machine" },
      },
    },
    new Date(time),
  );
  if (!options.claimed) return;
  await env.DB.prepare(
    `INSERT INTO investigations (wake_id, caller_session_id, probe, target, status, claimed_at, claim_token,
       completed_at, dm_status, model, cost_usd, summary)
     VALUES (?1, ?2, 'fly', ?3, 'done', ?4, 'claim-token', ?4, 'sent', 'claude-sonnet-5-5', NULL, ?5)`,
  )
    .bind(wakeId(suffix), incident, target, time, `Investigated ${target}.`)
    .run();
}

async function fix(incident: string, target: string, time: string, kind: "refused" | "recovered") {
  await recordAudit(
    env,
    {
      seam: "tool.probe_autofix_attempted",
      caller_session_id: incident,
      source: "reasoning",
      details:
        kind === "refused"
          ? {
              probe: "fly",
              action: "reboot_everything",
              target_id: target,
              reason_from_reasoning: "try a bigger hammer",
              status: "rejected",
              rejection_reason: "action_not_allowed",
            }
          : {
              probe: "fly",
              action: "restart_machine",
              target_id: target,
              reason_from_reasoning: "machine exited with OOM; restart is the documented fix",
              status: "attempted",
              action_taken: "start_machine",
              action_canonical: "restart_unhealthy_machine",
              fly_app: "kora-web",
              before_state: machine(target, "stopped"),
              after_state: machine(target, "started"),
              outcome: "recovered",
              executor_duration_ms: 2310,
            },
    },
    new Date(time),
  );
}

async function completed(incident: string, suffix: string, target: string, time: string, cost: number) {
  await recordAudit(
    env,
    {
      seam: "probe.investigation_completed",
      caller_session_id: incident,
      source: "reasoning",
      details: {
        wake_id: wakeId(suffix),
        probe: "fly",
        target,
        engine: "primary",
        loop_end: "end_turn",
        tool_calls: [],
        fix_attempts: [],
        dm_error: null,
        left_to_decide: "Nothing.",
        model: "claude-sonnet-5-5",
        input_tokens: 5210,
        output_tokens: 812,
        cache_read_input_tokens: 4096,
        cache_creation_input_tokens: 0,
        cost_usd: cost,
        turns: 4,
        duration_ms: 9120,
        summary: `Looked at ${target}.`,
        dm_status: "sent",
        autofix_attempted: true,
      },
    },
    new Date(time),
  );
}
