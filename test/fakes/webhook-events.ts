/**
 * Signed provider events, as Sentry's integration platform and Vercel's webhooks send them
 * (docs/provider-apis.md §4, §5): the tests post them to the Worker, and the fake world sends them
 * to `wrangler dev` (`/__control/webhooks/send`). WebCrypto only, so it runs in workerd and Node.
 */

export interface SignedEvent {
  path: "/webhooks/sentry" | "/webhooks/vercel";
  headers: Record<string, string>;
  body: string;
}

async function hexHmac(hash: "SHA-256" | "SHA-1", secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash }, false, [
    "sign",
  ]);
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body));
  return [...new Uint8Array(signature)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** `indent`: send the JSON pretty-printed, so a body is not what `JSON.stringify` would give back. */
export async function signSentryEvent(
  secret: string,
  resource: string,
  payload: unknown,
  options: { timestamp?: number; indent?: number } = {},
): Promise<SignedEvent> {
  const body = JSON.stringify(payload, null, options.indent);
  return {
    path: "/webhooks/sentry",
    headers: {
      "content-type": "application/json",
      "request-id": crypto.randomUUID().replace(/-/g, ""),
      "sentry-hook-resource": resource,
      "sentry-hook-timestamp": String(options.timestamp ?? Math.floor(Date.now() / 1000)),
      "sentry-hook-signature": await hexHmac("SHA-256", secret, body),
    },
    body,
  };
}

export async function signVercelEvent(
  secret: string,
  payload: unknown,
  options: { indent?: number } = {},
): Promise<SignedEvent> {
  const body = JSON.stringify(payload, null, options.indent);
  return {
    path: "/webhooks/vercel",
    headers: { "content-type": "application/json", "x-vercel-signature": await hexHmac("SHA-1", secret, body) },
    body,
  };
}

/** An issue alert rule firing for a project (`Sentry-Hook-Resource: event_alert`). */
export function sentryIssueAlert(options: {
  org: string;
  project: string;
  projectId?: number;
  eventId?: string;
  rule?: string;
}) {
  const eventId = options.eventId ?? crypto.randomUUID().replace(/-/g, "");
  return {
    action: "triggered",
    installation: { uuid: "7a485448-a9e2-4c85-8a3c-4f44175783c9" },
    data: {
      event: {
        event_id: eventId,
        project: options.projectId ?? 1,
        url: `https://sentry.io/api/0/projects/${options.org}/${options.project}/events/${eventId}/`,
        web_url: `https://sentry.io/organizations/${options.org}/issues/1117540176/events/${eventId}/`,
        title: "ReferenceError: checkout is not defined",
        level: "error",
        datetime: new Date().toISOString(),
      },
      triggered_rule: options.rule ?? "Error spike",
    },
    actor: { type: "application", id: "sentry", name: "Sentry" },
  };
}

/** A metric alert changing state (`Sentry-Hook-Resource: metric_alert`). */
export function sentryMetricAlert(options: {
  project: string;
  action: "critical" | "warning" | "resolved";
  id?: string;
}) {
  return {
    action: options.action,
    installation: { uuid: "7a485448-a9e2-4c85-8a3c-4f44175783c9" },
    data: {
      metric_alert: {
        id: options.id ?? "4",
        title: "Too many errors",
        projects: [options.project],
        alert_rule: { id: "7", name: "Too many errors", projects: [options.project] },
      },
      description_title: `${options.action}: Too many errors`,
      web_url: "https://sentry.io/organizations/acme/alerts/1/",
    },
    actor: { type: "application", id: "sentry", name: "Sentry" },
  };
}

/** A deployment event (`deployment.error`, `deployment.succeeded`, …) for a Vercel project. */
export function vercelDeploymentEvent(options: {
  type: string;
  projectId: string;
  id?: string;
  deploymentId?: string;
  createdAt?: number;
}) {
  return {
    id: options.id ?? `evt_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`,
    type: options.type,
    createdAt: options.createdAt ?? Date.now(),
    region: "iad1",
    payload: {
      team: { id: null },
      user: { id: "usr_kora" },
      deployment: { id: options.deploymentId ?? "dpl_web", meta: {}, url: "web-abc.vercel.app", name: "web" },
      links: { deployment: "https://vercel.com/acme/web/dpl_web", project: "https://vercel.com/acme/web" },
      target: "production",
      project: { id: options.projectId },
      plan: "pro",
      regions: ["iad1"],
    },
  };
}
