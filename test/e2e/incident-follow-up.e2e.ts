/**
 * An incident after its first DM, from outside: the real Worker under `wrangler dev` (local D1,
 * Queues), the cron fired with its own scheduled minutes, Slack and Fly read from the fake world.
 * The fix holds and the incident is resolved; then, within the cool-down, it fails again.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_MACHINES } from "../fakes/seed.ts";
import type { FlyFake } from "../fakes/fly.ts";
import type { SlackFake } from "../fakes/slack.ts";
import { startLocalStack, type LocalStack } from "../../scripts/local-stack.mjs";

interface AuditRow {
  seam: string;
  caller_session_id: string;
  details: Record<string, unknown>;
}

const target = DEMO_MACHINES.web1;
let stack: LocalStack;
let fly: FlyFake;
let slack: SlackFake;
const base = Math.floor(Date.now() / 60_000) * 60_000;
let minute = 0;

beforeAll(async () => {
  stack = await startLocalStack({
    migratedFrom: inject("migratedState"),
    vars: { KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" },
  });
  fly = stack.world.providers.get("fly") as FlyFake;
  slack = stack.world.providers.get("slack") as SlackFake;
});
afterAll(async () => stack?.stop());

/** The next probe minute, as Cloudflare fires it. */
const cycle = async () => stack.fireCron("* * * * *", base + ++minute * 60_000);

const auditRows = async (query: string): Promise<AuditRow[]> =>
  (await stack.api<{ rows: AuditRow[] }>(`/api/audit?${query}&limit=50`)).rows;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const crash = () => {
  const machine = fly.apps.get("kora-web")?.get(target);
  if (!machine) throw new Error("demo machine missing");
  fly.crash(machine, 1, false);
};
const flyMutations = () => stack.world.requests.filter((r) => r.provider === "fly" && fly.isMutating(r)).length;
const modelRequests = () => stack.world.requests.filter((r) => r.provider === "anthropic").length;

describe("an incident Kora fixed, end to end", () => {
  let session = "";

  it("is resolved by kora_fix after 3 healthy cycles: the first DM is edited, nothing new is posted", async () => {
    crash();
    await cycle();
    await cycle();
    const [wake] = await waitFor("the wake", async () => {
      const rows = await auditRows("seam=probe.wake_requested");
      return rows.length ? rows : undefined;
    });
    session = wake!.caller_session_id;
    await waitFor("the investigation", async () => {
      const rows = await auditRows(
        `seam=probe.investigation_completed&caller_session_id=${encodeURIComponent(session)}`,
      );
      return rows[0];
    });
    expect(slack.posts).toHaveLength(1);

    await cycle();
    await cycle();
    await cycle();
    const resolvedQuery = `seam=probe.incident_resolved&caller_session_id=${encodeURIComponent(session)}`;
    await waitFor("the resolution", async () => ((await auditRows(resolvedQuery)).length ? true : undefined));
    const [resolved, ...more] = await auditRows(resolvedQuery);
    expect(more).toEqual([]);
    expect(resolved?.details).toMatchObject({ resolved_by: "kora_fix", targets: [target] });
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]?.updates).toHaveLength(1);
    expect(slack.posts[0]?.updates[0]?.text).toMatch(/^Resolved: .*fixed by Kora/);
  });

  it("crashing again within the cool-down: one broadcast reply in the thread, no fix, no model run; more down cycles add nothing", async () => {
    const mutations = flyMutations();
    const model = modelRequests();
    crash();
    await cycle();
    await cycle();
    const escalations = await waitFor("the escalation", async () => {
      const rows = await auditRows(`seam=probe.incident_escalated&caller_session_id=${encodeURIComponent(session)}`);
      return rows.length ? rows : undefined;
    });
    await waitFor("the reply", async () => (slack.posts.length > 1 ? true : undefined));

    const [root, reply, ...extra] = slack.posts;
    expect(extra).toEqual([]);
    expect(reply).toMatchObject({ thread_ts: root?.ts, reply_broadcast: true });
    expect(reply?.text).toMatch(/failed again/);
    expect(escalations.map((row) => row.details.reason)).toEqual(["refailed_after_fix"]);

    await cycle();
    await cycle();
    await cycle();
    // Give a stray wake time to be consumed before counting what did not happen.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(slack.posts).toHaveLength(2);
    expect(
      await auditRows(`seam=probe.incident_escalated&caller_session_id=${encodeURIComponent(session)}`),
    ).toHaveLength(1);
    expect(flyMutations()).toBe(mutations);
    expect(modelRequests()).toBe(model);
  });
});
