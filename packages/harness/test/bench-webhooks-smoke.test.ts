import { describe, expect, it } from "vitest";
import { runWebhooksBench } from "../src/bench-webhooks.ts";

// A tiny run of `npm run bench:webhooks`, so the benchmark keeps working. Numbers are not judged
// here, but durability is: every answered callback is stored, none twice.
describe("webhook benchmark (smoke)", () => {
  it("answers signed callbacks, stores each once and measures both baselines and the half-load phase", async () => {
    const r = await runWebhooksBench({ durationSeconds: 1, connections: 4 });
    expect(r.ours.answered2xx).toBeGreaterThan(0);
    expect(r.ours.non2xx + r.ours.errors).toBe(0);
    expect(r.bare.requestsPerSecond).toBeGreaterThan(0);
    expect(r.naive.answered2xx).toBeGreaterThan(0);
    // Half load: offered at half of ours' saturated rate, to ours and to the bare server, all answered.
    expect(r.halfLoad.rate).toBe(Math.max(1, Math.round(r.ours.requestsPerSecond / 2)));
    expect(r.halfLoad.ours.answered2xx).toBe(Math.round(r.halfLoad.rate * r.durationSeconds));
    expect(r.halfLoad.ours.non2xx + r.halfLoad.ours.errors + r.halfLoad.ours.timeouts).toBe(0);
    expect(r.halfLoad.bare.answered2xx).toBe(r.halfLoad.ours.answered2xx);
    // The commit floor ran at the same rate: every commit made, none failed.
    expect(r.halfLoad.rawCommits.answered2xx).toBe(r.halfLoad.ours.answered2xx);
    expect(r.halfLoad.rawCommits.errors).toBe(0);
    expect(r.halfLoad.ours.latencyMaxMs).toBeGreaterThanOrEqual(r.halfLoad.ours.latencyP99Ms);
    // Both phases' callbacks are stored, none twice.
    expect(r.stored).toBeGreaterThanOrEqual(r.ours.answered2xx + r.halfLoad.ours.answered2xx);
    expect(r.storedTwice).toBe(0);
  }, 120_000);
});
