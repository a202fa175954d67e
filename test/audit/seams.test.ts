import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../../src/audit/record";
import { parseSeamDetails, Seam, type SeamDetails } from "../../src/contracts";
import { TEST_SECRETS } from "../fakes/bindings.ts";

const TOKEN = TEST_SECRETS.KORA_OPERATOR_TOKEN ?? "";
const ORIGIN = "https://kora.test";
const machine = { id: "3d8d9e1a2b4c68", name: "web-1", state: "stopped", region: "cdg", instance_id: "01J9ZK" };
const decision = {
  approval_id: "apr_AAAAAAAAAAAAAAAAAAAAAA",
  probe: "fly",
  action: "restart_machine",
  target_id: machine.id,
  reason: "it crashed",
  approval_created_at: "2026-11-05T10:00:00.000Z",
  approval_expires_at: "2026-11-05T11:00:00.000Z",
  channel_id: "D0OPERATOR",
  message_ts: "1730800000.000100",
  action_ts: "1730800100.000200",
};

/** One row of every seam, as its writer writes it: the type makes the list complete. */
const EXAMPLES: { [S in Seam]: SeamDetails<S> } = {
  "probe.wake_requested": {
    wake_id: "0b5f2c1e-3f4a-8b6c-9d7e-1a2b3c4d5e6f",
    probe: "fly",
    target: machine.id,
    status: "unhealthy",
    observed_at: "2026-11-05T10:00:00.000Z",
    consecutive_unhealthy: 2,
    detail: { summary: "kora-web/3d8d9e1a2b4c68 (web-1) stopped: crashed with exit code 1" },
    envelope: { enabled: false, fix_name: "restart_unhealthy_machine" },
  },
  "probe.wake_rejected": { message_id: "msg-1", attempts: 1, problems: ["wake_id: Invalid UUID"] },
  "probe.wake_dead_lettered": {
    message_id: "msg-2",
    attempts: 4,
    wake_id: "0b5f2c1e-3f4a-8b6c-9d7e-1a2b3c4d5e6f",
    probe: "fly",
    target: machine.id,
    notice_dm_status: "sent",
    notice_skipped: null,
  },
  "probe.investigation_completed": {
    wake_id: "0b5f2c1e-3f4a-8b6c-9d7e-1a2b3c4d5e6f",
    probe: "fly",
    target: machine.id,
    model: "claude-sonnet-5-5",
    input_tokens: 5210,
    output_tokens: 812,
    cache_read_input_tokens: 4096,
    cache_creation_input_tokens: 0,
    cost_usd: 0.0186,
    turns: 3,
    duration_ms: 9120,
    summary: "Restarted the machine; it recovered.",
    dm_status: "sent",
    autofix_attempted: true,
    engine: "primary",
    loop_end: "end_turn",
    tool_calls: [{ name: "kora__attempt_probe_autofix", is_error: false }],
    fix_attempts: [{ target_id: machine.id, status: "failed", outcome: null, rejection_reason: null }],
    dm_error: null,
    left_to_decide: "The fix on 3d8d9e1a2b4c68 failed (unavailable): look at it by hand.",
  },
  "tool.probe_autofix_attempted": {
    probe: "fly",
    action: "restart_machine",
    target_id: machine.id,
    reason_from_reasoning: "it crashed with exit code 1",
    status: "failed",
    action_canonical: "restart_unhealthy_machine",
    action_taken: "start_machine",
    fly_app: "kora-web",
    before_state: machine,
    error: { kind: "unavailable", message: "Fly POST /v1/apps/kora-web/machines/3d8d9e1a2b4c68/start answered 503" },
    executor_duration_ms: 412,
  },
  "tool.email_to_operator_sent": {
    to: "operator@example.com",
    subject: "web-1 crashed",
    body_chars: 120,
    status: "sent",
    message_id: "m-1",
  },
  "mcp.tool_call_denied": {
    caller_id: "reader",
    tool: "kora__attempt_probe_autofix",
    reason: "missing_cap",
    missing_cap: "kora__attempt_probe_autofix",
    jsonrpc_id: 7,
  },
  "operator.fix_approved": { ...decision, approved_by: "U0OPERATOR" },
  "operator.fix_dismissed": { ...decision, dismissed_by: "U0OPERATOR" },
  "operator.approval_refused": {
    approval_id: decision.approval_id,
    decision: "approve",
    refusal_reason: "expired",
    refusal_detail: { expires_at: decision.approval_expires_at },
    slack_user_id: "U0OPERATOR",
    channel_id: decision.channel_id,
    message_ts: decision.message_ts,
    action_ts: decision.action_ts,
  },
  "probe.event_received": {
    provider: "sentry",
    event_key: "event_alert:e48f0d2c:Too many errors",
    kind: "event_alert.triggered",
    probe: "sentry",
    target: "acme/web",
    hint: true,
    summary: "issue alert Too many errors fired for web",
  },
  "autofix.shadow_labeled": {
    decision_id: "0c3f6a1e-5d2b-4e8f-9a7c-1b2d3e4f5a6b",
    probe: "fly",
    target_id: machine.id,
    label: "unneeded",
    why: "recovered",
    minutes_to_recovery: 4,
    decided_at: "2026-11-05T10:00:30.000Z",
    labeled_at: "2026-11-05T10:05:00.000Z",
    label_minutes: 10,
  },
  "operator.autonomy_paused": {
    change_id: "7f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
    via: "slack",
    reason: "deploy freeze",
    paused_by: "U0OPERATOR",
    paused_at: "2026-11-05T10:00:00.000Z",
  },
  "operator.autonomy_resumed": {
    change_id: "8a2f3e4d-5c6b-4a79-9887-b6c5d4e3f2a1",
    via: "api",
    reason: null,
    resumed_by: "operator (API)",
    resumed_at: "2026-11-05T12:00:00.000Z",
    paused_since: "2026-11-05T10:00:00.000Z",
  },
  "operator.autonomy_command_refused": {
    command: "/kora",
    text: "resume",
    slack_user_id: "U0STRANGER",
    channel_id: "C0GENERAL",
    refusal_reason: "not_operator",
  },
  "audit.export_completed": {
    date: "2026-11-05",
    manifest_key: "audit/dt=2026-11-05/manifest.json",
    manifest_sha256: "a".repeat(64),
    files: [
      {
        table: "audit_events",
        key: "audit/dt=2026-11-05/audit_events.jsonl",
        rows: 3,
        bytes: 900,
        sha256: "b".repeat(64),
      },
    ],
  },
  "probe.incident_escalated": {
    incident_id: "wake:0b5f2c1e-3f4a-8b6c-9d7e-1a2b3c4d5e6f",
    wake_id: "7c1d2e3f-4a5b-8c6d-8e7f-0a1b2c3d4e5f",
    probe: "fly",
    reason: "refailed_after_fix",
    targets: [machine.id],
    fixes: 1,
    reopened: false,
    dm_status: "sent",
  },
  "probe.incident_resolved": {
    incident_id: "wake:0b5f2c1e-3f4a-8b6c-9d7e-1a2b3c4d5e6f",
    probe: "fly",
    targets: [machine.id],
    resolved_by: "kora_fix",
    duration_ms: 180_000,
    first_unhealthy_at: "2026-11-05T10:00:00.000Z",
    recovered_at: "2026-11-05T10:03:00.000Z",
    resolved_at: "2026-11-05T10:05:00.000Z",
    fixes: 1,
    escalated: false,
    operator_asked: false,
  },
};

