import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { parseConfig } from "../config";
import type { AppEnv } from "./app-env";
import { auditRoutes } from "./audit-routes";
import { consoleRoutes } from "./console/routes";
import { autonomyRoutes, envelopeRoutes } from "./envelope-routes";
import { exportRoutes } from "./export-routes";
import { incidentRoutes } from "./incident-routes";
import { investigationRoutes } from "./investigation-routes";
import { sessionRoutes } from "./session-routes";
import { slackInteractionRoutes } from "./slack-interactions";
import { slackCommandRoutes } from "./slack-commands";
import { webhookRoutes } from "./webhook-routes";
import { HttpError, renderError } from "./errors";
import { requireOperator } from "./operator-auth";
import { mcpRoutes } from "./mcp-routes";
import { version } from "../../package.json";

export const app = new Hono<AppEnv>();

app.onError(renderError);
app.notFound((c) =>
  c.json({ error: { code: "not_found", message: `no route for ${c.req.method} ${c.req.path}` } }, 404),
);

app.get("/healthz", (c) => c.json({ ok: true, version }));

// Everything below needs the configuration; a bad value answers 503 naming the variable.
app.use("*", async (c, next) => {
  c.set("config", parseConfig(c.env));
  await next();
});

// MCP has its own bearer auth (KORA_MCP_CALLERS), so it sits outside the operator-token guard.
app.route("/mcp", mcpRoutes);

// Slack signs its requests (KORA_SLACK_SIGNING_SECRET); the operator token does not apply here.
app.route("/slack/interactions", slackInteractionRoutes);
app.route("/slack/commands", slackCommandRoutes);

// Providers sign their events (KORA_SENTRY_WEBHOOK_SECRET, KORA_VERCEL_WEBHOOK_SECRET).
app.route("/webhooks", webhookRoutes);

const api = new Hono<AppEnv>();
api.use("*", requireOperator);
api.use(
  "*",
  bodyLimit({
    maxSize: 64 * 1024,
    onError: () => {
      throw new HttpError(413, "payload_too_large", "request body is larger than 64 KiB");
    },
  }),
);
api.route("/audit", auditRoutes);
api.route("/audit/export", exportRoutes);
api.route("/incidents", incidentRoutes);
api.route("/investigations", investigationRoutes);
api.route("/sessions", sessionRoutes);
api.route("/envelopes", envelopeRoutes);
api.route("/autonomy", autonomyRoutes);
app.route("/api", api);

// The operator console (cookie login, not the bearer token); its routes name their own paths.
app.route("/", consoleRoutes);
