import { describe, expect, it } from "vitest";
import { formatAppointmentDate } from "./format-appointment-date.ts";

describe("formatAppointmentDate", () => {
  it.each([
    ["2026-11-23T15:30:00Z", "America/Guayaquil", "lunes 23 de noviembre, 10:30"],
    ["2026-11-24T04:59:00Z", "America/Guayaquil", "lunes 23 de noviembre, 23:59"], // still Monday locally
    ["2026-01-01T13:05:00Z", "America/Guayaquil", "jueves 1 de enero, 08:05"],
    ["2026-07-15T14:00:00Z", "America/New_York", "miércoles 15 de julio, 10:00"], // EDT
    ["2026-12-15T14:00:00Z", "America/New_York", "martes 15 de diciembre, 09:00"], // EST
  ])("%s in %s → %s", (iso, tz, expected) => {
    expect(formatAppointmentDate(new Date(iso), tz)).toBe(expected);
  });

  it("uses the locale's own form outside Spanish", () => {
    expect(formatAppointmentDate(new Date("2026-11-23T15:30:00Z"), "America/Guayaquil", "en-US")).toMatch(/Monday/);
  });

  it("rejects an unknown time zone", () => {
    expect(() => formatAppointmentDate(new Date(), "Nowhere/City")).toThrow(RangeError);
  });
});
