import type { McpCaller } from "../config";
import { sha256Hex } from "../contracts";

/** Why a request was not let in; each maps to one 401 message (DESIGN §8: default-deny). */
export type CallerRefusal = "no_callers_configured" | "missing_token" | "unknown_token";

export type CallerCheck = { ok: true; caller: McpCaller } | { ok: false; reason: CallerRefusal };

const encoder = new TextEncoder();

/**
 * Finds the caller whose `token_sha256` is the hash of the presented bearer token. Only hashes
 * are configured, so a leaked KORA_MCP_CALLERS grants nothing. Every configured hash is compared
 * (no early exit) and each comparison is constant-time, so timing tells neither which caller
 * nor how much of a hash matched. Both sides are 64 hex characters (the config schema insists),
 * so they are compared as they are, without hashing again: one SHA-256 per request, whatever the
 * number of callers.
 */
export async function identifyMcpCaller(
  token: string | undefined,
  callers: readonly McpCaller[],
): Promise<CallerCheck> {
  if (callers.length === 0) return { ok: false, reason: "no_callers_configured" };
  if (!token) return { ok: false, reason: "missing_token" };
  const presented = encoder.encode(await sha256Hex(token));
  let found: McpCaller | undefined;
  for (const caller of callers) {
    const expected = encoder.encode(caller.token_sha256);
    const equal = expected.byteLength === presented.byteLength && crypto.subtle.timingSafeEqual(presented, expected);
    if (equal && !found) found = caller;
  }
  return found ? { ok: true, caller: found } : { ok: false, reason: "unknown_token" };
}

export const CALLER_REFUSAL_MESSAGES: Record<CallerRefusal, string> = {
  no_callers_configured: "no MCP callers are configured: set KORA_MCP_CALLERS (see docs/mcp.md, `npm run mcp:caller`)",
  missing_token: "missing bearer token: send `Authorization: Bearer <token>`",
  unknown_token: "unknown bearer token",
};
