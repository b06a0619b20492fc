// The dashboard's SQL. Every statement starts with `workspace_id = ?` as its first placeholder
// (scopedQuery, docs/decisions/005) and joins every other tenant table on the same workspace.
import { NO_DOCTOR } from "@rm/db";
import { ratingSql } from "@rm/domain";
import type { DashboardFilters } from "./filters.ts";

export interface DashboardQuery {
  name: "requests" | "feedback" | "names";
  sql: string;
  /** Parameters after the workspace id. */
  params: unknown[];
}

/** Stands for the workspace id where a statement repeats it after its first placeholder. */
const WORKSPACE = "__workspace__";

export interface QuerySettings {
  timezone: string;
  /** Whether unhappy patients are offered the review link too (`open` policy). */
  openPolicy: boolean;
}

/**
 * Where-clause pieces for the campaign filters, on a campaigns alias `c`. The doctor filter is not one
 * of them: a campaign's appointments may be with several doctors (doctorFilter).
 */
function campaignFilters(f: DashboardFilters, params: unknown[]): string {
  let sql = "";
  if (f.practiceId) {
    sql += " and c.practice_id = ?";
    params.push(f.practiceId);
  }
  if (f.campaignId) {
    sql += " and c.id = ?";
    params.push(f.campaignId);
  }
  return sql;
}

/** The doctor filter on `col`, an appointment's doctor (patients.doctor_id or a fact's doctor_id). */
function doctorFilter(col: string, f: DashboardFilters, params: unknown[]): string {
  if (!f.doctorId) return "";
  params.push(f.doctorId);
  return ` and ${col} = ?`;
}

/** `col` within the filter's calendar days in the workspace time zone (end exclusive at the next midnight). */
function rangeFilter(col: string, f: DashboardFilters, s: QuerySettings, params: unknown[]): string {
  let sql = "";
  if (f.from) {
    sql += ` and ${col} >= (?::date)::timestamp at time zone ?`;
    params.push(f.from, s.timezone);
  }
  if (f.to) {
    sql += ` and ${col} < ((?::date) + 1)::timestamp at time zone ?`;
    params.push(f.to, s.timezone);
  }
  return sql;
}

/** Week buckets span these Mondays unless a range narrows them (width_bucket needs finite bounds). */
const FIRST_MONDAY = "2000-01-03";
const LAST_MONDAY = "2099-12-28";

function mondayOf(isoDate: string, offsetDays = 0): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7) + offsetDays);
  return d.toISOString().slice(0, 10);
}

/**
 * The live facts: two aggregates grouped by (ISO week, campaign, appointment's doctor, the values
 * being counted) with a bare count(*), unioned.
 *
 * - requests: INITIAL messages the provider accepted, in the week they went out (`sent_at` from the
 *   status callback, else the send attempt: carriers in Ecuador often send no receipt);
 * - ratings: patients' ratings in the week they arrived, with the follow-up's review link and click.
 *
 * A rating is not looked up against its request; a request is joined to its patient (by primary key,
 * hashed) for the appointment's doctor, which only the patient row holds. The week of a row
 * is a binary search (width_bucket) in the workspace's local Mondays, converted to instants once per
 * statement, instead of a time-zone conversion per row. Used until the workspace's rollup is built
 * (and as the reference the rollup is tested against).
 */
