// Shared by the public patient pages /q, /r and /f: the feedback options from the environment, and
// the answers for a token that is unknown or expired. The logic itself lives in @rm/messaging.
import { data } from "@remix-run/node";
import type { FeedbackOptions } from "@rm/messaging";

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
