// Contacts against a real database: search, every filter, keyset pages that neither skip nor repeat
// contacts of the same last-contact time, the CSV export, the patient's data download, labels and
// notes kept to their workspace, and a doctor's view limited to their own patients.
import type { MikroORM } from "@mikro-orm/postgresql";
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addContactNote,
  contactHistory,
  contactLabels,
  ContactsError,
  contactsCsv,
  createLabel,
  deleteLabel,
  exportContactData,
  findContactsByLabels,
  labelContact,
  labelsOfContacts,
  listContacts,
  listLabels,
  loadContact,
  parseContactFilters,
  setContactLabels,
  type ContactsViewer,
} from "../src/index.ts";
import { createTenant, type Tenant } from "./fixtures.ts";

let db: TestDatabase;
let orm: MikroORM;
let a: Tenant;
let b: Tenant;
let owner: ContactsViewer;
let ownerB: ContactsViewer;
let drAna: ContactsViewer;
let drLuis: ContactsViewer;
let reception: ContactsViewer;
const id = {} as Record<string, string>;
const TIE = new Date("2026-11-25T10:00:00.123Z");
/** The five contacts of one last-contact time, in the list's order (id, descending). */
let tiePhones: string[] = [];

const em = () => orm.em.fork();
const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(q, params);
const filters = (p: Record<string, string | string[]> = {}) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  return parseContactFilters(params);
};
const phones = async (viewer: ContactsViewer, p: Record<string, string | string[]> = {}) =>
  (await listContacts(em(), viewer, filters(p), { timezone: "America/Guayaquil", country: "EC", limit: 100 })).items.map((i) => i.phone);

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  return promise.then(
    () => null,
    (e: unknown) => (e instanceof ContactsError ? e.code : `unexpected: ${String(e)}`),
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await initOrm({ databaseUrl: db.url, poolMax: 4 });
  a = await createTenant(orm, "Clínica A");
  b = await createTenant(orm, "Clínica B");
  const ana = await a.user("Dra. Ana Ríos", "DOCTOR");
  const luis = await a.user("Dr. Luis Vera", "DOCTOR");
  const rosa = await a.user("Rosa Recepción", "RECEPTIONIST");
  owner = a.viewer(a.owner);
  ownerB = b.viewer(b.owner);
  drAna = a.viewer(ana, "DOCTOR");
  drLuis = a.viewer(luis, "DOCTOR");
  reception = a.viewer(rosa, "RECEPTIONIST");
  const c1 = await a.campaign("Noviembre Ana", ana);
  const c2 = await a.campaign("Noviembre Luis", luis);
  id.c1 = c1;

  // María: two appointments under two names, one per doctor.
  const maria = await a.patient(c1, "María Pérez", "+593987000001", { doctorId: ana, lastContactAt: new Date("2026-11-20T15:00:00Z"), rating: 5 });
  const maria2 = await a.patient(c2, "María P. de León", "+593987000001", { doctorId: luis, createdAt: new Date("2026-02-01T00:00:00Z"), channel: "SMS" });
  id.maria = maria.contactId;
  id.mariaAna = maria.patientId;
  id.mariaLuis = maria2.patientId;
  const juan = await a.patient(c2, "Juan Gómez", "+593987000002", { doctorId: luis, lastContactAt: new Date("2026-10-01T15:00:00Z") });
  id.juan = juan.contactId;
  await sql("update contacts set opted_out_at = '2026-10-02T00:00:00Z', opted_out_source = 'SMS:STOP' where id = ?", [juan.contactId]);
  // Never contacted: sorts by when it was created, and counts as "no contact before" any day.
  const rosaDiaz = await a.patient(c1, "=HYPERLINK(\"http://x\";\"Rosa; Díaz\")", "+593987000003", { doctorId: ana, createdAt: new Date("2026-03-01T00:00:00Z") });
  id.rosa = rosaDiaz.contactId;
  // Five contacts with the very same last contact (to the microsecond): the pages must keep them apart.
  for (let i = 0; i < 5; i++) {
    const t = await a.patient(c1, `Empate ${i}`, `+59398710000${i}`, { doctorId: ana, lastContactAt: TIE });
    id[`tie${i}`] = t.contactId;
  }
  await sql("update contacts set last_contact_at = '2026-11-25T10:00:00.123456Z' where workspace_id = ? and phone like '+59398710000%'", [a.ws]);
  tiePhones = (await sql<{ phone: string }>("select phone from contacts where workspace_id = ? and phone like '+59398710000%' order by id desc", [a.ws])).map((r) => r.phone);

  // María's messages: a request by Ana's campaign, a reminder by Luis's, her reply, and a message from her phone that no appointment claims.
  id.request = await a.message(maria.patientId, c1, { type: "INITIAL", at: new Date("2026-11-20T15:00:00Z"), body: "Hola María, ¿cómo le fue?", to: "whatsapp:+593987000001" });
  id.reminder = await a.message(maria2.patientId, c2, { type: "REMINDER", at: new Date("2026-11-21T15:00:00Z"), body: "Recordatorio", to: "+593987000001" });
  id.reply = await a.inbound(maria.patientId, { body: "5", at: new Date("2026-11-20T16:00:00Z"), from: "whatsapp:+593987000001", intent: "RATING", rating: 5 });
  id.loose = await a.inbound(null, { body: "¿Atienden los sábados?", at: new Date("2026-11-22T09:00:00Z"), from: "whatsapp:+593987000001" });
  id.fb = await a.feedback(maria.patientId, { source: "FORM", text: "Muy amable la doctora", rating: 5, at: new Date("2026-11-20T16:05:00Z") });
  // A staff alert names María's appointment but went to staff: never part of her history.
  await a.message(maria.patientId, null, { type: "STAFF_ALERT", at: new Date("2026-11-20T16:06:00Z"), body: "Alerta", to: "+593999999999" });

  // Workspace B holds the same phone under another name, and a label of the same name.
  const cb = await b.campaign("B", null);
  const other = await b.patient(cb, "María Intrusa", "+593987000001", { lastContactAt: new Date("2026-11-26T00:00:00Z") });
  id.mariaB = other.contactId;
  await b.message(other.patientId, cb, { type: "INITIAL", at: new Date("2026-11-26T00:00:00Z"), body: "Mensaje de B", to: "whatsapp:+593987000001" });
});

