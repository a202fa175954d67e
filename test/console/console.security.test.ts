import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config";
import worker from "../../src/index";
import { TEST_SECRETS } from "../fakes/bindings.ts";

const TOKEN = TEST_SECRETS.KORA_OPERATOR_TOKEN ?? "";
const ORIGIN = "https://kora.test";

/** A request from one client address (Cloudflare sets CF-Connecting-IP on every request). */
function request(
  path: string,
  init: { method?: string; cookie?: string; form?: Record<string, string>; ip?: string; bearer?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (init.cookie) headers.cookie = init.cookie;
  if (init.ip) headers["cf-connecting-ip"] = init.ip;
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
  if (init.form) headers["content-type"] = "application/x-www-form-urlencoded";
  if (init.method === "POST") headers.origin = ORIGIN;
  return new Request(`${ORIGIN}${path}`, {
    method: init.method ?? "GET",
    headers,
    body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    redirect: "manual",
  });
}
const send = (path: string, init: Parameters<typeof request>[1] = {}) => exports.default.fetch(request(path, init));

async function sendWith(vars: Record<string, string>, path: string) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(request(path), { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

let ipSeq = 0;
/** A fresh client per test: the login budget is per address and the file's D1 is shared. */
const newIp = () => `198.51.100.${++ipSeq}`;

const login = (ip: string, token = TOKEN, next = "/") => send("/login", { method: "POST", form: { token, next }, ip });
const cookieOf = (response: Response) => (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

describe("after login, the console never sends the browser off-site", () => {
  const hostile = [
    "/\t/evil.example/x",
    "/\n/evil.example/x",
    "/\r\n/evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example/x",
    "/\\/evil.example/x",
    "//evil.example/x",
    "///evil.example/x",
    "/.//evil.example/x",
    "/..//evil.example/x",
    "/%2e%2e//evil.example/x",
    "https://evil.example/x",
    "http:evil.example/x",
    "https:/evil.example/x",
    "https://kora.test@evil.example/x",
    "javascript:alert(document.cookie)",
    " //evil.example/x",
  ];

  it.each(hostile)("posting next=%j redirects to a path of this site", async (next) => {
    const response = await login(newIp(), TOKEN, next);
    expect(response.status).toBe(303);
    const location = response.headers.get("location") ?? "";
    expect(location).toMatch(/^\/(?![/\\])/);
    expect(new URL(location, ORIGIN).origin).toBe(ORIGIN);
  });

  it("the reported case: /login?next=/%09/evil.example/x keeps the browser here", async () => {
    const page = await (await send("/login?next=/%09/evil.example/x")).text();
    expect(page).toContain('name="next" value="/"');
    const response = await login(newIp(), TOKEN, "/\t/evil.example/x");
    expect(response.headers.get("location")).toBe("/");
  });

  it("keeps a same-site destination, reduced to its path and query", async () => {
    const cases: [string, string][] = [
      ["/sessions/wake:abc?x=1", "/sessions/wake:abc?x=1"],
      ["https://kora.test/status?probe=fly#top", "/status?probe=fly"],
      ["/exports", "/exports"],
    ];
    for (const [next, expected] of cases) {
      expect((await login(newIp(), TOKEN, next)).headers.get("location")).toBe(expected);
    }
  });
});

describe("logging out", () => {
  it("ends the session on the server: a cookie captured before logout no longer opens the console", async () => {
    const captured = cookieOf(await login(newIp()));
    expect((await send("/", { cookie: captured })).status).toBe(200);

    const logout = await send("/logout", { method: "POST", cookie: captured });
    expect(logout.status).toBe(303);

    const replayed = await send("/", { cookie: captured });
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get("location")).toBe("/login?next=%2F");
  });

  it("ends only that session: another browser stays signed in", async () => {
    const laptop = cookieOf(await login(newIp()));
    const phone = cookieOf(await login(newIp()));
    await send("/logout", { method: "POST", cookie: laptop });
    expect((await send("/", { cookie: phone })).status).toBe(200);
    expect((await send("/", { cookie: laptop })).status).toBe(303);
  });
});

describe("guessing the operator token", () => {
  it("meets a 429 with Retry-After after ten wrong logins, even with the right token", async () => {
    const ip = newIp();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt++) statuses.push((await login(ip, `guess-${attempt}`)).status);
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429, 429]);

    const locked = await login(ip);
    expect(locked.status).toBe(429);
    expect(locked.headers.get("set-cookie")).toBeNull();
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(await locked.text()).toContain("Too many login attempts");
  });

  it("limits each client on its own: another address signs in while one is locked out", async () => {
    const attacker = newIp();
    for (let attempt = 0; attempt < 11; attempt++) await login(attacker, `guess-${attempt}`);
    expect((await login(attacker)).status).toBe(429);
    expect((await login(newIp())).status).toBe(303);
  });

  it("counts an IPv6 client by its /64, so rotating addresses inside it does not reset the count", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt++) {
      statuses.push((await login(`2001:db8:abcd:12::${(attempt + 1).toString(16)}`, `guess-${attempt}`)).status);
    }
    expect(statuses.at(-1)).toBe(429);
    expect((await login("2001:db8:abcd:12:ffff:ffff:ffff:ffff")).status).toBe(429);
    expect((await login("2001:db8:abcd:13::1")).status).toBe(303);
  });

  it("lets the client try again once the window has passed", async () => {
    const ip = newIp();
    for (let attempt = 0; attempt < 11; attempt++) await login(ip, `guess-${attempt}`);
    expect((await login(ip)).status).toBe(429);
    // Sixteen minutes later (the window is fifteen).
    await env.DB.prepare(
      "UPDATE console_login_attempts SET window_started_at_ms = window_started_at_ms - 960000",
    ).run();
    expect((await login(ip)).status).toBe(303);
  });

  it("shares the budget with the operator API, so the API is no unlimited oracle", async () => {
    const ip = newIp();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt++) {
      statuses.push((await send("/api/audit", { bearer: `guess-${attempt}`, ip })).status);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);
    const rightToken = await send("/api/audit", { bearer: TOKEN, ip });
    expect(rightToken.status).toBe(429);
    expect(rightToken.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await login(ip)).status).toBe(429);
    expect((await send("/api/audit", { bearer: TOKEN, ip: newIp() })).status).toBe(200);
  });
});

describe("the operator token itself", () => {
  it("is a configuration error naming the variable when shorter than 32 characters, without echoing it", async () => {
    const short = "correct-horse-battery-staple-31c";
    const tooShort = short.slice(0, 31);
    expect(() => parseConfig({ ...env, KORA_OPERATOR_TOKEN: tooShort })).toThrow(ConfigError);
    for (const path of ["/login", "/api/audit"]) {
      const response = await sendWith({ KORA_OPERATOR_TOKEN: tooShort }, path);
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(text).toContain("KORA_OPERATOR_TOKEN");
      expect(text).toContain("at least 32 characters");
      expect(text).not.toContain(tooShort);
    }
    expect((await sendWith({ KORA_OPERATOR_TOKEN: "x" }, "/login")).status).toBe(503);
    expect((await sendWith({ KORA_OPERATOR_TOKEN: short }, "/login")).status).toBe(200);
  });
});
