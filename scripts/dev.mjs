// `npm run dev`: Kora on this machine with no accounts — the fake world, the real Worker under
// `wrangler dev` (local D1/R2/Queues, migrations applied), and a few lines saying what to do next.
import { createDevOutputFilter } from "./dev-output.mjs";
import { startLocalStack } from "./local-stack.mjs";
import { bold, dim, printDmRequest } from "./print-dm.mjs";

console.log(dim("Starting Kora locally: the fake world, then the Worker under wrangler dev …"));
const quiet = createDevOutputFilter();
// Fixed local tokens, so a browser login or an `claude mcp add` survives a restart.
const stack = await startLocalStack({
  port: Number(process.env.PORT ?? 8787),
  worldPort: Number(process.env.KORA_WORLD_PORT ?? 8788),
  persistTo: ".wrangler/state",
  vars: { KORA_OPERATOR_TOKEN: process.env.KORA_OPERATOR_TOKEN ?? "kora-local-dev-operator-token-0123456789" },
  mcpToken: process.env.KORA_MCP_TOKEN ?? "kora-local-dev-mcp-token",
  onWorkerLog: (line) => {
    const shown = quiet(line);
    if (shown !== null) console.log(shown);
  },
});
// The fake Slack's DMs, readable, as the operator would see them.
stack.world.onRequest((request) => {
  if (request.provider === "slack" && /chat\.(postMessage|update)$/.test(request.path)) printDmRequest(request);
});

const auth = `Authorization: Bearer ${stack.mcpToken}`;
console.log(`
${bold("Kora is running on this machine.")} Nothing here reaches the internet: every provider is a fake.

  Console      ${stack.url}/   sign in with ${bold(stack.operatorToken)}
  Fake world   ${stack.worldUrl}   (Fly, Slack, Anthropic, Supabase, Vercel, Sentry, Doppler)

${bold("Make something happen")}
  curl -XPOST ${stack.worldUrl}/__control/fly/crash -d '{"id":"3d8d9e1a2b4c68"}'   ${dim("# crash a Fly machine")}
  curl '${stack.url}/__scheduled?cron=*+*+*+*+*'   ${dim("# run a probe cycle; twice, and Kora wakes")}
  Kora's DM appears below; the console shows what it saw, did and said.

${bold("Or let a provider tell Kora")} (a signed webhook: no cron needed)
  curl -XPOST ${stack.worldUrl}/__control/sentry/project -d '{"org":"kora","project":"kora-web","errors_per_minute":500}'   ${dim("# an error spike")}
  curl -XPOST ${stack.worldUrl}/__control/webhooks/sentry   ${dim("# Sentry's alert, signed; …/webhooks/vercel sends deployment.error")}

${bold("Connect an MCP client")} (Claude Code; caller "local", may use every tool)
  claude mcp add --transport http kora-local ${stack.mcpUrl} --header "${auth}"
  ${dim(`or the MCP Inspector: npx @modelcontextprotocol/inspector --cli ${stack.mcpUrl} --transport http --header "${auth}" --method tools/list`)}

Ctrl-C stops everything.
`);

const shutdown = async () => {
  await stack.stop();
  process.exit(0);
};
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
