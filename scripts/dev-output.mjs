// What `npm run dev` shows of `wrangler dev`'s output: what a newcomer can act on, nothing that
// looks like a crash when nothing crashed. Wrangler's start-up banner and its bindings table
// (printed again on every reload) go; Kora's own JSON lines become one readable line each;
// everything else — errors, stack traces, requests — passes through untouched.
import { dim } from "./print-dm.mjs";

const NOISE = [
  /^\s*⛅️ wrangler/,
  /^─+$/,
  /^Using (secrets|vars) defined in /,
  /^⎔ (Starting local server|Connection status updated|Reloading local server|Local server updated)/,
  /^\[wrangler:info\] Ready on /,
  /^\[wrangler:info\] GET \/healthz /,
  /^No bindings found\.?$/,
];

/** `(line) => string | null`: the line to print, or null to leave it out. */
export function createDevOutputFilter() {
  let inBindingsTable = false;
  let inCfWarning = false;
  return (line) => {
    // Wrangler could not download `Request.cf` (offline): a warning and a stack trace about
    // nothing Kora uses. local-stack.mjs turns the download off; this is for older wranglers.
    if (/Unable to fetch the `Request\.cf` object/.test(line)) {
      inCfWarning = true;
      return null;
    }
    if (inCfWarning) {
      if (/^(Error: getaddrinfo|\s+at )/.test(line)) return null;
      inCfWarning = false;
    }
    if (/^Your Worker has access to the following bindings:/.test(line)) {
      inBindingsTable = true;
      return null;
    }
    if (inBindingsTable) {
      if (/^(Binding\s+Resource|\s*env\.|\s*- )/.test(line)) return null;
      inBindingsTable = false;
    }
    if (NOISE.some((pattern) => pattern.test(line))) return null;
    return readable(line);
  };
}

/** Kora's log lines are one JSON object each (for `wrangler tail`); here, one short line. */
function readable(line) {
  const start = line.indexOf("{");
  if (start < 0) return line;
  let parsed;
  try {
    parsed = JSON.parse(line.slice(start));
  } catch {
    return line;
  }
  if (parsed?.kora_audit) {
    const row = parsed.kora_audit;
    const facts = Object.entries(row.details ?? {})
      .filter(([key, value]) => value !== null && typeof value !== "object" && FACTS.has(key))
      .map(([key, value]) => `${key}=${value}`)
      .join(" ");
    return `${dim("audit")}  ${row.seam.padEnd(30)} ${row.caller_session_id}  ${facts}`;
  }
  if (parsed?.kora_probe_cycle) {
    const cycle = parsed.kora_probe_cycle;
    const counts = Object.entries(cycle.counts ?? {})
      .map(([status, n]) => `${n} ${status}`)
      .join(", ");
    const wakes = (cycle.wakes ?? []).map((wake) => `${wake.probe} ${wake.target}`).join(", ");
    return `${dim("cycle")}  ${cycle.claim ?? ""} ${counts}${wakes ? ` → woke ${wakes}` : ""}`;
  }
  return line;
}

/** The details worth a glance in a one-line audit entry; the console has the rest. */
const FACTS = new Set([
  "probe",
  "target",
  "target_id",
  "status",
  "action",
  "outcome",
  "rejection_reason",
  "dm_status",
  "model",
  "cost_usd",
  "tool",
]);
