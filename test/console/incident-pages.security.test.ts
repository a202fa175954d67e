import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_SECRETS } from "../fakes/bindings.ts";
import { signIn } from "./console-session";
import { minutesFrom, seedIncidentRow, seedProbeState, seedTransitions } from "./seed-tables";

/**
 * Target names and investigation summaries come from outside (provider APIs, the model): the
 * pages and the SVG must show them as text, never as markup.
 */
const HOSTILE_TARGET = `"><svg onload=alert(1)><script>alert(2)</script>`;
const HOSTILE_SUMMARY = `<img src=x onerror=alert(3)> restarted it`;
const ID = "wake:0a1b2c3d-3333-4000-8000-000000000001";
let open: (path: string) => Promise<Response>;

beforeAll(async () => {
  const base = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60 * 60_000).toISOString();
  await seedIncidentRow({
    id: ID,
    probe: "vercel",
    status: "open",
    opened_at: base,
    targets: [{ target: HOSTILE_TARGET }],
  });
  await seedProbeState("vercel", HOSTILE_TARGET, "unhealthy", base);
  await seedTransitions("vercel", HOSTILE_TARGET, [
    [minutesFrom(base, -100), null, "healthy"],
    [base, "healthy", "unhealthy", "<b>deployment ERROR</b>"],
  ]);
  await env.DB.prepare(
    `INSERT INTO investigations (wake_id, caller_session_id, probe, target, status, claimed_at, claim_token,
       completed_at, dm_status, model, cost_usd, summary)
     VALUES ('0a1b2c3d-3333-4000-8000-0000000000aa', ?1, 'vercel', ?2, 'done', ?3, 't', ?3, 'sent', 'm', 0, ?4)`,
  )
    .bind(ID, HOSTILE_TARGET, base, HOSTILE_SUMMARY)
    .run();
  await env.DB.prepare(
    `INSERT INTO audit_events (id, emitted_at, seam, caller_session_id, source, details)
     VALUES ('w1', ?1, 'probe.wake_requested', ?2, 'cron', ?3)`,
  )
    .bind(
      base,
      ID,
      JSON.stringify({
        wake_id: "0a1b2c3d-3333-4000-8000-0000000000aa",
        probe: "vercel",
        target: HOSTILE_TARGET,
        status: "unhealthy",
        observed_at: base,
        consecutive_unhealthy: 2,
        detail: { summary: "<b>deployment ERROR</b>" },
        envelope: { enabled: false, fix_name: null },
      }),
    )
    .run();
  open = await signIn();
});

const page = async (path: string) => (await open(path)).text();

describe("untrusted text on the incident and status pages", () => {
  it.each([
    ["the incident list", "/"],
    ["the incident page", `/incidents/${encodeURIComponent(ID)}`],
    ["the status page", "/status"],
  ])("is escaped on %s, in the SVG too", async (_name, path) => {
    const html = await page(path);
    expect(html).not.toContain("<script>alert(2)");
    expect(html).not.toContain("<svg onload");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("&lt;script&gt;alert(2)&lt;/script&gt;");
  });

  it("keeps the model's summary as text on the incident page", async () => {
    expect(await page(`/incidents/${encodeURIComponent(ID)}`)).toContain("&lt;img src=x onerror=alert(3)&gt;");
  });

  it("sends the no-script policy with every incident page", async () => {
    const response = await open(`/incidents/${encodeURIComponent(ID)}`);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("does not reflect an unknown id as markup", async () => {
    const response = await open(`/incidents/${encodeURIComponent("<script>alert(4)</script>")}`);
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).not.toContain("<script>alert(4)");
  });

  it("shows incidents only to a signed-in operator", async () => {
    const anonymous = await exports.default.fetch(
      new Request(`https://kora.test/incidents/${encodeURIComponent(ID)}`, { redirect: "manual" }),
    );
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toMatch(/^\/login\?next=/);
  });
});

describe("the incidents API with a forged cursor", () => {
  const get = (query: string) =>
    exports.default.fetch(
      new Request(`https://kora.test/api/incidents?${query}`, {
        headers: { authorization: `Bearer ${TEST_SECRETS.KORA_OPERATOR_TOKEN}` },
      }),
    );

  it.each([
    ["a cursor of the wrong shape", btoa(JSON.stringify({ rank: "0 OR 1=1", opened_at: 1 }))],
    ["a cursor with a rank out of range", btoa(JSON.stringify({ rank: 7, opened_at: "x", id: "y" }))],
    ["a cursor far too long", "A".repeat(2_000)],
  ])("refuses %s with a 400 naming the cursor", async (_name, cursor) => {
    const response = await get(`cursor=${encodeURIComponent(cursor)}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("cursor");
  });
});
