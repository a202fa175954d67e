// `npm run dev`: Kora on this machine with no accounts — the fake world, the real Worker under
// `wrangler dev` (local D1/R2/Queues, migrations applied), the URL and an operator token printed.
import { startLocalStack } from "./local-stack.mjs";
import { printDmRequest } from "./print-dm.mjs";

const stack = await startLocalStack({
  port: Number(process.env.PORT ?? 8787),
  worldPort: Number(process.env.KORA_WORLD_PORT ?? 8788),
  persistTo: ".wrangler/state",
  vars: { KORA_OPERATOR_TOKEN: process.env.KORA_OPERATOR_TOKEN ?? "kora-local-dev-operator-token-0123456789" },
  onWorkerLog: (line) => console.log(line),
  log: (line) => console.log(line),
});
// The fake Slack's DMs, readable, as the operator would see them.
stack.world.onRequest((request) => {
  if (request.provider === "slack" && /chat\.(postMessage|update)$/.test(request.path)) printDmRequest(request);
});

console.log(`
Kora is running at ${stack.url}
  console:        ${stack.url}/   (operator token: ${stack.operatorToken})
  health:         curl ${stack.url}/healthz
  audit:          curl -H 'authorization: Bearer ${stack.operatorToken}' ${stack.url}/api/audit
  fire the probe: curl '${stack.url}/__scheduled?cron=*+*+*+*+*'
  fake world:     ${stack.worldUrl}   (crash a machine: curl -XPOST ${stack.worldUrl}/__control/fly/crash -d '{"id":"3d8d9e1a2b4c68"}')
Ctrl-C stops everything.`);

const shutdown = async () => {
  await stack.stop();
  process.exit(0);
};
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
