/**
 * The fake world as a provider that pushes events (DESIGN §13): `POST /__control/webhooks/<cmd>`.
 * - `configure` `{ worker_url, sentry_secret?, vercel_secret?, sentry?: { org, project }, vercel_project? }`
 * - `sentry` `{ resource?, payload? }`: signs and POSTs a Sentry event (default: an issue alert
 *   firing for the configured project) to `<worker_url>/webhooks/sentry`
 * - `vercel` `{ type?, payload? }`: the same for Vercel (default: `deployment.error`)
 * Each answers the Worker's status and body, so a script can print what Kora said.
 */
import {
  sentryIssueAlert,
  signSentryEvent,
  signVercelEvent,
  vercelDeploymentEvent,
  type SignedEvent,
} from "./webhook-events.ts";
import type { FakeResponse } from "./world.ts";

interface SenderSettings {
  worker_url?: string;
  sentry_secret?: string;
  vercel_secret?: string;
  sentry?: { org: string; project: string };
  vercel_project?: string;
}

export class WebhookSender {
  #settings: SenderSettings = {};

  reset(): void {
    this.#settings = {};
  }

  async control(command: string, body: Record<string, unknown>): Promise<FakeResponse> {
    switch (command) {
      case "configure":
        this.#settings = { ...this.#settings, ...(body as SenderSettings) };
        return { status: 200, body: { ok: true } };
      case "sentry": {
        const { sentry_secret: secret, sentry } = this.#settings;
        if (!secret || !sentry) return needs("sentry_secret and sentry { org, project }");
        const payload = body.payload ?? sentryIssueAlert(sentry);
        return this.#deliver(await signSentryEvent(secret, String(body.resource ?? "event_alert"), payload));
      }
      case "vercel": {
        const { vercel_secret: secret, vercel_project: projectId } = this.#settings;
        if (!secret || !projectId) return needs("vercel_secret and vercel_project");
        const payload =
          body.payload ?? vercelDeploymentEvent({ type: String(body.type ?? "deployment.error"), projectId });
        return this.#deliver(await signVercelEvent(secret, payload));
      }
      default:
        return { status: 404, body: { error: `unknown webhooks control "${command}"` } };
    }
  }

  async #deliver(event: SignedEvent): Promise<FakeResponse> {
    const base = this.#settings.worker_url;
    if (!base) return needs("worker_url");
    const response = await fetch(`${base}${event.path}`, { method: "POST", headers: event.headers, body: event.body });
    return { status: 200, body: { worker_status: response.status, worker_answer: await response.text() } };
  }
}

function needs(what: string): FakeResponse {
  return { status: 400, body: { error: `configure the webhook sender first: ${what}` } };
}
