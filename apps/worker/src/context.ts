import type { WorkerEnv } from "@rm/config";
import type { Clock } from "@rm/domain";
import type { Logger } from "@rm/telemetry";
import type { Redis } from "ioredis";
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
    consumer: Redis;
    /** Fail-fast commands (readiness, rate-limit tokens): an error means "reschedule", not "wait". */
    producer: Redis;
  };
}

/** A long-running part of the process that shutdown stops before closing connections. */
export interface Service {
  name: string;
  stop(): Promise<void>;
}
