import { context, SpanKind, SpanStatusCode, trace, type Attributes } from "@opentelemetry/api";
import { getTracer } from "./meter.ts";

/**
 * Runs `fn` inside a new active span, ended when its promise settles. Anything that writes outbox
 * rows inside (enqueueOutbox) records this span as the rows' trace context, so the worker's handling
 * of them continues the same trace.
 */
export async function withSpan<T>(name: string, attributes: Attributes, fn: () => Promise<T> | T): Promise<T> {
  return getTracer().startActiveSpan(name, { attributes, kind: SpanKind.CONSUMER }, async (span) => {
    try {
      return await fn();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * Runs `fn` synchronously inside a new active server span (a fresh trace: trace ids from the internet
 * are not trusted). `fn` gets the function that ends the span, e.g. on the response's `close`.
 */
export function runInServerSpan<T>(name: string, attributes: Attributes, fn: (end: (attributes?: Attributes) => void) => T): T {
  const span = getTracer().startSpan(name, { kind: SpanKind.SERVER, attributes, root: true });
  let ended = false;
  const end = (more?: Attributes) => {
    if (ended) return;
    ended = true;
    if (more) span.setAttributes(more);
    span.end();
  };
  return context.with(trace.setSpan(context.active(), span), () => fn(end));
}
