import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config";
import { WakeMessage } from "../../src/contracts";
import { updateSlackMessage } from "../../src/slack/client";
import { appendDmLogEntry, listDmLogForSession } from "../../src/audit/dm-log";
import { buildInvestigationDm } from "../../src/slack/investigation-dm";
import { sendOperatorDm } from "../../src/slack/send-dm";
import { TEST_SECRETS } from "../fakes/bindings.ts";
import { world } from "../world";
import { wakeFor } from "../wake/helpers";

const config = parseConfig(env);

beforeEach(async () => {
  await world.reset();
});

describe("the DM log", () => {
  it("appendDmLogEntry is keyed: a repeat inserts nothing", async () => {
    const session = `wake:${crypto.randomUUID()}`;
    const entry = {
      id: `dm:${session}`,
      created_at: new Date().toISOString(),
      caller_session_id: session,
      kind: "investigation" as const,
      channel: "D0OPERATOR",
      dm_status: "sent" as const,
      text: "hello",
      blocks: null,
      slack_ts: "1.000001",
      error: null,
    };
    expect(await appendDmLogEntry(env.DB, entry)).toBe(true);
    expect(await appendDmLogEntry(env.DB, { ...entry, text: "changed" })).toBe(false);
    const rows = await listDmLogForSession(env.DB, session);
    expect(rows.map((row) => row.text)).toEqual(["hello"]);
  });

  it("sendOperatorDm posts once per id and scrubs configured secrets from what it sends and logs", async () => {
    const session = `wake:${crypto.randomUUID()}`;
    const dm = {
      id: `dm:${session}`,
      caller_session_id: session,
      kind: "investigation" as const,
      text: `token seen in an error: ${TEST_SECRETS.KORA_SLACK_BOT_TOKEN ?? ""}`,
    };
    const first = await sendOperatorDm(env, config, dm, new Date());
    const second = await sendOperatorDm(env, config, dm, new Date());
    expect(first).toMatchObject({ dm_status: "sent", repeated: false });
    expect(second).toMatchObject({ dm_status: "sent", repeated: true, slack_ts: first.slack_ts });
    const posts = await world.slack.posts();
    expect(posts).toHaveLength(1);
    expect(posts[0]?.text).toBe("token seen in an error: [redacted]");
    expect((await listDmLogForSession(env.DB, session))[0]?.text).toBe("token seen in an error: [redacted]");
  });

  it("logs a failed send with Slack's error when no operator is configured", async () => {
    const session = `wake:${crypto.randomUUID()}`;
    const vars = { ...env, KORA_SLACK_OPERATOR_USER_ID: "" };
    const delivery = await sendOperatorDm(
      vars,
      parseConfig(vars),
      { id: `dm:${session}`, caller_session_id: session, kind: "investigation", text: "x" },
      new Date(),
    );
    expect(delivery).toMatchObject({ dm_status: "failed_send", delivered: false });
    expect(delivery.error).toContain("KORA_SLACK_OPERATOR_USER_ID");
    expect(await listDmLogForSession(env.DB, session)).toHaveLength(1);
  });
});

describe("the investigation DM", () => {
  const facts = {
    wake: WakeMessage.parse(
      wakeFor("m0dmbuilder001", { detail: { output: "<!channel> <https://evil.example|click> & more" } }),
    ),
    engine: { kind: "model" as const, model: "claude-sonnet-5-5", tier: "primary" as const },
    summary: "Restarted. <@U123> said so.",
    fix_attempts: [
      {
        probe: "fly",
        action: "restart_machine",
        target_id: "m0dmbuilder001",
        reason_from_reasoning: "it crashed",
        status: "rejected" as const,
        rejection_reason: "envelope_disabled" as const,
        rejection_detail: { enable_env: "KORA_PROBE_AUTOFIX_FLY_ENABLED" },
      },
    ],
    fix_budgets: [{ target_id: "m0dmbuilder001", left: 2, max: 3 }],
  };

  it("says what was seen, what was tried with the refusing gate and budget left, and what is left", () => {
    const dm = buildInvestigationDm(facts);
    const text = JSON.stringify(dm.blocks);
    expect(text).toContain("*What I saw*");
    expect(text).toContain("rejected by gate 2");
    expect(text).toContain("KORA_PROBE_AUTOFIX_FLY_ENABLED is off");
    expect(text).toContain("2 of 3 this hour");
    expect(dm.left_to_decide).toContain("Decide whether to restart m0dmbuilder001");
  });

  it("cannot be made to mention or link by probe detail or model text", () => {
    const text = JSON.stringify(buildInvestigationDm(facts).blocks);
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<@U123>");
    expect(text).not.toContain("<https://evil");
    expect(text).toContain("&lt;!channel&gt;");
  });

  it("takes extra blocks (Approve/Dismiss buttons) after 'Left for you'", () => {
    const actions = { type: "actions" as const, elements: [] };
    const blocks = buildInvestigationDm(facts, { extra_blocks: [actions] }).blocks;
    const leftAt = blocks.findIndex((b) => JSON.stringify(b).includes("Left for you"));
    expect(blocks[leftAt + 1]).toBe(actions);
  });

  it("chat.update replaces a DM Kora sent", async () => {
    const session = `wake:${crypto.randomUUID()}`;
    const sent = await sendOperatorDm(
      env,
      config,
      { id: `dm:${session}`, caller_session_id: session, kind: "investigation", text: "before" },
      new Date(),
    );
    const updated = await updateSlackMessage(config, {
      channel: sent.channel ?? "",
      ts: sent.slack_ts ?? "",
      text: "after",
    });
    expect(updated.ok).toBe(true);
    expect((await world.slack.posts())[0]).toMatchObject({ text: "after", updates: [{ text: "after" }] });
  });
});
