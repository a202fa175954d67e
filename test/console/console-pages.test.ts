import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { TEST_SECRETS } from "../fakes/bindings.ts";
import { seedIncident, type SeededIncident } from "./seed-incident";

const TOKEN = TEST_SECRETS.KORA_OPERATOR_TOKEN ?? "";
const ORIGIN = "https://kora.test";

function request(
  path: string,
  init: { method?: string; cookie?: string; form?: Record<string, string>; origin?: string | null } = {},
) {
  const headers: Record<string, string> = {};
  if (init.cookie) headers.cookie = init.cookie;
  if (init.form) headers["content-type"] = "application/x-www-form-urlencoded";
  if (init.origin !== null && init.method === "POST") headers.origin = init.origin ?? ORIGIN;
  return new Request(`${ORIGIN}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    redirect: "manual",
  });
}
const send = (path: string, init: Parameters<typeof request>[1] = {}) => exports.default.fetch(request(path, init));

async function sendWith(vars: Record<string, string>, path: string, init: Parameters<typeof request>[1] = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request(path, init), { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

async function login(): Promise<string> {
  const response = await send("/login", { method: "POST", form: { token: TOKEN, next: "/" } });
  const setCookie = response.headers.get("set-cookie") ?? "";
  return setCookie.split(";")[0] ?? "";
}

let incident: SeededIncident;
let failed: SeededIncident;
let cookie: string;

beforeAll(async () => {
  incident = await seedIncident({ start: "2026-11-05T10:00:00.000Z" });
  failed = await seedIncident({
    start: "2026-11-05T11:00:00.000Z",
    dm_status: "failed_send",
    target: "91852e4f3a7b20",
  });
  cookie = await login();
});

describe("signing in", () => {
  it("sends a visitor without a session to the login page, remembering where they were going", async () => {
    const response = await send("/sessions/wake:abc?x=1");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/login?next=${encodeURIComponent("/sessions/wake:abc?x=1")}`);
  });

  it("sets an HttpOnly, Secure, SameSite=Strict host cookie that does not hold the token", async () => {
    const response = await send("/login", { method: "POST", form: { token: TOKEN, next: "/status" } });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/status");
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^__Host-kora_session=v2\.\d{13}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("Secure");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/");
    expect(setCookie).not.toContain(TOKEN);
  });

  it("refuses a wrong token with 401 and no cookie", async () => {
    const response = await send("/login", { method: "POST", form: { token: "guess", next: "/" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.text()).toContain("not the operator token");
  });

  it("refuses a login form posted from another site", async () => {
    const response = await send("/login", { method: "POST", form: { token: TOKEN }, origin: "https://evil.example" });
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("never redirects off-site after login", async () => {
    for (const next of ["//evil.example/x", "https://evil.example", "/\\evil.example"]) {
      const response = await send("/login", { method: "POST", form: { token: TOKEN, next } });
      expect(response.headers.get("location")).toBe("/");
    }
  });

  it("does not accept a tampered session, or one signed with a rotated token", async () => {
    const [name, value] = cookie.split("=");
    const tampered = `${name}=${value?.replace(/\.\d{13}\./, ".9999999999999.")}`;
    expect((await send("/", { cookie: tampered })).status).toBe(303);
    expect(
      (await sendWith({ KORA_OPERATOR_TOKEN: "a-brand-new-operator-token-0123456789" }, "/", { cookie })).status,
    ).toBe(303);
  });

  it("logs out by clearing the cookie", async () => {
    // Its own session: logging out ends it server-side, and the other tests still need theirs.
    const response = await send("/logout", { method: "POST", cookie: await login() });
    expect(response.status).toBe(303);
    expect(response.headers.get("set-cookie")).toMatch(/^__Host-kora_session=;.*Max-Age=0/);
  });

  it("is closed (503, naming the variable) when no operator token is configured", async () => {
    const response = await sendWith({ KORA_OPERATOR_TOKEN: "" }, "/login");
    expect(response.status).toBe(503);
    expect(await response.text()).toContain("KORA_OPERATOR_TOKEN");
  });
});

describe("investigations page", () => {
  it("lists investigations newest first with filter chips", async () => {
    const response = await send("/investigations", { cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await response.text();
    expect(html.indexOf(failed.wake_id)).toBeLessThan(html.indexOf(incident.wake_id));
    for (const chip of ["All", "Sent", "Send failed", "Fallback (engine unavailable)"])
      expect(html).toContain(`>${chip}</a>`);
    expect(html).not.toContain("<script");
  });

  it("filters by dm_status and marks the chosen chip", async () => {
    const html = await (await send("/investigations?dm_status=failed_send", { cookie })).text();
    expect(html).toContain(failed.wake_id);
    expect(html).not.toContain(incident.wake_id);
    expect(html).toMatch(/href="\/investigations\?dm_status=failed_send" aria-current="page"/);
  });

  it("is one click away from every page, and old links to the filtered home page still land on it", async () => {
    const html = await (await send("/status", { cookie })).text();
    expect(html).toContain('<a href="/investigations">Investigations</a>');
    const old = await send("/?dm_status=failed_send", { cookie });
    expect(old.status).toBe(301);
    expect(old.headers.get("location")).toBe("/investigations?dm_status=failed_send");
  });

  it("answers a bad filter with a 400 page naming it", async () => {
    const response = await send("/investigations?dm_status=lost", { cookie });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("dm_status");
  });
});

describe("incident timeline page", () => {
  it("shows what was seen, each autofix attempt with its gate result and states, the DM as sent, cost and tokens", async () => {
    const response = await send(`/sessions/${encodeURIComponent(incident.caller_session_id)}`, { cookie });
    expect(response.status).toBe(200);
    const html = await response.text();
    const order = [
      "Seen: wake requested",
      "refused: action_not_allowed",
      "all gates passed",
      "DM (investigation)",
      "Investigation completed",
    ];
    const positions = order.map((text) => html.indexOf(text));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(html).toMatch(/class="outcome ok">recovered</);
    expect(html).toMatch(/<td>stopped<\/td><td>started<\/td>/);
    expect(html).toContain("$0.0186");
    expect(html).toContain("5,210 in · 812 out");
    expect(html).toContain("restarted it: *recovered*. &lt;b&gt;nothing&lt;/b&gt;");
  });

  it("escapes untrusted details instead of rendering them", async () => {
    const html = await (await send(`/sessions/${encodeURIComponent(incident.caller_session_id)}`, { cookie })).text();
    expect(html).toContain("machine stopped &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)");
  });

  it("answers 404 for a session with nothing recorded", async () => {
    expect((await send("/sessions/wake:none", { cookie })).status).toBe(404);
  });
});

describe("status page", () => {
  beforeAll(async () => {
    await env.DB.prepare(
      `INSERT INTO probe_state (probe, target, last_status, last_detail, last_observed_at, consecutive_unhealthy, last_wake_at, last_wake_id)
       VALUES ('fly', '3d8d9e1a2b4c68', 'unhealthy', '{"summary":"machine stopped <b>now</b>"}', '2026-11-05T10:00:00.000Z', 3, '2026-11-05T10:00:00.000Z', ?1),
              ('vercel', 'prj_1', 'healthy', '{}', '2026-11-05T10:00:00.000Z', 0, NULL, NULL)`,
    )
      .bind(incident.wake_id)
      .run();
  });

  it("shows current probe states with a link to the last wake's timeline", async () => {
    const html = await (await send("/status", { cookie })).text();
    expect(html).toContain('<td data-label="Status" class="bad">unhealthy</td>');
    expect(html).toContain(`href="/sessions/${encodeURIComponent(incident.caller_session_id)}"`);
    expect(html).toContain("prj_1");
    expect(html).toContain("machine stopped &lt;b&gt;now&lt;/b&gt;");
  });

  it("shows each envelope and whether it is enabled now, read from the variables at request time", async () => {
    const off = await (await send("/status", { cookie })).text();
    expect(off).toMatch(/data-probe="fly">.*?data-label="Enabled now" class="enabled muted">no</s);
    const on = await (await sendWith({ KORA_PROBE_AUTOFIX_FLY_ENABLED: " Yes " }, "/status", { cookie })).text();
    expect(on).toMatch(/data-probe="fly">.*?data-label="Enabled now" class="enabled ok">yes</s);
    expect(on).toContain("restart_unhealthy_machine");
  });
});

describe("exports page", () => {
  it("runs an export from the form and shows the day's files with counts and hashes", async () => {
    const run = await send("/exports", { method: "POST", cookie, form: { date: "2026-11-05" } });
    expect(run.status).toBe(303);
    expect(run.headers.get("location")).toBe("/exports?date=2026-11-05");
    const html = await (await send("/exports?date=2026-11-05", { cookie })).text();
    expect(html).toContain('<td class="rows">8</td>');
    expect(html).toMatch(/<code>[0-9a-f]{64}<\/code>/);
    expect(html).toContain(`href="/exports/file?key=${encodeURIComponent("audit/dt=2026-11-05/audit_events.jsonl")}"`);
  });

  it("serves an exported file as a download, never as a page", async () => {
    const key = encodeURIComponent("audit/dt=2026-11-05/slack_dm_log.jsonl");
    const response = await send(`/exports/file?key=${key}`, { cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain("attachment");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const lines = new TextDecoder()
      .decode(await response.arrayBuffer())
      .trimEnd()
      .split("\n");
    expect(lines.map((line) => (JSON.parse(line) as { caller_session_id: string }).caller_session_id)).toEqual([
      incident.caller_session_id,
      failed.caller_session_id,
    ]);
  });

  it("refuses a key outside the export layout", async () => {
    const response = await send(`/exports/file?key=${encodeURIComponent("../secrets")}`, { cookie });
    expect(response.status).toBe(400);
  });

  it("refuses a cross-site export post", async () => {
    const response = await send("/exports", {
      method: "POST",
      cookie,
      form: { date: "2026-11-05" },
      origin: "https://evil.example",
    });
    expect(response.status).toBe(403);
  });
});
