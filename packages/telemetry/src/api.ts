// The light part of @rm/telemetry (only @opentelemetry/api, no SDK): for libraries such as @rm/db
// that record metrics or read the trace context without loading the SDK at import time.
export { defineInstruments, getMeter, getTracer, SCOPE_NAME } from "./meter.ts";
export { injectTraceContext, parseTraceparent, withExtractedContext } from "./trace-context.ts";
export { withSpan, runInServerSpan } from "./spans.ts";
