import { z } from "zod";
import type { Config } from "../config";
import { describeZodError } from "../contracts";
import type { EventReading } from "./provider-event";

/**
 * Vercel account webhooks (docs/provider-apis.md §4): `{ id, type, createdAt, payload }`, `id`
 * being the delivery's id (Vercel's retries repeat it). A failed or canceled deployment of the
 * configured project is a hint; every other type is recorded only.
 */
const Envelope = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  createdAt: z.number().int().nonnegative(),
  payload: z
    .object({
      project: z.object({ id: z.string().max(200) }).optional(),
      deployment: z
        .object({ id: z.string().max(200), name: z.string().max(200).optional(), url: z.string().max(500).optional() })
        .optional(),
      target: z.string().max(64).nullable().optional(),
    })
    .default({}),
});

const TROUBLE = new Set(["deployment.error", "deployment.canceled"]);

/** Vercel retries for hours; an event older than this says nothing the cron has not seen since. */
export const VERCEL_EVENT_MAX_AGE_MS = 60 * 60_000;

export function readVercelEvent(
  body: unknown,
  config: Pick<Config, "KORA_VERCEL_PROJECT_ID">,
  now: Date,
): EventReading {
  const parsed = Envelope.safeParse(body);
  if (!parsed.success) {
    return { ok: false, status: 400, code: "invalid_payload", message: describeZodError(parsed.error, { max: 3 }) };
  }
  const { id, type, createdAt, payload } = parsed.data;
  if (now.getTime() - createdAt > VERCEL_EVENT_MAX_AGE_MS) {
    return {
      ok: false,
      status: 400,
      code: "stale_event",
      message: `createdAt is more than ${VERCEL_EVENT_MAX_AGE_MS / 60_000} minutes old`,
    };
  }
  const configured = config.KORA_VERCEL_PROJECT_ID;
  const project = payload.project?.id;
  if (project !== undefined && project !== configured) {
    return {
      ok: false,
      status: 422,
      code: "unconfigured_project",
      message: configured
        ? `the event is not about the configured Vercel project (KORA_VERCEL_PROJECT_ID=${configured})`
        : "Vercel is not configured: set KORA_VERCEL_PROJECT_ID",
    };
  }
  const deployment = payload.deployment;
  return {
    ok: true,
    event: {
      provider: "vercel",
      probe: "vercel",
      event_key: id,
      kind: type,
      target: project ?? null,
      hint: project !== undefined && TROUBLE.has(type),
      summary: deployment
        ? `${type}: deployment ${deployment.id}${deployment.name ? ` (${deployment.name})` : ""}, target ${payload.target ?? "preview"}`
        : type,
    },
  };
}
