import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { requireEnv } from "./env.ts";

export interface TestRedis {
  url: string;
  /** Key prefix unique to this test file; stream and key names start with it. */
  prefix: string;
  client: Redis;
  /** Deletes every key under the prefix and closes the client. */
  cleanup(): Promise<void>;
}

export async function createTestRedis(): Promise<TestRedis> {
  const url = requireEnv("REDIS_URL");
  const prefix = `t${randomBytes(5).toString("hex")}:`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  return {
    url,
    prefix,
    client,
    async cleanup() {
      let cursor = "0";
      do {
        const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
        cursor = next;
        if (keys.length) await client.unlink(...keys);
      } while (cursor !== "0");
      client.disconnect();
    },
  };
}
