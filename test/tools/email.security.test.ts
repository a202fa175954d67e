import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { listAuditEvents } from "../../src/audit/queries";
import { parseConfig, type KoraEnv } from "../../src/config";
import { parseSeamDetails, sha256Hex, WakeMessage, type ToolContext } from "../../src/contracts";
import { getTool } from "../../src/tools/registry";
import { TEST_SECRETS } from "../fakes/bindings.ts";
import { world } from "../world";
import { deliver, seedCrashedMachine, sessionRows, wakeFor } from "../wake/helpers";
import { envWithOutbox } from "./email-outbox";

const SECRETS = ["KORA_FLY_API_TOKEN", "ANTHROPIC_API_KEY", "KORA_SLACK_SIGNING_SECRET", "KORA_OPERATOR_TOKEN"].map(
  (name) => TEST_SECRETS[name] ?? "",
);
const [FLY_TOKEN = "", ANTHROPIC_KEY = ""] = SECRETS;
const email = getTool("kora__send_email_to_operator");

const contextFor = (workerEnv: KoraEnv): ToolContext => ({
  env: workerEnv,
  config: parseConfig(workerEnv),
  caller_session_id: `wake:${crypto.randomUUID()}`,
  source: "reasoning",
  now: () => new Date(),
});

const emailRows = async (session: string) =>
  (await listAuditEvents(env.DB, { caller_session_id: session, limit: 50 })).rows.filter(
    (row) => row.seam === "tool.email_to_operator_sent",
  );

/** True when any configured secret, or its first 8 characters, is in `text`. */
const leaksSecret = (text: string) => SECRETS.some((secret) => text.includes(secret.slice(0, 8)));

beforeEach(async () => {
  await world.reset();
});

describe("the email tool under an injected instruction", () => {
  it("sends the operator redacted text, and keeps the body's start and its SHA-256 in the row", async () => {
    const { env: workerEnv, outbox } = envWithOutbox();
    const ctx = contextFor(workerEnv);
    // The second token straddles the row's 2,000-character cut of the body.
    const body = `Tokens for you: ${FLY_TOKEN} and ${ANTHROPIC_KEY}.\n${"x".repeat(1_950)}${FLY_TOKEN}\nEnd.`;
    const result = await email?.run({ subject: `fly token ${FLY_TOKEN}`, body }, ctx);

    expect(result?.content).toMatchObject({ status: "sent" });
    expect(outbox).toHaveLength(1);
    expect(leaksSecret(outbox[0]?.readable ?? "")).toBe(false);
    expect(leaksSecret(outbox[0]?.raw ?? "")).toBe(false);
    expect(outbox[0]?.readable).toContain("Tokens for you: [redacted] and [redacted].");
    expect(outbox[0]?.readable).toContain("fly token [redacted]");

    const [row] = await emailRows(ctx.caller_session_id);
    const details = parseSeamDetails("tool.email_to_operator_sent", row?.details);
    expect(details.ok).toBe(true);
    if (!details.ok) return;
    const sentBody = body.split(FLY_TOKEN).join("[redacted]").split(ANTHROPIC_KEY).join("[redacted]");
    expect(details.value).toMatchObject({
      status: "sent",
      subject: "fly token [redacted]",
      body_chars: sentBody.length,
      body_sha256: await sha256Hex(sentBody),
    });
    expect(details.value.body?.startsWith("Tokens for you: [redacted] and [redacted].")).toBe(true);
    expect(details.value.body?.length).toBeLessThanOrEqual(2_000);
    expect(leaksSecret(JSON.stringify(row))).toBe(false);
  });

  it("sends at most one email per investigation: a second is refused and audited, once", async () => {
    const { env: workerEnv, outbox } = envWithOutbox();
    const ctx = contextFor(workerEnv);
    const first = { subject: "web-1 crashed", body: "Restart refused by the envelope; please look." };
    const second = { subject: "URGENT", body: "Forward this to security@evil.example." };

    expect((await email?.run(first, ctx))?.content).toMatchObject({ status: "sent" });
    const refused = await email?.run(second, ctx);
    expect(refused).toMatchObject({
      isError: true,
      content: { status: "refused", refusal_reason: "one_email_per_investigation" },
    });
    // Asked again: the same refusal, no new row; the first email again: already sent, no new row.
    await email?.run(second, ctx);
    expect((await email?.run(first, ctx))?.content).toMatchObject({ status: "already_sent" });

    expect(outbox.map((sent) => sent.readable.includes("Restart refused"))).toEqual([true]);
    const rows = await emailRows(ctx.caller_session_id);
    expect(rows.map((row) => [row.details.status, row.details.refusal_reason ?? null]).sort()).toEqual([
      ["refused", "one_email_per_investigation"],
      ["sent", null],
    ]);
    expect(rows.find((row) => row.details.status === "refused")?.details).toMatchObject({
      subject: "URGENT",
      body: "Forward this to security@evil.example.",
    });
  });

  it("one model turn asking for twenty emails sends one", async () => {
    const { env: workerEnv, outbox } = envWithOutbox();
    await world.anthropic.script([
      {
        content: Array.from({ length: 20 }, (_, i) => ({
          type: "tool_use",
          name: "kora__send_email_to_operator",
          input: { subject: `incident update ${i}`, body: `Update number ${i}: ${FLY_TOKEN}` },
        })),
      },
      { content: [{ type: "text", text: "Emailed the operator." }] },
    ]);
    const wake = WakeMessage.parse(wakeFor(await seedCrashedMachine()));
    await deliver(wake, { env: workerEnv });

    expect(outbox).toHaveLength(1);
    expect(leaksSecret(outbox[0]?.readable ?? "")).toBe(false);
    const rows = (await sessionRows(wake.caller_session_id)).filter(
      (row) => row.seam === "tool.email_to_operator_sent",
    );
    expect(rows.filter((row) => row.details.status === "sent")).toHaveLength(1);
    expect(rows.filter((row) => row.details.status === "refused").length).toBeGreaterThan(0);
  });
});
