import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnalyticsFilterError, foldAnalytics, isoWeekLabel, loadDashboard, type Dashboard } from "../src/index.ts";

// A small hand-built workspace whose every figure is worked out by hand in the comments below, and a
// second workspace with data of its own that must never show up in the first one's dashboard.

let db: TestDatabase;
let orm: MikroORM;
let n = 0;

async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  return orm.em.fork().execute<T[]>(text, params);
}

interface Tenant {
  ws: string;
  owner: string;
  practice: (name: string, placeId: string | null) => Promise<string>;
  doctor: (name: string) => Promise<string>;
  campaign: (practiceId: string, doctorId: string | null) => Promise<string>;
}

async function tenant(timezone = "America/Guayaquil"): Promise<Tenant> {
  const [w] = await sql<{ id: string }>("insert into workspaces (name, plan, timezone) values (?, 'PROFESSIONAL', ?) returning id", [`WS ${++n}`, timezone]);
  const ws = w!.id;
  const [o] = await sql<{ id: string }>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Owner', 'OWNER', 'x') returning id", [ws, `owner${n}@t.example`]);
  return {
    ws,
    owner: o!.id,
    practice: async (name, placeId) => (await sql<{ id: string }>("insert into practices (workspace_id, name, google_place_id) values (?, ?, ?) returning id", [ws, name, placeId]))[0]!.id,
    doctor: async (name) => (await sql<{ id: string }>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, ?, 'DOCTOR', 'x') returning id", [ws, `d${++n}@t.example`, name]))[0]!.id,
    campaign: async (practiceId, doctorId) =>
      (await sql<{ id: string }>("insert into campaigns (workspace_id, practice_id, assigned_doctor_id, created_by_id, name, status) values (?, ?, ?, ?, 'C', 'ACTIVE') returning id", [ws, practiceId, doctorId, o!.id]))[0]!.id,
  };
}

interface Request {
  campaign: string;
  status: string;
  /** When the send was attempted (UTC). */
  at: string;
  /** Whether a SENT/DELIVERED/READ callback set sent_at (false: no receipt). */
  receipt?: boolean;
  /** Without a provider sid the provider never took it. */
  sid?: boolean;
  rating?: number;
  /** Hours from the send to the rating (default 1). */
  ratedAfterHours?: number;
  clicked?: boolean;
  /** The appointment's doctor (the file's doctor column); default the campaign's, as the import does. */
  doctor?: string;
}

async function request(t: Tenant, r: Request): Promise<string> {
  const phone = `+5939${String(++n).padStart(8, "0")}`;
  const at = new Date(r.at);
  const [c] = await sql<{ id: string }>("insert into contacts (workspace_id, phone) values (?, ?) returning id", [t.ws, phone]);
  const rated = r.rating !== undefined;
  const ratedAt = new Date(at.getTime() + (r.ratedAfterHours ?? 1) * 3600_000);
  const [p] = await sql<{ id: string }>(
    `insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status, rating, rated_at, follow_up_sent_at, doctor_id)
     values (?, ?, ?, 'P', ?, ?, 'WHATSAPP', true, ?, ?, ?, ?, coalesce(?::uuid, (select c.assigned_doctor_id from campaigns c where c.id = ?))) returning id`,
    [t.ws, r.campaign, c!.id, phone, at, rated ? "RATED" : "SENT", r.rating ?? null, rated ? ratedAt : null, rated ? ratedAt : null, r.doctor ?? null, r.campaign],
  );
  const patient = p!.id;
  const sentAt = r.receipt === false || ["PENDING", "SENDING", "QUEUED", "FAILED"].includes(r.status) ? null : new Date(at.getTime() + 5000);
  await sql(
    `insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, to_address, provider_sid, send_attempted_at, sent_at, rating, created_at)
     values (?, ?, ?, 'INITIAL', 'WHATSAPP', ?, ?, ?, ?, ?, ?, ?)`,
    [t.ws, patient, r.campaign, r.status, `whatsapp:${phone}`, r.sid === false || r.status === "PENDING" ? null : `SM${n}x${t.ws.slice(0, 8)}`, r.status === "PENDING" ? null : at, sentAt, r.rating ?? null, new Date(at.getTime() - 7200_000)],
  );
  if (r.clicked) await sql("insert into review_clicks (workspace_id, patient_id, clicked_at) values (?, ?, ?)", [t.ws, patient, new Date(ratedAt.getTime() + 60_000)]);
  return patient;
}

