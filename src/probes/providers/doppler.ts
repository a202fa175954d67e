import { z } from "zod";
import { endpoint } from "../../outbound/fetch-json";
import { describeFailure, getProviderJson, missingVariables, result, skipped, type Probe } from "./probe-result";

const ConfigAnswer = z.object({
  config: z.object({ name: z.string(), project: z.string(), locked: z.boolean().optional() }),
});

/**
 * Doppler (`GET /v3/configs/config?project=&config=`): the config the services read their
 * secrets from. Unhealthy when Doppler answers that the config is gone (404): every service
 * that fetches it at boot will fail. A rejected token (401/403) is Kora's own problem, so an
 * `error`, like a timeout or a 5xx.
 */
export const probeDoppler: Probe = async ({ config, fetch, now }) => {
  const project = config.KORA_DOPPLER_PROJECT;
  const name = config.KORA_DOPPLER_CONFIG;
  const token = config.KORA_DOPPLER_TOKEN;
  const target = project && name ? `${project}/${name}` : "doppler";
  const missing = missingVariables({
    KORA_DOPPLER_TOKEN: token,
    KORA_DOPPLER_PROJECT: project,
    KORA_DOPPLER_CONFIG: name,
  });
  if (!token || !project || !name) return [skipped("doppler", target, missing, now)];

  const url = endpoint(config.KORA_DOPPLER_API_BASE_URL, "v3/configs/config");
  url.searchParams.set("project", project);
  url.searchParams.set("config", name);

  const outcome = await getProviderJson({ fetch }, { url, token, what: `Doppler GET ${url.pathname}` }, ConfigAnswer);
  if (outcome.ok) {
    return [
      result(
        "doppler",
        target,
        "healthy",
        { summary: `config ${target} readable`, locked: outcome.value.config.locked ?? false },
        now,
      ),
    ];
  }
  if (outcome.error.kind === "not_found") {
    return [
      result(
        "doppler",
        target,
        "unhealthy",
        { summary: `config ${target} not found: ${outcome.error.provider_message ?? outcome.error.message}` },
        now,
      ),
    ];
  }
  return [result("doppler", target, "error", { summary: describeFailure(outcome.error) }, now)];
};