afterAll(async () => {
  await orm?.close();
  await db?.drop();
});

describe("labels and notes", () => {
  it("an owner creates labels, unique per workspace whatever their case, and puts them on contacts (audited)", async () => {
    const vip = await createLabel(em(), owner, "  VIP  ");
    expect(vip.name).toBe("VIP");
    id.vip = vip.id;
    expect(await codeOf(createLabel(em(), owner, "vip"))).toBe("conflict");
    expect(await codeOf(createLabel(em(), owner, ""))).toBe("invalid");
    expect(await codeOf(createLabel(em(), owner, "x".repeat(41)))).toBe("invalid");
    expect(await codeOf(createLabel(em(), drAna, "Doctor's"))).toBe("forbidden");
    expect(await codeOf(createLabel(em(), reception, "Recepción"))).toBe("forbidden");
    id.ortho = (await createLabel(em(), owner, "Ortodoncia")).id;
    // Another workspace may have its own "VIP".
    id.vipB = (await createLabel(em(), ownerB, "VIP")).id;

    await labelContact(em(), reception, id.maria!, { add: [id.vip!, id.ortho!] });
    await labelContact(em(), owner, id.juan!, { add: [id.vip!] });
    expect((await contactLabels(em(), a.ws, id.maria!)).map((l) => l.name)).toEqual(["Ortodoncia", "VIP"]);
    const audit = await sql<{ action: string; entity_id: string }>("select action, entity_id from audit_logs where workspace_id = ? and action = 'contact.labels_changed' order by created_at", [a.ws]);
    expect(audit.map((r) => r.entity_id)).toEqual([id.maria, id.juan]);
    expect((await listLabels(em(), a.ws)).map((l) => [l.name, l.contacts])).toEqual([
      ["Ortodoncia", 1],
      ["VIP", 2],
    ]);
  });

  it("sets labels on many contacts at once and finds contacts by labels", async () => {
    const ties = [0, 1, 2, 3, 4].map((i) => id[`tie${i}`]!);
    const result = await setContactLabels(em(), { workspaceId: a.ws, actorId: a.owner, contactIds: ties, add: [id.ortho!] });
    expect(result).toEqual({ added: 5, removed: 0 });
    // Setting again adds nothing; removal takes them off.
    expect((await setContactLabels(em(), { workspaceId: a.ws, actorId: a.owner, contactIds: ties, add: [id.ortho!] })).added).toBe(0);
    const both = await findContactsByLabels(em(), a.ws, [id.vip!, id.ortho!]);
    expect(both.map((c) => c.id)).toEqual([id.maria]);
    const any = await findContactsByLabels(em(), a.ws, [id.vip!, id.ortho!], { match: "any" });
    expect(any.map((c) => c.id).sort()).toEqual([id.maria!, id.juan!, ...ties].sort());
    // An audience to message leaves out the opted-out.
    expect((await findContactsByLabels(em(), a.ws, [id.vip!], { reachableOnly: true })).map((c) => c.id)).toEqual([id.maria]);
    // Paged by id.
    const first = await findContactsByLabels(em(), a.ws, [id.ortho!], { limit: 4 });
    const rest = await findContactsByLabels(em(), a.ws, [id.ortho!], { limit: 4, afterId: first[first.length - 1]!.id });
    expect([...first, ...rest].map((c) => c.id)).toEqual([id.maria!, ...ties].sort());
    expect((await setContactLabels(em(), { workspaceId: a.ws, actorId: a.owner, contactIds: ties, remove: [id.ortho!] })).removed).toBe(5);
  });

  it("keeps labels and notes to their workspace", async () => {
    // B cannot put its label on A's contact, nor A's label on its own contact, nor see A's assignments.
    expect(await codeOf(setContactLabels(em(), { workspaceId: b.ws, actorId: b.owner, contactIds: [id.maria!], add: [id.vipB!] }))).toBe("not_found");
    expect(await codeOf(setContactLabels(em(), { workspaceId: b.ws, actorId: b.owner, contactIds: [id.mariaB!], add: [id.vip!] }))).toBe("not_found");
    expect(await codeOf(labelContact(em(), ownerB, id.maria!, { add: [id.vipB!] }))).toBe("not_found");
    expect((await labelsOfContacts(em(), b.ws, [id.maria!])).size).toBe(0);
    expect(await findContactsByLabels(em(), b.ws, [id.vip!])).toEqual([]);
    expect(await codeOf(deleteLabel(em(), ownerB, id.vip!))).toBe("not_found");
    expect(await codeOf(addContactNote(em(), ownerB, id.maria!, "Nota de otro consultorio"))).toBe("not_found");
    // Filtering B's list by A's label is an empty list, never A's contacts.
    expect(await phones(ownerB, { label: id.vip! })).toEqual([]);
    expect(await phones(ownerB, {})).toEqual(["+593987000001"]);
  });

  it("notes are authored, timestamped, newest first, and validated", async () => {
    await addContactNote(em(), reception, id.maria!, "Prefiere que la llamen por la tarde.", { now: new Date("2026-11-23T10:00:00Z") });
    await addContactNote(em(), drAna, id.maria!, "Alergia a la penicilina.", { now: new Date("2026-11-24T10:00:00Z") });
    expect(await codeOf(addContactNote(em(), owner, id.maria!, "   "))).toBe("invalid");
    expect(await codeOf(addContactNote(em(), owner, id.maria!, "x".repeat(2001)))).toBe("invalid");
    // A doctor writes only on contacts of their own patients.
    expect(await codeOf(addContactNote(em(), drAna, id.juan!, "no"))).toBe("not_found");
    const view = await loadContact(em(), owner, id.maria!);
    expect(view.notes.map((n) => [n.body, n.authorName])).toEqual([
      ["Alergia a la penicilina.", "Dra. Ana Ríos"],
      ["Prefiere que la llamen por la tarde.", "Rosa Recepción"],
    ]);
  });
});

