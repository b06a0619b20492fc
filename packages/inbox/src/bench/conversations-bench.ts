// The conversations benchmark (`src/bin/bench-conversations.ts`, `npm run bench:conversations`): what a
// receptionist's open page runs on every load and every live poll (decision 018) — the thread list's
// first page, one thread, and the navigation count of threads waiting — on one workspace with
// `contacts` contacts (default 100,000), each with one thread, `perContact` messages each (default 10:
// five out, five in; 1,000,000 in all), one thread in ten with inbox entries, beside 4 smaller
// workspaces; seeded in batches of 20,000 contacts (each its own transaction) so any size fits.
// The inbox's view of threads is timed too (it runs on the inbox page's every load and poll). Each query is timed warm (p50,
// p99 over `runs`) beside its raw ceiling measured in the same run: the bare index-only scan of the
// same rows (ids only, no joins), the least any version of the query could cost.
import type { EntityManager } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createEmptyDatabase, uniqueSuffix } from "@rm/test-utils";
import pg from "pg";
import { listInboxThreads, parseInboxThreadFilters } from "../inbox-threads.ts";
import { countWaitingThreads, listThreads, loadThread, parseThreadFilters } from "../threads.ts";
import type { InboxViewer } from "../viewer.ts";

export interface ConversationsBenchOptions {
  contacts: number;
  /** Messages per contact: half outbound, half inbound (rounded). */
  perContact: number;
  runs: number;
  keep?: boolean;
}

const SENDER = "whatsapp:+14155238886";

/** Contacts seeded per batch: each batch is a handful of statements, so memory and WAL stay bounded at any size. */
const BATCH = 20_000;

const phoneOf = (n: number) => `+5939${String(n).padStart(8, "0")}`;

