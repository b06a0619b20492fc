// The contacts pages over HTTP against the production build: what each role may do (reception sees,
// labels and writes notes but gets 403 on consent, erasure and the data file; only the owner keeps
// the label list), a doctor's 404 on another doctor's patient, the staff opt-out and the opt-in that
// needs the patient's evidence, bad input answered with a clear 400 that changes nothing, and the
// CSV and JSON downloads — all with plain forms and links (no JavaScript).
import { initOrm } from "@rm/db";
import { createTestDatabase, type TestDatabase } from "@rm/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenantCampaign } from "./support/campaigns.ts";
import { seedContactFixture } from "./support/contacts.ts";
import { get, post, signIn, type Session } from "./support/http.ts";
import { createTenant, type Tenant } from "./support/tenants.ts";
import { startWebServer, type WebServer } from "./support/web-server.ts";

let db: TestDatabase;
let web: WebServer;
let a: Tenant;
let contactId: string;
let labelId: string;
let campaignId: string;
let owner: Session;
let doctor: Session;
let reception: Session;
let otherDoctor: Session;

async function sql<T>(q: string, params: unknown[] = []): Promise<T[]> {
  const orm = await initOrm({ databaseUrl: db.url, poolMax: 1 });
  try {
    return await orm.em.fork().execute<T[]>(q, params);
  } finally {
    await orm.close(true);
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  a = await createTenant(db.url, "a");
  campaignId = await createTenantCampaign(db.url, a, [{ name: "=cmd|' /C calc'!A0", phone: "+593981110001", state: "scheduled" }]);
  ({ contactId, labelId } = await seedContactFixture(db.url, a, "+593981110001"));
  await sql("insert into users (workspace_id, email, name, role, password_hash) select workspace_id, ?, 'Dr. Otro', 'DOCTOR', password_hash from users where id = ?", [`otro.${a.doctor.email}`, a.doctor.id]);
  web = await startWebServer({ databaseUrl: db.url });
  owner = await signIn(web.url, a.owner.email, a.owner.password);
  doctor = await signIn(web.url, a.doctor.email, a.doctor.password);
  reception = await signIn(web.url, a.receptionist.email, a.receptionist.password);
  otherDoctor = await signIn(web.url, `otro.${a.doctor.email}`, a.doctor.password);
}, 60_000);

afterAll(async () => {
  await web?.stop();
  await db?.drop();
});

