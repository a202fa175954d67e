/**
 * What a month of Kora costs on Cloudflare, for 10, 50 and 200 targets: D1 rows written and
 * read, Worker invocations and queue operations, against the published plan allowances.
 * Pure arithmetic over measured figures (the per-cycle D1 rows come from the probe cycle's own
 * bench, by name) and a few stated assumptions; `npm run bench` prints it, and with `--readme`
 * writes it into the README's deploy section.
 */
import type { Figure } from "./report";

/**
 * Cloudflare's published allowances (checked December 2026):
 * - Workers: https://developers.cloudflare.com/workers/platform/pricing/ — Free 100,000 requests a
 *   day; Paid $5 a month with 10 million requests, then $0.30 a million. Cron Triggers and queue
 *   consumer invocations are requests (that page's Example 3 bills an hourly cron as 720 requests).
 * - D1: https://developers.cloudflare.com/d1/platform/pricing/ — Free 5 million rows read and
 *   100,000 rows written a day; Paid 25 billion read and 50 million written a month, then $0.001
 *   and $1.00 a million. Every index entry written counts as a row written.
 * - Queues: https://developers.cloudflare.com/queues/platform/pricing/ — Free 10,000 operations a
 *   day; Paid 1 million a month, then $0.40 a million. A message under 64 KB is 3 operations
 *   (write, read, delete); a retry is one more read.
 */
export const PLANS = {
  workers: { free_per_day: 100_000, paid_per_month: 10_000_000, paid_usd_per_million: 0.3 },
  d1_read: { free_per_day: 5_000_000, paid_per_month: 25_000_000_000, paid_usd_per_million: 0.001 },
  d1_written: { free_per_day: 100_000, paid_per_month: 50_000_000, paid_usd_per_million: 1 },
  queues: { free_per_day: 10_000, paid_per_month: 1_000_000, paid_usd_per_million: 0.4 },
  paid_base_usd: 5,
} as const;

/** What is assumed rather than measured, printed under the table. */
export const ASSUMPTIONS = {
  days: 30,
  /** The probe cron runs every minute; the audit export every hour. */
  cycles_per_day: 24 * 60,
  exports_per_day: 24,
  /** Each target goes down and comes back up twice a month: four status changes, two wakes. */
  outages_per_target_per_month: 2,
  /** Queue operations per wake: the message's write, read and delete. */
  queue_ops_per_wake: 3,
} as const;

/** The measured inputs for one size, as `npm run bench` reports them. */
export interface CycleCost {
  targets: number;
  rows_written_per_healthy_cycle: number;
  rows_read_per_healthy_cycle: number;
  rows_written_per_changed_target: number;
  /** D1 rows a whole incident writes (wake, investigation, fixes, DMs, resolution); 0 when not measured. */
  rows_written_per_incident: number;
}

export const SIZES = [10, 50, 200] as const;

/** The figure names the inputs are read from (the probe cycle's bench and the incidents bench). */
export const INPUT_NAMES = {
  written: (n: number) => `D1 rows written per healthy cycle, ${n} targets`,
  read: (n: number) => `D1 rows read per healthy cycle, ${n} targets`,
  changed: (n: number) => `D1 rows written per changed target, ${n} targets`,
  incident: "D1 rows written by an incident, crash → resolved",
};

/** Inputs for every size, or the names of the figures this run did not report. */
export function inputsFromFigures(figures: readonly Figure[]): { inputs: CycleCost[]; missing: string[] } {
  const value = (name: string) => figures.find((figure) => figure.name === name)?.value;
  const missing: string[] = [];
  const need = (name: string) => {
    const found = value(name);
    if (found === undefined) missing.push(name);
    return found ?? 0;
  };
  const inputs = SIZES.map((targets) => ({
    targets,
    rows_written_per_healthy_cycle: need(INPUT_NAMES.written(targets)),
    rows_read_per_healthy_cycle: need(INPUT_NAMES.read(targets)),
    rows_written_per_changed_target: need(INPUT_NAMES.changed(targets)),
    rows_written_per_incident: value(INPUT_NAMES.incident) ?? 0,
  }));
  return { inputs, missing };
}

