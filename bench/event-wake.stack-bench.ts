/**
 * Event wakes (DESIGN §13) against the cron, under `wrangler dev` with the fake world: from the
 * moment a signed Sentry or Vercel event is sent to the wake (`probe.wake_requested`, written right
 * after the queue took the message) and to the operator's DM (the fake Slack receiving it). Each
 * sample is a fresh stack, so every event opens its own incident. The cron's side: what one probe
 * cycle takes to find a crash and send its wake, and what the schedule adds to it.
 */
import { it } from "vitest";
import { DEMO_MACHINES, DEMO_VARS } from "../test/fakes/seed.ts";
import type { FlyFake } from "../test/fakes/fly.ts";
import type { SlackFake } from "../test/fakes/slack.ts";
import { startLocalStack, type LocalStack } from "../scripts/local-stack.mjs";
import { median, reportFigure } from "./report";

const SAMPLES = 3;
const WAKE_AFTER_CYCLES = 2; // the default of KORA_WAKE_AFTER_CYCLES, which the local stack keeps

interface AuditPage {
  rows: { emitted_at: string; details: { target?: string } }[];
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function control(stack: LocalStack, path: string, body: unknown = {}): Promise<void> {
  const response = await fetch(`${stack.worldUrl}/__control/${path}`, { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
}

/** Sends one event through the fake world and times the wake and the DM about `target`. */
async function timeEvent(stack: LocalStack, provider: "sentry" | "vercel", target: string) {
  const slack = stack.world.providers.get("slack") as SlackFake;
  const sentAt = Date.now();
  await control(stack, `webhooks/${provider}`);
  const wake = await waitFor(`the ${provider} wake`, async () => {
    const { rows } = await stack.api<AuditPage>("/api/audit?seam=probe.wake_requested&limit=20");
    return rows.find((row) => row.details.target === target);
  });
  // Polled every 20 ms: the DM time is that close.
  const dmAt = await waitFor(`the ${provider} DM`, () =>
    slack.posts.some((post) => post.text.includes(target)) ? Date.now() : undefined,
  );
  return { wake: Date.parse(wake.emitted_at) - sentAt, dm: dmAt - sentAt };
}

it("measures event → wake and event → DM, beside the cron", async () => {
  const samples: Record<"sentry" | "vercel", { wake: number; dm: number }[]> = { sentry: [], vercel: [] };
  const cycles: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const stack = await startLocalStack();
    try {
      await control(stack, "sentry/project", {
        org: DEMO_VARS.KORA_SENTRY_ORG,
        project: DEMO_VARS.KORA_SENTRY_PROJECT,
        errors_per_minute: 500,
      });
      samples.sentry.push(
        await timeEvent(stack, "sentry", `${DEMO_VARS.KORA_SENTRY_ORG}/${DEMO_VARS.KORA_SENTRY_PROJECT}`),
      );
      await control(stack, "vercel/deploy", { projectId: DEMO_VARS.KORA_VERCEL_PROJECT_ID, state: "ERROR" });
      samples.vercel.push(await timeEvent(stack, "vercel", DEMO_VARS.KORA_VERCEL_PROJECT_ID));

      // The cron's path for a crash: the cycle that reaches the threshold probes and sends the wake.
      const fly = stack.world.providers.get("fly") as FlyFake;
      const machine = fly.apps.get(DEMO_VARS.KORA_FLY_APP_NAME)?.get(DEMO_MACHINES.web1);
      if (!machine) throw new Error("demo machine missing");
      fly.crash(machine, 1, false);
      const minute = Math.floor(Date.now() / 60_000) * 60_000;
      await stack.fireCron("* * * * *", minute);
      const startedAt = Date.now();
      await stack.fireCron("* * * * *", minute + 60_000);
      const wake = await waitFor("the cron's wake", async () => {
        const { rows } = await stack.api<AuditPage>("/api/audit?seam=probe.wake_requested&limit=20");
        return rows.find((row) => row.details.target === DEMO_MACHINES.web1);
      });
      cycles.push(Date.parse(wake.emitted_at) - startedAt);
    } finally {
      await stack.stop();
    }
  }
  for (const provider of ["sentry", "vercel"] as const) {
    const wakes = samples[provider].map((s) => s.wake);
    const dms = samples[provider].map((s) => s.dm);
    reportFigure({
      name: `${provider} event → wake under wrangler dev (median)`,
      value: median(wakes),
      unit: "ms",
      note: `${SAMPLES} events, max ${Math.max(...wakes)} ms; the probe runs once, no cron`,
    });
    reportFigure({
      name: `${provider} event → DM under wrangler dev (median)`,
      value: median(dms),
      unit: "ms",
      note: `max ${Math.max(...dms)} ms; includes the investigation against the fake model`,
    });
  }
  const cycle = median(cycles);
  reportFigure({
    name: "crash → wake through the cron: the cycle that wakes (median)",
    value: cycle,
    unit: "ms",
    note: `${SAMPLES} samples; on Cloudflare the schedule adds the wait for the next minute (30 s on average) and ${WAKE_AFTER_CYCLES - 1} more cycle(s) of the threshold`,
  });
  reportFigure({
    name: "crash → wake through the cron, expected on Cloudflare",
    value: Math.round((30_000 + (WAKE_AFTER_CYCLES - 1) * 60_000 + cycle) / 100) / 10,
    unit: "s",
    note: `KORA_WAKE_AFTER_CYCLES=${WAKE_AFTER_CYCLES}: 30 s average wait + ${WAKE_AFTER_CYCLES - 1} min + the cycle`,
  });
});
