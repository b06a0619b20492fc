import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runChaos } from "../src/chaos.ts";

// The small variant of `npm run chaos` (SPEC §11): real relay and worker processes, SIGKILLed and
// restarted at random while a campaign goes out.
describe("fault injection", () => {
  it("loses and duplicates nothing while relays and workers are killed at random", async () => {
    const report = await runChaos({
      patients: 400,
      kills: 6,
      workers: 2,
      relays: 2,
      timeoutMs: 120_000,
      logDir: fileURLToPath(new URL("../../../.data/logs", import.meta.url)),
    });
    expect(report.kills).toBe(6);
    expect({ lost: report.lost, duplicated: report.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(report.received).toBe(400);
    expect(report.deductedCredits).toBe(report.billedSegments);
    expect(report.stuckOutboxRows).toBe(0);
    expect(report.pendingStreamEntries).toBe(0);
    expect(report.deadLetters).toBe(0);
  });
});
