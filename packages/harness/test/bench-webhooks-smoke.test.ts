import { describe, expect, it } from "vitest";
import { runWebhooksBench } from "../src/bench-webhooks.ts";

// A tiny run of `npm run bench:webhooks`, so the benchmark keeps working. Numbers are not judged
// here, but durability is: every answered callback is stored, none twice.
describe("webhook benchmark (smoke)", () => {
  it("answers signed callbacks, stores each once and measures both baselines", async () => {
    const r = await runWebhooksBench({ durationSeconds: 1, connections: 4 });
    expect(r.ours.answered2xx).toBeGreaterThan(0);
    expect(r.ours.non2xx + r.ours.errors).toBe(0);
    expect(r.stored).toBeGreaterThanOrEqual(r.ours.answered2xx);
    expect(r.storedTwice).toBe(0);
    expect(r.bare.requestsPerSecond).toBeGreaterThan(0);
    expect(r.naive.answered2xx).toBeGreaterThan(0);
  }, 120_000);
});