export interface MonthEstimate {
  targets: number;
  d1_rows_written: number;
  d1_rows_read: number;
  worker_invocations: number;
  queue_operations: number;
  /** Whether the busiest resource stays within the Workers Free plan's daily allowances. */
  fits_free: boolean;
  /** What the Workers Paid plan costs in the month, base included. */
  paid_usd: number;
}

export function estimateMonth(input: CycleCost): MonthEstimate {
  const a = ASSUMPTIONS;
  const cycles = a.cycles_per_day * a.days;
  const wakes = input.targets * a.outages_per_target_per_month;
  const changes = wakes * 2;
  const written =
    cycles * input.rows_written_per_healthy_cycle +
    changes * input.rows_written_per_changed_target +
    wakes * input.rows_written_per_incident;
  const read = cycles * input.rows_read_per_healthy_cycle;
  const invocations = cycles + a.exports_per_day * a.days + wakes;
  const queueOps = wakes * a.queue_ops_per_wake;

  const perDay = (month: number) => month / a.days;
  const fits_free =
    perDay(written) <= PLANS.d1_written.free_per_day &&
    perDay(read) <= PLANS.d1_read.free_per_day &&
    perDay(invocations) <= PLANS.workers.free_per_day &&
    perDay(queueOps) <= PLANS.queues.free_per_day;
  const over = (used: number, plan: { paid_per_month: number; paid_usd_per_million: number }) =>
    (Math.max(0, used - plan.paid_per_month) / 1_000_000) * plan.paid_usd_per_million;
  const paid_usd =
    PLANS.paid_base_usd +
    over(written, PLANS.d1_written) +
    over(read, PLANS.d1_read) +
    over(invocations, PLANS.workers) +
    over(queueOps, PLANS.queues);
  return {
    targets: input.targets,
    d1_rows_written: written,
    d1_rows_read: read,
    worker_invocations: invocations,
    queue_operations: queueOps,
    fits_free,
    paid_usd,
  };
}

/** The table as Markdown, with the inputs and assumptions it rests on. */
export function renderEstimate(inputs: readonly CycleCost[]): string {
  const rows = inputs.map(estimateMonth);
  const a = ASSUMPTIONS;
  const share = (used: number, freePerDay: number) =>
    `${compact(used)} (${Math.round((used / a.days / freePerDay) * 100)}% of Free)`;
  return [
    "| targets | D1 rows written | D1 rows read | Worker invocations | queue operations | Workers Free | Workers Paid |",
    "|---:|---:|---:|---:|---:|---|---:|",
    ...rows.map(
      (row) =>
        `| ${row.targets} | ${share(row.d1_rows_written, PLANS.d1_written.free_per_day)} | ${share(row.d1_rows_read, PLANS.d1_read.free_per_day)} | ${share(row.worker_invocations, PLANS.workers.free_per_day)} | ${share(row.queue_operations, PLANS.queues.free_per_day)} | ${row.fits_free ? "fits" : "over"} | $${row.paid_usd.toFixed(2)} |`,
    ),
    "",
    `A ${a.days}-day month: ${compact(a.cycles_per_day * a.days)} probe cycles and ${a.exports_per_day * a.days} hourly exports; ` +
      `each target down and back up ${a.outages_per_target_per_month} times (a wake, an investigation, ${a.queue_ops_per_wake} queue operations each). ` +
      `"% of Free" is the month's use against 30 days of the Free plan's daily allowance. ` +
      "HTTP requests (console, API, MCP) and the model's own cost are not included. Inputs, measured by `npm run bench`: " +
      inputs
        .map(
          (input) =>
            `${input.targets} targets — ${input.rows_written_per_healthy_cycle} rows written and ${input.rows_read_per_healthy_cycle} read per healthy cycle, ${input.rows_written_per_changed_target} written per changed target`,
        )
        .join("; ") +
      (inputs[0]?.rows_written_per_incident ? `; ${inputs[0].rows_written_per_incident} rows per incident.` : "."),
  ].join("\n");
}

function compact(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(1)} B`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)} M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} k`;
  return String(Math.round(value));
}
