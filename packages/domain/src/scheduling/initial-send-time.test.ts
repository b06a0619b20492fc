import { describe, expect, it } from "vitest";
import { initialSendTime } from "./initial-send-time.ts";
import { DEFAULT_QUIET_HOURS } from "./quiet-hours.ts";

const GYE = "America/Guayaquil";
const base = { hoursAfter: 2, tz: GYE, quiet: DEFAULT_QUIET_HOURS };

describe("initialSendTime", () => {
  it("sends hoursAfter after the appointment", () => {
    // 10:30 appointment in Guayaquil → 12:30 local = 17:30Z
    const r = initialSendTime({ ...base, appointmentAt: new Date("2026-11-23T15:30:00Z"), now: new Date("2026-11-23T12:00:00Z") });
    expect(r).toEqual({ sendAt: new Date("2026-11-23T17:30:00Z") });
  });

  it("moves a send that lands in quiet hours to 08:00 the next morning", () => {
    // 19:00 appointment + 2 h = 21:00 local → 08:00 next day = 13:00Z
    const r = initialSendTime({ ...base, appointmentAt: new Date("2026-11-24T00:00:00Z"), now: new Date("2026-11-23T12:00:00Z") });
    expect(r).toEqual({ sendAt: new Date("2026-11-24T13:00:00Z") });
  });

  it("sends at once when the due time has passed (upload after the visit)", () => {
    const now = new Date("2026-11-25T15:00:00Z"); // 10:00 local, two days later
    const r = initialSendTime({ ...base, appointmentAt: new Date("2026-11-23T15:30:00Z"), now });
    expect(r).toEqual({ sendAt: now });
  });

  it("waits for the morning when uploaded at night for a past appointment", () => {
    const now = new Date("2026-11-26T03:00:00Z"); // 22:00 local
    const r = initialSendTime({ ...base, appointmentAt: new Date("2026-11-23T15:30:00Z"), now });
    expect(r).toEqual({ sendAt: new Date("2026-11-26T13:00:00Z") });
  });

  it("sends immediately with hoursAfter 0 and quiet hours off", () => {
    const appointmentAt = new Date("2026-11-24T04:00:00Z");
    const r = initialSendTime({ ...base, hoursAfter: 0, quiet: null, appointmentAt, now: new Date("2026-11-23T00:00:00Z") });
    expect(r).toEqual({ sendAt: appointmentAt });
  });

  it.each([
    ["exactly 7 days old is still sent", "2026-11-30T15:30:00Z", false],
    ["7 days and a minute is too old", "2026-11-30T15:31:00Z", true],
  ])("%s", (_label, now, skipped) => {
    const r = initialSendTime({ ...base, appointmentAt: new Date("2026-11-23T15:30:00Z"), now: new Date(now) });
    expect("skip" in r).toBe(skipped);
    if (skipped) expect(r).toEqual({ skip: "APPOINTMENT_TOO_OLD" });
  });

  it("honours a configured maximum age", () => {
    const r = initialSendTime({
      ...base,
      maxAgeDays: 1,
      appointmentAt: new Date("2026-11-23T15:30:00Z"),
      now: new Date("2026-11-25T15:30:00Z"),
    });
    expect(r).toEqual({ skip: "APPOINTMENT_TOO_OLD" });
  });

  it("counts hoursAfter as elapsed time across a DST change", () => {
    // 2026-03-08 00:30 EST + 2 h elapsed = 03:30 EDT (07:30Z), quiet hours off
    const r = initialSendTime({
      ...base,
      tz: "America/New_York",
      quiet: null,
      appointmentAt: new Date("2026-03-08T05:30:00Z"),
      now: new Date("2026-03-08T00:00:00Z"),
    });
    expect(r).toEqual({ sendAt: new Date("2026-03-08T07:30:00Z") });
  });

  it("rejects a negative delay", () => {
    expect(() => initialSendTime({ ...base, hoursAfter: -1, appointmentAt: new Date(), now: new Date() })).toThrow(RangeError);
  });
});
