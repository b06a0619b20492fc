import { describe, expect, it } from "vitest";
import { notSentReason, outageDuration, retriedText, retryGaveUpText, retryReasonText, retryWaitingText } from "./send-retry.ts";

describe("notSentReason — failures that prove the provider never got the message", () => {
  it.each([
    ["ECONNREFUSED", "refused"],
    ["ENOTFOUND", "dns"],
    ["EAI_AGAIN", "dns"],
    ["EHOSTUNREACH", "unreachable"],
    ["ENETUNREACH", "unreachable"],
    ["CERT_HAS_EXPIRED", "tls"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "tls"],
  ] as const)("%s → %s", (networkCode, reason) => {
    expect(notSentReason({ networkCode })).toBe(reason);
  });

  it("429 is never processed by Twilio (error 20429): safe to retry", () => {
    expect(notSentReason({ httpStatus: 429 })).toBe("rate_limited");
  });

  it.each([
    ["a timeout", { networkCode: "ETIMEDOUT" }],
    ["an aborted request", { networkCode: "ECONNABORTED" }],
    ["a reset (may come after the request was written)", { networkCode: "ECONNRESET" }],
    ["a socket hang up without a code", {}],
    ["a 500", { httpStatus: 500 }],
    ["a 503", { httpStatus: 503 }],
  ])("%s may have been sent", (_label, failure) => {
    expect(notSentReason(failure)).toBeNull();
  });

  it("any error the client saw before its new socket was connected or secured proves it too", () => {
    expect(notSentReason({ networkCode: "ECONNRESET", stage: "tls" })).toBe("tls");
    expect(notSentReason({ networkCode: "EPROTO", stage: "tls" })).toBe("tls");
    expect(notSentReason({ networkCode: "ETIMEDOUT", stage: "connect" })).toBe("no_connection");
    expect(notSentReason({ networkCode: "ECONNREFUSED", stage: "connect" })).toBe("refused");
    expect(notSentReason({ networkCode: "ECONNRESET", stage: null })).toBeNull();
    expect(notSentReason({ httpStatus: 500, stage: "connect" })).toBeNull();
  });

  it("leaves a 4xx rejection to its code (not a reason to wait)", () => {
    expect(notSentReason({ httpStatus: 400 })).toBeNull();
  });
});

describe("what staff read", () => {
  it("while waiting, says why and when the next try is", () => {
    expect(retryWaitingText("refused", 3, "10:42")).toEqual([
      "Twilio no respondió (conexión rechazada). Reintento 3 a las 10:42.",
      "Twilio did not answer (connection refused). Retry 3 at 10:42.",
    ]);
  });

  it("at the end, says for how long and how many attempts", () => {
    expect(retryGaveUpText(6 * 3_600_000, 42)).toEqual([
      "No se pudo enviar: Twilio no estuvo disponible durante 6 horas (42 intentos).",
      "Could not be sent: Twilio was unavailable for 6 hours (42 attempts).",
    ]);
    expect(retryGaveUpText(0, 1)[0]).toBe("No se pudo enviar: Twilio no estuvo disponible durante 1 minuto (1 intento).");
  });

  it("durations read in minutes under an hour, in hours from there", () => {
    expect(outageDuration(4 * 60_000)).toEqual(["4 minutos", "4 minutes"]);
    expect(outageDuration(60 * 60_000)).toEqual(["1 hora", "1 hour"]);
    expect(outageDuration(90 * 60_000)).toEqual(["1 hora y 30 minutos", "1 hour and 30 minutes"]);
    expect(outageDuration(6 * 3_600_000 + 2 * 60_000)).toEqual(["6 horas", "6 hours"]);
    expect(outageDuration(30_000)).toEqual(["1 minuto", "1 minute"]);
  });

  it("after the send, counts the failed attempts; an unknown stored reason reads as a temporary provider error", () => {
    expect(retriedText("rate_limited", 1)[1]).toBe("Twilio asked us to wait (too many requests): 1 failed attempt, retried without duplicates.");
    expect(retryReasonText("something-else")).toEqual(retryReasonText("provider"));
    expect(retryReasonText(null)).toEqual(retryReasonText("provider"));
  });
});
