import { describe, expect, it } from "vitest";
import { groupRange, inGroup, isDetractor, isPromoter, isUnhappy, npsBand, npsOf, ratingSql, responseRate } from "../index.ts";
import { weekLabels } from "./week-labels.ts";

describe("rating groups (SPEC §5.8, §7)", () => {
  it("names each rating once in the NPS bands: promoters 4–5, passives 3, detractors 1–2", () => {
    expect([1, 2, 3, 4, 5].map(npsBand)).toEqual(["detractor", "detractor", "passive", "promoter", "promoter"]);
    expect([1, 2, 3, 4, 5].filter(isPromoter)).toEqual([4, 5]);
    expect([1, 2, 3, 4, 5].filter(isDetractor)).toEqual([1, 2]);
  });

  it("calls 1–3 unhappy (the private feedback path) and 4–5 happy, with nothing in both", () => {
    expect([1, 2, 3, 4, 5].filter(isUnhappy)).toEqual([1, 2, 3]);
    expect([1, 2, 3, 4, 5].filter((r) => inGroup("happy", r) === isUnhappy(r))).toEqual([]);
  });

  it("writes the same ranges for SQL and for people", () => {
    expect(ratingSql("unhappy", "p.rating")).toBe("p.rating between 1 and 3");
    expect(ratingSql("passive", "r")).toBe("r = 3");
    expect(groupRange("detractor")).toBe("1–2");
    expect(groupRange("unhappy")).toBe("1–3");
  });

  it("computes NPS as (promoters − detractors) / rated × 100", () => {
    expect(npsOf([1, 1, 2, 3, 3])).toEqual({ promoters: 6, passives: 2, detractors: 2, rated: 10, score: 40 });
    expect(npsOf([0, 0, 0, 0, 0]).score).toBeNull();
  });

  it("divides replies by deliveries, never showing more replies than deliveries", () => {
    expect(responseRate(3, 10).rate).toBeCloseTo(0.3);
    // No delivery receipt for some: each reply proves its message arrived.
    expect(responseRate(12, 10)).toEqual({ numerator: 12, denominator: 12, rate: 1 });
    expect(responseRate(0, 0).rate).toBeNull();
  });
});

describe("week labels", () => {
  it("writes each week's first day in the page's language and marks a partial week", () => {
    const labels = weekLabels(
      [
        { weekStart: "2026-08-31", days: 7 },
        { weekStart: "2026-09-07", days: 3 },
      ],
      "es-EC",
    );
    expect(labels.map((l) => l.date)).toEqual(["31 ago", "7 sept"]);
    expect(labels.map((l) => l.partial)).toEqual([false, true]);
    expect(weekLabels([{ weekStart: "2026-09-07", days: 7 }], "en")[0]!.date).toBe("Sep 7");
  });

  it("never gives two weeks the same label, even a year apart", () => {
    const weeks = Array.from({ length: 60 }, (_, i) => ({ weekStart: new Date(Date.UTC(2025, 8, 1 + 7 * i)).toISOString().slice(0, 10), days: 7 }));
    const dates = weekLabels(weeks, "es-EC").map((l) => l.date);
    expect(new Set(dates).size).toBe(weeks.length);
  });
});
