import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { listAuditEvents } from "../../src/audit/queries";
import type { KoraEnv } from "../../src/config";
import { world } from "../world";
import { connectClient, envWithCallers, ERAS, FIXER, MCP_URL, READER, workerFetch } from "./mcp-harness";
import { generateMalformedCases, type RequestTemplate } from "./malformed-requests";

const MACHINE = "1781e9f6c12d83";

/** Real requests an official client sends for an autofix call: the seeds every case mutates. */
async function captureTemplates(workerEnv: KoraEnv, era: (typeof ERAS)[number]): Promise<RequestTemplate[]> {
  const seen: Request[] = [];
  const client = await connectClient(era, workerEnv, FIXER.token, seen);
  try {
    await client.callTool({
      name: "kora__attempt_probe_autofix",
      arguments: { probe: "fly", action: "restart_machine", target_id: "0000deadbeef00", reason: "template" },
    });
  } catch {
    // Until the autofix tool is registered this is an unknown tool; the request is still a template.
  } finally {
    await client.close();
  }
  const templates: RequestTemplate[] = [];
  for (const request of seen) {
    if (request.method !== "POST") continue;
    const body = (await request.json()) as Record<string, unknown>;
    if (body.method !== "tools/call") continue;
    templates.push({ headers: Object.fromEntries(request.headers), body });
  }
  return templates;
}

describe("500 generated malformed requests", () => {
  let workerEnv: KoraEnv;
  let templates: RequestTemplate[];

  beforeAll(async () => {
    await world.reset();
    await world.fly.machines([{ app: "kora-web", id: MACHINE }]);
    await world.fly.crash(MACHINE);
    // The most dangerous setting: a caller holding the cap and the envelope on.
    workerEnv = await envWithCallers([FIXER, READER], { KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" });
    templates = [
      ...(await captureTemplates(workerEnv, "2026 client (auto negotiation)")),
      ...(await captureTemplates(workerEnv, "2025 client (v2 SDK)")),
    ];
  }, 60_000);

  it("answers every one without a 5xx and never mutates anything", { timeout: 120_000 }, async () => {
    expect(templates.length).toBeGreaterThanOrEqual(2);
    const cases = generateMalformedCases(templates, 500);
    const send = workerFetch(workerEnv);
    const serverErrors: string[] = [];
    const statuses = new Map<number, number>();
    // The SDK reports each refused request; 500 of them would drown the test output.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    for (const item of cases) {
      const hasBody = item.method !== "GET" && item.method !== "HEAD";
      const response = await send(
        new Request(MCP_URL, { method: item.method, headers: item.headers, body: hasBody ? item.body : undefined }),
      );
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500) serverErrors.push(`${item.label}: ${response.status} ${text.slice(0, 200)}`);
    }
    warn.mockRestore();
    expect(serverErrors).toEqual([]);
    // Some cases must get past the SDK to the tool, or the gates were never exercised.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
    expect(await world.requests({ provider: "fly", mutating: true })).toEqual([]);
    const attempts = await listAuditEvents(env.DB, { seam: "tool.probe_autofix_attempted", limit: 200 });
    expect(attempts.rows.length).toBeGreaterThan(20);
    expect(attempts.rows.filter((row) => row.details.status !== "rejected")).toEqual([]);
  });
});
