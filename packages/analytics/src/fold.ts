// The analytics fold (periodic job `analytics.fold`, and the benchmark after seeding): moves the
// triggers' deltas into analytics_daily, and (re)builds a workspace's rollup from its base tables when
// it has none yet or its time zone changed. See README.md "Rollup" and the entities and triggers in
// @rm/db (packages/db/src/modules/analytics/analytics.entity.ts).
//
// A read model (docs/ARCHITECTURE.md, "Table ownership"): besides the analytics tables it owns, it
// reads messages, patients and review_clicks (the rebuild) and workspaces (which rollups are due or
// orphaned, and a workspace's time zone), and writes none of them.
import type { EntityManager } from "@mikro-orm/postgresql";
import { AnalyticsRollup, NO_DOCTOR, scopedQuery } from "@rm/db";

export interface FoldResult {
  /** Workspaces whose rollup was built from the base tables. */
  rebuilt: number;
  /** Workspaces whose deltas were folded. */
  folded: number;
  /** Deltas moved into analytics_daily. */
  deltas: number;
  /** Workspaces gone whose analytics rows were dropped. */
  dropped: number;
  /** A rebuild was due but could not pause the writers in time (it is retried on the next run). */
  rebuildPostponed: boolean;
}

export interface FoldOptions {
  /** How long a rebuild may wait to pause the writers (lock_timeout), default 5 s. */
  rebuildLockTimeoutMs?: number;
}

/** Serialises folds (two workers, the benchmark, a test): running two at once gains nothing. */
const FOLD_LOCK = 7_242_001;

const FACT_KEY = "workspace_id, campaign_id, doctor_id, day, kind, status, rating, followup, clicked";

/**
 * A workspace's facts from its base tables, in the time zone its analytics_rollups row records:
 * exactly what the triggers append, summed. A request counts under its patient's doctor (the
 * appointment's, patients.doctor_id), as a rating does.
 */
const REBUILD_SQL = `
insert into analytics_daily (${FACT_KEY}, n)
select m.workspace_id, m.campaign_id, coalesce(p.doctor_id, '${NO_DOCTOR}'::uuid), (coalesce(m.sent_at, m.send_attempted_at) at time zone s.timezone)::date, 'request', m.status, 0, false, false, count(*)
from analytics_rollups s
join messages m on m.workspace_id = s.workspace_id
join patients p on p.id = m.patient_id and p.workspace_id = s.workspace_id
where s.workspace_id = ? and m.type = 'INITIAL' and m.provider_sid is not null and m.campaign_id is not null
  and coalesce(m.sent_at, m.send_attempted_at) is not null
group by 1, 2, 3, 4, 6
union all
select p.workspace_id, p.campaign_id, coalesce(p.doctor_id, '${NO_DOCTOR}'::uuid), (p.rated_at at time zone s.timezone)::date, 'rating', '', p.rating, p.follow_up_sent_at is not null, rc.patient_id is not null, count(*)
from analytics_rollups s
join patients p on p.workspace_id = s.workspace_id
left join review_clicks rc on rc.patient_id = p.id and rc.workspace_id = s.workspace_id
where s.workspace_id = ? and p.rating is not null and p.rated_at is not null
group by 1, 2, 3, 4, 7, 8, 9`;

/** Moves a workspace's deltas into its days (in the rollup's time zone), in one statement. */
const FOLD_SQL = `
with moved as (
  delete from analytics_deltas d using analytics_rollups s
  where d.workspace_id = ? and s.workspace_id = d.workspace_id
  returning d.workspace_id, d.campaign_id, d.doctor_id, (d.at at time zone s.timezone)::date as day, d.kind, d.status, d.rating, d.followup, d.clicked, d.n
), summed as (
  insert into analytics_daily (${FACT_KEY}, n)
  select ${FACT_KEY}, sum(n) from moved group by ${FACT_KEY}
  on conflict (${FACT_KEY}) do update set n = analytics_daily.n + excluded.n
)
select count(*) as deltas from moved`;

