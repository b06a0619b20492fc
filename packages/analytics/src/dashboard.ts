// The analytics dashboard's data (SPEC §7): every figure from SQL aggregates.
import type { EntityManager } from "@mikro-orm/postgresql";
import { Workspace, scopedQuery, workspaceEm } from "@rm/db";
import { type Nps, type Ratio, npsOf, ratio, responseRate } from "@rm/domain";
import { parseDashboardFilters, type DashboardFilters } from "./filters.ts";
import { bindParams, dashboardQueries, type DashboardQuery, type QuerySettings } from "./queries.ts";

// The words' one definition (promoters, detractors, NPS, response rate) is @rm/domain's.
export type { Nps, Ratio };

export interface Figures {
  /** Rating requests (INITIAL messages) the provider accepted, counted in the week/range they went out. */
  sent: number;
  /** … whose last status is DELIVERED or READ. */
  delivered: number;
  read: number;
  /** … UNDELIVERED or FAILED after the provider took them. */
  failed: number;
  /** Ratings (reply or one-tap page; one per patient, the latest) counted in the week/range they arrived. */
  rated: number;
  nps: Nps;
  /** Replied / delivered (SPEC §7, @rm/domain's responseRate: every reply counts as delivered). */
  responseRate: Ratio;
  /** (delivered or read) / sent. */
  deliveryRate: Ratio;
  /** Review clicks / follow-ups that offered the review link (by message or on the rating page). */
  reviewClickThrough: Ratio;
  /** Ratings 1…5: index 0 holds the count of 1s. */
  ratingDistribution: [number, number, number, number, number];
}

export interface WeekFigures extends Figures {
  /** Monday of the ISO week (YYYY-MM-DD, workspace time zone). */
  weekStart: string;
  /** Days of the week inside the range (1–7): a week the range or today cuts short counts fewer. */
  days: number;
  /** e.g. "2026-W47". */
  isoWeek: string;
}

export interface PracticeFigures extends Figures {
  practiceId: string;
  name: string;
}

export interface DoctorFigures extends Figures {
  /** Null for campaigns without an assigned doctor. */
  doctorId: string | null;
  name: string | null;
}

export interface FeedbackSourceFigures {
  total: number;
  new: number;
  unresolved: number;
  resolved: number;
  /** Median time from arrival to RESOLVED, in hours; null when none resolved. */
  medianResolutionHours: number | null;
}

export interface Dashboard {
  workspaceId: string;
  timezone: string;
  filters: DashboardFilters;
  totals: Figures;
  /** Every ISO week of the range (or of the data, without a range), oldest first, empty weeks as zeros. */
  weekly: WeekFigures[];
  byPractice: PracticeFigures[];
  byDoctor: DoctorFigures[];
  /** Staff inbox items that arrived in the range: all, and per source (FORM, REPLY, RATING). */
  feedback: FeedbackSourceFigures & { bySource: Record<string, FeedbackSourceFigures> };
  /** Where the request and rating figures came from: the rollup, or live (before it is built). */
  source: "live" | "rollup";
}

export interface QueryTiming {
  name: DashboardQuery["name"] | "settings";
  ms: number;
  rows: number;
}

export interface LoadOptions {
  /** Force the live aggregate or the rollup (tests and the benchmark); default: the rollup once built. */
  source?: "live" | "rollup";
  /** Today in the workspace's time zone (YYYY-MM-DD): the current week counts as partial. */
  today?: string;
  /** Called after each statement (benchmarks, slow-query logging). */
  onQuery?: (t: QueryTiming & { sql: string; params: unknown[] }) => void;
}

type Row = Record<string, unknown>;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export { npsOf };

