import { env } from "cloudflare:workers";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { createFlyClient } from "../../src/fly/client";
import { getProbeStatus } from "../../src/probes/queries";
import { postSlackMessage, updateSlackMessage } from "../../src/slack/client";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld } from "../probes/harness";
import { describeViolation, world } from "../world";
import type { ContractViolation } from "./checker.ts";
import { KNOWN_DRIFTS } from "./known-drifts.ts";

/**
 * Kora against the providers' published contracts (README.md beside this file): every endpoint
 * Kora uses, driven through Kora, checked request and answer; proof that a drift on either side
 * is caught; and Kora reading the least answer each spec allows.
 */

const config = parseConfig(env);
const APP = "kora-web";
const SUPABASE_REF = "abcdefghijklmnopqrst";
/** Every violation seen in this file, to check at the end that each known drift still happens. */
const seen: ContractViolation[] = [];
let since = 0;

beforeEach(async () => {
  since = (await world.contracts.violations(Number.MAX_SAFE_INTEGER)).last_seq;
});

/** This test's violations so far, and the operations its requests were matched to. */
async function observed(): Promise<{ violations: ContractViolation[]; checked: Record<string, number> }> {
  const { violations, checked } = await world.contracts.violations(since);
  seen.push(...violations.filter((v) => !seen.some((s) => s.seq === v.seq)));
  return { violations, checked };
}

const unexpected = (violations: ContractViolation[]) =>
  violations.filter((v) => v.known_drift === null).map(describeViolation);

describe("every endpoint Kora uses, driven through Kora, keeps to its contract", () => {
  beforeEach(async () => {
    await clearProbeTables();
    await seedHealthyWorld();
  });

  it("a probe cycle: Fly, Supabase, Vercel, Sentry and Doppler", async () => {
    // A stopped machine whose listing says nothing about why is read on its own (Machines_show).
    await world.fly.machines([{ app: APP, id: "5e9f0c1d2b3a47", state: "stopped" }]);
    const { env: koraEnv } = probeEnv();
    await fireCycle(koraEnv, minute(0));

    const { violations, checked } = await observed();
    expect(violations.map(describeViolation)).toEqual([]);
    expect(Object.keys(checked).sort()).toEqual([
      "doppler secrets.names",
      "fly Machines_list",
      "fly Machines_show",
      "sentry listOrganizationEventsTimeseries",
      "sentry listOrganizationProjects",
      "supabase v1-get-services-health",
      "vercel getDeployments",
    ]);
  });

  it("the Fly client: list, show, lease, start, wait, restart, release", async () => {
    const fly = createFlyClient(config, { timeoutMs: 2_000 });
    await world.fly.machines([{ app: APP, id: "m300", state: "stopped" }]);
    expect((await fly.listMachines(APP)).ok).toBe(true);
    expect((await fly.getMachine(APP, "m300")).ok).toBe(true);
    const lease = await fly.acquireLease(APP, "m300", { ttl_seconds: 30, description: "kora contract test" });
    if (!lease.ok) throw new Error(lease.error.message);
    expect((await fly.startMachine(APP, "m300", lease.value)).ok).toBe(true);
    expect((await fly.waitForState(APP, "m300", { state: "started", timeout_seconds: 5 })).ok).toBe(true);
    expect((await fly.restartMachine(APP, "m300", lease.value)).ok).toBe(true);
    expect((await fly.releaseLease(APP, "m300", lease.value.nonce)).ok).toBe(true);

    const { violations, checked } = await observed();
    expect(unexpected(violations)).toEqual([]);
    expect(Object.keys(checked).sort()).toEqual([
      "fly Machines_create_lease",
      "fly Machines_list",
      "fly Machines_release_lease",
      "fly Machines_restart",
      "fly Machines_show",
      "fly Machines_start",
      "fly Machines_wait",
    ]);
  });

  it("a Slack DM: chat.postMessage with blocks, then chat.update", async () => {
    const blocks = [{ type: "section" as const, text: { type: "mrkdwn" as const, text: "*kora-web* is down" } }];
    const posted = await postSlackMessage(config, { channel: "U0OPERATOR", text: "kora-web is down", blocks });
    if (!posted.ok) throw new Error(posted.error);
    const updated = await updateSlackMessage(config, {
      channel: posted.channel,
      ts: posted.ts,
      text: "kora-web is back",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "*kora-web* is back" } }],
    });
    expect(updated.ok).toBe(true);

    const { violations, checked } = await observed();
    expect(unexpected(violations)).toEqual([]);
    expect(checked).toEqual({ "slack chat.postMessage": 1, "slack chat.update": 1 });
  });

  it("Sentry without project=: the fake answers, to its contract, what the real endpoint does for a token with no project membership", async () => {
    const auth = { authorization: "Bearer sntrys_fake_0123456789" };
    const base = `${env.FAKE_WORLD_URL}/sentry/api/0/organizations/acme`;
    const unscoped = await fetch(`${base}/events-timeseries/?dataset=errors&statsPeriod=8m&interval=60`, {
      headers: auth,
    });
    expect(await unscoped.json()).toEqual({ timeSeries: [] });
    const { id } = await world.sentry.project("acme", "web", 2);
    const scoped = await fetch(`${base}/events-timeseries/?dataset=errors&project=${id}&statsPeriod=8m&interval=60`, {
      headers: auth,
    });
    expect(((await scoped.json()) as { timeSeries: unknown[] }).timeSeries).toHaveLength(1);

    const { violations, checked } = await observed();
    expect(violations.map(describeViolation)).toEqual([]);
    expect(checked).toEqual({ "sentry listOrganizationEventsTimeseries": 2 });
  });
});

