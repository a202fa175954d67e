import { z } from "zod";

/** Why an email was not sent although it was asked for. */
export const EmailRefusalReason = z.enum(["one_email_per_investigation"]);
export type EmailRefusalReason = z.infer<typeof EmailRefusalReason>;

/**
 * `tool.email_to_operator_sent`, written by the email tool (tools/send-email-to-operator.ts)
 * for every send, failed send and refusal. Subject and body are the redacted text that was (or
 * would have been) sent; the row keeps the body's start and the SHA-256 of all of it. Rows from
 * before issue 15 have neither.
 */
export const EmailSentDetails = z.object({
  to: z.string(),
  subject: z.string(),
  body_chars: z.number().int(),
  /** The first EMAIL_BODY_IN_ROW_CHARS characters, with `…` when there was more. */
  body: z.string().optional(),
  body_sha256: z.string().optional(),
  status: z.enum(["sent", "failed", "refused"]),
  refusal_reason: EmailRefusalReason.optional(),
  message_id: z.string().optional(),
  error: z.string().optional(),
});
export type EmailSentDetails = z.infer<typeof EmailSentDetails>;

/** How a denial row keeps a JSON-RPC id that is not a plain short one: its SHA-256 (hex). */
export const JSONRPC_ID_HASH_PREFIX = "sha256:";

/** `mcp.tool_call_denied`, written by the MCP front end's cap gate (mcp/tool-call.ts). */
export const ToolCallDeniedDetails = z.object({
  caller_id: z.string(),
  tool: z.string(),
  reason: z.literal("missing_cap"),
  missing_cap: z.string(),
  /** The caller's id when it is plain (`[A-Za-z0-9_.:-]{1,64}`), else `sha256:<hex>` of it. */
  jsonrpc_id: z.union([z.string().max(JSONRPC_ID_HASH_PREFIX.length + 64), z.number()]),
});
export type ToolCallDeniedDetails = z.infer<typeof ToolCallDeniedDetails>;
