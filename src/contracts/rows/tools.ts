import { z } from "zod";

/** `tool.email_to_operator_sent`, written by the email tool (tools/send-email-to-operator.ts). */
export const EmailSentDetails = z.object({
  to: z.string(),
  subject: z.string(),
  body_chars: z.number().int(),
  status: z.enum(["sent", "failed"]),
  message_id: z.string().optional(),
  error: z.string().optional(),
});
export type EmailSentDetails = z.infer<typeof EmailSentDetails>;

/** `mcp.tool_call_denied`, written by the MCP front end's cap gate (mcp/tool-call.ts). */
export const ToolCallDeniedDetails = z.object({
  caller_id: z.string(),
  tool: z.string(),
  reason: z.literal("missing_cap"),
  missing_cap: z.string(),
  jsonrpc_id: z.union([z.string(), z.number()]),
});
export type ToolCallDeniedDetails = z.infer<typeof ToolCallDeniedDetails>;
