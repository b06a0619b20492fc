import { pino, type DestinationStream, type Logger } from "pino";
import { trace } from "@opentelemetry/api";
import { redactText } from "@rm/domain";

export type { Logger };

/** What a component logs through — the process's logger, or a test's recording one: three levels. */
export interface LogSink {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Structured JSON logs on stdout: level, time, process, and the active trace id when there is one.
 * Never log message bodies or phone numbers at info level; ids only.
 */
export function createLogger(processName: string, level: string = process.env.LOG_LEVEL ?? "info", destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
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
    // Errors from the database driver quote the statement's values (emails, phones, names): keep the
    // error's kind, code and shape, never the data. The same for the free-text fields that carry an
    // error's words (a dead letter's reason, a send's last error).
    serializers: { err: serializeError, error: serializeError, reason: serializeError, lastError: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Replaces quoted literals, key details, e-mail addresses, phone numbers and tokens in an error text (@rm/domain's redactText). */
export const redactErrorText = redactText;

function serializeError(value: unknown): unknown {
  if (typeof value === "string") return redactErrorText(value);
  if (!(value instanceof Error)) return value;
  const code = (value as { code?: unknown }).code;
  return {
    type: value.name,
    ...(code !== undefined ? { code } : {}),
    message: redactErrorText(value.message),
    ...(value.stack ? { stack: redactErrorText(value.stack) } : {}),
  };
}
