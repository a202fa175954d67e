/**
 * Provider events from outside: the real Worker under `wrangler dev` (local D1 and Queues, the
 * queue consumer running), the fake world signing and sending the events as `npm run dev` tells a
 * newcomer to. No cron is fired in this file: the wakes come from the events alone.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_VARS } from "../fakes/seed.ts";
import type { SlackFake } from "../fakes/slack.ts";
import { startLocalStack, type LocalStack } from "../../scripts/local-stack.mjs";

interface AuditRow {
  seam: string;
  source: string;
  caller_session_id: string;
  details: Record<string, unknown>;
}

let stack: LocalStack;
let slack: SlackFake;

beforeAll(async () => {
  stack = await startLocalStack({ migratedFrom: inject("migratedState") });
  slack = stack.world.providers.get("slack") as SlackFake;
});
afterAll(async () => stack?.stop());

/** The fake world's control API over HTTP, as the curl lines `npm run dev` prints use it. */
async function control(path: string, body: unknown = {}): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.worldUrl}/__control/${path}`, { method: "POST", body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const wakeRows = async () =>
  (await stack.api<{ rows: AuditRow[] }>("/api/audit?seam=probe.wake_requested&limit=20")).rows;
const dmAbout = (target: string) => slack.posts.find((post) => post.text.includes(target));

describe("a provider's event wakes Kora with no cron", () => {
  it("a signed Sentry alert during an error spike: wake, investigation and DM; the same delivery again changes nothing", async () => {
    const target = `${DEMO_VARS.KORA_SENTRY_ORG}/${DEMO_VARS.KORA_SENTRY_PROJECT}`;
    await control("sentry/project", {
      org: DEMO_VARS.KORA_SENTRY_ORG,
      project: DEMO_VARS.KORA_SENTRY_PROJECT,
      errors_per_minute: 500,
    });
    const payload = {
      action: "triggered",
      installation: { uuid: "7a485448-a9e2-4c85-8a3c-4f44175783c9" },
      data: {
        event: {
          event_id: "e48f0a1b2c3d4e5f",
          project: 1,
          url: `https://sentry.io/api/0/projects/${target}/events/e48f0a1b2c3d4e5f/`,
          title: "TypeError: cart is undefined",
        },
        triggered_rule: "Error spike",
      },
      actor: { type: "application", id: "sentry", name: "Sentry" },
    };
    const sent = await control("webhooks/sentry", { payload });
    expect(sent.worker_status).toBe(202);

    const dm = await waitFor("the DM about the Sentry project", () => dmAbout(target));
    expect(dm.text).toContain("sentry");
    const [wake] = (await wakeRows()).filter((row) => row.details.target === target);
    expect(wake).toMatchObject({ source: "system", details: { kind: "wake", probe: "sentry" } });

    const again = await control("webhooks/sentry", { payload });
    expect(again.worker_status).toBe(200);
    expect(String(again.worker_answer)).toContain("duplicate");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await wakeRows()).filter((row) => row.details.target === target)).toHaveLength(1);
    expect(slack.posts.filter((post) => post.text.includes(target))).toHaveLength(1);
  });

  it("a signed Vercel deployment.error with the production deployment in ERROR: wake and DM", async () => {
    const target = DEMO_VARS.KORA_VERCEL_PROJECT_ID;
    await control("vercel/deploy", { projectId: target, state: "ERROR" });
    const sent = await control("webhooks/vercel", { type: "deployment.error" });
    expect(sent.worker_status).toBe(202);
    await waitFor("the DM about the Vercel project", () => dmAbout(target));
    const [wake] = (await wakeRows()).filter((row) => row.details.target === target);
    expect(wake).toMatchObject({ source: "system", details: { probe: "vercel" } });
  });
});
