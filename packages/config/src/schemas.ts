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
  /**
   * A read replica for reads that tolerate replication lag (analytics, exports); unset, they go to
   * DATABASE_URL. Pages shown right after a staff action always read the primary.
   */
  DATABASE_READ_URL: url(["postgres:", "postgresql:"], "a postgres:// connection URL").optional(),
  METRICS_PORT: port(9464),
  /** Global kill switch: when true no patient message leaves, whatever the workspace says. */
  SENDING_PAUSED: boolFlag,
  /** Optional OTLP trace export (e.g. http://otel-collector:4318/v1/traces). */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url(["http:", "https:"], "an http(s) URL").optional(),
});

const redisUrlList = z
  .string({ error: "required (a redis:// URL)" })
  .trim()
  .refine((v) => {
    try {
      return v.split(",").every((u) => ["redis:", "rediss:"].includes(new URL(u.trim()).protocol));
    } catch {
      return false;
    }
  }, "expected a redis:// URL, or with REDIS_CLUSTER=true a comma-separated list of the cluster's seed nodes");

// Several URLs without REDIS_CLUSTER are refused when the client is created (createRedis).
const redisEnv = z.object({
  /** A redis:// URL; with REDIS_CLUSTER, the cluster's seed nodes as redis:// URLs, comma-separated. */
  REDIS_URL: redisUrlList,
  /** Speak to a Redis Cluster (ioredis Cluster): stream partitions spread over its nodes by hash tag. */
  REDIS_CLUSTER: boolFlag,
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

/** Outgoing webhooks to http and private addresses: development and tests only, never in production. */
const webhooksInsecureEnv = z.object({ WEBHOOKS_ALLOW_INSECURE: boolFlag });
const insecureRefine = <T extends { NODE_ENV: string; WEBHOOKS_ALLOW_INSECURE: boolean }>(e: T) => !(e.NODE_ENV === "production" && e.WEBHOOKS_ALLOW_INSECURE);
const insecureRefineMessage = { path: ["WEBHOOKS_ALLOW_INSECURE"], message: "must not be true in production" };

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

/**
 * The OpenAI-compatible chat-completions endpoint for AI drafts (SPEC §14): OpenAI
 * (https://api.openai.com/v1), a local Ollama (http://ollama:11434/v1) or the simulator's fake
 * (http://127.0.0.1:4010/v1). Unset AI_BASE_URL: the feature explains how to enable it.
 */
const aiEnv = z.object({
  AI_BASE_URL: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), url(["http:", "https:"], "an http(s) URL ending in /v1 for Ollama").optional()),
  /** Secret; Ollama ignores it. Never logged. */
  AI_API_KEY: z.string().trim().optional(),
  AI_MODEL: z.string().trim().min(1, "must not be empty").default("llama3.2"),
  /** Whole request, waiting for the model included. */
  AI_TIMEOUT_MS: z.coerce.number({ error: "expected milliseconds" }).int().min(1000).max(300_000).default(30_000),
});

/**
 * Credits one WhatsApp message costs by its template's category (SPEC §14): Meta prices MARKETING
 * templates above UTILITY ones, so broadcasts charge by category. SMS stays one credit per segment.
 * Read by the web app (the library's preview) and the worker (the broadcast sending).
 */
const categoryCreditsEnv = z.object({
  CREDITS_PER_MARKETING_MESSAGE: z.coerce.number({ error: "expected a whole number of credits" }).int().min(1).max(100).default(2),
  CREDITS_PER_UTILITY_MESSAGE: z.coerce.number({ error: "expected a whole number of credits" }).int().min(1).max(100).default(1),
});

/**
 * How long after a staff message a conversation counts as live (SPEC §13): replies are then read
 * as ratings only when a request awaits one and the reply is a bare rating, HELP is never sent, and
 * the assistant keeps quiet (the web app's chat reads it too).
 */
const liveConversationHours = z.coerce.number({ error: "expected hours" }).min(0).max(24 * 7).default(4);

