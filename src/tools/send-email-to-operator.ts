import { EmailMessage } from "cloudflare:email";
import { createMimeMessage } from "mimetext/browser";
import { z } from "zod";
import { recordAudit } from "../audit/record";
import { redactSecrets, redactThenClip } from "../audit/redact";
import { secretValues } from "../config";
import { sha256Hex, type EmailSentDetails, type ToolContext } from "../contracts";
import { claimOperatorEmail, markOperatorEmailSent, releaseOperatorEmail } from "./operator-email-claims";
import { defineTool, type ToolResult } from "./tool";

const Input = z.object({
  subject: z.string().trim().min(1).max(200).describe("Subject line: what happened, in a few words."),
  body: z
    .string()
    .trim()
    .min(1)
    .max(20_000)
    .describe("Plain-text body: what was seen, what was tried and its outcome, what is left to decide."),
});

/** How much of the body the audit row keeps; the SHA-256 stands for the rest. */
export const EMAIL_BODY_IN_ROW_CHARS = 2_000;

/**
 * The text that leaves Kora: configured secrets redacted (the body is the model's or an MCP
 * caller's, and an injected instruction can ask for anything), the subject on one line.
 */
function outgoingEmail(input: z.infer<typeof Input>, secrets: readonly string[]) {
  const { value } = redactSecrets(input, secrets);
  return { subject: value.subject.replace(/[\r\n\t]+/g, " "), body: value.body };
}

export const sendEmailToOperatorTool = defineTool({
  name: "kora__send_email_to_operator",
  description:
    "Email the operator (KORA_OPERATOR_EMAIL) through Cloudflare Email. Mutating: use it only when " +
    "the Slack DM is not enough (e.g. an incident that needs a written record). At most one email per " +
    "investigation: a second, different one is refused; asking again for the same one sends nothing new.",
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
    const secrets = secretValues(ctx.env);
    const email = outgoingEmail(input, secrets);
    const bodySha256 = await sha256Hex(email.body);
    const digest = await sha256Hex(`${ctx.caller_session_id}\n${email.subject}\n${bodySha256}`);
    const row: Omit<EmailSentDetails, "status"> = {
      to,
      subject: email.subject,
      body_chars: email.body.length,
      body: redactThenClip(email.body, secrets, EMAIL_BODY_IN_ROW_CHARS),
      body_sha256: bodySha256,
    };

    const claim = await claimOperatorEmail(ctx.env.DB, ctx.caller_session_id, digest, ctx.now());
    switch (claim.kind) {
      case "already_sent":
        // Written again (same id, so nothing new) in case the first run died before its row.
        await recordSent(ctx, digest, row, claim.message_id);
        return { content: { status: "already_sent", to } };
      case "in_flight":
        return { isError: true, content: { error: "this email is being sent right now; do not ask again" } };
      case "taken":
        return refuse(ctx, digest, row);
      case "claimed":
        return send(ctx, { from, to, digest, email, row });
    }
  },
});

async function refuse(ctx: ToolContext, digest: string, row: Omit<EmailSentDetails, "status">): Promise<ToolResult> {
  // Keyed on the email, so the same refused email asked for again is one row, not many.
  await recordAudit(
    ctx.env,
    {
      id: `email_refused:${digest}`,
      seam: "tool.email_to_operator_sent",
      caller_session_id: ctx.caller_session_id,
      source: ctx.source,
      details: { ...row, status: "refused", refusal_reason: "one_email_per_investigation" },
    },
    ctx.now(),
  );
  return {
    isError: true,
    content: {
      status: "refused",
      refusal_reason: "one_email_per_investigation",
      message: "this investigation has already emailed the operator; put anything else in the DM summary",
    },
  };
}

async function send(
  ctx: ToolContext,
  mail: {
    from: string;
    to: string;
    digest: string;
    email: { subject: string; body: string };
    row: Omit<EmailSentDetails, "status">;
  },
): Promise<ToolResult> {
  const mime = createMimeMessage();
  mime.setSender({ name: "Kora", addr: mail.from });
  mime.setRecipient(mail.to);
  mime.setSubject(mail.email.subject);
  mime.setHeader("X-Kora-Session", ctx.caller_session_id);
  mime.addMessage({ contentType: "text/plain", data: mail.email.body });
  let messageId: string;
  try {
    messageId = (await ctx.env.EMAIL.send(new EmailMessage(mail.from, mail.to, mime.asRaw()))).messageId;
  } catch (error) {
    await releaseOperatorEmail(ctx.env.DB, ctx.caller_session_id, mail.digest);
    // A refused send is still one audit row (with a fresh id, so a later try can succeed).
    const reason = redactThenClip(error instanceof Error ? error.message : String(error), secretValues(ctx.env), 300);
    await recordAudit(
      ctx.env,
      {
        seam: "tool.email_to_operator_sent",
        caller_session_id: ctx.caller_session_id,
        source: ctx.source,
        details: { ...mail.row, status: "failed", error: reason },
      },
      ctx.now(),
    );
    return { isError: true, content: { status: "failed", error: reason } };
  }
  await markOperatorEmailSent(ctx.env.DB, ctx.caller_session_id, mail.digest, messageId);
  await recordSent(ctx, mail.digest, mail.row, messageId);
  return { content: { status: "sent", to: mail.to, message_id: messageId } };
}

async function recordSent(
  ctx: ToolContext,
  digest: string,
  row: Omit<EmailSentDetails, "status">,
  messageId: string | null,
): Promise<void> {
  await recordAudit(
    ctx.env,
    {
      id: `email:${digest}`,
      seam: "tool.email_to_operator_sent",
      caller_session_id: ctx.caller_session_id,
      source: ctx.source,
      details: { ...row, status: "sent", ...(messageId ? { message_id: messageId } : {}) },
    },
    ctx.now(),
  );
}
