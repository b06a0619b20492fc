// A self-contained environment for one chaos or benchmark run: a fresh migrated database, its own
// Redis key prefix, an in-process provider simulator, and the environment the processes get.
import type { MikroORM } from "@mikro-orm/postgresql";
import { Redis } from "ioredis";
import { initOrm } from "@rm/db";
import { createRedis, isCluster, type RedisClient } from "@rm/streams";
import { LOCAL_PLATFORM_CONTENT_SIDS } from "@rm/domain";
import { createEmptyDatabase, enableStatementProfile, uniqueSuffix } from "@rm/test-utils";
import { createSimulator, type Simulator, type SimulatorOptions } from "@rm/twilio-simulator";
import type { EnvVars } from "./processes.ts";

export const ACCOUNT_SID = "AC00000000000000000000000000000000";
export const AUTH_TOKEN = "harness-auth-token";
export const SMS_SENDER = "+15005550006";
/** The platform's WhatsApp sender of test runs. */
export const WHATSAPP_SENDER = "whatsapp:+14155238886";
/** The harness's own database connections carry this name, so fault injection can spare them. */
export const HARNESS_APP_NAME = "rm-harness";

export interface RunEnv {
  id: string;
  /** The run's database name (for pg_stat_activity). */
  databaseName: string;
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  orm: MikroORM;
  /** A Redis Cluster client when the run uses one (`redisCluster`). */
  redis: RedisClient;
  sim: Simulator;
  /** Environment for relay and worker processes. */
  processEnv: EnvVars;
  /** The database's statements are tracked (pg_stat_statements; asked for and the server has it). */
  statementProfile: boolean;
  close(opts?: { keepDatabase?: boolean }): Promise<void>;
}

export interface RunEnvOptions {
  simulator?: Partial<SimulatorOptions>;
  workerEnv?: EnvVars;
  /** Another Redis than REDIS_URL (a chaos run's private server). */
  redisUrl?: string;
  /** `redisUrl` lists the seed nodes of a Redis Cluster: the processes get REDIS_CLUSTER=true. */
  redisCluster?: boolean;
  /** Track the run database's statements (pg_stat_statements) for a profile, when the server can. */
  statementProfile?: boolean;
}

export async function createRunEnv(o: RunEnvOptions = {}): Promise<RunEnv> {
  const baseUrl = process.env.DATABASE_URL;
  const redisUrl = o.redisUrl ?? process.env.REDIS_URL;
  if (!baseUrl || !redisUrl) throw new Error("DATABASE_URL and REDIS_URL must be set (run through `npm run …`, which starts the local services)");
  const id = uniqueSuffix();
  const db = await createEmptyDatabase(`rm_run_${id}`);
  const databaseUrl = db.url;
  // Before any connection: the setting applies to sessions opened afterwards.
  const statementProfile = o.statementProfile ? await enableStatementProfile(databaseUrl) : false;
  const harnessUrl = new URL(databaseUrl);
  harnessUrl.searchParams.set("application_name", HARNESS_APP_NAME);
  const orm = await initOrm({ databaseUrl: harnessUrl.toString(), poolMax: 10 });
  const redis: RedisClient = o.redisCluster
    ? createRedis(redisUrl, "consumer", { info: () => {}, warn: () => {} }, { cluster: true, connectionName: "harness" })
    : new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  redis.on("error", () => {});
  const prefix = `run${id}:`;

  const sim = createSimulator({ accountSid: ACCOUNT_SID, authTokens: [AUTH_TOKEN], throughputMode: true, ...o.simulator });
  const { url: simUrl } = await sim.listen(0, "127.0.0.1");

  const processEnv: EnvVars = {
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_CLUSTER: o.redisCluster ? "true" : "false",
    STREAM_PREFIX: prefix,
    METRICS_PORT: "0",
    PUBLIC_URL: "http://127.0.0.1:9",
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_API_URL: simUrl,
    TWILIO_FROM_SMS: SMS_SENDER,
    TWILIO_FROM_WHATSAPP: WHATSAPP_SENDER,
    // The platform's templates the simulator approves by default (a new workspace sends WhatsApp with them).
    WHATSAPP_DEFAULT_CONTENT_SIDS: JSON.stringify(LOCAL_PLATFORM_CONTENT_SIDS),
    RATE_LIMITS_DISABLED: "true",
    ...o.workerEnv,
  };

  return {
    id,
    databaseName: db.name,
    databaseUrl,
    redisUrl,
    prefix,
    orm,
    redis,
    sim,
    processEnv,
    statementProfile,
    async close(opts = {}) {
      await sim.close();
      // A cluster of the run's own is thrown away whole by its owner; a shared Redis is cleaned.
      if (!isCluster(redis)) {
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
          cursor = next;
          if (keys.length) await redis.unlink(...keys);
        } while (cursor !== "0");
      }
      redis.disconnect();
      await orm.close(true);
      if (!opts.keepDatabase) await db.drop();
    },
  };
}
