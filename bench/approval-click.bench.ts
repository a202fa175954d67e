import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { it } from "vitest";
import worker from "../src/index";
import { incidentAwaitingApproval, kora, machineId, postInteraction, press, PROD } from "../test/approvals/harness";
import { world } from "../test/world";
import { median, reportFigure } from "./report";

const SAMPLES = 20;

/**
 * Three figures of one Approve click against the fake world: how long Slack waits for its 200
 * (must stay far under 3 s), and the whole decision in `waitUntil` — claim, audit rows, Fly
 * lease/start/wait/re-read, DM update — which must fit Cloudflare's 30 s after the response.
 */
it("measures an approved click, answer and full decision", async () => {
  await world.reset();
  const answer: number[] = [];
  const total: number[] = [];
  const refused: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const target = machineId();
    await world.fly.machines([{ app: PROD, id: target, state: "stopped" }]);
    const incident = await incidentAwaitingApproval({ target });
    const signed = await press(incident.post, incident.approve);
    const ctx = createExecutionContext();
    const request = new Request("https://kora.test/slack/interactions", { method: "POST", ...signed });
    const started = Date.now();
    const response = await worker.fetch(request, kora, ctx);
    answer.push(Date.now() - started);
    await waitOnExecutionContext(ctx);
    total.push(Date.now() - started);
    if (response.status !== 200) throw new Error(`click answered ${response.status}`);
    const again = Date.now();
    await postInteraction(await press(incident.post, incident.approve));
    refused.push(Date.now() - again);
  }
  reportFigure({
    name: "approve click, Slack's 200 (median)",
    value: median(answer),
    unit: "ms",
    note: "signature + parse + waitUntil hand-off; Slack's deadline is 3 s",
  });
  reportFigure({
    name: "approve click, full decision incl. Fly start (median)",
    value: median(total),
    unit: "ms",
    note: `fake Fly with 30 ms transitions; ${SAMPLES} clicks; bound 30 s (waitUntil)`,
  });
  reportFigure({
    name: "second click refused, incl. audit + DM update (median)",
    value: median(refused),
    unit: "ms",
    note: "D1 lookup, conditional claim skipped, one audit row, chat.update",
  });
});
