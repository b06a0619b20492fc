// Leads against a real database (SPEC §16): the widget's `createLeadContact` makes a NEW lead with its
// source and leaves a known patient alone, staff move a lead through its stages (audited, nothing
// written when the stage does not change), the list filters by stage and source and pages by keyset,
// the board has a column per stage, the counts per stage and source, and another workspace's lead, a
// doctor or a bad stage is refused.
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContactsError, countLeads, countLeadsOf, createLeadContact, leadBoard, listLeads, parseLeadFilters, setLeadStatus, type ContactsViewer } from "../src/index.ts";
import { createTenant, type Tenant } from "./fixtures.ts";

let db: TestDatabase;
let orm: MikroORM;
let a: Tenant;
let b: Tenant;
let owner: ContactsViewer;
let reception: ContactsViewer;
let doctor: ContactsViewer;
const ids = {} as Record<string, string>;

const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(q, params);
const filters = (p: Record<string, string> = {}) => parseLeadFilters(new URLSearchParams(p));
const at = (m: number) => new Date(Date.UTC(2026, 11, 1, 10, m));

async function expectCode(promise: Promise<unknown>, code: ContactsError["code"]): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContactsError);
  expect((error as ContactsError).code).toBe(code);
}

/** A lead as a first message to the own sender makes it: contact, lead NEW, its thread and message. */
async function inboundLead(t: Tenant, phone: string, body: string, when: Date): Promise<string> {
  const [c] = await sql<{ id: string }>("insert into contacts (workspace_id, phone, source, lead_status, lead_status_at, created_at) values (?, ?, 'INBOUND', 'NEW', ?, ?) returning id", [t.ws, phone, when, when]);
  const [cv] = await sql<{ id: string }>(
    "insert into conversations (workspace_id, contact_id, channel, sender_address, contact_address, last_message_at) values (?, ?, 'SMS', '+15017122661', ?, ?) returning id",
    [t.ws, c!.id, phone, when],
  );
  await sql("insert into inbound_messages (workspace_id, conversation_id, provider_sid, channel, from_address, to_address, body, received_at) values (?, ?, ?, 'SMS', ?, '+15017122661', ?, ?)", [
    t.ws,
    cv!.id,
    `SM${Math.random().toString(16).slice(2)}`,
    phone,
    body,
    when,
  ]);
  ids[`thread:${phone}`] = cv!.id;
  return c!.id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 4 });
  a = await createTenant(orm, "A");
  b = await createTenant(orm, "B");
  owner = a.viewer(a.owner);
  reception = a.viewer(await a.user("Recepción", "RECEPTIONIST"), "RECEPTIONIST");
  doctor = a.viewer(await a.user("Dra. Ríos", "DOCTOR"), "DOCTOR");
  ids.sofia = await inboundLead(a, "+593991000001", "¿Cuánto cuesta una limpieza?", at(1));
  ids.pablo = await inboundLead(a, "+593991000002", "¿Atienden los sábados?", at(2));
  const campaign = await a.campaign("Controles", null);
  ids.patient = (await a.patient(campaign, "Ana Paciente", "+593991000009")).contactId;
  ids.other = await inboundLead(b, "+593991000001", "Hola", at(3));
});

afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

