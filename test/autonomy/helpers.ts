import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { listAuditEvents, type StoredAuditRow } from "../../src/audit/queries";
import type { AutofixContext } from "../../src/autofix/attempt";
import { parseConfig, type KoraEnv } from "../../src/config";
import worker from "../../src/index";
import type { AuditSource, Seam } from "../../src/contracts";
import { TEST_SECRETS } from "../fakes/bindings.ts";
import { slackSignature } from "../fakes/slack-interactions.ts";
import { world } from "../world";

export const ORIGIN = "https://kora.test";
export const TOKEN = TEST_SECRETS.KORA_OPERATOR_TOKEN ?? "";
export const OPERATOR = TEST_SECRETS.KORA_SLACK_OPERATOR_USER_ID ?? "";
export const SIGNING_SECRET = TEST_SECRETS.KORA_SLACK_SIGNING_SECRET ?? "";
export const PROD = "kora-web";
export const FLY_VAR = "KORA_PROBE_AUTOFIX_FLY_ENABLED";

/** The Worker's env with the Fly envelope in `mode` (`off`, `shadow`, `on`, or any raw value). */
export const withFly = (value: string, extra: Record<string, string> = {}): KoraEnv => ({
  ...env,
  [FLY_VAR]: value,
  ...extra,
});

/** A fresh machine id per test: budgets and labels are per machine across a file. */
export const machineId = () => `m${crypto.randomUUID().replace(/-/g, "").slice(0, 13)}`;

/** A machine of the production app that crashed (exit code 1): unhealthy by the Fly probe's rule. */
export async function seedCrashedMachine(id = machineId()): Promise<string> {
  await world.fly.machines([{ id, app: PROD, name: `web-${id.slice(1, 5)}`, state: "started", region: "ams" }]);
  await world.fly.crash(id, { exit_code: 1 });
  return id;
}

/** The machine came back by itself (someone else's restart, Fly's restart policy): started, checks passing. */
export async function recoverOnItsOwn(id: string): Promise<void> {
  await world.fly.machines([{ id, app: PROD, name: `web-${id.slice(1, 5)}`, state: "started", region: "ams" }]);
}

/** Every Fly call that is not a read, leases included: shadow mode and a pause allow none. */
export async function flyWrites(): Promise<string[]> {
  return (await world.requests({ provider: "fly" }))
    .filter((request) => request.method !== "GET")
    .map((request) => `${request.method} ${request.path}`);
}

export async function machineState(id: string): Promise<string | undefined> {
  const apps = await world.fly.state();
  return apps.flatMap((app) => app.machines).find((machine) => machine.id === id)?.state;
}

/** Sends a request through the real Worker with `koraEnv`, waiting for its `waitUntil` work. */
export async function send(request: Request, koraEnv: KoraEnv = env): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, koraEnv, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export function operatorApi(method: string, path: string, body?: unknown): Request {
  return new Request(`${ORIGIN}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}

export async function rowsOf(seam: Seam, callerSessionId?: string): Promise<StoredAuditRow[]> {
  const { rows } = await listAuditEvents(env.DB, {
    seam,
    limit: 200,
    ...(callerSessionId ? { caller_session_id: callerSessionId } : {}),
  });
  return rows.reverse();
}

/** Storage is per file: each test starts with no audit rows and a switch never touched. */
export async function clearAutonomyTables(): Promise<void> {
  await env.DB.batch(
    ["audit_events", "autonomy_switch", "approvals", "investigations", "probe_state", "probe_cycles"].map((table) =>
      env.DB.prepare(`DELETE FROM ${table}`),
    ),
  );
}

export interface SlashCommand {
  text: string;
  user_id?: string;
  timestamp?: number;
  secret?: string;
  /** Sign these bytes but send `body` (a tampered request). */
  tamper?: (body: string) => string;
}

let commandSeq = 0;

/** `/kora <text>` as Slack sends it (docs/provider-apis.md §2 "Slash commands"): a signed form. */
export async function slashCommand(command: SlashCommand): Promise<Request> {
  const body = new URLSearchParams({
    token: "legacy-verification-token-unused",
    team_id: "T0KORA",
    team_domain: "kora-test",
    channel_id: "D0OPERATOR",
    channel_name: "directmessage",
    user_id: command.user_id ?? OPERATOR,
    user_name: "operator",
    command: "/kora",
    text: command.text,
    api_app_id: "A0KORA",
    is_enterprise_install: "false",
    response_url: "https://hooks.slack.com/commands/T0KORA/1/fake",
    // Unique per invocation, as Slack's are: two commands never sign the same bytes.
    trigger_id: `${++commandSeq}.${Date.now()}.T0KORA.trigger`,
  }).toString();
  const timestamp = command.timestamp ?? Math.floor(Date.now() / 1000);
  return new Request(`${ORIGIN}/slack/commands`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": await slackSignature(command.secret ?? SIGNING_SECRET, timestamp, body),
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    },
    body: command.tamper ? command.tamper(body) : body,
  });
}

export async function ephemeralText(response: Response): Promise<string> {
  const body = (await response.json()) as { response_type?: string; text?: string };
  if (body.response_type !== "ephemeral") throw new Error(`not ephemeral: ${JSON.stringify(body)}`);
  return body.text ?? "";
}

/** A console session, signed in through the real login form. */
export async function consoleLogin(): Promise<string> {
  const response = await send(
    new Request(`${ORIGIN}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN },
      body: new URLSearchParams({ token: TOKEN, next: "/" }).toString(),
      redirect: "manual",
    }),
  );
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