describe("contacts routes", () => {
  it("a doctor opens the contacts of their patients; another doctor gets 404 on the page, its actions and an empty list", async () => {
    expect((await get(web.url, `/contacts/${contactId}`, doctor)).status).toBe(200);
    // The campaign page leads to the patient's contact.
    expect(await (await get(web.url, `/campaigns/${campaignId}`, doctor)).text()).toContain(`href="/contacts/${contactId}"`);
    expect((await get(web.url, `/contacts/${contactId}`, otherDoctor)).status).toBe(404);
    expect((await post(web.url, `/contacts/${contactId}`, otherDoctor, { intent: "note", body: "No es mío" })).status).toBe(404);
    expect((await post(web.url, `/contacts/${contactId}`, otherDoctor, { intent: "optout", confirmed: "yes" })).status).toBe(404);
    expect(await (await get(web.url, "/contacts", otherDoctor)).text()).not.toContain(`/contacts/${contactId}`);
    expect(await sql("select 1 from contact_notes where contact_id = ?", [contactId])).toHaveLength(0);
  });

  it("reception writes notes and labels but gets 403 on opt-out, erasure, the data file and the label list", async () => {
    const note = await post(web.url, `/contacts/${contactId}`, reception, { intent: "note", body: "Llamar por la tarde." });
    expect(note.status).toBe(302);
    expect(note.headers.get("location")).toBe(`/contacts/${contactId}?notice=note#notes`);
    const page = await (await get(web.url, `/contacts/${contactId}`, reception)).text();
    expect(page).toContain("Llamar por la tarde.");
    expect(page).toContain("RECEPTIONIST a");
    expect((await post(web.url, `/contacts/${contactId}`, reception, { intent: "optout", confirmed: "yes" })).status).toBe(403);
    expect((await post(web.url, `/contacts/${contactId}`, reception, { intent: "erase", confirmed: "yes" })).status).toBe(403);
    expect((await get(web.url, `/contacts/${contactId}/data.json`, reception)).status).toBe(403);
    expect((await post(web.url, "/contacts", reception, { intent: "label.create", name: "Recepción" })).status).toBe(403);
    expect((await post(web.url, `/contacts/${contactId}`, reception, { intent: "label.remove", label: labelId })).status).toBe(302);
    const [optedOut] = await sql<{ opted_out_at: Date | null }>("select opted_out_at from contacts where id = ?", [contactId]);
    expect(optedOut?.opted_out_at).toBeNull();
    expect(await sql("select 1 from contact_labels where contact_id = ?", [contactId])).toHaveLength(0);
  });

  it("bad input gets a clear 400 and changes nothing", async () => {
    const empty = await post(web.url, `/contacts/${contactId}`, owner, { intent: "note", body: "   " });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Escriba la nota.");
    const taken = await post(web.url, "/contacts", owner, { intent: "label.create", name: "frecuente" });
    expect(taken.status).toBe(409);
    expect(await taken.text()).toContain("Ya existe una etiqueta con ese nombre.");
    const unconfirmed = await post(web.url, `/contacts/${contactId}`, owner, { intent: "optout" });
    expect(unconfirmed.status).toBe(400);
    expect((await get(web.url, "/contacts?before=ayer", owner)).status).toBe(400);
    expect(await sql("select 1 from contact_notes where contact_id = ? and author_id = ?", [contactId, a.owner.id])).toHaveLength(0);
    expect(await sql("select 1 from labels where workspace_id = ?", [a.workspaceId])).toHaveLength(1);
  });

  it("the owner opts the contact out after the confirmation step, then back in only with the patient's evidence", async () => {
    const confirm = await (await get(web.url, `/contacts/${contactId}?confirm=optout`, owner)).text();
    expect(confirm).toContain("¿Dar de baja a este contacto?");
    const out = await post(web.url, `/contacts/${contactId}`, owner, { intent: "optout", confirmed: "yes" });
    expect(out.headers.get("location")).toBe(`/contacts/${contactId}?notice=opted_out`);
    const noEvidence = await post(web.url, `/contacts/${contactId}`, doctor, { intent: "optin", confirmed: "yes", channel: "SMS", evidence: " " });
    expect(noEvidence.status).toBe(400);
    expect(await noEvidence.text()).toContain("sin esa constancia no se registra el consentimiento");
    const back = await post(web.url, `/contacts/${contactId}`, doctor, { intent: "optin", confirmed: "yes", channel: "SMS", evidence: "Lo pidió en recepción" });
    expect(back.headers.get("location")).toBe(`/contacts/${contactId}?notice=opted_in`);
    const events = await sql<{ action: string; channel: string; source: string; evidence: string | null }>(
      "select action, channel, source, evidence from consent_events where contact_id = ? and source = 'STAFF' order by id",
      [contactId],
    );
    expect(events.map((e) => [e.action, e.channel, e.evidence])).toEqual([
      ["WITHDRAWN", "WHATSAPP", null],
      ["WITHDRAWN", "SMS", null],
      ["GRANTED", "SMS", "Lo pidió en recepción"],
    ]);
    const audit = await sql<{ action: string }>("select action from audit_logs where workspace_id = ? and entity_id = ? order by created_at", [a.workspaceId, contactId]);
    expect(audit.map((r) => r.action)).toEqual(expect.arrayContaining(["contact.note_added", "contact.labels_changed", "contact.opted_out", "contact.opted_in"]));
  });

  it("downloads the list as CSV (formula cells inert) and the patient's data as JSON", async () => {
    const csv = await get(web.url, "/contacts.csv", owner);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="contactos-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    // UTF-8 with BOM: what Excel in a Spanish locale opens with the accents right.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    // Never contacted yet (its request is scheduled), labels taken off above, opted back in.
    expect(text.split("\r\n")).toEqual(["\uFEFFtelefono;nombre;etiquetas;ultimo_contacto;dado_de_baja;eliminado", "+593981110001;'=cmd|' /C calc'!A0;;;no;no", ""]);
    const file = await get(web.url, `/contacts/${contactId}/data.json`, owner);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-disposition")).toContain("attachment;");
    const body = (await file.json()) as { contact: { phone: string }; appointments: unknown[]; notes: { text: string }[]; consentEvents: unknown[] };
    expect(body.contact.phone).toBe("+593981110001");
    expect(body.appointments).toHaveLength(1);
    expect(body.notes.map((n) => n.text)).toEqual(["Llamar por la tarde."]);
    expect(body.consentEvents.length).toBeGreaterThanOrEqual(3);
  });

  it("the owner creates a label and deletes one after its confirmation step, which takes it off its contacts", async () => {
    const created = await post(web.url, "/contacts", owner, { intent: "label.create", name: "Ortodoncia" });
    expect(created.headers.get("location")).toBe("/contacts?notice=labelCreated");
    const [ortho] = await sql<{ id: string }>("select id from labels where workspace_id = ? and name = 'Ortodoncia'", [a.workspaceId]);
    expect((await post(web.url, `/contacts/${contactId}`, owner, { intent: "label.add", label: ortho!.id })).status).toBe(302);
    const confirm = await (await get(web.url, `/contacts?deleteLabel=${ortho!.id}`, owner)).text();
    expect(confirm).toContain("La etiqueta «Ortodoncia» se quitará de 1 contacto.");
    const deleted = await post(web.url, "/contacts", owner, { intent: "label.delete", label: ortho!.id });
    expect(deleted.headers.get("location")).toBe("/contacts?notice=labelDeleted");
    expect(await sql("select 1 from contact_labels where label_id = ?", [ortho!.id])).toEqual([]);
    const audit = await sql<{ action: string; details: { contacts: number } }>("select action, details from audit_logs where entity_id = ? order by created_at", [ortho!.id]);
    expect(audit.map((r) => r.action)).toEqual(["label.created", "label.deleted"]);
    expect(audit[1]!.details.contacts).toBe(1);
  });

  it("erasure from the contact page removes the notes with the rest", async () => {
    const res = await post(web.url, `/contacts/${contactId}`, owner, { intent: "erase", confirmed: "yes" });
    expect(res.headers.get("location")).toBe(`/contacts/${contactId}?notice=erased`);
    expect(await sql("select 1 from contact_notes where contact_id = ?", [contactId])).toHaveLength(0);
    const [p] = await sql<{ name: string }>("select name from patients where contact_id = ?", [contactId]);
    expect(p?.name).toBe("Paciente eliminado");
    const page = await (await get(web.url, `/contacts/${contactId}`, owner)).text();
    expect(page).toContain("Sus datos personales fueron eliminados");
  });
});
