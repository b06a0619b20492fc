// Security headers for every document, with a fresh CSP nonce per response. Remix's inline
// scripts (<Scripts>, <ScrollRestoration>) carry the nonce, so hydration works under the CSP.
import { randomBytes } from "node:crypto";

/** The web chat page's `frame-ancestors` travel from its loader to the document's CSP in this header (removed there). */
export const FRAME_ANCESTORS_HEADER = "X-Rm-Frame-Ancestors";

export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * `frameAncestors`: the web chat page (SPEC §16) may be framed by the workspace's allowed origins
 * (a space-separated source list); every other page by nobody.
 */
export function contentSecurityPolicy(nonce: string, { development = false, frameAncestors = null as string | null } = {}): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    // Vite's HMR websocket in development only.
    development ? "connect-src 'self' ws: wss:" : "connect-src 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors ?? "'none'"}`,
    "base-uri 'none'",
    "object-src 'none'",
  ];
  return directives.join("; ");
}

/** Sets the document security headers (CSP with `nonce`, framing, sniffing, referrer, permissions). */
export function applySecurityHeaders(headers: Headers, nonce: string, { development = false, https = false, frameAncestors = null as string | null } = {}): void {
  headers.set("Content-Security-Policy", contentSecurityPolicy(nonce, { development, frameAncestors }));
  // X-Frame-Options has no list of origins; browsers that know frame-ancestors ignore it anyway.
  if (frameAncestors === null) headers.set("X-Frame-Options", "DENY");
  else headers.delete("X-Frame-Options");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "same-origin");
  headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  if (https) headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}
