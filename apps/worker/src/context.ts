import type { WorkerEnv } from "@rm/config";
import type { Clock } from "@rm/domain";
import type { Logger } from "@rm/telemetry";
import type { RedisClient } from "@rm/streams";
import type { Database } from "./database.ts";

/** Everything the stream consumers and handlers need, built once by start-worker.ts. */
export interface WorkerContext {
  config: WorkerEnv;
  logger: Logger;
  clock: Clock;
  db: Database;
  redis: {
    /**
     * For the stream consumers: rides out Redis outages (maxRetriesPerRequest null, offline queue);
     * their blocking readers duplicate it, inheriting those options.
     */
    consumer: RedisClient;
    /** Fail-fast commands (readiness, rate-limit tokens): an error means "reschedule", not "wait". */
    producer: RedisClient;
  };
}

/** A long-running part of the process that shutdown stops before closing connections. */
export interface Service {
  name: string;
  stop(): Promise<void>;
}
