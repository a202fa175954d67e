import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { listAuditEvents, type StoredAuditRow } from "../../src/audit/queries";
import type { KoraEnv } from "../../src/config";
import worker from "../../src/index";
import { listDmLogForSession } from "../../src/audit/dm-log";
import type { WakeMessageV1 } from "../../src/contracts";
import type { AnthropicStats } from "../fakes/anthropic.ts";
import { world } from "../world";
import { seedAuditRow } from "../audit-seed.ts";

export const PROD_APP = "kora-web";

/** A fresh machine id per test: restart budgets are counted per machine across a file. */
export const newMachineId = () => `m${crypto.randomUUID().replace(/-/g, "").slice(0, 13)}`;

/** A machine of the production app that crashed (exit code 1): what the fly probe wakes Kora for. */
export async function seedCrashedMachine(id = newMachineId()): Promise<string> {
  await world.fly.machines([{ id, app: PROD_APP, name: `web-${id.slice(1, 5)}`, state: "started", region: "ams" }]);
  await world.fly.crash(id, { exit_code: 1 });
  return id;
}

export function wakeFor(target: string, overrides: Partial<WakeMessageV1> = {}): WakeMessageV1 {
  const wakeId = crypto.randomUUID();
  return {
    v: 1,
    wake_id: wakeId,
    caller_session_id: `wake:${wakeId}`,
    probe: "fly",
    target,
    status: "unhealthy",
    observed_at: new Date().toISOString(),
    consecutive_unhealthy: 2,
    detail: {
      app: PROD_APP,
      state: "stopped",
      exit_code: 1,
      reason: "machine is not started and its last exit was a crash",
    },
    envelope: { enabled: false, fix_name: "restart_unhealthy_machine" },
    ...overrides,
  };
}

/** What the probe cycle writes when it sends the wake: the first row of the incident's timeline. */
export async function recordWakeRequested(wake: WakeMessageV1): Promise<void> {
  await seedAuditRow(env, {
    id: `wake_requested:${wake.wake_id}`,
    seam: "probe.wake_requested",
    caller_session_id: wake.caller_session_id,
    source: "cron",
    details: { wake_id: wake.wake_id, probe: wake.probe, target: wake.target },
  });
}

let messageSeq = 0;

/** Delivers one queue message to the real queue handler, as the Queues runtime would. */
export async function deliver(
  body: unknown,
  options: { env?: KoraEnv; attempts?: number; id?: string; queue?: string } = {},
) {
  const id = options.id ?? `msg-${++messageSeq}`;
  const batch = createMessageBatch(options.queue ?? "kora-wake", [
    { id, timestamp: new Date(), attempts: options.attempts ?? 1, body },
  ]);
  const ctx = createExecutionContext();
  await worker.queue(batch, options.env ?? env, ctx);
  await waitOnExecutionContext(ctx);
  return { id, result: await getQueueResult(batch, ctx) };
}

export const withVars = (vars: Record<string, string>): KoraEnv => ({ ...env, ...vars });

export async function sessionRows(callerSessionId: string): Promise<StoredAuditRow[]> {
  const { rows } = await listAuditEvents(env.DB, { caller_session_id: callerSessionId, limit: 100 });
  return rows.reverse();
}

export async function completedRow(callerSessionId: string): Promise<StoredAuditRow | undefined> {
  return (await sessionRows(callerSessionId)).find((row) => row.seam === "probe.investigation_completed");
}

export const dmLog = (callerSessionId: string) => listDmLogForSession(env.DB, callerSessionId);

export async function machineState(id: string): Promise<string | undefined> {
  const apps = await world.control<{ app: string; machines: { id: string; state: string }[] }[]>("fly/state", {});
  return apps.flatMap((app) => app.machines).find((machine) => machine.id === id)?.state;
}

/** What the fake Anthropic API answered since the last reset, 400s included. */
export const anthropicStats = () => world.control<AnthropicStats>("anthropic/stats", {});
