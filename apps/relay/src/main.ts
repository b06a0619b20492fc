// Entry point of the relay process: `node src/main.ts`.
import { loadConfig, relayEnv } from "@rm/config";

// Bad configuration prints one line naming the variable and exits 1 before anything heavy loads
// (hence the dynamic imports below: the SDK and the ORM take a second to import).
const config = loadConfig(relayEnv);
const { createLogger } = await import("@rm/telemetry");
const logger = createLogger("relay", config.LOG_LEVEL);

try {
  const { startRelay } = await import("./start-relay.ts");
  await startRelay(config, logger);
} catch (err) {
  logger.fatal({ err }, "failed to start");
  process.exit(1);
}
