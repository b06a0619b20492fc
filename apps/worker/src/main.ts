// Entry point of the worker process: `node src/main.ts`.
import { loadConfig, workerEnv } from "@rm/config";

// Bad configuration prints one line naming the variable and exits 1 before anything heavy loads
// (hence the dynamic imports below: the SDK and the ORM take a second to import).
const config = loadConfig(workerEnv);
const { createLogger } = await import("@rm/telemetry");
const logger = createLogger("worker", config.LOG_LEVEL);

try {
  const { startWorker } = await import("./start-worker.ts");
  await startWorker(config, logger);
} catch (err) {
  logger.fatal({ err }, "failed to start");
  process.exit(1);
}
