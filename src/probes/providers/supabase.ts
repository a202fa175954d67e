import { z } from "zod";
import { endpoint } from "../../outbound/fetch-json";
import {
  describeFailure,
  getProviderJson,
  missingVariables,
  outsideText,
  result,
  skipped,
  type Probe,
} from "./probe-result";

/** The services Kora asks about; `services` is required and repeated (form style, explode). */
export const SUPABASE_SERVICES = ["auth", "db", "realtime", "rest", "storage"] as const;

/**
 * `V1ServiceHealthResponse`: `status` is what the verdict reads. `healthy` is deprecated in the
 * spec in favour of `status`, so it is neither needed nor trusted; a status Kora does not know is
 * read as text (and is not `ACTIVE_HEALTHY`).
 */
const ServiceHealth = z.object({
  name: z.string(),
  status: z.string(),
  error: z.string().optional(),
});
const HealthAnswer = z.array(ServiceHealth);

/**
 * Supabase project health (Management API `GET /v1/projects/{ref}/health`). Any service not
 * `ACTIVE_HEALTHY` makes the project unhealthy: `COMING_UP` lasting the wake threshold's cycles
 * is an outage from the application's side too. A service asked about but missing from the
 * answer is not known to be healthy, so the project is not either: an `error`.
 */
export const probeSupabase: Probe = async ({ config, fetch, now }) => {
  const ref = config.KORA_SUPABASE_PROJECT_REF;
  const token = config.KORA_SUPABASE_ACCESS_TOKEN;
  const missing = missingVariables({ KORA_SUPABASE_ACCESS_TOKEN: token, KORA_SUPABASE_PROJECT_REF: ref });
  if (!token || !ref) return [skipped("supabase", ref ?? "supabase", missing, now)];

  const url = endpoint(config.KORA_SUPABASE_API_BASE_URL, `v1/projects/${encodeURIComponent(ref)}/health`);
  for (const service of SUPABASE_SERVICES) url.searchParams.append("services", service);
  url.searchParams.set("timeout_ms", String(Math.min(10_000, Math.floor(config.KORA_PROBE_TIMEOUT_MS / 2))));

  const outcome = await getProviderJson({ fetch }, { url, token, what: `Supabase GET ${url.pathname}` }, HealthAnswer);
  if (!outcome.ok) {
    return [result("supabase", ref, "error", { summary: outsideText(describeFailure(outcome.error), token) }, now)];
  }

  const services = outcome.value;
  const failing = services.filter((service) => service.status !== "ACTIVE_HEALTHY");
  if (failing.length > 0) {
    return [
      result(
        "supabase",
        ref,
        "unhealthy",
        {
          summary: outsideText(
            `not healthy: ${failing.map((service) => `${service.name} (${service.status})`).join(", ")}`,
            token,
          ),
          services: failing.map((service) => ({
            name: service.name,
            status: service.status,
            ...(service.error ? { error: outsideText(service.error, token).slice(0, 200) } : {}),
          })),
        },
        now,
      ),
    ];
  }
  const unanswered = SUPABASE_SERVICES.filter((name) => !services.some((service) => service.name === name));
  if (unanswered.length > 0) {
    return [
      result(
        "supabase",
        ref,
        "error",
        { summary: `Supabase did not report on ${unanswered.join(", ")}`, unanswered },
        now,
      ),
    ];
  }
  return [result("supabase", ref, "healthy", { summary: `${services.length} services healthy` }, now)];
};
