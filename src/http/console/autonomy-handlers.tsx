import type { Context } from "hono";
import { z } from "zod";
import { changeAutonomySwitch, readEnvelopeReport, REASON_MAX_CHARS } from "../../autonomy";
import type { AppEnv } from "../app-env";
import { parseOr400 } from "../errors";
import { AutonomyPage } from "./autonomy-page";

/**
 * The console's autonomy page and its one button (DESIGN §12). Registered in routes.tsx behind
 * the console's session and same-origin rules; a plain form POST, no JavaScript.
 */

export async function showAutonomyPage(c: Context<AppEnv>): Promise<Response> {
  parseOr400(z.strictObject({}), c.req.query());
  const report = await readEnvelopeReport(c.env, new Date());
  return c.html(<AutonomyPage report={report} labelMinutes={c.get("config").KORA_SHADOW_LABEL_MINUTES} />);
}

const SwitchForm = z.object({
  reason: z
    .string()
    .trim()
    .max(REASON_MAX_CHARS, { error: `must be at most ${REASON_MAX_CHARS} characters` })
    .optional(),
});

export async function changeFromConsole(c: Context<AppEnv>, paused: boolean): Promise<Response> {
  const form = parseOr400(SwitchForm, await c.req.parseBody());
  await changeAutonomySwitch(
    c.env,
    { paused, by: "operator (console)", via: "console", reason: form.reason || null },
    new Date(),
  );
  return c.redirect("/autonomy", 303);
}
