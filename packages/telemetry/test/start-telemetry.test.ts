import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineInstruments, injectTraceContext, parseTraceparent, startTelemetry, withExtractedContext, type Telemetry } from "../src/index.ts";
import { trace } from "@opentelemetry/api";

// One SDK per process: the OpenTelemetry API registers its globals once.
let telemetry: Telemetry;
let readiness: () => Promise<Record<string, boolean>> = async () => ({ postgres: true, redis: true });
const base = () => `http://127.0.0.1:${telemetry.port}`;

const instruments = defineInstruments((meter) => ({
  handled: meter.createCounter("rm.test.entries.handled", { description: "entries handled" }),
  // The exporter does not append the unit: the name carries it (`…seconds` → `_seconds_bucket`).
  duration: meter.createHistogram("rm.test.handle.duration.seconds", { unit: "s", description: "handling time" }),
}));

beforeAll(async () => {
  telemetry = await startTelemetry({ serviceName: "telemetry-test", metricsPort: 0, host: "127.0.0.1", readiness: () => readiness(), readinessTimeoutMs: 200 });
});
afterAll(async () => {
  await telemetry?.shutdown();
});

describe("/metrics", () => {
  it("serves counters and histograms with second buckets as Prometheus renders them", async () => {
    instruments().handled.add(2, { stream: "dispatch" });
    instruments().duration.record(0.003, { stream: "dispatch" });
    instruments().duration.record(0.7, { stream: "dispatch" });

    const res = await fetch(`${base()}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toMatch(/^# TYPE rm_test_entries_handled_total counter$/m);
    expect(text).toMatch(/^rm_test_entries_handled_total\{[^}]*stream="dispatch"[^}]*\} 2$/m);
    expect(text).toMatch(/^rm_test_handle_duration_seconds_bucket\{[^}]*le="0.005"\} 1$/m);
    expect(text).toMatch(/^rm_test_handle_duration_seconds_bucket\{[^}]*le="1"\} 2$/m);
    expect(text).toMatch(/^rm_test_handle_duration_seconds_bucket\{[^}]*le="30"\} 2$/m);
    expect(text).toMatch(/^rm_test_handle_duration_seconds_bucket\{[^}]*le="\+Inf"\} 2$/m);
    expect(text).toMatch(/^rm_test_handle_duration_seconds_count\{[^}]*\} 2$/m);
    // The ms-shaped default buckets must not be there.
    expect(text).not.toMatch(/rm_test_handle_duration_seconds_bucket\{[^}]*le="10000"/);
    expect(text).toMatch(/otel_scope_name="reputation-manager"/);
  });
});

describe("/healthz and /readyz", () => {
  it("/healthz answers 200 while the process is alive", async () => {
    const res = await fetch(`${base()}/healthz`);
    expect(res.status).toBe(200);
  });

  it("/readyz is 200 with the checks when all are true", async () => {
    readiness = async () => ({ postgres: true, redis: true });
    const res = await fetch(`${base()}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready", checks: { postgres: true, redis: true } });
  });

  it("/readyz is 503 when a check is false", async () => {
    readiness = async () => ({ postgres: true, redis: false });
    const res = await fetch(`${base()}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "not ready", checks: { redis: false } });
  });

  it("/readyz is 503 when the checks throw", async () => {
    readiness = async () => {
      throw new Error("boom");
    };
    const res = await fetch(`${base()}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: "boom" });
  });

  it("/readyz is 503 when the checks time out", async () => {
    readiness = () => new Promise(() => {});
    const started = Date.now();
    const res = await fetch(`${base()}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("unknown paths are 404", async () => {
    expect((await fetch(`${base()}/nope`)).status).toBe(404);
  });
});

describe("traces", () => {
  it("gives real (non-zero) trace ids", () => {
    telemetry.tracer.startActiveSpan("work", (span) => {
      const { traceId, spanId } = span.spanContext();
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(traceId).not.toBe("0".repeat(32));
      expect(spanId).not.toBe("0".repeat(16));
      span.end();
    });
  });

  it("carries the trace through a traceparent string", () => {
    let traceparent: string | undefined;
    let producer!: { traceId: string; spanId: string };
    telemetry.tracer.startActiveSpan("outbox.write", (span) => {
      producer = span.spanContext();
      traceparent = injectTraceContext();
      span.end();
    });
    expect(traceparent).toBe(`00-${producer.traceId}-${producer.spanId}-01`);

    // Later, elsewhere: no active span, only the stored string.
    expect(trace.getActiveSpan()).toBeUndefined();
    withExtractedContext(traceparent, () => {
      telemetry.tracer.startActiveSpan("stream.handle", (child) => {
        expect(child.spanContext().traceId).toBe(producer.traceId);
        expect(child.spanContext().spanId).not.toBe(producer.spanId);
        expect((child as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId).toBe(producer.spanId);
        child.end();
      });
    });
  });

  it("ignores malformed traceparents and starts a new trace", () => {
    for (const bad of [undefined, null, "", "garbage", `00-${"0".repeat(32)}-${"1".repeat(16)}-01`, `ff-${"a".repeat(32)}-${"b".repeat(16)}-01`, `00-${"a".repeat(32)}-${"b".repeat(16)}-01-extra`]) {
      expect(parseTraceparent(bad)).toBeUndefined();
      const traceId = withExtractedContext(bad, () => telemetry.tracer.startActiveSpan("x", (s) => (s.end(), s.spanContext().traceId)));
      expect(traceId).not.toBe("a".repeat(32));
    }
  });

  it("outside any span there is nothing to inject", () => {
    expect(injectTraceContext()).toBeUndefined();
  });
});
