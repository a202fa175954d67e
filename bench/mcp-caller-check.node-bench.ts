import { timingSafeEqual } from "node:crypto";
import { it } from "vitest";
import { identifyMcpCaller } from "../src/mcp/callers";
import { sha256Hex } from "../src/contracts";
import { median, reportFigure } from "./report";

// workerd's `crypto.subtle.timingSafeEqual` is an extension Node lacks; node:crypto has the same
// primitive, so the bench measures the same work.
const bytes = (data: ArrayBuffer | ArrayBufferView) =>
  ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
const subtle = crypto.subtle as Partial<Pick<SubtleCrypto, "timingSafeEqual">>;
subtle.timingSafeEqual ??= (a, b) => timingSafeEqual(bytes(a), bytes(b));

/** The caller check compares every configured hash (no early exit), so it grows with the list. */
it("measures the MCP caller check against the number of callers", async () => {
  for (const count of [1, 10, 50]) {
    const callers = await Promise.all(
      Array.from({ length: count }, async (_, i) => ({
        id: `c${i}`,
        token_sha256: await sha256Hex(`token-${i}`),
        caps: [],
      })),
    );
    const samples: number[] = [];
    for (let i = 0; i < 200; i++) {
      const start = performance.now();
      const check = await identifyMcpCaller(`token-${count - 1}`, callers);
      samples.push(performance.now() - start);
      if (!check.ok) throw new Error("bench caller not found");
    }
    reportFigure({
      name: `MCP caller check, ${count} caller${count === 1 ? "" : "s"} configured (median)`,
      value: +(median(samples) * 1000).toFixed(1),
      unit: "µs",
      note: "per request; every hash is compared so timing reveals no caller",
    });
  }
});