describe("a drift is caught, naming the operation and the field", () => {
  beforeEach(async () => {
    await clearProbeTables();
    await seedHealthyWorld();
  });

  it("a fake's answer without a required field", async () => {
    // A Supabase health answer that lost the required `healthy`.
    await world.contracts.answer({
      provider: "supabase",
      path: "/health$",
      status: 200,
      body: [{ name: "auth", status: "ACTIVE_HEALTHY" }],
    });
    const { env: koraEnv } = probeEnv();
    await fireCycle(koraEnv, minute(0));

    const { violations } = await observed();
    expect(unexpected(violations)).toEqual([
      "supabase v1-get-services-health response (GET /v1/projects/abcdefghijklmnopqrst/health → 200): body[0].healthy is required",
    ]);
    // Kora itself does not need the deprecated field: it read the answer, and judged on what is missing.
    const [row] = await getProbeStatus(env.DB, "supabase");
    expect(row?.last_detail.summary).toBe("Supabase did not report on db, realtime, rest, storage");
    await world.contracts.clear();
  });

  it("a fake's answer with a value outside the documented enum, and with the wrong type", async () => {
    await world.contracts.answer({
      provider: "vercel",
      status: 200,
      body: {
        deployments: [
          {
            uid: "dpl_1",
            name: "web",
            projectId: "prj_web",
            url: "web.vercel.app",
            created: 1,
            createdAt: "yesterday",
            creator: { uid: "u_1" },
            inspectorUrl: null,
            readyState: "FINE",
            type: "LAMBDAS",
          },
        ],
        pagination: { count: 1, next: null, prev: null },
      },
    });
    const { env: koraEnv } = probeEnv();
    await fireCycle(koraEnv, minute(0));

    const { violations } = await observed();
    expect(unexpected(violations)).toEqual([
      'vercel getDeployments response (GET /v7/deployments → 200): body.deployments[0].createdAt must be number (got "yesterday")',
      'vercel getDeployments response (GET /v7/deployments → 200): body.deployments[0].readyState must be one of "BLOCKED", "BUILDING", "CANCELED", "DELETED", "ERROR", "INITIALIZING", "QUEUED", "READY" (got "FINE")',
    ]);
    await world.contracts.clear();
  });

  it("requests without a required parameter, header or credential, or with a wrong body", async () => {
    const base = env.FAKE_WORLD_URL;
    const auth = { authorization: "Bearer fake-0123456789" };
    await fetch(`${base}/supabase/v1/projects/${SUPABASE_REF}/health`, { headers: auth });
    await fetch(`${base}/supabase/v1/projects/${SUPABASE_REF}/health?services=auth&timeout_ms=soon`, { headers: auth });
    await fetch(`${base}/doppler/v3/configs/config/secrets/names?project=api&config=prd`);
    await fetch(`${base}/fly/v1/apps/${APP}/machines/148e21ea7d9089/lease`, { method: "DELETE", headers: auth });
    await fetch(`${base}/fly/v1/apps/${APP}/machines/148e21ea7d9089/lease`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ ttl: "30s" }),
    });
    await fetch(`${base}/fly/v1/apps/${APP}/machines/148e21ea7d9089/reboot`, { method: "POST", headers: auth });
    await fetch(`${base}/slack/api/chat.postMessage`, {
      method: "POST",
      headers: { authorization: "Bearer xoxb-test", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ text: "no channel", blocks: JSON.stringify([{ text: "no type" }]) }).toString(),
    });

    const { violations } = await observed();
    expect(violations.filter((v) => v.direction === "request").map(describeViolation)).toEqual([
      "supabase v1-get-services-health request (GET /v1/projects/abcdefghijklmnopqrst/health): query.services is required",
      'supabase v1-get-services-health request (GET /v1/projects/abcdefghijklmnopqrst/health): query.timeout_ms must be integer (got "soon")',
      "doppler secrets.names request (GET /v3/configs/config/secrets/names): header.authorization is required (apiKey: bearer credentials)",
      "fly Machines_release_lease request (DELETE /v1/apps/kora-web/machines/148e21ea7d9089/lease): header.fly-machine-lease-nonce is required",
      'fly Machines_create_lease request (POST /v1/apps/kora-web/machines/148e21ea7d9089/lease): body.ttl must be integer (got "30s")',
      "fly POST /v1/apps/kora-web/machines/148e21ea7d9089/reboot request (POST /v1/apps/kora-web/machines/148e21ea7d9089/reboot): operation no documented operation has this path",
      "slack chat.postMessage request (POST /api/chat.postMessage): body.channel is required",
      "slack chat.postMessage request (POST /api/chat.postMessage): body.blocks[0].type is required",
    ]);
    await world.contracts.clear();
  });

  it("an injected fault's answer is exempt; the request that drew it is still checked", async () => {
    await world.fault({ provider: "doppler", kind: "status", status: 200, body: { names: [7] } });
    await fetch(`${env.FAKE_WORLD_URL}/doppler/v3/configs/config/secrets/names?project=api`, {
      headers: { authorization: "Bearer dp.st.fake0123456789" },
    });
    const { violations } = await observed();
    expect(violations.map(describeViolation)).toEqual([
      "doppler secrets.names request (GET /v3/configs/config/secrets/names): query.config is required",
    ]);
    await world.contracts.clear();
  });
});

