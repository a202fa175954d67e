import { env } from "cloudflare:workers";
import { listAuditEvents, type StoredAuditRow } from "../../src/audit/queries";
import type { AutofixContext } from "../../src/autofix/attempt";
import type { ExecutorLimits } from "../../src/autofix/limits";
import { parseConfig, type KoraEnv } from "../../src/config";

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

export function autofixContext(
  options: {
    vars?: Partial<Record<string, string>>;
    approval?: AutofixContext["approval"];
    source?: AutofixContext["source"];
  } = {},
): AutofixContext {
  const vars: KoraEnv = { ...env, KORA_PROBE_AUTOFIX_FLY_ENABLED: "true", ...options.vars };
  return {
    env: vars,
    config: parseConfig(vars),
    caller_session_id: `wake:${crypto.randomUUID()}`,
    source: options.source ?? "reasoning",
    now: () => new Date(),
    limits: FAST_LIMITS,
    ...(options.approval ? { approval: options.approval } : {}),
  };
}

export async function autofixRows(callerSessionId: string): Promise<StoredAuditRow[]> {
  const { rows } = await listAuditEvents(env.DB, {
    caller_session_id: callerSessionId,
    seam: "tool.probe_autofix_attempted",
    limit: 50,
  });
  return rows;
}

export const fix = (target_id: string, reason = "machine crashed with exit code 1") => ({
  probe: "fly",
  action: "restart_unhealthy_machine",
  target_id,
  reason,
});
