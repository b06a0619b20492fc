import type { MikroORM } from "@mikro-orm/postgresql";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enqueueOutbox, initOrm } from "@rm/db";
import { ManualClock, systemClock } from "@rm/domain";
import { allStreamKeys, decodeEntry, streamKey } from "@rm/streams";
import { createTestDatabase, createTestRedis, type TestDatabase, type TestRedis } from "@rm/test-utils";
import { OutboxRelay, SCHEDULE_GRANULARITY_MS } from "../src/outbox-relay.ts";

let db: TestDatabase;
let orm: MikroORM;
let pool: pg.Pool;
let r: TestRedis;
let clock: ManualClock;
const T0 = new Date("2026-11-23T12:00:00Z");
const naming = () => ({ prefix: r.prefix, partitions: 2 });

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url });
  pool = new pg.Pool({ connectionString: db.url, max: 8 });
});
afterAll(async () => {
  await pool.end();
  await orm.close(true);
  await db.drop();
});
beforeEach(async () => {
  r = await createTestRedis();
  clock = new ManualClock(T0);
  await pool.query("delete from outbox");
  return () => r.cleanup();
});

let seq = 0;
async function enqueue(n: number, opts: { at?: Date; stream?: string; workspaceId?: string | null } = {}) {
  const rows = Array.from({ length: n }, () => {
    const k = ++seq;
    return { workspaceId: opts.workspaceId ?? null, stream: opts.stream ?? "dispatch", type: "test.work", payload: { k }, idempotencyKey: `test:${k}`, availableAt: opts.at ?? T0 };
  });
  await enqueueOutbox(orm.em.fork(), rows);
}

function relay(overrides: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}) {
  return new OutboxRelay({ pool, listenUrl: db.url, redis: r.client, naming: naming(), clock, batchSize: 100, pollMs: 60_000, ...overrides });
}

async function streamEntries(kind: "dispatch" | "inbound" = "dispatch") {
  const all = [];
  for (const key of allStreamKeys(naming(), kind)) for (const [, fields] of await r.client.xrange(key, "-", "+")) all.push(decodeEntry(fields)!);
  return all;
}

async function statuses() {
  return (await pool.query<{ status: string; n: string }>("select status, count(*)::text as n from outbox group by status")).rows.reduce<Record<string, number>>((acc, x) => ({ ...acc, [x.status]: Number(x.n) }), {});
}

