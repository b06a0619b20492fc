// The dashboard's date range from a page's search params: a preset (the last N days, workspace time
// zone) or custom dates. Dependency-free (subpath `@rm/analytics/range`), so pages can render the
// presets without pulling server code into the browser bundle.
export const DASHBOARD_PRESETS = ["7", "30", "90", "all"] as const;
export type DashboardPreset = (typeof DASHBOARD_PRESETS)[number];
export type DashboardRange = DashboardPreset | "custom";
export const DEFAULT_DASHBOARD_PRESET: DashboardPreset = "90";

/** Today's calendar date in a time zone, as YYYY-MM-DD. */
export function localToday(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The dates of a preset: the last N days including today (workspace time zone); "all" has none. */
export function presetDates(range: DashboardPreset, today: string): { from: string; to: string } | null {
  if (range === "all") return null;
  return { from: addDays(today, -(Number(range) - 1)), to: today };
}

/**
 * The range asked for: a preset, unless the dates were edited. The form sends the dates it showed
 * (`shownFrom`/`shownTo`) next to the date fields: dates changed from those mean a custom range even
 * if the select was left alone; dates left alone follow the select. A URL without them (a link) is
 * custom when its dates differ from the preset's.
 */
export function resolveDashboardRange(params: URLSearchParams, today: string): { range: DashboardRange; from: string; to: string } {
  const asked = params.get("range");
  const from = params.get("from")?.trim() ?? "";
  const to = params.get("to")?.trim() ?? "";
  const preset = (DASHBOARD_PRESETS as readonly string[]).includes(asked ?? "") ? (asked as DashboardPreset) : null;
  if (asked === "custom" || (!preset && (from || to))) return { range: "custom", from, to };
  const p = preset ?? DEFAULT_DASHBOARD_PRESET;
  const dates = presetDates(p, today);
  const shown = params.has("shownFrom") || params.has("shownTo") ? { from: params.get("shownFrom") ?? "", to: params.get("shownTo") ?? "" } : { from: dates?.from ?? "", to: dates?.to ?? "" };
  if ((from || to) && (from !== shown.from || to !== shown.to)) return { range: "custom", from, to };
  return { range: p, from: dates?.from ?? "", to: dates?.to ?? "" };
}
