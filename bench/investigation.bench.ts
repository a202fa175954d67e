import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { listAuditEvents } from "../src/audit/queries";
import { world } from "../test/world";
import { anthropicStats, deliver, seedCrashedMachine, wakeFor, withVars } from "../test/wake/helpers";
import { reportFigure } from "./report";

/**
 * The scripted investigation (the Anthropic fake's default scenario: two reads, the Fly restart,
 * a summary) run twice on the same day, as two wakes would: the second reads the system prompt
 * and tools from the prompt cache. On the default model every turn thinks; the fake reports how
 * many of the output tokens that took (`output_tokens_details.thinking_tokens`, summed in its
 * stats), at stand-in figures per effort rather than measured ones.
 */
describe("investigation", () => {
  it("reports turns, tokens, cache share and cost", async () => {
    await world.reset();
    const vars = withVars({ KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" });
    const figures = [];
    let thinkingSoFar = 0;
    for (let run = 0; run < 2; run++) {
      const wake = wakeFor(await seedCrashedMachine());
      const started = Date.now();
      await deliver(wake, { env: vars });
      const wall = Date.now() - started;
      const stats = await anthropicStats();
      if (stats.bad_requests > 0) throw new Error(`the model API refused: ${stats.bad_request_messages.join("; ")}`);
      const thinking = stats.thinking_tokens - thinkingSoFar;
      thinkingSoFar = stats.thinking_tokens;
      const { rows } = await listAuditEvents(env.DB, {
        caller_session_id: wake.caller_session_id,
        seam: "probe.investigation_completed",
        limit: 1,
      });
      figures.push({ details: rows[0]?.details as Record<string, number | string>, wall, thinking });
    }
    const [first, second] = figures;
    if (!first || !second) throw new Error("the investigations wrote no completion rows");
    const d1 = first.details;
    const d2 = second.details;
    const model = String(d1.model);
    reportFigure({ name: "investigation turns", value: Number(d1.turns), unit: "turns", note: "scripted scenario" });
    reportFigure({
      name: "investigation input tokens (first of day)",
      value: inputTotal(d1),
      unit: "tokens",
      note: "incl. cache write",
    });
    reportFigure({
      name: "investigation output tokens",
      value: Number(d1.output_tokens),
      unit: "tokens",
      note: `${first.thinking} of them thinking; ${model}, effort ${vars.KORA_MODEL_EFFORT}`,
    });
    reportFigure({
      name: "investigation thinking tokens",
      value: first.thinking,
      unit: "tokens",
      note: "the fake's stand-in figure per effort, not a measurement",
    });
    reportFigure({
      name: "input read from cache (second of day)",
      value: +((100 * Number(d2.cache_read_input_tokens)) / inputTotal(d2)).toFixed(1),
      unit: "%",
      note: `${d2.cache_read_input_tokens} of ${inputTotal(d2)} tokens`,
    });
    reportFigure({
      name: "investigation cost (first of day)",
      value: Number(d1.cost_usd),
      unit: "USD",
      note: `${model}, thinking included`,
    });
    reportFigure({ name: "investigation cost (second of day)", value: Number(d2.cost_usd), unit: "USD", note: model });
    reportFigure({
      name: "investigation wall time (fake world)",
      value: second.wall,
      unit: "ms",
      note: "loop + Fly restart + DM, second run",
    });
  });
});

function inputTotal(details: Record<string, number | string>): number {
  return (
    Number(details.input_tokens) + Number(details.cache_read_input_tokens) + Number(details.cache_creation_input_tokens)
  );
}
