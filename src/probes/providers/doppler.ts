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

/** DopplerHQ's SDKs type the answer `{ names?: string[] }`: names only, never values. */
const SecretNames = z.object({ names: z.array(z.string()).optional() });

/**
 * Doppler (`GET /v3/configs/config/secrets/names?project=&config=`): can the config the services
 * read their secrets from still be read? It is the one call a service token (read-only, one
 * config: the token Kora asks for) is documented to allow that says so, and it moves no secret
 * value into Kora; only the count of names is kept. `include_dynamic_secrets` is left out (false):
 * asking for dynamic secrets would issue leases.
 *
 * - 404: the config is gone, as a token that outlives configs (personal, service account) sees it:
 *   `unhealthy`, since every service that fetches it at boot will fail.
 * - 401/403: the token is rejected or may not read this config. That is Kora's own access, so an
 *   `error` naming what is missing. A service token dies with its config, so with one a deleted
 *   config is a 401 too: Kora cannot tell that from a revoked token, and says both.
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

  const url = endpoint(config.KORA_DOPPLER_API_BASE_URL, "v3/configs/config/secrets/names");
  url.searchParams.set("project", project);
  url.searchParams.set("config", name);

  const outcome = await getProviderJson({ fetch }, { url, token, what: `Doppler GET ${url.pathname}` }, SecretNames);
  if (outcome.ok) {
    const count = outcome.value.names?.length ?? 0;
    return [
      result(
        "doppler",
        target,
        "healthy",
        { summary: `config ${target} readable (${count} secret names)`, secret_count: count },
        now,
      ),
    ];
  }
  if (outcome.error.status === 404) {
    const why = outcome.error.provider_message ?? outcome.error.message;
    return [
      result(
        "doppler",
        target,
        "unhealthy",
        { summary: outsideText(`config ${target} not found: ${why}`, token) },
        now,
      ),
    ];
  }
  return [
    result(
      "doppler",
      target,
      "error",
      {
        summary: outsideText(describeDopplerFailure(outcome.error, target), token),
        ...(outcome.error.status === undefined ? {} : { http_status: outcome.error.status }),
      },
      now,
    ),
  ];
};

function describeDopplerFailure(error: CallError, target: string): string {
  if (error.status === 401) {
    return `Doppler rejected KORA_DOPPLER_TOKEN (${describeFailure(error)}): it was revoked or expired, or its config was deleted (a service token goes with its config); check ${target} and create a service token on it`;
  }
  if (error.status === 403) {
    return `Doppler refused (${describeFailure(error)}): KORA_DOPPLER_TOKEN may not read the secrets of ${target}; use a service token created on that config (Project → Config → Access)`;
  }
  return describeFailure(error);
}
