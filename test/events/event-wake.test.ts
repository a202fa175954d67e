import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../src/index";
import type { KoraEnv } from "../../src/config";
import { WakeMessage } from "../../src/contracts";
import {
  sentryIssueAlert,
  signSentryEvent,
  signVercelEvent,
  vercelDeploymentEvent,
  type SignedEvent,
} from "../fakes/webhook-events.ts";
import { clearProbeTables, fireCycle, probeEnv, seedHealthyWorld, wakeAuditRows } from "../probes/harness";
import { deliver } from "../wake/helpers";
import { world } from "../world";

const SECRETS = {
  KORA_SENTRY_WEBHOOK_SECRET: "fake-sentry-client-secret-0123456789",
  KORA_VERCEL_WEBHOOK_SECRET: "fake-vercel-webhook-secret-0123456789",
};

/** The Worker with a recording queue: what an event sends is kept, nothing reaches the consumer by itself. */
function eventEnv() {
  return probeEnv(SECRETS);
}

/** Delivers a signed event and waits for the work done after the answer (`waitUntil`). */
async function post(koraEnv: KoraEnv, event: SignedEvent): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://kora.test${event.path}`, { method: "POST", headers: event.headers, body: event.body }),
    koraEnv,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

const sentryAlert = (eventId?: string) =>
  signSentryEvent(
    SECRETS.KORA_SENTRY_WEBHOOK_SECRET,
    "event_alert",
    sentryIssueAlert({ org: "acme", project: "web", ...(eventId ? { eventId } : {}) }),
  );
const vercelError = () =>
  signVercelEvent(
    SECRETS.KORA_VERCEL_WEBHOOK_SECRET,
    vercelDeploymentEvent({ type: "deployment.error", projectId: "prj_web" }),
  );
const cycleCount = async () =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM probe_cycles").first<{ n: number }>())?.n ?? 0;

beforeEach(async () => {
  await clearProbeTables();
  await env.DB.prepare("DELETE FROM provider_events").run();
  await seedHealthyWorld();
});

describe("a Sentry alert wakes Kora at once when the probe agrees", () => {
  it("wakes, and the wake's investigation DMs the operator, with no cron fired", async () => {
    const { env: koraEnv, queue } = eventEnv();
    await world.sentry.project("acme", "web", 500);

    const response = await post(koraEnv, await sentryAlert());
    expect(response.status).toBe(202);

    expect(await cycleCount()).toBe(0);
    expect(queue.messages).toHaveLength(1);
    const wake = WakeMessage.parse(queue.messages[0]);
    expect(wake).toMatchObject({ kind: "wake", probe: "sentry", target: "acme/web", consecutive_unhealthy: 1 });
    const [row] = await wakeAuditRows();
    expect(row).toMatchObject({ caller_session_id: wake.caller_session_id, source: "system" });
    const incident = await env.DB.prepare("SELECT status FROM incidents WHERE id = ?1")
      .bind(wake.caller_session_id)
      .first();
    expect(incident).toEqual({ status: "open" });

    await deliver(wake, { env: koraEnv });
    const dms = await world.slack.posts();
    expect(dms).toHaveLength(1);
    expect(dms[0]?.text).toContain("acme/web");
    expect(JSON.stringify(dms[0]?.blocks)).toContain("unhealthy once");
    expect(JSON.stringify(dms[0]?.blocks)).toContain("checked at once on Sentry's event");
  });

  it("does nothing new for the same delivery again, or for another alert while the incident is open", async () => {
    const { env: koraEnv, queue } = eventEnv();
    await world.sentry.project("acme", "web", 500);
    const first = await sentryAlert("e48f0a11");
    await post(koraEnv, first);

    const again = await post(koraEnv, first);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: "duplicate" });

    const another = await post(koraEnv, await sentryAlert("e48f0a12"));
    expect(another.status).toBe(202);
    expect(queue.messages).toHaveLength(1);
    expect(await wakeAuditRows()).toHaveLength(1);
    const events = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM audit_events WHERE seam = 'probe.event_received'",
    ).first<{ n: number }>();
    expect(events?.n).toBe(2);
  });

  it("records the event and wakes nobody when Sentry's numbers are fine", async () => {
    const { env: koraEnv, queue } = eventEnv();
    const response = await post(koraEnv, await sentryAlert());
    expect(response.status).toBe(202);
    expect(queue.messages).toEqual([]);
    expect(await wakeAuditRows()).toEqual([]);
    const events = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM audit_events WHERE seam = 'probe.event_received'",
    ).first<{ n: number }>();
    expect(events?.n).toBe(1);
  });

  it("leaves the following cron cycles to the incident the event opened: no second wake, no re-failure", async () => {
    const { env: koraEnv, queue } = eventEnv();
    const thisMinute = Math.floor(Date.now() / 60_000) * 60_000;
    await fireCycle(koraEnv, thisMinute); // the cron saw the project healthy before the spike
    await world.sentry.project("acme", "web", 500);
    await post(koraEnv, await sentryAlert());
    const [wake] = queue.messages.map((message) => WakeMessage.parse(message));
    if (!wake) throw new Error("no wake");
    await deliver(wake, { env: koraEnv });

    for (let n = 1; n <= 4; n++) await fireCycle(koraEnv, thisMinute + n * 60_000);
    expect(queue.messages).toHaveLength(1);
    const escalations = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM audit_events WHERE seam = 'probe.incident_escalated'",
    ).first<{ n: number }>();
    expect(escalations?.n).toBe(0);
  });
});

describe("a Vercel deployment.error wakes Kora at once", () => {
  it("wakes when the latest production deployment failed, with no cron fired", async () => {
    const { env: koraEnv, queue } = eventEnv();
    await world.vercel.deploy("prj_web", "ERROR");
    expect((await post(koraEnv, await vercelError())).status).toBe(202);
    expect(await cycleCount()).toBe(0);
    expect(queue.messages.map((message) => WakeMessage.parse(message))).toEqual([
      expect.objectContaining({ kind: "wake", probe: "vercel", target: "prj_web" }),
    ]);
  });

  it("wakes nobody when a newer deployment is already READY", async () => {
    const { env: koraEnv, queue } = eventEnv();
    await world.vercel.deploy("prj_web", "ERROR");
    await world.vercel.deploy("prj_web", "READY");
    expect((await post(koraEnv, await vercelError())).status).toBe(202);
    expect(queue.messages).toEqual([]);
  });
});
