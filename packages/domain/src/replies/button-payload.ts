import type { ParsedReply, ReplyRating } from "./parse-reply.ts";

/**
 * WhatsApp quick-reply button payloads (Twilio's `ButtonPayload` on the inbound webhook).
 *
 * Format we put on our buttons (canonical, lowercase):
 *
 *   rating:1 … rating:5   a rating button
 *   optout                 an opt-out button
 *   optin                  an opt-back-in button
 *
 * Accepted as well, because templates get edited by hand and older ones exist: any case, the prefix
 * `rating`, `rate` or `score`, a separator `:` `_` `-` `=` or a space, or none (`RATING_5`, `Rate-4`,
 * `rating 3`, `RATING5`), a bare digit (`5`), and `opt_out`/`opt-out`/`opt out` (same for opt-in).
 * Surrounding spaces are ignored. Anything else (out-of-range `rating:6`, `0`, a payload of another
 * button) is not ours: {@link parseButtonPayload} returns null and the reply text decides.
 */
export const RATING_PAYLOAD_PREFIX = "rating:";
export const OPT_OUT_PAYLOAD = "optout";
export const OPT_IN_PAYLOAD = "optin";

const RATING_PAYLOAD = /^(?:(?:rating|rate|score)[\s:_=-]*)?([1-5])$/i;
const OPT_PAYLOAD = /^opt[\s_-]?(out|in)$/i;

/** The canonical payload for a rating button: `ratingPayload(5)` → `"rating:5"`. */
export function ratingPayload(rating: ReplyRating): string {
  return `${RATING_PAYLOAD_PREFIX}${rating}`;
}

/** Reads a button payload; null when there is none or it is not one of ours. */
export function parseButtonPayload(payload: string | null | undefined): ParsedReply | null {
  const p = payload?.trim();
  if (!p) return null;
  const rating = RATING_PAYLOAD.exec(p);
  if (rating) return { kind: "rating", rating: Number(rating[1]) as ReplyRating };
  const opt = OPT_PAYLOAD.exec(p);
  if (opt) return { kind: opt[1]?.toLowerCase() === "out" ? "optout" : "optin" };
  return null;
}
