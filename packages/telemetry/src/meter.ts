import { metrics, trace, type Meter, type Tracer } from "@opentelemetry/api";

/** Instrumentation scope of all our metrics and spans (shows up as the `otel_scope_name` label). */
export const SCOPE_NAME = "reputation-manager";

/** The meter of the registered SDK (a no-op meter before startTelemetry()). */
export function getMeter(): Meter {
  return metrics.getMeter(SCOPE_NAME);
}

export function getTracer(): Tracer {
  return trace.getTracer(SCOPE_NAME);
}

/**
 * Declares a module's instruments without creating them at import time: the API hands out no-op
 * meters until the SDK is registered, and instruments made from those stay no-ops forever.
 * The returned getter creates them on first use and again if the global provider changes (tests).
 *
 *   const instruments = defineInstruments((m) => ({ sent: m.createCounter("rm.messages.sent") }));
 *   instruments().sent.add(1, { channel: "sms" });
 *
 * Naming, as the Prometheus exporter renders it: dots become underscores, counters gain `_total`,
 * histograms `_bucket`/`_sum`/`_count`, but the unit is NOT appended — so put it in the name:
 * `rm.send.duration.seconds` (unit "s") → `rm_send_duration_seconds_bucket{le="0.005"}`.
 */
export function defineInstruments<T>(create: (meter: Meter) => T): () => T {
  let cached: { provider: unknown; value: T } | undefined;
  return () => {
    const provider = metrics.getMeterProvider();
    if (!cached || cached.provider !== provider) cached = { provider, value: create(getMeter()) };
    return cached.value;
  };
}
