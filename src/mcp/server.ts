import {
  ProtocolError,
  ProtocolErrorCode,
  Server,
  type Tool,
  type ToolAnnotations,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { version } from "../../package.json";
import { redactSecrets } from "../audit/redact";
import { secretValues } from "../config";
import { getTool, TOOLS } from "../tools";
import type { ToolDefinition } from "../tools";
import { callToolForMcp, type McpCallScope } from "./tool-call";

/** The JSON Schema shape MCP requires of a tool's input: an object schema of JSON values. */
const McpInputSchema = z
  .object({
    type: z.literal("object"),
    properties: z.record(z.string(), z.json()).optional(),
    required: z.array(z.string()).optional(),
  })
  .catchall(z.json());

/** The MCP view of one registry tool: JSON Schema from its zod input, honest annotations. */
export function describeToolForMcp(tool: ToolDefinition): Tool {
  // `io: "input"` describes what a caller sends: fields with defaults are optional.
  const { $schema: _dialect, ...schema } = z.toJSONSchema(tool.input, { io: "input" });
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: McpInputSchema.parse(schema),
    annotations: toolAnnotations(tool),
  };
}

/**
 * A fresh low-level server per request over the shared tool registry. Low-level rather than
 * `McpServer.registerTool` so the cap gate runs before input validation: a refused caller
 * always gets a `mcp.tool_call_denied` row, whatever arguments it sent.
 */
export function buildKoraMcpServer(scope: McpCallScope): Server {
  const server = new Server(
    { name: "kora", version },
    {
      capabilities: { tools: {} },
      instructions:
        "Kora's operator tools. Read tools are open to every configured caller; the two mutating tools " +
        "(kora__send_email_to_operator, kora__attempt_probe_autofix) need the tool's name in the caller's caps.",
    },
  );

  server.setRequestHandler("tools/list", () => ({ tools: TOOLS.map(describeToolForMcp) }));

  server.setRequestHandler("tools/call", async (request, ctx) => {
    const tool = getTool(request.params.name);
    if (!tool) {
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `unknown tool: ${request.params.name.slice(0, 100)}`);
    }
    try {
      const result = await callToolForMcp(tool, request.params.arguments, scope, ctx.mcpReq.id);
      return server.projectCallToolResult(result, undefined);
    } catch (error) {
      // Unexpected faults end here, once: logged by class and message, never echoed to the caller.
      const described = error instanceof Error ? `${error.name}: ${error.message}` : "non-error thrown";
      const logged = redactSecrets(`mcp ${tool.name}: ${described}`, secretValues(scope.env)).value;
      console.error(JSON.stringify({ kora_error: logged }));
      throw new ProtocolError(ProtocolErrorCode.InternalError, "internal error; see the Worker logs");
    }
  });

  return server;
}

/**
 * Hints MCP clients show users before a call. Read-only and destructive follow `mutating`, the
 * one source of truth for the mutation boundary. The other two are per tool; a tool missing
 * here gets the cautious answer (not idempotent, reaches the outside world).
 */
const TOOL_HINTS: Record<string, { idempotentHint: boolean; openWorldHint: boolean }> = {
  // Kora's own D1 only.
  kora__get_probe_status: { idempotentHint: true, openWorldHint: false },
  kora__query_audit: { idempotentHint: true, openWorldHint: false },
  kora__list_fix_envelopes: { idempotentHint: true, openWorldHint: false },
  // Read the Fly Machines API.
  kora__list_fly_machines: { idempotentHint: true, openWorldHint: true },
  kora__get_fly_machine: { idempotentHint: true, openWorldHint: true },
  // Each MCP call is its own session, so a repeated email is a second email.
  kora__send_email_to_operator: { idempotentHint: false, openWorldHint: true },
  // A repeat after recovery is refused by gate 5, but a machine that crashed again in between
  // is restarted again: not idempotent.
  kora__attempt_probe_autofix: { idempotentHint: false, openWorldHint: true },
};

export function toolAnnotations(tool: Pick<ToolDefinition, "name" | "mutating">): ToolAnnotations {
  const hints = TOOL_HINTS[tool.name] ?? { idempotentHint: false, openWorldHint: true };
  return {
    readOnlyHint: !tool.mutating,
    destructiveHint: tool.mutating,
    idempotentHint: tool.mutating ? hints.idempotentHint : true,
    openWorldHint: hints.openWorldHint,
  };
}