describe("Kora reads the least answer each spec allows", () => {
  beforeEach(async () => {
    await clearProbeTables();
    await seedHealthyWorld();
  });

  /** Known `consumer` drifts: Kora refuses a spec-valid answer there, and the test expects it to. */
  const refuses = (provider: string, operation: string) =>
    KNOWN_DRIFTS.some((d) => d.direction === "consumer" && d.provider === provider && d.operation === operation);

  async function probeStatusAfterMinimal(
    provider: "supabase" | "vercel" | "doppler" | "sentry",
    operation: string,
    overrides: Record<string, string> = {},
  ) {
    await world.contracts.minimal(provider, operation);
    const { env: koraEnv } = probeEnv(overrides);
    await fireCycle(koraEnv, minute(0));
    const { violations } = await observed();
    expect(unexpected(violations)).toEqual([]);
    const [row] = await getProbeStatus(env.DB, provider);
    return { status: row?.last_status, summary: String(row?.last_detail.summary ?? "") };
  }

  it.each([
    ["supabase", "v1-get-services-health"],
    ["vercel", "getDeployments"],
    ["doppler", "secrets.names"],
  ] as const)("%s %s", async (provider, operation) => {
    const outcome = await probeStatusAfterMinimal(provider, operation);
    if (refuses(provider, operation)) {
      expect(outcome).toEqual({ status: "error", summary: expect.stringContaining("unexpected response") });
    } else {
      expect(outcome.status).not.toBe("error");
    }
  });

  // Sentry's least answers say nothing about the project's errors: Kora reads them and says so.
  it("sentry listOrganizationProjects", async () => {
    expect(await probeStatusAfterMinimal("sentry", "listOrganizationProjects")).toEqual({
      status: "error",
      summary: 'Sentry organization acme has no project "web" this token can see',
    });
  });

  it("sentry listOrganizationEventsTimeseries", async () => {
    const { id } = await world.sentry.project("acme", "web", 2);
    const outcome = await probeStatusAfterMinimal("sentry", "listOrganizationEventsTimeseries", {
      KORA_SENTRY_PROJECT: id,
    });
    expect(outcome).toEqual({
      status: "error",
      summary: `Sentry returned no error series for project ${id}, so the error rate is unknown (not zero)`,
    });
  });

  const flyCalls = {
    Machines_list: (fly: ReturnType<typeof createFlyClient>) => fly.listMachines(APP),
    Machines_show: (fly: ReturnType<typeof createFlyClient>) => fly.getMachine(APP, "148e21ea7d9089"),
    Machines_create_lease: (fly: ReturnType<typeof createFlyClient>) =>
      fly.acquireLease(APP, "148e21ea7d9089", { ttl_seconds: 30, description: "contract" }),
    Machines_start: (fly: ReturnType<typeof createFlyClient>) => fly.startMachine(APP, "148e21ea7d9089"),
    Machines_wait: (fly: ReturnType<typeof createFlyClient>) =>
      fly.waitForState(APP, "148e21ea7d9089", { state: "started", timeout_seconds: 2 }),
    Machines_restart: (fly: ReturnType<typeof createFlyClient>) => fly.restartMachine(APP, "148e21ea7d9089"),
    Machines_release_lease: (fly: ReturnType<typeof createFlyClient>) => fly.releaseLease(APP, "148e21ea7d9089", "n0"),
  };

  it.each(Object.keys(flyCalls) as (keyof typeof flyCalls)[])("fly %s", async (operation) => {
    await world.contracts.minimal("fly", operation);
    const result = await flyCalls[operation](createFlyClient(config, { timeoutMs: 2_000 }));
    const { violations } = await observed();
    expect(unexpected(violations)).toEqual([]);
    if (refuses("fly", operation)) {
      expect(result).toEqual({ ok: false, error: expect.objectContaining({ kind: "bad_response" }) });
    } else {
      expect(result.ok).toBe(true);
    }
  });
});

afterAll(() => {
  // A request or response drift nothing in this file provoked any more is stale: fix the list.
  const provoked = new Set(seen.map((v) => v.known_drift));
  const stale = KNOWN_DRIFTS.filter((d) => d.direction !== "consumer" && !provoked.has(d.id)).map((d) => d.id);
  expect(stale).toEqual([]);
});
