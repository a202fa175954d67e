import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { EXPORT_CRON } from "../../src/cron";
import worker from "../../src/index";
import { seedAuditRow } from "../audit-seed.ts";

async function fireExportCron(at: string): Promise<void> {
  await worker.scheduled(createScheduledController({ cron: EXPORT_CRON, scheduledTime: new Date(at).getTime() }), env);
}

async function exportedDays(): Promise<string[]> {
  const listed = await env.AUDIT_BUCKET.list({ prefix: "audit/", delimiter: "/" });
  return listed.delimitedPrefixes;
}

describe("the hourly export cron", () => {
  it("at 00:07 finishes yesterday and starts today; later in the day only today is rewritten", async () => {
    await seedAuditRow(
      env,
      { seam: "probe.wake_requested", caller_session_id: "wake:late-evening", source: "cron", details: { n: 1 } },
      new Date("2026-11-04T23:58:00.000Z"),
    );
    await fireExportCron("2026-11-05T00:07:00.000Z");
    expect(await exportedDays()).toEqual(["audit/dt=2026-11-04/", "audit/dt=2026-11-05/"]);
    const yesterday = await env.AUDIT_BUCKET.head("audit/dt=2026-11-04/manifest.json");

    // Yesterday's export row lands in today's file: exports of other days are part of the trail.
    await fireExportCron("2026-11-05T05:07:00.000Z");
    const today = await (await env.AUDIT_BUCKET.get("audit/dt=2026-11-05/audit_events.jsonl"))?.text();
    expect(today).toContain('"seam":"audit.export_completed"');
    expect(today).toContain('\\"date\\":\\"2026-11-04\\"');
    expect(today).not.toContain('\\"date\\":\\"2026-11-05\\"');
    expect((await env.AUDIT_BUCKET.head("audit/dt=2026-11-04/manifest.json"))?.uploaded).toEqual(yesterday?.uploaded);
  });

  it("settles: firing again with nothing new records no further export row", async () => {
    const count = async () =>
      (
        await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE seam = 'audit.export_completed'").first<{
          n: number;
        }>()
      )?.n;
    await fireExportCron("2026-11-05T06:07:00.000Z");
    const before = await count();
    await fireExportCron("2026-11-05T07:07:00.000Z");
    expect(await count()).toBe(before);
  });
});
