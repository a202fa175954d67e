import { it } from "vitest";
import { median, reportFigure } from "./report";
import { redactSecrets } from "../src/audit/redact";

it("measures audit redaction on a typical row", () => {
  const secrets = ["fake-fly-token-0123456789", "test-operator-token-0123456789", "sk-fake-anthropic-key"];
  const row = {
    probe: "fly",
    target: "d5683210c7968e",
    detail: { events: Array.from({ length: 20 }, (_, i) => ({ i, text: "exit 1" })) },
  };
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = performance.now();
    for (let j = 0; j < 100; j++) redactSecrets(row, secrets);
    samples.push((performance.now() - start) / 100);
  }
  reportFigure({
    name: "audit redaction, typical row (median)",
    value: +(median(samples) * 1000).toFixed(1),
    unit: "µs",
  });
});
