import { EmailMessage } from "cloudflare:email";
import { createMimeMessage } from "mimetext/browser";
import { z } from "zod";
import { recordAudit } from "../audit/record";
import { sha256Hex } from "../contracts";
import { defineTool } from "./tool";

const Input = z.object({
  subject: z.string().trim().min(1).max(200).describe("Subject line: what happened, in a few words."),
  body: z
    .string()
    .trim()
    .min(1)
    .max(20_000)
    .describe("Plain-text body: what was seen, what was tried and its outcome, what is left to decide."),
});

/** Has this exact email already gone out in this session? (A redelivered wake re-runs the loop.) */
async function emailAlreadySent(db: D1Database, auditId: string): Promise<boolean> {
  const row = await db.prepare("SELECT 1 AS found FROM audit_events WHERE id = ?1").bind(auditId).first();
  return row !== null;
}

export const sendEmailToOperatorTool = defineTool({
  name: "kora__send_email_to_operator",
  description:
    "Email the operator (KORA_OPERATOR_EMAIL) through Cloudflare Email. Mutating: use it only when " +
    "the Slack DM is not enough (e.g. an incident that needs a written record). Sending the same " +
    "subject and body twice in one incident sends it once.",
  input: Input,
  mutating: true,
  requiresCapGate: true,
  async run(input, ctx) {
    const to = ctx.config.KORA_OPERATOR_EMAIL;
    const from = ctx.config.KORA_EMAIL_FROM;
    if (!to || !from) {
      return {
        isError: true,
        content: { error: "email is not configured: set KORA_OPERATOR_EMAIL and KORA_EMAIL_FROM" },
      };
    }
    const digest = await sha256Hex(`${ctx.caller_session_id}\n${input.subject}\n${input.body}`);
    const auditId = `email:${digest}`;
    if (await emailAlreadySent(ctx.env.DB, auditId)) {
      return { content: { status: "already_sent", to } };
    }

    const mime = createMimeMessage();
    mime.setSender({ name: "Kora", addr: from });
    mime.setRecipient(to);
    mime.setSubject(input.subject);
    mime.setHeader("X-Kora-Session", ctx.caller_session_id);
    mime.addMessage({ contentType: "text/plain", data: input.body });
    const details = { to, subject: input.subject, body_chars: input.body.length };
    let messageId: string;
    try {
      messageId = (await ctx.env.EMAIL.send(new EmailMessage(from, to, mime.asRaw()))).messageId;
    } catch (error) {
      // A refused send is still one audit row (with a fresh id, so a later try can succeed).
      const reason = error instanceof Error ? error.message : String(error);
      await recordAudit(
        ctx.env,
        {
          seam: "tool.email_to_operator_sent",
          caller_session_id: ctx.caller_session_id,
          source: ctx.source,
          details: { ...details, status: "failed", error: reason },
        },
        ctx.now(),
      );
      return { isError: true, content: { status: "failed", error: reason } };
    }
    await recordAudit(
      ctx.env,
      {
        id: auditId,
        seam: "tool.email_to_operator_sent",
        caller_session_id: ctx.caller_session_id,
        source: ctx.source,
        details: { ...details, status: "sent", message_id: messageId },
      },
      ctx.now(),
    );
    return { content: { status: "sent", to, message_id: messageId } };
  },
});
