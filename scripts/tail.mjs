// `npm run tail`: turns `wrangler tail --format json` (one pretty-printed JSON event spanning
// several lines) into one readable line per Kora audit row.
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
      const row = parsed?.kora_audit;
      if (!row) continue;
      const details = Object.entries(row.details ?? {})
        .filter(([, value]) => value !== null && typeof value !== "object")
        .map(([key, value]) => `${key}=${value}`)
        .join(" ");
      console.log(
        `${row.emitted_at}  ${row.seam.padEnd(30)} ${row.source.padEnd(9)} ${row.caller_session_id}  ${details}`,
      );
    }
  }
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
