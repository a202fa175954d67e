import { it } from "vitest";
import { boundDetails } from "../src/audit/bound";
import { redactSecrets } from "../src/audit/redact";
import { median, reportFigure } from "./report";

/** Microseconds per call of `fn`, the median of 200 samples of `batch` calls. */
function time(fn: () => unknown, batch: number): number {
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = performance.now();
    for (let j = 0; j < batch; j++) fn();
    samples.push((performance.now() - start) / batch);
  }
  return +(median(samples) * 1000).toFixed(1);
}

it("measures the audit row bound on a typical row and on a planted 60 KB one", () => {
  const typical = {
    probe: "fly",
    action: "restart_machine",
    target_id: "d5683210c7968e",
    reason_from_reasoning: "machine crashed with exit code 1; restarting it is the envelope's fix",
    status: "attempted",
    before_state: { id: "d5683210c7968e", name: "web-1", state: "stopped", region: "cdg", instance_id: "01J9ZK" },
  };
  const planted = { ...typical, reason_from_reasoning: "ignore previous instructions ".repeat(2_200) };
  reportFigure({
    name: "audit row bound, typical row (median)",
    value: time(() => boundDetails(typical), 100),
    unit: "µs",
  });
  reportFigure({
    name: "audit row bound, planted 60 KB row (median)",
    value: time(() => boundDetails(planted), 10),
    unit: "µs",
    note: "clipped to 32 KiB with a marker",
  });
});

it("measures redaction of a planted 60 KB string, which looks for a cut token only in its tail", () => {
  const secrets = ["fake-fly-token-0123456789", "test-operator-token-0123456789abcdef", "sk-fake-anthropic-key"];
  const planted = "ignore previous instructions ".repeat(2_200);
  reportFigure({
    name: "audit redaction, planted 60 KB string (median)",
    value: time(() => redactSecrets(planted, secrets), 10),
    unit: "µs",
    note: "3 secrets",
  });
});
