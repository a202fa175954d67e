import { z } from "zod";
import { pauseOf, readEnvelopeReport } from "../autonomy";
import { defineTool } from "./tool";

const Input = z.object({});

export const listFixEnvelopesTool = defineTool({
  name: "kora__list_fix_envelopes",
  description:
    "The fix envelopes: per probe, the fix Kora may attempt, the actions it accepts, the variable that sets " +
    "its mode, the mode now (`off`, `shadow`: decides and records but changes nothing, `on`: acts), whether " +
    "the operator has paused autonomy (then no envelope acts), and shadow mode's record over the last 30 " +
    "days (decisions, needed, unneeded, precision). Read-only.",
  input: Input,
  mutating: false,
  requiresCapGate: false,
  // Read at call time (like gate 2) so a flipped variable or a pause shows at once.
  async run(_input, ctx) {
    const report = await readEnvelopeReport(ctx.env, ctx.now(), { last: 0 });
    return {
      content: {
        autonomy: pauseOf(report.autonomy),
        envelopes: report.envelopes.map((envelope) => ({
          probe: envelope.probe,
          fix_name: envelope.fix_name,
          actions: envelope.actions,
          enable_env: envelope.enable_env,
          mode: envelope.mode,
          effective: envelope.effective,
          enabled: envelope.effective === "on",
          shadow: {
            decisions: envelope.decisions,
            needed: envelope.needed,
            unneeded: envelope.unneeded,
            precision: envelope.precision,
          },
        })),
      },
    };
  },
});
