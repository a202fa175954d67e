import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getProbeStatus, getTargetStatus } from "../../src/probes/queries";
import { world } from "../world";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld } from "./harness";

const SUPABASE_REF = "abcdefghijklmnopqrst";

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

async function statusOf(probe: "fly" | "supabase" | "vercel" | "sentry" | "doppler") {
  return (await getProbeStatus(env.DB, probe)).map((row) => ({
    target: row.target,
    status: row.last_status,
    summary: row.last_detail.summary,
  }));
}

describe("a probe's own failure", () => {
  it("a provider that hangs is an error for that provider only; the others still report", async () => {
    const { env: koraEnv, queue } = probeEnv({ KORA_PROBE_TIMEOUT_MS: "300" });
    await world.fault({ provider: "vercel", kind: "hang", times: 5 });
    for (let n = 0; n < 3; n++) await fireCycle(koraEnv, minute(n));

    expect(await statusOf("vercel")).toEqual([
      { target: "prj_web", status: "error", summary: expect.stringContaining("timed out") },
    ]);
    for (const probe of ["supabase", "sentry", "doppler", "fly"] as const) {
      expect((await statusOf(probe)).every((row) => row.status === "healthy")).toBe(true);
    }
    expect(queue.messages).toEqual([]);
  });

  it("a 5xx or a rejected token is an error, never unhealthy, and never wakes", async () => {
    const { env: koraEnv, queue } = probeEnv();
    await world.fault({
      provider: "supabase",
      kind: "status",
      status: 500,
      times: 3,
      body: { message: "Failed to retrieve project's service health status" },
    });
    await world.control("sentry/tokens", { tokens: ["some-other-token"] });
    await world.fault({ provider: "fly", path: "^/v1/apps/kora-web-staging/", kind: "status", status: 503, times: 3 });
    for (let n = 0; n < 3; n++) await fireCycle(koraEnv, minute(n));

    expect(await statusOf("supabase")).toEqual([
      {
        target: SUPABASE_REF,
        status: "error",
        summary: "HTTP 500: Failed to retrieve project's service health status",
      },
    ]);
    expect(await statusOf("sentry")).toEqual([
      {
        target: "acme/web",
        status: "error",
        summary: "Sentry rejected KORA_SENTRY_AUTH_TOKEN (HTTP 401: Invalid token)",
      },
    ]);
    const staging = await getTargetStatus(env.DB, "fly", "kora-web-staging");
    expect(staging?.last_status).toBe("error");
    expect((await getTargetStatus(env.DB, "fly", "kora-web"))?.last_status).toBe("healthy");
    expect(queue.messages).toEqual([]);
  });

  it("an error cycle neither adds to nor clears a target's unhealthy count", async () => {
    const { env: koraEnv, queue } = probeEnv({ KORA_WAKE_AFTER_CYCLES: "2" });
    await world.fly.crash("148e21ea7d9089");
    await fireCycle(koraEnv, minute(0));
    await world.fault({ provider: "fly", path: "^/v1/apps/kora-web/machines$", kind: "status", status: 502 });
    await fireCycle(koraEnv, minute(1));
    expect((await getTargetStatus(env.DB, "fly", "148e21ea7d9089"))?.consecutive_unhealthy).toBe(1);
    expect(queue.messages).toEqual([]);
    await fireCycle(koraEnv, minute(2));
    expect(queue.messages).toHaveLength(1);
  });
});

