import { describe, expect, it } from "vitest";
import { parseFailRules, smsSegments } from "../src/index.ts";
import { smsKeyword } from "../src/inbound.ts";
import { RateLimiter } from "../src/rate-limit.ts";

describe("units", () => {
  it("counts GSM-7 and UCS-2 segments", () => {
    expect(smsSegments("Hola")).toBe(1);
    expect(smsSegments("a".repeat(160))).toBe(1);
    expect(smsSegments("a".repeat(161))).toBe(2);
    expect(smsSegments("€".repeat(80))).toBe(1); // extension chars count twice
    expect(smsSegments("€".repeat(81))).toBe(2);
    expect(smsSegments("ñé".repeat(80))).toBe(1);
    expect(smsSegments("á".repeat(70))).toBe(1);
    expect(smsSegments("á".repeat(71))).toBe(2);
    expect(smsSegments("⭐".repeat(35))).toBe(1); // UTF-16 units
  });

  it("reads SMS keywords only when they are the whole message", () => {
    expect(smsKeyword("STOP")).toBe("opt-out");
    expect(smsKeyword(" Stop. ")).toBe("opt-out");
    expect(smsKeyword("unsubscribe")).toBe("opt-out");
    expect(smsKeyword("start")).toBe("opt-in");
    expect(smsKeyword("quiero cancelar mi cita")).toBeNull();
    expect(smsKeyword("5")).toBeNull();
  });

  it("parses SIMULATOR_FAIL_RULES", () => {
    expect(parseFailRules("+593990000001=30008, +593990000002=500x2")).toEqual([
      { to: "+593990000001", code: 30008 },
      { to: "+593990000002", code: 500, times: 2 },
    ]);
    expect(() => parseFailRules("oops")).toThrow(/bad fail rule/);
  });

  it("token bucket allows a one-second burst then the rate", () => {
    const l = new RateLimiter();
    let passed = 0;
    for (let i = 0; i < 20; i++) if (l.take(10, 0)) passed++;
    expect(passed).toBe(10);
    expect(l.take(10, 50)).toBe(false);
    expect(l.take(10, 100)).toBe(true);
    expect(l.take(0, 100)).toBe(true);
  });
});
