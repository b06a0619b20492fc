import type { Server } from "node:http";
import { context, metrics, propagation, trace, type Meter, type Tracer } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace";
import { closeServer, startHealthServer } from "./health-server.ts";
import { secondsHistogramViews } from "./histogram-views.ts";
import { getMeter, getTracer } from "./meter.ts";
import type { ReadinessCheck } from "./readiness.ts";

export interface TelemetryOptions {
  serviceName: string;
  /** Port of /metrics, /healthz, /readyz; 0 picks a free one (see `port` in the result). */
  metricsPort: number;
  /** Interface to listen on; default all interfaces (Prometheus and kubelet probes come from outside). */
  host?: string;
  /** Checks behind /readyz: 200 when every value is true, 503 otherwise (or on throw/timeout). */
  readiness?: ReadinessCheck;
  /** Whole-readiness deadline, default 2 s: give the readiness probe a timeoutSeconds above it (kubelet default is 1 s). */
  readinessTimeoutMs?: number;
  /** e.g. http://otel-collector:4318/v1/traces; without it spans are recorded but not exported. */
  otlpTracesEndpoint?: string;
}

export interface Telemetry {
  meter: Meter;
  tracer: Tracer;
  server: Server;
  /** The port actually listened on (differs from metricsPort when that was 0). */
  port: number;
  /** Closes the server, flushes spans, and unregisters the SDK; safe to call twice. */
  shutdown(): Promise<void>;
}

let running = false;

export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  // The OpenTelemetry API registers globals once per process; a second SDK would be silently ignored.
  if (running) throw new Error("startTelemetry() called twice: shut the first one down before starting another");
  running = true;

  const exporter = new PrometheusExporter({ preventServerStart: true });
  // A real TracerProvider needs at least one processor: with none, every trace id is all zeros
  // and nothing propagates (docs/toolchain.md). The no-op one records ids without exporting.
  const spanProcessors: SpanProcessor[] = [new NoopSpanProcessor()];
  if (options.otlpTracesEndpoint) spanProcessors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: options.otlpTracesEndpoint }) }));

  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    metricReaders: [exporter],
    views: secondsHistogramViews(),
    spanProcessors,
    // Explicit empty list: otherwise the SDK builds OTLP log exporters from the environment defaults.
    logRecordProcessors: [],
  });
  try {
    sdk.start();
    const { server, port } = await startHealthServer({
      port: options.metricsPort,
      host: options.host,
      metricsHandler: (req, res) => exporter.getMetricsRequestHandler(req, res),
      readiness: options.readiness,
      readinessTimeoutMs: options.readinessTimeoutMs ?? 2_000,
    });

    let stopped: Promise<void> | undefined;
    return {
      meter: getMeter(),
      tracer: getTracer(),
      server,
      port,
      shutdown: () => (stopped ??= stop(sdk, server)),
    };
  } catch (err) {
    await stop(sdk, undefined);
    throw err;
  }
}

async function stop(sdk: NodeSDK, server: Server | undefined): Promise<void> {
  try {
    if (server) await closeServer(server);
    await sdk.shutdown();
  } finally {
    // Unregister the globals so a later start (tests) registers afresh instead of being ignored.
    metrics.disable();
    trace.disable();
    propagation.disable();
    context.disable();
    running = false;
  }
}
