import { context, isSpanContextValid, trace, type Context, type SpanContext } from "@opentelemetry/api";

// W3C Trace Context `traceparent`: version-traceid-spanid-flags (https://www.w3.org/TR/trace-context/).
// Written out here rather than through the global propagator so outbox rows and stream entries carry
// the same format whatever OTEL_PROPAGATORS says.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The `traceparent` of the active span (or of `ctx`), or undefined when there is no valid span. */
export function injectTraceContext(ctx: Context = context.active()): string | undefined {
  const span = trace.getSpanContext(ctx);
  if (!span || !isSpanContextValid(span)) return undefined;
  const flags = (span.traceFlags & 0xff).toString(16).padStart(2, "0");
  return `00-${span.traceId}-${span.spanId}-${flags}`;
}

/** Parses a `traceparent`; undefined for anything malformed (never throws: it comes from stored data). */
export function parseTraceparent(traceparent: string | null | undefined): SpanContext | undefined {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  const spanContext: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16) & 0x01, isRemote: true };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/**
 * Runs `fn` with the remote span of `traceparent` as parent, so spans started inside continue that
 * trace (outbox → stream → worker). A missing or malformed traceparent just runs `fn` as a new trace.
 */
export function withExtractedContext<T>(traceparent: string | null | undefined, fn: () => T): T {
  const remote = parseTraceparent(traceparent);
  if (!remote) return fn();
  return context.with(trace.setSpanContext(context.active(), remote), fn);
}
