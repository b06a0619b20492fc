// The inbox as a view of threads (SPEC §13, one workflow): private feedback, low ratings and unparsed
// replies are entries of their patient's thread, and the inbox lists those threads — one row each,
// under the inbox's filters and the thread's status — never another doctor's or another workspace's.
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InboxError, listInboxThreads, parseInboxThreadFilters, type InboxViewer } from "../src/index.ts";
import { createTenant, type Tenant } from "./fixtures.ts";

let db: TestDatabase;
let orm: MikroORM;
let a: Tenant;
let b: Tenant;
let owner: InboxViewer;
let drAna: InboxViewer;
let receptionist: InboxViewer;
const ids = {} as Record<string, string>;

const at = (iso: string) => new Date(`2026-12-01T${iso}Z`);
const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(q, params);
const filters = (p: Record<string, string> = {}) => parseInboxThreadFilters(new URLSearchParams(p));
const list = (viewer: InboxViewer, p: Record<string, string> = {}) => listInboxThreads(orm.em.fork(), viewer, filters(p));

/** The patient's thread on the shared sender, as landing an inbound message or a feedback item makes it. */
async function thread(t: Tenant, patient: { id: string; phone: string }, lastAt: Date, status = "OPEN"): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `insert into conversations (workspace_id, contact_id, patient_id, channel, sender_address, contact_address, status, last_message_at, waiting_since)
     select workspace_id, contact_id, id, 'WHATSAPP', 'whatsapp:+14155238886', 'whatsapp:' || phone, ?, ?, case when ? = 'OPEN' then ?::timestamptz end
       from patients where id = ? returning id`,
    [status, lastAt, status, lastAt, patient.id],
  );
  return row!.id;
}

async function entry(t: Tenant, patientId: string, threadId: string | null, o: { source: "FORM" | "REPLY" | "RATING"; text?: string; rating?: number | null; at: Date }): Promise<string> {
  const id = await t.item(patientId, o);
  await sql("update feedback set conversation_id = ? where id = ?", [threadId, id]);
  return id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 4 });
  a = await createTenant(orm, "Clínica A");
  b = await createTenant(orm, "Clínica B");
  const ana = await a.user("Dra. Ana Ríos", "DOCTOR");
  const luis = await a.user("Dr. Luis Vera", "DOCTOR");
  owner = a.viewer(a.owner);
  drAna = a.viewer(ana, "DOCTOR");
  receptionist = a.viewer(await a.user("Recepción", "RECEPTIONIST"), "RECEPTIONIST");
  const norte = await a.practice("Sede Norte");
  const sur = await a.practice("Sede Sur");
  ids.norte = norte;
  const cAna = await a.campaign("Ortodoncia", norte, ana);
  const cLuis = await a.campaign("Limpiezas", sur, luis);

  // María (Ana's): rated 1, then wrote the form — two entries, one thread.
  const maria = await a.patient(cAna, "María Cevallos");
  ids.maria = await thread(a, maria, at("10:20:00"));
  await entry(a, maria.id, ids.maria, { source: "RATING", rating: 1, at: at("10:05:00") });
  await entry(a, maria.id, ids.maria, { source: "FORM", text: "Esperé una hora.", rating: 1, at: at("10:20:00") });
  // Jorge (Luis's): an unparsed reply, newer.
  const jorge = await a.patient(cLuis, "Jorge Mena");
  ids.jorge = await thread(a, jorge, at("11:00:00"));
  await entry(a, jorge.id, ids.jorge, { source: "REPLY", text: "¿Atienden los sábados?", at: at("11:00:00") });
  // Rosa (Luis's): rated 3 and wrote; her case is closed.
  const rosa = await a.patient(cLuis, "Rosa Paz");
  ids.rosa = await thread(a, rosa, at("09:00:00"), "CLOSED");
  await entry(a, rosa.id, ids.rosa, { source: "FORM", text: "Bien, pero caro.", rating: 3, at: at("09:00:00") });
  // Pedro: a thread with messages only — not an inbox thread.
  const pedro = await a.patient(cAna, "Pedro Loor");
  ids.pedro = await thread(a, pedro, at("12:00:00"));

  const other = await b.patient(await b.campaign("Otra", await b.practice("Otra sede"), null), "Ajena");
  ids.other = await thread(b, other, at("13:00:00"));
  await entry(b, other.id, ids.other, { source: "RATING", rating: 1, at: at("13:00:00") });
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