async function feedback(t: Tenant, patient: string, source: string, createdAt: string, resolvedAfterHours: number | null): Promise<void> {
  const created = new Date(createdAt);
  await sql("insert into feedback (workspace_id, patient_id, source, status, resolved_at, created_at) values (?, ?, ?, ?, ?, ?)", [
    t.ws,
    patient,
    source,
    resolvedAfterHours === null ? "NEW" : "RESOLVED",
    resolvedAfterHours === null ? null : new Date(created.getTime() + resolvedAfterHours * 3600_000),
    created,
  ]);
}

let a: Tenant;
let b: Tenant;
const ids: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 4 });
  a = await tenant();
  ids.p1 = await a.practice("Consultorio Norte", "ChIJ-north");
  ids.p2 = await a.practice("Consultorio Sur", null); // no Google place: never offers the review link
  ids.d1 = await a.doctor("Dra. Ana");
  ids.d2 = await a.doctor("Dr. Luis");
  const c1 = await a.campaign(ids.p1, ids.d1);
  const c2 = await a.campaign(ids.p2, ids.d2);
  const c3 = await a.campaign(ids.p1, null);
  // Times are UTC; the workspace is America/Guayaquil (UTC−5). ISO week 45 starts Mon 2026-11-02.
  const r1 = await request(a, { campaign: c1, status: "DELIVERED", at: "2026-11-02T15:00:00Z", rating: 5, clicked: true });
  await request(a, { campaign: c1, status: "READ", at: "2026-11-03T15:00:00Z", rating: 4 });
  const r3 = await request(a, { campaign: c1, status: "SENT", at: "2026-11-04T15:00:00Z", rating: 3, clicked: true });
  const r4 = await request(a, { campaign: c1, status: "QUEUED", at: "2026-11-10T15:00:00Z", rating: 1 }); // no receipt
  await request(a, { campaign: c2, status: "DELIVERED", at: "2026-11-10T16:00:00Z", rating: 5 });
  const r6 = await request(a, { campaign: c2, status: "UNDELIVERED", at: "2026-11-11T15:00:00Z" });
  await request(a, { campaign: c3, status: "FAILED", at: "2026-11-11T16:00:00Z", sid: false }); // provider refused: not sent
  // Sunday 23:30 in Guayaquil, already Monday (week 47) in UTC: belongs to week 46.
  await request(a, { campaign: c3, status: "DELIVERED", at: "2026-11-16T04:30:00Z" });
  await request(a, { campaign: c1, status: "PENDING", at: "2026-11-12T15:00:00Z" }); // not sent yet
  // A reminder is not a rating request of its own.
  await sql("insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, to_address, provider_sid, send_attempted_at, sent_at) values (?, ?, ?, 'REMINDER', 'WHATSAPP', 'DELIVERED', 'whatsapp:+593900000000', 'SMreminder1', ?, ?)", [a.ws, r1, c1, new Date("2026-11-03T15:00:00Z"), new Date("2026-11-03T15:00:05Z")]);
  await feedback(a, r3, "FORM", "2026-11-05T15:00:00Z", 6);
  await feedback(a, r4, "RATING", "2026-11-10T16:00:00Z", null);
  await feedback(a, r6, "REPLY", "2026-11-12T15:00:00Z", 2);

  // Another tenant, same shapes and weeks, all detractors who click: any leak changes A's figures.
  b = await tenant();
  ids.bp = await b.practice("Otra Clínica", "ChIJ-other");
  ids.bd = await b.doctor("Dr. Ajeno");
  const bc = await b.campaign(ids.bp, ids.bd);
  for (let i = 0; i < 3; i++) {
    const p = await request(b, { campaign: bc, status: "DELIVERED", at: `2026-11-0${3 + i}T15:00:00Z`, rating: 1, clicked: true });
    await feedback(b, p, "FORM", "2026-11-05T15:00:00Z", null);
  }
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

