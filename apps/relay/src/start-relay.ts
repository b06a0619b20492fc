import type { RelayEnv } from "@rm/config";
import { systemClock } from "@rm/domain";
import { closeRedis, createRedis } from "@rm/streams";
import { onShutdown, probeAll, startTelemetry, type Logger } from "@rm/telemetry";
import pg from "pg";
import type { RelayContext, Service } from "./context.ts";
import { registerBacklogMetrics } from "./backlog-metrics.ts";
import { OutboxRelay } from "./outbox-relay.ts";

/**
 * Wires the relay process: connections, /metrics + /healthz + /readyz, graceful shutdown.
 * Dependencies being down is not fatal: the process stays up and /readyz says 503 until they answer.
 */
export async function startRelay(config: RelayEnv, logger: Logger): Promise<RelayContext> {
  // Claims go through DATABASE_URL (may be a transaction-mode pooler: no session state is used);
  // LISTEN needs a direct connection (DATABASE_DIRECT_URL). One connection per lane, and room for
  // the backlog gauges and the readiness probe.
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: config.RELAY_LANES + 2, idleTimeoutMillis: 30_000 });
  pool.on("error", (err) => logger.warn({ err: err.message }, "idle PostgreSQL connection failed"));
  // pg-pool listens for errors only on idle clients: a connection terminated while checked out (a
  // batch waiting on Redis) would emit an unhandled 'error' and kill the process. Its query fails
  // instead and the batch is retried.
  pool.on("connect", (client) => client.on("error", (err) => logger.warn({ err: err.message }, "PostgreSQL connection in use failed")));
  const db = { ping: async () => void (await pool.query("select 1")), close: () => pool.end() };
  const redis = createRedis(config.REDIS_URL, "producer", logger, { connectionName: "rm-relay", cluster: config.REDIS_CLUSTER });

  const telemetry = await startTelemetry({
    serviceName: "rm-relay",
    metricsPort: config.METRICS_PORT,
    otlpTracesEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    readiness: probeAll({ postgres: () => db.ping(), redis: () => redis.ping() }),
  });

  const context: RelayContext = { config, logger, clock: systemClock, db, redis };

  const relay = new OutboxRelay({
    pool,
    listenUrl: config.DATABASE_DIRECT_URL ?? config.DATABASE_URL,
    redis,
    naming: { prefix: config.STREAM_PREFIX, partitions: config.STREAM_PARTITIONS },
    clock: context.clock,
    batchSize: config.RELAY_BATCH_SIZE,
    lanes: config.RELAY_LANES,
    pollMs: config.RELAY_POLL_MS,
    logger,
  });
  await relay.start();
  const naming = { prefix: config.STREAM_PREFIX, partitions: config.STREAM_PARTITIONS };
  registerBacklogMetrics({ pool, redis, naming, clock: context.clock, logger });
  // Shutdown stops the loop (the batch in progress commits or rolls back) before connections close.
  const services: Service[] = [{ name: "outbox-relay", stop: () => relay.stop() }];

  onShutdown(logger, [
    { name: "services", close: async () => void (await Promise.all(services.map((s) => s.stop()))) },
    { name: "redis", close: () => closeRedis(redis) },
    { name: "postgres", close: () => db.close() },
    { name: "telemetry", close: () => telemetry.shutdown() },
  ]);

  logger.info({ metricsPort: telemetry.port, pid: process.pid, nodeEnv: config.NODE_ENV }, "started");
  return context;
}
