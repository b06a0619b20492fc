export { runChaos, formatChaosReport, faultPlan, type ChaosOptions, type ChaosReport } from "./chaos.ts";
export { startPrivateRedis, type PrivateRedis } from "./private-redis.ts";
export { createRunEnv, SMS_SENDER, WHATSAPP_SENDER, type RunEnv } from "./run-env.ts";
export { ProcessManager, type ManagedProcess, type AppName, type EnvVars } from "./processes.ts";
export { runPipelineBench, formatPipelineReport, type PipelineBenchReport, type PipelineBenchOptions } from "./bench-pipeline.ts";