describe("leads", () => {
  it("the widget's createLeadContact makes a NEW WIDGET lead from a phone as typed, and leaves a known patient alone", async () => {
    const made = await orm.em.fork().transactional((em) => createLeadContact(em, { workspaceId: a.ws, phone: "099 100 0003", name: "  Lucía   Mora ", source: "WIDGET", now: at(4) }));
    expect(made).toMatchObject({ ok: true, created: true });
    ids.lucia = (made as { contactId: string }).contactId;
    const [row] = await sql("select phone, name, source, lead_status from contacts where id = ?", [ids.lucia]);
    expect(row).toEqual({ phone: "+593991000003", name: "Lucía Mora", source: "WIDGET", lead_status: "NEW" });
    // The patient writes from the widget: still a patient, not a lead.
    const again = await orm.em.fork().transactional((em) => createLeadContact(em, { workspaceId: a.ws, phone: "+593991000009", name: "Ana", source: "WIDGET" }));
    expect(again).toMatchObject({ ok: true, created: false, contactId: ids.patient });
    expect((await sql("select source, lead_status from contacts where id = ?", [ids.patient]))[0]).toEqual({ source: null, lead_status: null });
    // A phone that does not parse is refused, nothing written.
    const before = (await sql("select id from contacts where workspace_id = ?", [a.ws])).length;
    expect(await orm.em.fork().transactional((em) => createLeadContact(em, { workspaceId: a.ws, phone: "llámame", source: "WIDGET" }))).toEqual({ ok: false, reason: "phone" });
    expect((await sql("select id from contacts where workspace_id = ?", [a.ws])).length).toBe(before);
  });

  it("lists leads most recently moved first, with their thread and last message, filtered by stage and source", async () => {
    const all = await listLeads(orm.em.fork(), reception, filters());
    expect(all.items.map((l) => l.id)).toEqual([ids.lucia, ids.pablo, ids.sofia]);
    expect(all.items[1]).toMatchObject({ phone: "+593991000002", source: "INBOUND", status: "NEW", threadId: ids["thread:+593991000002"], lastMessage: "¿Atienden los sábados?" });
    expect((await listLeads(orm.em.fork(), owner, filters({ source: "WIDGET" }))).items.map((l) => l.id)).toEqual([ids.lucia]);
    expect((await listLeads(orm.em.fork(), owner, filters({ source: "INBOUND" }))).items.map((l) => l.id)).toEqual([ids.pablo, ids.sofia]);
    const first = await listLeads(orm.em.fork(), owner, filters(), { limit: 2 });
    const second = await listLeads(orm.em.fork(), owner, filters({ after: first.next! }), { limit: 2 });
    expect([...first.items, ...second.items].map((l) => l.id)).toEqual([ids.lucia, ids.pablo, ids.sofia]);
    expect(second.next).toBeNull();
  });

  it("staff move a lead through its stages: audited with from and to; the board and the counts follow", async () => {
    await setLeadStatus(orm.em.fork(), reception, ids.sofia!, "CONTACTED", { now: at(10) });
    await setLeadStatus(orm.em.fork(), owner, ids.sofia!, "BOOKED", { now: at(11) });
    await setLeadStatus(orm.em.fork(), owner, ids.sofia!, "BOOKED", { now: at(12) });
    const audits = await sql<{ action: string; actor_id: string; details: unknown }>("select action, actor_id, details from audit_logs where entity_id = ? order by created_at", [ids.sofia]);
    expect(audits).toEqual([
      { action: "lead.status_changed", actor_id: reception.userId, details: { from: "NEW", to: "CONTACTED" } },
      { action: "lead.status_changed", actor_id: owner.userId, details: { from: "CONTACTED", to: "BOOKED" } },
    ]);
    const board = await leadBoard(orm.em.fork(), owner, null);
    expect(Object.fromEntries(Object.entries(board).map(([k, v]) => [k, v.map((l) => l.id)]))).toEqual({ NEW: [ids.lucia, ids.pablo], CONTACTED: [], BOOKED: [ids.sofia], LOST: [] });
    expect((await leadBoard(orm.em.fork(), owner, "WIDGET")).NEW.map((l) => l.id)).toEqual([ids.lucia]);
    expect((await listLeads(orm.em.fork(), owner, filters({ status: "BOOKED" }))).items.map((l) => l.id)).toEqual([ids.sofia]);
    expect(await countLeads(orm.em.fork(), owner)).toEqual({
      byStatus: { NEW: 2, CONTACTED: 0, BOOKED: 1, LOST: 0 },
      bySource: { IMPORT: 0, API: 0, STAFF: 0, INBOUND: 2, WIDGET: 1 },
      total: 3,
    });
  });

  it("refuses a bad stage, a contact that is no lead, another workspace's lead and a doctor, changing nothing", async () => {
    await expectCode(setLeadStatus(orm.em.fork(), owner, ids.pablo!, "GANADO"), "invalid");
    await expectCode(setLeadStatus(orm.em.fork(), owner, ids.patient!, "CONTACTED"), "not_found");
    await expectCode(setLeadStatus(orm.em.fork(), owner, ids.other!, "LOST"), "not_found");
    await expectCode(setLeadStatus(orm.em.fork(), owner, "not-a-uuid", "LOST"), "not_found");
    await expectCode(setLeadStatus(orm.em.fork(), doctor, ids.pablo!, "LOST"), "forbidden");
    await expectCode(listLeads(orm.em.fork(), doctor, filters()), "forbidden");
    expect(() => filters({ status: "GANADO" })).toThrow(ContactsError);
    expect(() => filters({ source: "EMAIL" })).toThrow(ContactsError);
    expect((await sql("select lead_status from contacts where id in (?, ?)", [ids.pablo, ids.other])).map((r) => r.lead_status)).toEqual(["NEW", "NEW"]);
    expect((await listLeads(orm.em.fork(), owner, filters())).items.map((l) => l.id)).not.toContain(ids.other);
  });

  it("counts for analytics only the leads that arrived in the page's period (the workspace's days) and, with a practice, those with an appointment there", async () => {
    const c = await createTenant(orm, "C");
    const zone = "America/Guayaquil"; // UTC-5
    // 23:00 on 29 November in Guayaquil, already the 30th in UTC: outside a period starting the 30th.
    await inboundLead(c, "+593991000101", "Hola", new Date("2026-11-30T04:00:00Z"));
    const widget = await inboundLead(c, "+593991000102", "¿Precio?", new Date("2026-11-30T06:00:00Z"));
    await sql("update contacts set source = 'WIDGET' where id = ?", [widget]);
    await inboundLead(c, "+593991000103", "Quiero una cita", new Date("2026-12-05T12:00:00Z"));
    const sur = await inboundLead(c, "+593991000104", "¿Dónde quedan?", new Date("2026-12-02T15:00:00Z"));
    await sql("update contacts set lead_status = 'BOOKED' where id = ?", [sur]);
    // Two of them booked: one at the fixture's practice, one at another.
    await c.patient(await c.campaign("Norte", null), "Ana", "+593991000103");
    const [other] = await sql<{ id: string }>("insert into practices (workspace_id, name) values (?, 'Sede Sur') returning id", [c.ws]);
    const [surCampaign] = await sql<{ id: string }>("insert into campaigns (workspace_id, practice_id, created_by_id, name, status) values (?, ?, ?, 'Sur', 'ACTIVE') returning id", [c.ws, other!.id, c.owner]);
    await c.patient(surCampaign!.id, "Beto", "+593991000104");

    const count = (f: { from?: string; to?: string; practiceId?: string }) => countLeadsOf(orm.em.fork(), c.ws, { timeZone: zone, ...f });
    expect((await count({})).total).toBe(4);
    expect(await count({ from: "2026-11-30", to: "2026-12-05" })).toEqual({
      byStatus: { NEW: 2, CONTACTED: 0, BOOKED: 1, LOST: 0 },
      bySource: { IMPORT: 0, API: 0, STAFF: 0, INBOUND: 2, WIDGET: 1 },
      total: 3,
    });
    // The last day counts until its local midnight, not a moment later.
    expect((await count({ from: "2026-11-30", to: "2026-12-04" })).total).toBe(2);
    expect((await count({ from: "2026-11-29", to: "2026-11-29" })).total).toBe(1);
    // A practice: the leads with an appointment there; those with none anywhere are counted apart.
    expect(await count({ practiceId: c.practice })).toEqual({
      byStatus: { NEW: 1, CONTACTED: 0, BOOKED: 0, LOST: 0 },
      bySource: { IMPORT: 0, API: 0, STAFF: 0, INBOUND: 1, WIDGET: 0 },
      total: 1,
      withoutPractice: 2,
    });
    expect(await count({ practiceId: other!.id, from: "2026-12-01" })).toMatchObject({ byStatus: { BOOKED: 1 }, total: 1, withoutPractice: 0 });
    // Another workspace's practice finds none of these; a malformed day is refused, never widened.
    expect((await count({ practiceId: a.practice })).total).toBe(0);
    await expectCode(count({ from: "30/11/2026" }), "invalid");
  });
});
