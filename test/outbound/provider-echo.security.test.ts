import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { WakeMessage } from "../../src/contracts";
import { dayOf, exportAuditDay, exportKeys } from "../../src/export";
import { createFlyClient } from "../../src/fly/client";
import { fetchJson } from "../../src/outbound/fetch-json";
import { TEST_SECRETS } from "../fakes/bindings.ts";
import { world } from "../world";
import { deliver, PROD_APP, seedCrashedMachine, sessionRows, wakeFor, withVars } from "../wake/helpers";

const FLY_TOKEN = TEST_SECRETS.KORA_FLY_API_TOKEN ?? "";
const ANTHROPIC_KEY = TEST_SECRETS.ANTHROPIC_API_KEY ?? "";
/** The provider's text keeps 200 characters: the token starts ten before the cut. */
const CUT = 200;
const echo = (token: string) => `${"x".repeat(CUT - 10 - "bad token ".length)}bad token ${token} (not valid)`;
/** Any start of the token long enough to mean something: five characters already do. */
const holdsTokenStart = (text: string, token: string) => text.includes(token.slice(0, 5));

beforeEach(async () => {
  await world.reset();
});

describe("a provider error that echoes the request's token across the 200-character cut", () => {
  it("comes back from the outbound helper with the token redacted, not its first characters", async () => {
    expect(echo(FLY_TOKEN).indexOf(FLY_TOKEN)).toBe(CUT - 10);
    await world.fly.machines([{ id: "3d8d9e1a2b4c68", app: PROD_APP }]);
    await world.fault({ provider: "fly", kind: "status", status: 401, body: { error: echo(FLY_TOKEN) } });
    const fly = createFlyClient(parseConfig(env));
    const answer = await fly.getMachine(PROD_APP, "3d8d9e1a2b4c68");

    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.kind).toBe("unauthorized");
    expect(answer.error.provider_message).toMatch(/bad token \[redact/);
    expect(holdsTokenStart(JSON.stringify(answer.error), FLY_TOKEN)).toBe(false);
  });

  it("redacts the caller's other secrets too, before the cut", async () => {
    await world.fault({ provider: "supabase", kind: "status", status: 500, body: { message: echo(ANTHROPIC_KEY) } });
    const answer = await fetchJson(
      {
        url: `${env.KORA_SUPABASE_API_BASE_URL}/v1/projects/abcdefghijklmnopqrst/health?services=db`,
        headers: { authorization: "Bearer sbp_fake_token_for_this_call" },
        what: "Supabase GET health",
        secrets: [ANTHROPIC_KEY],
      },
      null,
    );
    expect(answer.ok).toBe(false);
    expect(holdsTokenStart(JSON.stringify(answer), ANTHROPIC_KEY)).toBe(false);
  });

  it("reaches neither the model, the audit rows, the DM, the console nor the export", async () => {
    const machine = await seedCrashedMachine();
    await world.fault({
      provider: "fly",
      kind: "status",
      status: 401,
      path: machine,
      times: 50,
      body: { error: echo(FLY_TOKEN) },
    });
    const fix = { probe: "fly", action: "restart_machine", target_id: machine, reason: "it crashed" };
    await world.anthropic.script([
      { content: [{ type: "tool_use", name: "kora__get_fly_machine", input: { machine_id: machine } }] },
      { content: [{ type: "tool_use", name: "kora__attempt_probe_autofix", input: fix }] },
      { content: [{ type: "text", text: "Fly refused our token; the operator should check it." }] },
    ]);
    const wake = WakeMessage.parse(wakeFor(machine, { detail: { error: echo(FLY_TOKEN), app: PROD_APP } }));
    const now = new Date();
    await deliver(wake, { env: withVars({ KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" }) });

    const modelInput = (await world.requests({ provider: "anthropic" })).map((request) => request.body).join("\n");
    expect(modelInput).toContain("bad token [redacted]");
    expect(holdsTokenStart(modelInput, FLY_TOKEN)).toBe(false);

    const rows = await sessionRows(wake.caller_session_id);
    expect(rows.map((row) => row.seam)).toContain("tool.probe_autofix_attempted");
    expect(holdsTokenStart(JSON.stringify(rows), FLY_TOKEN)).toBe(false);

    const dms = JSON.stringify(await world.slack.posts());
    expect(dms).toContain(machine);
    expect(holdsTokenStart(dms, FLY_TOKEN)).toBe(false);

    const cookie = await consoleCookie();
    const page = await exports.default.fetch(
      new Request(`https://kora.test/sessions/${encodeURIComponent(wake.caller_session_id)}`, { headers: { cookie } }),
    );
    expect(page.status).toBe(200);
    expect(holdsTokenStart(await page.text(), FLY_TOKEN)).toBe(false);

    await exportAuditDay(env, dayOf(now), { source: "operator", now });
    const keys = exportKeys(dayOf(now));
    for (const key of [keys.audit_events, keys.slack_dm_log]) {
      const exported = (await (await env.AUDIT_BUCKET.get(key))?.text()) ?? "";
      expect(exported).toContain(wake.caller_session_id);
      expect(holdsTokenStart(exported, FLY_TOKEN)).toBe(false);
    }
  });
});

async function consoleCookie(): Promise<string> {
  const response = await exports.default.fetch(
    new Request("https://kora.test/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://kora.test" },
      body: new URLSearchParams({ token: TEST_SECRETS.KORA_OPERATOR_TOKEN ?? "", next: "/" }).toString(),
      redirect: "manual",
    }),
  );
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}
