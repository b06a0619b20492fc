import { describe, expect, it } from "vitest";
import { DEFAULT_QUIET_HOURS, isInQuietHours, quietHoursSchema, shiftOutOfQuietHours } from "./quiet-hours.ts";

const GYE = "America/Guayaquil"; // UTC−5, no DST
const NY = "America/New_York";

describe("shiftOutOfQuietHours — Ecuador, default 20:00–08:00", () => {
  it.each([
    // [instant UTC, expected UTC, what it is locally]
    ["2026-11-23T15:30:00Z", "2026-11-23T15:30:00Z", "10:30 — daytime, unchanged"],
    ["2026-11-24T00:59:00Z", "2026-11-24T00:59:00Z", "19:59 — last minute before quiet"],
    ["2026-11-24T01:00:00Z", "2026-11-24T13:00:00Z", "20:00 — quiet starts, next morning 08:00"],
    ["2026-11-24T04:59:00Z", "2026-11-24T13:00:00Z", "23:59 → 08:00 next day"],
    ["2026-11-24T05:00:00Z", "2026-11-24T13:00:00Z", "00:00 → 08:00 same day"],
    ["2026-11-24T12:59:59Z", "2026-11-24T13:00:00Z", "07:59:59 → 08:00"],
    ["2026-11-24T13:00:00Z", "2026-11-24T13:00:00Z", "08:00 — quiet has ended"],
  ])("%s → %s (%s)", (instant, expected) => {
    expect(shiftOutOfQuietHours(new Date(instant), GYE, DEFAULT_QUIET_HOURS)).toEqual(new Date(expected));
  });

  it("moves a late-evening New Year's Eve send across the year boundary", () => {
    const at = new Date("2027-01-01T03:00:00Z"); // 22:00 on Dec 31 in Guayaquil
    expect(shiftOutOfQuietHours(at, GYE, DEFAULT_QUIET_HOURS).toISOString()).toBe("2027-01-01T13:00:00.000Z");
  });

  it("is the identity when quiet hours are off", () => {
    const at = new Date("2026-11-24T03:00:00Z");
    expect(shiftOutOfQuietHours(at, GYE, null)).toEqual(at);
    expect(shiftOutOfQuietHours(at, GYE, { start: "09:00", end: "09:00" })).toEqual(at);
  });
});

describe("shiftOutOfQuietHours — a window that does not wrap", () => {
  const lunch = { start: "13:00", end: "14:30" };
  it.each([
    ["2026-11-23T17:59:00Z", "2026-11-23T17:59:00.000Z"], // 12:59
    ["2026-11-23T18:00:00Z", "2026-11-23T19:30:00.000Z"], // 13:00 → 14:30
    ["2026-11-23T19:29:00Z", "2026-11-23T19:30:00.000Z"], // 14:29 → 14:30
    ["2026-11-23T19:30:00Z", "2026-11-23T19:30:00.000Z"], // 14:30
  ])("%s → %s", (instant, expected) => {
    expect(shiftOutOfQuietHours(new Date(instant), GYE, lunch).toISOString()).toBe(expected);
  });
});

describe("shiftOutOfQuietHours — a DST zone (America/New_York)", () => {
  it("ends the night at 08:00 local the day clocks spring forward (EST → EDT)", () => {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT. 23:00 EST on Mar 7 → 08:00 EDT on Mar 8 = 12:00Z.
    const at = new Date("2026-03-08T04:00:00Z");
    expect(shiftOutOfQuietHours(at, NY, DEFAULT_QUIET_HOURS).toISOString()).toBe("2026-03-08T12:00:00.000Z");
  });

  it("ends the night at 08:00 local the day clocks fall back (EDT → EST)", () => {
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST. 08:00 EST = 13:00Z.
    const at = new Date("2026-11-01T02:00:00Z"); // 22:00 EDT on Oct 31
    expect(shiftOutOfQuietHours(at, NY, DEFAULT_QUIET_HOURS).toISOString()).toBe("2026-11-01T13:00:00.000Z");
  });

  it("ends at the clock jump when the window's end does not exist that day", () => {
    // Window 01:00–02:30; on 2026-03-08 02:30 never happens: 01:59 EST is followed by 03:00 EDT.
    const at = new Date("2026-03-08T06:30:00Z"); // 01:30 EST
    const result = shiftOutOfQuietHours(at, NY, { start: "01:00", end: "02:30" });
    expect(result.toISOString()).toBe("2026-03-08T07:00:00.000Z"); // 03:00 EDT
    expect(isInQuietHours(result, NY, { start: "01:00", end: "02:30" })).toBe(false);
  });

  it("always returns an instant outside the window, never before the input", () => {
    const quiet = { start: "21:30", end: "07:15" };
    for (let h = 0; h < 24 * 4; h++) {
      const at = new Date(Date.UTC(2026, 2, 6) + h * 3_600_000 + 17 * 60_000);
      const out = shiftOutOfQuietHours(at, NY, quiet);
      expect(isInQuietHours(out, NY, quiet)).toBe(false);
      expect(out.getTime()).toBeGreaterThanOrEqual(at.getTime());
      expect(out.getTime() - at.getTime()).toBeLessThanOrEqual(11 * 3_600_000);
    }
  });
});

describe("isInQuietHours / validation", () => {
  it("rejects malformed times and unknown zones", () => {
    expect(() => isInQuietHours(new Date(), GYE, { start: "8:00", end: "20:00" })).toThrow(RangeError);
    expect(() => isInQuietHours(new Date(), GYE, { start: "24:00", end: "08:00" })).toThrow(RangeError);
    expect(() => isInQuietHours(new Date(), "Mars/Olympus", DEFAULT_QUIET_HOURS)).toThrow(RangeError);
  });

  it("has a zod schema for settings forms", () => {
    expect(quietHoursSchema.parse({ start: "20:00", end: "08:00" })).toEqual({ start: "20:00", end: "08:00" });
    expect(quietHoursSchema.parse(null)).toBeNull();
    expect(quietHoursSchema.safeParse({ start: "25:00", end: "08:00" }).success).toBe(false);
  });
});
