import { createMcpHandler, localhostAllowedOrigins, originValidationResponse } from "@modelcontextprotocol/server";
import { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { HttpError } from "./errors";
import { bearerToken } from "./operator-auth";
import { CALLER_REFUSAL_MESSAGES, identifyMcpCaller } from "../mcp";
import { buildKoraMcpServer } from "../mcp";

/** Tool arguments are a few short strings; anything near this is not a real call. */
export const MCP_MAX_BODY_BYTES = 64 * 1024;

/**
 * `/mcp`: MCP Streamable HTTP (2026-07-28 stateless, and 2025-era clients through the SDK's
 * stateless fallback) over the tool registry. Its own bearer auth, never the operator token.
 *
 * Order matters: Origin first (a browser page must not even learn whether a token is valid),
 * then the caller, then the SDK, which bounds the body and answers malformed JSON-RPC itself.
 */
export const mcpRoutes = new Hono<AppEnv>();

mcpRoutes.all("/", async (c) => {
  // DNS-rebinding and cross-site defence. Non-browser clients send no Origin and pass; a browser
  // may call only from localhost (the MCP Inspector's UI). Not the Worker's own host: under
  // `wrangler dev` a rebound attacker page *is* "same origin".
  const refusedOrigin = originValidationResponse(c.req.raw, localhostAllowedOrigins());
  if (refusedOrigin) return refusedOrigin;

  const config = c.get("config");
  const check = await identifyMcpCaller(bearerToken(c.req.header("authorization")), config.KORA_MCP_CALLERS);
  if (!check.ok) {
    // RFC 6750: an error code only when a token was presented. No `resource_metadata`: Kora's
    // callers hold static tokens, and advertising OAuth makes some clients drop their header.
    const challenge = check.reason === "unknown_token" ? `, error="invalid_token"` : "";
    throw new HttpError(401, "unauthorized", CALLER_REFUSAL_MESSAGES[check.reason], {
      "WWW-Authenticate": `Bearer realm="kora-mcp"${challenge}`,
    });
  }

  const scope = { env: c.env, config, caller: check.caller, now: () => new Date() };
  const handler = createMcpHandler(() => buildKoraMcpServer(scope), {
    legacy: "stateless",
    maxRequestBodySize: MCP_MAX_BODY_BYTES,
    // Mostly requests the SDK refused (bad JSON-RPC, wrong headers): the caller's fault, so a warning.
    onerror: (error) => console.warn(JSON.stringify({ kora_mcp_rejected: error.message.slice(0, 300) })),
  });
  return handler.fetch(c.req.raw, {
    // Handlers get the caller through `scope`; the SDK's copy never holds the real token.
    authInfo: { token: "[redacted]", clientId: check.caller.id, scopes: check.caller.caps },
  });
});
