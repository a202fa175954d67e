import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { APPROVAL_ID_PATTERN } from "../../src/approvals/model";
import { APPROVE_ACTION_ID, DISMISS_ACTION_ID } from "../../src/approvals/blocks";
import { TEST_SECRETS } from "../fakes/bindings.ts";
import { buttonsOf } from "../fakes/slack-interactions.ts";
import { deliver, machineState, recordWakeRequested, seedCrashedMachine, wakeFor } from "../wake/helpers";
import { world } from "../world";
import { flyMutations, latestPost, postInteraction, press, PROD } from "./harness";

beforeEach(async () => {
  await world.reset();
});

interface ApiEntry {
  kind: "audit" | "dm";
  caller_session_id: string;
  seam?: string;
  dm_kind?: string;
  details?: Record<string, unknown>;
}

async function apiTimeline(session: string): Promise<ApiEntry[]> {
  const response = await exports.default.fetch(
    new Request(`https://kora.test/api/sessions/${encodeURIComponent(session)}/timeline`, {
      headers: { authorization: `Bearer ${TEST_SECRETS.KORA_OPERATOR_TOKEN}` },
    }),
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { entries: ApiEntry[] }).entries;
}

describe("envelope off, a machine crashes, the operator approves from Slack", () => {
  it("DMs an Approve button, and one signed click starts the machine under the incident's session", async () => {
    const machine = await seedCrashedMachine();
    const wake = wakeFor(machine);
    await recordWakeRequested(wake);

    await deliver(wake);

    // Kora was not allowed to act: Fly untouched, and the DM asks.
    expect(await flyMutations()).toEqual([]);
    const [dm] = await world.slack.posts();
    if (!dm) throw new Error("no DM was sent");
    const buttons = buttonsOf(dm.blocks);
    expect(buttons.map((b) => b.action_id)).toEqual([APPROVE_ACTION_ID, DISMISS_ACTION_ID]);
    const approve = buttons[0];
    if (!approve) throw new Error("no Approve button");
    expect(approve.value).toMatch(APPROVAL_ID_PATTERN);
    expect(approve.value).not.toContain(machine);

    const response = await postInteraction(await press(dm, approve));

    expect(response.status).toBe(200);
    expect(await machineState(machine)).toBe("started");
    expect(await flyMutations()).toEqual([`POST /v1/apps/${PROD}/machines/${machine}/start`]);
    const updated = await latestPost(dm.ts);
    expect(updated?.updates).toHaveLength(1);
    expect(updated?.text).toMatch(/Approved by <@U0OPERATOR>.*`start_machine` on `[^`]+` \(kora-web\): recovered/s);
    expect(buttonsOf(updated?.blocks ?? null)).toEqual([]);

    const entries = await apiTimeline(wake.caller_session_id);
    expect(new Set(entries.map((e) => e.caller_session_id))).toEqual(new Set([wake.caller_session_id]));
    const audit = entries.filter((e) => e.kind === "audit");
    expect(audit.map((e) => e.seam)).toEqual([
      "probe.wake_requested",
      "tool.probe_autofix_attempted",
      "probe.investigation_completed",
      "operator.fix_approved",
      "tool.probe_autofix_attempted",
    ]);
    expect(audit[1]?.details).toMatchObject({ status: "rejected", rejection_reason: "envelope_disabled" });
    expect(audit[3]?.details).toMatchObject({ approval_id: approve.value, approved_by: "U0OPERATOR" });
    expect(audit[4]?.details).toMatchObject({
      status: "attempted",
      outcome: "recovered",
      target_id: machine,
      approved_by: "U0OPERATOR",
      approval_id: approve.value,
    });
    expect(entries.filter((e) => e.kind === "dm").map((e) => e.dm_kind)).toEqual(["investigation", "approval_update"]);
  });

  it("offers no button when the envelope is on and Kora fixed it alone", async () => {
    const machine = await seedCrashedMachine();
    const wake = wakeFor(machine, { envelope: { enabled: true, fix_name: "restart_unhealthy_machine" } });
    await deliver(wake, { env: { ...env, KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" } });
    const [dm] = await world.slack.posts();
    expect(dm?.text).toContain("recovered");
    expect(buttonsOf(dm?.blocks ?? null)).toEqual([]);
  });
});
