// `npm run audit:verify -- <dir | YYYY-MM-DD> [--local | --remote] [--persist-to DIR] [--keep DIR] [--no-d1]`
//
// Checks one day's audit export (DESIGN §7) and says exactly what differs:
// - a directory holding manifest.json and the files it names: sizes, SHA-256, row counts, that
//   every line is one JSON row of the right shape, ordered by (timestamp, seq), on that day;
// - a date: fetches the day's objects from R2 with `wrangler r2 object get` (local storage by
//   default, `--remote` for the deployed bucket), checks them as above, then compares them row by
//   row with D1 through `wrangler d1 execute --json` (`--no-d1` skips that). A directory is
//   compared with D1 too when `--local`/`--remote`/`--persist-to` is given.
// Exit code 0 when everything matches, 1 when something differs, 2 when it could not check.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const DATABASE = "kora";
const BUCKET = "kora-audit";
const D1_PAGE = 5000;
const MAX_REPORTED = 25;

/** Column order of each exported table: a line's keys must be exactly these. */
export const TABLES = {
  audit_events: {
    at: "emitted_at",
    columns: ["seq", "id", "emitted_at", "seam", "caller_session_id", "source", "details"],
  },
  slack_dm_log: {
    at: "created_at",
    columns: [
      "seq",
      "id",
      "created_at",
      "caller_session_id",
      "kind",
      "channel",
      "dm_status",
      "text",
      "blocks",
      "slack_ts",
      "error",
    ],
  },
};

/** Reads `dir/manifest.json` and checks every file it names. Returns the problems found. */
export function verifyDirectory(dir) {
  const problems = [];
  const manifestPath = join(dir, "manifest.json");
  if (!existsSync(manifestPath)) return { manifest: null, rows: {}, problems: [`${manifestPath}: missing`] };
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch (error) {
    return { manifest: null, rows: {}, problems: [`manifest.json: not JSON (${error.message})`] };
  }
  if (manifest?.v !== 1 || !/^\d{4}-\d{2}-\d{2}$/.test(manifest?.date ?? "") || !Array.isArray(manifest?.files)) {
    return { manifest: null, rows: {}, problems: ["manifest.json: not a v1 manifest with date and files"] };
  }
  const rows = {};
  for (const table of Object.keys(TABLES)) {
    if (!manifest.files.some((file) => file.table === table)) problems.push(`manifest.json: no entry for ${table}`);
  }
  for (const file of manifest.files) {
    const spec = TABLES[file.table];
    const name = String(file.key ?? "")
      .split("/")
      .at(-1);
    if (!spec) {
      problems.push(`manifest.json: unknown table ${JSON.stringify(file.table)}`);
      continue;
    }
    if (file.key !== `audit/dt=${manifest.date}/${file.table}.jsonl`) {
      problems.push(
        `manifest.json: ${file.table} has key ${file.key}, expected audit/dt=${manifest.date}/${file.table}.jsonl`,
      );
    }
    const path = join(dir, name);
    if (!existsSync(path)) {
      problems.push(`${name}: missing`);
      continue;
    }
    const bytes = readFileSync(path);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    if (bytes.length !== file.bytes) problems.push(`${name}: ${bytes.length} bytes, manifest says ${file.bytes}`);
    if (sha256 !== file.sha256) problems.push(`${name}: sha256 ${sha256}, manifest says ${file.sha256}`);
    const parsed = parseLines(name, bytes.toString("utf8"), spec, manifest.date);
    problems.push(...parsed.problems);
    if (parsed.rows.length !== file.rows)
      problems.push(`${name}: ${parsed.rows.length} rows, manifest says ${file.rows}`);
    rows[file.table] = parsed.rows;
  }
  return { manifest, rows, problems };
}

function parseLines(name, text, spec, date) {
  const problems = [];
  const rows = [];
  if (text.length > 0 && !text.endsWith("\n")) problems.push(`${name}: last line has no newline (truncated?)`);
  const lines = text.length ? text.replace(/\n$/, "").split("\n") : [];
  let previous = null;
  lines.forEach((line, index) => {
    const where = `${name} line ${index + 1}`;
    let row;
    try {
      row = JSON.parse(line);
    } catch {
      problems.push(`${where}: not JSON`);
      return;
    }
    const keys = Object.keys(row ?? {});
    if (keys.join(",") !== spec.columns.join(",")) {
      problems.push(`${where}: columns ${keys.join(",")}, expected ${spec.columns.join(",")}`);
    }
    const at = String(row?.[spec.at] ?? "");
    if (!at.startsWith(date)) problems.push(`${where}: ${spec.at} ${at} is not on ${date}`);
    if (previous && compareKey(previous, row, spec) >= 0) problems.push(`${where}: out of (${spec.at}, seq) order`);
    previous = row;
    rows.push(row);
  });
  return { rows, problems };
}

function compareKey(a, b, spec) {
  if (a[spec.at] !== b[spec.at]) return a[spec.at] < b[spec.at] ? -1 : 1;
  return a.seq - b.seq;
}

