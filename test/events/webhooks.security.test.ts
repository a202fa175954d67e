import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "../../src/audit/queries";
import worker from "../../src/index";
import { CONFIGURED } from "../probes/harness";
import {
  sentryIssueAlert,
  signSentryEvent,
  signVercelEvent,
  vercelDeploymentEvent,
  type SignedEvent,
} from "../fakes/webhook-events.ts";
import { world } from "../world";

const SENTRY_SECRET = "fake-sentry-client-secret-0123456789";
const VERCEL_SECRET = "fake-vercel-webhook-secret-0123456789";
const SECRETS = { KORA_SENTRY_WEBHOOK_SECRET: SENTRY_SECRET, KORA_VERCEL_WEBHOOK_SECRET: VERCEL_SECRET };

async function post(
  event: SignedEvent,
  vars: Record<string, string> = SECRETS,
  tamper?: (e: SignedEvent) => SignedEvent,
) {
  const sent = tamper ? tamper(event) : event;
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`https://kora.test${sent.path}`, { method: "POST", headers: sent.headers, body: sent.body }),
    { ...env, ...CONFIGURED, ...vars },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return response;
}

const eventRows = async () => (await listAuditEvents(env.DB, { seam: "probe.event_received", limit: 50 })).rows;
const claimed = async () =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM provider_events").first<{ n: number }>())?.n ?? 0;
const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

beforeEach(async () => {
  await world.reset();
  await env.DB.prepare("DELETE FROM provider_events").run();
  await env.DB.prepare("DELETE FROM audit_events WHERE seam = 'probe.event_received'").run();
});

describe("POST /webhooks/sentry refuses before it reads", () => {
  const alert = () => sentryIssueAlert({ org: "acme", project: "web" });

  it("answers 503 naming the variable when the secret is not set, and records nothing", async () => {
    const response = await post(await signSentryEvent(SENTRY_SECRET, "event_alert", alert()), {});
    expect(response.status).toBe(503);
    expect((await errorOf(response)).message).toContain("KORA_SENTRY_WEBHOOK_SECRET");
    expect(await eventRows()).toEqual([]);
  });

  it("answers 401 for a signature made with another secret, a missing one, or a body changed after signing", async () => {
    const forged = await post(await signSentryEvent("not-the-secret", "event_alert", alert()));
    expect(forged.status).toBe(401);
    expect((await errorOf(forged)).code).toBe("signature_bad_signature");

    const unsigned = await post(await signSentryEvent(SENTRY_SECRET, "event_alert", alert()), SECRETS, (e) => {
      const { "sentry-hook-signature": _dropped, ...headers } = e.headers;
      return { ...e, headers };
    });
    expect(unsigned.status).toBe(401);

    const altered = await post(await signSentryEvent(SENTRY_SECRET, "event_alert", alert()), SECRETS, (e) => ({
      ...e,
      body: e.body.replace("Error spike", "Error spike!"),
    }));
    expect(altered.status).toBe(401);
    expect(await eventRows()).toEqual([]);
    expect(await claimed()).toBe(0);
  });

  it("answers 401 for a stale or future timestamp and 400 for missing hook headers", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(
      (await post(await signSentryEvent(SENTRY_SECRET, "event_alert", alert(), { timestamp: now - 600 }))).status,
    ).toBe(401);
    expect(
      (await post(await signSentryEvent(SENTRY_SECRET, "event_alert", alert(), { timestamp: now + 600 }))).status,
    ).toBe(401);
    const noResource = await post(await signSentryEvent(SENTRY_SECRET, "event_alert", alert()), SECRETS, (e) => {
      const { "sentry-hook-resource": _dropped, ...headers } = e.headers;
      return { ...e, headers };
    });
    expect(noResource.status).toBe(400);
    expect((await errorOf(noResource)).message).toContain("Sentry-Hook-Resource");
    expect(await eventRows()).toEqual([]);
  });

  it("answers 413 for a body over the cap, without reading it", async () => {
    const huge = { ...alert(), padding: "x".repeat(300 * 1024) };
    const response = await post(await signSentryEvent(SENTRY_SECRET, "event_alert", huge));
    expect(response.status).toBe(413);
    expect(await eventRows()).toEqual([]);
  });

  it("answers 422 for an event about a project Kora does not watch, with no state change", async () => {
    const response = await post(
      await signSentryEvent(
        SENTRY_SECRET,
        "event_alert",
        sentryIssueAlert({ org: "acme", project: "billing", projectId: 99 }),
      ),
    );
    expect(response.status).toBe(422);
    expect((await errorOf(response)).code).toBe("unconfigured_project");
    expect(await eventRows()).toEqual([]);
    expect(await claimed()).toBe(0);
  });

  it("answers 400 naming the field for a signed body that is not an event", async () => {
    const response = await post(
      await signSentryEvent(SENTRY_SECRET, "event_alert", { action: "triggered", data: { event: {} } }),
    );
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain("data.event.event_id");
  });
});

