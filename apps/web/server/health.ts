// Kubernetes probes (SPEC §8). /healthz: the process is alive. /readyz: PostgreSQL answers
// `select 1` in time. Redis is deliberately not checked: webhooks only need the database, and a
// Redis outage must not take the web tier out of service.
import { sendText, type LeanRoute } from "./dispatcher.ts";

export interface HealthOptions {
  pingDatabase: (timeoutMs: number) => Promise<boolean>;
  isDraining: () => boolean;
  readyTimeoutMs?: number;
}

export function healthRoutes({ pingDatabase, isDraining, readyTimeoutMs = 1_000 }: HealthOptions): LeanRoute[] {
  return [
    {
      method: "GET",
      path: "/healthz",
      quiet: true,
      handler: (_req, res) => sendText(res, 200, "ok\n"),
    },
    {
      method: "GET",
      path: "/readyz",
      quiet: true,
      handler: async (_req, res) => {
        if (isDraining()) return sendText(res, 503, "shutting down\n");
        const ok = await pingDatabase(readyTimeoutMs);
        sendText(res, ok ? 200 : 503, ok ? "ok\n" : "database unavailable\n");
      },
    },
  ];
}
