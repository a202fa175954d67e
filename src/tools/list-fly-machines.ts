import { z } from "zod";
import { createFlyClient } from "../fly/client";
import { flyErrorContent, machineSummary, selectFlyApps } from "./fly-apps";
import { defineTool } from "./tool";

const Input = z.object({
  app: z
    .string()
    .max(100)
    .default("all")
    .describe(
      "Which configured Fly app to list: `all` (the default), `production` (KORA_FLY_APP_NAME), `staging` " +
        "(KORA_FLY_STAGING_APP_NAME), or one configured app by name (from KORA_FLY_APPS).",
    ),
});

export const listFlyMachinesTool = defineTool({
  name: "kora__list_fly_machines",
  description:
    "List the machines of the configured Fly apps (in their configured order) with their state, region, " +
    "host status and health-check status. Read-only.",
  input: Input,
  mutating: false,
  requiresCapGate: false,
  async run(input, ctx) {
    const selected = selectFlyApps(ctx.config, input.app);
    if (!selected.ok) return { isError: true, content: { error: selected.error } };
    const client = createFlyClient(ctx.config);
    const listed = await Promise.all(
      selected.apps.map(async ({ app, role }) => {
        const result = await client.listMachines(app);
        const named = role ? { app, role } : { app };
        return result.ok
          ? { ...named, machines: result.value.map(machineSummary) }
          : { ...(role ? { role } : {}), ...flyErrorContent(app, result.error) };
      }),
    );
    const failed = listed.every((entry) => "error" in entry);
    return { content: { apps: listed }, ...(failed ? { isError: true } : {}) };
  },
});
