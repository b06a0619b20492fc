import { describe, expect, it } from "vitest";
import { KNOWN_PROVIDER_ERROR_CODES, SMS_FALLBACK_CODES, classifyProviderError, shouldRefund } from "./provider-errors.ts";

describe("classifyProviderError — known codes", () => {
  it.each([
    // code, retry, refund, scope
    [20003, "permanent", true, "ACCOUNT"],
    [20429, "transient", true, "SENDER"],
    [21211, "permanent", true, "RECIPIENT"],
    [21408, "permanent", true, "ACCOUNT"],
    [21610, "permanent", true, "RECIPIENT"],
    [21611, "transient", true, "SENDER"],
    [21612, "permanent", true, "RECIPIENT"],
    [21614, "permanent", true, "RECIPIENT"],
    [30001, "transient", true, "SENDER"],
    [30003, "permanent", false, "RECIPIENT"],
    [30004, "permanent", false, "RECIPIENT"],
    [30005, "permanent", false, "RECIPIENT"],
    [30006, "permanent", false, "RECIPIENT"],
    [30007, "permanent", false, "MESSAGE"],
    [30008, "permanent", false, "RECIPIENT"],
    [63003, "permanent", true, "RECIPIENT"],
    [63016, "permanent", true, "MESSAGE"],
    [63024, "permanent", true, "RECIPIENT"],
  ] as const)("%i → %s, refund %s, %s", (code, retry, refund, scope) => {
    expect(classifyProviderError({ code, httpStatus: 400 })).toMatchObject({ code, retry, refund, scope });
  });

  it("reads the string codes Twilio posts in status callbacks", () => {
    expect(classifyProviderError({ code: "30006" }).code).toBe(30006);
    expect(classifyProviderError({ code: " 21211 " }).retry).toBe("permanent");
  });

  it("treats 21610 as expected (opt-out), refunded, never retried", () => {
    const e = classifyProviderError({ code: 21610, httpStatus: 400 });
    expect(e).toMatchObject({ expected: true, refund: true, retry: "permanent" });
    expect(e.explanationEs).toMatch(/no recibir más mensajes/);
  });

  it("suggests SMS when the number has no WhatsApp", () => {
    expect(classifyProviderError({ code: 63003 }).smsFallback).toBe(true);
    expect(classifyProviderError({ code: 63024 }).smsFallback).toBe(true);
    expect(classifyProviderError({ code: 63016 }).smsFallback).toBe(true);
    expect(SMS_FALLBACK_CODES).toEqual([63003, 63016, 63024]);
    expect(classifyProviderError({ code: 30008 }).smsFallback).toBe(false);
  });

  it("explains 63016 as the WhatsApp 24-hour window", () => {
    expect(classifyProviderError({ code: 63016 }).explanationEs).toMatch(/24 horas/);
  });

  it("has a Spanish and an English explanation for every known code", () => {
    for (const code of KNOWN_PROVIDER_ERROR_CODES) {
      const e = classifyProviderError({ code });
      expect(e.explanationEs.length).toBeGreaterThan(10);
      expect(e.explanationEn.length).toBeGreaterThan(10);
    }
  });
});

describe("classifyProviderError — without a known code", () => {
  it.each([
    ["a network error", { network: true }, "transient", "NETWORK"],
    ["a timeout with a code-less 504", { httpStatus: 504 }, "transient", "NETWORK"],
    ["a 500 with an unknown code", { code: 20500, httpStatus: 500 }, "transient", "NETWORK"],
    ["a 429 without code", { httpStatus: 429 }, "transient", "NETWORK"],
    ["an unknown 4xx code", { code: 21999, httpStatus: 400 }, "permanent", "MESSAGE"],
    ["a 404", { httpStatus: 404 }, "permanent", "MESSAGE"],
    ["an unknown callback code", { code: "39999" }, "permanent", "RECIPIENT"],
    ["a callback with no code at all", {}, "permanent", "RECIPIENT"],
    ["garbage code", { code: "abc", httpStatus: 400 }, "permanent", "MESSAGE"],
  ] as const)("%s", (_label, failure, retry, scope) => {
    const e = classifyProviderError(failure);
    expect(e).toMatchObject({ retry, scope, expected: false });
    expect(e.explanationEs).not.toBe("");
  });

  it("refunds an API rejection (never accepted) but not an unknown delivery failure", () => {
    expect(classifyProviderError({ code: 21999, httpStatus: 400 }).refund).toBe(true);
    expect(classifyProviderError({ code: 39999 }).refund).toBe(false);
  });
});

describe("shouldRefund", () => {
  it("refunds a FAILED message whatever its code (the provider never sent it)", () => {
    expect(shouldRefund(classifyProviderError({ code: 30008 }), "FAILED")).toBe(true);
  });
  it("does not refund a billed carrier failure", () => {
    expect(shouldRefund(classifyProviderError({ code: 30003 }), "UNDELIVERED")).toBe(false);
  });
  it("refunds what the table marks refundable", () => {
    expect(shouldRefund(classifyProviderError({ code: 21610 }))).toBe(true);
  });
});

describe("classifyProviderError — explanations are what happened", () => {
  it("never promise a retry: a callback failure is final, and a send being retried says so with its next time", () => {
    const failures = [...KNOWN_PROVIDER_ERROR_CODES.map((code) => ({ code })), { network: true }, { httpStatus: 429 }, { httpStatus: 503 }, { httpStatus: 400 }, {}];
    for (const f of failures) {
      const e = classifyProviderError(f);
      expect(e.explanationEs, JSON.stringify(f)).not.toMatch(/reintent/i);
      expect(e.explanationEn, JSON.stringify(f)).not.toMatch(/will (be )?retr/i);
    }
  });
});