describe("the contacts list", () => {
  it("lists the most recent contact first; never-contacted contacts by when they were created", async () => {
    expect(await phones(owner)).toEqual([...tiePhones, "+593987000001", "+593987000002", "+593987000003"]);
    const first = (await listContacts(em(), owner, filters(), { limit: 100 })).items.find((i) => i.phone === "+593987000001")!;
    expect(first.name).toBe("María P. de León");
    expect(first.names).toBe(2);
    expect(first.labels.map((l) => l.name)).toEqual(["Ortodoncia", "VIP"]);
  });

  it("searches by any name seen, case- and part-insensitive, and by phone in E.164, national format or in part", async () => {
    expect(await phones(owner, { q: "maría" })).toEqual(["+593987000001"]);
    expect(await phones(owner, { q: "LEÓN" })).toEqual(["+593987000001"]);
    expect(await phones(owner, { q: "gómez" })).toEqual(["+593987000002"]);
    expect(await phones(owner, { q: "0987000002" })).toEqual(["+593987000002"]);
    expect(await phones(owner, { q: "098 700 0002" })).toEqual(["+593987000002"]);
    expect(await phones(owner, { q: "+593987000003" })).toEqual(["+593987000003"]);
    expect(await phones(owner, { q: "71000" })).toHaveLength(5);
    // LIKE wildcards typed by staff are plain characters.
    expect(await phones(owner, { q: "%" })).toEqual([]);
    expect(await phones(owner, { q: "Nadie Así" })).toEqual([]);
  });

  it("filters by label, last contact before or since a day, and opt-out", async () => {
    expect(await phones(owner, { label: id.vip! })).toEqual(["+593987000001", "+593987000002"]);
    expect(await phones(owner, { label: [id.vip!, id.ortho!] })).toEqual(["+593987000001"]);
    // Days are the workspace's (America/Guayaquil, UTC-5): María's contact at 2026-11-20 15:00 UTC is on the 20th.
    expect(await phones(owner, { before: "2026-11-01" })).toEqual(["+593987000002", "+593987000003"]);
    expect(await phones(owner, { since: "2026-11-20", before: "2026-11-21" })).toEqual(["+593987000001"]);
    expect(await phones(owner, { since: "2026-11-21" })).toHaveLength(5);
    expect(await phones(owner, { optedOut: "yes" })).toEqual(["+593987000002"]);
    expect(await phones(owner, { optedOut: "no", q: "maría" })).toEqual(["+593987000001"]);
    expect(() => filters({ before: "ayer" })).toThrow(ContactsError);
    expect(() => filters({ optedOut: "maybe" })).toThrow(ContactsError);
    expect(() => filters({ label: "not-a-uuid" })).toThrow(ContactsError);
  });

  it("pages by keyset without skipping or repeating contacts of the same time, even when contacts move meanwhile", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const params: Record<string, string> = after ? { after } : {};
      const page = await listContacts(em(), owner, filters(params), { limit: 2 });
      seen.push(...page.items.map((i) => i.phone));
      pages += 1;
      if (pages === 1) {
        // A new contact arrives at the top while staff page on: the pages already read do not shift.
        const c = await a.campaign("Nueva", null);
        await a.patient(c, "Llegó después", "+593987999999", { lastContactAt: new Date("2026-12-01T00:00:00Z") });
      }
      if (!page.next) break;
      after = page.next;
    }
    expect(pages).toBe(4);
    expect(seen).toEqual([...tiePhones, "+593987000001", "+593987000002", "+593987000003"]);
    await sql("delete from patients where phone = '+593987999999'");
    await sql("delete from contacts where phone = '+593987999999'");
  });

  it("a doctor lists only contacts with an appointment of theirs; reception lists all", async () => {
    expect((await phones(drLuis)).sort()).toEqual(["+593987000001", "+593987000002"]);
    expect(await phones(drAna)).not.toContain("+593987000002");
    expect(await phones(reception)).toHaveLength(8);
  });

  it("exports the filtered list as CSV: E.164 phones, labels, formula cells made inert, quotes escaped", async () => {
    let csv = "";
    for await (const chunk of contactsCsv(em(), owner, filters(), { pageSize: 3 })) csv += chunk;
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("\uFEFFtelefono;nombre;etiquetas;ultimo_contacto;dado_de_baja;eliminado");
    expect(lines).toHaveLength(10); // header, 8 contacts, the final empty string
    expect(lines).toContain("+593987000001;María P. de León;Ortodoncia, VIP;2026-11-20T15:00:00.000Z;no;no");
    expect(lines).toContain("+593987000002;Juan Gómez;VIP;2026-10-01T15:00:00.000Z;si;no");
    // A name that is a spreadsheet formula starts with ' and is quoted (it has ; and ").
    expect(lines).toContain(`+593987000003;"'=HYPERLINK(""http://x"";""Rosa; Díaz"")";;;no;no`);
    let filtered = "";
    for await (const chunk of contactsCsv(em(), drLuis, filters({ optedOut: "yes" }))) filtered += chunk;
    expect(filtered.split("\r\n").filter((l) => l.startsWith("+"))).toEqual(["+593987000002;Juan Gómez;VIP;2026-10-01T15:00:00.000Z;si;no"]);
  });

  it("uses the activity index for a page and the label index for a label filter on 100,000 contacts", async () => {
    const big = await createTenant(orm, "Grande");
    const c = await big.campaign("Grande", null);
    await sql(
      `insert into contacts (workspace_id, phone, last_contact_at, created_at)
       select ?, '+5939' || lpad(g::text, 8, '0'), case when g % 10 = 0 then null else timestamptz '2026-01-01' + g * interval '1 minute' end, timestamptz '2025-01-01'
         from generate_series(1, 100000) g`,
      [big.ws],
    );
    await sql(
      `insert into patients (workspace_id, campaign_id, contact_id, name, phone, appointment_at, preferred_channel, consent, status)
       select c.workspace_id, ?, c.id, 'Paciente ' || right(c.phone, 6), c.phone, now(), 'WHATSAPP', true, 'SENT' from contacts c where c.workspace_id = ?`,
      [c, big.ws],
    );
    const label = await createLabel(em(), big.viewer(big.owner), "Muestra");
    await sql("insert into contact_labels (workspace_id, contact_id, label_id) select workspace_id, id, ? from contacts where workspace_id = ? and right(phone, 3) = '777'", [label.id, big.ws]);
    await sql("analyze contacts; analyze patients; analyze contact_labels");
    const viewer = big.viewer(big.owner);
    const started = performance.now();
    const page = await listContacts(em(), viewer, filters(), { limit: 50 });
    const deep = await listContacts(em(), viewer, filters({ after: page.next! }), { limit: 50 });
    const elapsed = performance.now() - started;
    expect(page.items).toHaveLength(50);
    expect(deep.items).toHaveLength(50);
    expect(elapsed).toBeLessThan(2000);
    // The plan of the page's statement: the activity index, no sort of the workspace's contacts.
    const [plan] = await sql<{ "QUERY PLAN": unknown }>(
      `explain (format json) select c.id from contacts c where c.workspace_id = ? order by coalesce(c.last_contact_at, c.created_at) desc, c.id desc limit 51`,
      [big.ws],
    );
    const text = JSON.stringify(plan);
    expect(text).toContain("contacts_activity_idx");
    expect(text).not.toContain('"Node Type":"Sort"');
    const [byName] = await sql<{ "QUERY PLAN": unknown }>(`explain (format json) select pn.contact_id from patients pn where pn.workspace_id = ? and pn.name ilike '%ente 0123%'`, [big.ws]);
    expect(JSON.stringify(byName)).toContain("patients_name_trgm_idx");
    const labelled = await listContacts(em(), viewer, filters({ label: label.id }), { limit: 500 });
    expect(labelled.items).toHaveLength(100);
    expect((await listContacts(em(), viewer, filters({ q: "ente 012345" }))).items.map((i) => i.phone)).toEqual(["+593900012345"]);
  }, 120_000);
});

