// CSRF protection for every mutation (SPEC §3): a random token kept in the signed session cookie
// and echoed in a hidden `_csrf` field (or an `X-CSRF-Token` header). The cookie is sameSite=lax as
// well; the token also covers same-site attackers and old browsers.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { data } from "@remix-run/node";
import type { AppSession } from "./session.server.ts";

export const CSRF_FIELD = "_csrf";
export const CSRF_HEADER = "x-csrf-token";

/** The session's token, created on first use (the caller commits the session when `created`). */
export function ensureCsrfToken(session: AppSession): { token: string; created: boolean } {
  const existing = session.get("csrf");
  if (typeof existing === "string" && existing.length >= 32) return { token: existing, created: false };
  const token = randomBytes(32).toString("base64url");
  session.set("csrf", token);
  return { token, created: true };
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function isMutation(request: Request): boolean {
  return request.method !== "GET" && request.method !== "HEAD" && request.method !== "OPTIONS";
}

/**
 * Throws 403 unless the request carries the session's token. Reads the form from a clone, so the
 * action can still read the body; pass `submitted` when the caller has read the token itself
 * (e.g. a streamed multipart upload).
 */
export async function verifyCsrf(request: Request, session: AppSession, submitted?: string | null): Promise<void> {
  const expected = session.get("csrf");
  let given = submitted ?? request.headers.get(CSRF_HEADER);
  if (given == null) {
    const type = request.headers.get("content-type") ?? "";
    if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
      const value = (await request.clone().formData().catch(() => null))?.get(CSRF_FIELD);
      given = typeof value === "string" ? value : null;
    }
  }
  if (typeof expected !== "string" || typeof given !== "string" || !sameToken(expected, given)) {
    throw data(
      { error: "La sesión del formulario expiró. Recargue la página e inténtelo de nuevo." },
      { status: 403, statusText: "CSRF token missing or invalid" },
    );
  }
}