function figures(r: Row | undefined): Figures {
  const dist: Figures["ratingDistribution"] = [num(r?.r1), num(r?.r2), num(r?.r3), num(r?.r4), num(r?.r5)];
  const sent = num(r?.sent);
  const delivered = num(r?.delivered);
  const rated = num(r?.rated);
  return {
    sent,
    delivered,
    read: num(r?.read),
    failed: num(r?.failed),
    rated,
    nps: npsOf(dist),
    responseRate: responseRate(rated, delivered),
    deliveryRate: ratio(delivered, sent),
    reviewClickThrough: ratio(num(r?.review_clicks), num(r?.review_offered)),
    ratingDistribution: dist,
  };
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Monday of the ISO week of a calendar date. */
export function weekStartOf(isoDate: string): string {
  const day = new Date(`${isoDate}T00:00:00Z`).getUTCDay();
  return addDays(isoDate, -((day + 6) % 7));
}

/** ISO 8601 week label of the week starting on `monday`: the year is the one of its Thursday. */
export function isoWeekLabel(monday: string): string {
  const thursday = new Date(`${addDays(monday, 3)}T00:00:00Z`);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/**
 * The weeks from `first` to `last` (Mondays), each with its figures or zeros and the days of it inside
 * [from, end] (end: the range's last day, else today, when known).
 */
function fillWeeks(rows: Map<string, Row>, first: string | undefined, last: string | undefined, from: string | undefined, end: string | undefined): WeekFigures[] {
  if (!first || !last) return [];
  const out: WeekFigures[] = [];
  for (let w = first; w <= last; w = addDays(w, 7)) {
    const start = from && from > w ? from : w;
    const sunday = addDays(w, 6);
    const stop = end && end < sunday ? end : sunday;
    const days = Math.max(1, Math.min(7, Math.round((Date.parse(stop) - Date.parse(start)) / 86_400_000) + 1));
    out.push({ weekStart: w, days, isoWeek: isoWeekLabel(w), ...figures(rows.get(w)) });
    if (out.length > 1000) break; // a 20-year range is the most a chart can show
  }
  return out;
}

function feedbackFigures(r: Row | undefined): FeedbackSourceFigures {
  const median = r?.median_resolution_s;
  return {
    total: num(r?.total),
    new: num(r?.new),
    unresolved: num(r?.unresolved),
    resolved: num(r?.resolved),
    medianResolutionHours: median === null || median === undefined ? null : Number(median) / 3600,
  };
}

/**
 * Loads the dashboard of one workspace, or null when the workspace does not exist. `filters` is
 * validated first (AnalyticsFilterError on bad input). Everything runs in one REPEATABLE READ,
 * READ ONLY transaction (one snapshot: the rollup's state, its days and the unfolded deltas agree):
 * the workspace's settings and rollup state, then the requests/ratings aggregate (from the rollup when
 * it is built in the workspace's time zone, else live), the inbox, the names.
 * (Running the aggregate and the inbox concurrently on two connections was slower on 2 cores.)
 */
export async function loadDashboard(em: EntityManager, workspaceId: string, rawFilters: unknown = {}, options: LoadOptions = {}): Promise<Dashboard | null> {
  const filters = parseDashboardFilters(rawFilters);
  return em.fork().transactional(async (tem) => {
    // One round trip. JIT compilation costs more than it saves at this size; the live aggregate's
    // hash tables over a million messages need more than the default 4 MB to stay off disk.
    await tem.execute("set transaction isolation level repeatable read, read only; set local jit = off; set local work_mem = '64MB'");
    const started = performance.now();
    const ws = await workspaceEm(tem, workspaceId).findOne(Workspace, { id: workspaceId }, { fields: ["timezone", "reviewPolicy", "gatedConfirmedAt"] });
    const state = ws ? await scopedQuery<{ timezone: string }>(tem, workspaceId, "select s.timezone from analytics_rollups s where s.workspace_id = ?") : [];
    options.onQuery?.({ name: "settings", ms: performance.now() - started, rows: ws ? 1 : 0, sql: "(orm) workspace settings; rollup state", params: [workspaceId] });
    if (!ws) return null;
    const settings: QuerySettings = { timezone: ws.timezone, openPolicy: !(ws.reviewPolicy === "gated" && ws.gatedConfirmedAt) };
    const source = options.source ?? (state[0]?.timezone === ws.timezone ? "rollup" : "live");
    const results: [string, Row[]][] = [];
    for (const q of dashboardQueries(filters, settings, source)) {
      const params = bindParams(q, workspaceId);
      const t0 = performance.now();
      const rows = await scopedQuery<Row>(tem, workspaceId, q.sql, params);
      options.onQuery?.({ name: q.name, ms: performance.now() - t0, rows: rows.length, sql: q.sql, params: [workspaceId, ...params] });
      results.push([q.name, rows]);
    }
    return { ...assemble(workspaceId, settings.timezone, filters, new Map(results), options.today), source };
  });
}

function assemble(workspaceId: string, timezone: string, filters: DashboardFilters, results: Map<string, Row[]>, today: string | undefined): Omit<Dashboard, "source"> {
  const names = new Map<string, string>();
  for (const r of results.get("names") ?? []) names.set(`${String(r.kind)}:${String(r.id)}`, String(r.name));

  const req = results.get("requests") ?? [];
  // grouping() is 1 for a column rolled up in that row's grouping set.
  const isSet = (r: Row, week: number, practice: number, doctor: number) => num(r.g_week) === week && num(r.g_practice) === practice && num(r.g_doctor) === doctor;
  const totalRow = req.find((r) => isSet(r, 1, 1, 1));
  const weekRows = new Map(req.filter((r) => isSet(r, 0, 1, 1)).map((r) => [String(r.week), r]));
  const dataWeeks = [...weekRows.keys()].sort();
  const weekly = fillWeeks(
    weekRows,
    filters.from ? weekStartOf(filters.from) : dataWeeks[0],
    filters.to ? weekStartOf(filters.to) : dataWeeks[dataWeeks.length - 1],
    filters.from,
    filters.to && today ? (filters.to < today ? filters.to : today) : (filters.to ?? today),
  );

  const byPractice = req
    .filter((r) => isSet(r, 1, 0, 1))
    .map((r) => ({ practiceId: String(r.practice_id), name: names.get(`practice:${String(r.practice_id)}`) ?? "", ...figures(r) }))
    .sort((a, b) => b.sent - a.sent || a.name.localeCompare(b.name));
  const byDoctor = req
    .filter((r) => isSet(r, 1, 1, 0))
    .map((r) => {
      const doctorId = r.doctor_id === null ? null : String(r.doctor_id);
      return { doctorId, name: doctorId ? (names.get(`doctor:${doctorId}`) ?? null) : null, ...figures(r) };
    })
    .sort((a, b) => b.sent - a.sent || (a.name ?? "").localeCompare(b.name ?? ""));

  const fb = results.get("feedback") ?? [];
  const bySource: Record<string, FeedbackSourceFigures> = {};
  for (const r of fb) if (num(r.g_source) === 0) bySource[String(r.source)] = feedbackFigures(r);

  return {
    workspaceId,
    timezone,
    filters,
    totals: figures(totalRow),
    weekly,
    byPractice,
    byDoctor,
    feedback: { ...feedbackFigures(fb.find((r) => num(r.g_source) === 1)), bySource },
  };
}
