// The web tier's one Redis connection, for best-effort work only (login throttle). It fails fast
// (producer role: no offline queue) and callers fail open: a Redis outage never takes the web tier
// out of service (SPEC §8).
import { once } from "node:events";
import { closeRedis, createRedis } from "@rm/streams";
import { getEnv } from "./env.server.ts";
import { logger } from "./logger.server.ts";
import { singleton } from "./singleton.server.ts";

export type WebRedis = ReturnType<typeof createRedis>;

const holder = singleton<{ client: WebRedis | null }>("web.redis", () => ({ client: null }));

export function getRedis(): WebRedis {
  holder.client ??= createRedis(getEnv().REDIS_URL, "producer", logger, { connectionName: "web", cluster: getEnv().REDIS_CLUSTER });
  return holder.client;
}

export async function closeWebRedis(): Promise<void> {
  const client = holder.client;
  holder.client = null;
  if (client) await closeRedis(client);
}

/** Runs a Redis command with a deadline; undefined when Redis is slow or down (fail open). */
export async function bestEffort<T>(what: string, run: (redis: WebRedis) => Promise<T>, timeoutMs = 250): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const redis = getRedis();
    return await Promise.race([
      // Just started or reconnecting: wait for the connection within the same deadline.
      (redis.status === "ready" ? Promise.resolve() : once(redis, "ready")).then(() => run(redis)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    logger.warn({ err: err instanceof Error ? err.message : String(err), what }, "redis unavailable: failing open");
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
