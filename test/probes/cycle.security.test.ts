import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { world } from "../world";
import { CONFIGURED, clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld, wakeAuditRows } from "./harness";

const TOKEN = CONFIGURED.KORA_DOPPLER_TOKEN ?? "";
const OTHER_TOKEN = CONFIGURED.KORA_VERCEL_TOKEN ?? "";

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

describe("a provider error that echoes a secret", () => {
  it.each([
    ["the probe's own token", TOKEN],
    // The outbound helper redacts the token of the call; another configured secret is the cycle's.
    ["another configured secret", OTHER_TOKEN],
  ])(
    "echoing %s is redacted before the cycle stores it, records its change, queues the wake or audits it",
    async (_, secret) => {
      expect(secret.length).toBeGreaterThan(6);
      const { env: koraEnv, queue } = probeEnv();
      // Doppler's 404 (the config is gone) is unhealthy, and its message goes into the detail.
      await world.fault({
        provider: "doppler",
        kind: "status",
        status: 404,
        body: { messages: [`Could not find requested config 'prd' for token ${secret}`], success: false },
        times: 10,
      });
      await fireCycle(koraEnv, minute(0));
      await fireCycle(koraEnv, minute(1));

      const state = await env.DB.prepare("SELECT last_detail FROM probe_state WHERE probe = 'doppler'").first<{
        last_detail: string;
      }>();
      const changes = await env.DB.prepare("SELECT detail FROM probe_transitions WHERE probe = 'doppler'").all<{
        detail: string;
      }>();
      expect(queue.messages).toHaveLength(1);
      const stored = [
        state?.last_detail ?? "",
        ...changes.results.map((row) => row.detail),
        JSON.stringify(queue.messages),
        JSON.stringify(await wakeAuditRows()),
      ];
      for (const text of stored) {
        expect(text).toContain("[redacted]");
        expect(text).not.toContain(secret);
      }
    },
  );
});
