import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TEST_SECRETS } from "../fakes/bindings.ts";
import { connectClient, envWithCallers, ERAS, FIXER, MCP_URL, READER, workerFetch } from "./mcp-harness";

const listTools = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} });
const initialize = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
});

function post(headers: Record<string, string>, body = initialize): Request {
  return new Request(MCP_URL, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body,
  });
}

describe("callers (KORA_MCP_CALLERS)", () => {
  it("answers 401 to every call while no callers are configured, even with the operator token", async () => {
    // The real Worker with the test env, which configures no MCP callers.
    const response = await exports.default.fetch(post({ authorization: `Bearer ${TEST_SECRETS.KORA_OPERATOR_TOKEN}` }));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(await response.json()).toEqual({
      error: { code: "unauthorized", message: expect.stringContaining("KORA_MCP_CALLERS") },
    });
  });

  it.each([
    ["no Authorization header", {}],
    ["a wrong token", { authorization: "Bearer not-a-caller-token" }],
    ["a caller's token_sha256 sent as the token", { authorization: "Bearer TOKEN_HASH" }],
    ["a Basic credential", { authorization: `Basic ${btoa(`reader:${READER.token}`)}` }],
  ])("answers 401 with WWW-Authenticate to %s", async (_name, headers: Record<string, string>) => {
    const workerEnv = await envWithCallers([READER, FIXER]);
    const hash = (JSON.parse(workerEnv.KORA_MCP_CALLERS ?? "[]") as { token_sha256: string }[])[0]?.token_sha256;
    const withHash = Object.fromEntries(
      Object.entries(headers).map(([key, value]) => [key, value.replace("TOKEN_HASH", hash ?? "")]),
    );
    const response = await workerFetch(workerEnv)(post(withHash));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="kora-mcp"/);
  });

  it.each(ERAS)("makes a %s fail to connect with a wrong token", { timeout: 30_000 }, async (era) => {
    await expect(connectClient(era, await envWithCallers([READER]), "wrong-token")).rejects.toThrow();
  });

  it.each(ERAS)("lets a %s in with a known token", { timeout: 30_000 }, async (era) => {
    const client = await connectClient(era, await envWithCallers([READER, FIXER]), FIXER.token);
    await client.close();
  });

  it("answers 503 naming the variable when KORA_MCP_CALLERS is not a valid list", async () => {
    const response = await workerFetch({ ...env, KORA_MCP_CALLERS: '[{"id":"x","token_sha256":"short"}]' })(
      post({ authorization: `Bearer ${READER.token}` }),
    );
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain("KORA_MCP_CALLERS");
    expect(body.error.message).not.toContain("short");
  });
});

describe("Origin validation (DNS rebinding)", () => {
  it.each(["https://evil.example", "http://kora.test", "null"])(
    "refuses a browser request from Origin %s with 403, before the token is looked at",
    async (origin) => {
      const response = await workerFetch(await envWithCallers([READER]))(
        post({ origin, authorization: `Bearer ${READER.token}` }),
      );
      expect(response.status).toBe(403);
    },
  );

  it("lets the MCP Inspector's localhost UI through", async () => {
    const response = await workerFetch(await envWithCallers([READER]))(
      post({ origin: "http://localhost:6274", authorization: `Bearer ${READER.token}` }),
    );
    expect(response.status).toBe(200);
  });
});

describe("request limits", () => {
  it("answers 413 to a body over 64 KiB without running anything", async () => {
    const huge = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "kora__query_audit", arguments: { target: "x".repeat(70 * 1024) } },
    });
    const response = await workerFetch(await envWithCallers([READER]))(
      post({ authorization: `Bearer ${READER.token}` }, huge),
    );
    expect(response.status).toBe(413);
  });

  it.each(["GET", "DELETE"])("answers %s with 405: there are no sessions to stream or end", async (method) => {
    const response = await workerFetch(await envWithCallers([READER]))(
      new Request(MCP_URL, {
        method,
        headers: { authorization: `Bearer ${READER.token}`, accept: "text/event-stream" },
      }),
    );
    expect(response.status).toBe(405);
  });

  it("answers a claim-less tools/list from a known caller (2025 stateless serving)", async () => {
    const response = await workerFetch(await envWithCallers([READER]))(
      post({ authorization: `Bearer ${READER.token}` }, listTools),
    );
    expect(response.status).toBe(200);
  });
});