export const webEnv = commonEnv
  .extend(redisEnv.shape)
  .extend(categoryCreditsEnv.shape)
  .extend(publicUrl.shape)
  .extend(webhookOverridesEnv.shape)
  .extend({
    PORT: port(3000),
    HOST: z.string().default("0.0.0.0"),
    LIVE_CONVERSATION_HOURS: liveConversationHours,
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
    // Sign-up verification codes (SPEC §17, decision 024): their life, attempts and the caps that
    // keep sign-up from being an SMS-pumping target.
    /** Minutes a sign-up code stays valid (default 10). */
    SIGNUP_CODE_TTL_MINUTES: z.coerce.number({ error: "expected minutes" }).int().min(1).max(60).default(10),
    /** Wrong codes before a code is spent and a new one must be asked for (default 5). */
    SIGNUP_CODE_MAX_ATTEMPTS: z.coerce.number({ error: "expected a number" }).int().min(1).max(20).default(5),
    /** Codes sent to one phone in 24 hours (default 3). */
    SIGNUP_CODES_PER_PHONE_PER_DAY: z.coerce.number({ error: "expected a number" }).int().min(1).max(100).default(3),
    /** Codes sent to one number prefix (country code + SIGNUP_PREFIX_DIGITS national digits) in an hour (default 10). */
    SIGNUP_CODES_PER_PREFIX_PER_HOUR: z.coerce.number({ error: "expected a number" }).int().min(1).max(10_000).default(10),
    /** National digits after the country code that make a number's prefix (default 4). */
    SIGNUP_PREFIX_DIGITS: z.coerce.number({ error: "expected a number of digits" }).int().min(1).max(10).default(4),
    /** Codes requested from one client IP (trusted-proxy aware) in an hour (default 5). */
    SIGNUP_CODES_PER_IP_PER_HOUR: z.coerce.number({ error: "expected a number" }).int().min(1).max(10_000).default(5),
    /** Largest body of a form or JSON request outside uploads and webhooks, in bytes (default 64 KiB). */
    REQUEST_BODY_LIMIT_BYTES: z.coerce.number({ error: "expected a number of bytes" }).int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
    /**
     * Uploads with at least this many accepted rows are confirmed by the worker in the background, the
     * page following its progress; smaller ones in the request (default 5,000; SPEC §5.1).
     */
    CONFIRM_IN_BACKGROUND_ROWS: z.coerce.number({ error: "expected a number of rows" }).int().min(1).max(1_000_000).default(5_000),
    TWILIO_AUTH_TOKEN: twilioEnv.shape.TWILIO_AUTH_TOKEN,
    // Own accounts (SPEC §12): the live check and subaccounts go to the API; the platform's sid creates subaccounts.
    TWILIO_ACCOUNT_SID: twilioEnv.shape.TWILIO_ACCOUNT_SID.optional(),
    TWILIO_API_URL: twilioEnv.shape.TWILIO_API_URL,
    ...credentialsEnv.shape,
    // The preview and the home page say what is missing to send: they need the platform's defaults.
    ...platformSendersEnv.shape,
    ...whatsappDefaultsEnv.shape,
    ...aiEnv.shape,
    STRIPE_SECRET_KEY: z.string().optional(),
    STRIPE_WEBHOOK_SECRET: commaList.optional(),
    STRIPE_API_URL: url(["http:", "https:"], "an http(s) URL").optional(),
    ...stripePricesEnv.shape,
    /**
     * Key of the HMAC that API keys are stored under (decision 020); at least 32 characters. Changing
     * it invalidates every API key. Unset: derived from the first SESSION_SECRET (then rotating
     * SESSION_SECRET's first entry invalidates every API key: set this before rotating).
     */
    API_KEY_HASH_SECRET: z.string().min(32, "at least 32 characters").optional(),
    /** Requests per minute each API key may make (sliding window, Redis). */
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number({ error: "expected a whole number" }).int().min(1).max(100_000).default(600),
    ...webhooksInsecureEnv.shape,
    /** How long a pending reply (SPEC §13) waits for the patient's answer before it lapses and staff are told (default 72 h). */
    PENDING_REPLY_TTL_HOURS: z.coerce.number({ error: "expected hours" }).min(1).max(24 * 30).default(72),
    /** Web chat (SPEC §16): messages one visitor may send per hour (sliding window, Redis; fails open). */
    WIDGET_MESSAGES_PER_VISITOR_PER_HOUR: z.coerce.number({ error: "expected a whole number" }).int().min(1).max(10_000).default(30),
    /** Web chat: messages all visitors of one workspace's widget key may send per hour together. */
    WIDGET_MESSAGES_PER_KEY_PER_HOUR: z.coerce.number({ error: "expected a whole number" }).int().min(1).max(1_000_000).default(600),
    /** Web chat: confirmation codes one visitor may ask for per day (each is an SMS). */
    WIDGET_CODES_PER_VISITOR_PER_DAY: z.coerce.number({ error: "expected a whole number" }).int().min(1).max(100).default(3),
    /** Web chat: seconds between the chat's checks for new staff answers (with JavaScript). */
    WIDGET_POLL_SECONDS: z.coerce.number({ error: "expected seconds" }).int().min(2).max(300).default(5),
  })
  .refine(credentialsRefine, credentialsRefineMessage)
  .refine(insecureRefine, insecureRefineMessage);

export const relayEnv = commonEnv.extend(redisEnv.shape).extend(streamsEnv.shape).extend({
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(500),
  /** Batches claimed at once while a backlog lasts: one claims while another waits on Redis and its commit. */
  RELAY_LANES: z.coerce.number().int().min(1).max(4).default(2),
  RELAY_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
});

