import { env } from "cloudflare:workers";
import { beforeEach, it } from "vitest";
import { clearProbeTables, fireCycle, minute, probeEnv, seedHealthyWorld } from "../test/probes/harness";
import { meteredD1 } from "../test/probes/metered-db";
import { ENVELOPE_ON, incidentRow, MACHINE, startIncidentWorld } from "../test/wake/incident-harness";
import { world } from "../test/world";
import { reportFigure } from "./report";
import { INPUT_NAMES } from "./monthly-estimate";

beforeEach(async () => {
  await clearProbeTables();
  await seedHealthyWorld();
});

const machines = (n: number) => Array.from({ length: n }, (_, i) => `b${String(i).padStart(13, "0")}`);

/**
 * D1's own `meta.rows_written` for one cycle over `fleet` machines, after two cycles that saw
 * everything: unchanged, then with one machine crashed just before it.
 */
async function cycleRows(fleet: number, crashOne: boolean) {
  await clearProbeTables();
  await seedHealthyWorld();
  const ids = machines(fleet);
  await world.fly.machines(ids.map((id) => ({ app: "kora-web", id })));
  const { db, meter } = meteredD1(env.DB);
  const metered = { ...probeEnv().env, DB: db };
  await fireCycle(metered, minute(1));
  await fireCycle(metered, minute(2));
  if (crashOne) await world.fly.crash(ids[0] ?? "");
  meter.reset();
  await fireCycle(metered, minute(3));
  return { written: meter.rows_written, read: meter.rows_read };
}

it("measures the D1 rows a probe cycle writes: unchanged, and with one changed target", async () => {
  for (const fleet of [10, 50, 200]) {
    const quiet = await cycleRows(fleet, false);
    const changed = await cycleRows(fleet, true);
    reportFigure({
      name: INPUT_NAMES.written(fleet),
      value: quiet.written,
      unit: "rows",
      note: "healthy unchanged machines; before history was kept as transitions, every target wrote its state and a result row each cycle (about 6 D1 rows with their indexes)",
    });
    reportFigure({ name: INPUT_NAMES.read(fleet), value: quiet.read, unit: "rows" });
    reportFigure({
      name: INPUT_NAMES.changed(fleet),
      value: changed.written - quiet.written,
      unit: "rows",
      note: `${changed.written} in the cycle with one machine crashed: the target's state and one transition`,
    });
  }
});

/** Rows stored in every table, so an incident's footprint is what it left behind, by table. */
async function tableRows(): Promise<Map<string, number>> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
  ).all<{ name: string }>();
  const counts = new Map<string, number>();
  for (const { name } of results) {
    const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).first<{ n: number }>();
    counts.set(name, row?.n ?? 0);
  }
  return counts;
}

it("measures the demo incident from crash to resolution, and the D1 rows it adds", async () => {
  const kora = await startIncidentWorld(ENVELOPE_ON);
  const { db, meter } = meteredD1(env.DB);
  (kora.env as { DB: D1Database }).DB = db;
  await kora.cycle(0);
  const before = await tableRows();
  meter.reset();
  const crashedAt = kora.at(0) + 20_000; // between two cycles, as a crash usually is
  await world.fly.crash(MACHINE);

  let wokeAt: number | undefined;
  let session: string | undefined;
  for (let n = 1; n <= 5 && session === undefined; n++) {
    await kora.cycle(n);
    const [wake] = await kora.deliverNew();
    if (wake) [wokeAt, session] = [kora.at(n), wake.caller_session_id];
  }
  if (wokeAt === undefined || session === undefined) throw new Error("no wake within 5 cycles");
  let resolvedAt: number | undefined;
  for (let n = (wokeAt - kora.base) / 60_000 + 1; n <= 15 && resolvedAt === undefined; n++) {
    await kora.cycle(n);
    if ((await incidentRow(session))?.status === "resolved") resolvedAt = kora.at(n);
  }
  if (resolvedAt === undefined) throw new Error("not resolved within 15 cycles");
  const row = await incidentRow(session);
  const written = meter.rows_written;

  const after = await tableRows();
  const added = [...after]
    .map(([table, n]) => [table, n - (before.get(table) ?? 0)] as const) // The cycle's own row is written every minute, incident or not: not the incident's.
    .filter(([table, n]) => n > 0 && table !== "probe_cycles");
  const settings = `KORA_WAKE_AFTER_CYCLES=${env.KORA_WAKE_AFTER_CYCLES}, KORA_RESOLVE_AFTER_CYCLES=${env.KORA_RESOLVE_AFTER_CYCLES}`;
  reportFigure({
    name: "demo incident: crash → wake",
    value: +((wokeAt - crashedAt) / 60_000).toFixed(2),
    unit: "min",
    note: `${settings}; crash 20 s after a cycle`,
  });
  reportFigure({
    name: "demo incident: crash → resolved",
    value: +((resolvedAt - crashedAt) / 60_000).toFixed(2),
    unit: "min",
    note: `resolved_by ${row?.resolved_by}; down ${((Date.parse(row?.recovered_at ?? "") - Date.parse(row?.first_unhealthy_at ?? "")) / 60_000).toFixed(0)} min as recorded (first unhealthy → first healthy cycle)`,
  });
  reportFigure({
    name: "demo incident: D1 rows it adds",
    value: added.reduce((sum, [, n]) => sum + n, 0),
    unit: "rows",
    note: added.map(([table, n]) => `${table} ${n}`).join(", "),
  });
  reportFigure({
    name: INPUT_NAMES.incident,
    value: written,
    unit: "rows",
    note: "the demo incident, crash → resolved: meta.rows_written of every statement (index entries and updates included), cycles and consumer",
  });
});
