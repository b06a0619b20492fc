import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestRedis, type TestRedis } from "@rm/test-utils";
import { StreamConsumer, type BatchHandler, type DeadLetter, type EntryHandler } from "../src/consumer.ts";
import { encodeEntry, type StreamEntry } from "../src/stream-entry.ts";
import { CONSUMER_GROUP, deadLetterKey, streamKey } from "../src/stream-names.ts";

let r: TestRedis;
let consumers: StreamConsumer[] = [];
const naming = () => ({ prefix: r.prefix, partitions: 2 });

beforeEach(async () => {
  r = await createTestRedis();
  consumers = [];
});
afterEach(async () => {
  for (const c of consumers) await c.stop();
  await r.cleanup();
});

function entry(n: number): StreamEntry {
  return { outboxId: String(n), type: "test.event", workspaceId: null, payload: JSON.stringify({ n }), traceparent: "" };
}

async function add(partition: number, e: StreamEntry): Promise<string> {
  return (await r.client.xadd(streamKey(naming(), "dispatch", partition), "*", ...encodeEntry(e)))!;
}

function make(handle: EntryHandler, extra: Partial<ConstructorParameters<typeof StreamConsumer>[0]> = {}): StreamConsumer {
  const c = new StreamConsumer({ redis: r.client, naming: naming(), kind: "dispatch", consumer: `c${consumers.length}`, handle, blockMs: 50, claimIntervalMs: 60_000, trimIntervalMs: 60_000, ...extra });
  consumers.push(c);
  return c;
}

async function until(check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((res) => setTimeout(res, 10));
  }
}

async function pendingCount(partition: number): Promise<number> {
  const summary = (await r.client.xpending(streamKey(naming(), "dispatch", partition), CONSUMER_GROUP)) as [number];
  return Number(summary[0]);
}

