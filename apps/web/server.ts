// The web process: plain node:http. In front, a dispatcher answers /healthz, /readyz and the
// provider webhooks without touching Remix; everything else is static files + Remix. /metrics (with
// its own /healthz and /readyz) is served on METRICS_PORT.
//
//   NODE_ENV=production node server.ts   serves build/ (run `remix vite:build` first)
//   NODE_ENV=development node server.ts  Vite in middleware mode, HMR
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { credentialsCipherFromEnv, ownAccountResolver } from "@rm/accounts";
import { API_BASE_PATH, createApiHandler } from "@rm/api";
import { SlidingWindowLimiter } from "@rm/messaging";
import { systemClock } from "@rm/domain";
import { loadConfig, webEnv } from "@rm/config";
import { startTelemetry } from "@rm/telemetry";
import { closeOrm, forkEm, getOrm, pingDatabase } from "./app/.server/db.server.ts";
import { logger } from "./app/.server/logger.server.ts";
import { apiKeyHashSecret } from "./app/.server/api.server.ts";
import { platformSending } from "./app/.server/platform.server.ts";
import { closeWebRedis, getRedis } from "./app/.server/redis.server.ts";
import { clientAddressResolver } from "./server/client-address.ts";
import { createDispatcher } from "./server/dispatcher.ts";
import { healthRoutes } from "./server/health.ts";
import { createRemixApp } from "./server/remix.ts";
import { withStaffRateLimit } from "./server/staff-rate-limit.ts";
import { webhookRoutes } from "./server/webhooks.ts";

const SHUTDOWN_GRACE_MS = 10_000;

const env = loadConfig(webEnv);
const mode = env.NODE_ENV === "production" ? "production" : "development";
const root = fileURLToPath(new URL(".", import.meta.url));
const log = logger;

// Warm the ORM up (a database that is down now is retried on first use; /readyz reports it).
getOrm().catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, "database not reachable at start"));

const telemetry = await startTelemetry({
  serviceName: "rm-web",
  metricsPort: env.METRICS_PORT,
  otlpTracesEndpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
  // Webhooks need only the database, so PostgreSQL alone decides readiness (SPEC §8).
  readiness: async () => ({ postgres: await pingDatabase(1000) }),
});
const webhookPool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 10, idleTimeoutMillis: 30_000 });
// Callbacks of workspaces' own Twilio accounts verify with that account's token (SPEC §12).
const ownAccounts =
  env.CREDENTIALS_ENCRYPTION_KEYS && env.CREDENTIALS_ENCRYPTION_KEY_ID
    ? { resolveTwilioAccount: ownAccountResolver(webhookPool, credentialsCipherFromEnv(env.CREDENTIALS_ENCRYPTION_KEYS, env.CREDENTIALS_ENCRYPTION_KEY_ID)) }
    : {};
webhookPool.on("error", (err) => log.warn({ err: err.message }, "idle webhook database connection failed"));

let draining = false;
const isDraining = () => draining;

const httpServer = http.createServer({ keepAliveTimeout: 65_000 });

const app = await createRemixApp({
  mode,
  root,
  httpServer,
  log,
  createLoadContext: async ({ requestId, clientAddress }) => ({ em: await forkEm(), requestId, clientAddress, authenticated: false }),
  // Counts documents, data requests and posts of signed-in staff; never assets or Vite's modules.
  wrapRemix: withStaffRateLimit,
  bodyLimitBytes: env.REQUEST_BODY_LIMIT_BYTES,
}).catch((err: unknown) => {
  log.fatal({ err: err instanceof Error ? err.message : String(err) }, "cannot start the web app");
  process.exit(1);
});

// Responses in flight when shutdown begins close their connection once sent.
const inFlight = new Set<http.ServerResponse>();
httpServer.on("request", (_req: http.IncomingMessage, res: http.ServerResponse) => {
  inFlight.add(res);
  res.once("close", () => inFlight.delete(res));
  res.once("finish", () => {
    if (draining) setImmediate(() => httpServer.closeIdleConnections());
  });
});

// The REST API for practice software (SPEC §15): lean, ahead of Remix, like the webhooks.
const clientAddressOf = clientAddressResolver(env.TRUSTED_PROXIES);
const api = createApiHandler({
  em: forkEm,
  hashSecret: apiKeyHashSecret(),
  publicUrl: env.PUBLIC_URL,
  platform: platformSending(),
  limiter: new SlidingWindowLimiter({
    redis: getRedis,
    prefix: "rm:limit:",
    onFailOpen: (err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, "redis unavailable: API rate limit failing open"),
  }),
  requestsPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
  clock: systemClock,
  maxBodyBytes: env.REQUEST_BODY_LIMIT_BYTES,
  clientAddress: clientAddressOf,
  logger: log,
});

httpServer.on(
  "request",
  createDispatcher({
    mounts: [{ prefix: API_BASE_PATH, handler: (req, res) => api(req, res) }],
    routes: [...healthRoutes({ pingDatabase, isDraining }), ...webhookRoutes({ publicUrl: env.PUBLIC_URL, twilioAuthTokens: env.TWILIO_AUTH_TOKEN, twilioWebhookOverrides: env.TWILIO_WEBHOOK_OVERRIDES, ...ownAccounts, stripeWebhookSecrets: env.STRIPE_WEBHOOK_SECRET ?? [], logger: log, pool: webhookPool })],
    app: app.handle,
    log,
    isDraining,
    clientAddressOf,
  }),
);

httpServer.once("error", (err) => {
  log.fatal({ err: err.message, port: env.PORT }, "cannot listen");
  process.exit(1);
});

httpServer.listen(env.PORT, env.HOST, () => {
  const { port } = httpServer.address() as AddressInfo;
  log.info({ port, host: env.HOST, mode }, "listening");
});

async function shutdown(signal: string): Promise<void> {
  if (draining) return;
  draining = true;
  log.info({ signal }, "shutting down: finishing in-flight requests");
  const force = setTimeout(() => {
    log.warn("grace period over: closing remaining connections");
    httpServer.closeAllConnections();
  }, SHUTDOWN_GRACE_MS);
  force.unref();
  // Stop accepting; close idle keep-alive sockets now, busy ones after their response.
  for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
  const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  httpServer.closeIdleConnections();
  await closed;
  clearTimeout(force);
  await app.close().catch((err: unknown) => log.error({ err }, "closing the app failed"));
  await closeOrm().catch((err: unknown) => log.error({ err }, "closing the database failed"));
  await closeWebRedis().catch((err: unknown) => log.error({ err }, "closing redis failed"));
  await webhookPool.end().catch((err: unknown) => log.error({ err }, "closing the webhook pool failed"));
  await telemetry.shutdown().catch((err: unknown) => log.error({ err }, "stopping telemetry failed"));
  log.info("stopped");
  process.exit(0);
}

process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
