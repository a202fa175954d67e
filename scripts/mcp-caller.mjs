// `npm run mcp:caller -- <id> [--cap <tool>]...`: mints a bearer token for one MCP caller and
// prints what goes where. The token is shown once and never stored: Kora keeps only its
// SHA-256 in the KORA_MCP_CALLERS secret, so a leaked secret list opens nothing.
import { createHash, randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { MUTATING_TOOLS, TOOL_NAMES } from "../src/tools/names.ts";

const usage = `usage: npm run mcp:caller -- <id> [--cap <tool name>]...

  <id>         who the caller is, e.g. claude-desktop-ana (letters, digits, _ . -; at most 64)
  --cap NAME   let this caller use a gated tool; repeat for more. Gated tools:
               ${MUTATING_TOOLS.join(", ")}
               (read tools need no cap)

With KORA_MCP_CALLERS set in your shell (the current list), the merged list is printed too.`;

function fail(message) {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { cap: { type: "string", multiple: true, default: [] }, help: { type: "boolean", short: "h" } },
  });
} catch (error) {
  fail(error.message);
}
if (parsed.values.help) {
  console.log(usage);
  process.exit(0);
}
const [id, ...extra] = parsed.positionals;
if (!id || extra.length > 0) fail("give exactly one caller id");
if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id)) fail(`caller id "${id}" must match [A-Za-z0-9_.-]{1,64}`);
const caps = [...new Set(parsed.values.cap)];
for (const cap of caps) {
  if (!TOOL_NAMES.includes(cap)) fail(`--cap ${cap} is not a Kora tool`);
  if (!MUTATING_TOOLS.includes(cap)) fail(`--cap ${cap} is a read tool; read tools need no cap`);
}

const token = `kora_mcp_${randomBytes(32).toString("base64url")}`;
const entry = { id, token_sha256: createHash("sha256").update(token).digest("hex"), caps };

let merged = [entry];
const current = process.env.KORA_MCP_CALLERS?.trim();
if (current) {
  let list;
  try {
    list = JSON.parse(current);
  } catch {
    fail("KORA_MCP_CALLERS in your shell is not valid JSON");
  }
  if (!Array.isArray(list)) fail("KORA_MCP_CALLERS in your shell is not a JSON list");
  merged = [...list.filter((caller) => caller?.id !== id), entry];
}

console.log(`token (give it to the caller; shown once, not stored anywhere):
  ${token}

token_sha256:
  ${entry.token_sha256}

KORA_MCP_CALLERS entry:
  ${JSON.stringify(entry)}

${current ? "merged KORA_MCP_CALLERS (replaces an entry with the same id):" : "KORA_MCP_CALLERS (a new list with just this caller):"}
  ${JSON.stringify(merged)}

set it:   npx wrangler secret put KORA_MCP_CALLERS   (paste the list above)
connect:  see docs/mcp.md`);