export function consoleForm(path: string, cookie: string, form: Record<string, string> = {}, origin = ORIGIN): Request {
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, ...(origin ? { origin } : {}) },
    body: new URLSearchParams(form).toString(),
    redirect: "manual",
  });
}

export interface EnvelopesBody {
  autonomy: { paused: boolean; paused_by?: string; paused_at?: string; reason?: string | null };
  window: { days: number; since: string };
  envelopes: {
    probe: string;
    mode: string;
    effective: string;
    decisions: number;
    needed: number;
    unneeded: number;
    pending: number;
    precision: number | null;
    last_decisions: {
      decision_id: string;
      target_id: string;
      would_take: string | null;
      label: string | null;
      why: string | null;
      minutes_to_recovery: number | null;
      caller_session_id: string;
      incident_url: string;
    }[];
  }[];
}

export async function envelopes(koraEnv: KoraEnv = env): Promise<EnvelopesBody> {
  const response = await send(operatorApi("GET", "/api/envelopes"), koraEnv);
  if (response.status !== 200) throw new Error(`/api/envelopes: ${response.status} ${await response.text()}`);
  return (await response.json()) as EnvelopesBody;
}

export async function flyEnvelope(koraEnv: KoraEnv = env) {
  const body = await envelopes(koraEnv);
  const fly = body.envelopes.find((envelope) => envelope.probe === "fly");
  if (!fly) throw new Error("no fly envelope");
  return { ...fly, autonomy: body.autonomy };
}

/** Bounds short enough for tests, long enough for the fake's 30 ms transitions. */
export const FAST_LIMITS = {
  request_timeout_ms: 800,
  recovery_bound_ms: 2_500,
  wait_chunk_seconds: 1,
  checks_poll_ms: 50,
};

/**
 * What a tool call hands `attemptProbeAutofix`: the Fly envelope in `mode`, read from these vars.
 * An MCP caller by default: it is bound to no incident, so any machine of the configured apps is
 * in scope (the reasoning loop's incident scope has its own tests).
 */
export function fixContext(
  vars: KoraEnv,
  options: { source?: AuditSource; approval?: AutofixContext["approval"] } = {},
): AutofixContext {
  return {
    env: vars,
    config: parseConfig(vars),
    caller_session_id: `mcp:autonomy-tests:${crypto.randomUUID()}`,
    source: options.source ?? "mcp",
    now: () => new Date(),
    limits: FAST_LIMITS,
    ...(options.approval ? { approval: options.approval } : {}),
  };
}

export const restart = (target_id: string) => ({
  probe: "fly",
  action: "restart_machine",
  target_id,
  reason: "machine crashed with exit code 1",
});
