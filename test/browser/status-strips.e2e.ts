/**
 * The status page in a real browser (Debian's Chromium, a phone-sized viewport) against the real
 * Worker under `wrangler dev`: the 24-hour strips must be drawn, and drawn where the seeded
 * transitions say. The history is seeded into the local D1 with `wrangler d1 execute`, as the
 * probe cycle would have left it over two days; no cron fires, so nothing else writes.
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MACHINES } from "../fakes/seed.ts";
import { startLocalStack, type LocalStack } from "../../scripts/local-stack.mjs";

const SHOTS = "test-results/console";
const DAY = 24 * 60 * 60_000;
const FLAKY = DEMO_MACHINES.web1;
const STEADY = DEMO_MACHINES.web2;
const WAKE_ID = "0a1b2c3d-4444-4000-8000-000000000001";

let stack: LocalStack;
let browser: Browser;
let page: Page;
let base: number;
const ago = (minutes: number) => new Date(base - minutes * 60_000).toISOString();

/** Down 30 minutes ten hours ago (woken, fixed), and 6 minutes an hour and a half ago. */
const DOWN = [
  { from: () => ago(600), to: () => ago(570) },
  { from: () => ago(90), to: () => ago(84) },
];

function seedSql(): string {
  const detail = (summary: string) => `'${JSON.stringify({ summary })}'`;
  const transition = (at: string, from: string | null, to: string) =>
    `('fly', '${FLAKY}', '${at}', ${from ? `'${from}'` : "NULL"}, '${to}', ${detail(`${FLAKY} ${to}`)})`;
  const wake = {
    wake_id: WAKE_ID,
    probe: "fly",
    target: FLAKY,
    status: "unhealthy",
    observed_at: ago(599),
    consecutive_unhealthy: 2,
    detail: { summary: "machine stopped" },
    envelope: { enabled: true, fix_name: "restart_unhealthy_machine" },
  };
  const fix = {
    probe: "fly",
    action: "restart_machine",
    target_id: FLAKY,
    reason_from_reasoning: "stopped after an OOM",
    status: "attempted",
    action_taken: "start_machine",
    outcome: "recovered",
  };
  return `
INSERT INTO probe_state (probe, target, last_status, last_detail, last_observed_at, consecutive_unhealthy)
VALUES ('fly', '${FLAKY}', 'healthy', ${detail("started")}, '${ago(1)}', 0),
       ('fly', '${STEADY}', 'healthy', ${detail("started")}, '${ago(1)}', 0);
INSERT INTO probe_transitions (probe, target, at, from_status, to_status, detail) VALUES
  ${transition(ago(3000), null, "healthy")},
  ${transition(ago(600), "healthy", "unhealthy")},
  ${transition(ago(570), "unhealthy", "healthy")},
  ${transition(ago(90), "healthy", "unhealthy")},
  ${transition(ago(84), "unhealthy", "healthy")};
INSERT INTO audit_events (id, emitted_at, seam, caller_session_id, source, details) VALUES
  ('strip-wake', '${ago(599)}', 'probe.wake_requested', 'wake:${WAKE_ID}', 'cron', '${JSON.stringify(wake)}'),
  ('strip-fix', '${ago(572)}', 'tool.probe_autofix_attempted', 'wake:${WAKE_ID}', 'reasoning', '${JSON.stringify(fix)}');
`;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startLocalStack();
  base = Math.floor(Date.now() / 60_000) * 60_000;
  const dir = mkdtempSync(join(tmpdir(), "kora-strips-"));
  try {
    writeFileSync(join(dir, "seed.sql"), seedSql());
    const seeded = spawnSync(
      "npx",
      [
        "wrangler",
        "d1",
        "execute",
        "kora",
        "--local",
        "--persist-to",
        stack.persistTo,
        "--file",
        join(dir, "seed.sql"),
      ],
      { encoding: "utf8", env: { ...process.env, CI: "true" } },
    );
    if (seeded.status !== 0) throw new Error(`seeding failed:\n${seeded.stdout}\n${seeded.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  await page.goto(`${stack.url}/login?next=%2Fstatus`);
  await page.fill("#token", stack.operatorToken);
  await page.click("button[type=submit]");
  await page.waitForURL(`${stack.url}/status`);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const strip = (target: string) => page.locator(`article.strip[data-target="${target}"]`);

describe("the status page's strips in a browser", () => {
  it("draws a 24-hour strip per target, as wide as the phone's screen", async () => {
    await page.screenshot({ path: `${SHOTS}/7-status-strips.png`, fullPage: true });
    for (const target of [FLAKY, STEADY]) {
      const box = await strip(target).locator("svg.strip-svg").boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(box?.height).toBeGreaterThan(8);
    }
    expect(await page.locator("script").count()).toBe(0);
  });

  it("puts the red intervals exactly where the transitions say, and visible", async () => {
    const svg = strip(FLAKY).locator("svg.strip-svg");
    const rects = await svg.locator("rect").evaluateAll((nodes) =>
      nodes.map((node) => ({
        status: node.getAttribute("data-status"),
        from: node.getAttribute("data-from") ?? "",
        to: node.getAttribute("data-to") ?? "",
        x: Number(node.getAttribute("x")),
        width: Number(node.getAttribute("width")),
        pixels: node.getBoundingClientRect().width,
      })),
    );
    const windowStart = Date.parse(rects[0]?.from ?? "");
    expect(Math.abs(windowStart - (base - DAY))).toBeLessThan(5 * 60_000);
    const red = rects.filter((rect) => rect.status === "unhealthy");
    expect(red.map((rect) => [rect.from, rect.to])).toEqual(DOWN.map((down) => [down.from(), down.to()]));
    for (const rect of red) {
      const x = ((Date.parse(rect.from) - windowStart) / DAY) * 1000;
      const width = ((Date.parse(rect.to) - Date.parse(rect.from)) / DAY) * 1000;
      expect(rect.x).toBeCloseTo(x, 1);
      expect(rect.width).toBeCloseTo(width, 1);
      // Six minutes of a day is 1.5 px on this phone: the outline keeps it visible.
      expect(rect.pixels).toBeGreaterThan(1);
    }
    expect(rects.filter((rect) => rect.status === "healthy")).toHaveLength(3);
  });

  it("marks the wake and the fix inside the first outage", async () => {
    const marks = await strip(FLAKY)
      .locator("line.mark")
      .evaluateAll((nodes) => nodes.map((node) => [node.getAttribute("data-mark"), node.getAttribute("data-at")]));
    expect(marks).toEqual([
      ["wake", ago(599)],
      ["fix", ago(572)],
    ]);
  });

  it("gives the 24-hour uptime of the seeded history, and says it in words", async () => {
    // 36 minutes down of 1,440.
    expect(await strip(FLAKY).locator(".uptime-day").textContent()).toBe("97.50%");
    expect(await strip(STEADY).locator(".uptime-day").textContent()).toBe("100%");
    expect(await strip(FLAKY).locator(".strip-summary").textContent()).toBe(
      "Down 2 times in the last 24 hours, 36 min in all. 1 wake, 1 fix.",
    );
    const label = await strip(FLAKY).locator("svg.strip-svg").getAttribute("aria-labelledby");
    expect(label).toMatch(/-title .*-desc$/);
  });
});

describe("the local stack's MCP caller", () => {
  it("connects with the token the stack prints and reads the same history", async () => {
    const client = new Client({ name: "kora-local-check", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(stack.mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${stack.mcpToken}` } },
      }),
    );
    const result = await client.callTool({
      name: "kora__get_probe_status",
      arguments: { probe: "fly", target: FLAKY, history: 2 },
    });
    await client.close();
    expect(result.isError).toBeFalsy();
    const text = JSON.stringify(result.content);
    expect(text).toContain(ago(84));
    expect(text).toContain(ago(90));
    expect(text).not.toContain(ago(570));
  });
});
