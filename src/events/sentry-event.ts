import { z } from "zod";
import type { Config } from "../config";
import { describeZodError, sha256Hex } from "../contracts";
import type { EventReading } from "./provider-event";

/**
 * Sentry integration-platform webhooks (docs/provider-apis.md §5): `Sentry-Hook-Resource` names
 * the kind, the body is `{ action, data, … }`. Only the fields Kora reads are parsed; ids that
 * Sentry repeats on a redelivery make the event key (its `Request-ID` changes on every retry).
 */
const Project = z.union([z.string(), z.number()]).transform(String);

const EventAlert = z.object({
  event: z.object({
    event_id: z.string().min(1).max(64),
    project: Project.optional(),
    url: z.string().max(2_000).optional(),
    title: z.string().optional(),
  }),
  triggered_rule: z.string().max(500).default(""),
});
const MetricAlert = z.object({
  metric_alert: z.object({
    id: Project,
    title: z.string().optional(),
    projects: z.array(z.string()).optional(),
    alert_rule: z.object({ projects: z.array(z.string()).optional() }).optional(),
  }),
  description_title: z.string().optional(),
});
const Issue = z.object({
  issue: z.object({
    id: Project,
    title: z.string().optional(),
    status: z.string().max(64).optional(),
    project: z.object({ id: Project.optional(), slug: z.string().optional() }),
  }),
});
const ErrorEvent = z.object({
  error: z.object({
    event_id: z.string().min(1).max(64),
    project: Project.optional(),
    url: z.string().max(2_000).optional(),
    title: z.string().optional(),
  }),
});
const Envelope = z.object({ action: z.string().min(1).max(64), data: z.record(z.string(), z.unknown()) });

/** `/api/0/projects/{org}/{project_slug}/events/{id}/` names the project's slug. */
function slugFromUrl(url: string | undefined): string | undefined {
  return url ? /\/projects\/[^/]+\/([^/]+)\/events\//.exec(url)?.[1] : undefined;
}

/** What one kind of event says, before it is matched against the configured project. */
interface Draft {
  projects: (string | undefined)[];
  event_key: string;
  hint: boolean;
  summary: string;
}

export async function readSentryEvent(
  resource: string,
  body: unknown,
  rawBody: Uint8Array,
  config: Pick<Config, "KORA_SENTRY_ORG" | "KORA_SENTRY_PROJECT">,
): Promise<EventReading> {
  const envelope = Envelope.safeParse(body);
  if (!envelope.success) return invalid(describeZodError(envelope.error, { prefix: "body", max: 3 }));
  const { action, data } = envelope.data;
  const kind = `${resource.slice(0, 64)}.${action}`;
  const draft = draftOf(resource, action, data);
  if (draft === null) {
    // Installations, comments and kinds Sentry adds later: acknowledged and recorded, keyed by the
    // body itself (a redelivery sends the same bytes).
    const event_key = `${resource.slice(0, 64)}:${await sha256Hex(new TextDecoder().decode(rawBody))}`;
    const summary = `Sentry ${kind} (not a kind Kora acts on)`;
    return {
      ok: true,
      event: { provider: "sentry", probe: "sentry", event_key, kind, target: null, hint: false, summary },
    };
  }
  if (typeof draft === "string") return invalid(draft);
  const { KORA_SENTRY_ORG: org, KORA_SENTRY_PROJECT: project } = config;
  if (!org || !project) {
    return unconfigured("Sentry is not configured: set KORA_SENTRY_ORG and KORA_SENTRY_PROJECT");
  }
  if (!draft.projects.includes(project)) {
    return unconfigured(`the event is not about the configured Sentry project (KORA_SENTRY_PROJECT=${project})`);
  }
  const { event_key, hint, summary } = draft;
  return {
    ok: true,
    event: { provider: "sentry", probe: "sentry", event_key, kind, target: `${org}/${project}`, hint, summary },
  };
}

/** The kinds Kora reads; `null` for any other, a string for a known kind whose data does not parse. */
function draftOf(resource: string, action: string, data: unknown): Draft | string | null {
  const problem = (error: z.ZodError) => describeZodError(error, { prefix: "data", max: 3 });
  switch (resource) {
    case "event_alert": {
      const parsed = EventAlert.safeParse(data);
      if (!parsed.success) return problem(parsed.error);
      const { event, triggered_rule } = parsed.data;
      return {
        projects: [event.project, slugFromUrl(event.url)],
        event_key: `event_alert:${event.event_id}:${triggered_rule}`,
        hint: true,
        summary: `issue alert "${triggered_rule}" fired: ${event.title ?? event.event_id}`,
      };
    }
    case "metric_alert": {
      const parsed = MetricAlert.safeParse(data);
      if (!parsed.success) return problem(parsed.error);
      const alert = parsed.data.metric_alert;
      return {
        projects: alert.projects ?? alert.alert_rule?.projects ?? [],
        event_key: `metric_alert:${alert.id}:${action}`,
        // A resolve is news, not trouble: recorded, and the cycle sees the recovery itself.
        hint: action === "critical" || action === "warning",
        summary: `metric alert ${action}: ${parsed.data.description_title ?? alert.title ?? alert.id}`,
      };
    }
    case "issue": {
      const parsed = Issue.safeParse(data);
      if (!parsed.success) return problem(parsed.error);
      const { issue } = parsed.data;
      return {
        projects: [issue.project.id, issue.project.slug],
        event_key: `issue:${issue.id}:${action}:${issue.status ?? ""}`,
        hint: action === "created" || action === "unresolved",
        summary: `issue ${action}: ${issue.title ?? issue.id}`,
      };
    }
    case "error": {
      const parsed = ErrorEvent.safeParse(data);
      if (!parsed.success) return problem(parsed.error);
      const { error } = parsed.data;
      return {
        projects: [error.project, slugFromUrl(error.url)],
        event_key: `error:${error.event_id}`,
        hint: true,
        summary: `error: ${error.title ?? error.event_id}`,
      };
    }
    default:
      return null;
  }
}

function invalid(message: string): EventReading {
  return { ok: false, status: 400, code: "invalid_payload", message };
}

function unconfigured(message: string): EventReading {
  return { ok: false, status: 422, code: "unconfigured_project", message };
}