async function seedWorkspace(c: pg.Client, name: string, contacts: number, perContact: number, progress: (line: string) => void): Promise<{ ws: string; owner: string; doctor: string }> {
  const ws = (await c.query<{ id: string }>("insert into workspaces (name, plan) values ($1, 'PROFESSIONAL') returning id", [name])).rows[0]!.id;
  const owner = (await c.query<{ id: string }>("insert into users (workspace_id, email, name, role, password_hash) values ($1, $2, 'Recepción', 'RECEPTIONIST', 'x') returning id", [ws, `rx-${ws}@bench.test`])).rows[0]!.id;
  const doctors = (
    await c.query<{ id: string }>("insert into users (workspace_id, email, name, role, password_hash) select $1, 'dr' || g || '-' || $2 || '@bench.test', 'Doctor ' || g, 'DOCTOR', 'x' from generate_series(1, 5) g returning id", [ws, ws])
  ).rows.map((r) => r.id);
  const practices = (await c.query<{ id: string }>("insert into practices (workspace_id, name) select $1, 'Sede ' || g from generate_series(1, 5) g returning id", [ws])).rows.map((r) => r.id);
  const campaigns = (
    await c.query<{ id: string; doctor: string }>(
      `insert into campaigns (workspace_id, practice_id, created_by_id, assigned_doctor_id, name, status)
       select $1, ($2::uuid[])[1 + g % 5], $3, ($4::uuid[])[1 + g % 5], 'Campaña ' || g, 'COMPLETED' from generate_series(0, 99) g returning id, assigned_doctor_id as doctor`,
      [ws, practices, owner, doctors],
    )
  ).rows;
  const out = Math.floor(perContact / 2);
  const inn = perContact - out;
  const types = ["INITIAL", "REMINDER", "FOLLOWUP_HAPPY"];
  for (let lo = 1; lo <= contacts; lo += BATCH) {
    const hi = Math.min(contacts, lo + BATCH - 1);
    const range = [phoneOf(lo), phoneOf(hi)];
    await c.query("begin");
    await c.query("insert into contacts (workspace_id, phone, whatsapp_consent_at) select $1, '+5939' || lpad(g::text, 8, '0'), now() from generate_series($2::int, $3::int) g", [ws, lo, hi]);
    // The contact's number picks its campaign, and the campaign its doctor.
    await c.query(
      `insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status, doctor_id)
       select $1, ($2::uuid[])[1 + substr(phone, 6)::int % 100], id, 'Paciente ' || phone, phone, now() - interval '1 day', 'WHATSAPP', true, 'SENT', ($3::uuid[])[1 + substr(phone, 6)::int % 100]
         from contacts where workspace_id = $1 and phone between $4 and $5`,
      [ws, campaigns.map((x) => x.id), campaigns.map((x) => x.doctor), ...range],
    );
    // One thread per contact: a third open and waiting, a third open and answered, a third closed; activity over 90 days.
    await c.query(
      `insert into conversations (workspace_id, contact_id, patient_id, channel, sender_address, contact_address, status, assignee_id, last_inbound_at, last_outbound_at, last_message_at, waiting_since)
       select $1, p.contact_id, p.id, 'WHATSAPP', $2, 'whatsapp:' || p.phone, case when h % 3 = 2 then 'CLOSED' else 'OPEN' end,
              case when h % 4 = 0 then $3::uuid else null end, t, t - interval '1 hour', t, case when h % 3 = 0 then t else null end
         from (select id, contact_id, phone, abs(hashtext(id::text)) as h, now() - random() * interval '90 days' as t
                 from patients where workspace_id = $1 and phone between $4 and $5) p`,
      [ws, SENDER, owner, ...range],
    );
    // The batch's threads, each repeated g times; `lo` and `hi` are the placeholders of the range's ends.
    const threads = (lo: string, hi: string) => `from conversations cv cross join generate_series(1, $2::int) g where cv.workspace_id = $1 and cv.contact_address between ${lo} and ${hi}`;
    const threadRange = range.map((r) => `whatsapp:${r}`);
    // Outbound: the campaign's messages (found by route: to, from), then staff replies (by conversation).
    await c.query(
      `insert into messages (workspace_id, patient_id, campaign_id, conversation_id, author_id, type, channel, status, to_address, from_address, body, provider_sid, segments, send_attempted_at, created_at)
       select cv.workspace_id, cv.patient_id, null, case when g > 3 then cv.id else null end, case when g > 3 then $3::uuid else null end,
              case when g <= 3 then ($4::text[])[g] else 'STAFF_REPLY' end, 'WHATSAPP', 'DELIVERED', cv.contact_address, cv.sender_address,
              'Mensaje ' || g, 'SM' || md5(cv.id::text || g), 1, cv.last_message_at - (g || ' hours')::interval, cv.last_message_at - (g || ' hours')::interval
         ${threads("$5", "$6")}`,
      [ws, out, owner, types, ...threadRange],
    );
    await c.query(
      `insert into inbound_messages (workspace_id, patient_id, conversation_id, provider_sid, channel, from_address, to_address, body, intent, received_at)
       select cv.workspace_id, cv.patient_id, cv.id, 'SMi' || md5(cv.id::text || g), 'WHATSAPP', cv.contact_address, cv.sender_address,
              'Respuesta ' || g || ' del paciente', 'OTHER', cv.last_message_at - ((g - 1) * 30 || ' minutes')::interval
         ${threads("$3", "$4")}`,
      [ws, inn, ...threadRange],
    );
    // The inbox's entries (SPEC §13): one thread in ten has private feedback or a low rating.
    await c.query(
      `insert into feedback (workspace_id, patient_id, conversation_id, source, text, rating, status, created_at, updated_at)
       select cv.workspace_id, cv.patient_id, cv.id, case when h % 2 = 0 then 'FORM' else 'RATING' end,
              case when h % 2 = 0 then 'Comentario del paciente ' || h else '' end, 1 + h % 3,
              case when cv.status = 'CLOSED' then 'RESOLVED' else 'NEW' end, cv.last_message_at, cv.last_message_at
         from (select *, abs(hashtext(id::text || 'f')) as h from conversations where workspace_id = $1 and contact_address between $2 and $3) cv
        where cv.h % 10 = 0`,
      [ws, ...threadRange],
    );
    await c.query("commit");
    progress(`${name}: ${hi} of ${contacts} contacts seeded`);
  }
  return { ws, owner, doctor: doctors[0]! };
}

function stats(samples: number[]): { p50: number; p99: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: Math.round(at(50) * 100) / 100, p99: Math.round(at(99) * 100) / 100 };
}

async function time(runs: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 10; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return stats(samples);
}

