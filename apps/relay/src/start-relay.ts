import type { RelayEnv } from "@rm/config";
import { systemClock } from "@rm/domain";
import { closeRedis, createRedis } from "@rm/streams";
import { onShutdown, probeAll, startTelemetry, type Logger } from "@rm/telemetry";
import type { RelayContext, Service } from "./context.ts";
import { connectDatabase } from "./database.ts";

/**
 * Wires the relay process: connections, /metrics + /healthz + /readyz, graceful shutdown.
 * Dependencies being down is not fatal: the process stays up and /readyz says 503 until they answer.
 */
export async function startRelay(config: RelayEnv, logger: Logger): Promise<RelayContext> {
  // The claim queries go through DATABASE_URL (may be a pooler); LISTEN will need its own direct
  // connection to DATABASE_DIRECT_URL (pg is a dependency for that).
  const db = await connectDatabase(config.DATABASE_URL, { poolMax: 5 });
  const redis = createRedis(config.REDIS_URL, "producer", logger, { connectionName: "rm-relay" });

  const telemetry = await startTelemetry({
    serviceName: "rm-relay",
    metricsPort: config.METRICS_PORT,
    otlpTracesEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    readiness: probeAll({ postgres: () => db.ping(), redis: () => redis.ping() }),
  });

  const context: RelayContext = { config, logger, clock: systemClock, db, redis };

  // Seam: the relay loop (LISTEN/NOTIFY + polling, publishes due outbox rows) starts here from
  // `context` and is pushed onto `services`, so shutdown stops it before the connections close.
  const services: Service[] = [];

  onShutdown(logger, [
    { name: "services", close: async () => void (await Promise.all(services.map((s) => s.stop()))) },
    { name: "redis", close: () => closeRedis(redis) },
    { name: "postgres", close: () => db.close() },
    { name: "telemetry", close: () => telemetry.shutdown() },
  ]);

  logger.info({ metricsPort: telemetry.port, pid: process.pid, nodeEnv: config.NODE_ENV }, "started");
  return context;
}
