import { describe, expect, it } from "vitest";
import { redactError, redactText } from "./index.ts";

describe("redactText", () => {
  it("replaces phone numbers in E.164 and local formats", () => {
    for (const phone of ["+593987654321", "+593 98 765 4321", "whatsapp:+593987654321", "+1 (415) 523-8886", "00593987654321", "0987654321", "098 765 4321", "(02) 234-5678", "02-234-5678", "987654321"]) {
      const out = redactText(`The 'To' number ${phone} is not a valid phone number.`);
      expect(out, phone).not.toMatch(/\d{3}/);
      expect(out).toContain("<phone>");
    }
  });

  it("replaces e-mail addresses, quoted values and key details", () => {
    const out = redactText(`duplicate key value Key (email)=(ana.torres@example.ec) already exists; values ('Ana Torres', 'ana.torres@example.ec') to ana.torres@example.ec`);
    expect(out).not.toContain("ana.torres");
    expect(out).not.toContain("Ana Torres");
    expect(out).toContain("<email>");
    expect(out).toContain("Key (email)=(?)");
  });

  it("replaces tokens in links, credentials and secret parameters", () => {
    const out = redactText(
      "GET https://rm.example.com/q/AbCdEfGhIjKlMnOpQrStUv?sig=abc123&x=1 failed; Authorization: Bearer sk_live_0123456789abcdef; reset https://rm.example.com/reset/ZmFrZS10b2tlbi12YWx1ZS0x token=deadbeefcafe password: hunter2hunter2 api_key=k3yk3yk3y",
    );
    for (const secret of ["AbCdEfGhIjKlMnOpQrStUv", "abc123", "sk_live_0123456789abcdef", "ZmFrZS10b2tlbi12YWx1ZS0x", "deadbeefcafe", "hunter2hunter2", "k3yk3yk3y"]) expect(out).not.toContain(secret);
    expect(out).toContain("https://rm.example.com/q/<token>?<redacted>");
    expect(out).toContain("Bearer <secret>");
  });

  it("keeps what ops need: ids, codes, counts, dates and ordinary words", () => {
    const text = "message 6c1f0a4e-2b7d-4c5e-9f3a-1d2e3f4a5b6c not found (outbox 42); dead letter after 5 deliveries: Twilio error code: 21211 at 2026-12-06T07:44:03.123Z, /webhooks/twilio/status";
    expect(redactText(text)).toBe(text);
  });

  it("redactError takes an error's message and bounds it", () => {
    expect(redactError(new Error("no route to +593987654321"))).toBe("no route to <phone>");
    expect(redactError("x".repeat(3000))).toHaveLength(2000);
  });
});
