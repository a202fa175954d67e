import type { Config } from "../../config";
import type { z } from "zod";
import type { ProbeDetail, ProbeName, ProbeResult, ProbeStatus } from "../../contracts";
import { redactThenClip } from "../../audit/redact";
import { fetchJson, type CallError, type CallResult } from "../../outbound/fetch-json";

/** A probe is `(config, fetch, now) → results`; a provider's fault is an `error` result, not a throw. */
export type Probe = (context: ProbeContext) => Promise<ProbeResult[]>;

export interface ProbeContext {
  config: Config;
  fetch: typeof fetch;
  now: Date;
}

export function result(
  probe: ProbeName,
  target: string,
  status: ProbeStatus,
  detail: ProbeDetail,
  now: Date,
): ProbeResult {
  return { probe, target, status, detail, observed_at: now.toISOString() };
}

/** Not configured: names every missing variable so the operator knows what to set. */
export function skipped(probe: ProbeName, target: string, missing: string[], now: Date): ProbeResult {
  return result(probe, target, "skipped", { summary: `not configured: set ${missing.join(", ")}`, missing }, now);
}

/** Lists the names whose values are unset, in the order given. */
export function missingVariables(values: Record<string, string | undefined>): string[] {
  return Object.entries(values)
    .filter(([, value]) => !value)
    .map(([name]) => name);
}

/**
 * A probe's GET: bearer auth, the pooled fetch (which owns the per-call timeout), the answer
 * parsed with `schema`. A non-2xx is a failure carrying its status, so a probe for which one
 * status is an answer about the target (Doppler's 404 for a deleted config) can tell it apart.
 */
export function getProviderJson<T>(
  context: Pick<ProbeContext, "fetch">,
  call: { url: URL; token: string; what: string },
  schema: z.ZodType<T>,
): Promise<CallResult<T>> {
  return fetchJson(
    { url: call.url, headers: { authorization: `Bearer ${call.token}` }, what: call.what, fetch: context.fetch },
    schema,
  );
}

/** One line an operator can read about a failed call, without the provider's whole body. */
export function describeFailure(error: CallError): string {
  switch (error.kind) {
    case "timeout":
      return `timed out: ${error.message}`;
    case "unreachable":
      return `unreachable: ${error.message}`;
    case "bad_response":
    case "not_configured":
      return error.message;
    default:
      return `HTTP ${error.status ?? "?"}${error.provider_message ? `: ${error.provider_message}` : ""}`;
  }
}

/** How long a summary built from a provider's words may be. */
const MAX_SUMMARY = 400;

/**
 * A summary that carries a provider's words, made safe to store and queue: the token the call
 * carried (the only secret a provider could echo back) redacted, then clipped.
 */
export function outsideText(summary: string, token: string): string {
  return redactThenClip(summary, [token], MAX_SUMMARY);
}
