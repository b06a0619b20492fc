import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runClusterChaos } from "../src/chaos-redis-cluster.ts";

// `npm run chaos:redis-cluster` in small: the master of stream partition 0 is killed while the
// messages go out; its replica takes over and whatever it never received comes back through the
// outbox sweeper — nothing lost, nothing sent twice.
describe("chaos on a Redis Cluster (reduced)", () => {
  it("a master killed mid-run loses nothing and duplicates nothing", async () => {
    const report = await runClusterChaos({ messages: 1200, workers: 1, partitions: 4, sweepAfterMs: 3_000, timeoutMs: 120_000, logDir: fileURLToPath(new URL("../../../.data/logs", import.meta.url)) });
    expect(report.failoverSeconds).toBeGreaterThan(0);
    expect({ lost: report.lost, duplicated: report.duplicated, stuck: report.stuckOutboxRows }).toEqual({ lost: 0, duplicated: 0, stuck: 0 });
  }, 240_000);
});