const sessionOf = (seam: Seam) => `seams:${seam}`;
let cookie = "";

beforeAll(async () => {
  for (const seam of Seam.options) {
    await recordAudit(env, { seam, caller_session_id: sessionOf(seam), source: "system", details: EXAMPLES[seam] });
  }
  const login = await exports.default.fetch(
    new Request(`${ORIGIN}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
      body: new URLSearchParams({ token: TOKEN, next: "/" }).toString(),
      redirect: "manual",
    }),
  );
  cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
});

describe("every seam, declared once", () => {
  it.each(Seam.options)(
    "%s is written by recordAudit and read back by /api/audit with its own schema",
    async (seam) => {
      const response = await exports.default.fetch(
        new Request(`${ORIGIN}/api/audit?caller_session_id=${encodeURIComponent(sessionOf(seam))}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        }),
      );
      expect(response.status).toBe(200);
      const { rows } = (await response.json()) as { rows: { seam: string; details: unknown }[] };
      expect(rows).toHaveLength(1);
      expect(rows[0]?.seam).toBe(seam);
      const parsed = parseSeamDetails(seam, rows[0]?.details);
      expect(parsed).toEqual({ ok: true, value: EXAMPLES[seam] });
    },
  );

  it.each(Seam.options)("%s shows on the console's incident page", async (seam) => {
    const response = await exports.default.fetch(
      new Request(`${ORIGIN}/sessions/${encodeURIComponent(sessionOf(seam))}`, { headers: { cookie } }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`data-seam="${seam}"`);
  });

  it("renders a failed fix's error on the incident page, not the raw row", async () => {
    const response = await exports.default.fetch(
      new Request(`${ORIGIN}/sessions/${encodeURIComponent(sessionOf("tool.probe_autofix_attempted"))}`, {
        headers: { cookie },
      }),
    );
    const html = await response.text();
    expect(html).toContain('class="card entry autofix"');
    expect(html).toMatch(
      /<dd class="bad error-text">unavailable: Fly POST \/v1\/apps\/kora-web\/machines\/3d8d9e1a2b4c68\/start answered 503<\/dd>/,
    );
  });
});