export const workerEnv = commonEnv
  .extend(redisEnv.shape)
  .extend(categoryCreditsEnv.shape)
  .extend(streamsEnv.shape)
  .extend(publicUrl.shape)
  .extend(webhookOverridesEnv.shape)
  .extend(twilioEnv.shape)
  .extend(whatsappDefaultsEnv.shape)
  .extend(credentialsEnv.shape)
  .extend(aiEnv.shape)
  .extend({
    /**
     * The LLM assistant (SPEC §16): how long one model answer may take before the message is left to
     * staff. Keep it well under STREAM_CLAIM_IDLE_MS, or a slow answer is claimed by another worker.
     */
    ASSISTANT_AI_TIMEOUT_MS: z.coerce.number({ error: "expected milliseconds" }).int().min(1000).max(120_000).default(15_000),
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
    /** How often the WhatsApp approval of own accounts' templates is asked of Twilio (default 5 minutes). */
    WHATSAPP_APPROVAL_INTERVAL_MS: z.coerce.number().int().min(1000).default(5 * 60_000),
    /** Outbox rows published but not done for this long are republished by the sweeper. */
    OUTBOX_SWEEP_AFTER_MS: z.coerce.number().int().min(1000).default(5 * 60_000),
    /** How often the sweeper runs. */
    OUTBOX_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1000).default(60_000),
    /**
     * Finished work — outbox rows done or cancelled, status callbacks applied — is deleted after this
     * many days by the periodic job retention.purge (at least 4: Stripe redelivers an event for 3).
     */
    RETENTION_DAYS: z.coerce.number({ error: "expected a number of days" }).min(4, { error: "at least 4 days: Stripe redelivers events for 3 days" }).max(3650).default(7),
    /** Stored status callbacks applied per transaction by each worker's status applier (decision 011). */
    STATUS_APPLY_BATCH_SIZE: z.coerce.number({ error: "expected a whole number" }).int().min(1).max(10_000).default(1000),
    /** How often the status applier looks for callbacks when no wake-up arrived (it is woken after each webhook commit). */
    STATUS_APPLY_POLL_MS: z.coerce.number({ error: "expected milliseconds" }).int().min(10).max(60_000).default(1000),
    /**
     * How long a status callback for a message not found (yet) is retried, with waits up to a minute,
     * before it is parked (outcome unknown_message).
     */
    STATUS_UNKNOWN_RETRY_MINUTES: z.coerce.number({ error: "expected minutes" }).positive().max(7 * 24 * 60).default(10),
    /** Outgoing webhooks: how long a receiver has to answer one delivery. */
    WEBHOOK_TIMEOUT_MS: z.coerce.number({ error: "expected milliseconds" }).int().min(500).max(60_000).default(10_000),
    /** Outgoing webhooks: attempts of one delivery before it gives up. */
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number({ error: "expected a whole number" }).int().min(1).max(30).default(8),
    /** Outgoing webhooks: wait before the second attempt; it doubles per attempt up to WEBHOOK_RETRY_MAX_SECONDS. */
    WEBHOOK_RETRY_FIRST_DELAY_SECONDS: z.coerce.number({ error: "expected seconds" }).min(0.1).max(3600).default(30),
    WEBHOOK_RETRY_MAX_SECONDS: z.coerce.number({ error: "expected seconds" }).min(1).max(86_400).default(6 * 3600),
    /** Outgoing webhooks: deliveries that give up in a row before the endpoint is disabled (the owner is told). */
    WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number({ error: "expected a whole number" }).int().min(1).max(1000).default(5),
    ...webhooksInsecureEnv.shape,
    /** Turns the per-sender provider rate limits off (benchmarks against the simulator). */
    RATE_LIMITS_DISABLED: boolFlag,
    LIVE_CONVERSATION_HOURS: liveConversationHours,
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
    /** How often inbound reconciliation lists what Twilio received (default 300 s). */
    INBOUND_RECONCILE_INTERVAL_SECONDS: z.coerce.number({ error: "expected seconds" }).int().min(1).max(24 * 3600).default(300),
    /** How often delivery reconciliation asks Twilio for messages still without a final status (default 300 s). */
    DELIVERY_RECONCILE_INTERVAL_SECONDS: z.coerce.number({ error: "expected seconds" }).int().min(1).max(24 * 3600).default(300),
    /** Delivery reconciliation leaves a message to its status callbacks for this long after its send (default 900 s). */
    DELIVERY_RECONCILE_MIN_AGE_SECONDS: z.coerce.number({ error: "expected seconds" }).int().min(1).max(24 * 3600).default(900),
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
  .refine(credentialsRefine, credentialsRefineMessage)
  .refine(insecureRefine, insecureRefineMessage);

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
  /** Delay of every answer of the fake AI endpoint under /v1 (AI drafts in a demo feel like a model). */
  SIMULATOR_AI_LATENCY_MS: count(300_000, 0),
  /** Messages kept for fetch/list; beyond it only counts are kept. */
  SIMULATOR_MAX_STORED_MESSAGES: count(50_000_000, 1_000_000),
});

export type WebEnv = z.infer<typeof webEnv>;
export type RelayEnv = z.infer<typeof relayEnv>;
export type WorkerEnv = z.infer<typeof workerEnv>;
export type SimulatorEnv = z.infer<typeof simulatorEnv>;
