import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runPipelineBench } from "../src/bench-pipeline.ts";

// A tiny run of `npm run bench:pipeline`, so the benchmark keeps working. Numbers are not judged here.
describe("pipeline benchmark (smoke)", () => {
  it("sends every message once, runs the baselines and reports the ratios", async () => {
    const report = await runPipelineBench({ messages: 300, workers: 1, relayRows: 2_000, profileStatements: true, logDir: fileURLToPath(new URL("../../../.data/logs", import.meta.url)) });
    expect(report.duplicates).toBe(0);
    expect(report.endToEndPerSecond).toBeGreaterThan(0);
    expect(report.rawSdkPerSecond).toBeGreaterThan(0);
    expect(report.latencyP99Seconds).toBeGreaterThanOrEqual(report.latencyP50Seconds);
    expect(report.cpuSecondsPer1000.worker).toBeGreaterThan(0);
    // Every message is at least a row in messages, patients and outbox, and their WAL.
    expect(report.footprint.walBytesPerMessage).toBeGreaterThan(0);
    expect(Object.keys(report.footprint.bytesPerMessageByTable)).toEqual(expect.arrayContaining(["messages", "patients", "outbox"]));
    expect(report.footprint.totalBytesPerMessage).toBeGreaterThan(report.footprint.bytesPerMessageByTable.messages!);
    // The baselines of the same run: BullMQ sent every message once, the raw ceilings were measured.
    expect(report.bullmq?.duplicates).toBe(0);
    expect(report.bullmq?.endToEndPerSecond).toBeGreaterThan(0);
    expect(report.raw?.redisStreamPerSecond).toBeGreaterThan(report.endToEndPerSecond);
    expect(report.raw?.pgSingleRowCommitsPerSecond).toBeGreaterThan(0);
    expect(report.ratios?.toBullmq).toBeGreaterThan(0);
    // The relay alone drained the same 2,000 rows the minimal loop did (each throws if not all).
    expect(report.relayAlone?.rows).toBe(2_000);
    expect(report.relayAlone?.relayRowsPerSecond).toBeGreaterThan(0);
    // Both claim sizes of the minimal loop ran (the bench's relay claims 500).
    expect(Object.keys(report.relayAlone?.minimalLoopRowsPerSecond ?? {}).sort()).toEqual(["100", "500"]);
    expect(report.relayAlone?.ratio).toBeGreaterThan(0);
    // Where the CPU went: the product's processes and the servers each spent some, and with idle
    // the shares add up to the whole machine (the account misses nothing and counts nothing twice),
    // within what whole clock ticks can tell over a window this short (resolutionShare).
    for (const account of [report.cpuAccount.sends, report.bullmq!.cpuAccount.sends]) {
      const total = Object.values(account.shareOfMachine).reduce((a, b) => a + b, 0) + account.idleShare;
      expect(Math.abs(total - 1)).toBeLessThanOrEqual(Math.max(0.05, account.resolutionShare));
      expect(account.cpuSeconds.postgres).toBeGreaterThan(0);
    }
    expect(report.cpuAccount.sends.cpuSeconds.worker).toBeGreaterThan(0);
    // The relay's share of 300 messages can be under one clock tick; it is accounted all the same.
    expect(Object.keys(report.cpuAccount.sends.cpuSeconds)).toEqual(expect.arrayContaining(["relay", "worker", "postgres", "redis", "other"]));
    expect(report.bullmq!.cpuAccount.sends.cpuSeconds["bullmq workers"]).toBeGreaterThan(0);
    // The statement profile (the local server preloads pg_stat_statements): the send path's writes are in it.
    expect(report.statements?.top.some((s) => /^update messages/i.test(s.query))).toBe(true);
    expect(report.bullmq?.statements?.top.some((s) => /^update messages/i.test(s.query))).toBe(true);
  });
});