describe("StreamConsumer", () => {
  it("handles entries from every partition once and acknowledges them", async () => {
    const seen: string[] = [];
    const c = make(async (e) => void seen.push(e.outboxId));
    await c.start();
    for (let i = 0; i < 50; i++) await add(i % 2, entry(i));
    await until(() => seen.length === 50);
    expect(new Set(seen).size).toBe(50);
    await until(async () => (await pendingCount(0)) + (await pendingCount(1)) === 0);
  });

  it("two consumers in one group split the work without handling an entry twice", async () => {
    const seen: string[] = [];
    const handle: EntryHandler = async (e) => {
      seen.push(e.outboxId);
      await new Promise((res) => setTimeout(res, 1));
    };
    await make(handle, { batchSize: 5 }).start();
    await make(handle, { batchSize: 5 }).start();
    for (let i = 0; i < 200; i++) await add(i % 2, entry(i));
    await until(() => seen.length >= 200);
    await new Promise((res) => setTimeout(res, 100));
    expect(seen.length).toBe(200);
    expect(new Set(seen).size).toBe(200);
  });

  it("a failing entry stays pending, is reclaimed with its delivery count, then dead-lettered with the last error", async () => {
    const deliveries: number[] = [];
    const dead: DeadLetter[] = [];
    const c = make(
      async (_e, meta) => {
        deliveries.push(meta.deliveryCount);
        throw new Error(`provider exploded #${meta.deliveryCount}`);
      },
      { claimIdleMs: 20, maxDeliveries: 3, onDeadLetter: (d) => void dead.push(d) },
    );
    await c.start();
    const id = await add(0, entry(7));
    await until(() => deliveries.length === 1);
    expect(await pendingCount(0)).toBe(1);
    for (let i = 0; i < 5 && dead.length === 0; i++) {
      await new Promise((res) => setTimeout(res, 30));
      await c.claimStale();
    }
    expect(deliveries).toEqual([1, 2, 3]);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ id, deliveries: 4, reason: "provider exploded #3" });
    expect(dead[0]!.entry?.outboxId).toBe("7");
    expect(await pendingCount(0)).toBe(0);
    const dlq = await r.client.xrange(deadLetterKey(naming(), "dispatch"), "-", "+");
    expect(dlq).toHaveLength(1);
    const fields = dlq[0]![1];
    expect(fields[fields.indexOf("outboxId") + 1]).toBe("7");
    expect(fields[fields.indexOf("reason") + 1]).toBe("provider exploded #3");
  });

  it("a failing handler's error quoting a phone and an e-mail is redacted in the logs, the dead-letter stream and the dead letter", async () => {
    const logged: string[] = [];
    const logger = { info: (o: object, m?: string) => void logged.push(JSON.stringify([o, m])), warn: (o: object, m?: string) => void logged.push(JSON.stringify([o, m])), error: (o: object, m?: string) => void logged.push(JSON.stringify([o, m])) };
    const dead: DeadLetter[] = [];
    const c = make(
      async () => {
        throw new Error("Twilio 21211: The 'To' number +593 98 765 4321 is not valid (patient ana.torres@example.ec, local 098 765 4321)");
      },
      { claimIdleMs: 20, maxDeliveries: 1, onDeadLetter: (d) => void dead.push(d), logger },
    );
    await c.start();
    await add(0, entry(8));
    for (let i = 0; i < 5 && dead.length === 0; i++) {
      await new Promise((res) => setTimeout(res, 30));
      await c.claimStale();
    }
    expect(dead).toHaveLength(1);
    const dlq = await r.client.xrange(deadLetterKey(naming(), "dispatch"), "-", "+");
    const reason = dlq[0]![1][dlq[0]![1].indexOf("reason") + 1]!;
    expect(reason).toBe("Twilio 21211: The '?' number <phone> is not valid (patient <email>, local <phone>)");
    expect(dead[0]!.reason).toBe(reason);
    expect(logged.length).toBeGreaterThanOrEqual(2);
    for (const text of [...logged, reason]) {
      expect(text).not.toContain("765");
      expect(text).not.toContain("ana.torres");
    }
  });

  it("an acknowledgement Redis refuses (an outage, a failover) leaves the batch pending and the reader going", async () => {
    const seen: string[] = [];
    const lines: string[] = [];
    const c = make(async (e) => void seen.push(e.outboxId), { claimIdleMs: 20, logger: { info: () => {}, warn: (_o: object, msg?: string) => void lines.push(msg ?? ""), error: () => {} } as never });
    const xack = r.client.xack.bind(r.client);
    let refused = 0;
    r.client.xack = (async (...args: Parameters<typeof xack>) => {
      if (refused++ === 0) throw new Error("Too many Cluster redirections. Last error: Error: Connection is closed.");
      return xack(...args);
    }) as typeof r.client.xack;
    await c.start();
    await add(0, entry(1));
    await until(() => seen.length === 1 && refused === 1);
    // The reader survived the refusal: a later entry is handled and acknowledged.
    await add(0, entry(2));
    await until(() => seen.includes("2"));
    expect(lines).toContain("acknowledging a batch failed; its entries stay pending and will be claimed again");
    // The first entry stayed pending and is claimed again (its handler is idempotent), then acknowledged.
    await until(async () => {
      await c.claimStale();
      return (await pendingCount(0)) === 0;
    });
    expect(seen.filter((id) => id === "1").length).toBe(2);
  });

  it("sends an undecodable entry straight to the dead-letter stream", async () => {
    const handled: string[] = [];
    const c = make(async (e) => void handled.push(e.outboxId));
    await c.start();
    await r.client.xadd(streamKey(naming(), "dispatch", 0), "*", "garbage", "yes");
    await add(0, entry(1));
    await until(() => handled.length === 1);
    await until(async () => (await r.client.xlen(deadLetterKey(naming(), "dispatch"))) === 1);
    expect(await pendingCount(0)).toBe(0);
  });

  it("trims only entries that were read and acknowledged", async () => {
    let block = true;
    const c = make(async (e) => {
      if (e.outboxId === "5" && block) throw new Error("not yet");
    });
    await c.start();
    for (let i = 0; i < 10; i++) await add(0, entry(i));
    await until(async () => (await pendingCount(0)) === 1);
    await c.stop();
    // Unread entries added after the consumer stopped must survive trimming too.
    await add(0, entry(10));
    await add(0, entry(11));
    await c.trim();
    const left = (await r.client.xrange(streamKey(naming(), "dispatch", 0), "-", "+")).map(([, f]) => f[1]);
    // Approximate trimming may keep more, never less: the pending entry 5 and the unread 10, 11 stay.
    expect(left).toContain("5");
    expect(left).toContain("10");
    expect(left).toContain("11");
    block = false;
  });

  it("trims everything read when nothing is pending, exactly with enough entries", async () => {
    const c = make(async () => {});
    await c.start();
    for (let i = 0; i < 300; i++) await add(1, entry(i));
    await until(async () => {
      const groups = (await r.client.xinfo("GROUPS", streamKey(naming(), "dispatch", 1))) as unknown[][];
      return groups[0]![groups[0]!.indexOf("entries-read") + 1] === 300 && (await pendingCount(1)) === 0;
    });
    await c.trim();
    // MINID ~ trims whole macro nodes (100 entries by default): most of the stream is gone.
    expect(await r.client.xlen(streamKey(naming(), "dispatch", 1))).toBeLessThan(150);
  });

  it("a batch handler gets whole batches; only the entries it reports done are acknowledged", async () => {
    const sizes: number[] = [];
    const seen: string[] = [];
    const handleBatch: BatchHandler = async (items) => {
      sizes.push(items.length);
      return items.map(({ entry, meta }) => {
        seen.push(entry.outboxId);
        expect(meta.deliveryCount).toBe(1);
        return Number(entry.outboxId) % 10 === 3 ? { ok: false, error: new Error(`entry ${entry.outboxId} failed`) } : { ok: true };
      });
    };
    const c = make(async () => {
      throw new Error("the per-entry handler is not used");
    }, { handleBatch, batchSize: 20 });
    for (let i = 0; i < 40; i++) await add(0, entry(i));
    await r.client.xadd(streamKey(naming(), "dispatch", 0), "*", "garbage", "yes");
    await c.start();
    await until(() => seen.length === 40);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    // 3, 13, 23, 33 failed: pending with their error; the undecodable one went to the dead letters.
    await until(async () => (await pendingCount(0)) === 4);
    expect(c.lastErrorOf((await r.client.xpending(streamKey(naming(), "dispatch", 0), CONSUMER_GROUP, "-", "+", 10) as [string][])[0]![0])).toBe("entry 3 failed");
    await until(async () => (await r.client.xlen(deadLetterKey(naming(), "dispatch"))) === 1);
  });

  it("a batch handler that throws leaves the whole batch pending", async () => {
    let calls = 0;
    const c = make(async () => {}, {
      handleBatch: async () => {
        calls++;
        throw new Error("database down");
      },
    });
    await c.start();
    for (let i = 0; i < 5; i++) await add(1, entry(i));
    await until(() => calls > 0);
    await until(async () => (await pendingCount(1)) === 5);
  });

  it("reads the next batch while one is handled and starts it once that one is recording, never a third", async () => {
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    const started: string[][] = [];
    const done: string[] = [];
    const handleBatch: BatchHandler = async (items, hooks) => {
      const ids = items.map((i) => i.entry.outboxId);
      started.push(ids);
      // Every batch says it is recording, then the first waits on its "commit".
      hooks.recording();
      if (started.length === 1) await gate;
      done.push(...ids);
      return items.map(() => ({ ok: true }));
    };
    const c = make(async () => {}, { handleBatch, batchSize: 10, readers: 1 });
    for (let i = 0; i < 30; i++) await add(0, entry(i));
    await c.start();
    // The second batch runs while the first is still recording; the third waits for the first.
    await until(() => started.length === 2);
    await new Promise((res) => setTimeout(res, 200));
    expect(started.length).toBe(2);
    expect(done).toEqual(started[1]);
    expect(await pendingCount(0)).toBe(20);
    release();
    await until(() => done.length === 30);
    expect(new Set(done).size).toBe(30);
    await until(async () => (await pendingCount(0)) === 0);
  });

  it("after a partial batch it does not read ahead: entries published meanwhile wait for a full read", async () => {
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    const sizes: number[] = [];
    const c = make(async () => {}, {
      handleBatch: async (items) => {
        sizes.push(items.length);
        if (sizes.length === 1) await gate;
        return items.map(() => ({ ok: true }));
      },
      batchSize: 10,
      readers: 1,
    });
    for (let i = 0; i < 3; i++) await add(0, entry(i));
    await c.start();
    await until(() => sizes.length === 1);
    for (let i = 3; i < 6; i++) await add(0, entry(i));
    await new Promise((res) => setTimeout(res, 200));
    // Only the running batch is in flight: nothing was read ahead of a drained stream.
    expect(c.inFlightCount).toBe(3);
    release();
    await until(async () => sizes.reduce((a, b) => a + b, 0) === 6 && (await pendingCount(0)) === 0);
    expect(sizes).toEqual([3, 3]);
  });

  it("a batch read ahead counts as in flight and stop() releases it with the running one", async () => {
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    const first = make(async () => {}, {
      handleBatch: async (items) => {
        await gate;
        return items.map(() => ({ ok: true }));
      },
      batchSize: 5,
      readers: 1,
      claimIdleMs: 60_000,
      stopGraceMs: 20,
    });
    for (let i = 0; i < 10; i++) await add(0, entry(i));
    await first.start();
    // Five running, five read ahead and waiting.
    await until(() => first.inFlightCount === 10);
    await first.stop();

    const handled: string[] = [];
    const second = make(async (e, meta) => void handled.push(`${e.outboxId}:${meta.deliveryCount}`), { claimIdleMs: 60_000, batchSize: 20 });
    await second.start();
    await second.claimStale();
    expect(handled.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `${i}:2`).sort());
    release();
  });

  it("stop() releases in-flight entries so another consumer takes them at once", async () => {
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    const first = make(() => gate, { claimIdleMs: 60_000, stopGraceMs: 20 });
    await first.start();
    await add(0, entry(1));
    await until(() => first.inFlightCount === 1);
    await first.stop();

    const handledBy: string[] = [];
    const second = make(async (_e, meta) => void handledBy.push(`second:${meta.deliveryCount}`), { claimIdleMs: 60_000 });
    await second.start();
    await second.claimStale();
    expect(handledBy).toEqual(["second:2"]);
    release();
  });
});
