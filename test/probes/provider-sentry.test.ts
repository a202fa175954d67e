import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { getProbeStatus } from "../../src/probes/queries";
import { describeViolation, world } from "../world";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld } from "./harness";

/**
 * The Sentry probe against a fake that answers as Sentry's endpoint code does: projects come from
 * `project=`, and without it from the token's project memberships, which for an integration token
 * are none (test/fakes/sentry.ts).
 */

const AUTH = { authorization: "Bearer sntrys_fake_0123456789" };
const ORG_API = () => `${env.FAKE_WORLD_URL}/sentry/api/0/organizations/acme`;

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

async function sentryRow() {
  const rows = await getProbeStatus(env.DB, "sentry");
  expect(rows).toHaveLength(1);
  const [row] = rows;
  return { target: row?.target, status: row?.last_status, detail: row?.last_detail };
}

/** The next timeseries answer (checked against the published schema like any other). */
async function sentryAnswers(values: { timestamp: number; value: number; incomplete: boolean }[]) {
  await world.contracts.answer({
    provider: "sentry",
    path: "/events-timeseries/$",
    status: 200,
    body: {
      timeSeries: [{ yAxis: "count()", values, meta: { interval: 60_000, valueType: "integer", valueUnit: null } }],
    },
  });
}

const minuteBuckets = (counts: number[], incompleteFrom: number) =>
  counts.map((value, i) => ({ timestamp: 1_795_000_000_000 + i * 60_000, value, incomplete: i >= incompleteFrom }));

describe("an organization whose token is a member of no project", () => {
  it("is read through the project's id, so its errors are seen, where an unscoped query sees nothing", async () => {
    const { id } = await world.sentry.project("acme", "web", 30);
    const before = (await world.contracts.violations(Number.MAX_SAFE_INTEGER)).last_seq;

    // What the probe used to ask (events-stats, the project only in the query text) and the public
    // endpoint without `project=`: Sentry searches the token's member projects, finds none, and
    // answers 200 with no data. Read as a count, that is "0 errors": healthy forever.
    const legacy = await fetch(
      `${ORG_API()}/events-stats/?query=event.type%3Aerror+project%3Aweb&yAxis=count()&statsPeriod=5m&interval=1m`,
      { headers: AUTH },
    );
    expect([legacy.status, await legacy.json()]).toEqual([200, { data: [] }]);
    const unscoped = await fetch(`${ORG_API()}/events-timeseries/?dataset=errors&statsPeriod=8m&interval=60`, {
      headers: AUTH,
    });
    expect([unscoped.status, await unscoped.json()]).toEqual([200, { timeSeries: [] }]);
    // events-stats is in no published schema: the contract check names it.
    const { violations } = await world.contracts.violations(before);
    expect(violations.map(describeViolation)).toEqual([
      "sentry GET /api/0/organizations/acme/events-stats/ request (GET /api/0/organizations/acme/events-stats/): operation no documented operation has this path",
    ]);
    await world.contracts.clear();

    await fireCycle(probeEnv().env, minute(0));

    expect(await sentryRow()).toEqual({
      target: "acme/web",
      status: "unhealthy",
      detail: expect.objectContaining({
        summary: "150 errors in the last 5 min (threshold 50)",
        project_id: id,
        complete_errors: 150,
      }),
    });
    const requests = await world.requests({ provider: "sentry" });
    expect(requests.map((r) => `${r.method} ${r.path}`).slice(-2)).toEqual([
      "GET /api/0/organizations/acme/projects/",
      "GET /api/0/organizations/acme/events-timeseries/",
    ]);
    expect(requests.at(-2)?.query).toEqual({ query: ["slug:web"] });
    expect(requests.at(-1)?.query).toEqual({
      dataset: ["errors"],
      project: [id],
      statsPeriod: ["8m"],
      interval: ["60"],
      yAxis: ["count()"],
      query: ["event.type:error"],
    });
  });

  it("an answer with no series is an error, never healthy", async () => {
    await world.contracts.answer({
      provider: "sentry",
      path: "/events-timeseries/$",
      times: 3,
      status: 200,
      body: { timeSeries: [] },
    });
    const { env: koraEnv, queue } = probeEnv();
    for (let n = 0; n < 3; n++) await fireCycle(koraEnv, minute(n));

    const { id } = await world.sentry.project("acme", "web", 2);
    expect(await sentryRow()).toEqual({
      target: "acme/web",
      status: "error",
      detail: {
        summary: `Sentry returned no error series for project ${id}, so the error rate is unknown (not zero)`,
        project_id: id,
        window_minutes: 5,
      },
    });
    expect(queue.messages).toEqual([]);
  });
});

