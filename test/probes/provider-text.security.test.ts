import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { world } from "../world";
import { CONFIGURED, clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld } from "./harness";

/**
 * What a provider says is outside text: a probe stores it redacted and clipped, and pulls no
 * secret into Kora that it does not need.
 */

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

async function storedProbeState(): Promise<string> {
  const { results } = await env.DB.prepare("SELECT probe, target, last_detail FROM probe_state").all();
  return JSON.stringify(results);
}

describe("provider error text", () => {
  it.each([
    ["supabase", 500, { message: `upstream said: bad token ${CONFIGURED.KORA_SUPABASE_ACCESS_TOKEN}` }],
    ["vercel", 403, { error: { code: "forbidden", message: `token ${CONFIGURED.KORA_VERCEL_TOKEN} is not allowed` } }],
    ["sentry", 401, { detail: `Invalid token ${CONFIGURED.KORA_SENTRY_AUTH_TOKEN}` }],
    ["doppler", 401, { messages: [`Invalid Auth token ${CONFIGURED.KORA_DOPPLER_TOKEN}`], success: false }],
  ] as const)(
    "an answer from %s that echoes Kora's token is stored with the token redacted",
    async (provider, status, body) => {
      await world.fault({ provider, kind: "status", status, body });
      await fireCycle(probeEnv().env, minute(0));
      const stored = await storedProbeState();
      expect(stored).toContain("[redacted]");
      for (const name of [
        "KORA_SUPABASE_ACCESS_TOKEN",
        "KORA_VERCEL_TOKEN",
        "KORA_SENTRY_AUTH_TOKEN",
        "KORA_DOPPLER_TOKEN",
      ]) {
        expect(stored).not.toContain(CONFIGURED[name]);
      }
    },
  );

  it("a provider's long error text is clipped before it is stored", async () => {
    await world.fault({ provider: "sentry", kind: "status", status: 403, body: { detail: "x".repeat(5_000) } });
    await fireCycle(probeEnv().env, minute(0));
    const { results } = await env.DB.prepare("SELECT last_detail FROM probe_state WHERE probe = 'sentry'").all<{
      last_detail: string;
    }>();
    const summary = (JSON.parse(results[0]?.last_detail ?? "{}") as { summary: string }).summary;
    expect(summary.length).toBeLessThanOrEqual(400);
    expect(summary).toMatch(/^Sentry refused to show the projects of acme/);
  });
});

describe("Doppler secrets", () => {
  it("the probe asks for names only, never values, and keeps only their count", async () => {
    await fireCycle(probeEnv().env, minute(0));
    const paths = (await world.requests({ provider: "doppler" })).map((r) => r.path);
    expect(paths).toEqual(["/v3/configs/config/secrets/names"]);
    const stored = await storedProbeState();
    for (const name of ["DATABASE_URL", "SESSION_SECRET", "STRIPE_KEY"]) expect(stored).not.toContain(name);
  });
});
