import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { faultPlan, formatChaosReport, runChaos } from "../src/chaos.ts";

// The small variant of `npm run chaos` (SPEC §11, §17): real relay, worker and web processes; relays and
// workers SIGKILLed and restarted at random, the web process killed under webhook load, the run's own
// Redis crashed once, PostgreSQL connections dropped once, the provider answering 5xx, timing out and
// slow for a while, and PostgreSQL away from the processes for longer than Twilio's webhook retries
// (20 s against the overrides' 15 s) while patients reply — as a campaign goes out and the simulator
// posts status callbacks and replies.
describe("fault injection", () => {
  it("loses and duplicates nothing, sends and replies alike, through kills, provider faults and a PostgreSQL outage", { timeout: 240_000 }, async () => {
    const report = await runChaos({
      patients: 300,
      kills: 4,
      workers: 2,
      relays: 2,
      redisDownMs: 1500,
      webKills: 1,
      providerFaultMs: 5000,
      pgOutageMs: 20_000,
      replyShare: 0.3,
      timeoutMs: 120_000,
      logDir: fileURLToPath(new URL("../../../.data/logs", import.meta.url)),
      log: (line) => console.error(`[chaos] ${line}`),
    });
    console.error(formatChaosReport(report));
    expect(report.kills).toBe(4);
    expect(report.webKills).toBe(1);
    expect(report.crashes).toEqual([]);
    expect(report.redisRestarts).toBe(1);
    expect(report.pgConnectionsTerminated).toBeGreaterThan(0);
    // Every fault was injected and did something.
    expect(report.providerFaults.windows).toBe(3);
    expect(report.providerFaults["5xx"]).toBeGreaterThan(0);
    expect(report.providerFaults.timeout).toBeGreaterThan(0);
    expect(report.providerFaults.slow).toBeGreaterThan(0);
    expect(report.pgOutages).toMatchObject({ count: 1, seconds: 20, repliesWhileDown: 30 });
    expect(report.pgOutages.connectionsDropped).toBeGreaterThan(0);
    expect({ lost: report.lost, duplicated: report.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    expect(report.received).toBe(300);
    expect(report.deductedCredits).toBe(report.billedSegments);
    // Replies: some arrived while no webhook could store them; every one is stored exactly once.
    expect(report.replies.atProvider).toBeGreaterThan(30);
    // Twilio gave up on those posted during the outage (its retries last 15 s): only inbound reconciliation brought them back.
    expect(report.replies.webhookFailed).toBeGreaterThanOrEqual(30);
    expect({ lost: report.replies.lost, duplicated: report.replies.duplicated }).toEqual({ lost: 0, duplicated: 0 });
    // The web tier stored every signed callback while Redis was down, and every delivery was applied.
    expect(report.webhooksWhileRedisDown.posted).toBeGreaterThan(0);
    expect(report.webhooksWhileRedisDown.accepted).toBe(report.webhooksWhileRedisDown.posted);
    expect(report.statusCallbacks?.notApplied).toBe(0);
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

  it("plans the provider's faults from the middle, the PostgreSQL outage three quarters in and the web kills spread out", () => {
    const plan = faultPlan(4, true, true, { webKills: 1, providerFaults: true, pgOutage: true });
    expect(plan.map((f) => (f.kind === "provider" ? f.fault : f.kind))).toEqual(["kill", "redis", "kill", "5xx", "timeout", "web", "slow", "pg-outage", "pg", "kill", "kill"]);
  });
});
