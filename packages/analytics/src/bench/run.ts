// `npm run bench:analytics`: a fresh migrated database, N messages seeded set-based, then the
// dashboard loader timed cold and warm for a few filter sets, and EXPLAIN (ANALYZE, BUFFERS) of the
// slowest statement saved next to the result.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { MikroORM } from "@mikro-orm/postgresql";
import pg from "pg";
import { initOrm, scopedQuery } from "@rm/db";
import { createEmptyDatabase, uniqueSuffix } from "@rm/test-utils";
import { foldAnalytics } from "../fold.ts";
import { loadDashboard, type Dashboard } from "../dashboard.ts";
import type { DashboardFilters } from "../filters.ts";
import { seedAnalytics, type SeedResult } from "./seed.ts";

export interface AnalyticsBenchOptions {
  messages: number;
  /** Warm runs per scenario (p50/p99 over these). */
  runs: number;
  outDir: string;
  keepDatabase?: boolean;
  log?: (line: string) => void;
}

export interface QueryStat {
  name: string;
  p50: number;
  p99: number;
  max: number;
}

export interface ScenarioResult {
  name: string;
  filters: DashboardFilters;
  /** Rollup (analytics_daily + unfolded deltas, what the page uses) or the live aggregate (reference). */
  source: "rollup" | "live";
  /** First load after seeding (first scenario) or after DISCARD ALL on a fresh connection: PostgreSQL's
   * and the OS's page caches stay warm — they cannot be dropped on a shared machine. */
  coldMs: number;
  warm: { runs: number; p50: number; p99: number; max: number };
  queries: QueryStat[];
  sent: number;
  nps: number | null;
}

