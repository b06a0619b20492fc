import { describe, expect, it } from "vitest";
import { retryDelay, shouldRetry } from "./backoff.ts";

describe("retryDelay", () => {
  it.each([
    [1, 2_000],
    [2, 4_000],
    [3, 8_000],
    [4, 16_000],
    [10, 600_000], // capped at 10 minutes by default
  ])("attempt %i → %i ms", (attempt, ms) => {
    expect(retryDelay(attempt)).toBe(ms);
  });

  it("takes base, factor and cap from options", () => {
    expect(retryDelay(3, { baseMs: 500, factor: 3 })).toBe(4_500);
    expect(retryDelay(5, { maxMs: 10_000 })).toBe(10_000);
  });

  it("spreads delays downwards with jitter, never above the exact delay", () => {
    expect(retryDelay(2, { jitter: 0.5, random: () => 0 })).toBe(4_000);
    expect(retryDelay(2, { jitter: 0.5, random: () => 0.5 })).toBe(3_000);
    expect(retryDelay(2, { jitter: 1, random: () => 0.999 })).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 50; i++) {
      const d = retryDelay(3, { jitter: 0.3 });
      expect(d).toBeGreaterThanOrEqual(5_600);
      expect(d).toBeLessThanOrEqual(8_000);
    }
  });

  it("rejects nonsense", () => {
    expect(() => retryDelay(0)).toThrow(RangeError);
    expect(() => retryDelay(1.5)).toThrow(RangeError);
    expect(() => retryDelay(1, { jitter: 2 })).toThrow(RangeError);
  });
});

describe("shouldRetry", () => {
  it.each([
    [1, 3, true],
    [2, 3, true],
    [3, 3, false],
    [4, 3, false],
    [1, 1, false],
  ])("after %i of %i attempts → %s", (attempt, max, expected) => {
    expect(shouldRetry(attempt, max)).toBe(expected);
  });
});
