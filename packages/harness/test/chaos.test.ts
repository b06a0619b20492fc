import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { faultPlan, runChaos } from "../src/chaos.ts";

// The small variant of `npm run chaos` (SPEC §11): real relay, worker and web processes; relays and
// workers SIGKILLed and restarted at random, the run's own Redis crashed once, PostgreSQL
// connections dropped once, while a campaign goes out and the simulator posts status callbacks.
describe("fault injection", () => {
  it("loses and duplicates nothing through process kills, a Redis crash and dropped database connections", async () => {
    const report = await runChaos({
      patients: 400,
      kills: 6,
      workers: 2,
      relays: 2,
      redisDownMs: 1500,
      timeoutMs: 120_000,
      logDir: fileURLToPath(new URL("../../../.data/logs", import.meta.url)),
    });
    expect(report.kills).toBe(6);
    expect(report.crashes).toEqual([]);
    expect(report.redisRestarts).toBe(1);
    expect(report.pgConnectionsTerminated).toBeGreaterThan(0);
    expect({ lost: report.lost, duplicated: report.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(report.received).toBe(400);
    expect(report.deductedCredits).toBe(report.billedSegments);
    // The web tier stored every signed callback while Redis was down, and every DELIVERED was applied.
    expect(report.webhooksWhileRedisDown.posted).toBeGreaterThan(0);
    expect(report.webhooksWhileRedisDown.accepted).toBe(report.webhooksWhileRedisDown.posted);
    expect(report.statusCallbacks).toEqual({ posted: 400, failed: 0, notApplied: 0 });
    expect(report.stuckOutboxRows).toBe(0);
    expect(report.unappliedStatusCallbacks).toBe(0);
    expect(report.pendingStreamEntries).toBe(0);
    expect({ deadLetters: report.deadLetters, samples: report.deadLetterSamples }).toEqual({ deadLetters: 0, samples: [] });
    expect(report.ok).toBe(true);
  });

  it("plans the Redis crash after a third of the kills and the connection drop after two thirds", () => {
    expect(faultPlan(6, true, true).map((f) => f.kind)).toEqual(["kill", "kill", "redis", "kill", "kill", "pg", "kill", "kill"]);
    expect(faultPlan(3, false, false).map((f) => f.kind)).toEqual(["kill", "kill", "kill"]);
  });
});
