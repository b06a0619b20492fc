// Environment variables of every process (SPEC §8). One schema per process, built from shared
// pieces, so the README's table and the code cannot drift far: this file is the source of truth.
import { isIP } from "node:net";
import { z } from "zod";
import { parsePlatformContentSids, type PlatformContentSids } from "@rm/domain";
import { DEFAULT_WEBHOOK_OVERRIDES, parseConnectionOverrides } from "@rm/twilio";

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

// An address or CIDR range (`10.0.0.0/8`, `fd00::/8`), or proxy-addr's names for well-known ranges.
const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);
function isProxyRange(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [addr = "", prefix, extra] = entry.split("/");
  const family = isIP(addr);
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

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

/** Stream key prefix and partitions per kind: relay and worker must agree (SPEC §2 "Past one machine"). */
const streamsEnv = z.object({
  STREAM_PREFIX: z.string().regex(/^[a-z0-9:_-]*$/i, "expected letters, digits, ':', '_' or '-'").default("rm:"),
  STREAM_PARTITIONS: z.coerce.number({ error: "expected a whole number" }).int().min(1).max(1024).default(1),
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

/**
 * The platform's approved WhatsApp templates, used by every workspace without its own: JSON
 * {"es":{"INITIAL":"HX…","REMINDER":"HX…",…},"en":{…}} (types INITIAL, REMINDER, FOLLOWUP_HAPPY,
 * FOLLOWUP_UNHAPPY, HELP, OPT_OUT_CONFIRMATION). Unset: only workspaces' own templates are used.
 */
const whatsappDefaultsEnv = z.object({
  WHATSAPP_DEFAULT_CONTENT_SIDS: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx): PlatformContentSids => {
      if (!v) return {};
      try {
        return parsePlatformContentSids(v);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
    }),
});

/**
 * Sealing of provider credentials at rest (SPEC §12): "<key id>:<base64 32-byte key>,…" and the id of
 * the key new ciphertexts use. Unset: workspaces cannot connect their own Twilio account.
 */
const credentialsEnv = z.object({
  CREDENTIALS_ENCRYPTION_KEYS: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,32}:[A-Za-z0-9+/]{43}=(,\s*[A-Za-z0-9_.-]{1,32}:[A-Za-z0-9+/]{43}=)*$/, "expected <key id>:<base64 of 32 random bytes>, comma-separated")
    .optional(),
  CREDENTIALS_ENCRYPTION_KEY_ID: z.string().trim().regex(/^[A-Za-z0-9_.-]{1,32}$/, "expected a key id of CREDENTIALS_ENCRYPTION_KEYS").optional(),
  /** How long a replaced auth token of an own account still verifies its callbacks. */
  OWN_SENDER_TOKEN_GRACE_HOURS: z.coerce.number({ error: "expected hours" }).min(0).max(24 * 30).default(24),
});

const credentialsRefine = <T extends { CREDENTIALS_ENCRYPTION_KEYS?: string | undefined; CREDENTIALS_ENCRYPTION_KEY_ID?: string | undefined }>(e: T) =>
  !e.CREDENTIALS_ENCRYPTION_KEYS || Boolean(e.CREDENTIALS_ENCRYPTION_KEY_ID && e.CREDENTIALS_ENCRYPTION_KEYS.split(",").some((k) => k.trim().startsWith(`${e.CREDENTIALS_ENCRYPTION_KEY_ID}:`)));
const credentialsRefineMessage = { path: ["CREDENTIALS_ENCRYPTION_KEY_ID"], message: "must name one of the keys of CREDENTIALS_ENCRYPTION_KEYS" };

/** The platform's senders, used by every workspace that has none of its own. */
const platformSendersEnv = z.object({
  TWILIO_FROM_SMS: twilioEnv.shape.TWILIO_FROM_SMS,
  TWILIO_FROM_WHATSAPP: twilioEnv.shape.TWILIO_FROM_WHATSAPP,
  TWILIO_MESSAGING_SERVICE_SID: twilioEnv.shape.TWILIO_MESSAGING_SERVICE_SID,
});

/**
 * Twilio's connection overrides, appended as the URL fragment to every callback URL the app hands
 * Twilio (status callbacks; the inbound URL operators set). Twilio does not retry a 5xx without them
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides). The web app checks
 * signatures over the URL with this fragment and without it. "none" hands out bare URLs (Twilio's
 * defaults: no retry of a 5xx).
 */
const webhookOverridesEnv = z.object({
  TWILIO_WEBHOOK_OVERRIDES: z
    .string()
    .trim()
    .default(DEFAULT_WEBHOOK_OVERRIDES)
    .transform((v, ctx) => {
      if (v === "none") return "";
      const f = v.replace(/^#/, "");
      try {
        parseConnectionOverrides(f);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: (err as Error).message });
        return z.NEVER;
      }
      return f;
    }),
});

