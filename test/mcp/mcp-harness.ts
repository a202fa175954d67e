import { Client as ModernClient, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1Transport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { sha256Hex } from "../../src/contracts";
import type { KoraEnv } from "../../src/config";

export const MCP_URL = "https://kora.test/mcp";

export interface TestCaller {
  id: string;
  token: string;
  caps: string[];
}

export const READER: TestCaller = { id: "reader", token: "mcp-reader-token-0123456789abcdef", caps: [] };
export const FIXER: TestCaller = {
  id: "fixer",
  token: "mcp-fixer-token-0123456789abcdef",
  caps: ["kora__attempt_probe_autofix"],
};

/** The Worker's env with these callers configured, plus any per-test vars. */
export async function envWithCallers(
  callers: TestCaller[],
  vars: Partial<Record<string, string>> = {},
): Promise<KoraEnv> {
  const list = await Promise.all(
    callers.map(async ({ id, token, caps }) => ({ id, token_sha256: await sha256Hex(token), caps })),
  );
  return { ...env, KORA_MCP_CALLERS: JSON.stringify(list), ...vars } as KoraEnv;
}

/**
 * A `fetch` for the MCP clients' transports that goes through the real Worker (routing, auth,
 * the SDK handler) with the given env, waiting for any `waitUntil` work before answering.
 */
export function workerFetch(workerEnv: KoraEnv, seen?: Request[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    seen?.push(request.clone());
    const ctx = createExecutionContext();
    const response = await worker.fetch(request, workerEnv, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
}

export type Era = "2026 client (auto negotiation)" | "2025 client (v2 SDK)" | "2025 client (v1 SDK)";
export const MODERN: Era = "2026 client (auto negotiation)";
export const ERAS: Era[] = [MODERN, "2025 client (v2 SDK)", "2025 client (v1 SDK)"];

/** The part of a client the tests use, identical across the SDKs. */
export interface McpTestClient {
  listTools(): Promise<{ tools: { name: string; annotations?: Record<string, unknown>; inputSchema: unknown }[] }>;
  callTool(request: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
  close(): Promise<void>;
}

export async function connectClient(
  era: Era,
  workerEnv: KoraEnv,
  token: string | undefined,
  seen?: Request[],
): Promise<McpTestClient> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const requestInit: RequestInit = { headers };
  const url = new URL(MCP_URL);
  const fetch = workerFetch(workerEnv, seen);
  const info = { name: "kora-test", version: "0.0.0" };
  if (era === "2025 client (v1 SDK)") {
    const client = new V1Client(info);
    await client.connect(new V1Transport(url, { fetch, requestInit }));
    return client as unknown as McpTestClient;
  }
  const client = new ModernClient(
    info,
    era === "2026 client (auto negotiation)" ? { versionNegotiation: { mode: "auto" } } : {},
  );
  await client.connect(new StreamableHTTPClientTransport(url, { fetch, requestInit }));
  return client as unknown as McpTestClient;
}

/** The JSON a Kora tool answered with (its single text block), and the call's session id. */
export function toolReply(result: unknown): { isError: boolean; body: Record<string, unknown>; session: string } {
  const { content, isError, _meta } = result as {
    content: { type: string; text: string }[];
    isError?: boolean;
    _meta?: Record<string, unknown>;
  };
  const text = content.find((block) => block.type === "text")?.text ?? "null";
  return {
    isError: isError === true,
    body: JSON.parse(text) as Record<string, unknown>,
    session: String(_meta?.["kora/caller_session_id"]),
  };
}