describe("a probe that is not configured", () => {
  it("is skipped, naming the missing variable, and the configured probes run", async () => {
    const { env: koraEnv } = probeEnv({
      KORA_VERCEL_TOKEN: "",
      KORA_DOPPLER_CONFIG: "",
      KORA_FLY_STAGING_APP_NAME: "",
    });
    await fireCycle(koraEnv, minute(0));

    expect(await statusOf("vercel")).toEqual([
      { target: "prj_web", status: "skipped", summary: "not configured: set KORA_VERCEL_TOKEN" },
    ]);
    expect(await statusOf("doppler")).toEqual([
      { target: "doppler", status: "skipped", summary: "not configured: set KORA_DOPPLER_CONFIG" },
    ]);
    expect(await getTargetStatus(env.DB, "fly", "staging-app")).toMatchObject({
      last_status: "skipped",
      last_detail: { summary: "not configured: set KORA_FLY_STAGING_APP_NAME" },
    });
    expect((await statusOf("supabase"))[0]?.status).toBe("healthy");
    expect(await world.requests({ provider: "vercel" })).toEqual([]);
  });

  it("skips Fly when its token is missing, without calling Fly", async () => {
    const { env: koraEnv } = probeEnv({ KORA_FLY_API_TOKEN: "" });
    await fireCycle(koraEnv, minute(0));
    expect(await statusOf("fly")).toEqual([
      { target: "kora-web", status: "skipped", summary: "not configured: set KORA_FLY_API_TOKEN" },
      { target: "kora-web-staging", status: "skipped", summary: "not configured: set KORA_FLY_API_TOKEN" },
    ]);
    expect(await world.requests({ provider: "fly" })).toEqual([]);
  });
});

describe("what each provider calls unhealthy", () => {
  it("Supabase: a service that is not ACTIVE_HEALTHY", async () => {
    const { env: koraEnv } = probeEnv();
    await world.supabase.service(SUPABASE_REF, "db", "UNHEALTHY");
    await fireCycle(koraEnv, minute(0));
    expect(await statusOf("supabase")).toEqual([
      { target: SUPABASE_REF, status: "unhealthy", summary: "not healthy: db (UNHEALTHY)" },
    ]);
    const [request] = await world.requests({ provider: "supabase" });
    expect(request?.query.services).toEqual(["auth", "db", "realtime", "rest", "storage"]);
    expect(request?.headers.authorization).toBe("Bearer sbp_fake_0123456789");
  });

  it("Vercel: the newest production deployment failed, but a newer build over a READY one is fine", async () => {
    const { env: koraEnv } = probeEnv();
    await world.vercel.deploy("prj_web", "BUILDING");
    await fireCycle(koraEnv, minute(0));
    expect((await statusOf("vercel"))[0]?.status).toBe("healthy");

    await world.vercel.deploy("prj_web", "ERROR");
    await fireCycle(koraEnv, minute(1));
    expect((await statusOf("vercel"))[0]).toMatchObject({
      status: "unhealthy",
      summary: expect.stringMatching(/is ERROR$/),
    });
  });

  it("Vercel: no READY production deployment at all", async () => {
    const { env: koraEnv } = probeEnv({ KORA_VERCEL_PROJECT_ID: "prj_new" });
    await world.vercel.project("prj_new", { states: ["QUEUED"] });
    await fireCycle(koraEnv, minute(0));
    expect((await statusOf("vercel"))[0]).toMatchObject({
      status: "unhealthy",
      summary: "no READY production deployment among the last 20",
    });
  });

  it("Sentry: errors over the threshold in the window", async () => {
    const { env: koraEnv } = probeEnv({ KORA_SENTRY_ERROR_THRESHOLD: "100", KORA_SENTRY_WINDOW_MINUTES: "5" });
    await world.sentry.project("acme", "web", 30);
    await fireCycle(koraEnv, minute(0));
    expect(await statusOf("sentry")).toEqual([
      { target: "acme/web", status: "unhealthy", summary: "150 errors in the last 5 min (threshold 100)" },
    ]);
  });

  it("Doppler: the config the services read is gone (seen with a token that outlives the config)", async () => {
    const token = "dp.sa.fake0123456789";
    await world.control("doppler/token", { token, kind: "service_account", projects: ["api"] });
    const { env: koraEnv } = probeEnv({ KORA_DOPPLER_TOKEN: token });
    await world.doppler.remove("api", "prd");
    await fireCycle(koraEnv, minute(0));
    expect(await statusOf("doppler")).toEqual([
      {
        target: "api/prd",
        status: "unhealthy",
        summary: "config api/prd not found: Could not find requested config 'prd'",
      },
    ]);
  });
});
