import type { CallToolResult } from "@modelcontextprotocol/server";
import { recordAudit } from "../audit/record";
import { redactSecrets } from "../audit/redact";
import { type Config, type KoraEnv, type McpCaller, secretValues } from "../config";
import { describeZodError, JSONRPC_ID_HASH_PREFIX, sha256Hex, type ToolContext } from "../contracts/index";
import type { ToolDefinition, ToolResult } from "../tools";

export interface McpCallScope {
  env: KoraEnv;
  config: Config;
  caller: McpCaller;
  now: () => Date;
}

/** Result `_meta` key that hands the caller the session id its audit rows are filed under. */
export const SESSION_META_KEY = "kora/caller_session_id";

/**
 * One MCP `tools/call`: cap gate (audited when it refuses), input parse, run. The cap gate runs
 * before the input is even parsed, so an ungranted caller learns nothing from validation and
 * every refusal leaves a row. Expected refusals come back as tool errors (`isError: true`), the
 * MCP way of saying "the call was understood and declined".
 */
export async function callToolForMcp(
  tool: ToolDefinition,
  args: unknown,
  scope: McpCallScope,
  jsonrpcId: string | number,
): Promise<CallToolResult> {
  // JSON-RPC ids are chosen by the client and restart at 0 in every session, so they cannot name
  // a call in the audit trail; a fresh id per call can. The client gets it back in `_meta`.
  const callerSessionId = `mcp:${scope.caller.id}:${crypto.randomUUID()}`;
  const secrets = secretValues(scope.env);
  const reply = (result: ToolResult): CallToolResult => ({
    content: [{ type: "text", text: JSON.stringify(redactSecrets(result.content, secrets).value) }],
    isError: result.isError === true,
    _meta: { [SESSION_META_KEY]: callerSessionId },
  });

  const gate = checkToolCap(tool, scope.caller);
  if (!gate.allowed) {
    await recordAudit(
      scope.env,
      {
        seam: "mcp.tool_call_denied",
        caller_session_id: callerSessionId,
        source: "mcp",
        details: {
          caller_id: scope.caller.id,
          tool: tool.name,
          reason: gate.reason,
          missing_cap: gate.missing_cap,
          jsonrpc_id: await auditableJsonRpcId(jsonrpcId),
        },
      },
      scope.now(),
    );
    return reply({
      isError: true,
      content: {
        error: "missing_cap",
        missing_cap: gate.missing_cap,
        message: `caller "${scope.caller.id}" lacks the cap "${gate.missing_cap}"; an operator can add it to this caller's caps in KORA_MCP_CALLERS`,
      },
    });
  }

  const input = tool.input.safeParse(args ?? {});
  if (!input.success) {
    return reply({ isError: true, content: { error: "invalid_arguments", message: describeZodError(input.error) } });
  }

  const ctx: ToolContext = {
    env: scope.env,
    config: scope.config,
    caller_session_id: callerSessionId,
    source: "mcp",
    now: scope.now,
  };
  return reply(await tool.run(input.data, ctx));
}

/** An id a client would really choose: a counter, a uuid, a short name. */
const PLAIN_JSONRPC_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * The JSON-RPC id as the denial row keeps it. The id is the caller's own text (up to the whole
 * 64 KiB body), the row is exported and read back by the model, so a read-only caller could
 * plant instructions there: a plain id is kept as it is, anything else only as its SHA-256,
 * which still lets the caller's own logs be matched against the row.
 */
export async function auditableJsonRpcId(id: string | number): Promise<string | number> {
  if (typeof id === "number" || PLAIN_JSONRPC_ID.test(id)) return id;
  return `${JSONRPC_ID_HASH_PREFIX}${await sha256Hex(id)}`;
}

export type CapGateResult = { allowed: true } | { allowed: false; reason: "missing_cap"; missing_cap: string };

/**
 * Default-deny for MCP callers: a tool marked `requiresCapGate` runs only when the caller's
 * `caps` name it exactly. Read tools are open to every known caller. Pure, so the rule is
 * tested without a request.
 */
export function checkToolCap(tool: Pick<ToolDefinition, "name" | "requiresCapGate">, caller: McpCaller): CapGateResult {
  if (!tool.requiresCapGate || caller.caps.includes(tool.name)) return { allowed: true };
  return { allowed: false, reason: "missing_cap", missing_cap: tool.name };
}