async function rebuild(em: EntityManager, workspaceId: string, now: Date): Promise<boolean> {
  // FOR SHARE: a time-zone change waits until the rollup recorded in this zone is committed.
  // Plain SQL, not the ORM's LockMode: a value import of @mikro-orm/postgresql here would reach the
  // dev server's client dependency scan through the analytics page (apps/web/test/dev-server.test.ts).
  const [ws] = await em.execute<{ timezone: string }[]>("select timezone from workspaces where id = ? for share", [workspaceId]);
  if (!ws) return false;
  await scopedQuery(em, workspaceId, "delete from analytics_daily where workspace_id = ?");
  await scopedQuery(em, workspaceId, "delete from analytics_deltas where workspace_id = ?");
  await scopedQuery(em, workspaceId, "delete from analytics_rollups where workspace_id = ?");
  await em.insert(AnalyticsRollup, { workspaceId, timezone: ws.timezone, builtAt: now, foldedAt: now });
  await scopedQuery(em, workspaceId, REBUILD_SQL, [workspaceId]);
  return true;
}

/** Drops the analytics rows of workspaces that no longer exist (no foreign keys: see analytics.entity.ts). */
async function dropOrphans(em: EntityManager): Promise<number> {
  const gone = await em.execute<{ workspace_id: string }[]>(
    `select workspace_id from analytics_rollups s where not exists (select 1 from workspaces w where w.id = s.workspace_id)
     union select distinct workspace_id from analytics_deltas d where not exists (select 1 from workspaces w where w.id = d.workspace_id)`,
  );
  for (const { workspace_id: id } of gone) {
    for (const table of ["analytics_deltas", "analytics_daily", "analytics_rollups"]) await scopedQuery(em, id, `delete from ${table} where workspace_id = ?`);
  }
  return gone.length;
}

/**
 * One run: drop rows of deleted workspaces; rebuild the workspaces without a rollup in their current
 * time zone; fold every other workspace's deltas. Every statement on tenant data is scoped to one
 * workspace (scopedQuery); the two discovery queries read only ids.
 */
export async function foldAnalytics(em: EntityManager, now: Date, options: FoldOptions = {}): Promise<FoldResult> {
  const result: FoldResult = { rebuilt: 0, folded: 0, deltas: 0, dropped: 0, rebuildPostponed: false };

  const due = await em.fork().execute<{ id: string }[]>(
    `select w.id from workspaces w left join analytics_rollups s on s.workspace_id = w.id
     where s.workspace_id is null or s.timezone <> w.timezone order by w.id`,
  );
  if (due.length > 0) {
    // Exact under concurrent writers: LOCK … IN SHARE MODE waits for every transaction that has
    // written a delta and keeps new ones from writing any until this commits, so the base tables read
    // here and the deltas deleted here are the same state. Writers of facts pause meanwhile: only the
    // first run after a deploy, a new workspace's first run and a time-zone change rebuild.
    try {
      await em.fork().transactional(async (tem) => {
        await tem.execute("select pg_advisory_xact_lock(?)", [FOLD_LOCK]);
        await tem.execute(`set local lock_timeout = '${Math.max(1, Math.round(options.rebuildLockTimeoutMs ?? 5000))}ms'`);
        await tem.execute("lock table analytics_deltas in share mode");
        await tem.execute("set local lock_timeout = 0");
        await tem.execute("set local work_mem = '64MB'");
        await tem.execute("set local jit = off");
        for (const w of due) if (await rebuild(tem, w.id, now)) result.rebuilt++;
      });
    } catch (err) {
      if ((err as { code?: string }).code !== "55P03") throw err; // lock_not_available: next run
      result.rebuildPostponed = true;
    }
  }

  await em.fork().transactional(async (tem) => {
    await tem.execute("select pg_advisory_xact_lock(?)", [FOLD_LOCK]);
    result.dropped = await dropOrphans(tem);
    const pending = await tem.execute<{ workspace_id: string }[]>("select distinct workspace_id from analytics_deltas");
    for (const { workspace_id: id } of pending) {
      const [row] = await scopedQuery<{ deltas: string }>(tem, id, FOLD_SQL);
      const moved = Number(row?.deltas ?? 0);
      if (moved === 0) continue;
      await scopedQuery(tem, id, "delete from analytics_daily where workspace_id = ? and n = 0");
      await scopedQuery(tem, id, "update analytics_rollups set folded_at = statement_timestamp() where workspace_id = ?");
      result.folded++;
      result.deltas += moved;
    }
  });
  return result;
}
