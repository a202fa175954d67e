import { z } from "zod";
import { createFlyClient } from "../fly/client";
import { findMachine } from "../fly/apps";
import { flyErrorContent, machineSummary, selectFlyApps } from "./fly-apps";
import { defineTool } from "./tool";

const RECENT_EVENTS = 10;

const Input = z.object({
  machine_id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be a Fly machine id ([A-Za-z0-9_-], at most 64)" })
    .describe("The Fly machine id, e.g. `1781e9f6c12d83` (the wake's `target` for the fly probe)."),
  app: z
    .string()
    .max(100)
    .optional()
    .describe(
      "The configured Fly app to look in (its name, or `production` / `staging`). Leave it out to look " +
        "in the wake's own app first, then every configured app in order.",
    ),
});

export const getFlyMachineTool = defineTool({
  name: "kora__get_fly_machine",
  description:
    "One machine of the configured Fly apps with its state, host status, checks and its most recent " +
    "events, newest first; an `exit` event's exit_code, oom_killed and requested_stop tell a crash from a " +
    "clean stop. Read-only.",
  input: Input,
  mutating: false,
  requiresCapGate: false,
  async run(input, ctx) {
    const selected = selectFlyApps(ctx.config, input.app ?? "all");
    if (!selected.ok) return { isError: true, content: { error: selected.error } };
    const apps = selected.apps.map((entry) => entry.app);
    // The wake saw this machine in one app: look there first, saving a call per app before it.
    const seenIn = ctx.incident?.targets.find((entry) => entry.target === input.machine_id)?.fly_app;
    const order = seenIn && apps.includes(seenIn) ? [seenIn, ...apps.filter((app) => app !== seenIn)] : apps;
    const lookup = await findMachine(createFlyClient(ctx.config), order, input.machine_id);
    switch (lookup.kind) {
      case "found":
        return {
          content: {
            app: lookup.app,
            machine: machineSummary(lookup.machine),
            events: lookup.machine.events.slice(0, RECENT_EVENTS).map((event) => ({
              type: event.type ?? null,
              status: event.status ?? null,
              source: event.source ?? null,
              at: isoTime(event.timestamp),
              exit_event: event.request?.exit_event ?? event.request?.MonitorEvent?.exit_event ?? null,
            })),
          },
        };
      case "not_found":
        return {
          isError: true,
          content: {
            error: `machine ${input.machine_id} is not in ${lookup.apps_checked.join(" or ") || "any configured app"}`,
          },
        };
      case "error":
        return { isError: true, content: flyErrorContent(lookup.app, lookup.error) };
    }
  },
});

/** Unix milliseconds as ISO 8601; a missing or impossible stamp is `null`, never a thrown RangeError. */
function isoTime(ms: number | undefined): string | null {
  if (ms === undefined) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
