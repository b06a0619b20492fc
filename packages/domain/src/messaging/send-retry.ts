/**
 * Failed create-message calls that prove the provider never got the message, and what staff read
 * while such a message waits for the provider to come back (SPEC §5.4).
 *
 * A failure proves nothing was sent only when the request cannot have reached Twilio's application:
 * - the TCP connection was never made (refused, no route, DNS failure, or any error or timeout the
 *   client saw before its new socket connected);
 * - the TLS handshake failed (no application data is written before the handshake completes, and a
 *   reused keep-alive socket does no handshake) — Node reports some of these as plain EPROTO or
 *   ECONNRESET, so the client says how far the socket got (`stage`);
 * - HTTP 429: "An API Request that receives an error 429 response is never processed and is always
 *   safe to retry" (https://www.twilio.com/docs/api/errors/20429).
 * A timeout or a reset once connected (ECONNRESET can come after the request was written, e.g. on a
 * reused keep-alive socket) and a 5xx may have been accepted: those keep the verify-before-resend
 * rule of decision 004.
 */
export type NotSentReason = "refused" | "dns" | "unreachable" | "no_connection" | "tls" | "rate_limited";

const NETWORK_NOT_SENT: Readonly<Record<string, NotSentReason>> = {
  ECONNREFUSED: "refused",
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  // Certificate verification and handshake alerts (node:tls / OpenSSL codes).
  CERT_HAS_EXPIRED: "tls",
  CERT_NOT_YET_VALID: "tls",
  DEPTH_ZERO_SELF_SIGNED_CERT: "tls",
  SELF_SIGNED_CERT_IN_CHAIN: "tls",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "tls",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "tls",
  ERR_TLS_CERT_ALTNAME_INVALID: "tls",
  ERR_SSL_WRONG_VERSION_NUMBER: "tls",
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: "tls",
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: "tls",
};

/**
 * Why a failed call proves the message was not sent, for the failures worth waiting out (network
 * and 429); null when it may have been sent, or when it is an HTTP answer other than 429 (a 4xx
 * rejection is judged by its code, a 5xx may have been accepted). `stage` is where the client saw
 * the request stop when it knows none of it was written (before the TCP connection, or before the
 * TLS handshake completed): then any error — a reset, a timeout — proves it too.
 */
export function notSentReason(failure: { networkCode?: string | null; httpStatus?: number | null; stage?: "connect" | "tls" | null }): NotSentReason | null {
  if (failure.httpStatus !== null && failure.httpStatus !== undefined) return failure.httpStatus === 429 ? "rate_limited" : null;
  const known = failure.networkCode ? NETWORK_NOT_SENT[failure.networkCode] : undefined;
  if (known) return known;
  if (failure.stage === "tls") return "tls";
  if (failure.stage === "connect") return "no_connection";
  return null;
}

/** A retry reason as stored (`messages.retry_reason`): a NotSentReason, or `provider` for a transient API code. */
export type RetryReason = NotSentReason | "provider";

const REASON_TEXT: Readonly<Record<RetryReason, readonly [es: string, en: string]>> = {
  refused: ["Twilio no respondió (conexión rechazada)", "Twilio did not answer (connection refused)"],
  dns: ["No se pudo localizar a Twilio (DNS)", "Twilio could not be found (DNS)"],
  unreachable: ["No se pudo llegar a Twilio (red inalcanzable)", "Twilio could not be reached (network unreachable)"],
  no_connection: ["No se pudo conectar con Twilio", "Could not connect to Twilio"],
  tls: ["Falló la conexión segura con Twilio (TLS)", "The secure connection to Twilio failed (TLS)"],
  rate_limited: ["Twilio pidió esperar (demasiadas solicitudes)", "Twilio asked us to wait (too many requests)"],
  provider: ["Twilio rechazó el envío con un error temporal", "Twilio turned the send down with a temporary error"],
};

/** What happened, in Spanish and English; an unknown stored value reads as a temporary provider error. */
export function retryReasonText(reason: string | null): readonly [es: string, en: string] {
  return REASON_TEXT[(reason ?? "provider") as RetryReason] ?? REASON_TEXT.provider;
}

/**
 * "6 horas" / "6 hours", "1 hora y 30 minutos", "4 minutos": how long the provider was unavailable.
 * From an hour on, minutes are rounded to tens, so a try that ran a little late still reads "6 horas".
 */
export function outageDuration(ms: number): readonly [es: string, en: string] {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const count = (n: number, es: string, en: string): [string, string] => [`${n} ${es}${n === 1 ? "" : "s"}`, `${n} ${en}${n === 1 ? "" : "s"}`];
  if (minutes < 60) return count(minutes, "minuto", "minute");
  const tens = Math.round(minutes / 10) * 10;
  const hours = Math.floor(tens / 60);
  const rest = tens % 60;
  const h = count(hours, "hora", "hour");
  if (rest === 0) return h;
  const m = count(rest, "minuto", "minute");
  return [`${h[0]} y ${m[0]}`, `${h[1]} and ${m[1]}`];
}

/**
 * What a patient's timeline (campaign page) and an inbox item's timeline show of one message's
 * delivery, in this order; "retrying" is a wait going on now, "retried" the failed attempts before
 * the outcome.
 */
export type DeliveryStep = "retrying" | "retried" | "sent" | "delivered" | "read" | "failed";

/**
 * A message's provider-unavailable streak (messages.retry_*) on those timelines, on a "retrying",
 * "retried" or, when the retry window ran out (`gaveUp`), "failed" step.
 */
export interface RetryStreak {
  reason: string | null;
  failures: number;
  nextAt: Date | null;
  since: Date;
  gaveUp: boolean;
}

/** The final word on a message the provider never took within the retry window. */
export function retryGaveUpText(unavailableMs: number, attempts: number): readonly [es: string, en: string] {
  const [es, en] = outageDuration(unavailableMs);
  return [
    `No se pudo enviar: Twilio no estuvo disponible durante ${es} (${attempts} ${attempts === 1 ? "intento" : "intentos"}).`,
    `Could not be sent: Twilio was unavailable for ${en} (${attempts} ${attempts === 1 ? "attempt" : "attempts"}).`,
  ];
}

/** While waiting: "Twilio no respondió (conexión rechazada). Reintento 3 a las 10:42." */
export function retryWaitingText(reason: string | null, retry: number, at: string): readonly [es: string, en: string] {
  const [es, en] = retryReasonText(reason);
  return [`${es}. Reintento ${retry} a las ${at}.`, `${en}. Retry ${retry} at ${at}.`];
}

/** Once it went out (or failed for another reason): the failed attempts that came before. */
export function retriedText(reason: string | null, failures: number): readonly [es: string, en: string] {
  const [es, en] = retryReasonText(reason);
  return [
    `${es}: ${failures} ${failures === 1 ? "intento fallido" : "intentos fallidos"}, reintentado sin duplicar.`,
    `${en}: ${failures} failed ${failures === 1 ? "attempt" : "attempts"}, retried without duplicates.`,
  ];
}