export async function runConversationsBench(o: ConversationsBenchOptions, progress: (line: string) => void = () => {}): Promise<Record<string, unknown>> {
  for (const [k, v, max] of [["contacts", o.contacts, 10_000_000], ["perContact", o.perContact, 100], ["runs", o.runs, 100_000]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`${k} must be a whole number from 1 to ${max}, not ${String(v)}`);
  }
  if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL must be set (run through scripts/run.sh, which points at the local services)");
  const db = await createEmptyDatabase(`rm_bench_conv_${uniqueSuffix()}`);
  try {
    const seedStart = performance.now();
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    let big: { ws: string; owner: string; doctor: string };
    try {
      await c.query("select setseed(0.21)");
      big = await seedWorkspace(c, "Grande", o.contacts, o.perContact, progress);
      for (let i = 0; i < 4; i++) await seedWorkspace(c, `Otra ${i}`, Math.max(500, Math.round(o.contacts / 20)), o.perContact, progress);
      progress("vacuum and analyze");
      await c.query("vacuum (analyze) conversations, messages, inbound_messages, patients, contacts, campaigns, practices, users, feedback, conversation_notes, conversation_reads");
    } finally {
      await c.end();
    }
    const seedMs = performance.now() - seedStart;
    const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
    try {
      const em = (): EntityManager => orm.em.fork();
      const rx: InboxViewer = { workspaceId: big.ws, userId: big.owner, role: "RECEPTIONIST" };
      const doctor: InboxViewer = { workspaceId: big.ws, userId: big.doctor, role: "DOCTOR" };
      const inboxViewer: InboxViewer = { ...rx, role: "OWNER" };
      const open = parseThreadFilters(new URLSearchParams());
      const inboxOpen = parseInboxThreadFilters(new URLSearchParams());
      const inboxDetractors = parseInboxThreadFilters(new URLSearchParams("detractors=1"));
      const mine = parseThreadFilters(new URLSearchParams("assignee=me&view=all"));
      // Threads to open: spread over the workspace, the busy ones and old ones alike.
      const sample = (await em().execute<{ id: string }[]>("select id from conversations where workspace_id = ? order by md5(id::text) limit 200", [big.ws])).map((r) => r.id);
      const q = (sql: string, params: unknown[]) => em().execute(sql, params);
      const measured = {
        listOpen: await time(o.runs, () => listThreads(em(), rx, open)),
        listMine: await time(o.runs, () => listThreads(em(), rx, mine)),
        listDoctor: await time(o.runs, () => listThreads(em(), doctor, open)),
        thread: await time(o.runs, (i) => loadThread(em(), rx, sample[i % sample.length]!)),
        inbox: await time(o.runs, () => listInboxThreads(em(), inboxViewer, inboxOpen)),
        inboxDetractors: await time(o.runs, () => listInboxThreads(em(), inboxViewer, inboxDetractors)),
        countWaiting: await time(o.runs, () => countWaitingThreads(em(), rx)),
        countWaitingDoctor: await time(o.runs, () => countWaitingThreads(em(), doctor)),
      };
      // The raw ceilings: the same rows read by id from their index alone.
      const raw = {
        listOpen: await time(o.runs, () => q("select id from conversations where workspace_id = ? and status = 'OPEN' order by last_message_at desc, id desc limit 51", [big.ws])),
        thread: await time(o.runs, (i) =>
          q("select received_at from inbound_messages where conversation_id = ? order by received_at", [sample[i % sample.length]]).then(() =>
            q("select created_at from messages where conversation_id = ? order by created_at", [sample[i % sample.length]]),
          ),
        ),
        countWaiting: await time(o.runs, () => q("select count(*) from conversations where workspace_id = ? and status = 'OPEN' and waiting_since is not null", [big.ws])),
      };
      const [counts] = await em().execute<{ contacts: string; messages: string; inbound: string; threads: string }[]>(
        "select (select count(*) from contacts where workspace_id = ?)::text as contacts, (select count(*) from messages where workspace_id = ?)::text as messages, (select count(*) from inbound_messages where workspace_id = ?)::text as inbound, (select count(*) from conversations where workspace_id = ?)::text as threads",
        [big.ws, big.ws, big.ws, big.ws],
      );
      const p99Ms = Math.max(...Object.values(measured).map((m) => m.p99));
      const rawP99Ms = Math.max(...Object.values(raw).map((m) => m.p99));
      const plan = (await em().execute<{ "QUERY PLAN": string }[]>(`explain (analyze, buffers) select id from conversations where workspace_id = '${big.ws}' and status = 'OPEN' order by last_message_at desc, id desc limit 51`))
        .map((r) => r["QUERY PLAN"])
        .join("\n");
      return {
        bench: "conversations",
        database: o.keep ? db.name : null,
        contacts: Number(counts!.contacts),
        threads: Number(counts!.threads),
        messages: Number(counts!.messages) + Number(counts!.inbound),
        seedSeconds: Math.round(seedMs / 100) / 10,
        runs: o.runs,
        ms: measured,
        rawMs: raw,
        p99Ms,
        rawP99Ms,
        rawPlan: plan,
      };
    } finally {
      await orm.close(true);
    }
  } finally {
    if (!o.keep) await db.drop();
  }
}
