// The local stack: the fake world plus the real Worker under `wrangler dev` (local D1, R2 and
// Queues in workerd), with migrations applied and every provider URL pointed at the fakes.
// Used by `npm run dev`, `npm run demo` and the end-to-end and browser tests.
import { spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fakeWorldBindings } from "../test/fakes/bindings.ts";
import { DEMO_DOPPLER_TOKEN, DEMO_VARS, seedDemoWorld } from "../test/fakes/seed.ts";
import { startFakeWorld } from "../test/fakes/world.ts";

const root = new URL("..", import.meta.url).pathname;

/** The secrets the local Worker verifies provider events with; the fake world signs with the same. */
const LOCAL_WEBHOOK_SECRETS = { sentry: "fake-sentry-webhook-secret", vercel: "fake-vercel-webhook-secret" };

/** Points the fake world's event sender at this Worker, with the secrets and project it was given. */
async function configureWebhookSender(worldUrl, workerUrl, vars) {
  const response = await fetch(`${worldUrl}/__control/webhooks/configure`, {
    method: "POST",
    body: JSON.stringify({
      worker_url: workerUrl,
      sentry_secret: vars.KORA_SENTRY_WEBHOOK_SECRET,
      vercel_secret: vars.KORA_VERCEL_WEBHOOK_SECRET,
      sentry: { org: vars.KORA_SENTRY_ORG, project: vars.KORA_SENTRY_PROJECT },
      vercel_project: vars.KORA_VERCEL_PROJECT_ID,
    }),
  });
  if (!response.ok) throw new Error(`configuring the fake world's webhook sender: ${response.status}`);
}

/**
 * `migratedFrom`: a local state already migrated by `migrateLocalState` (a test run prepares one
 * for all its stacks), copied into this stack's fresh persist directory instead of running the
 * migrations again. Not with `persistTo`, whose state would be overwritten.
 *
 * @param {{ port?: number, worldPort?: number, vars?: Record<string, string>, persistTo?: string,
 *   migratedFrom?: string, mcpToken?: string, log?: (line: string) => void,
 *   onWorkerLog?: (line: string) => void }} options
 */