describe("the inbox as a view of threads", () => {
  it("lists one row per thread with entries, newest activity first, showing the newest entry and counting threads per status", async () => {
    const open = await list(owner);
    expect(open.items.map((i) => [i.id, i.patientName, i.entry.source, i.entries])).toEqual([
      [ids.jorge, "Jorge Mena", "REPLY", 1],
      [ids.maria, "María Cevallos", "FORM", 2],
    ]);
    expect(open.items[1]).toMatchObject({ status: "OPEN", practiceName: "Sede Norte", campaignName: "Ortodoncia", entry: { rating: 1, excerpt: "Esperé una hora." } });
    expect(open.items[1]!.waitingSince).not.toBeNull();
    expect(open.counts).toEqual({ open: 2, SNOOZED: 0, CLOSED: 1, all: 3 });
    expect((await list(owner, { view: "CLOSED" })).items.map((i) => i.id)).toEqual([ids.rosa]);
    expect((await list(owner, { view: "all" })).items.map((i) => i.id)).toEqual([ids.jorge, ids.maria, ids.rosa]);
  });

  it("keeps the inbox's filters: source, detractors and practice narrow the rows and the counts", async () => {
    const ratings = await list(owner, { source: "RATING" });
    expect(ratings.items.map((i) => [i.id, i.entry.source, i.entries])).toEqual([[ids.maria, "RATING", 1]]);
    expect(ratings.counts.all).toBe(1);
    expect((await list(owner, { view: "all", detractors: "1" })).items.map((i) => i.id)).toEqual([ids.maria]);
    const norte = await list(owner, { view: "all", practice: ids.norte! });
    expect(norte.items.map((i) => i.id)).toEqual([ids.maria]);
    expect(norte.counts).toEqual({ open: 1, SNOOZED: 0, CLOSED: 0, all: 1 });
  });

  it("reads links written before the change: an item status names the thread's (RESOLVED → closed)", async () => {
    expect(filters({ status: "RESOLVED" }).view).toBe("CLOSED");
    expect(filters({ status: "NEW" }).view).toBe("open");
    expect((await list(owner, { status: "RESOLVED" })).items.map((i) => i.id)).toEqual([ids.rosa]);
  });

  it("refuses unknown filter values instead of showing everything", () => {
    const bad: Record<string, string>[] = [{ view: "BORRADO" }, { status: "CERRADO" }, { source: "EMAIL" }, { detractors: "quizá" }, { practice: "norte" }, { after: "no|cursor" }];
    for (const p of bad) {
      expect(() => filters(p)).toThrow(InboxError);
    }
  });

  it("shows a doctor only their patients' threads, no receptionist, and never another workspace's", async () => {
    const mine = await list(drAna, { view: "all" });
    expect(mine.items.map((i) => i.id)).toEqual([ids.maria]);
    expect(mine.counts.all).toBe(1);
    await expect(list(receptionist)).rejects.toMatchObject({ code: "forbidden" });
    const all = await list(owner, { view: "all", source: "RATING" });
    expect(all.items.map((i) => i.id)).not.toContain(ids.other);
    expect((await list(b.viewer(b.owner))).items.map((i) => i.id)).toEqual([ids.other]);
  });

  it("lists an entry without a thread (a request sent from a Messaging Service) as a row of its own, under the same filters, tabs and doctor scope", async () => {
    // Carmen (Ana's) rated 2 and wrote the form; her request went out from a Messaging Service, so
    // neither entry has a thread. Luz (Luis's) had one resolved on its page.
    const carmen = await a.patient(await a.campaign("Ortodoncia MG", ids.norte!, (await sql<{ id: string }>("select assigned_doctor_id as id from campaigns where name = 'Ortodoncia'"))[0]!.id), "Carmen Ruiz");
    const rated = await entry(a, carmen.id, null, { source: "RATING", rating: 2, at: at("10:30:00") });
    const wrote = await entry(a, carmen.id, null, { source: "FORM", text: "Nadie me explicó el tratamiento.", rating: 2, at: at("10:40:00") });
    const luz = await a.patient(await a.campaign("Limpiezas MG", (await sql<{ id: string }>("select practice_id as id from campaigns where name = 'Limpiezas'"))[0]!.id, null), "Luz Mora");
    const resolved = await entry(a, luz.id, null, { source: "REPLY", text: "Gracias por todo", at: at("09:30:00") });
    await sql("update feedback set status = 'RESOLVED' where id = ?", [resolved]);

    const open = await list(owner);
    expect(open.items.map((i) => [i.kind, i.id])).toEqual([
      ["THREAD", ids.jorge],
      ["ITEM", wrote],
      ["ITEM", rated],
      ["THREAD", ids.maria],
    ]);
    expect(open.items[1]).toMatchObject({ status: "OPEN", itemStatus: "NEW", patientName: "Carmen Ruiz", practiceName: "Sede Norte", campaignName: "Ortodoncia MG", entry: { source: "FORM", rating: 2, excerpt: "Nadie me explicó el tratamiento." } });
    expect(open.counts).toEqual({ open: 4, SNOOZED: 0, CLOSED: 2, all: 6 });
    expect((await list(owner, { view: "CLOSED" })).items.map((i) => i.id)).toEqual([resolved, ids.rosa]);
    expect((await list(owner, { view: "SNOOZED" })).items).toEqual([]);
    // The inbox's filters apply to them as to a thread's entries.
    expect((await list(owner, { source: "FORM" })).items.map((i) => i.id)).toEqual([wrote, ids.maria]);
    expect((await list(owner, { view: "all", practice: ids.norte! })).items.map((i) => i.id)).toEqual([wrote, rated, ids.maria]);
    expect((await list(owner, { view: "all", detractors: "1", source: "REPLY" })).items).toEqual([]);
    // Ana sees her patient's; Luis and another workspace do not.
    expect((await list(drAna, { view: "all" })).items.map((i) => i.id)).toEqual([wrote, rated, ids.maria]);
    expect((await list(b.viewer(b.owner), { view: "all" })).items.map((i) => i.id)).toEqual([ids.other]);
    // A page boundary between the two kinds loses nothing: a cursor taken on an item continues after it.
    const cursor = Buffer.from(`2026-12-01T10:40:00.000000Z|${wrote}`, "utf8").toString("base64url");
    expect((await list(owner, { after: cursor })).items.map((i) => i.id)).toEqual([rated, ids.maria]);
    // Items not yet resolved stay in the open tab for the rest of the file.
    await sql("delete from feedback where id = ?", [resolved]);
  });

  it("pages by keyset over the threads' activity, every thread exactly once", async () => {
    for (let i = 0; i < 55; i++) {
      const p = await a.patient(await a.campaign(`Lote ${i}`, ids.norte!, null), `Paciente ${i}`);
      const t = await thread(a, p, new Date(at("08:00:00").getTime() - i * 1000));
      await entry(a, p.id, t, { source: "REPLY", text: `Hola ${i}`, at: at("08:00:00") });
    }
    const first = await list(owner);
    expect(first.items).toHaveLength(50);
    const second = await list(owner, { after: first.next! });
    const seen = [...first.items, ...second.items].map((i) => i.id);
    expect(new Set(seen).size).toBe(59); // 55 threads, Jorge's, María's and Carmen's two entries
    expect(second.next).toBeNull();
  });
});
