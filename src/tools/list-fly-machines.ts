import { z } from "zod";
import { createFlyClient } from "../fly/client";
import { flyErrorContent, machineSummary } from "./fly-apps";
import { defineTool } from "./tool";
import { configuredFlyApps } from "../fly/apps";

const Input = z.object({
  app: z
    .enum(["production", "staging", "all"])
    .default("all")
    .describe("Which configured Fly app to list: `production` (KORA_FLY_APP_NAME), `staging`, or `all`."),
});

export const listFlyMachinesTool = defineTool({
  name: "kora__list_fly_machines",
  description:
    "List the machines of the configured Fly apps (production, then staging) with their state, region " +
    "and health-check status. Read-only.",
  input: Input,
  mutating: false,
  requiresCapGate: false,
  async run(input, ctx) {
    const apps = configuredFlyApps(ctx.config).filter((entry) => input.app === "all" || entry.role === input.app);
    if (apps.length === 0) {
      return {
        isError: true,
        content: { error: "no Fly app is configured (KORA_FLY_APP_NAME / KORA_FLY_STAGING_APP_NAME)" },
      };
    }
    const client = createFlyClient(ctx.config);
    const listed = [];
    for (const { app, role } of apps) {
      const result = await client.listMachines(app);
      listed.push(
        result.ok
          ? { app, role, machines: result.value.map(machineSummary) }
          : { role, ...flyErrorContent(app, result.error) },
      );
    }
    const failed = listed.every((entry) => "error" in entry);
    return { content: { apps: listed }, ...(failed ? { isError: true } : {}) };
  },
});
