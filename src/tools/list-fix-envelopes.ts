import { z } from "zod";
import { FIX_ENVELOPES, isEnvelopeEnabled } from "../contracts";
import { PROBES } from "../contracts";
import { defineTool } from "./tool";

const Input = z.object({});

export const listFixEnvelopesTool = defineTool({
  name: "kora__list_fix_envelopes",
  description:
    "The fix envelopes: per probe, the fix Kora may attempt on its own, the actions it accepts, the variable " +
    "that switches it on, and whether it is on right now. Read-only.",
  input: Input,
  mutating: false,
  requiresCapGate: false,
  // Read at call time (like gate 2) so a flipped variable shows at once.
  run(_input, ctx) {
    return Promise.resolve({
      content: {
        envelopes: PROBES.map((probe) => ({
          probe,
          fix_name: FIX_ENVELOPES[probe].fix_name,
          actions: Object.keys(FIX_ENVELOPES[probe].actions),
          enable_env: FIX_ENVELOPES[probe].enable_env,
          enabled: isEnvelopeEnabled(probe, ctx.env),
        })),
      },
    });
  },
});
