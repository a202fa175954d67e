import { Hono, type Context } from "hono";
import { z } from "zod";
import {
  changeAutonomySwitch,
  DEFAULT_WINDOW_DAYS,
  pauseOf,
  readEnvelopeReport,
  REASON_MAX_CHARS,
  type AutonomySwitch,
  type EnvelopeReport,
} from "../autonomy";
import type { AppEnv } from "./app-env";
import { limitParam } from "./cursor";
import { HttpError, parseOr400 } from "./errors";

/**
 * `GET /api/envelopes` and `POST /api/autonomy/pause|resume` (DESIGN §8, §12), behind the
 * operator token like every `/api` route.
 */

const EnvelopeQuery = z.strictObject({
  days: limitParam(DEFAULT_WINDOW_DAYS, 365),
  last: limitParam(10, 50),
});

/** Each envelope's mode, the pause, and shadow mode's record: what to read before turning `shadow` into `on`. */
export const envelopeRoutes = new Hono<AppEnv>().get("/", async (c) => {
  const query = parseOr400(EnvelopeQuery, c.req.query());
  const report = await readEnvelopeReport(c.env, new Date(), query);
  return c.json(envelopeJson(report));
});

export function envelopeJson(report: EnvelopeReport) {
  return {
    autonomy: autonomyJson(report.autonomy),
    window: report.window,
    envelopes: report.envelopes.map((envelope) => ({
      ...envelope,
      last_decisions: envelope.last_decisions.map((decision) => ({
        ...decision,
        incident_url: `/sessions/${encodeURIComponent(decision.caller_session_id)}`,
      })),
    })),
  };
}

function autonomyJson(state: AutonomySwitch) {
  return { ...pauseOf(state), last_change: state.last_change };
}

const ChangeBody = z.strictObject({
  reason: z.string().trim().min(1).max(REASON_MAX_CHARS).optional(),
  by: z
    .string()
    .regex(/^[A-Za-z0-9 ._@()-]{1,64}$/, { error: "must be 1–64 letters, digits, spaces or ._@()-" })
    .optional(),
});

/** Idempotent: pausing a paused Kora (or resuming a running one) answers `changed: false` and writes nothing. */
export const autonomyRoutes = new Hono<AppEnv>()
  .post("/pause", (c) => changeSwitch(c, true))
  .post("/resume", (c) => changeSwitch(c, false));

async function changeSwitch(c: Context<AppEnv>, paused: boolean): Promise<Response> {
  const body = parseOr400(ChangeBody, await jsonBodyOrEmpty(c));
  const outcome = await changeAutonomySwitch(
    c.env,
    { paused, by: body.by ?? "operator (API)", via: "api", reason: body.reason ?? null },
    new Date(),
  );
  return c.json({ changed: outcome.kind === "changed", autonomy: autonomyJson(outcome.state) });
}

/** No body is `{}`: `curl -XPOST …/pause` is enough. */
async function jsonBodyOrEmpty(c: Context<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, "invalid_json", 'the body must be JSON, for example {"reason": "deploy freeze"}');
  }
}
