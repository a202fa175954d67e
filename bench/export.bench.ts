import { env } from "cloudflare:workers";
import { it } from "vitest";
import { exportAuditDay } from "../src/export/run-export";
import { seedAuditDay, seedDmDay } from "../test/export/seed-day";
import { reportFigure } from "./report";

const DATE = "2026-11-05";
const ROWS = 100_000;

it("exports 100,000 audit rows of one day to R2", async () => {
  await seedAuditDay(DATE, ROWS);
  await seedDmDay(DATE, 1_000);

  const started = Date.now();
  const first = await exportAuditDay(env, DATE, { source: "operator", now: new Date("2026-11-06T00:07:00Z") });
  const firstMs = Date.now() - started;
  const rows = first.files.reduce((sum, file) => sum + file.rows, 0);
  const bytes = first.files.reduce((sum, file) => sum + file.bytes, 0);
  reportFigure({
    name: "audit export, first run (100k audit + 1k DM rows)",
    value: Math.round(rows / (firstMs / 1000)),
    unit: "rows/s",
    note: `${firstMs} ms, ${(bytes / 1024 / 1024).toFixed(1)} MiB, ${Math.ceil(bytes / (5 * 1024 * 1024))} parts of 5 MiB; local D1/R2`,
  });

  const again = Date.now();
  const rerun = await exportAuditDay(env, DATE, { source: "cron", now: new Date("2026-11-06T01:07:00Z") });
  const rerunMs = Date.now() - again;
  if (rerun.changed) throw new Error("an unchanged re-run wrote something");
  reportFigure({
    name: "audit export, unchanged re-run (reads, hashes, writes nothing)",
    value: Math.round(rows / (rerunMs / 1000)),
    unit: "rows/s",
    note: `${rerunMs} ms`,
  });
});
