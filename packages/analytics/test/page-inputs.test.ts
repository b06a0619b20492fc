// The dashboard page's inputs: the period from its search params (presets count back from today in the
// workspace's zone; edited dates make a custom range even when the select was left alone) and the
// doctor filter's choices.
import { describe, expect, it } from "vitest";
import { doctorFilterChoices } from "../src/filters.ts";
import { localToday, presetDates, resolveDashboardRange } from "../src/range.ts";

const today = "2026-03-10";
const resolve = (query: string) => resolveDashboardRange(new URLSearchParams(query), today);

describe("resolveDashboardRange", () => {
  it("defaults to the last 90 days including today; 'all' has no dates", () => {
    expect(resolve("")).toEqual({ range: "90", from: "2025-12-11", to: today });
    expect(resolve("range=7")).toEqual({ range: "7", from: "2026-03-04", to: today });
    expect(resolve("range=all")).toEqual({ range: "all", from: "", to: "" });
    expect(presetDates("30", today)).toEqual({ from: "2026-02-09", to: today });
  });

  it("keeps a preset when the form sends back the dates it showed, and makes edited dates custom", () => {
    expect(resolve("range=30&shownFrom=2026-02-09&shownTo=2026-03-10&from=2026-02-09&to=2026-03-10")).toMatchObject({ range: "30" });
    // The select changed, the dates were left alone: the new preset's dates.
    expect(resolve("range=7&shownFrom=2026-02-09&shownTo=2026-03-10&from=2026-02-09&to=2026-03-10")).toEqual({ range: "7", from: "2026-03-04", to: today });
    expect(resolve("range=30&shownFrom=2026-02-09&shownTo=2026-03-10&from=2026-01-01&to=2026-03-10")).toEqual({ range: "custom", from: "2026-01-01", to: "2026-03-10" });
  });

  it("treats a link's dates as custom unless they are the preset's; an unknown range with dates is custom", () => {
    expect(resolve("range=7&from=2026-03-04&to=2026-03-10")).toMatchObject({ range: "7" });
    expect(resolve("range=7&from=2026-03-01&to=2026-03-10")).toEqual({ range: "custom", from: "2026-03-01", to: "2026-03-10" });
    expect(resolve("range=bogus&from=2026-03-01")).toEqual({ range: "custom", from: "2026-03-01", to: "" });
    expect(resolve("range=custom")).toEqual({ range: "custom", from: "", to: "" });
  });

  it("takes today in the workspace's zone, not the server's", () => {
    const lateEvening = new Date("2026-03-11T03:30:00Z");
    expect(localToday("America/Guayaquil", lateEvening)).toBe("2026-03-10");
    expect(localToday("UTC", lateEvening)).toBe("2026-03-11");
  });
});

describe("doctorFilterChoices", () => {
  it("adds the assigned doctors with figures who are not listed (an owner, a former doctor), once, after the listed ones", () => {
    const listed = [{ id: "d1", name: "Dra. Ana" }];
    const byDoctor = [
      { doctorId: "d1", name: "Dra. Ana" },
      { doctorId: "o1", name: "Dueño" },
      { doctorId: null, name: null },
    ];
    expect(doctorFilterChoices(listed, byDoctor)).toEqual([
      { id: "d1", name: "Dra. Ana" },
      { id: "o1", name: "Dueño" },
    ]);
    expect(listed).toHaveLength(1);
  });
});
