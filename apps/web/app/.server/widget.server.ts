// The web chat widget's web side (SPEC §16, decision 032): the operator's limits from the environment,
// the visitor and key rate limits (the shared Redis sliding-window limiter, failing open), the
// language of the chat, and the framing policy the chat page sends. The logic is @rm/messaging's.
import { createHash } from "node:crypto";
import { SlidingWindowLimiter, type LimitDecision } from "@rm/messaging";
import { getEnv } from "./env.server.ts";
import { logger } from "./logger.server.ts";
import { getRedis } from "./redis.server.ts";
import { singleton } from "./singleton.server.ts";

export { FRAME_ANCESTORS_HEADER } from "./security.server.ts";

export function widgetOptions() {
  const env = getEnv();
  return {
    pollSeconds: env.WIDGET_POLL_SECONDS,
    perVisitorPerHour: env.WIDGET_MESSAGES_PER_VISITOR_PER_HOUR,
    perKeyPerHour: env.WIDGET_MESSAGES_PER_KEY_PER_HOUR,
    codesPerVisitorPerDay: env.WIDGET_CODES_PER_VISITOR_PER_DAY,
    // The first session secret keys the codes' HMAC, as for sign-up codes.
    codeSecret: env.SESSION_SECRET[0]!,
  };
}

/**
 * The chat's automatic handling (SPEC §16): the same steps as SMS and WhatsApp, in the transaction that
 * stores the message; the LLM assistant only with an AI provider configured (AI_BASE_URL), answered
 * by the worker; the bot keeps quiet for LIVE_CONVERSATION_HOURS after a staff answer.
 */
export function automaticHandling(): { aiAvailable: boolean; liveConversationMs: number } {
  const env = getEnv();
  return { aiAvailable: Boolean(env.AI_BASE_URL), liveConversationMs: env.LIVE_CONVERSATION_HOURS * 3_600_000 };
}

const limiter = singleton(
  "web.widget-limiter",
  () =>
    new SlidingWindowLimiter({
      redis: getRedis,
      prefix: "rm:limit:",
      onFailOpen: (err) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, "redis unavailable: web chat limits failing open"),
    }),
);

function hashed(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 32);
}

/**
 * One chat message against the visitor's limit (their token, or the client address before they have
 * one) and the widget key's. Refused when either is over.
 */
export async function limitWidgetMessage(key: string, visitor: string): Promise<LimitDecision> {
  const o = widgetOptions();
  const perVisitor = await limiter.hit(`widget:v:${hashed(visitor)}`, o.perVisitorPerHour, 3600);
  if (!perVisitor.allowed) return perVisitor;
  return limiter.hit(`widget:k:${key}`, o.perKeyPerHour, 3600);
}

/** A confirmation code request against the visitor's daily limit (each code is an SMS). */
export function limitWidgetCode(visitor: string): Promise<LimitDecision> {
  return limiter.hit(`widget:c:${hashed(visitor)}`, widgetOptions().codesPerVisitorPerDay, 86_400);
}

/** The chat's language: `lang` in the address (the script passes the host page's), else the browser's, else Spanish. */
export function widgetLocale(request: Request): "es" | "en" {
  const param = new URL(request.url).searchParams.get("lang");
  if (param === "es" || param === "en") return param;
  for (const part of (request.headers.get("accept-language") ?? "").split(",")) {
    const tag = part.split(";")[0]!.trim().toLowerCase();
    if (tag.startsWith("es")) return "es";
    if (tag.startsWith("en")) return "en";
  }
  return "es";
}
