/**
 * From a wake leaving the probe cycle to the wake consumer starting on it, under `wrangler dev`
 * with the queue settings of wrangler.toml. Both ends are the Worker's own clock: the
 * `probe.wake_requested` row is written right after the queue accepted the message, and the
 * investigation's `claimed_at` is the consumer's first write. Local Queues batch like Cloudflare's
 * (a batch is delivered when full or when `max_batch_timeout` runs out), so the settings show.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, it } from "vitest";
import type { FlyFake } from "../test/fakes/fly.ts";
import { startLocalStack, type LocalStack } from "../scripts/local-stack.mjs";
import { median, reportFigure } from "./report";

const SAMPLES = 5;
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack();
});
afterAll(async () => stack?.stop());

interface AuditPage {
  rows: { emitted_at: string; details: { wake_id?: string; target?: string } }[];
}
interface InvestigationPage {
  investigations: { wake_id: string; claimed_at: string }[];
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The consumer's batch settings, as wrangler.toml gives them to `wrangler dev`. */
function queueSettings(): string {
  const toml = readFileSync("wrangler.toml", "utf8");
  const block = /\[\[queues\.consumers\]\]\s*\nqueue = "kora-wake"\n([\s\S]*?)(?:\n\n|\n\[)/.exec(toml)?.[1] ?? "";
  const setting = (key: string) => new RegExp(`${key} = (\\d+)`).exec(block)?.[1] ?? "default";
  return `max_batch_size=${setting("max_batch_size")}, max_batch_timeout=${setting("max_batch_timeout")}`;
}

it("measures wake → consumer start", async () => {
  const fly = stack.world.providers.get("fly") as FlyFake;
  const machines = Array.from({ length: SAMPLES }, (_, i) =>
    fly.putMachine({ app: "kora-web", id: `7a0b${String(i).padStart(10, "0")}`, name: `kora-web-bench-${i}` }),
  );
  let minute = Math.floor(Date.now() / 60_000) * 60_000 - 60 * 60_000;
  const latencies: number[] = [];
  for (const machine of machines) {
    fly.crash(machine, 1, false);
    // Two unhealthy cycles (KORA_WAKE_AFTER_CYCLES): the second sends the wake.
    await stack.fireCron("* * * * *", (minute += 60_000));
    await stack.fireCron("* * * * *", (minute += 60_000));
    const wake = await waitFor(`the wake for ${machine.id}`, async () => {
      const { rows } = await stack.api<AuditPage>("/api/audit?seam=probe.wake_requested&limit=20");
      return rows.find((row) => row.details.target === machine.id);
    });
    const claim = await waitFor(`the consumer to claim ${wake.details.wake_id}`, async () => {
      const { investigations } = await stack.api<InvestigationPage>("/api/investigations?limit=20");
      return investigations.find((row) => row.wake_id === wake.details.wake_id);
    });
    latencies.push(Date.parse(claim.claimed_at) - Date.parse(wake.emitted_at));
    // Let the investigation finish and the machine come back before the next sample.
    await waitFor(`${machine.id} to be fixed`, async () => (machine.state === "started" ? true : undefined));
  }
  reportFigure({
    name: "wake → consumer start under wrangler dev (median)",
    value: median(latencies),
    unit: "ms",
    note: `${queueSettings()}; ${SAMPLES} wakes, max ${Math.max(...latencies)} ms`,
  });
});
