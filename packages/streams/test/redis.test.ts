import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { recordingLogger, requireEnv } from "@rm/test-utils";
import { checkEvictionPolicy, closeRedis, createRedis } from "../src/redis.ts";

async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const opened: Redis[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => closeRedis(c)));
});

describe("createRedis", () => {
  it("a producer answers PING and checks the eviction policy on connect", async () => {
    const logger = recordingLogger();
    const client = createRedis(requireEnv("REDIS_URL"), "producer", logger, { connectionName: "test-producer" });
    opened.push(client);
    await new Promise((r) => client.once("ready", r));
    expect(await client.ping()).toBe("PONG");
    expect(client.options.maxRetriesPerRequest).toBe(1);
    expect(client.options.enableOfflineQueue).toBe(false);
  });

  it("a consumer is set up to ride out outages", () => {
    const client = createRedis(requireEnv("REDIS_URL"), "consumer", recordingLogger());
    opened.push(client);
    expect(client.options.maxRetriesPerRequest).toBeNull();
    expect(client.options.enableOfflineQueue).toBe(true);
  });

  it("a producer fails fast against a dead server, logs the error once per interval, and closes without hanging", async () => {
    const logger = recordingLogger();
    const client = createRedis(`redis://127.0.0.1:${await deadPort()}`, "producer", logger, { errorLogIntervalMs: 60_000 });
    const started = Date.now();
    await expect(client.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(500);
    await new Promise((r) => setTimeout(r, 300)); // a few reconnect attempts
    expect(logger.lines.filter((l) => l.msg === "redis connection error")).toHaveLength(1);
    const closing = Date.now();
    await closeRedis(client);
    expect(Date.now() - closing).toBeLessThan(100);
    // Closed for good: no more reconnect attempts.
    let reconnects = 0;
    client.on("reconnecting", () => reconnects++);
    await new Promise((r) => setTimeout(r, 300));
    expect(reconnects).toBe(0);
  });
});

describe("checkEvictionPolicy", () => {
  it("is quiet for noeviction and warns for anything else or when CONFIG is not allowed", async () => {
    const quiet = recordingLogger();
    expect(await checkEvictionPolicy({ config: async () => ["maxmemory-policy", "noeviction"] } as never, quiet)).toBe("noeviction");
    expect(quiet.lines).toEqual([]);

    const lru = recordingLogger();
    await checkEvictionPolicy({ config: async () => ["maxmemory-policy", "allkeys-lru"] } as never, lru);
    expect(lru.lines).toMatchObject([{ level: "warn", obj: { maxmemoryPolicy: "allkeys-lru" } }]);

    const denied = recordingLogger();
    await checkEvictionPolicy({ config: async () => Promise.reject(new Error("ERR unknown command 'CONFIG'")) } as never, denied);
    expect(denied.lines).toMatchObject([{ level: "warn", obj: { err: expect.stringContaining("CONFIG") } }]);
  });
});