const publicUrl = z.object({
  PUBLIC_URL: url(["http:", "https:"], "the public http(s) base URL of the web app").transform((v) => v.replace(/\/+$/, "")),
});

/** Stripe price id of each paid plan (all optional: billing shows "not configured" without them). */
const stripePricesEnv = z.object({
  STRIPE_PRICE_STARTER: z.string().trim().regex(/^price_\w+$/, "expected a Stripe price id (price_…)").optional(),
  STRIPE_PRICE_PROFESSIONAL: z.string().trim().regex(/^price_\w+$/, "expected a Stripe price id (price_…)").optional(),
  STRIPE_PRICE_ENTERPRISE: z.string().trim().regex(/^price_\w+$/, "expected a Stripe price id (price_…)").optional(),
});

export const webEnv = commonEnv
  .extend(redisEnv.shape)
  .extend(publicUrl.shape)
  .extend(webhookOverridesEnv.shape)
  .extend({
    PORT: port(3000),
    HOST: z.string().default("0.0.0.0"),
    SESSION_SECRET: commaList.refine((l) => l.every((s) => s.length >= 16), "each secret must be at least 16 characters"),
    /** A staff session ends after this many minutes without a request (SPEC §17; default 12 h). */
    SESSION_IDLE_TIMEOUT_MINUTES: z.coerce.number({ error: "expected minutes" }).int().min(1).max(7 * 24 * 60).default(12 * 60),
    /** A staff session ends this many hours after sign-in, however active (default 7 days). */
    SESSION_ABSOLUTE_TIMEOUT_HOURS: z.coerce.number({ error: "expected hours" }).int().min(1).max(90 * 24).default(7 * 24),
    /**
     * Proxies whose `X-Forwarded-For` is believed (SPEC §17): comma-separated addresses or CIDR ranges
     * (e.g. the ingress controller's pod range). Empty: the client is the socket's address.
     */
    TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
      .refine((l) => l.every(isProxyRange), "expected comma-separated IP addresses or CIDR ranges (e.g. 10.0.0.0/8)"),
    /** Largest body of a form or JSON request outside uploads and webhooks, in bytes (default 64 KiB). */
    REQUEST_BODY_LIMIT_BYTES: z.coerce.number({ error: "expected a number of bytes" }).int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
    TWILIO_AUTH_TOKEN: twilioEnv.shape.TWILIO_AUTH_TOKEN,
    // Own accounts (SPEC §12): the live check and subaccounts go to the API; the platform's sid creates subaccounts.
    TWILIO_ACCOUNT_SID: twilioEnv.shape.TWILIO_ACCOUNT_SID.optional(),
    TWILIO_API_URL: twilioEnv.shape.TWILIO_API_URL,
    ...credentialsEnv.shape,
    // The preview and the home page say what is missing to send: they need the platform's defaults.
    ...platformSendersEnv.shape,
    ...whatsappDefaultsEnv.shape,
    STRIPE_SECRET_KEY: z.string().optional(),
    STRIPE_WEBHOOK_SECRET: commaList.optional(),
    STRIPE_API_URL: url(["http:", "https:"], "an http(s) URL").optional(),
    ...stripePricesEnv.shape,
    /** How long a pending reply (SPEC §13) waits for the patient's answer before it lapses and staff are told (default 72 h). */
    PENDING_REPLY_TTL_HOURS: z.coerce.number({ error: "expected hours" }).min(1).max(24 * 30).default(72),
  })
  .refine(credentialsRefine, credentialsRefineMessage);

export const relayEnv = commonEnv.extend(redisEnv.shape).extend(streamsEnv.shape).extend({
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  RELAY_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
});

