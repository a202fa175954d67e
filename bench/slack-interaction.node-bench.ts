import { it } from "vitest";
import { parseInteraction } from "../src/slack/interactions-payload";
import { verifySlackSignature } from "../src/slack/signature";
import { blockActionsPayload, signInteraction } from "../test/fakes/slack-interactions.ts";
import { median, reportFigure } from "./report";

/**
 * Everything `POST /slack/interactions` does before its 200 (Slack allows three seconds): the
 * v0 signature over the raw body, then the form and payload parse. The payload echoes a DM of
 * about 4 KB of blocks, as a real click on an investigation DM does.
 */
it("measures the signature check and payload parse of one click", async () => {
  const secret = "bench-signing-secret-0123456789";
  const payload = {
    ...blockActionsPayload({
      user_id: "U0OPERATOR",
      channel_id: "D0OPERATOR",
      message_ts: "1763600000.000100",
      button: {
        action_id: "kora_approval_approve",
        block_id: "kora_approval:fly:restart_machine:m123",
        value: "apr_0123456789abcdefghijkl",
        text: "Approve",
      },
    }),
    message: {
      ts: "1763600000.000100",
      text: "x".repeat(500),
      blocks: Array.from({ length: 8 }, (_, i) => ({
        type: "section",
        block_id: `b${i}`,
        text: { type: "mrkdwn", text: "y".repeat(450) },
      })),
    },
  };
  const signed = await signInteraction(payload, { signingSecret: secret });
  const headers = new Headers(signed.headers);
  const samples: number[] = [];
  for (let i = 0; i < 300; i++) {
    const start = performance.now();
    const check = await verifySlackSignature(secret, headers, signed.body, new Date());
    const parsed = parseInteraction(signed.body);
    samples.push(performance.now() - start);
    if (!check.ok || parsed.kind !== "clicks") throw new Error("bench click did not verify and parse");
  }
  reportFigure({
    name: "Slack click: signature check + payload parse (median)",
    value: +(median(samples) * 1000).toFixed(1),
    unit: "µs",
    note: `body ${(signed.body.length / 1024).toFixed(1)} KiB; Slack's deadline is 3 s`,
  });
});
