import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runScaleBench } from "../src/bench-scale.ts";

// A tiny run of `npm run bench:scale`: the curve is measured at two backlog sizes, the shaping run
// sends everything it queued, once, at about the configured rates, and the half-load run sends every
// message written ahead once, each measured from its own due time.
describe("scale benchmark (smoke)", () => {
  it("measures the curve, shapes each sender's traffic and measures due → send at half load without dropping or duplicating", async () => {
    const r = await runScaleBench({
      sizes: [100, 2000],
      messages: 100,
      shapingSeconds: 3,
      halfLoadSeconds: 3,
      halfLoadRate: 30,
      logDir: fileURLToPath(new URL("../../../.data/logs", import.meta.url)),
    });
    expect(r.curve.map((p) => p.backlog)).toEqual([100, 2000]);
    expect(r.curve.every((p) => p.perSecond > 0)).toBe(true);
    expect(r.shaping).toHaveLength(3);
    for (const s of r.shaping) {
      expect(s.received).toBe(s.messages);
      expect(s.duplicates).toBe(0);
      expect(s.fittedPerSecond).toBeGreaterThan(0);
    }
    // Long code: 3 messages at 1/s are paced over seconds, not sent at once.
    const longCode = r.shaping.find((s) => s.kind === "longCode")!;
    expect(longCode.spanSeconds).toBeGreaterThanOrEqual(1);

    const h = r.halfLoad!;
    expect(h.messages).toBe(90);
    expect(h.received).toBe(h.messages);
    expect(h.duplicates).toBe(0);
    // Every send was matched to its row's due time, and none went out before it.
    expect(h.measured).toBe(h.messages);
    expect(h.latencyMinMs).toBeGreaterThanOrEqual(0);
    expect(h.latencyP50Ms).toBeGreaterThanOrEqual(h.latencyMinMs);
    expect(h.latencyP99Ms).toBeGreaterThanOrEqual(h.latencyP50Ms);
    expect(h.latencyMaxMs).toBeGreaterThanOrEqual(h.latencyP99Ms);
    expect(h.seconds).toBeGreaterThan(2);
  });
});
