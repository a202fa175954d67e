import { z } from "zod";
import { endpoint } from "../../outbound/fetch-json";
import { describeFailure, getProviderJson, missingVariables, result, skipped, type Probe } from "./probe-result";

const Deployment = z.object({
  uid: z.string(),
  state: z.string().optional(),
  readyState: z.string().optional(),
  created: z.number(),
  url: z.string().nullable().optional(),
  errorCode: z.string().nullable().optional(),
  errorMessage: z.string().nullable().optional(),
});
const DeploymentsAnswer = z.object({ deployments: z.array(Deployment) });

const BROKEN = new Set(["ERROR", "CANCELED"]);
const LOOKBACK = 20;

/**
 * Vercel production deployments (`GET /v6/deployments?target=production`). Unhealthy when the
 * newest one ended in `ERROR`/`CANCELED`, or when none of the recent ones is `READY`. A newer
 * deployment still building over a READY one is healthy: production keeps serving the READY one.
 */
export const probeVercel: Probe = async ({ config, fetch, now }) => {
  const project = config.KORA_VERCEL_PROJECT_ID;
  const token = config.KORA_VERCEL_TOKEN;
  const missing = missingVariables({ KORA_VERCEL_TOKEN: token, KORA_VERCEL_PROJECT_ID: project });
  if (!token || !project) return [skipped("vercel", project ?? "vercel", missing, now)];

  const url = endpoint(config.KORA_VERCEL_API_BASE_URL, "v6/deployments");
  url.searchParams.set("projectId", project);
  url.searchParams.set("target", "production");
  url.searchParams.set("limit", String(LOOKBACK));
  if (config.KORA_VERCEL_TEAM_ID) url.searchParams.set("teamId", config.KORA_VERCEL_TEAM_ID);

  const outcome = await getProviderJson(
    { fetch },
    { url, token, what: `Vercel GET ${url.pathname}` },
    DeploymentsAnswer,
  );
  if (!outcome.ok) return [result("vercel", project, "error", { summary: describeFailure(outcome.error) }, now)];

  // The order of the list is not documented: sort by creation time rather than trust it.
  const deployments = [...outcome.value.deployments].sort((a, b) => b.created - a.created);
  const stateOf = (deployment: z.infer<typeof Deployment>) => deployment.readyState ?? deployment.state ?? "UNKNOWN";
  const latest = deployments[0];
  const ready = deployments.find((deployment) => stateOf(deployment) === "READY");
  const facts = {
    latest: latest && {
      uid: latest.uid,
      state: stateOf(latest),
      created: new Date(latest.created).toISOString(),
      ...(latest.errorCode ? { error_code: latest.errorCode } : {}),
      ...(latest.errorMessage ? { error_message: latest.errorMessage.slice(0, 200) } : {}),
    },
    serving: ready?.uid ?? null,
  };

  if (latest && BROKEN.has(stateOf(latest))) {
    return [
      result(
        "vercel",
        project,
        "unhealthy",
        { summary: `latest production deployment ${latest.uid} is ${stateOf(latest)}`, ...facts },
        now,
      ),
    ];
  }
  if (!ready) {
    return [
      result(
        "vercel",
        project,
        "unhealthy",
        { summary: `no READY production deployment among the last ${LOOKBACK}`, ...facts },
        now,
      ),
    ];
  }
  const summary =
    latest === ready
      ? `production deployment ${ready.uid} is READY`
      : `serving ${ready.uid}; newest ${latest?.uid} is ${latest ? stateOf(latest) : "?"}`;
  return [result("vercel", project, "healthy", { summary, ...facts }, now)];
};
