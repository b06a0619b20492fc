import type { RelayEnv } from "@rm/config";
import type { Clock } from "@rm/domain";
import type { Logger } from "@rm/telemetry";
import type { RedisClient } from "@rm/streams";

/** Everything the relay loop needs, built once by start-relay.ts. */
export interface RelayContext {
  config: RelayEnv;
  logger: Logger;
  /** "Now" for the outbox SQL (a query parameter, never now() alone — SPEC §2). */
  clock: Clock;
  db: { ping(): Promise<void>; close(): Promise<void> };
  /** Fail-fast producer connection for XADD: on error the rows simply stay pending. */
  redis: RedisClient;
}

/** A long-running part of the process that shutdown stops before closing connections. */
export interface Service {
  name: string;
  stop(): Promise<void>;
}
