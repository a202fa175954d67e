import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import type { KoraEnv } from "../../src/config";
import { world } from "../world";

export const PROBE_CRON = "* * * * *";
/** Cycle n fires at T0 + n minutes. */
export const T0 = Date.parse("2026-11-20T10:00:00.000Z");
export const minute = (n: number) => T0 + n * 60_000;

/**
 * Stands in for the `WAKE_QUEUE` binding and keeps what the cycle sent, batch by batch, so a
 * test can check the bodies against the consumer's schema and count `sendBatch` calls. No
 * message reaches the real consumer, which would otherwise start investigations mid-test.
 */
export class RecordingQueue implements Queue {
  batches: unknown[][] = [];
  failNext = 0;

  get messages(): unknown[] {
    return this.batches.flat();
  }

  async metrics(): Promise<QueueMetrics> {
    return { backlogCount: 0, backlogBytes: 0 };
  }

  async send(body: unknown): Promise<QueueSendResponse> {
    return this.sendBatch([{ body }]);
  }

  async sendBatch(messages: Iterable<MessageSendRequest>): Promise<QueueSendBatchResponse> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error("Queue send failed: internal error");
    }
    // Round-trip through JSON as the real queue does with contentType "json".
    this.batches.push([...messages].map((message) => JSON.parse(JSON.stringify(message.body)) as unknown));
    return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
  }
}

/** The fully configured test world: every probe has its token and target. */
export const CONFIGURED: Record<string, string> = {
  KORA_SUPABASE_ACCESS_TOKEN: "sbp_fake_0123456789",
  KORA_SUPABASE_PROJECT_REF: "abcdefghijklmnopqrst",
  KORA_VERCEL_TOKEN: "vercel-fake-0123456789",
  KORA_VERCEL_PROJECT_ID: "prj_web",
  KORA_SENTRY_AUTH_TOKEN: "sntrys_fake_0123456789",
  KORA_SENTRY_ORG: "acme",
  KORA_SENTRY_PROJECT: "web",
  KORA_DOPPLER_TOKEN: "dp.st.fake0123456789",
  KORA_DOPPLER_PROJECT: "api",
  KORA_DOPPLER_CONFIG: "prd",
  KORA_PROBE_TIMEOUT_MS: "1500",
};

export function probeEnv(overrides: Record<string, string> = {}): { env: KoraEnv; queue: RecordingQueue } {
  const queue = new RecordingQueue();
  return { env: { ...env, ...CONFIGURED, ...overrides, WAKE_QUEUE: queue }, queue };
}

/** A healthy world: two machines per Fly app and every other provider fine. */
export async function seedHealthyWorld(): Promise<void> {
  await world.reset();
  await world.fly.machines([
    { app: "kora-web", id: "148e21ea7d9089" },
    { app: "kora-web", id: "3d8d9e3c2e6189" },
    { app: "kora-web-staging", id: "6e82d1d6c55e08" },
  ]);
  await world.supabase.project("abcdefghijklmnopqrst");
  await world.vercel.project("prj_web");
  await world.sentry.project("acme", "web", 2);
  await world.doppler.config("api", "prd", [CONFIGURED.KORA_DOPPLER_TOKEN ?? ""]);
}

/** Drives the real Worker's `scheduled()` for the minute given. */
export async function fireCycle(koraEnv: KoraEnv, scheduledTime: number): Promise<void> {
  const controller = createScheduledController({ cron: PROBE_CRON, scheduledTime });
  const ctx = createExecutionContext();
  // Typed as the runtime calls it, whatever arity the handler declares.
  const scheduled: ExportedHandlerScheduledHandler<KoraEnv> = worker.scheduled;
  await scheduled(controller, koraEnv, ctx);
  await waitOnExecutionContext(ctx);
}

/** Storage is per file, not per test: each test starts from empty probe and incident tables. */
export async function clearProbeTables(): Promise<void> {
  await env.DB.batch(
    [
      "probe_state",
      "probe_cycles",
      "probe_transitions",
      "investigations",
      "audit_events",
      "incident_targets",
      "incidents",
      "slack_dm_log",
      "approvals",
    ].map((table) => env.DB.prepare(`DELETE FROM ${table}`)),
  );
}

export async function wakeAuditRows(): Promise<
  { caller_session_id: string; source: string; details: Record<string, unknown> }[]
> {
  const { results } = await env.DB.prepare(
    "SELECT caller_session_id, source, details FROM audit_events WHERE seam = 'probe.wake_requested' ORDER BY seq",
  ).all<{ caller_session_id: string; source: string; details: string }>();
  return results.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
}
