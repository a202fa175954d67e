/**
 * The console in a real browser (Debian's Chromium via playwright-core) against the real Worker
 * under `wrangler dev`. The incident is made the real way: a machine crashes in the fake Fly,
 * the probe cron fires, the wake consumer investigates, fixes and DMs.
 */
import { mkdirSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { FlyFake } from "../fakes/fly.ts";
import { DEMO_MACHINES } from "../fakes/seed.ts";
import { startLocalStack, type LocalStack } from "../../scripts/local-stack.mjs";

interface AuditPage {
  rows: { caller_session_id: string; details: Record<string, unknown> }[];
}

const SHOTS = "test-results/console";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

let stack: LocalStack;
let browser: Browser;
let page: Page;
let sessionId: string;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startLocalStack({ migratedFrom: inject("migratedState") });
  const fly = stack.world.providers.get("fly") as FlyFake;
  const machine = fly.apps.get("kora-web")?.get(DEMO_MACHINES.web1);
  if (!machine) throw new Error("demo machine missing from the fake world");
  fly.crash(machine, 1, false);
  // Two probe cycles a minute apart: the crashed machine is woken after its second unhealthy cycle.
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  await stack.fireCron("* * * * *", minute - 60_000);
  await stack.fireCron("* * * * *", minute);
  const wake = await waitFor("the wake for the crashed machine", async () => {
    const { rows } = await stack.api<AuditPage>("/api/audit?seam=probe.wake_requested");
    return rows.find((row) => row.details.target === DEMO_MACHINES.web1);
  });
  sessionId = wake.caller_session_id;
  await waitFor("the investigation to complete", async () => {
    const { rows } = await stack.api<AuditPage>(
      `/api/audit?seam=probe.investigation_completed&caller_session_id=${encodeURIComponent(sessionId)}`,
    );
    return rows[0];
  });

  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  // A phone-sized viewport: the console must work there.
  page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const incidentCard = () => page.locator(`article.investigation[data-target="${DEMO_MACHINES.web1}"]`);

describe("the operator console in a browser", () => {
  it("asks for the operator token, then shows the incidents, with the investigations one click away", async () => {
    await page.goto(`${stack.url}/`);
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.screenshot({ path: `${SHOTS}/1-login.png`, fullPage: true });

    await page.fill("#token", "not-the-token");
    await page.click("button[type=submit]");
    await expect.poll(() => page.textContent("[role=alert]")).toContain("not the operator token");

    await page.fill("#token", stack.operatorToken);
    await page.click("button[type=submit]");
    await page.waitForURL(`${stack.url}/`);
    const cookies = await page.context().cookies();
    const session = cookies.find((cookie) => cookie.name === "__Host-kora_session");
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict" });
    expect(session?.value).not.toContain(stack.operatorToken);
    expect(await page.textContent("h1")).toBe("Incidents");
    await page.screenshot({ path: `${SHOTS}/2-incidents.png`, fullPage: true });

    await page.click("nav a:text-is('Investigations')");
    await page.waitForURL(`${stack.url}/investigations`);
    await page.screenshot({ path: `${SHOTS}/2-investigations.png`, fullPage: true });
    expect(await incidentCard().count()).toBe(1);
  });

  it("filters investigations by DM status with the chips", async () => {
    const status = (await incidentCard().getAttribute("data-dm-status")) ?? "";
    expect(status).toBe("sent");
    await page.click(`a.chip[href='/investigations?dm_status=${status}']`);
    await page.waitForURL(new RegExp(`dm_status=${status}$`));
    expect(await page.getAttribute(`a.chip[href='/investigations?dm_status=${status}']`, "aria-current")).toBe("page");
    expect(await incidentCard().count()).toBe(1);
    const shown = await page
      .locator("article.investigation")
      .evaluateAll((cards) => cards.map((card) => card.getAttribute("data-dm-status")));
    expect(new Set(shown)).toEqual(new Set([status]));
    await page.screenshot({ path: `${SHOTS}/3-filtered.png`, fullPage: true });

    await page.click("a.chip[href='/investigations?dm_status=failed_send']");
    await page.waitForURL(/dm_status=failed_send$/);
    expect(await incidentCard().count()).toBe(0);
    await page.click(`a.chip[href='/investigations?dm_status=${status}']`);
    await page.waitForURL(new RegExp(`dm_status=${status}$`));
  });

  it("opens the incident timeline and shows the autofix outcome, the DM and the cost", async () => {
    await incidentCard().locator("h3 a").click();
    await page.waitForURL(`${stack.url}/sessions/${encodeURIComponent(sessionId)}`);
    const autofix = page.locator("article.autofix").filter({ hasText: "all gates passed" }).first();
    await expect.poll(() => autofix.locator(".outcome").textContent()).toBe("recovered");
    expect(await autofix.locator("table.machine-states").textContent()).toContain("started");
    expect(await page.locator("article.dm .dm-text").first().textContent()).toContain(DEMO_MACHINES.web1);
    expect(await page.locator("article.completed .cost").textContent()).toMatch(/^\$\d/);
    expect(await page.locator("article.seen").count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/4-timeline.png`, fullPage: true });
  });

  it("shows probe states and envelopes, and exports the day with links to the files", async () => {
    await page.click("nav a:text-is('Status')");
    await page.waitForURL(`${stack.url}/status`);
    expect(await page.textContent("tr[data-probe=fly] .enabled")).toBe("yes");
    expect(await page.locator("table.probe-states tbody tr").count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/5-status.png`, fullPage: true });

    await page.click("nav a:text-is('Exports')");
    await page.click("form[action='/exports'] button");
    await page.waitForURL(/\/exports\?date=/);
    const rows = await page.locator("section.manifest td.rows").allTextContents();
    expect(Number(rows[0]?.replaceAll(",", ""))).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: `${SHOTS}/6-exports.png`, fullPage: true });
  });
});
