import { hostname } from "node:os";
import type { WorkerEnv } from "@rm/config";
import { systemClock } from "@rm/domain";
import { closeRedis, createRedis } from "@rm/streams";
import { onShutdown, probeAll, startTelemetry, type Logger } from "@rm/telemetry";
import { startConsumers } from "./consumers.ts";
import type { Service, WorkerContext } from "./context.ts";
import { connectDatabase } from "./database.ts";

/**
 * Wires the worker process: connections, /metrics + /healthz + /readyz, graceful shutdown.
 * Dependencies being down is not fatal: the process stays up and /readyz says 503 until they answer.
 */
export async function startWorker(config: WorkerEnv, logger: Logger): Promise<WorkerContext> {
  const db = await connectDatabase(config.DATABASE_URL, { poolMax: Math.min(config.WORKER_CONCURRENCY, 20) });
  const consumerName = `${hostname()}-${process.pid}`;
  const redis = {
    consumer: createRedis(config.REDIS_URL, "consumer", logger, { connectionName: `rm-worker-${consumerName}`, cluster: config.REDIS_CLUSTER }),
    producer: createRedis(config.REDIS_URL, "producer", logger, { connectionName: `rm-worker-${consumerName}-cmd`, cluster: config.REDIS_CLUSTER }),
  };

  // Ready only once the consumers run and SIGTERM has its handler: before that a stop would end the
  // process without releasing anything, so nothing should route to it or count it as up.
  let consuming = false;
  const telemetry = await startTelemetry({
    serviceName: "rm-worker",
    metricsPort: config.METRICS_PORT,
    otlpTracesEndpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    readiness: probeAll({
      postgres: () => db.ping(),
      redis: () => redis.producer.ping(),
      consumers: async () => {
        if (!consuming) throw new Error("consumers starting");
      },
    }),
  });

  const context: WorkerContext = { config, logger, clock: systemClock, db, redis };

  // On SIGTERM the consumers stop first, releasing in-flight entries, before the connections close.
  const services: Service[] = await startConsumers(context, consumerName);

  onShutdown(logger, [
    { name: "services", close: async () => void (await Promise.all(services.map((s) => s.stop()))) },
    { name: "redis", close: async () => void (await Promise.all([closeRedis(redis.consumer), closeRedis(redis.producer)])) },
    { name: "postgres", close: () => db.close() },
    { name: "telemetry", close: () => telemetry.shutdown() },
  ]);
  consuming = true;

  logger.info({ metricsPort: telemetry.port, pid: process.pid, consumer: consumerName, nodeEnv: config.NODE_ENV }, "started");
  return context;
}
