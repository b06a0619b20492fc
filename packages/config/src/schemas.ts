// Environment variables of every process (SPEC §8). One schema per process, built from shared
// pieces, so the README's table and the code cannot drift far: this file is the source of truth.
import { z } from "zod";

const url = (protocols: string[], hint: string) =>
  z
    .string({ error: `required (${hint})` })
    .trim()
    .refine((v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    }, `expected ${hint}`);

const port = (fallback: number) => z.coerce.number({ error: "expected a port number" }).int().min(0).max(65535).default(fallback);

const commaList = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean));

const boolFlag = z
  .enum(["true", "false", "1", "0", ""], { error: "expected true or false" })
  .default("false")
  .transform((v) => v === "true" || v === "1");

export const commonEnv = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  DATABASE_URL: url(["postgres:", "postgresql:"], "a postgres:// connection URL"),
  /** Direct connection for LISTEN and migrations; defaults to DATABASE_URL (which may be a pooler). */
  DATABASE_DIRECT_URL: url(["postgres:", "postgresql:"], "a postgres:// connection URL").optional(),
  METRICS_PORT: port(9464),
  /** Global kill switch: when true no patient message leaves, whatever the workspace says. */
  SENDING_PAUSED: boolFlag,
  /** Optional OTLP trace export (e.g. http://otel-collector:4318/v1/traces). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(["http:", "https:"], "an http(s) URL").optional(),
});

const redisEnv = z.object({
  REDIS_URL: url(["redis:", "rediss:"], "a redis:// URL"),
});

const twilioEnv = z.object({
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "expected an account sid AC + 32 hex digits"),
  /** Comma-separated during rotation: the first signs our requests, all verify webhooks. */
  TWILIO_AUTH_TOKEN: commaList,
  TWILIO_API_URL: url(["http:", "https:"], "an http(s) URL").default("https://api.twilio.com"),
  TWILIO_FROM_SMS: z.string().trim().optional(),
  TWILIO_FROM_WHATSAPP: z.string().trim().optional(),
  TWILIO_MESSAGING_SERVICE_SID: z.string().regex(/^MG[0-9a-fA-F]{32}$/, "expected MG + 32 hex digits").optional(),
});

const publicUrl = z.object({
  PUBLIC_URL: url(["http:", "https:"], "the public http(s) base URL of the web app").transform((v) => v.replace(/\/+$/, "")),
});

export const webEnv = commonEnv
  .extend(redisEnv.shape)
  .extend(publicUrl.shape)
  .extend({
    PORT: port(3000),
    HOST: z.string().default("0.0.0.0"),
    SESSION_SECRET: commaList.refine((l) => l.every((s) => s.length >= 16), "each secret must be at least 16 characters"),
    TWILIO_AUTH_TOKEN: twilioEnv.shape.TWILIO_AUTH_TOKEN,
    STRIPE_SECRET_KEY: z.string().optional(),
    STRIPE_WEBHOOK_SECRET: commaList.optional(),
    STRIPE_API_URL: url(["http:", "https:"], "an http(s) URL").optional(),
  });

export const relayEnv = commonEnv.extend(redisEnv.shape).extend({
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  RELAY_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
});

export const workerEnv = commonEnv
  .extend(redisEnv.shape)
  .extend(publicUrl.shape)
  .extend(twilioEnv.shape)
  .extend({
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
    STRIPE_SECRET_KEY: z.string().optional(),
    STRIPE_API_URL: url(["http:", "https:"], "an http(s) URL").optional(),
  });

export const simulatorEnv = z.object({
  NODE_ENV: commonEnv.shape.NODE_ENV,
  LOG_LEVEL: commonEnv.shape.LOG_LEVEL,
  SIMULATOR_PORT: port(4010),
  TWILIO_ACCOUNT_SID: twilioEnv.shape.TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: twilioEnv.shape.TWILIO_AUTH_TOKEN,
});

export type WebEnv = z.infer<typeof webEnv>;
export type RelayEnv = z.infer<typeof relayEnv>;
export type WorkerEnv = z.infer<typeof workerEnv>;
export type SimulatorEnv = z.infer<typeof simulatorEnv>;
