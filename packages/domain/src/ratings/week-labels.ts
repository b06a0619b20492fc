/**
 * Labels of consecutive weeks for a chart's axis and table, in the page's language: the week's first
 * day as Intl writes it ("1 sept" in es-EC, "Sep 1" in English), the year added to every label when
 * the weeks cross a year (so no two labels are ever the same), and a week the range covers only in
 * part marked as such. The words around the date ("sem. …", "(parcial)") come from the catalogue.
 */

export interface WeekSpan {
  /** First day of the week (YYYY-MM-DD). */
  weekStart: string;
  /** Days of the week inside the range (1–7). */
  days: number;
}

export interface WeekLabel {
  weekStart: string;
  /** The date part: "1 sept", "1 sept 25". */
  date: string;
  partial: boolean;
}

export function weekLabels(weeks: readonly WeekSpan[], localeTag: string): WeekLabel[] {
  const years = new Set(weeks.map((w) => w.weekStart.slice(0, 4)));
  const fmt = new Intl.DateTimeFormat(localeTag, {
    day: "numeric",
    month: "short",
    ...(years.size > 1 ? { year: "2-digit" as const } : {}),
    timeZone: "UTC",
  });
  return weeks.map((w) => ({ weekStart: w.weekStart, date: fmt.format(new Date(`${w.weekStart}T00:00:00Z`)), partial: w.days < 7 }));
}