export const workerEnv = commonEnv
  .extend(redisEnv.shape)
  .extend(streamsEnv.shape)
  .extend(publicUrl.shape)
  .extend(webhookOverridesEnv.shape)
  .extend(twilioEnv.shape)
  .extend(whatsappDefaultsEnv.shape)
  .extend(credentialsEnv.shape)
  .extend({
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
    /** Entries per XREADGROUP and reader loops per stream kind. */
    STREAM_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
    STREAM_READERS: z.coerce.number().int().min(1).max(32).default(2),
    /** Pending entries idle longer than this are taken over by another consumer. Must exceed TWILIO_TIMEOUT_MS. */
    STREAM_CLAIM_IDLE_MS: z.coerce.number().int().min(1000).default(60_000),
    /** Deliveries after which an entry goes to the dead-letter stream. */
    STREAM_MAX_DELIVERIES: z.coerce.number().int().min(1).max(100).default(5),
    /** Timeout of one provider request (the SDK's); shorter than the claim idle time. */
    TWILIO_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
    /** Overrides every workspace's reminder delay (reminderAfterHours); for demos and tests only. */
    REMINDER_DELAY_MS: z.coerce.number().int().min(1000).optional(),
    /** How often ACTIVE campaigns are checked for completion (default 5 minutes). */
    CAMPAIGN_COMPLETION_INTERVAL_MS: z.coerce.number().int().min(100).optional(),
    /** Outbox rows published but not done for this long are republished by the sweeper. */
    OUTBOX_SWEEP_AFTER_MS: z.coerce.number().int().min(1000).default(5 * 60_000),
    /** How often the sweeper runs. */
    OUTBOX_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
    /** Stored status callbacks applied per transaction by each worker's status applier (decision 011). */
    STATUS_APPLY_BATCH_SIZE: z.coerce.number({ error: "expected a whole number" }).int().min(1).max(10_000).default(1000),
    /** How often the status applier looks for callbacks when no wake-up arrived (it is woken after each webhook commit). */
    STATUS_APPLY_POLL_MS: z.coerce.number({ error: "expected milliseconds" }).int().min(10).max(60_000).default(1000),
    /**
     * How long a status callback for a message not found (yet) is retried, with waits up to a minute,
     * before it is parked (outcome unknown_message).
     */
    STATUS_UNKNOWN_RETRY_MINUTES: z.coerce.number({ error: "expected minutes" }).positive().max(7 * 24 * 60).default(10),
    /** Turns the per-sender provider rate limits off (benchmarks against the simulator). */
    RATE_LIMITS_DISABLED: boolFlag,
    /**
     * How long after a staff message a conversation counts as live (SPEC §13): replies are then read
     * as ratings only when a request awaits one and the reply is a bare rating, and HELP is never sent.
     */
    LIVE_CONVERSATION_HOURS: z.coerce.number({ error: "expected hours" }).min(0).max(24 * 7).default(4),
    /** A conversation waiting this many minutes alerts the practice's staff number once, outside quiet hours; 0 = off. */
    UNANSWERED_ALERT_MINUTES: z.coerce.number({ error: "expected minutes" }).int().min(0).max(7 * 24 * 60).default(0),
    /** Runs the send protocol one message at a time instead of per stream batch (fallback, comparisons). */
    SEND_ONE_BY_ONE: boolFlag,
    /**
     * How long a message keeps being retried while the provider is unavailable in a way that proves
     * nothing was sent (refused connection, DNS, TLS handshake, 429), counted from its first such
     * failure; then it fails and its credits are released.
     */
    SEND_RETRY_MAX_HOURS: z.coerce.number({ error: "expected a number of hours" }).positive().max(72).default(6),
    /** First wait after such a failure; each further wait doubles. */
    SEND_RETRY_FIRST_DELAY_SECONDS: z.coerce.number({ error: "expected a number of seconds" }).int().min(1).max(3600).default(15),
    /** The longest wait between two attempts. */
    SEND_RETRY_MAX_DELAY_SECONDS: z.coerce.number({ error: "expected a number of seconds" }).int().min(1).max(6 * 3600).default(600),
    /**
     * Inbound reconciliation: each run lists, per sender, what Twilio received since the latest reply
     * already stored for it minus this margin, so replies lost in an outage this long are applied.
     */
    INBOUND_RECONCILE_OVERLAP_MINUTES: z.coerce.number({ error: "expected minutes" }).int().min(1).max(3 * 24 * 60).default(360),
    /** Inbound reconciliation never lists further back than this. */
    INBOUND_RECONCILE_MAX_HOURS: z.coerce.number({ error: "expected hours" }).int().min(1).max(30 * 24).default(72),
    /**
     * Segments per second by kind of sender, overriding Twilio's published defaults, e.g.
     * "whatsapp=80,tollFree=3" (kinds: longCode, tollFree, shortCode, whatsapp).
     */
    SENDER_RATES: z
      .string()
      .regex(/^(\s*(longCode|tollFree|shortCode|whatsapp)\s*=\s*\d+(\.\d+)?\s*)(,\s*(longCode|tollFree|shortCode|whatsapp)\s*=\s*\d+(\.\d+)?\s*)*$/, "expected kind=rate pairs, e.g. whatsapp=80,tollFree=3")
      .optional()
      .transform((v) => Object.fromEntries((v ?? "").split(",").filter((p) => p.includes("=")).map((p) => { const [k, r] = p.split("="); return [k!.trim(), Number(r)]; })) as Partial<Record<"longCode" | "tollFree" | "shortCode" | "whatsapp", number>>),
    STRIPE_SECRET_KEY: z.string().optional(),
    STRIPE_API_URL: url(["http:", "https:"], "an http(s) URL").optional(),
    ...stripePricesEnv.shape,
  })
  // The send protocol relies on it: a send still waiting for the provider is never taken over.
  .refine((e) => e.STREAM_CLAIM_IDLE_MS >= e.TWILIO_TIMEOUT_MS * 1.5, {
    path: ["STREAM_CLAIM_IDLE_MS"],
    message: "must be at least 1.5 × TWILIO_TIMEOUT_MS, so a send in flight is never taken over by another worker",
  })
  .refine((e) => e.SEND_RETRY_MAX_DELAY_SECONDS >= e.SEND_RETRY_FIRST_DELAY_SECONDS, {
    path: ["SEND_RETRY_MAX_DELAY_SECONDS"],
    message: "must be at least SEND_RETRY_FIRST_DELAY_SECONDS",
  })
  .refine(credentialsRefine, credentialsRefineMessage);