export interface AnalyticsBenchReport {
  bench: "analytics";
  messages: number;
  patients: number;
  reviewClicks: number;
  feedback: number;
  seedSeconds: number;
  seedRowsPerSecond: number;
  /** The first fold: the workspace's rollup built from the base tables. */
  rebuildMs: number;
  rollupRows: number;
  /** Changes made after the fold and left unfolded (the loader reads them as deltas). */
  pending: { statusUpdates: number; ratings: number; deltas: number; writeMs: number };
  scenarios: ScenarioResult[];
  /** Worst warm p99 of the whole loader over all scenarios (target < 300 ms). */
  p99Ms: number;
  targetMs: number;
  slowest: { scenario: string; query: string; p99: number };
  explainPath: string;
  resultPath: string;
  /** The loader's totals agree with plain counts over the same tables. */
  consistent: boolean;
  database: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

const round = (x: number) => Math.round(x * 10) / 10;

/** Plain counts, written independently of the loader's SQL, for a sanity check of its totals. */
async function plainTotals(orm: MikroORM, workspaceId: string): Promise<{ sent: number; delivered: number; rated: number }> {
  const em = orm.em.fork();
  const [row] = await scopedQuery<{ sent: string; delivered: string; rated: string }>(
    em,
    workspaceId,
    `select count(*) as sent,
            sum(case when m.status in ('DELIVERED', 'READ') then 1 else 0 end) as delivered,
            sum(case when exists (select 1 from patients p where p.id = m.patient_id and p.rating is not null) then 1 else 0 end) as rated
     from messages m where m.workspace_id = ? and m.type = 'INITIAL' and m.provider_sid is not null`,
  );
  return { sent: Number(row!.sent), delivered: Number(row!.delivered), rated: Number(row!.rated) };
}

function localDate(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
}

export async function runAnalyticsBench(o: AnalyticsBenchOptions): Promise<AnalyticsBenchReport> {
  const log = o.log ?? (() => {});
  if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL must be set (run through `npm run …`, which starts the local services)");
  const db = await createEmptyDatabase(`rm_bench_analytics_${uniqueSuffix()}`);
  log(`database ${db.name}`);
  let orm: MikroORM | null = null;
  try {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    let seed: SeedResult;
    const end = new Date();
    try {
      seed = await seedAnalytics(client, { messages: o.messages, end });
      log(`seeded ${seed.messages} messages, ${seed.patients} patients in ${(seed.ms / 1000).toFixed(1)} s`);
      const vacuum = performance.now();
      // A settled table, as autovacuum leaves it: statistics, and every page all-visible (so the
      // covering indexes answer without heap fetches).
      await client.query("vacuum (freeze, analyze) messages, patients, contacts, campaigns, practices, review_clicks, feedback, users, workspaces");
      log(`vacuum analyze ${((performance.now() - vacuum) / 1000).toFixed(1)} s`);
    } finally {
      await client.end();
    }

    // One connection: DISCARD ALL then reaches the very session the next load runs on.
    orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
    const ws = seed.workspaceId;

    // The first fold builds the workspace's rollup from the base tables (what happens once after the
    // deploy of the rollup, or after a time-zone change).
    let t = performance.now();
    await foldAnalytics(orm.em.fork(), end);
    const rebuildMs = performance.now() - t;
    const [{ n: rollupRows }] = (await orm.em.fork().execute<{ n: string }[]>("select count(*) as n from analytics_daily")) as [{ n: string }];
    log(`rollup built in ${(rebuildMs / 1000).toFixed(1)} s: ${rollupRows} rows`);
    // Then a burst of traffic left unfolded, more than a fold interval's worth at this volume: late
    // delivery receipts and new ratings, through the triggers, read by the loader as deltas.
    const pendingN = Math.max(10, Math.round(seed.messages / 100));
    t = performance.now();
    const statusUpdates = await orm.em.fork().execute<{ affectedRows: number }>(
      `update messages set status = 'DELIVERED', delivered_at = now() where id in (
         select id from messages where workspace_id = ? and type = 'INITIAL' and status = 'SENT' order by id limit ?)`,
      [ws, pendingN],
      "run",
    );
    const ratings = await orm.em.fork().execute<{ affectedRows: number }>(
      `update patients set rating = 5, rated_at = ?, status = 'RATED', follow_up_sent_at = ? where id in (
         select id from patients where workspace_id = ? and rating is null and status = 'SENT' order by id limit ?)`,
      [end, end, ws, Math.round(pendingN / 5)],
      "run",
    );
    const writeMs = performance.now() - t;
    const [{ n: deltas }] = (await orm.em.fork().execute<{ n: string }[]>("select count(*) as n from analytics_deltas")) as [{ n: string }];
    await orm.em.fork().execute("analyze analytics_daily, analytics_deltas");
    log(`left unfolded: ${deltas} deltas from ${statusUpdates.affectedRows} status updates and ${ratings.affectedRows} ratings (written in ${Math.round(writeMs)} ms)`);
    const today = localDate(end, "America/Guayaquil");
    const monthAgo = localDate(new Date(end.getTime() - 29 * 86_400_000), "America/Guayaquil");
    const scenarios: { name: string; filters: DashboardFilters; source: "rollup" | "live" }[] = [
      { name: "workspace, all time", filters: {}, source: "rollup" },
      { name: "one practice, all time", filters: { practiceId: seed.practiceIds[0]! }, source: "rollup" },
      { name: "workspace, last 30 days", filters: { from: monthAgo, to: today }, source: "rollup" },
      { name: "one doctor, last 30 days", filters: { doctorId: seed.doctorIds[0]!, from: monthAgo, to: today }, source: "rollup" },
      // The reference: the same dashboard aggregated live from the base tables (before the rollup).
      { name: "workspace, all time (live aggregate)", filters: {}, source: "live" },
    ];

    const results: ScenarioResult[] = [];
    let slowest = { scenario: "", query: "", p99: -1, sql: "", params: [] as unknown[] };
    let first: Dashboard | null = null;
    for (const [i, s] of scenarios.entries()) {
      if (i > 0) await orm.em.fork().execute("discard all");
      let t0 = performance.now();
      const cold = await loadDashboard(orm.em.fork(), ws, s.filters, { source: s.source });
      const coldMs = performance.now() - t0;
      if (i === 0) first = cold;
      const totals: number[] = [];
      const perQuery = new Map<string, { times: number[]; sql: string; params: unknown[] }>();
      let last: Dashboard | null = null;
      for (let r = 0; r < o.runs; r++) {
        t0 = performance.now();
        last = await loadDashboard(orm.em.fork(), ws, s.filters, {
          source: s.source,
          onQuery: (q) => {
            const e = perQuery.get(q.name) ?? { times: [], sql: q.sql, params: q.params };
            e.times.push(q.ms);
            perQuery.set(q.name, e);
          },
        });
        totals.push(performance.now() - t0);
      }
      totals.sort((x, y) => x - y);
      const queries: QueryStat[] = [];
      for (const [name, e] of perQuery) {
        e.times.sort((x, y) => x - y);
        const stat = { name, p50: round(percentile(e.times, 50)), p99: round(percentile(e.times, 99)), max: round(e.times[e.times.length - 1] ?? 0) };
        queries.push(stat);
        if (stat.p99 > slowest.p99 && name !== "settings" && s.source === "rollup") slowest = { scenario: s.name, query: name, p99: stat.p99, sql: e.sql, params: e.params };
      }
      const res: ScenarioResult = {
        name: s.name,
        filters: s.filters,
        source: s.source,
        coldMs: round(coldMs),
        warm: { runs: o.runs, p50: round(percentile(totals, 50)), p99: round(percentile(totals, 99)), max: round(totals[totals.length - 1] ?? 0) },
        queries,
        sent: last?.totals.sent ?? 0,
        nps: last?.totals.nps.score === null || last?.totals.nps.score === undefined ? null : round(last.totals.nps.score),
      };
      results.push(res);
      log(`${s.name}: cold ${res.coldMs} ms, warm p50 ${res.warm.p50} ms, p99 ${res.warm.p99} ms (${res.sent} sent)`);
    }

    const plain = await plainTotals(orm, ws);
    const live = await loadDashboard(orm.em.fork(), ws, {}, { source: "live" });
    // The rollup's dashboard (with the pending deltas) equals plain counts and the live aggregate.
    const consistent =
      first !== null &&
      first.source === "rollup" &&
      first.totals.sent === plain.sent &&
      first.totals.delivered === plain.delivered &&
      first.totals.rated === plain.rated &&
      JSON.stringify({ ...first, source: "" }) === JSON.stringify({ ...live, source: "" });

    await mkdir(o.outDir, { recursive: true });
    const explainPath = join(o.outDir, "analytics-explain.txt");
    const resultPath = join(o.outDir, "analytics-result.json");
    const em = orm.em.fork();
    const plan = await em.transactional(async (tem) => {
      await tem.execute("set transaction isolation level repeatable read, read only");
      await tem.execute("set local jit = off");
      await tem.execute("set local work_mem = '64MB'");
      const [workspaceId, ...rest] = slowest.params;
      return scopedQuery<{ "QUERY PLAN": string }>(tem, String(workspaceId), `explain (analyze, buffers, verbose off) ${slowest.sql}`, rest);
    });
    await writeFile(
      explainPath,
      `-- bench:analytics, ${seed.messages} messages; slowest statement: "${slowest.query}" in scenario "${slowest.scenario}" (warm p99 ${slowest.p99} ms)\n` +
        `-- parameters: ${JSON.stringify(slowest.params)}\n${slowest.sql.trim()}\n\n${plan.map((r) => r["QUERY PLAN"]).join("\n")}\n`,
    );

    const p99Ms = Math.max(...results.filter((r) => r.source === "rollup").map((r) => r.warm.p99));
    const report: AnalyticsBenchReport = {
      bench: "analytics",
      messages: seed.messages,
      patients: seed.patients,
      reviewClicks: seed.reviewClicks,
      feedback: seed.feedback,
      seedSeconds: round(seed.ms / 1000),
      seedRowsPerSecond: Math.round((seed.messages + 2 * seed.patients + seed.reviewClicks + seed.feedback) / (seed.ms / 1000)),
      rebuildMs: round(rebuildMs),
      rollupRows: Number(rollupRows),
      pending: { statusUpdates: statusUpdates.affectedRows, ratings: ratings.affectedRows, deltas: Number(deltas), writeMs: round(writeMs) },
      scenarios: results,
      p99Ms,
      targetMs: 300,
      slowest: { scenario: slowest.scenario, query: slowest.query, p99: slowest.p99 },
      explainPath,
      resultPath,
      consistent,
      database: o.keepDatabase ? db.name : "(dropped)",
    };
    await writeFile(resultPath, `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    await orm?.close(true);
    if (!o.keepDatabase) await db.drop();
  }
}

export function formatAnalyticsReport(r: AnalyticsBenchReport): string {
  const lines = [
    `analytics dashboard on ${r.messages.toLocaleString("en-US")} messages (${r.patients.toLocaleString("en-US")} patients), seeded in ${r.seedSeconds} s (${r.seedRowsPerSecond.toLocaleString("en-US")} rows/s)`,
    `rollup built in ${r.rebuildMs} ms (${r.rollupRows.toLocaleString("en-US")} rows); left unfolded: ${r.pending.deltas.toLocaleString("en-US")} deltas from ${r.pending.statusUpdates.toLocaleString("en-US")} status updates and ${r.pending.ratings.toLocaleString("en-US")} ratings (written in ${r.pending.writeMs} ms)`,
    "",
    "| scenario | sent | NPS | cold ms | warm p50 ms | warm p99 ms | slowest statement p99 |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...r.scenarios.map((s) => {
      const worst = [...s.queries].sort((a, b) => b.p99 - a.p99)[0];
      return `| ${s.name} | ${s.sent.toLocaleString("en-US")} | ${s.nps ?? "—"} | ${s.coldMs} | ${s.warm.p50} | ${s.warm.p99} | ${worst ? `${worst.name} ${worst.p99} ms` : "—"} |`;
    }),
    "",
    `worst warm p99 (rollup, what the page reads) ${r.p99Ms} ms (target < ${r.targetMs} ms) ${r.p99Ms < r.targetMs ? "MET" : "MISSED"}; totals agree with plain counts and the live aggregate: ${r.consistent ? "yes" : "NO"}`,
    `EXPLAIN (ANALYZE, BUFFERS) of the slowest statement: ${r.explainPath}`,
    `result: ${r.resultPath}`,
  ];
  return lines.join("\n");
}
