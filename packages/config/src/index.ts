export { parseConfig, loadConfig, ConfigError } from "./load-config.ts";
export {
  commonEnv,
  webEnv,
  relayEnv,
  workerEnv,
  simulatorEnv,
  type WebEnv,
  type RelayEnv,
  type WorkerEnv,
  type SimulatorEnv,
} from "./schemas.ts";
