import { it } from "vitest";
import { connectClient, envWithCallers, ERAS, READER } from "../test/mcp/mcp-harness";
import { world } from "../test/world";
import { reportFigure } from "./report";

/**
 * What one "connect, list, call a read tool" costs each protocol era in HTTP exchanges. Counts,
 * not times: workerd's clock only moves on I/O, and the exchanges are what a remote client pays
 * in round trips.
 */
it("counts HTTP exchanges per MCP session, per era", async () => {
  await world.reset();
  const workerEnv = await envWithCallers([READER]);
  for (const era of ERAS) {
    const seen: Request[] = [];
    const client = await connectClient(era, workerEnv, READER.token, seen);
    const afterConnect = seen.length;
    await client.listTools();
    await client.callTool({ name: "kora__query_audit", arguments: { limit: 1 } });
    await client.close();
    const bytes = (await Promise.all(seen.map(async (request) => (await request.text()).length))).reduce(
      (sum, size) => sum + size,
      0,
    );
    reportFigure({
      name: `MCP ${era}: HTTP exchanges for connect + tools/list + tools/call`,
      value: seen.length,
      unit: "requests",
      note: `${afterConnect} to connect; ${bytes} request bytes in all`,
    });
  }
});
