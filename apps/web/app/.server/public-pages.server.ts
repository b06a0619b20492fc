// Shared by the public patient pages /q, /r and /f: the feedback options from the environment, and
// the answers for a token that is unknown or expired. The logic itself lives in @rm/messaging.
import { data } from "@remix-run/node";
import { limitFeedbackSubmission, SlidingWindowLimiter, type FeedbackOptions, type LimitDecision } from "@rm/messaging";
import { logger } from "./logger.server.ts";
import { getRedis } from "./redis.server.ts";
import { singleton } from "./singleton.server.ts";

/**
 * Links on our own pages are same-origin paths ("/r/<token>"), right whatever host the patient used.
 * Nothing the pages trigger sends a link: a one-tap rating sends no message, the staff alert has none.
 */
export function feedbackOptions(): FeedbackOptions {
  return { publicUrl: "" };
}

/** Unknown token: the root error page (404). */
export function notFound(): never {
  throw data(null, { status: 404 });
}

/** Patient pages are personal: never cached by a proxy, never indexed. */
export const PRIVATE_HEADERS = { "Cache-Control": "private, no-store", "X-Robots-Tag": "noindex" };

const feedbackLimiter = singleton(
  "web.feedback-limiter",
  () =>
    new SlidingWindowLimiter({
      redis: getRedis,
      prefix: "rm:limit:",
      onFailOpen: (err) => logger.warn({ err: err instanceof Error ? err.message : String(err) }, "redis unavailable: feedback form limit failing open"),
    }),
);

/** Spam guard of the private feedback form: a few submissions per link and hour (fails open without Redis). */
export function checkFeedbackSubmission(token: string): Promise<LimitDecision> {
  return limitFeedbackSubmission(feedbackLimiter, token);
}
