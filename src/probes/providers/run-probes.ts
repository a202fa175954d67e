import { redactThenClip } from "../../audit/redact";
import type { Config } from "../../config";
import { type ProbeName, type ProbeResult, PROBES } from "../../contracts";
import { ConnectionSlots, WORKER_CONNECTION_LIMIT } from "./connection-slots";
import { probeDoppler } from "./doppler";
import { probeFly } from "./fly";
import { createProbeFetch } from "./probe-fetch";
import { result, type Probe } from "./probe-result";
import { probeSentry } from "./sentry";
import { probeSupabase } from "./supabase";
import { probeVercel } from "./vercel";

export const PROBE_TABLE: Readonly<Record<ProbeName, Probe>> = {
  fly: probeFly,
  supabase: probeSupabase,
  vercel: probeVercel,
  sentry: probeSentry,
  doppler: probeDoppler,
};

/**
 * Runs every probe at once over one pool of connection slots. Each call is bounded by the
 * probe timeout, so the whole run is too; a probe that throws (a bug, not a provider fault)
 * becomes an `error` for that probe alone.
 */
export async function runAllProbes(
  config: Config,
  now: Date,
  options: { fetch?: typeof fetch; slots?: number; only?: readonly ProbeName[]; secrets?: readonly string[] } = {},
): Promise<ProbeResult[]> {
  const probeFetch = createProbeFetch({
    slots: new ConnectionSlots(options.slots ?? WORKER_CONNECTION_LIMIT),
    timeoutMs: config.KORA_PROBE_TIMEOUT_MS,
    fetch: options.fetch,
  });
  const runs = (options.only ?? PROBES).map(async (name) => {
    try {
      return await PROBE_TABLE[name]({ config, fetch: probeFetch, now });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      // Redacted before it is clipped: a secret cut in half by the clip would no longer match.
      const summary = `probe failed: ${redactThenClip(message, options.secrets ?? [], 200)}`;
      return [result(name, name, "error", { summary }, now)];
    }
  });
  return (await Promise.all(runs)).flat();
}