describe("the contact page", () => {
  it("shows names seen, channels, labels, appointments with ratings, feedback and last contact", async () => {
    const view = await loadContact(em(), owner, id.maria!);
    expect(view.phone).toBe("+593987000001");
    expect(view.names.map((n) => n.name).sort()).toEqual(["María P. de León", "María Pérez"]);
    expect(view.channels.sort()).toEqual(["SMS", "WHATSAPP"]);
    expect(view.appointments.map((x) => [x.campaignName, x.rating])).toContainEqual(["Noviembre Ana", 5]);
    expect(view.feedback.map((f) => f.text)).toEqual(["Muy amable la doctora"]);
    expect(view.lastContactAt?.toISOString()).toBe("2026-11-20T15:00:00.000Z");
    expect(view.labels.map((l) => l.name)).toEqual(["Ortodoncia", "VIP"]);
  });

  it("lists every message in and out across campaigns, newest first, in pages; staff alerts and other workspaces never", async () => {
    const all = await contactHistory(em(), owner, id.maria!);
    expect(all.entries.map((e) => e.id)).toEqual([id.loose, id.reminder, id.reply, id.request]);
    expect(all.entries.map((e) => e.direction)).toEqual(["in", "out", "in", "out"]);
    const p1 = await contactHistory(em(), owner, id.maria!, { limit: 3 });
    const p2 = await contactHistory(em(), owner, id.maria!, { limit: 3, after: p1.next });
    expect([...p1.entries, ...p2.entries].map((e) => e.id)).toEqual(all.entries.map((e) => e.id));
    expect(p2.next).toBeNull();
  });

  it("a doctor opens only contacts with an appointment of theirs (404 otherwise) and sees only their appointments' messages", async () => {
    expect(await codeOf(loadContact(em(), drAna, id.juan!))).toBe("not_found");
    expect(await codeOf(contactHistory(em(), drAna, id.juan!))).toBe("not_found");
    const ana = await loadContact(em(), drAna, id.maria!);
    expect(ana.appointments.map((x) => x.campaignName)).toEqual(["Noviembre Ana"]);
    const history = await contactHistory(em(), drAna, id.maria!);
    expect(history.entries.map((e) => e.id)).toEqual([id.reply, id.request]);
    expect((await loadContact(em(), reception, id.juan!)).phone).toBe("+593987000002");
  });

  it("another workspace's contact answers not found, whoever asks", async () => {
    expect(await codeOf(loadContact(em(), ownerB, id.maria!))).toBe("not_found");
    expect(await codeOf(contactHistory(em(), ownerB, id.maria!))).toBe("not_found");
    expect(await codeOf(exportContactData(em(), ownerB, id.maria!))).toBe("not_found");
    expect(await codeOf(loadContact(em(), owner, "not-a-uuid"))).toBe("not_found");
  });
});

