export { createLogger, redactErrorText, type Logger, type LogSink } from "./logger.ts";
export { startTelemetry, type Telemetry, type TelemetryOptions } from "./start-telemetry.ts";
export { getMeter, getTracer, defineInstruments, SCOPE_NAME } from "./meter.ts";
export { SECONDS_BUCKETS } from "./histogram-views.ts";
export { probeAll, withTimeout, type ReadinessCheck } from "./readiness.ts";
export { injectTraceContext, parseTraceparent, withExtractedContext } from "./trace-context.ts";
export { withSpan, runInServerSpan } from "./spans.ts";
export { onShutdown, type ShutdownHandler, type ShutdownOptions } from "./on-shutdown.ts";
