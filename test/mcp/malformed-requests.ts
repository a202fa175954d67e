/**
 * A seeded generator of malformed MCP requests, so the 500-request test is the same 500 every
 * run and a failure names a case that can be replayed.
 */

export interface RequestTemplate {
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface MalformedCase {
  label: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATH_LIKE_IDS = [
  "../../v1/apps/kora-web/machines",
  "/v1/apps/kora-web/machines/x/stop",
  "a/b",
  "..",
  "%2e%2e%2fstop",
  "1781e9f6c12d83/stop",
  "1781e9f6c12d83?force=true",
  "1781e9f6c12d83#x",
  "machine\u0000id",
  "..\\..\\windows",
  " 1781e9f6c12d83",
  "",
  "x".repeat(65),
  "https://evil.example/x",
  "0000deadbeef00",
];

const WEIRD_VALUES: unknown[] = [
  null,
  42,
  -1,
  2 ** 64,
  true,
  [],
  {},
  [1, 2, 3],
  { nested: { deeper: ["x"] } },
  "",
  "\u202e\u0000",
  "x".repeat(20_000),
  "🦀".repeat(500),
];

const METHODS = [
  "tools/call",
  "tools/list",
  "initialize",
  "resources/read",
  "prompts/get",
  "sampling/createMessage",
  "server/discover",
  "notifications/initialized",
  "tools/delete",
  "../admin",
  "",
  "rpc.discover",
];

const RAW_BODIES = [
  "",
  "{",
  "}{",
  "null",
  "[]",
  "[{}]",
  "42",
  '"tools/call"',
  "{'jsonrpc':'2.0'}",
  '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":',
  "\u0000\u0001\u0002",
  "<xml/>",
  "jsonrpc=2.0&method=tools/call",
  "[" + '{"jsonrpc":"2.0","id":1,"method":"tools/list"},'.repeat(50) + "{}]",
];

/** Builds `count` malformed requests from real requests the official clients sent. */
export function generateMalformedCases(templates: RequestTemplate[], count: number, seed = 7): MalformedCase[] {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const cases: MalformedCase[] = [];
  const post = (label: string, template: RequestTemplate, body: unknown): MalformedCase => ({
    label,
    method: "POST",
    headers: template.headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

  const kinds: ((template: RequestTemplate) => MalformedCase)[] = [
    (t) => post("raw bytes", t, pick(RAW_BODIES)),
    (t) => post("truncated", t, JSON.stringify(t.body).slice(0, Math.floor(random() * 40))),
    (t) =>
      post("wrong jsonrpc field type", t, {
        ...t.body,
        [pick(["jsonrpc", "id", "method", "params"])]: pick(WEIRD_VALUES),
      }),
    (t) => post("unknown method", t, { ...t.body, method: pick(METHODS) }),
    (t) =>
      post("unknown tool", t, {
        ...t.body,
        method: "tools/call",
        params: {
          ...(t.body.params as object),
          name: pick(["kora__nope", "", "../kora__attempt_probe_autofix", "x".repeat(5000)]),
        },
      }),
    (t) => post("path-like target id", t, withArguments(t, { target_id: pick(PATH_LIKE_IDS) })),
    (t) =>
      post(
        "wrong argument types",
        t,
        withArguments(t, { [pick(["probe", "action", "target_id", "reason"])]: pick(WEIRD_VALUES) }),
      ),
    (t) => post("arguments not an object", t, withArguments(t, pick(WEIRD_VALUES), true)),
    (t) =>
      post(
        "unknown probe or action",
        t,
        withArguments(t, {
          probe: pick(["FLY", "fly ", "vercel", "../fly", ""]),
          action: pick(["stop", "destroy", "restart_machine;rm", "RESTART_MACHINE"]),
        }),
      ),
    (t) => post("huge reason", t, withArguments(t, { reason: "r".repeat(30_000 + Math.floor(random() * 40_000)) })),
    (t) => ({ ...post("unexpected HTTP method", t, t.body), method: pick(["GET", "DELETE", "PUT", "PATCH"]) }),
    (t) => ({
      ...post("wrong content type", t, t.body),
      headers: {
        ...t.headers,
        "content-type": pick(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""]),
      },
    }),
    (t) => ({
      ...post("mismatched protocol header", t, t.body),
      headers: { ...t.headers, "mcp-protocol-version": pick(["1999-01-01", "2026-07-28", "2025-06-18", "garbage"]) },
    }),
    (t) =>
      post("meta envelope mangled", t, {
        ...t.body,
        params: { ...(t.body.params as object), _meta: pick(WEIRD_VALUES) },
      }),
  ];

  for (let i = 0; i < count; i++) {
    const template = pick(templates);
    const made = pick(kinds)(template);
    cases.push({ ...made, label: `#${i} ${made.label}` });
  }
  return cases;
}

function withArguments(template: RequestTemplate, args: unknown, replace = false): Record<string, unknown> {
  const params = (template.body.params ?? {}) as Record<string, unknown>;
  const current = (params.arguments ?? {}) as Record<string, unknown>;
  return {
    ...template.body,
    method: "tools/call",
    params: {
      ...params,
      name: "kora__attempt_probe_autofix",
      arguments: replace ? args : { ...current, ...(args as object) },
    },
  };
}
