import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_SECRETS } from "../fakes/bindings.ts";
import { IDS, MACHINES, seedScenario, wakeId, type Scenario } from "../console/incident-scenario";

const TOKEN = TEST_SECRETS.KORA_OPERATOR_TOKEN ?? "";
const get = (path: string, token: string | null = TOKEN) =>
  exports.default.fetch(
    new Request(`https://kora.test${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
  );

interface Interval {
  status: string;
  from: string;
  to: string;
}
interface Incident {
  id: string;
  probe: string;
  status: string;
  down: { since: string; until: string | null; ms: number };
  resolved_by: string | null;
  escalation: { at: string; reason: string } | null;
  targets: { target: string; fly_app: string | null }[];
  wakes: { wake_id: string; target: string }[];
  fixes: { target_id: string; action: string; outcome: string | null }[];
  cost_usd: number;
  timeline: string;
  life: {
    from: string;
    to: string;
    targets: { target: string; intervals: Interval[] }[];
    more_targets: number;
    marks: { kind: string; at: string; target?: string }[];
  };
  investigations?: { wake_id: string; status: string }[];
}
interface Page {
  incidents: Incident[];
  next_cursor: string | null;
}

const page = async (path: string) => {
  const response = await get(path);
  expect(response.status).toBe(200);
  return (await response.json()) as Page;
};
const incident = async (id: string) => {
  const response = await get(`/api/incidents/${encodeURIComponent(id)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Incident;
};

let scenario: Scenario;

beforeAll(async () => {
  scenario = await seedScenario(new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3 * 60 * 60_000).toISOString());
});

describe("GET /api/incidents", () => {
  it("lists escalated incidents first, then open ones, then resolved ones, newest first in each", async () => {
    const { incidents, next_cursor } = await page("/api/incidents");
    expect(incidents.map((row) => row.id)).toEqual([IDS.escalated, IDS.open, IDS.storm, IDS.resolved, IDS.older]);
    expect(next_cursor).toBeNull();
  });

  it("pages with a cursor across the status groups without skipping or repeating one", async () => {
    const seen: string[] = [];
    let path = "/api/incidents?limit=2";
    for (;;) {
      const body = await page(path);
      expect(body.incidents.length).toBeLessThanOrEqual(2);
      seen.push(...body.incidents.map((row) => row.id));
      if (!body.next_cursor) break;
      path = `/api/incidents?limit=2&cursor=${body.next_cursor}`;
    }
    expect(seen).toEqual([IDS.escalated, IDS.open, IDS.storm, IDS.resolved, IDS.older]);
  });

  it("filters by status", async () => {
    expect((await page("/api/incidents?status=resolved")).incidents.map((row) => row.id)).toEqual([
      IDS.resolved,
      IDS.older,
    ]);
    expect((await page("/api/incidents?status=open&limit=1")).incidents.map((row) => row.id)).toEqual([IDS.open]);
  });

  it("gives each incident its targets, how long it was down, its fixes and its cost", async () => {
    const { incidents } = await page("/api/incidents");
    const resolved = incidents.find((row) => row.id === IDS.resolved);
    expect(resolved).toMatchObject({
      probe: "fly",
      status: "resolved",
      resolved_by: "kora_fix",
      targets: [{ target: MACHINES.m1, fly_app: "kora-web" }],
      down: { since: scenario.at(-1), until: scenario.at(12), ms: 13 * 60_000 },
      cost_usd: 0.0186,
      timeline: `/api/sessions/${encodeURIComponent(IDS.resolved)}/timeline`,
    });
    // The refused attempt sent nothing: only the restart counts as a fix.
    expect(resolved?.fixes).toEqual([
      expect.objectContaining({ target_id: MACHINES.m1, action: "start_machine", outcome: "recovered" }),
    ]);
    const storm = incidents.find((row) => row.id === IDS.storm);
    expect(storm?.targets.map((target) => target.target)).toEqual([MACHINES.m4, MACHINES.m5].sort());
    expect(storm?.fixes).toEqual([]);
  });

  it("counts a still-down incident's downtime up to now", async () => {
    const before = Date.now();
    const open = (await page("/api/incidents?status=open")).incidents.find((row) => row.id === IDS.open);
    const since = Date.parse(scenario.at(119));
    expect(open?.down.until).toBeNull();
    expect(open?.down.ms).toBeGreaterThanOrEqual(before - since - 1_000);
    expect(open?.down.ms).toBeLessThanOrEqual(Date.now() - since + 1_000);
  });

  it.each([
    ["status=closed", "status"],
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["limit=ten", "limit"],
    ["cursor=not-a-cursor", "cursor"],
    ["colour=blue", "colour"],
  ])("answers 400 naming the bad parameter for ?%s", async (query, name) => {
    const response = await get(`/api/incidents?${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.message).toContain(name);
  });

  it("is closed without the operator token", async () => {
    expect((await get("/api/incidents", null)).status).toBe(401);
    expect((await get(`/api/incidents/${IDS.resolved}`, "wrong-token")).status).toBe(401);
  });
});

describe("GET /api/incidents/:incident_id", () => {
  it("adds every wake's investigation, the escalation, and the cost of all its investigations", async () => {
    const body = await incident(IDS.escalated);
    expect(body.status).toBe("escalated");
    expect(body.escalation).toEqual({ at: scenario.at(72), reason: "refailed_after_fix" });
    expect(body.wakes.map((wake) => wake.wake_id)).toEqual([wakeId("2a"), wakeId("2b")]);
    expect(body.investigations?.map((row) => row.wake_id)).toEqual([wakeId("2a"), wakeId("2b")]);
    expect(body.cost_usd).toBe(0.0245);
    expect(body.down.until).toBeNull();
  });

  it("draws its life from the transitions: down, fixed, up, down again — the re-failure marked", async () => {
    const { life } = await incident(IDS.escalated);
    const lane = life.targets[0];
    expect(lane?.target).toBe(MACHINES.m2);
    const changes = lane?.intervals.map((interval) => [interval.status, interval.from]);
    expect(changes?.slice(1)).toEqual([
      ["unhealthy", scenario.at(59)],
      ["healthy", scenario.at(63)],
      ["unhealthy", scenario.at(70)],
    ]);
    expect(changes?.[0]?.[0]).toBe("healthy");
    const marks = life.marks.map((mark) => [mark.kind, mark.at]);
    expect(marks).toEqual([
      ["wake", scenario.at(60)],
      ["fix", scenario.at(62)],
      ["refailure", scenario.at(70)],
      ["wake", scenario.at(72)],
      ["escalated", scenario.at(72)],
    ]);
  });

  it("still draws an incident whose transitions are gone, from its own columns", async () => {
    const { life } = await incident(IDS.open);
    expect(life.targets[0]?.intervals.map((interval) => [interval.status, interval.from])).toEqual([
      ["unknown", life.from],
      ["unhealthy", scenario.at(119)],
    ]);
  });

  it("ends a resolved incident's life shortly after its resolution", async () => {
    const { life } = await incident(IDS.resolved);
    expect(Date.parse(life.to)).toBeGreaterThan(Date.parse(scenario.at(15)));
    expect(Date.parse(life.to)).toBeLessThan(Date.parse(scenario.at(20)));
    expect(life.marks.at(-1)).toMatchObject({ kind: "resolved", at: scenario.at(15) });
  });

  it("answers 404 for an incident that does not exist", async () => {
    const response = await get("/api/incidents/wake:00000000-0000-4000-8000-000000000000");
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("answers 400 for an id longer than any incident id", async () => {
    const response = await get(`/api/incidents/wake:${"x".repeat(300)}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("incident_id");
  });
});
