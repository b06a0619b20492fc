// The inbox benchmark (`src/bin/bench-inbox.ts`): the navigation
// badge's count (run on every staff page view) and the inbox's first page, on a large inbox.
// A fresh migrated database of its own: one big workspace (5 practices, 5 doctors, 200 campaigns,
// one inbox item per patient, `--unresolved` of them NEW / IN_PROGRESS, the rest RESOLVED over a
// year) beside 9 smaller ones; then warm timings (p50 / p95 over `--runs`) and the plans.
import type { EntityManager } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createEmptyDatabase, uniqueSuffix } from "@rm/test-utils";
import pg from "pg";
import { countInboxBadge } from "../count-inbox-badge.ts";
import { parseInboxFilters } from "../filters.ts";
import { listInbox } from "../list-inbox.ts";
import type { InboxViewer } from "../viewer.ts";

export interface BadgeBenchOptions {
  /** Leave the database in place (its name is printed) to look at plans by hand. */
  keep?: boolean;
  items: number;
  unresolved: number;
  runs: number;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** One workspace with `items` patients, each with one inbox item. */
async function seedWorkspace(c: pg.Client, name: string, items: number, unresolved: number): Promise<{ ws: string; owner: string; doctor: string }> {
  const ws = (await c.query<{ id: string }>("insert into workspaces (name, plan) values ($1, 'PROFESSIONAL') returning id", [name])).rows[0]!.id;
  const owner = (await c.query<{ id: string }>("insert into users (workspace_id, email, name, role, password_hash) values ($1, $2, 'Owner', 'OWNER', 'x') returning id", [ws, `owner-${ws}@bench.test`])).rows[0]!.id;
  const doctors = (
    await c.query<{ id: string }>(
      "insert into users (workspace_id, email, name, role, password_hash) select $1, 'dr' || g || '-' || $2 || '@bench.test', 'Doctor ' || g, 'DOCTOR', 'x' from generate_series(1, 5) g returning id",
      [ws, ws],
    )
  ).rows.map((r) => r.id);
  const practices = (await c.query<{ id: string }>("insert into practices (workspace_id, name) select $1, 'Sede ' || g from generate_series(1, 5) g returning id", [ws])).rows.map((r) => r.id);
  const campaigns = (
    await c.query<{ id: string }>(
      `insert into campaigns (workspace_id, practice_id, created_by_id, assigned_doctor_id, name, status)
       select $1, ($2::uuid[])[1 + g % 5], $3, ($4::uuid[])[1 + g % 5], 'Campaña ' || g, 'COMPLETED' from generate_series(0, 199) g returning id`,
      [ws, practices, owner, doctors],
    )
  ).rows.map((r) => r.id);
  await c.query("insert into contacts (workspace_id, phone) select $1, '+5939' || lpad(g::text, 8, '0') from generate_series(1, $2::int) g", [ws, items]);
  await c.query(
    `insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status, rating, rated_at)
     select $1, ($2::uuid[])[1 + (row_number() over ()) % 200], id, 'Paciente', phone, now() - interval '1 day', 'WHATSAPP', true, 'RATED', 1 + (abs(hashtext(id::text)) % 5), now()
       from contacts where workspace_id = $1`,
    [ws, campaigns],
  );
  // Each appointment's doctor is its campaign's, as an import without a doctor column writes it.
  await c.query("update patients p set doctor_id = cp.assigned_doctor_id from campaigns cp where cp.id = p.campaign_id and p.workspace_id = $1", [ws]);
  // Sources and ratings as the flow makes them: low ratings (1–2), forms (1–3), replies (no rating).
  await c.query(
    `insert into feedback (workspace_id, patient_id, source, text, rating, status, resolved_at, created_at, updated_at)
     select $1, p.id, s.source, case when s.source = 'RATING' then '' else 'Comentario del paciente sobre la atención recibida.' end,
            case s.source when 'RATING' then 1 + (h % 2) when 'FORM' then 1 + (h % 3) else null end,
            case when u < $2 then case when h % 10 < 7 then 'NEW' else 'IN_PROGRESS' end else 'RESOLVED' end,
            case when u < $2 then null else t end, t, t
       from (select id, abs(hashtext(id::text)) as h, random() as u, now() - random() * interval '365 days' as t from patients where workspace_id = $1) p
       cross join lateral (select case p.h % 3 when 0 then 'RATING' when 1 then 'FORM' else 'REPLY' end as source) s`,
    [ws, unresolved],
  );
  return { ws, owner, doctor: doctors[0]! };
}

function stats(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: Math.round(at(50) * 100) / 100, p95: Math.round(at(95) * 100) / 100 };
}

