import { it } from "vitest";
import { checkIncidentScope } from "../src/autofix/scope";
import type { IncidentScope } from "../src/contracts";
import { median, reportFigure } from "./report";

it("measures what the incident scope check adds to a reasoning fix (no network)", () => {
  // The largest incident a wake can carry (100 targets), the fix naming the last one: the
  // slowest accepted check there is. It reads only the tool context: no Fly call, no D1 query.
  const targets = Array.from({ length: 100 }, (_, i) => ({
    target: `m${String(i).padStart(13, "0")}`,
    fly_app: "web",
  }));
  const incident: IncidentScope = { incident_id: "wake:bench", wake_id: "bench", probe: "fly", targets };
  const request = { probe: "fly" as const, target_id: targets[99]?.target ?? "" };
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = performance.now();
    for (let j = 0; j < 1_000; j++) {
      if (!checkIncidentScope(request, { source: "reasoning", incident }).ok) throw new Error("expected in scope");
    }
    samples.push((performance.now() - start) / 1_000);
  }
  reportFigure({
    name: "incident scope check, 100-target wake (median)",
    value: +(median(samples) * 1000).toFixed(2),
    unit: "µs",
    note: "pure, before any Fly call; adds 0 Fly calls (see Fly calls per fix)",
  });
});
