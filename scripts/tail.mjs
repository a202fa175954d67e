// `npm run tail`: turns `wrangler tail --format json` (one pretty-printed JSON event spanning
// several lines) into one readable line per Kora audit row, probe cycle, provider event and error.
import { createInterface } from "node:readline";

let buffer = "";
let depth = 0;
let inString = false;
let escaped = false;

function show(event) {
  for (const entry of event.logs ?? []) {
    for (const message of entry.message ?? []) {
      let parsed;
      try {
        parsed = typeof message === "string" ? JSON.parse(message) : message;
      } catch {
        continue;
      }
      const line = readable(parsed);
      if (line) console.log(line);
    }
  }
}

/** Scalar fields as `key=value`; nested objects are left to the console and `/api/audit`. */
const flat = (fields) =>
  Object.entries(fields ?? {})
    .filter(([, value]) => value !== null && typeof value !== "object")
    .map(([key, value]) => `${key}=${value}`)
    .join(" ");

function readable(parsed) {
  if (parsed?.kora_audit) {
    const row = parsed.kora_audit;
    return `${row.emitted_at}  ${row.seam.padEnd(30)} ${row.source.padEnd(9)} ${row.caller_session_id}  ${flat(row.details)}`;
  }
  if (parsed?.kora_probe_cycle) {
    const cycle = parsed.kora_probe_cycle;
    const counts = Object.entries(cycle.counts ?? {}).map(([status, n]) => `${status}=${n}`);
    const wakes = (cycle.wakes ?? []).map((wake) => `${wake.kind}:${wake.probe}×${wake.targets}`);
    return `${cycle.scheduled_time}  probe cycle (${cycle.claim})  ${[...counts, ...wakes].join(" ")}`;
  }
  if (parsed?.kora_event) return `event  ${flat(parsed.kora_event)}`;
  if (parsed?.kora_error) return `error  ${flat(parsed)}`;
  return null;
}

// Split the stream into top-level JSON objects by tracking brace depth outside strings.
for await (const line of createInterface({ input: process.stdin })) {
  for (const char of line + "\n") {
    if (depth > 0 || char === "{") buffer += char;
    if (inString) {
      if (escaped) escaped = false;
      else if (char === "\\") escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if (char === "{") depth += 1;
    else if (char === "}" && depth > 0) {
      depth -= 1;
      if (depth === 0) {
        try {
          show(JSON.parse(buffer));
        } catch {
          // not an event; skip
        }
        buffer = "";
      }
    }
  }
}
