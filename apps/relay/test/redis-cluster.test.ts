// The relay and the workers' consumers against a Redis Cluster of three masters (SPEC §2, "past one
// machine"): rows of many workspaces are published to their partitions, which the cluster spreads
// over its nodes by hash tag, and consumed there exactly once — no CROSSSLOT error on the way.
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import type { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueOutbox, initOrm } from "@rm/db";
import { ManualClock } from "@rm/domain";
import { allStreamKeys, closeRedis, CONSUMER_GROUP, createRedis, isCluster, StreamConsumer, type RedisClient } from "@rm/streams";
import { createTestDatabase, recordingLogger, REPO_ROOT, startRedisCluster, type LocalRedisCluster, type TestDatabase } from "@rm/test-utils";
import { OutboxRelay } from "../src/outbox-relay.ts";

let db: TestDatabase;
let orm: MikroORM;
let pool: pg.Pool;
let cluster: LocalRedisCluster;
let producer: RedisClient;
let consumerRedis: RedisClient;
const T0 = new Date("2026-11-23T12:00:00Z");
const naming = { prefix: `t${randomUUID().slice(0, 8)}:`, partitions: 6 };

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url });
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  cluster = await startRedisCluster({ dir: `${REPO_ROOT}/.data/test-cluster-${process.pid}`, masters: 3 });
  producer = createRedis(cluster.url, "producer", recordingLogger(), { cluster: true, connectionName: "test-relay" });
  consumerRedis = createRedis(cluster.url, "consumer", recordingLogger(), { cluster: true, connectionName: "test-worker" });
  // A producer fails fast until the client has learned the slots (no offline queue, by design).
  if (producer.status !== "ready") await once(producer, "ready");
}, 60_000);
afterAll(async () => {
  await closeRedis(producer);
  await closeRedis(consumerRedis);
  await cluster?.stop();
  await pool.end();
  await orm.close(true);
  await db.drop();
});

const until = async (check: () => boolean | Promise<boolean>, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe("relay and consumers on a Redis Cluster", () => {
  it("the partitions of a stream live on different nodes", async () => {
    expect(isCluster(producer)).toBe(true);
    const ports = new Set<number>();
    for (const key of allStreamKeys(naming, "dispatch")) {
      const slot = Number(await producer.call("CLUSTER", "KEYSLOT", key));
      const shards = (await producer.call("CLUSTER", "SLOTS")) as [number, number, [string, number]][];
      ports.add(shards.find(([from, to]) => slot >= from && slot <= to)![2][1]);
    }
    expect(ports.size).toBeGreaterThanOrEqual(2);
  });

  it("publishes rows of many workspaces to their partitions, and consumers handle each once", async () => {
    const workspaces = Array.from({ length: 40 }, () => randomUUID());
    const rows = workspaces.flatMap((workspaceId, w) =>
      Array.from({ length: 5 }, (_, i) => ({ workspaceId, stream: "dispatch", type: "test.work", payload: { w, i }, idempotencyKey: `cluster:${w}:${i}`, availableAt: T0 })),
    );
    await enqueueOutbox(orm.em.fork(), rows);

    const seen: string[] = [];
    const consumers = ["c1", "c2"].map(
      (consumer) => new StreamConsumer({ redis: consumerRedis, naming, kind: "dispatch", consumer, handle: async (e) => void seen.push(e.outboxId), blockMs: 100, readers: 1, claimIntervalMs: 60_000, trimIntervalMs: 60_000 }),
    );
    for (const c of consumers) await c.start();
    try {
      const relay = new OutboxRelay({ pool, listenUrl: null, redis: producer, naming, clock: new ManualClock(T0), batchSize: 150, pollMs: 60_000 });
      expect(await relay.publishBatch()).toBe(150);
      expect(await relay.publishBatch()).toBe(50);

      const lengths = await Promise.all(allStreamKeys(naming, "dispatch").map((key) => producer.xlen(key)));
      expect(lengths.reduce((a, b) => a + b, 0)).toBe(200);
      expect(lengths.filter((n) => n > 0).length).toBeGreaterThanOrEqual(4);

      await until(() => seen.length === 200);
      expect(new Set(seen).size).toBe(200);
      // Acknowledged everywhere, and the maintenance that names each partition works per node.
      for (const key of allStreamKeys(naming, "dispatch")) {
        await until(async () => Number(((await producer.xpending(key, CONSUMER_GROUP)) as [number])[0]) === 0);
      }
      await consumers[0]!.claimStale();
      await consumers[0]!.trim();
      const left = await Promise.all(allStreamKeys(naming, "dispatch").map((key) => producer.xlen(key)));
      expect(left.reduce((a, b) => a + b, 0)).toBeLessThan(200);
      const { rows: status } = await pool.query<{ n: string }>("select count(*)::text as n from outbox where status = 'published'");
      expect(Number(status[0]!.n)).toBe(200);
    } finally {
      for (const c of consumers) await c.stop();
    }
  });

  it("refuses several URLs without cluster mode, with a clear error", () => {
    expect(() => createRedis(cluster.url, "producer", recordingLogger())).toThrow(/REDIS_CLUSTER=true/);
  });
});