const share = z.coerce.number({ error: "expected a share between 0 and 1" }).min(0).max(1);
const count = (max: number, fallback: number) => z.coerce.number({ error: "expected a whole number" }).int().min(0).max(max).default(fallback);

/** Local Twilio stand-in (SPEC §8): dev and test tool only, never the production path. */
export const simulatorEnv = z.object({
  NODE_ENV: commonEnv.shape.NODE_ENV,
  LOG_LEVEL: commonEnv.shape.LOG_LEVEL,
  SIMULATOR_PORT: port(4010),
  SIMULATOR_HOST: z.string().trim().default("0.0.0.0"),
  TWILIO_ACCOUNT_SID: twilioEnv.shape.TWILIO_ACCOUNT_SID,
  /** Comma-separated: any token authenticates API calls; the first signs callbacks and inbound webhooks. */
  TWILIO_AUTH_TOKEN: twilioEnv.shape.TWILIO_AUTH_TOKEN,
  /** Where simulated patient replies are posted (the web app's inbound webhook). */
  SIMULATOR_INBOUND_URL: url(["http:", "https:"], "an http(s) URL").default("http://127.0.0.1:3000/webhooks/twilio/inbound"),
  /** Benchmark mode: no lifecycle timers, counts only (plus an optional final `delivered` callback). */
  SIMULATOR_THROUGHPUT_MODE: boolFlag,
  SIMULATOR_THROUGHPUT_FINAL_CALLBACK: boolFlag,
  /** Share of accepted messages that end undelivered/failed (split evenly). */
  SIMULATOR_FAILURE_SHARE: share.default(0),
  /** Pause before each status step (queued, sent, delivered, read). */
  SIMULATOR_CALLBACK_DELAY_MS: count(600_000, 100),
  SIMULATOR_CALLBACK_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(64),
  /** Create-message requests per second before 429/20429; 0 = unlimited. */
  SIMULATOR_RATE_LIMIT: count(1_000_000, 0),
  /** Comma-separated E.164 prefixes answered with 21408 (region not enabled), e.g. "+86,+7". */
  SIMULATOR_BLOCKED_PREFIXES: commaList.optional(),
  /** Comma-separated `number=code[xN]` rules, e.g. "+593990000001=30008,+593990000002=500x2". */
  SIMULATOR_FAIL_RULES: z.string().trim().optional(),
  /** Share of delivered messages that get a simulated patient reply. */
  SIMULATOR_AUTO_REPLY_SHARE: share.default(0),
  SIMULATOR_AUTO_REPLY_DELAY_MS: count(3_600_000, 500),
  /** By default a patient answers only the first message from a sender (the rating request). */
  SIMULATOR_AUTO_REPLY_EVERY_MESSAGE: boolFlag,
  /** The platform's templates, approved in the simulator (same JSON as the web and worker get). */
  ...whatsappDefaultsEnv.shape,
  /** Further approved content SIDs, comma-separated (a workspace's own templates in a demo). */
  SIMULATOR_APPROVED_CONTENT_SIDS: commaList.optional(),
  /** Messages kept for fetch/list; beyond it only counts are kept. */
  SIMULATOR_MAX_STORED_MESSAGES: count(50_000_000, 1_000_000),
});

export type WebEnv = z.infer<typeof webEnv>;
export type RelayEnv = z.infer<typeof relayEnv>;
export type WorkerEnv = z.infer<typeof workerEnv>;
export type SimulatorEnv = z.infer<typeof simulatorEnv>;