/** The same selection the exporter makes, as literal SQL for `wrangler d1 execute --command`. */
function d1PageSql(table, date, after) {
  const spec = TABLES[table];
  const next = new Date(`${date}T00:00:00.000Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  const end = next.toISOString().slice(0, 10);
  const quote = (value) => `'${String(value).replaceAll("'", "''")}'`;
  const self =
    table === "audit_events"
      ? ` AND (CASE WHEN seam = 'audit.export_completed' THEN json_extract(details, '$.date') END) IS NOT ${quote(date)}`
      : "";
  return (
    `SELECT ${spec.columns.join(", ")} FROM ${table} ` +
    `WHERE (${spec.at}, seq) > (${quote(after?.at ?? date)}, ${Number(after?.seq ?? -1)}) AND ${spec.at} < ${quote(end)}${self} ` +
    `ORDER BY ${spec.at}, seq LIMIT ${D1_PAGE}`
  );
}

function wrangler(args, where) {
  const run = spawnSync("npx", ["wrangler", ...args, ...where], {
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    env: { ...process.env, CI: "true", NO_COLOR: "1" },
  });
  if (run.status !== 0) throw new Error(`wrangler ${args.slice(0, 3).join(" ")} failed:\n${run.stderr || run.stdout}`);
  return run.stdout;
}

/** `where`: wrangler flags choosing the storage, e.g. ["--local", "--persist-to", dir] or ["--remote"]. */
export function* readD1Rows(table, date, where) {
  let after = null;
  for (;;) {
    const out = wrangler(["d1", "execute", DATABASE, "--json", "--command", d1PageSql(table, date, after)], where);
    const results = JSON.parse(out)[0]?.results ?? [];
    yield* results;
    if (results.length < D1_PAGE) return;
    const last = results.at(-1);
    after = { at: last[TABLES[table].at], seq: last.seq };
  }
}

/** Merge-joins the file's rows with D1's on (timestamp, seq) and names every difference. */
export function compareWithD1(table, fileRows, d1Rows) {
  const spec = TABLES[table];
  const problems = [];
  const name = `${table}.jsonl`;
  let index = 0;
  for (const d1 of d1Rows) {
    while (index < fileRows.length && compareKey(fileRows[index], d1, spec) < 0) {
      problems.push(`${name} line ${index + 1} (seq ${fileRows[index].seq}): not in D1`);
      index++;
    }
    const row = fileRows[index];
    if (!row || compareKey(row, d1, spec) > 0) {
      problems.push(`D1 ${table} seq ${d1.seq} (${spec.at} ${d1[spec.at]}): missing from ${name}`);
      continue;
    }
    for (const column of spec.columns) {
      if (JSON.stringify(row[column]) !== JSON.stringify(d1[column])) {
        problems.push(
          `${name} line ${index + 1} (seq ${row.seq}): ${column} is ${clip(row[column])} in the file, ${clip(d1[column])} in D1`,
        );
      }
    }
    index++;
  }
  for (; index < fileRows.length; index++)
    problems.push(`${name} line ${index + 1} (seq ${fileRows[index].seq}): not in D1`);
  return problems;
}

function clip(value) {
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Copies the day's three objects out of R2 into `dir`. */
export function downloadDay(date, dir, where) {
  for (const name of ["manifest.json", "audit_events.jsonl", "slack_dm_log.jsonl"]) {
    wrangler(["r2", "object", "get", `${BUCKET}/audit/dt=${date}/${name}`, "--file", join(dir, name)], where);
  }
}

function parseArgs(argv) {
  const options = { target: null, where: null, keep: null, d1: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--remote") options.where = ["--remote"];
    else if (arg === "--local") options.where ??= ["--local"];
    else if (arg === "--persist-to") options.where = ["--local", "--persist-to", resolve(argv[++i] ?? "")];
    else if (arg === "--keep") options.keep = resolve(argv[++i] ?? "");
    else if (arg === "--no-d1") options.d1 = false;
    else if (!options.target) options.target = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  if (!options.target)
    throw new Error(
      "usage: npm run audit:verify -- <dir | YYYY-MM-DD> [--local|--remote] [--persist-to DIR] [--keep DIR] [--no-d1]",
    );
  return options;
}

export function main(argv) {
  const options = parseArgs(argv);
  const isDate = /^\d{4}-\d{2}-\d{2}$/.test(options.target) && !existsSync(options.target);
  const where = options.where ?? (isDate ? ["--local"] : null);
  let dir = resolve(options.target);
  let temp = null;
  if (isDate) {
    dir = options.keep ?? (temp = mkdtempSync(join(tmpdir(), "kora-audit-verify-")));
    downloadDay(options.target, dir, where);
  }
  try {
    const { manifest, rows, problems } = verifyDirectory(dir);
    const report = { checked: [], problems: [...problems] };
    if (manifest) report.checked.push(`${dir}: ${manifest.files.map((f) => `${f.table} ${f.rows} rows`).join(", ")}`);
    if (manifest && where && options.d1) {
      for (const table of Object.keys(TABLES)) {
        report.problems.push(...compareWithD1(table, rows[table] ?? [], readD1Rows(table, manifest.date, where)));
      }
      report.checked.push(`D1 (${where.join(" ")}): compared row by row`);
    }
    return report;
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let report;
  try {
    report = main(process.argv.slice(2));
  } catch (error) {
    console.error(`audit:verify could not check: ${error.message}`);
    process.exit(2);
  }
  for (const line of report.checked) console.log(`checked ${line}`);
  if (report.problems.length === 0) {
    console.log("OK: the export matches its manifest" + (report.checked.length > 1 ? " and D1" : ""));
    process.exit(0);
  }
  console.log(`${report.problems.length} difference(s):`);
  for (const problem of report.problems.slice(0, MAX_REPORTED)) console.log(`  - ${problem}`);
  if (report.problems.length > MAX_REPORTED) console.log(`  … and ${report.problems.length - MAX_REPORTED} more`);
  process.exit(1);
}
