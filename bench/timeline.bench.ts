import { env, exports } from "cloudflare:workers";
import { it } from "vitest";
import { readSessionTimeline } from "../src/audit/timeline";
import { TEST_SECRETS } from "../test/fakes/bindings.ts";
import { seedAuditDay } from "../test/export/seed-day";
import { median, reportFigure } from "./report";

const ROWS = 1_000_000;
const SESSIONS = 100_000; // ten rows per incident, as a real wake → tools → completion leaves
const SAMPLES = 200;

it("reads one incident's timeline out of 1,000,000 audit rows", async () => {
  const seeding = Date.now();
  for (let day = 0; day < 10; day++) {
    await seedAuditDay(`2026-10-${String(day + 10).padStart(2, "0")}`, ROWS / 10, `d${day}`, SESSIONS / 10);
  }
  const seedMs = Date.now() - seeding;
  const count = await env.DB.prepare("SELECT count(*) AS n FROM audit_events").first<{ n: number }>();
  if (count?.n !== ROWS) throw new Error(`seeded ${count?.n} rows, wanted ${ROWS}`);

  const session = (i: number) => `wake:d${i % 10}-${(i * 7919) % (SESSIONS / 10)}`;
  const query: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = Date.now();
    const timeline = await readSessionTimeline(env.DB, session(i), { limit: 200 });
    query.push(Date.now() - started);
    if (timeline.entries.length !== 10) throw new Error(`${session(i)}: ${timeline.entries.length} entries`);
  }
  reportFigure({
    name: "timeline query, 1M audit rows (median)",
    value: median(query),
    unit: "ms",
    note: `${SAMPLES} sessions of 10 rows, p95 ${percentile(query, 0.95)} ms; seeded in ${Math.round(seedMs / 1000)} s`,
  });

  const route: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = Date.now();
    const response = await exports.default.fetch(
      new Request(`https://kora.test/api/sessions/${encodeURIComponent(session(i + SAMPLES))}/timeline`, {
        headers: { authorization: `Bearer ${TEST_SECRETS.KORA_OPERATOR_TOKEN}` },
      }),
    );
    await response.arrayBuffer();
    route.push(Date.now() - started);
    if (response.status !== 200) throw new Error(`timeline route answered ${response.status}`);
  }
  reportFigure({
    name: "GET /api/sessions/:id/timeline, 1M audit rows (median)",
    value: median(route),
    unit: "ms",
    note: `${SAMPLES} requests, p95 ${percentile(route, 0.95)} ms`,
  });
});

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}
