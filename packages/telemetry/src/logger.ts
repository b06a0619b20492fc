import { pino, type Logger } from "pino";
import { trace } from "@opentelemetry/api";

export type { Logger };

/**
 * Structured JSON logs on stdout: level, time, process, and the active trace id when there is one.
 * Never log message bodies or phone numbers at info level; ids only.
 */
export function createLogger(processName: string, level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: { process: processName },
    messageKey: "msg",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
  });
}
