// Security headers for every document, with a fresh CSP nonce per response. Remix's inline
// scripts (<Scripts>, <ScrollRestoration>) carry the nonce, so hydration works under the CSP.
import { randomBytes } from "node:crypto";

export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

export function contentSecurityPolicy(nonce: string, { development = false } = {}): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    // Vite's HMR websocket in development only.
    development ? "connect-src 'self' ws: wss:" : "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ];
  return directives.join("; ");
}

/** Sets the document security headers (CSP with `nonce`, framing, sniffing, referrer, permissions). */
export function applySecurityHeaders(headers: Headers, nonce: string, { development = false, https = false } = {}): void {
  headers.set("Content-Security-Policy", contentSecurityPolicy(nonce, { development }));
  headers.set("X-Frame-Options", "DENY");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "same-origin");
  headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  if (https) headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}
