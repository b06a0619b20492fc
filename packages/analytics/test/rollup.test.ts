import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foldAnalytics, loadDashboard, type Dashboard } from "../src/index.ts";

// The rollup (analytics_daily + analytics_deltas, kept by triggers and the fold) against the live
// aggregate over the base tables, after every kind of change the application makes, concurrent ones
// included: both must give the same dashboard, before and after a fold.

let db: TestDatabase;
let orm: MikroORM;
let n = 0;

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return orm.em.fork().execute<T[]>(text, params);
}

interface Seeded {
  ws: string;
  practices: string[];
  doctors: string[];
  patients: string[];
  messages: string[];
}

/** A workspace with 60 patients over three weeks, mixed statuses, ratings, follow-ups and clicks. */
async function seed(timezone: string): Promise<Seeded> {
  const [w] = await sql<{ id: string }>("insert into workspaces (name, plan, timezone) values (?, 'PROFESSIONAL', ?) returning id", [`R ${++n}`, timezone]);
  const ws = w!.id;
  const [o] = await sql<{ id: string }>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Owner', 'OWNER', 'x') returning id", [ws, `o${n}@r.example`]);
  const practices = [];
  for (const place of ["ChIJ-a", null]) practices.push((await sql<{ id: string }>("insert into practices (workspace_id, name, google_place_id) values (?, ?, ?) returning id", [ws, `P ${++n}`, place]))[0]!.id);
  const doctors = [];
  for (let i = 0; i < 2; i++) doctors.push((await sql<{ id: string }>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, ?, 'DOCTOR', 'x') returning id", [ws, `d${++n}@r.example`, `Dr ${n}`]))[0]!.id);
  const campaigns = [];
  for (let i = 0; i < 3; i++)
    campaigns.push((await sql<{ id: string }>("insert into campaigns (workspace_id, practice_id, assigned_doctor_id, created_by_id, name, status) values (?, ?, ?, ?, 'C', 'ACTIVE') returning id", [ws, practices[i % 2], i === 2 ? null : doctors[i], o!.id]))[0]!.id);
  const patients: string[] = [];
  const messages: string[] = [];
  const statuses = ["DELIVERED", "READ", "SENT", "QUEUED", "UNDELIVERED", "FAILED"];
  for (let i = 0; i < 60; i++) {
    const at = new Date(Date.UTC(2026, 10, 2, 3 + ((i * 7) % 24)) + Math.floor(i / 3) * 86_400_000);
    const rating = i % 4 === 3 ? null : (i % 5) + 1;
    const ratedAt = rating === null ? null : new Date(at.getTime() + ((i % 9) + 1) * 3600_000);
    const phone = `+5939${String(++n).padStart(8, "0")}`;
    const [c] = await sql<{ id: string }>("insert into contacts (workspace_id, phone) values (?, ?) returning id", [ws, phone]);
    const [p] = await sql<{ id: string }>(
      `insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status, rating, rated_at, follow_up_sent_at, doctor_id)
       values (?, ?, ?, 'P', ?, ?, 'SMS', true, 'SENT', ?, ?, ?, ?) returning id`,
      // The appointment's doctor: mostly the campaign's, every fourth the other doctor (the file's doctor column).
      [ws, campaigns[i % 3], c!.id, phone, at, rating, ratedAt, rating !== null && i % 3 !== 0 ? ratedAt : null, i % 4 === 1 ? doctors[(i + 1) % 2] : i % 3 === 2 ? null : doctors[i % 3]],
    );
    patients.push(p!.id);
    const status = statuses[i % statuses.length]!;
    const [m] = await sql<{ id: string }>(
      `insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, to_address, provider_sid, send_attempted_at, sent_at)
       values (?, ?, ?, 'INITIAL', 'SMS', ?, ?, ?, ?, ?) returning id`,
      [ws, p!.id, campaigns[i % 3], status, phone, status === "FAILED" && i % 2 === 0 ? null : `SM${n}r${ws.slice(0, 8)}`, at, ["DELIVERED", "READ", "SENT"].includes(status) ? new Date(at.getTime() + 5000) : null],
    );
    messages.push(m!.id);
    if (rating !== null && i % 2 === 0) await sql("insert into review_clicks (workspace_id, patient_id, clicked_at) values (?, ?, ?)", [ws, p!.id, new Date(ratedAt!.getTime() + 60_000)]);
  }
  return { ws, practices, doctors, patients, messages };
}

const load = async (ws: string, source: "live" | "rollup", filters: Record<string, unknown> = {}): Promise<Dashboard> =>
  (await loadDashboard(orm.em.fork(), ws, filters, { source }))!;

/** The dashboard without where it came from. */
function figures(d: Dashboard): Omit<Dashboard, "source"> {
  const { source: _source, ...rest } = d;
  return rest;
}

async function expectSame(s: Seeded): Promise<void> {
  for (const f of [{}, { practiceId: s.practices[0] }, { doctorId: s.doctors[1] }, { from: "2026-11-05", to: "2026-11-16" }]) {
    expect(figures(await load(s.ws, "rollup", f)), JSON.stringify(f)).toEqual(figures(await load(s.ws, "live", f)));
  }
}

let s: Seeded;
let other: Seeded;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 12 });
  s = await seed("America/Guayaquil");
  other = await seed("Asia/Kolkata"); // UTC+5:30: days do not fall on whole UTC hours
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

