// Redis connections the way BullMQ's production guide asks for them:
// - every client has an 'error' handler (an unhandled one crashes the process on the first blip);
// - consumers (blocking reads, acknowledgements) ride out outages: maxRetriesPerRequest null and an
//   offline queue, so work resumes when Redis is back;
// - producers fail fast: no offline queue, one retry, so the caller can keep the work elsewhere (the
//   relay leaves outbox rows pending; a readiness probe answers "not ready" at once);
// - Redis must not evict keys (`maxmemory-policy noeviction`): evicted stream entries are lost work.
// With `cluster`, the same roles over an ioredis Cluster: the URL lists seed nodes, comma-separated
// (credentials and TLS from the first), and the client learns the rest and the slots from them.
import { Cluster, Redis, type RedisOptions } from "ioredis";

export type RedisRole = "producer" | "consumer";

/** A single Redis or a Redis Cluster: every user of Redis takes either (SPEC §2, "past one machine"). */
export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/** The subset of a pino logger used here. */
export interface RedisLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface CreateRedisOptions {
  /** Shows in CLIENT LIST, e.g. "relay-producer". */
  connectionName?: string;
  /** Minimum time between two logged connection errors; reconnect attempts can come every few ms. */
  errorLogIntervalMs?: number;
  /** `url` names the seed nodes of a Redis Cluster (REDIS_CLUSTER=true). */
  cluster?: boolean;
}

const ROLE_OPTIONS = {
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  consumer: { enableOfflineQueue: true, maxRetriesPerRequest: null },
} as const;

export function createRedis(url: string, role: RedisRole, logger: RedisLogger, options: CreateRedisOptions & { cluster: true }): Cluster;
export function createRedis(url: string, role: RedisRole, logger: RedisLogger, options?: CreateRedisOptions & { cluster?: false }): Redis;
export function createRedis(url: string, role: RedisRole, logger: RedisLogger, options?: CreateRedisOptions): RedisClient;
export function createRedis(url: string, role: RedisRole, logger: RedisLogger, options: CreateRedisOptions = {}): RedisClient {
  if (!options.cluster && url.includes(",")) throw new Error("REDIS_URL lists several nodes: set REDIS_CLUSTER=true to use them as a Redis Cluster");
  const client: RedisClient = options.cluster
    ? createCluster(url, { ...ROLE_OPTIONS[role], connectionName: options.connectionName })
    : new Redis(url, { ...ROLE_OPTIONS[role], connectionName: options.connectionName });
  const interval = options.errorLogIntervalMs ?? 10_000;
  let lastLogged = 0;
  let suppressed = 0;
  client.on("error", (err: Error) => {
    const now = Date.now();
    if (now - lastLogged < interval) {
      suppressed++;
      return;
    }
    logger.warn({ role, err: err.message, suppressed }, "redis connection error");
    lastLogged = now;
    suppressed = 0;
  });
  // Checked on every (re)connect: after a failover the new primary may be configured differently.
  client.on("ready", () => void checkEvictionPolicy(client, logger));
  return client;
}

/** Seed nodes from a comma-separated list of redis:// or rediss:// URLs; the first one's credentials and TLS apply to every node. */
export function clusterSeeds(url: string): { nodes: { host: string; port: number }[]; redisOptions: RedisOptions } {
  const urls = url.split(",").map((u) => new URL(u.trim()));
  if (urls.length === 0 || urls.some((u) => u.protocol !== "redis:" && u.protocol !== "rediss:")) throw new Error("REDIS_URL must list redis:// or rediss:// URLs, comma-separated, when REDIS_CLUSTER is true");
  const first = urls[0]!;
  return {
    nodes: urls.map((u) => ({ host: u.hostname, port: Number(u.port || 6379) })),
    redisOptions: {
      ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
      ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
      ...(first.protocol === "rediss:" ? { tls: {} } : {}),
    },
  };
}

function createCluster(url: string, roleOptions: RedisOptions): Cluster {
  const seeds = clusterSeeds(url);
  return new Cluster(seeds.nodes, {
    redisOptions: { ...seeds.redisOptions, ...roleOptions },
    enableOfflineQueue: roleOptions.enableOfflineQueue ?? true,
    // Reads and writes go to masters: stream reads must see what was just added.
    scaleReads: "master",
  });
}

/**
 * A second connection like `client` with some options changed (a consumer's blocking reader):
 * Redis.duplicate and Cluster.duplicate take their overrides differently.
 */
export function duplicateRedis(client: RedisClient, overrides: RedisOptions): RedisClient {
  if (isCluster(client)) return client.duplicate(undefined, { redisOptions: { ...client.options.redisOptions, ...overrides } });
  return client.duplicate(overrides);
}

/** Logs a warning unless the server's maxmemory-policy is noeviction. Never throws. */
export async function checkEvictionPolicy(client: Pick<RedisClient, "config">, logger: RedisLogger): Promise<string | undefined> {
  try {
    const reply = (await client.config("GET", "maxmemory-policy")) as string[];
    const policy = reply[1];
    if (policy !== "noeviction") {
      logger.warn({ maxmemoryPolicy: policy ?? null }, "redis maxmemory-policy is not noeviction: under memory pressure Redis may delete stream entries (lost work)");
    }
    return policy;
  } catch (err) {
    // Managed Redis often disables CONFIG; say so rather than guess.
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, "could not read redis maxmemory-policy; make sure it is noeviction");
    return undefined;
  }
}

/**
 * Closes a client without hanging on a dead server: QUIT when connected (lets queued replies
 * arrive), otherwise — or if QUIT does not answer in time — drop the socket and stop reconnecting.
 */
export async function closeRedis(client: RedisClient, timeoutMs = 1_000): Promise<void> {
  if (client.status === "end") return;
  if (client.status === "ready") {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([client.quit(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("quit timed out")), timeoutMs)))]);
      return;
    } catch {
      // fall through to disconnect
    } finally {
      clearTimeout(timer);
    }
  }
  client.disconnect();
}
