import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../../src/audit/record";
import { signIn } from "./console-session";
import { minutesFrom, seedProbeState, seedTransitions } from "./seed-tables";

/**
 * The status page's strips against a seeded history. `base` is a whole minute a little ahead of
 * the request, so every seeded change is at a known distance from the page's "now".
 */
const FLAKY = "3d8d9e1a2b4c68";
const STEADY = "prj_kora_web";
let base: string;
let open: (path: string) => Promise<Response>;
const ago = (minutes: number) => minutesFrom(base, -minutes);

beforeAll(async () => {
  base = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
  await seedProbeState("fly", FLAKY, "healthy", ago(1));
  await seedProbeState("vercel", STEADY, "healthy", ago(1));
  // First seen two days ago; down 30 minutes ten hours ago, and 6 minutes an hour ago.
  await seedTransitions("fly", FLAKY, [
    [ago(3000), null, "healthy"],
    [ago(600), "healthy", "unhealthy", "machine stopped (exit 137)"],
    [ago(570), "unhealthy", "healthy"],
    [ago(60), "healthy", "unhealthy", "machine stopped (exit 1)"],
    [ago(54), "unhealthy", "healthy"],
  ]);
  // The Vercel project never changed since history became transitions: no rows at all.
  await recordAudit(
    env,
    {
      seam: "probe.wake_requested",
      caller_session_id: "wake:0a1b2c3d-2222-4000-8000-000000000001",
      source: "cron",
      details: {
        wake_id: "0a1b2c3d-2222-4000-8000-000000000001",
        probe: "fly",
        target: FLAKY,
        status: "unhealthy",
        observed_at: ago(599),
        consecutive_unhealthy: 2,
        detail: { summary: "machine stopped" },
        envelope: { enabled: true, fix_name: "restart_unhealthy_machine" },
      },
    },
    new Date(ago(599)),
  );
  await recordAudit(
    env,
    {
      seam: "tool.probe_autofix_attempted",
      caller_session_id: "wake:0a1b2c3d-2222-4000-8000-000000000001",
      source: "reasoning",
      details: {
        probe: "fly",
        action: "restart_machine",
        target_id: FLAKY,
        reason_from_reasoning: "stopped after OOM",
        status: "attempted",
        action_taken: "start_machine",
        outcome: "recovered",
      },
    },
    new Date(ago(572)),
  );
  open = await signIn();
});

const statusPage = async () => {
  const response = await open("/status");
  expect(response.status).toBe(200);
  return response.text();
};

function strip(page: string, target: string): string {
  const start = page.indexOf(`<article class="card strip" data-probe`, page.indexOf(`data-target="${target}"`) - 80);
  expect(start).toBeGreaterThan(0);
  return page.slice(start, page.indexOf("</article>", start));
}

describe("status at a glance", () => {
  it("gives each target its uptime over 24 hours and 7 days, computed from its transitions", async () => {
    const flaky = strip(await statusPage(), FLAKY);
    // 36 minutes down in the last 1,440: 97.50 %. Over 7 days only the 3,000 minutes since it
    // was first seen count: 2,964 / 3,000 = 98.80 %.
    expect(flaky).toContain('<strong class="uptime-day">97.50%</strong>');
    expect(flaky).toContain('<strong class="uptime-week">98.80%</strong>');
  });

  it("counts a target that never changed as up the whole time", async () => {
    const steady = strip(await statusPage(), STEADY);
    expect(steady).toContain('<strong class="uptime-day">100%</strong>');
    expect(steady).toContain("Never down in the last 24 hours.");
  });

  it("draws the last 24 hours: the down intervals red, the wake and the fix marked", async () => {
    const flaky = strip(await statusPage(), FLAKY);
    expect(flaky).toContain(`data-status="unhealthy" data-from="${ago(600)}" data-to="${ago(570)}"`);
    expect(flaky).toContain(`data-status="unhealthy" data-from="${ago(60)}" data-to="${ago(54)}"`);
    expect(flaky.match(/data-status="unhealthy"/g)).toHaveLength(2);
    expect(flaky).toContain(`data-mark="wake" data-at="${ago(599)}"`);
    expect(flaky).toContain(`data-mark="fix" data-at="${ago(572)}"`);
  });

  it("draws each down interval where its times say: x and width from `from` and `to`", async () => {
    const rects = [...strip(await statusPage(), FLAKY).matchAll(/<rect ([^>]*)>/g)].map(([, attributes]) =>
      Object.fromEntries([...(attributes ?? "").matchAll(/([\w-]+)="([^"]*)"/g)].map(([, k, v]) => [k, v])),
    );
    const windowStart = Date.parse(rects[0]?.["data-from"] ?? "");
    const px = (ms: number) => (ms / (24 * 60 * 60_000)) * 1000;
    const red = rects.filter((rect) => rect["data-status"] === "unhealthy");
    expect(red).toHaveLength(2);
    for (const rect of red) {
      const [from, to] = [Date.parse(rect["data-from"] ?? ""), Date.parse(rect["data-to"] ?? "")];
      expect(Number(rect.x)).toBeCloseTo(px(from - windowStart), 1);
      expect(Number(rect.width)).toBeCloseTo(px(to - from), 1);
    }
  });

  it("says the same in words, for screen readers and for a quick read", async () => {
    const flaky = strip(await statusPage(), FLAKY);
    const sentence = "Down 2 times in the last 24 hours, 36 min in all. 1 wake, 1 fix.";
    expect(flaky).toContain(`<desc id="strip-0-desc">${sentence}</desc>`);
    expect(flaky).toContain(`<p class="strip-summary">${sentence}</p>`);
    expect(flaky).toContain(`${FLAKY} down`);
  });

  it("shows a stopped probe cron as no data, not as uptime", async () => {
    await env.DB.prepare("INSERT INTO probe_cycles (scheduled_time, started_at, completed_at) VALUES (?1, ?2, ?2)")
      .bind(Date.parse(ago(120)), ago(120))
      .run();
    const flaky = strip(await statusPage(), FLAKY);
    expect(flaky).toMatch(new RegExp(`data-status="unknown" data-from="${ago(119)}"`));
    // The outage an hour ago is after the last cycle: not counted. 30 minutes down of about 1,321.
    expect(flaky).toContain('<strong class="uptime-day">97.72%</strong>');
    expect(flaky).toContain("No data for");
  });
});
