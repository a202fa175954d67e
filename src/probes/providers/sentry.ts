import { z } from "zod";
import { endpoint } from "../../outbound/fetch-json";
import { describeFailure, getProviderJson, missingVariables, result, skipped, type Probe } from "./probe-result";

/** `data` is `[[unix_seconds, [{ count }]], …]`, one bucket per interval. */
const EventsStats = z.object({
  data: z.array(z.tuple([z.number(), z.array(z.object({ count: z.number() }))])),
});

/**
 * Sentry error rate (Discover `events-stats`, the only endpoint with minute buckets): unhealthy
 * when the error events of the project over the last window exceed the threshold.
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

  const window = config.KORA_SENTRY_WINDOW_MINUTES;
  const url = endpoint(config.KORA_SENTRY_API_BASE_URL, `api/0/organizations/${encodeURIComponent(org)}/events-stats/`);
  url.searchParams.set("query", `event.type:error project:${project}`);
  url.searchParams.set("yAxis", "count()");
  url.searchParams.set("statsPeriod", `${window}m`);
  url.searchParams.set("interval", "1m");

  const outcome = await getProviderJson({ fetch }, { url, token, what: `Sentry GET ${url.pathname}` }, EventsStats);
  if (!outcome.ok) return [result("sentry", target, "error", { summary: describeFailure(outcome.error) }, now)];

  const errors = outcome.value.data.reduce(
    (sum, [, counts]) => sum + counts.reduce((total, c) => total + c.count, 0),
    0,
  );
  const threshold = config.KORA_SENTRY_ERROR_THRESHOLD;
  const facts = { errors, window_minutes: window, threshold };
  if (errors > threshold) {
    return [
      result(
        "sentry",
        target,
        "unhealthy",
        { summary: `${errors} errors in the last ${window} min (threshold ${threshold})`, ...facts },
        now,
      ),
    ];
  }
  return [
    result("sentry", target, "healthy", { summary: `${errors} errors in the last ${window} min`, ...facts }, now),
  ];
};
