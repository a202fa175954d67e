import { env } from "cloudflare:workers";
import { listAuditEvents, type StoredAuditRow } from "../../src/audit/queries";
import type { AutofixContext } from "../../src/autofix/attempt";
import type { ExecutorLimits } from "../../src/autofix/limits";
import { parseConfig, type KoraEnv } from "../../src/config";
import type { IncidentScope } from "../../src/contracts";
import { world } from "../world";

/** Bounds short enough for tests, long enough for the fake's 30 ms transitions. */
export const FAST_LIMITS: ExecutorLimits = {
  request_timeout_ms: 800,
  recovery_bound_ms: 2_500,
  wait_chunk_seconds: 1,
  checks_poll_ms: 50,
};

export const PROD = "kora-web";
export const STAGING = "kora-web-staging";

/** A fresh machine id per test: the restart budget is counted per machine across the file. */
export const machineId = () => `m${crypto.randomUUID().replace(/-/g, "").slice(0, 13)}`;

/** A reasoning call's incident: the wake's targets, each with the app the probe saw it in. */
export function incidentOf(targets: { target: string; fly_app?: string }[], probe: "fly" = "fly"): IncidentScope {
  const wakeId = crypto.randomUUID();
  return { incident_id: `wake:${wakeId}`, wake_id: wakeId, probe, targets };
}

/**
 * A tool context for `attemptProbeAutofix`. Without `incident` the caller is an MCP client (not
 * bound to an incident); with one it is the reasoning loop investigating that incident's wake.
 */
export function autofixContext(
  options: {
    vars?: Partial<Record<string, string>>;
    approval?: AutofixContext["approval"];
    source?: AutofixContext["source"];
    incident?: IncidentScope;
  } = {},
): AutofixContext {
  const vars: KoraEnv = { ...env, KORA_PROBE_AUTOFIX_FLY_ENABLED: "true", ...options.vars };
  const source = options.source ?? (options.incident ? "reasoning" : "mcp");
  return {
    env: vars,
    config: parseConfig(vars),
    caller_session_id: options.incident?.incident_id ?? `mcp:tests:${crypto.randomUUID()}`,
    source,
    now: () => new Date(),
    limits: FAST_LIMITS,
    ...(options.approval ? { approval: options.approval } : {}),
    ...(options.incident ? { incident: options.incident } : {}),
  };
}

/** The reasoning loop's context for a wake whose only target is `target`, seen in `app`. */
export const reasoningContext = (target: string, app: string = PROD, vars?: Partial<Record<string, string>>) =>
  autofixContext({ incident: incidentOf([{ target, fly_app: app }]), ...(vars ? { vars } : {}) });

export async function autofixRows(callerSessionId: string): Promise<StoredAuditRow[]> {
  const { rows } = await listAuditEvents(env.DB, {
    caller_session_id: callerSessionId,
    seam: "tool.probe_autofix_attempted",
    limit: 50,
  });
  return rows;
}

/**
 * Budgets are counted from the audit log, and storage lasts a whole file: each test starts with
 * none spent, so the fleet budget one test used does not refuse the next.
 */
export async function freshBudgets(): Promise<void> {
  await env.DB.prepare("DELETE FROM audit_events").run();
}

export const fix = (target_id: string, reason = "machine crashed with exit code 1") => ({
  probe: "fly",
  action: "restart_unhealthy_machine",
  target_id,
  reason,
});

export const mutatingFlyCalls = () => world.requests({ provider: "fly", mutating: true });

/** Every Fly call as `METHOD path`, in order. */
export const flyCalls = async () =>
  (await world.requests({ provider: "fly" })).map((r) => `${r.method} ${r.path.replace(/\?.*$/, "")}`);

export async function fakeMachine(id: string) {
  return (await world.fly.state()).flatMap((app) => app.machines).find((m) => m.id === id);
}