function liveFacts(f: DashboardFilters, s: QuerySettings, params: unknown[]): string {
  const firstMonday = f.from ? mondayOf(f.from) : FIRST_MONDAY;
  // One Monday past the last week, so the last week is a closed bucket.
  const endMonday = f.to ? mondayOf(f.to, 7) : LAST_MONDAY;
  // Placeholders are pushed in text order. Both scans read indexes keyed (workspace, campaign, time):
  // a practice filter reads only its campaigns' entries. `cs` is inlined into both scans
  // (not materialized), so the planner keeps its row estimates and hashes instead of sorting to disk.
  let sql = `
with cs as not materialized (
  select c.id, c.workspace_id from campaigns c where c.workspace_id = ?${campaignFilters(f, params)}
), req as (
  select m.campaign_id, p.doctor_id, m.status, coalesce(m.sent_at, m.send_attempted_at) as sent_time
  from cs
  join messages m on m.workspace_id = cs.workspace_id and m.campaign_id = cs.id
  join patients p on p.workspace_id = cs.workspace_id and p.id = m.patient_id
  where m.type = 'INITIAL' and m.provider_sid is not null and coalesce(m.sent_at, m.send_attempted_at) is not null`;
  sql += doctorFilter("p.doctor_id", f, params);
  sql += rangeFilter("coalesce(m.sent_at, m.send_attempted_at)", f, s, params);
  sql += `
), rat as (
  select p.id, p.campaign_id, p.doctor_id, p.rating, p.rated_at, p.follow_up_sent_at
  from cs
  join patients p on p.workspace_id = cs.workspace_id and p.campaign_id = cs.id
  where p.rating is not null and p.rated_at is not null`;
  sql += doctorFilter("p.doctor_id", f, params);
  sql += rangeFilter("p.rated_at", f, s, params);
  params.push(s.timezone, firstMonday, endMonday, WORKSPACE, firstMonday);
  sql += `
), mondays as (
  select array_agg((d::date)::timestamp at time zone ? order by d) as b
  from generate_series(?::date, ?::date, interval '7 days') d
), bucketed as (
  select width_bucket(r.sent_time, (select b from mondays)) as bucket, r.campaign_id, r.doctor_id, 'request' as kind,
         r.status, 0::smallint as rating, false as followup, false as clicked, count(*) as n
  from req r
  group by 1, 2, 3, 5
  union all
  select width_bucket(r.rated_at, (select b from mondays)), r.campaign_id, r.doctor_id, 'rating',
         '', r.rating, r.follow_up_sent_at is not null, rc.patient_id is not null, count(*)
  from rat r
  left join review_clicks rc on rc.patient_id = r.id and rc.workspace_id = ?
  group by 1, 2, 3, 6, 7, 8
), facts as (
  select (?::date + (b.bucket - 1) * 7) as week, b.campaign_id, b.doctor_id, b.kind, b.status, b.rating, b.followup, b.clicked, b.n
  from bucketed b
)`;
  return sql;
}

/**
 * The rollup's facts: analytics_daily (a row per campaign, doctor, local day and counted value, kept by the
 * fold) plus the deltas not folded yet, both read in the same snapshot — exact whatever the fold's
 * lag. Days are in the rollup's time zone, which the loader checked is the workspace's.
 */
function rollupFacts(f: DashboardFilters, s: QuerySettings, params: unknown[]): string {
  let sql = `
with cs as not materialized (
  select c.id, c.workspace_id from campaigns c where c.workspace_id = ?${campaignFilters(f, params)}
), facts as (
  select (a.day - (extract(isodow from a.day)::int - 1)) as week, a.campaign_id, nullif(a.doctor_id, '${NO_DOCTOR}'::uuid) as doctor_id,
         a.kind, a.status, a.rating, a.followup, a.clicked, sum(a.n) as n
  from (
    select a.campaign_id, a.doctor_id, a.day, a.kind, a.status, a.rating, a.followup, a.clicked, a.n
    from cs
    join analytics_daily a on a.workspace_id = cs.workspace_id and a.campaign_id = cs.id
    where true`;
  sql += doctorFilter("a.doctor_id", f, params);
  if (f.from) {
    sql += " and a.day >= ?::date";
    params.push(f.from);
  }
  if (f.to) {
    sql += " and a.day <= ?::date";
    params.push(f.to);
  }
  params.push(s.timezone);
  sql += `
    union all
    select d.campaign_id, d.doctor_id, (d.at at time zone ?)::date, d.kind, d.status, d.rating, d.followup, d.clicked, d.n
    from cs
    join analytics_deltas d on d.workspace_id = cs.workspace_id and d.campaign_id = cs.id
    where true`;
  sql += doctorFilter("d.doctor_id", f, params);
  sql += rangeFilter("d.at", f, s, params);
  sql += `
  ) a
  group by 1, 2, 3, 4, 5, 6, 7, 8
)`;
  return sql;
}

/**
 * The facts (per week, campaign, appointment's doctor and counted value; a few thousand rows) joined
 * to campaign and practice, then pivoted and rolled up four ways with GROUPING SETS: totals, per week,
 * per practice (a campaign's), per doctor (the appointment's, SPEC §5.1: one campaign may have several).
 */