describe("OutboxRelay", () => {
  it("publishes due rows with their payload, marks them published, and leaves future rows alone", async () => {
    await enqueue(3);
    await enqueue(2, { at: new Date(T0.getTime() + 60_000) });
    expect(await relay().publishBatch()).toBe(3);
    const entries = await streamEntries();
    expect(entries).toHaveLength(3);
    expect(entries.every((e) => e.type === "test.work" && JSON.parse(e.payload).k > 0)).toBe(true);
    expect(await statuses()).toEqual({ published: 3, pending: 2 });
    const { rows } = await pool.query("select publish_count, published_at from outbox where status = 'published'");
    expect(rows.every((x) => x.publish_count === 1 && new Date(x.published_at).getTime() === T0.getTime())).toBe(true);

    clock.advance(60_000);
    expect(await relay().publishBatch()).toBe(2);
    expect(await streamEntries()).toHaveLength(5);
  });

  it("routes a workspace's rows to one partition, keeping their order", async () => {
    const ws = "2f1c6f0e-5a7e-4b8e-9d55-0c8a3f4e2b11";
    await enqueue(10, { workspaceId: ws });
    await relay().publishBatch();
    const keys = allStreamKeys(naming(), "dispatch");
    const lengths = await Promise.all(keys.map((k) => r.client.xlen(k)));
    expect([...lengths].sort()).toEqual([0, 10]);
    const key = keys[lengths.indexOf(10)]!;
    const ids = (await r.client.xrange(key, "-", "+")).map(([, f]) => Number(decodeEntry(f)!.outboxId));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it("wakes on NOTIFY without waiting for the poll interval", async () => {
    const rel = relay({ pollMs: 60_000 });
    await rel.start();
    try {
      await new Promise((res) => setTimeout(res, 100));
      const started = Date.now();
      await enqueue(1);
      while ((await streamEntries()).length === 0) {
        if (Date.now() - started > 3000) throw new Error("not published within 3 s: NOTIFY did not wake the relay");
        await new Promise((res) => setTimeout(res, 10));
      }
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await rel.stop();
    }
  });

  it("sleeps until the next row scheduled for later instead of a whole poll interval, but claims rows due close together at once", async () => {
    const rel = relay({ pollMs: 60_000 });
    await enqueue(1, { at: new Date(T0.getTime() + 5_000) });
    expect(await rel.publishBatch()).toBe(0);
    expect(rel.untilNextDue()).toBe(5_001);
    expect(relay({ pollMs: 1_000 }).untilNextDue()).toBe(1_000);
    const shortPoll = relay({ pollMs: 1_000 });
    await shortPoll.publishBatch();
    expect(shortPoll.untilNextDue()).toBe(1_000);
    clock.advance(4_995);
    await rel.publishBatch();
    expect(rel.untilNextDue()).toBe(SCHEDULE_GRANULARITY_MS);
    clock.advance(5);
    expect(await rel.publishBatch()).toBe(1);
    // Nothing scheduled any more: back to the poll interval.
    expect(await rel.publishBatch()).toBe(0);
    expect(rel.untilNextDue()).toBe(60_000);
  });

  it("publishes a row written ahead at its due time, long before its next poll", async () => {
    const rel = relay({ pollMs: 60_000, clock: systemClock });
    await rel.start();
    try {
      await new Promise((res) => setTimeout(res, 100));
      const due = Date.now() + 500;
      // The insert's NOTIFY wakes the relay; nothing is due yet, so it learns when the row will be.
      await enqueue(1, { at: new Date(due) });
      // The relay adds the entry, then marks the row published: wait for both.
      const published = async () => (await pool.query("select 1 from outbox where status = 'published'")).rowCount === 1;
      while ((await streamEntries()).length === 0 || !(await published())) {
        if (Date.now() - due > 5000) throw new Error("not published within 5 s of its due time: the relay waited for its poll");
        await new Promise((res) => setTimeout(res, 10));
      }
      const { rows } = await pool.query<{ published_at: Date }>("select published_at from outbox where status = 'published'");
      expect(rows).toHaveLength(1);
      expect(new Date(rows[0]!.published_at).getTime()).toBeGreaterThanOrEqual(due);
    } finally {
      await rel.stop();
    }
  });

  it("publishes every row exactly once with three relays racing", async () => {
    await enqueue(3000);
    const relays = [relay({ batchSize: 50 }), relay({ batchSize: 50 }), relay({ batchSize: 50 })];
    const drain = async (rel: OutboxRelay) => {
      while ((await rel.publishBatch()) > 0);
    };
    await Promise.all(relays.map(drain));
    const entries = await streamEntries();
    expect(entries).toHaveLength(3000);
    expect(new Set(entries.map((e) => e.outboxId)).size).toBe(3000);
    expect(await statuses()).toEqual({ published: 3000 });
  });

  it("drains a backlog in lanes: two claims in flight at once, every row published once", async () => {
    await enqueue(2000);
    // Counts the relay's transactions open at the same time (each batch holds one pooled client).
    const peak = async (lanes: number) => {
      let open = 0;
      let most = 0;
      const counting = {
        connect: async () => {
          const client = await pool.connect();
          most = Math.max(most, ++open);
          const release = client.release.bind(client);
          client.release = (err?: Error | boolean) => {
            open--;
            client.release = release;
            release(err);
          };
          return client;
        },
      } as unknown as pg.Pool;
      const rel = relay({ pool: counting, batchSize: 100, lanes, clock: systemClock });
      await rel.start();
      try {
        const started = Date.now();
        while ((await statuses()).pending) {
          if (Date.now() - started > 10_000) throw new Error("backlog not drained within 10 s");
          await new Promise((res) => setTimeout(res, 10));
        }
      } finally {
        await rel.stop();
      }
      return most;
    };
    expect(await peak(2)).toBe(2);
    const entries = await streamEntries();
    expect(entries).toHaveLength(2000);
    expect(new Set(entries.map((e) => e.outboxId)).size).toBe(2000);
    expect(await statuses()).toEqual({ published: 2000 });

    await enqueue(1000);
    expect(await peak(1)).toBe(1);
    expect(await statuses()).toEqual({ published: 3000 });
  });

  it("keeps rows pending when Redis is down", async () => {
    await enqueue(5);
    const dead = new Redis("redis://127.0.0.1:1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
    dead.on("error", () => {});
    await expect(relay({ redis: dead }).publishBatch()).rejects.toThrow();
    expect(await statuses()).toEqual({ pending: 5 });
    expect(await relay().publishBatch()).toBe(5);
    dead.disconnect();
  });

  it("parks rows for a stream no consumer reads instead of claiming them forever", async () => {
    await enqueue(1, { stream: "no-such-stream" });
    await enqueue(1);
    expect(await relay().publishBatch()).toBe(2);
    const { rows } = await pool.query("select stream, status, last_error from outbox order by id");
    expect(rows).toEqual([
      { stream: "no-such-stream", status: "cancelled", last_error: "no such stream" },
      { stream: "dispatch", status: "published", last_error: null },
    ]);
    expect(await r.client.exists(streamKey(naming(), "dispatch", 0), streamKey(naming(), "dispatch", 1))).toBeGreaterThan(0);
  });
});