// Every figure is checked twice: aggregated live from the base tables, and from the rollup
// (analytics_daily after a fold, plus the deltas of what changed since — tenants created inside a test
// are only in the deltas).
for (const source of ["live", "rollup"] as const) {
const load = async (ws: string, filters: Record<string, unknown> = {}): Promise<Dashboard> => (await loadDashboard(orm.em.fork(), ws, filters, { source }))!;

describe(`loadDashboard (${source})`, () => {
  beforeAll(async () => {
    if (source === "rollup") await foldAnalytics(orm.em.fork(), new Date());
  });

  it("computes NPS, response, delivery and review click-through rates exactly", async () => {
    const d = await load(a.ws);
    // Sent: 7 (not the refused one, not the pending one, not the reminder). Delivered: DELIVERED ×3 + READ.
    expect(d.totals).toMatchObject({ sent: 7, delivered: 4, read: 1, failed: 1, rated: 5, ratingDistribution: [1, 0, 1, 1, 2] });
    // Promoters 4–5: three, passive 3: one, detractor 1–2: one → (3 − 1) / 5 × 100.
    expect(d.totals.nps).toEqual({ promoters: 3, passives: 1, detractors: 1, rated: 5, score: 40 });
    expect(d.totals.deliveryRate).toEqual({ numerator: 4, denominator: 7, rate: 4 / 7 });
    // SPEC's replied / delivered: one rating came through a request without a receipt, and a reply
    // proves delivery, so 5 replies count 5 delivered (never a rate above 100 %).
    expect(d.totals.responseRate).toEqual({ numerator: 5, denominator: 5, rate: 1 });
    // Offered the link: the 4 rated patients of the practice with a place (open policy offers it to the
    // unhappy too); the happy patient of the practice without a place was not. 2 of them clicked.
    expect(d.totals.reviewClickThrough).toEqual({ numerator: 2, denominator: 4, rate: 0.5 });
    expect(d.timezone).toBe("America/Guayaquil");
  });

  it("gives the weekly trend per ISO week in the workspace time zone, empty weeks included", async () => {
    const d = await load(a.ws, { from: "2026-11-01", to: "2026-11-22" });
    expect(d.weekly.map((w) => [w.isoWeek, w.weekStart, w.sent, w.rated, w.nps.score])).toEqual([
      ["2026-W44", "2026-10-26", 0, 0, null],
      ["2026-W45", "2026-11-02", 3, 3, ((2 - 0) / 3) * 100],
      // The Sunday-night request counts here, not in week 47 as it would in UTC.
      ["2026-W46", "2026-11-09", 4, 2, 0],
      ["2026-W47", "2026-11-16", 0, 0, null],
    ]);
    // The range starts on Sunday 1 November: its first week holds one day of it.
    expect(d.weekly.map((w) => w.days)).toEqual([1, 7, 7, 7]);
  });

  it("counts a week that today cuts short as partial", async () => {
    const d = (await loadDashboard(orm.em.fork(), a.ws, { from: "2026-11-02", to: "2026-11-22" }, { source, today: "2026-11-18" }))!;
    // Today is Wednesday 18 November: the last week has three days so far.
    expect(d.weekly.map((w) => [w.weekStart, w.days])).toEqual([
      ["2026-11-02", 7],
      ["2026-11-09", 7],
      ["2026-11-16", 3],
    ]);
  });

  it("counts a request in the week it went out and its rating in the week it arrived", async () => {
    const c = await tenant();
    const practice = await c.practice("Consultorio Único", "ChIJ-one");
    const campaign = await c.campaign(practice, null);
    // Sent Sunday 15 November (local), rated Tuesday 17th.
    await request(c, { campaign, status: "DELIVERED", at: "2026-11-15T20:00:00Z", rating: 2, ratedAfterHours: 44 });
    const d = await load(c.ws, { from: "2026-11-09", to: "2026-11-22" });
    expect(d.weekly.map((w) => [w.isoWeek, w.sent, w.rated, w.nps.score])).toEqual([
      ["2026-W46", 1, 0, null],
      ["2026-W47", 0, 1, -100],
    ]);
    const firstWeek = await load(c.ws, { from: "2026-11-09", to: "2026-11-15" });
    expect(firstWeek.totals).toMatchObject({ sent: 1, rated: 0 });
  });

  it("counts the review link as offered for a practice with a g.page link and no Place ID", async () => {
    const c = await tenant();
    const practice = await c.practice("Consultorio g.page", null);
    await sql("update practices set google_review_url = 'https://g.page/r/CZ1nGqbVEkXhEBM/review' where id = ?", [practice]);
    const campaign = await c.campaign(practice, null);
    await request(c, { campaign, status: "DELIVERED", at: "2026-11-10T15:00:00Z", rating: 5, clicked: true });
    await request(c, { campaign, status: "DELIVERED", at: "2026-11-10T15:00:00Z", rating: 4 });
    const d = await load(c.ws, { from: "2026-11-09", to: "2026-11-15" });
    expect(d.totals.reviewClickThrough).toEqual({ numerator: 1, denominator: 2, rate: 0.5 });
  });

  it("breaks the figures down per practice and per assigned doctor", async () => {
    const d = await load(a.ws);
    expect(d.byPractice.map((p) => [p.name, p.sent, p.rated, p.nps.score, p.reviewClickThrough.rate])).toEqual([
      ["Consultorio Norte", 5, 4, 25, 0.5],
      ["Consultorio Sur", 2, 1, 100, null],
    ]);
    expect(d.byDoctor.map((x) => [x.name, x.sent, x.rated, x.deliveryRate.rate])).toEqual([
      ["Dra. Ana", 4, 4, 2 / 4],
      ["Dr. Luis", 2, 1, 1 / 2],
      [null, 1, 0, 1],
    ]);
    expect(d.byDoctor[0]!.doctorId).toBe(ids.d1);
  });

  it("filters by practice, doctor and a date range in the workspace time zone", async () => {
    expect((await load(a.ws, { practiceId: ids.p2 })).totals).toMatchObject({ sent: 2, rated: 1, delivered: 1 });
    const doctor = await load(a.ws, { doctorId: ids.d1 });
    expect(doctor.totals.nps).toMatchObject({ rated: 4, score: 25 });
    expect(doctor.byDoctor.map((x) => x.doctorId)).toEqual([ids.d1]);
    // Mon 9 … Sun 15 November, local days: includes the Sunday 23:30 request (UTC Monday 16th).
    const week = await load(a.ws, { from: "2026-11-09", to: "2026-11-15" });
    expect(week.totals).toMatchObject({ sent: 4, rated: 2, delivered: 2 });
    expect(week.weekly.map((w) => w.isoWeek)).toEqual(["2026-W46"]);
    const none = await load(a.ws, { from: "2026-11-16", to: "2026-11-16" });
    expect(none.totals.sent).toBe(0);
    expect(none.totals.nps.score).toBeNull();
    expect(none.totals.responseRate.rate).toBeNull();
  });

  it("counts each appointment under its own doctor when one campaign's file names two", async () => {
    const c = await tenant();
    const practice = await c.practice("Consultorio Compartido", "ChIJ-shared");
    const ana = await c.doctor("Dra. Ana Mora");
    const luis = await c.doctor("Dr. Luis Paz");
    // One campaign assigned to Ana; the file's doctor column names Ana for two rows and Luis for one.
    const campaign = await c.campaign(practice, ana);
    await request(c, { campaign, status: "DELIVERED", at: "2026-11-10T15:00:00Z", rating: 5, clicked: true });
    await request(c, { campaign, status: "READ", at: "2026-11-10T16:00:00Z", rating: 4, doctor: ana });
    const luisPatient = await request(c, { campaign, status: "DELIVERED", at: "2026-11-11T15:00:00Z", rating: 1, doctor: luis });
    await feedback(c, luisPatient, "RATING", "2026-11-11T17:00:00Z", null);
    // Rollup: the fold builds this workspace's rollup from the base tables; the next rating is a delta.
    if (source === "rollup") await foldAnalytics(orm.em.fork(), new Date());
    await request(c, { campaign, status: "DELIVERED", at: "2026-11-12T15:00:00Z", rating: 2, doctor: luis });

    const all = await load(c.ws);
    expect(all.byDoctor.map((x) => [x.doctorId, x.name, x.sent, x.rated, x.nps.score])).toEqual([
      [luis, "Dr. Luis Paz", 2, 2, -100],
      [ana, "Dra. Ana Mora", 2, 2, 100],
    ]);
    // The doctor filter (and a doctor's own analytics, which pass their id): only their appointments.
    const onlyLuis = await load(c.ws, { doctorId: luis });
    expect(onlyLuis.totals).toMatchObject({ sent: 2, rated: 2, ratingDistribution: [1, 1, 0, 0, 0] });
    expect(onlyLuis.byDoctor.map((x) => x.doctorId)).toEqual([luis]);
    expect(onlyLuis.feedback.total).toBe(1);
    const onlyAna = await load(c.ws, { doctorId: ana });
    expect(onlyAna.totals).toMatchObject({ sent: 2, rated: 2, ratingDistribution: [0, 0, 0, 1, 1] });
    expect(onlyAna.totals.reviewClickThrough).toEqual({ numerator: 1, denominator: 2, rate: 0.5 });
    expect(onlyAna.feedback.total).toBe(0);
    // The campaign and its practice still count everyone.
    expect((await load(c.ws, { practiceId: practice })).totals).toMatchObject({ sent: 4, rated: 4 });
  });

  it("counts the inbox items and their median resolution time", async () => {
    const d = await load(a.ws);
    expect(d.feedback).toMatchObject({ total: 3, new: 1, unresolved: 1, resolved: 2, medianResolutionHours: 4 });
    expect(d.feedback.bySource.FORM).toMatchObject({ total: 1, resolved: 1, medianResolutionHours: 6 });
    expect(d.feedback.bySource.RATING).toMatchObject({ total: 1, new: 1, medianResolutionHours: null });
    expect((await load(a.ws, { practiceId: ids.p2 })).feedback.total).toBe(1);
  });

  it("offers the review link only to happy patients under the confirmed gated policy", async () => {
    await sql("update workspaces set review_policy = 'gated', gated_confirmed_at = now() where id = ?", [a.ws]);
    try {
      const d = await load(a.ws);
      expect(d.totals.reviewClickThrough).toEqual({ numerator: 1, denominator: 2, rate: 0.5 });
    } finally {
      await sql("update workspaces set review_policy = 'open', gated_confirmed_at = null where id = ?", [a.ws]);
    }
  });

  it("never shows another workspace's data, even when asked for its ids", async () => {
    const other = await load(b.ws);
    expect(other.totals).toMatchObject({ sent: 3, rated: 3, nps: { score: -100 } });
    expect(other.byPractice.map((p) => p.name)).toEqual(["Otra Clínica"]);
    expect(other.feedback.total).toBe(3);
    // A's dashboard filtered by B's practice / doctor: nothing, not B's figures.
    for (const f of [{ practiceId: ids.bp }, { doctorId: ids.bd }]) {
      const d = await load(a.ws, f);
      expect(d.totals.sent).toBe(0);
      expect(d.byPractice).toEqual([]);
      expect(d.feedback.total).toBe(0);
    }
    const all = await load(a.ws);
    expect(all.byPractice.map((p) => p.practiceId).sort()).toEqual([ids.p1, ids.p2].sort());
    expect(all.totals.sent).toBe(7);
  });

  it("rejects bad filters with a clear error and answers null for an unknown workspace", async () => {
    await expect(loadDashboard(orm.em.fork(), a.ws, { from: "2026-02-30" })).rejects.toThrow(AnalyticsFilterError);
    await expect(loadDashboard(orm.em.fork(), a.ws, { from: "2026-11-20", to: "2026-11-01" })).rejects.toThrow(/after/);
    await expect(loadDashboard(orm.em.fork(), a.ws, { practiceId: "1; drop table messages" })).rejects.toThrow(AnalyticsFilterError);
    await expect(loadDashboard(orm.em.fork(), a.ws, { nope: 1 })).rejects.toThrow(AnalyticsFilterError);
    await expect(loadDashboard(orm.em.fork(), "not-a-uuid", {})).rejects.toThrow();
    expect(await loadDashboard(orm.em.fork(), "00000000-0000-4000-8000-000000000000", {})).toBeNull();
    // Empty strings from a form mean "no filter".
    expect((await load(a.ws, { practiceId: "", from: "" })).totals.sent).toBe(7);
  });

  it("labels ISO weeks across a year boundary", () => {
    expect(isoWeekLabel("2026-12-28")).toBe("2026-W53");
    expect(isoWeekLabel("2027-01-04")).toBe("2027-W01");
    expect(isoWeekLabel("2024-12-30")).toBe("2025-W01");
  });
});
}
