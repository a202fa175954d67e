import { z } from "zod";
import { err, ok, type Result } from "../../contracts";
import { endpoint, type CallError } from "../../outbound/fetch-json";
import {
  describeFailure,
  getProviderJson,
  missingVariables,
  outsideText,
  result,
  skipped,
  type Probe,
  type ProbeContext,
} from "./probe-result";
import { countErrorWindow } from "./sentry-window";

/** `listOrganizationProjects` filtered to one slug: the two fields Kora reads. */
const OrganizationProjects = z.array(z.object({ id: z.string(), slug: z.string() }));

/** `listOrganizationEventsTimeseries`: one series per `yAxis`, values in time order. */
const Timeseries = z.object({
  timeSeries: z.array(
    z.object({
      yAxis: z.string(),
      meta: z.object({ interval: z.number() }),
      values: z.array(z.object({ timestamp: z.number(), value: z.number(), incomplete: z.boolean() })),
    }),
  ),
});

/**
 * Sentry answers the newest buckets `incomplete` for its 90-second ingestion delay (two or three
 * one-minute buckets): asking for a few minutes more than the window leaves a full window of
 * complete ones to judge on.
 */
const INGESTION_MARGIN_MINUTES = 3;
const SLUG = /^[a-z0-9][a-z0-9_-]*$/i;
const NUMERIC_ID = /^\d+$/;

/**
 * Sentry error rate, from the public `GET /api/0/organizations/{org}/events-timeseries/`
 * (`dataset=errors`, one-minute buckets). The project is always named by its numeric id in
 * `project=`: without it Sentry searches "the projects I am a member of", which for an
 * integration token is none, and answers 200 with no series at all. A slug in
 * `KORA_SENTRY_PROJECT` is turned into the id by `listOrganizationProjects` on each run. No series,
 * or too few complete minutes, is an `error`: Kora never reads "nothing seen" as healthy.
 */
export const probeSentry: Probe = async ({ config, fetch, now }) => {
  const org = config.KORA_SENTRY_ORG;
  const project = config.KORA_SENTRY_PROJECT;
  const token = config.KORA_SENTRY_AUTH_TOKEN;
  const target = org && project ? `${org}/${project}` : "sentry";
  const missing = missingVariables({
    KORA_SENTRY_AUTH_TOKEN: token,
    KORA_SENTRY_ORG: org,
    KORA_SENTRY_PROJECT: project,
  });
  if (!token || !org || !project) return [skipped("sentry", target, missing, now)];
  const fail = (summary: string, facts: Record<string, unknown> = {}) => [
    result("sentry", target, "error", { summary: outsideText(summary, token), ...facts }, now),
  ];
  if (!NUMERIC_ID.test(project) && !SLUG.test(project)) {
    return fail("KORA_SENTRY_PROJECT must be a project slug or its numeric id");
  }

  const base = config.KORA_SENTRY_API_BASE_URL;
  const projectId = await findProjectId({ fetch }, { base, org, project, token });
  if (!projectId.ok) return fail(projectId.error);

  const window = config.KORA_SENTRY_WINDOW_MINUTES;
  const url = endpoint(base, `api/0/organizations/${encodeURIComponent(org)}/events-timeseries/`);
  url.searchParams.set("dataset", "errors");
  url.searchParams.set("project", projectId.value);
  url.searchParams.set("statsPeriod", `${window + INGESTION_MARGIN_MINUTES}m`);
  url.searchParams.set("interval", "60");
  url.searchParams.set("yAxis", "count()");
  url.searchParams.set("query", "event.type:error");
  const outcome = await getProviderJson({ fetch }, { url, token, what: `Sentry GET ${url.pathname}` }, Timeseries);
  if (!outcome.ok) return fail(describeSentryFailure(outcome.error, `project ${projectId.value}`));

  const facts = { project_id: projectId.value, window_minutes: window };
  const series = outcome.value.timeSeries.find((s) => s.yAxis === "count()");
  if (!series || series.values.length === 0) {
    return fail(
      `Sentry returned no error series for project ${projectId.value}, so the error rate is unknown (not zero)`,
      facts,
    );
  }
  const counted = countErrorWindow(series.values, { intervalMs: series.meta.interval, windowMinutes: window });
  if (!counted.readable) return fail(`Sentry's error series cannot be read: ${counted.reason}`, facts);

  const threshold = config.KORA_SENTRY_ERROR_THRESHOLD;
  const { errors, complete_errors, incomplete_buckets, counted_until } = counted;
  const detail = { errors, complete_errors, incomplete_buckets, counted_until, threshold, ...facts };
  if (errors > threshold) {
    const summary = `${errors} errors in the last ${window} min (threshold ${threshold})`;
    return [result("sentry", target, "unhealthy", { summary, ...detail }, now)];
  }
  return [
    result("sentry", target, "healthy", { summary: `${errors} errors in the last ${window} min`, ...detail }, now),
  ];
};

/** The numeric id `project=` needs: as configured, or looked up by slug (one call per run). */
async function findProjectId(
  context: Pick<ProbeContext, "fetch">,
  input: { base: string; org: string; project: string; token: string },
): Promise<Result<string, string>> {
  if (NUMERIC_ID.test(input.project)) return ok(input.project);
  const url = endpoint(input.base, `api/0/organizations/${encodeURIComponent(input.org)}/projects/`);
  url.searchParams.set("query", `slug:${input.project}`);
  const outcome = await getProviderJson(
    context,
    { url, token: input.token, what: `Sentry GET ${url.pathname}` },
    OrganizationProjects,
  );
  if (!outcome.ok) return err(describeSentryFailure(outcome.error, `the projects of ${input.org}`));
  const found = outcome.value.find((candidate) => candidate.slug === input.project);
  if (!found) return err(`Sentry organization ${input.org} has no project "${input.project}" this token can see`);
  return ok(found.id);
}

/** A rejected or refused token names what the token needs: it is Kora's to fix, not the project's. */
function describeSentryFailure(error: CallError, what: string): string {
  if (error.status === 401) {
    return `Sentry rejected KORA_SENTRY_AUTH_TOKEN (${describeFailure(error)})`;
  }
  if (error.status === 403) {
    return `Sentry refused to show ${what} (${describeFailure(error)}): the token needs the org:read scope and access to the project`;
  }
  return describeFailure(error);
}
