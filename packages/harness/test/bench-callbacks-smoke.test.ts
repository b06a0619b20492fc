import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runPipelineBench } from "../src/bench-pipeline.ts";

// A tiny run of `npm run bench:pipeline -- --callbacks`, so the benchmark keeps working. Numbers are
// not judged here; what is: every message was sent once and ended DELIVERED in PostgreSQL after its
// three signed status callbacks were answered, through our web app and through the BullMQ baseline's.
describe("pipeline benchmark with status callbacks (smoke)", () => {
  it("takes every message to DELIVERED through the callbacks, ours and BullMQ's, and reports the ratio", async () => {
    const messages = 200;
    const report = await runPipelineBench({ messages, workers: 1, callbacks: true, ceilings: false, logDir: fileURLToPath(new URL("../../../.data/logs", import.meta.url)) });
    expect(report.duplicates).toBe(0);
    expect(report.bullmq?.duplicates).toBe(0);

    const ours = report.callbacks!.ours;
    expect(ours.delivered).toBe(messages);
    // queued, sent and delivered for each message, every one answered 2xx by the web app.
    expect(ours.callbacksAnswered).toBe(messages * 3);
    expect(ours.callbacksFailed).toBe(0);
    expect(ours.deliveredPerSecond).toBeGreaterThan(0);
    expect(ours.cpuSecondsPer1000ByKind.web).toBeGreaterThan(0);

    const bullmq = report.callbacks!.bullmq!;
    expect(bullmq.delivered).toBe(messages);
    // Its webhook may answer 503 to a callback that beat its own write of the sid (retried, then
    // answered); the `delivered` of every message was answered, or its row would not be DELIVERED.
    expect(bullmq.callbacksAnswered).toBeGreaterThanOrEqual(messages);
    expect(bullmq.deliveredPerSecond).toBeGreaterThan(0);
    expect(bullmq.cpuSecondsPer1000).toBeGreaterThan(0);
    expect(report.callbacks!.ratioToBullmq).toBeGreaterThan(0);
    // Only BullMQ ran as a baseline: no raw ceilings or relay-alone figures in a smoke run.
    expect(report.raw).toBeUndefined();
  }, 120_000);
});
