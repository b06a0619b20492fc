import { describe, expect, it } from "vitest";
import { instantToLocalDateTime, localDateTimeToInstant } from "./local-time.ts";

describe("localDateTimeToInstant — a broadcast's time in the practice's zone", () => {
  it("reads the time in the practice's zone, not the server's", () => {
    expect(localDateTimeToInstant("2026-12-07", "09:30", "America/Guayaquil")?.toISOString()).toBe("2026-12-07T14:30:00.000Z");
    expect(localDateTimeToInstant("2026-12-07", "09:30", "Europe/Madrid")?.toISOString()).toBe("2026-12-07T08:30:00.000Z");
  });

  it("refuses a time that does not exist there (skipped by the clock change) and typos", () => {
    expect(localDateTimeToInstant("2026-03-08", "02:30", "America/New_York")).toBeNull();
    expect(localDateTimeToInstant("2026-02-30", "10:00", "America/Guayaquil")).toBeNull();
    expect(localDateTimeToInstant("2026-12-07", "25:00", "America/Guayaquil")).toBeNull();
  });

  it("round-trips through the local date and time", () => {
    const at = new Date("2026-12-07T14:30:00Z");
    const local = instantToLocalDateTime(at, "America/Guayaquil");
    expect(local).toEqual({ date: "2026-12-07", time: "09:30" });
    expect(localDateTimeToInstant(local.date, local.time, "America/Guayaquil")).toEqual(at);
  });
});