async function time(runs: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 10; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return stats(samples);
}

export async function runBadgeBench(o: BadgeBenchOptions): Promise<Record<string, unknown>> {
  if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL must be set (run through scripts/run.sh, which points at the local services)");
  const db = await createEmptyDatabase(`rm_bench_inbox_${uniqueSuffix()}`);
  const url = db.url;
  try {
    const seedStart = performance.now();
    const big = await withClient(url, async (c) => {
      await c.query("select setseed(0.42)");
      const b = await seedWorkspace(c, "Grande", o.items, o.unresolved);
      for (let i = 0; i < 9; i++) await seedWorkspace(c, `Otra ${i}`, Math.max(1000, Math.round(o.items / 10)), o.unresolved);
      await c.query("vacuum (analyze) feedback, patients, campaigns, practices, contacts, users, workspaces");
      return b;
    });
    const seedMs = performance.now() - seedStart;
    const orm = await initOrm({ databaseUrl: url, poolMax: 1 });
    try {
      const em = (): EntityManager => orm.em.fork();
      const owner: InboxViewer = { workspaceId: big.ws, userId: big.owner, role: "OWNER" };
      const doctor: InboxViewer = { workspaceId: big.ws, userId: big.doctor, role: "DOCTOR" };
      const badge = await countInboxBadge(em(), owner);
      const doctorBadge = await countInboxBadge(em(), doctor);
      const filters = parseInboxFilters({});
      const results = {
        badgeOwner: await time(o.runs, () => countInboxBadge(em(), owner)),
        badgeDoctor: await time(o.runs, () => countInboxBadge(em(), doctor)),
        listOwner: await time(Math.max(20, Math.round(o.runs / 5)), () => listInbox(em(), owner, filters)),
        listDoctor: await time(Math.max(20, Math.round(o.runs / 5)), () => listInbox(em(), doctor, filters)),
      };
      // The badge's own statements, with the ids inlined, under EXPLAIN ANALYZE.
      const explain = async (viewer: InboxViewer) => {
        const doctorSql =
          `with f as materialized (select workspace_id, patient_id, status, rating from feedback where workspace_id = '${viewer.workspaceId}' and status in ('NEW', 'IN_PROGRESS'))
           select count(*), count(distinct f.patient_id) filter (where f.status = 'NEW' and f.rating <= 2) from f
            cross join lateral (
              select p.doctor_id from patients p
               where p.id = f.patient_id and p.workspace_id = f.workspace_id limit 1) c
            where c.doctor_id = '${viewer.userId}'`;
        const ownerSql = `select count(*), count(distinct f.patient_id) filter (where f.status = 'NEW' and f.rating <= 2) from feedback f where f.workspace_id = '${viewer.workspaceId}' and f.status in ('NEW', 'IN_PROGRESS')`;
        const rows = await orm.em.fork().execute<{ "QUERY PLAN": string }[]>(`explain (analyze, buffers) ${viewer.role === "DOCTOR" ? doctorSql : ownerSql}`);
        return rows.map((r) => r["QUERY PLAN"]).join("\n");
      };
      const [total] = await orm.em.fork().execute<{ n: string }[]>("select count(*)::text as n from feedback");
      return {
        bench: "inbox-badge",
        database: o.keep ? db.name : null,
        items: o.items,
        totalFeedbackRows: Number(total!.n),
        unresolved: badge.unresolved,
        detractors: badge.detractors,
        doctorUnresolved: doctorBadge.unresolved,
        seedSeconds: Math.round(seedMs / 100) / 10,
        ms: results,
        planOwner: await explain(owner),
        planDoctor: await explain(doctor),
      };
    } finally {
      await orm.close(true);
    }
  } finally {
    if (!o.keep) await db.drop();
  }
}
