import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runPipelineBench } from "../src/bench-pipeline.ts";

// `npm run bench:pipeline -- --redis-cluster` in small: relay and worker processes with
// REDIS_CLUSTER=true against a local cluster of three masters, the partitions spread over them.
describe("bench:pipeline --redis-cluster (smoke)", () => {
  it("sends every message once through a Redis Cluster", async () => {
    const report = await runPipelineBench({ messages: 300, workers: 1, partitions: 4, redisCluster: true, logDir: fileURLToPath(new URL("../../../.data/logs", import.meta.url)) });
    expect(report.duplicates).toBe(0);
    expect(report.endToEndPerSecond).toBeGreaterThan(0);
    expect(report.bullmq).toBeUndefined();
  }, 180_000);
});