function requestsQuery(f: DashboardFilters, s: QuerySettings, source: "live" | "rollup"): DashboardQuery {
  const params: unknown[] = [];
  let sql = source === "live" ? liveFacts(f, s, params) : rollupFacts(f, s, params);
  params.push(s.openPolicy, WORKSPACE, WORKSPACE);
  sql += `, rows as (
  select f.week, c.practice_id, f.doctor_id,
         f.kind, f.status, f.rating, f.n,
         -- The review link is offered where the practice has one (a Place ID or a g.page link): to the happy, and to the unhappy under the open policy.
         (f.followup and (pr.google_place_id is not null or pr.google_review_url is not null) and (${ratingSql("happy", "f.rating")} or ?::boolean)) as offered, f.clicked
  from facts f
  join campaigns c on c.id = f.campaign_id and c.workspace_id = ?
  join practices pr on pr.id = c.practice_id and pr.workspace_id = ?
)
select grouping(week) as g_week, grouping(practice_id) as g_practice, grouping(doctor_id) as g_doctor,
       to_char(week, 'YYYY-MM-DD') as week, practice_id, doctor_id,
       sum(n) filter (where kind = 'request') as sent,
       sum(n) filter (where kind = 'request' and status in ('DELIVERED', 'READ')) as delivered,
       sum(n) filter (where kind = 'request' and status = 'READ') as read,
       sum(n) filter (where kind = 'request' and status in ('UNDELIVERED', 'FAILED')) as failed,
       sum(n) filter (where kind = 'rating') as rated,
       sum(n) filter (where kind = 'rating' and rating = 1) as r1,
       sum(n) filter (where kind = 'rating' and rating = 2) as r2,
       sum(n) filter (where kind = 'rating' and rating = 3) as r3,
       sum(n) filter (where kind = 'rating' and rating = 4) as r4,
       sum(n) filter (where kind = 'rating' and rating = 5) as r5,
       sum(n) filter (where offered) as review_offered,
       sum(n) filter (where offered and clicked) as review_clicks
from rows
group by grouping sets ((), (week), (practice_id), (doctor_id))`;
  return { name: "requests", sql, params };
}

/** The staff inbox in the range (by when an item arrived): counts per source and resolution time. */
function feedbackQuery(f: DashboardFilters, s: QuerySettings): DashboardQuery {
  const params: unknown[] = [];
  const range = rangeFilter("f.created_at", f, s, params);
  // A practice's or doctor's inbox: items of its campaigns' patients, or of the doctor's appointments
  // (on patients_campaign_appointment_idx or patients_workspace_doctor_idx, hashed — test/plans.test.ts),
  // never the whole patients table.
  let campaignPatients = "";
  if (campaignFilters(f, []) !== "" || f.doctorId) {
    params.push(WORKSPACE, WORKSPACE);
    campaignPatients = ` and f.patient_id in (select p.id from patients p where p.workspace_id = ? and p.campaign_id in (select c.id from campaigns c where c.workspace_id = ?${campaignFilters(f, params)})${doctorFilter("p.doctor_id", f, params)})`;
  }
  const sql = `
select grouping(f.source) as g_source, f.source,
       count(*) as total,
       count(*) filter (where f.status = 'NEW') as new,
       count(*) filter (where f.status <> 'RESOLVED') as unresolved,
       count(*) filter (where f.status = 'RESOLVED') as resolved,
       percentile_cont(0.5) within group (order by extract(epoch from (f.resolved_at - f.created_at))) filter (where f.status = 'RESOLVED' and f.resolved_at is not null) as median_resolution_s
from feedback f
where f.workspace_id = ?${range}${campaignPatients}
group by rollup (f.source)`;
  // The workspace id is the first placeholder; range and campaign parameters follow it.
  return { name: "feedback", sql, params };
}

/** Names for the breakdowns: the workspace's practices and users. */
function namesQuery(): DashboardQuery {
  return {
    name: "names",
    sql: `select kind, id, name from (
  select 'practice' as kind, pr.id, pr.name from practices pr where pr.workspace_id = ?
  union all
  select 'doctor' as kind, u.id, u.name from users u where u.workspace_id = ?
) n`,
    params: [WORKSPACE],
  };
}

/**
 * The loader's statements. `source`: "rollup" once the workspace's rollup is built in its current
 * time zone (analytics_rollups), "live" before (new data model, first minute after a deploy or a
 * time-zone change).
 */
export function dashboardQueries(f: DashboardFilters, s: QuerySettings, source: "live" | "rollup" = "rollup"): DashboardQuery[] {
  return [requestsQuery(f, s, source), feedbackQuery(f, s), namesQuery()];
}

/** Replaces the workspace marker in a query's parameters (statements naming the workspace twice). */
export function bindParams(q: DashboardQuery, workspaceId: string): unknown[] {
  return q.params.map((p) => (p === WORKSPACE ? workspaceId : p));
}