export async function startLocalStack(options = {}) {
  if (options.migratedFrom && options.persistTo) {
    throw new Error("startLocalStack: migratedFrom starts a fresh state; it cannot be combined with persistTo");
  }
  const log = options.log ?? (() => {});
  const world = await startFakeWorld({ port: options.worldPort ?? 0, log });
  seedDemoWorld(world);
  const operatorToken = options.vars?.KORA_OPERATOR_TOKEN ?? `kora-local-${randomBytes(24).toString("hex")}`;
  // One MCP caller, so Claude Code or the MCP Inspector can connect without editing anything.
  // Local only: it may use the mutating tools too, against the fake world.
  const mcpToken = options.mcpToken ?? `kora_mcp_local_${randomBytes(16).toString("hex")}`;
  const mcpCallers = [
    {
      id: "local",
      token_sha256: createHash("sha256").update(mcpToken).digest("hex"),
      caps: ["kora__attempt_probe_autofix", "kora__send_email_to_operator"],
    },
  ];
  const persistTo = options.persistTo ?? mkdtempSync(join(tmpdir(), "kora-local-"));
  const ownsPersist = !options.persistTo;
  const vars = {
    ...fakeWorldBindings(world.url),
    ...DEMO_VARS,
    KORA_OPERATOR_TOKEN: operatorToken,
    KORA_FLY_API_TOKEN: "fake-fly-token-local",
    KORA_SUPABASE_ACCESS_TOKEN: "sbp_fake_local_token",
    KORA_VERCEL_TOKEN: "fake-vercel-token-local",
    KORA_SENTRY_AUTH_TOKEN: "fake-sentry-token-local",
    KORA_DOPPLER_TOKEN: DEMO_DOPPLER_TOKEN,
    KORA_SLACK_BOT_TOKEN: "xoxb-local",
    KORA_SLACK_SIGNING_SECRET: "fake-signing-secret-local",
    KORA_SLACK_OPERATOR_USER_ID: "U0OPERATOR",
    KORA_OPERATOR_EMAIL: "operator@example.com",
    KORA_EMAIL_FROM: "kora@example.com",
    ANTHROPIC_API_KEY: "sk-fake-local",
    KORA_PROBE_AUTOFIX_FLY_ENABLED: "true",
    KORA_SENTRY_WEBHOOK_SECRET: LOCAL_WEBHOOK_SECRETS.sentry,
    KORA_VERCEL_WEBHOOK_SECRET: LOCAL_WEBHOOK_SECRETS.vercel,
    KORA_MCP_CALLERS: JSON.stringify(mcpCallers),
    ...options.vars,
  };
  mkdirSync(persistTo, { recursive: true });
  // The env file holds the local tokens: keep it in a private temp dir, removed on stop.
  const envDir = mkdtempSync(join(tmpdir(), "kora-env-"));
  const envFile = join(envDir, "kora.env");
  // dotenv keeps single-quoted values literal, so JSON values (KORA_MCP_CALLERS) survive.
  writeFileSync(
    envFile,
    Object.entries(vars)
      .map(([key, value]) => `${key}='${value}'`)
      .join("\n"),
  );

  try {
    if (options.migratedFrom) cpSync(options.migratedFrom, persistTo, { recursive: true });
    else migrateLocalState(persistTo);
  } catch (error) {
    await world.close();
    rmSync(envDir, { recursive: true, force: true });
    throw error;
  }

  const port = options.port ?? (await freePort());
  const wrangler = spawn(
    "npx",
    [
      "wrangler",
      "dev",
      "--local",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(await freePort()),
      "--persist-to",
      persistTo,
      "--env-file",
      envFile,
      "--test-scheduled",
      "--show-interactive-dev-session=false",
      "--log-level",
      "log",
    ],
    {
      cwd: root,
      // No `Request.cf` download: nothing local needs it, and offline it fails with a stack trace.
      env: { ...process.env, CI: "true", NO_COLOR: "1", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  const output = [];
  for (const stream of [wrangler.stdout, wrangler.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      for (const line of chunk.split("\n")) {
        if (!line.trim()) continue;
        output.push(line);
        if (output.length > 200) output.shift();
        options.onWorkerLog?.(line);
      }
    });
  }
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  wrangler.on("exit", () => (exited = true));

  const stop = async () => {
    if (!exited) {
      try {
        process.kill(-wrangler.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 3000);
        wrangler.once("exit", () => (clearTimeout(timer), resolve()));
      });
    }
    await world.close();
    rmSync(envDir, { recursive: true, force: true });
    if (ownsPersist) rmSync(persistTo, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) break;
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (exited || Date.now() > deadline) {
    await stop();
    throw new Error(`wrangler dev did not become ready:\n${output.join("\n")}`);
  }
  await configureWebhookSender(world.url, url, vars);
  log(`Kora is up at ${url} (fake world at ${world.url})`);

  return {
    url,
    world,
    worldUrl: world.url,
    operatorToken,
    mcpToken,
    mcpUrl: `${url}/mcp`,
    persistTo,
    vars,
    /** Fires a Cron Trigger with its own scheduled time, as Cloudflare would. */
    async fireCron(cron, time = Date.now()) {
      const response = await fetch(`${url}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(cron)}&time=${time}`);
      if (!response.ok) throw new Error(`scheduled ${cron} answered ${response.status}: ${await response.text()}`);
    },
    /** Operator API call with the stack's token. */
    async api(path, init = {}) {
      const response = await fetch(`${url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${operatorToken}`, ...init.headers },
      });
      const body = await response.json();
      if (!response.ok) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body)}`);
      return body;
    },
    stop,
  };
}

/** Applies the migrations to the local D1 kept under `persistTo`, as `wrangler d1 migrations apply` does. */
export function migrateLocalState(persistTo) {
  const migrate = spawnSync(
    "npx",
    ["wrangler", "d1", "migrations", "apply", "kora", "--local", "--persist-to", persistTo],
    { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true" } },
  );
  if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
