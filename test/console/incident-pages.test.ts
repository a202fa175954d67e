import { beforeAll, describe, expect, it } from "vitest";
import { signIn } from "./console-session";
import { IDS, MACHINES, seedScenario, wakeId, type Scenario } from "./incident-scenario";

let scenario: Scenario;
let open: (path: string) => Promise<Response>;

beforeAll(async () => {
  scenario = await seedScenario(new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3 * 60 * 60_000).toISOString());
  open = await signIn();
});

const html = async (path: string) => {
  const response = await open(path);
  expect(response.status).toBe(200);
  return response.text();
};

/** The cards of the home page, in order, as `data-incident-id` values. */
const cardIds = (page: string) =>
  [...page.matchAll(/<article class="card incident" data-incident-id="([^"]+)"/g)].map((m) => m[1]);

/** One incident's card (or page section) as its own string. */
function card(page: string, id: string): string {
  const start = page.indexOf(`data-incident-id="${id}"`);
  expect(start).toBeGreaterThan(0);
  const end = page.indexOf("</article>", start);
  return page.slice(start, end);
}

describe("the console's home: incidents", () => {
  it("lists escalated and open incidents before resolved ones", async () => {
    expect(cardIds(await html("/"))).toEqual([IDS.escalated, IDS.open, IDS.storm, IDS.resolved, IDS.older]);
  });

  it("shows each incident's probe, targets, status, downtime, fixes and cost", async () => {
    const page = await html("/");
    const resolved = card(page, IDS.resolved);
    expect(resolved).toContain(`fly · ${MACHINES.m1}`);
    expect(resolved).toContain('class="badge ok">resolved<');
    expect(resolved).toContain("was down 13 min");
    expect(resolved).toContain('<span class="fixes">1 fix (recovered)</span>');
    expect(resolved).toContain('<span class="cost">$0.0186</span>');
    expect(resolved).toContain("resolved by kora_fix");

    const escalated = card(page, IDS.escalated);
    expect(escalated).toContain('class="badge bad">escalated<');
    expect(escalated).toContain("refailed_after_fix");
    expect(escalated).toMatch(/down for \d+ h \d\d min, still down/);
    expect(escalated).toContain('<span class="cost">$0.0245</span>');

    expect(card(page, IDS.storm)).toContain(`fly · ${MACHINES.m4}, ${MACHINES.m5}`);
    expect(card(page, IDS.open)).toContain("no fixes");
  });

  it("draws each incident's life: red while down, the fix and the re-failure marked", async () => {
    const escalated = card(await html("/"), IDS.escalated);
    expect(escalated).toContain('<svg class="timeline life-svg"');
    expect(escalated).toContain(`data-status="unhealthy" data-from="${scenario.at(59)}" data-to="${scenario.at(63)}"`);
    expect(escalated).toContain(`data-status="healthy" data-from="${scenario.at(63)}" data-to="${scenario.at(70)}"`);
    expect(escalated).toContain(`data-status="unhealthy" data-from="${scenario.at(70)}"`);
    expect(escalated).toContain(`data-mark="fix" data-at="${scenario.at(62)}"`);
    expect(escalated).toContain(`data-mark="refailure" data-at="${scenario.at(70)}"`);
    expect(escalated).not.toContain("<script");
  });

  it("filters by status with chips", async () => {
    const page = await html("/?status=resolved");
    expect(cardIds(page)).toEqual([IDS.resolved, IDS.older]);
    expect(page).toMatch(/href="\/\?status=resolved" aria-current="page"/);
  });

  it("answers a bad filter with a 400 page naming it", async () => {
    const response = await open("/?status=closed");
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("status");
  });
});

describe("the incident page", () => {
  it("sums the incident up: targets, downtime, fixes, cost, escalation", async () => {
    const page = await html(`/incidents/${encodeURIComponent(IDS.escalated)}`);
    expect(page).toContain(`<dd class="targets">${MACHINES.m2} (kora-web)</dd>`);
    expect(page).toContain('<dd class="fixes">1 fix (recovered)</dd>');
    expect(page).toContain('<dd class="cost">$0.0245</dd>');
    expect(page).toMatch(/<dd class="bad">[^<]+: refailed_after_fix<\/dd>/);
  });

  it("draws its life with a text alternative that says the same in words", async () => {
    const page = await html(`/incidents/${encodeURIComponent(IDS.escalated)}`);
    expect(page).toMatch(/<svg class="timeline life-svg"[^>]*role="img" aria-labelledby="life-title life-desc"/);
    const desc = /<desc id="life-desc">([^<]*)<\/desc>/.exec(page)?.[1] ?? "";
    expect(desc).toContain(`${MACHINES.m2} down`);
    expect(desc).toContain(`${MACHINES.m2} failed again`);
    expect(desc).toContain("escalated: refailed_after_fix");
    expect(page).toContain('<ol class="life-text">');
  });

  it("is the timeline of every wake in it, each with its investigation", async () => {
    const page = await html(`/incidents/${encodeURIComponent(IDS.escalated)}`);
    expect(page).toContain(`data-wake-id="${wakeId("2a")}"`);
    expect(page).toContain(`data-wake-id="${wakeId("2b")}"`);
    expect(page.indexOf("Opening wake")).toBeLessThan(page.indexOf("Follow-up wake"));
    expect(page.match(/Seen: wake requested/g)).toHaveLength(2);
    expect(page.match(/Investigation completed/g)).toHaveLength(2);
    expect(page).toContain("Autofix attempt");
  });

  it("says when a wake was not investigated", async () => {
    const page = await html(`/incidents/${encodeURIComponent(IDS.open)}`);
    expect(page).toContain("Not investigated yet.");
  });

  it("answers 404 for an incident that does not exist", async () => {
    const response = await open("/incidents/wake:00000000-0000-4000-8000-000000000000");
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("no incident");
  });
});
