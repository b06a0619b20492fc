import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { evaluateReadiness, type ReadinessCheck } from "./readiness.ts";

export interface HealthServerOptions {
  port: number;
  host?: string;
  /** The Prometheus exporter's request handler, mounted on /metrics. */
  metricsHandler: (req: IncomingMessage, res: ServerResponse) => void;
  readiness?: ReadinessCheck;
  readinessTimeoutMs: number;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/** One small server per process for /metrics, /healthz and /readyz (SPEC §8: on METRICS_PORT). */
export async function startHealthServer(options: HealthServerOptions): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    switch (path) {
      case "/metrics":
        options.metricsHandler(req, res);
        return;
      case "/healthz":
        // Alive means the event loop answers; dependencies belong to /readyz.
        sendJson(res, 200, { status: "ok" });
        return;
      case "/readyz":
        void evaluateReadiness(options.readiness, options.readinessTimeoutMs).then(({ ready, checks, error }) =>
          sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "not ready", checks, ...(error ? { error } : {}) }),
        );
        return;
      default:
        sendJson(res, 404, { error: "not found" });
    }
  });
  // Probes and scrapes are short; don't let idle keep-alive sockets delay shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
