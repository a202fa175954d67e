import { z } from "zod";
import { endpoint, type CallError } from "../../outbound/fetch-json";
import {
  describeFailure,
  getProviderJson,
  missingVariables,
  outsideText,
  result,
  skipped,
  type Probe,
} from "./probe-result";

/**
 * The fields of one deployment Kora reads, typed as `@vercel/sdk` types them (`GetDeploymentsResponseBody`):
 * `readyState` is always there and is what the verdict needs; `errorCode` is absent on a healthy
 * deployment (never null), `errorMessage` absent or null. A state Kora does not know is read as
 * text, so a new one cannot fail the whole list.
 */
const Deployment = z.object({
  uid: z.string(),
  readyState: z.string(),
  created: z.number(),
  errorCode: z.string().optional(),
  errorMessage: z.string().nullable().optional(),
});
const DeploymentsAnswer = z.object({ deployments: z.array(Deployment) });

const BROKEN = new Set(["ERROR", "CANCELED"]);
const LOOKBACK = 20;

/**
 * Vercel production deployments (`GET /v7/deployments?projectId=&target=production&limit=`, the
 * version `@vercel/sdk` calls; `teamId` when the project belongs to a team). Unhealthy when the
 * newest one ended in `ERROR`/`CANCELED`, or when none of the recent ones is `READY`. A newer
 * deployment still building over a READY one is healthy: production keeps serving the READY one.
 */
export const probeVercel: Probe = async ({ config, fetch, now }) => {
  const project = config.KORA_VERCEL_PROJECT_ID;
  const token = config.KORA_VERCEL_TOKEN;
  const missing = missingVariables({ KORA_VERCEL_TOKEN: token, KORA_VERCEL_PROJECT_ID: project });
  if (!token || !project) return [skipped("vercel", project ?? "vercel", missing, now)];

  const url = endpoint(config.KORA_VERCEL_API_BASE_URL, "v7/deployments");
  url.searchParams.set("projectId", project);
  url.searchParams.set("target", "production");
  url.searchParams.set("limit", String(LOOKBACK));
  if (config.KORA_VERCEL_TEAM_ID) url.searchParams.set("teamId", config.KORA_VERCEL_TEAM_ID);

  const outcome = await getProviderJson(
    { fetch },
    { url, token, what: `Vercel GET ${url.pathname}` },
    DeploymentsAnswer,
  );
  if (!outcome.ok) {
    return [
      result("vercel", project, "error", { summary: outsideText(describeVercelFailure(outcome.error), token) }, now),
    ];
  }

  // The order of the list is not documented: sort by creation time rather than trust it.
  const deployments = [...outcome.value.deployments].sort((a, b) => b.created - a.created);
  const stateOf = (deployment: z.infer<typeof Deployment>) => deployment.readyState;
  const latest = deployments[0];
  const ready = deployments.find((deployment) => stateOf(deployment) === "READY");
  const facts = {
    latest: latest && {
      uid: latest.uid,
      state: stateOf(latest),
      created: new Date(latest.created).toISOString(),
      ...(latest.errorCode ? { error_code: latest.errorCode } : {}),
      ...(latest.errorMessage ? { error_message: outsideText(latest.errorMessage, token).slice(0, 200) } : {}),
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

/** A rejected or refused token names what Kora needs, not a fault of the project. */
function describeVercelFailure(error: CallError): string {
  if (error.status === 401 || error.status === 403) {
    return `Vercel refused KORA_VERCEL_TOKEN (${describeFailure(error)}): the token needs read access to the project's deployments (and KORA_VERCEL_TEAM_ID when the project belongs to a team)`;
  }
  return describeFailure(error);
}
