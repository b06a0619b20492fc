// The weekly chart's axis prints only labels that do not overlap: "sem. 24 nov" is three times as wide
// as "W48", and two labels drawn over each other read as neither.
import { describe, expect, it } from "vitest";
import { axisLabelWidth, shownAxisLabels } from "../app/components/charts.tsx";

const PLOT_W = 420;

function overlaps(labels: string[]): string[] {
  const shown = shownAxisLabels(labels, PLOT_W);
  const x = (i: number) => (labels.length <= 1 ? PLOT_W / 2 : (i / (labels.length - 1)) * PLOT_W);
  const printed = labels.map((l, i) => ({ l, i })).filter(({ i }) => shown[i]);
  const found: string[] = [];
  for (let k = 1; k < printed.length; k++) {
    const a = printed[k - 1]!;
    const b = printed[k]!;
    if (x(b.i) - x(a.i) < (axisLabelWidth(a.l) + axisLabelWidth(b.l)) / 2) found.push(`${a.l} / ${b.l}`);
  }
  return found;
}

describe("weekly chart axis labels", () => {
  it("never draws two labels over each other, and always shows the last week", () => {
    const months = ["sept", "oct", "nov", "dic"];
    for (const n of [1, 2, 5, 8, 9, 13, 14, 26, 53]) {
      const labels = Array.from({ length: n }, (_, i) => `sem. ${1 + (i % 28)} ${months[Math.floor(i / 4) % 4]!}${i >= 4 * 4 ? ` ${i}` : ""}`);
      expect(overlaps(labels), `${n} weeks`).toEqual([]);
      expect(shownAxisLabels(labels, PLOT_W).at(-1)).toBe(true);
    }
  });

  it("prints every label when they fit", () => {
    expect(shownAxisLabels(["sem. 3 nov", "sem. 10 nov", "sem. 17 nov"], PLOT_W)).toEqual([true, true, true]);
  });
});
