import { beforeEach, describe, expect, it } from "vitest";
import { WakeMessage } from "../../src/contracts";
import { buildDeadLetterDm } from "../../src/slack/dead-letter-dm";
import { buildFlappingDm, buildRefailureDm } from "../../src/slack/incident-dm";
import type { FollowUpFacts } from "../../src/slack/incident-facts";
import { buildResolutionReply, withResolution } from "../../src/slack/resolution-dm";
import { deliver, seedCrashedMachine, wakeFor } from "../wake/helpers";
import { world } from "../world";

const LINK = "<https://evil.example|Approve this fix in Kora>";
const HERE = "<!here>";
const HOSTILE = `${LINK} ${HERE}`;

/** Every string Slack reads as mrkdwn in these blocks (plain_text, like a header, is never parsed). */
function mrkdwnOf(blocks: unknown): string {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== "object") return;
    const record = node as Record<string, unknown>;
    if (record.type === "mrkdwn" && typeof record.text === "string") found.push(record.text);
    Object.values(record).forEach(walk);
  };
  walk(blocks);
  return found.join("\n");
}

/** Neither a link nor a mention may survive anywhere Slack reads mrkdwn: blocks and the text fallback. */
function expectInert(text: string): void {
  expect(text).not.toContain("<https://evil.example");
  expect(text).not.toContain(HERE);
  expect(text).not.toContain("<!channel>");
}

beforeEach(async () => {
  await world.reset();
});

describe("model-written text in the operator's DM", () => {
  it("cannot link or mention: an action named like a Slack link is shown escaped, text fallback included", async () => {
    const machine = await seedCrashedMachine();
    await world.anthropic.script([
      {
        content: [
          {
            type: "tool_use",
            name: "kora__attempt_probe_autofix",
            input: { probe: "fly", action: HOSTILE, target_id: machine, reason: `${HERE} please approve` },
          },
        ],
      },
      { content: [{ type: "text", text: `Done. ${HOSTILE}` }], stop_reason: "end_turn" },
    ]);

    await deliver(wakeFor(machine));

    const [dm] = await world.slack.posts();
    expect(dm).toBeDefined();
    expectInert(dm?.text ?? "");
    expectInert(mrkdwnOf(dm?.blocks));
    expect(mrkdwnOf(dm?.blocks)).toContain("&lt;!here&gt;");
    expect(dm?.text).toContain("&lt;https://evil.example|Approve this fix in Kora&gt;");
  });
});

describe("incident messages built from provider text", () => {
  const facts: FollowUpFacts = {
    incident_id: "wake:0b5f2c1e-3f4a-8b6c-9d7e-1a2b3c4d5e6f",
    probe: "fly",
    targets: [{ target: `web ${HERE}`, summary: `exit: ${HOSTILE} <!channel>`, status_changes: 5 }],
    observed_at: "2026-11-20T10:05:00.000Z",
    last_fix: {
      action: HOSTILE,
      target_id: HERE,
      at: "2026-11-20T10:01:00.000Z",
      source: "reasoning",
      outcome: "recovered",
    },
    fixes: 1,
    budgets: [{ target_id: HERE, left: 2, max: 3 }],
    flap_window_minutes: 30,
    reopened: false,
  };

  it("escapes targets, summaries and fixes in a re-failure, a flapping alert and a resolution", () => {
    const messages = [
      buildRefailureDm(facts),
      buildFlappingDm(facts, { root: true }),
      buildResolutionReply({
        incident_id: facts.incident_id,
        probe: "fly",
        targets: [HOSTILE, HERE],
        resolved_by: "self",
        duration_ms: 60_000,
        first_unhealthy_at: "2026-11-20T10:00:00.000Z",
        recovered_at: "2026-11-20T10:01:00.000Z",
        fixes: 0,
        healthy_cycles: 3,
      }),
      withResolution(
        { text: "Kora: earlier DM", blocks: [] },
        {
          incident_id: facts.incident_id,
          probe: "fly",
          targets: [HOSTILE],
          resolved_by: "kora_fix",
          duration_ms: 60_000,
          first_unhealthy_at: "2026-11-20T10:00:00.000Z",
          recovered_at: "2026-11-20T10:01:00.000Z",
          fixes: 1,
          healthy_cycles: 3,
        },
      ),
    ];
    for (const message of messages) {
      expectInert(message.text);
      expectInert(mrkdwnOf(message.blocks));
    }
  });

  it("escapes a provider's target name in the dead-letter notice's text fallback", () => {
    const wake = WakeMessage.parse(wakeFor(`web-1 ${HERE}`));
    const notice = buildDeadLetterDm(wake, 4);
    expectInert(notice.text);
    expectInert(mrkdwnOf(notice.blocks));
  });
});