describe("minutes Sentry has not finished counting", () => {
  it("are lower bounds, not zeros: the fake's empty newest buckets do not hide a full window", async () => {
    await world.sentry.project("acme", "web", 30);
    await fireCycle(probeEnv({ KORA_SENTRY_ERROR_THRESHOLD: "100" }).env, minute(0));
    const row = await sentryRow();
    expect(row.status).toBe("unhealthy");
    expect(row.detail).toMatchObject({ errors: 150, complete_errors: 150 });
    expect(Number(row.detail?.incomplete_buckets)).toBeGreaterThanOrEqual(2);
  });

  it("a spike already visible in them counts at once", async () => {
    // Complete minutes are quiet (5 a minute); the two newest, still arriving, already hold 40 each.
    await sentryAnswers(minuteBuckets([5, 5, 5, 5, 5, 5, 40, 40], 6));
    await fireCycle(probeEnv().env, minute(0));
    expect(await sentryRow()).toMatchObject({
      status: "unhealthy",
      detail: { summary: "95 errors in the last 5 min (threshold 50)", complete_errors: 25, incomplete_buckets: 2 },
    });
  });

  it("a quiet series is healthy only on a full window of complete minutes", async () => {
    await sentryAnswers(minuteBuckets([1, 1, 1, 1, 1, 1, 0, 0], 6));
    await fireCycle(probeEnv().env, minute(0));
    expect(await sentryRow()).toMatchObject({
      status: "healthy",
      detail: { summary: "5 errors in the last 5 min", complete_errors: 5, incomplete_buckets: 2 },
    });

    await sentryAnswers(minuteBuckets([0, 0, 0, 0, 0, 0, 0, 0], 4));
    await fireCycle(probeEnv().env, minute(1));
    expect(await sentryRow()).toMatchObject({
      status: "error",
      detail: { summary: "Sentry's error series cannot be read: only 4 of the 5 buckets of the window are complete" },
    });
  });
});

describe("which project, and what the token may see", () => {
  it("a numeric KORA_SENTRY_PROJECT is the id itself: no lookup", async () => {
    const { id } = await world.sentry.project("acme", "web", 2);
    await fireCycle(probeEnv({ KORA_SENTRY_PROJECT: id }).env, minute(0));
    expect(await sentryRow()).toMatchObject({ target: `acme/${id}`, status: "healthy" });
    const requests = await world.requests({ provider: "sentry" });
    expect(requests.map((r) => r.path)).toEqual(["/api/0/organizations/acme/events-timeseries/"]);
  });

  it("a slug the organization does not have is an error naming it", async () => {
    await fireCycle(probeEnv({ KORA_SENTRY_PROJECT: "mobile" }).env, minute(0));
    expect(await sentryRow()).toEqual({
      target: "acme/mobile",
      status: "error",
      detail: { summary: 'Sentry organization acme has no project "mobile" this token can see' },
    });
  });

  it("a project the token may not access is an error naming the scope it needs, not unhealthy", async () => {
    await world.control("sentry/deny", { org: "acme", projects: ["web"] });
    const { env: koraEnv, queue } = probeEnv();
    for (let n = 0; n < 3; n++) await fireCycle(koraEnv, minute(n));
    const { id } = await world.sentry.project("acme", "web", 2);
    expect(await sentryRow()).toEqual({
      target: "acme/web",
      status: "error",
      detail: {
        summary: `Sentry refused to show project ${id} (HTTP 403: You do not have permission to perform this action.): the token needs the org:read scope and access to the project`,
      },
    });
    expect(queue.messages).toEqual([]);
  });

  it("a KORA_SENTRY_PROJECT that is neither a slug nor an id is an error naming the variable, and Sentry is not called", async () => {
    await fireCycle(probeEnv({ KORA_SENTRY_PROJECT: "web is_member:1" }).env, minute(0));
    expect(await sentryRow()).toMatchObject({
      status: "error",
      detail: { summary: "KORA_SENTRY_PROJECT must be a project slug or its numeric id" },
    });
    expect(await world.requests({ provider: "sentry" })).toEqual([]);
  });
});
