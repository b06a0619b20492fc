import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runScaleBench } from "../src/bench-scale.ts";

// A tiny run of `npm run bench:scale`: the curve is measured at two backlog sizes, and the shaping
// run sends everything it queued, once, at about the configured rates.
describe("scale benchmark (smoke)", () => {
  it("measures the curve and shapes each sender's traffic without dropping or duplicating", async () => {
    const r = await runScaleBench({ sizes: [100, 2000], messages: 100, shapingSeconds: 3, logDir: fileURLToPath(new URL("../../../.data/logs", import.meta.url)) });
    expect(r.curve.map((p) => p.backlog)).toEqual([100, 2000]);
    expect(r.curve.every((p) => p.perSecond > 0)).toBe(true);
    expect(r.shaping).toHaveLength(3);
    for (const s of r.shaping) {
      expect(s.received).toBe(s.messages);
      expect(s.duplicates).toBe(0);
    }
    // Long code: 3 messages at 1/s are paced over seconds, not sent at once.
    const longCode = r.shaping.find((s) => s.kind === "longCode")!;
    expect(longCode.spanSeconds).toBeGreaterThanOrEqual(1);
  });
});
