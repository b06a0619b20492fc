export {
  loadDashboard,
  npsOf,
  weekStartOf,
  isoWeekLabel,
  type Dashboard,
  type Figures,
  type Nps,
  type Ratio,
  type WeekFigures,
  type PracticeFigures,
  type DoctorFigures,
  type FeedbackSourceFigures,
  type LoadOptions,
  type QueryTiming,
} from "./dashboard.ts";
export { parseDashboardFilters, doctorFilterChoices, DashboardFiltersSchema, AnalyticsFilterError, type DashboardFilters } from "./filters.ts";
export { foldAnalytics, type FoldResult, type FoldOptions } from "./fold.ts";
export { dashboardQueries, type DashboardQuery } from "./queries.ts";
export { seedAnalytics, type SeedOptions, type SeedResult } from "./bench/seed.ts";
export { DASHBOARD_PRESETS, DEFAULT_DASHBOARD_PRESET, localToday, presetDates, resolveDashboardRange, type DashboardPreset, type DashboardRange } from "./range.ts";