describe("POST /webhooks/vercel refuses before it reads", () => {
  const failed = () => vercelDeploymentEvent({ type: "deployment.error", projectId: "prj_web" });

  it("answers 503 without its secret and 401 for a wrong signature", async () => {
    expect((await post(await signVercelEvent(VERCEL_SECRET, failed()), {})).status).toBe(503);
    expect((await post(await signVercelEvent("not-the-secret", failed()))).status).toBe(401);
    expect(await eventRows()).toEqual([]);
  });

  it("answers 400 for an event older than an hour and 422 for another project", async () => {
    const stale = vercelDeploymentEvent({
      type: "deployment.error",
      projectId: "prj_web",
      createdAt: Date.now() - 2 * 3_600_000,
    });
    const staleResponse = await post(await signVercelEvent(VERCEL_SECRET, stale));
    expect(staleResponse.status).toBe(400);
    expect((await errorOf(staleResponse)).code).toBe("stale_event");
    const other = await post(
      await signVercelEvent(VERCEL_SECRET, vercelDeploymentEvent({ type: "deployment.error", projectId: "prj_other" })),
    );
    expect(other.status).toBe(422);
    expect(await eventRows()).toEqual([]);
    expect(await claimed()).toBe(0);
  });
});

describe("a verified event", () => {
  it("is recorded once, however often the provider delivers it", async () => {
    const event = await signVercelEvent(
      VERCEL_SECRET,
      vercelDeploymentEvent({ type: "deployment.succeeded", projectId: "prj_web" }),
    );
    const first = await post(event);
    const second = await post(event);
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ status: "duplicate" });
    const rows = await eventRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.details).toMatchObject({
      provider: "vercel",
      kind: "deployment.succeeded",
      target: "prj_web",
      hint: false,
    });
  });

  it("of a kind Kora does not act on is acknowledged and recorded, not refused", async () => {
    const response = await post(
      await signSentryEvent(SENTRY_SECRET, "comment", { action: "created", data: { comment: "looking into it" } }),
    );
    expect(response.status).toBe(202);
    expect((await eventRows())[0]?.details).toMatchObject({ kind: "comment.created", target: null, hint: false });
  });
});

describe("the signature covers the bytes as sent", () => {
  it("accepts a body signed as sent, whitespace and all, not re-serialized", async () => {
    const comment = { action: "created", data: { comment: "hi" } };
    const deployment = vercelDeploymentEvent({ type: "deployment.succeeded", projectId: "prj_web" });
    expect((await post(await signSentryEvent(SENTRY_SECRET, "comment", comment, { indent: 1 }))).status).toBe(202);
    expect((await post(await signVercelEvent(VERCEL_SECRET, deployment, { indent: 1 }))).status).toBe(202);
    expect(await eventRows()).toHaveLength(2);
  });

  it("answers 401, not 400, to a body that is not JSON under a wrong signature: nothing is parsed first", async () => {
    const event = await signSentryEvent(SENTRY_SECRET, "comment", { action: "created", data: { comment: "hi" } });
    const response = await post(event, SECRETS, (e) => ({ ...e, body: "{not json" }));
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe("signature_bad_signature");
  });
});
