import { z } from "zod";
import { createFlyClient } from "../fly/client";
import { flyErrorContent, machineSummary } from "./fly-apps";
import { defineTool } from "./tool";
import { findTargetMachine } from "../fly/apps";

const RECENT_EVENTS = 10;

const Input = z.object({
  machine_id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be a Fly machine id ([A-Za-z0-9_-], at most 64)" })
    .describe("The Fly machine id, e.g. `1781e9f6c12d83` (the wake's `target` for the fly probe)."),
});

export const getFlyMachineTool = defineTool({
  name: "kora__get_fly_machine",
  description:
    "One machine of the configured Fly apps (production first, then staging) with its state, checks and " +
    "its most recent events, newest first; an `exit` event's exit_code, oom_killed and requested_stop " +
    "tell a crash from a clean stop. Read-only.",
  input: Input,
  mutating: false,
  requiresCapGate: false,
  async run(input, ctx) {
    const lookup = await findTargetMachine(createFlyClient(ctx.config), ctx.config, input.machine_id);
    switch (lookup.kind) {
      case "found":
        return {
          content: {
            app: lookup.app,
            machine: machineSummary(lookup.machine),
            events: lookup.machine.events.slice(0, RECENT_EVENTS).map((event) => ({
              type: event.type,
              status: event.status,
              source: event.source ?? null,
              at: new Date(event.timestamp).toISOString(),
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