describe("the patient's data download", () => {
  it("holds everything kept about the phone in the workspace, and nothing of another workspace", async () => {
    const data = await exportContactData(em(), owner, id.maria!, new Date("2026-12-01T00:00:00Z"));
    expect(data.contact.phone).toBe("+593987000001");
    expect(data.appointments.map((x) => x.name).sort()).toEqual(["María P. de León", "María Pérez"]);
    expect(data.messages.map((x) => x.id).sort()).toEqual([id.request!, id.reminder!].sort());
    expect(data.inboundMessages.map((x) => x.id).sort()).toEqual([id.reply!, id.loose!].sort());
    expect(data.feedback.map((x) => x.text)).toEqual(["Muy amable la doctora"]);
    expect(data.labels).toEqual(["Ortodoncia", "VIP"]);
    expect(data.notes.map((n) => n.text)).toEqual(["Alergia a la penicilina.", "Prefiere que la llamen por la tarde."]);
    const text = JSON.stringify(data);
    expect(text).not.toContain("María Intrusa");
    expect(text).not.toContain("Mensaje de B");
    expect(text).not.toContain("Alerta");
    // Link tokens are the workspace's secret, not the patient's data.
    expect(text).not.toContain("public_token");
  });

  it("is the owner's: a doctor and reception are refused", async () => {
    expect(await codeOf(exportContactData(em(), drAna, id.maria!))).toBe("forbidden");
    expect(await codeOf(exportContactData(em(), reception, id.maria!))).toBe("forbidden");
  });
});
