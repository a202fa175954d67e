import { it } from "vitest";
import { runAutofixGates } from "../src/autofix/gates";
import { median, reportFigure } from "./report";

it("measures the gate pipeline on a rejection (no network)", () => {
  const env = { KORA_PROBE_AUTOFIX_FLY_ENABLED: "true" };
  const pause = { paused: false } as const;
  // The last gate refuses, so every gate runs: the slowest rejection there is.
  const input = { probe: "fly", action: "restart_machine", target_id: "../etc/passwd" };
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = performance.now();
    for (let j = 0; j < 1_000; j++) {
      if (runAutofixGates(input, { env, pause }).ok) throw new Error("expected a rejection");
    }
    samples.push((performance.now() - start) / 1_000);
  }
  reportFigure({
    name: "autofix gates 1-4, rejection at gate 4 (median)",
    value: +(median(samples) * 1000).toFixed(2),
    unit: "µs",
    note: "pure; no Fly or D1 call",
  });
});
