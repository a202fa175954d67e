/**
 * `npm run dev`'s first screen: wrangler's start-up output, as it prints it (two bindings tables,
 * the offline `Request.cf` warning), reduced to what a newcomer can act on.
 */
import { describe, expect, it } from "vitest";
import { createDevOutputFilter } from "../../scripts/dev-output.mjs";

const BINDINGS = [
  "Your Worker has access to the following bindings:",
  "Binding                                                            Resource                  Mode",
  "env.EMAIL (unrestricted)                                           Send Email                local",
  "env.WAKE_QUEUE (kora-wake)                                         Queue                     local",
  'env.KORA_FLY_APP_NAME ("(hidden)")                                 Environment Variable      local',
  'env.KORA_MODEL ("claude-sonnet-5-5")                               Environment Variable      local',
];
const WRANGLER_START = [
  " ⛅️ wrangler 4.164.0",
  "────────────────────",
  "Using secrets defined in ../../tmp/kora-env-pjqSkT/kora.env",
  ...BINDINGS,
  "[wrangler:warn] Unable to fetch the `Request.cf` object! Falling back to a default placeholder...",
  "Error: getaddrinfo ENOTFOUND workers.cloudflare.com",
  "    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:122:26)",
  "    at GetAddrInfoReqWrap.callbackTrampoline (node:internal/async_hooks:130:17)",
  "⎔ Starting local server...",
  "⎔ Connection status updated",
  ...BINDINGS,
  "[wrangler:info] Ready on http://127.0.0.1:8787",
  "[wrangler:info] GET /healthz 200 OK (5971ms)",
];

const run = (lines: string[]) => {
  const filter = createDevOutputFilter();
  return lines.map((line) => filter(line)).filter((line): line is string => line !== null);
};

describe("npm run dev's output", () => {
  it("drops wrangler's banner, both bindings tables and the offline stack trace", () => {
    expect(run(WRANGLER_START)).toEqual([]);
  });

  it("turns Kora's audit and cycle lines into one readable line each", () => {
    const row = {
      kora_audit: {
        seam: "probe.wake_requested",
        caller_session_id: "wake:f9826f1d-f2dc-8bf5-9a0c-6b75116aa7db",
        details: { probe: "fly", target: "3d8d9e1a2b4c68", detail: { summary: "stopped" }, consecutive_unhealthy: 2 },
      },
    };
    const cycle = { kora_probe_cycle: { claim: "claimed", counts: { healthy: 8, unhealthy: 1 }, wakes: [] } };
    const [audit, cycleLine] = run([JSON.stringify(row), JSON.stringify(cycle)]);
    expect(audit).toMatch(/probe\.wake_requested\s+wake:f9826f1d-\S+\s+probe=fly target=3d8d9e1a2b4c68$/);
    expect(cycleLine).toMatch(/claimed 8 healthy, 1 unhealthy$/);
  });

  it("lets real errors through untouched", () => {
    const error = [
      "✘ [ERROR] Uncaught TypeError: Cannot read properties of undefined (reading 'x')",
      "    at handler (src/index.ts:4:11)",
    ];
    expect(run([...BINDINGS, ...error])).toEqual(error);
  });
});