describe("analytics rollup", () => {
  it("agrees with the live aggregate from the deltas alone, after a fold, and uses the rollup once built", async () => {
    const live = await load(s.ws, "live");
    expect(live.totals.sent).toBeGreaterThan(40);
    expect(live.totals.reviewClickThrough.numerator).toBeGreaterThan(5);
    await expectSame(s); // nothing folded yet: every fact is still a delta
    expect((await loadDashboard(orm.em.fork(), s.ws))!.source).toBe("live");

    const r = await foldAnalytics(orm.em.fork(), new Date());
    expect(r.rebuilt).toBeGreaterThanOrEqual(2);
    expect((await sql<{ n: string }>("select count(*) as n from analytics_deltas where workspace_id = ?", [s.ws]))[0]!.n).toBe("0");
    const d = (await loadDashboard(orm.em.fork(), s.ws))!;
    expect(d.source).toBe("rollup");
    expect(figures(d)).toEqual(figures(live));
    await expectSame(s);
    await expectSame(other);
  });

  it("stays exact through status callbacks, new and changed ratings, clicks and deletions, folded or not", async () => {
    await foldAnalytics(orm.em.fork(), new Date());
    // Delivery receipts arriving days later, a failure after acceptance, a late sent_at.
    await sql("update messages set status = 'DELIVERED', updated_at = now() where id in (?) and status = 'SENT'", [s.messages.slice(0, 30)]);
    await sql("update messages set status = 'READ' where id = ?", [s.messages[0]]);
    await sql("update messages set status = 'UNDELIVERED', sent_at = null where id = ?", [s.messages[1]]);
    await sql("update messages set sent_at = send_attempted_at + interval '3 days' where id = ?", [s.messages[3]]);
    // A first rating, a changed rating (moves to another week), a follow-up sent, a click, a later click.
    await sql("update patients set rating = 2, rated_at = '2026-11-20T10:00:00Z' where id = ?", [s.patients[3]]);
    await sql("update patients set rating = 5, rated_at = '2026-11-19T02:00:00Z' where id = ?", [s.patients[0]]);
    await sql("update patients set follow_up_sent_at = rated_at where id = ? and rating is not null", [s.patients[6]]);
    await sql("insert into review_clicks (workspace_id, patient_id) values (?, ?)", [s.ws, s.patients[5]]);
    await sql("update patients set name = 'Renamed', updated_at = now() where id = ?", [s.patients[7]]);
    // The appointment's doctor changes, or goes (a deleted doctor's account sets it to null): the
    // patient's rating and request facts move with it.
    await sql("update patients set doctor_id = ? where id = ?", [s.doctors[1], s.patients[9]]);
    await sql("update patients set doctor_id = null where id = ?", [s.patients[12]]);
    await expectSame(s);
    await foldAnalytics(orm.em.fork(), new Date());
    await expectSame(s);
    // Deletions: a click, a message, a patient with a click (cascading to its messages and click).
    await sql("delete from review_clicks where patient_id = ?", [s.patients[2]]);
    await sql("delete from messages where id = ?", [s.messages[10]]);
    await sql("delete from patients where id = ?", [s.patients[4]]);
    await expectSame(s);
    await foldAnalytics(orm.em.fork(), new Date());
    await expectSame(s);
    await expectSame(other);
  });

  it("stays exact under concurrent writers and folds", async () => {
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) {
      const p = s.patients[(i * 7) % s.patients.length]!;
      const m = s.messages[(i * 11) % s.messages.length]!;
      work.push(
        orm.em.fork().transactional(async (tem) => {
          await tem.execute("update messages set status = ? where id = ?", [["SENT", "DELIVERED", "READ"][i % 3], m]);
          await tem.execute("update patients set rating = ?, rated_at = coalesce(rated_at, now()) - interval '1 hour' where id = ?", [(i % 5) + 1, p]);
        }),
      );
      // A click racing a rating change of the same patient.
      work.push(sql("insert into review_clicks (workspace_id, patient_id) values (?, ?) on conflict (workspace_id, patient_id) do nothing", [s.ws, p]));
      if (i % 10 === 0) work.push(foldAnalytics(orm.em.fork(), new Date()));
    }
    // A change of an appointment's doctor racing status callbacks on its request (patients no
    // transaction above rates, so the only wait is the doctor change's on the message).
    const rated = new Set(Array.from({ length: 40 }, (_, i) => (i * 7) % s.patients.length));
    const others = s.patients.map((_, i) => i).filter((i) => !rated.has(i)).slice(0, 8);
    for (const [k, i] of others.entries()) {
      work.push(sql("update patients set doctor_id = ? where id = ?", [k % 2 === 0 ? s.doctors[k % 4 === 0 ? 0 : 1] : null, s.patients[i]]));
      work.push(sql("update messages set status = ?, sent_at = coalesce(sent_at, send_attempted_at) where id = ?", [["DELIVERED", "READ"][k % 2], s.messages[i]]));
    }
    await Promise.all(work);
    await expectSame(s);
    await foldAnalytics(orm.em.fork(), new Date());
    await expectSame(s);
  });

  it("falls back to live figures after a time-zone change until the rollup is rebuilt in the new zone", async () => {
    await foldAnalytics(orm.em.fork(), new Date());
    await sql("update workspaces set timezone = 'Asia/Kolkata' where id = ?", [s.ws]);
    try {
      const before = (await loadDashboard(orm.em.fork(), s.ws))!;
      expect(before.source).toBe("live");
      const r = await foldAnalytics(orm.em.fork(), new Date());
      expect(r.rebuilt).toBe(1);
      const after = (await loadDashboard(orm.em.fork(), s.ws))!;
      expect(after.source).toBe("rollup");
      expect(figures(after)).toEqual(figures(before));
      await expectSame(s);
    } finally {
      await sql("update workspaces set timezone = 'America/Guayaquil' where id = ?", [s.ws]);
    }
  });

  it("keeps each workspace's rollup to itself and drops the rows of a deleted workspace", async () => {
    await foldAnalytics(orm.em.fork(), new Date());
    const count = async (ws: string) => Number((await sql<{ n: string }>("select count(*) as n from analytics_daily where workspace_id = ?", [ws]))[0]!.n);
    expect(await count(other.ws)).toBeGreaterThan(0);
    // Ids of the other workspace in the filters: nothing, from the rollup as from the live path.
    const d = await load(s.ws, "rollup", { practiceId: other.practices[0] });
    expect(d.totals.sent).toBe(0);
    expect(d.byPractice).toEqual([]);
    await sql("delete from workspaces where id = ?", [other.ws]);
    const r = await foldAnalytics(orm.em.fork(), new Date());
    expect(r.dropped).toBe(1);
    expect(await count(other.ws)).toBe(0);
    await expectSame(s);
  });
});
