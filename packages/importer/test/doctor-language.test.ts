// Imports as practices have them (SPEC §12): one file for several doctors gives each appointment its
// doctor — in the message and in the doctor's own view —, a doctor the workspace does not have is a
// rejected row, and a patient's language (the file's, else the phone's last one) picks the template.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCampaignPatients, listCampaigns, loadCampaign } from "@rm/campaigns";
import { LOCAL_PLATFORM_CONTENT_SIDS } from "@rm/domain";
import { loadRatingPage } from "@rm/messaging";
import {
  confirmCampaignDraft,
  createCampaignDraft,
  createCampaignFromRows,
  getCampaignDraft,
  parsePatientCsv,
  previewCampaignDraft,
  type PatientCsvResult,
} from "../src/index.ts";
import { doctorDirectory, doctorKey } from "../src/doctors.ts";
import { createTestOrm, type TestOrm } from "@rm/test-utils";
import { makeTenant, type Tenant } from "./helpers.ts";

const PUBLIC_URL = "https://rm.example";
// 08:00 in Guayaquil on the day of the appointments.
const now = new Date("2026-11-23T13:00:00Z");
const platform = { whatsappFrom: "whatsapp:+14155238886", smsFrom: "+15005550006", whatsappContentSids: LOCAL_PLATFORM_CONTENT_SIDS };
let t: TestOrm;

beforeAll(async () => {
  t = await createTestOrm(8);
});
afterAll(async () => t?.close());

const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => t.orm.em.fork().execute<T[]>(q, params);

async function csv(lines: string[]): Promise<PatientCsvResult> {
  return parsePatientCsv(Buffer.from(lines.join("\r\n") + "\r\n", "utf8"));
}

async function ruizOf(tenant: Tenant): Promise<string> {
  return (await sql<{ id: string }>("select id from users where workspace_id = ? and name = 'Carlos Ruiz'", [tenant.workspaceId]))[0]!.id;
}

/** Uploads and confirms a file as the owner, with the owner as the campaign's doctor (the fallback). */
async function importFile(tenant: Tenant, parsed: PatientCsvResult) {
  const { campaignId } = await createCampaignDraft(t.orm, {
    workspaceId: tenant.workspaceId,
    practiceId: tenant.practiceId,
    assignedDoctorId: tenant.ownerId,
    createdById: tenant.ownerId,
    name: "Varios médicos",
    parsed,
    now,
  });
  return campaignId;
}

describe("the doctor column", () => {
  it("matches names ignoring case, accents, spacing and a Dr./Dra. title; part of a name only when one doctor holds it", () => {
    expect(doctorKey("  DRA.  María   PÉREZ ")).toBe("maria perez");
    expect(doctorKey("Dr Carlos Ruiz")).toBe("carlos ruiz");
    const dir = doctorDirectory([
      { id: "a", name: "María Pérez" },
      { id: "b", name: "Carlos Ruiz Vega" },
      { id: "c", name: "Ana Ruiz" },
    ]);
    expect(dir.match("dra. maria perez")).toEqual({ id: "a", name: "María Pérez" });
    expect(dir.match("Dr. Vega")).toEqual({ id: "b", name: "Carlos Ruiz Vega" });
    expect(dir.match("Dr. Ruiz")).toBe("ambiguous");
    expect(dir.match("Dr. Nadie")).toBe("unknown");
    expect(dir.match("Dr.")).toBe("unknown");
  });

  it("gives each appointment its doctor: in the message, in the WhatsApp variables, and in each doctor's own view", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const ruiz = await ruizOf(tenant);
    const parsed = await csv([
      "nombre;telefono;fecha;hora;consentimiento;canal;Médico",
      "Ana Torres;0991110001;23/11/2026;09:00;si;SMS;DRA. PEÑA",
      "Bruno Díaz;0991110002;23/11/2026;09:30;si;WhatsApp;dr carlos ruiz",
      "Carla Mora;0991110003;23/11/2026;10:00;si;SMS;",
    ]);
    const campaignId = await importFile(tenant, parsed);
    const draft = (await getCampaignDraft(t.orm, tenant.workspaceId, campaignId, { now }))!;
    expect(draft.rejected).toEqual([]);
    expect(draft.rows.map((r) => r.doctorId)).toEqual([tenant.doctorId, ruiz, null]);
    await confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now });

    const rows = await sql<{ name: string; doctor_id: string; body: string; content_variables: Record<string, string> | null }>(
      `select p.name, p.doctor_id, m.body, m.content_variables from patients p join messages m on m.patient_id = p.id and m.type = 'INITIAL'
        where p.campaign_id = ? order by p.name`,
      [campaignId],
    );
    expect(rows.map((r) => [r.name, r.doctor_id])).toEqual([
      ["Ana Torres", tenant.doctorId],
      ["Bruno Díaz", ruiz],
      // No doctor in the row: the campaign's.
      ["Carla Mora", tenant.ownerId],
    ]);
    expect(rows[0]!.body).toContain("tu visita con Dra. Peña en");
    expect(rows[1]!.content_variables?.["2"]).toBe("Carlos Ruiz");
    expect(rows[2]!.body).toContain("tu visita con Dueña en");
    // The one-tap page (and every later message, from the same patient context) names the appointment's doctor.
    const [bruno] = await sql<{ public_token: string }>("select public_token from patients where campaign_id = ? and name = 'Bruno Díaz'", [campaignId]);
    expect(await loadRatingPage(t.orm.em.fork(), { publicUrl: "" }, bruno!.public_token, now)).toMatchObject({ state: "ok", page: { doctorName: "Carlos Ruiz", language: "es" } });

    // The doctor's own view: Dra. Peña sees the campaign (not hers to begin with) and only her patient.
    const em = t.orm.em.fork();
    const pena = { userId: tenant.doctorId, role: "DOCTOR" as const };
    expect((await listCampaigns(em, tenant.workspaceId, pena)).rows.map((c) => c.id)).toEqual([campaignId]);
    expect(await loadCampaign(em, tenant.workspaceId, pena, campaignId)).not.toBeNull();
    const hers = await listCampaignPatients(em, tenant.workspaceId, campaignId, { doctorId: pena.userId });
    expect(hers.rows.map((p) => p.name)).toEqual(["Ana Torres"]);
    const his = await listCampaignPatients(em, tenant.workspaceId, campaignId, { doctorId: ruiz });
    expect(his.rows.map((p) => p.name)).toEqual(["Bruno Díaz"]);
    // A doctor with no appointment in it does not see it at all.
    const [other] = await sql<{ id: string }>("insert into users (workspace_id, email, name, role, password_hash) values (?, ?, 'Otra Médica', 'DOCTOR', 'x') returning id", [
      tenant.workspaceId,
      `otra-${tenant.workspaceId}@example.com`,
    ]);
    const stranger = { userId: other!.id, role: "DOCTOR" as const };
    expect((await listCampaigns(em, tenant.workspaceId, stranger)).rows).toEqual([]);
    expect(await loadCampaign(em, tenant.workspaceId, stranger, campaignId)).toBeNull();
  });

  it("a doctor the workspace does not have is a rejected row with the reason, in Spanish and by code; the other rows import", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const parsed = await csv([
      "nombre;telefono;fecha;hora;consentimiento;Doctor",
      "Ana Torres;0991110011;23/11/2026;09:00;si;Dra. Peña",
      "Bruno Díaz;0991110012;23/11/2026;09:30;si;Dr. Nadie",
    ]);
    const campaignId = await importFile(tenant, parsed);
    const draft = (await getCampaignDraft(t.orm, tenant.workspaceId, campaignId, { now }))!;
    expect(draft.rows.map((r) => r.name)).toEqual(["Ana Torres"]);
    expect(draft.counts).toMatchObject({ accepted: 1, rejected: 1 });
    expect(draft.rejected).toEqual([
      expect.objectContaining({
        line: 3,
        column: "Doctor",
        value: "Dr. Nadie",
        reason: expect.stringContaining("El médico «Dr. Nadie» no es un usuario del espacio de trabajo"),
        code: "imports.doctor.unknown",
        params: { name: "Dr. Nadie" },
      }),
    ]);
    const result = await confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now });
    expect(result.result?.counts.patients).toBe(1);
  });

  it("a doctor removed after the upload: the preview still shows the draft, confirming refuses it with the line and writes nothing", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const ruiz = await ruizOf(tenant);
    const parsed = await csv(["nombre;telefono;fecha;hora;consentimiento;Médico", "Ana Torres;0991110041;23/11/2026;09:00;si;Dr. Ruiz"]);
    const campaignId = await importFile(tenant, parsed);
    await sql("delete from users where id = ?", [ruiz]);
    const shown = await previewCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, publicUrl: PUBLIC_URL, now });
    expect(shown?.preview?.counts.scheduled).toBe(1);
    await expect(confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now })).rejects.toMatchObject({
      code: "DOCTOR_NOT_FOUND",
      message: expect.stringContaining("fila 2"),
    });
    expect(await sql("select 1 from patients where workspace_id = ?", [tenant.workspaceId])).toEqual([]);
    expect((await getCampaignDraft(t.orm, tenant.workspaceId, campaignId, { now }))?.status).toBe("DRAFT");
  });

  it("rows handed straight to createCampaignFromRows with an unknown doctor are refused as a whole, with the line", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const parsed = await csv(["nombre;telefono;fecha;hora;consentimiento;Médico", "Ana Torres;0991110021;23/11/2026;09:00;si;Dr. Nadie"]);
    await expect(
      createCampaignFromRows(t.orm, { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: null, createdById: tenant.ownerId, name: "x", rows: parsed.accepted, publicUrl: PUBLIC_URL, now }),
    ).rejects.toMatchObject({ code: "DOCTOR_NOT_FOUND", message: expect.stringContaining("fila 2") });
    expect(await sql("select 1 from patients where workspace_id = ?", [tenant.workspaceId])).toEqual([]);
  });
});

describe("the patient's language", () => {
  it("an English row gets the platform's English template; the phone keeps it for a later file without a language", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    // No templates of its own: the platform's apply, in the patient's language.
    await sql("update workspaces set whatsapp_content_sids = '{}'::jsonb where id = ?", [tenant.workspaceId]);
    const input = (parsed: PatientCsvResult, name: string) => ({
      workspaceId: tenant.workspaceId,
      practiceId: tenant.practiceId,
      assignedDoctorId: tenant.doctorId,
      createdById: tenant.ownerId,
      name,
      rows: parsed.accepted,
      publicUrl: PUBLIC_URL,
      now,
      platform,
      channel: "WHATSAPP" as const,
    });
    const first = await csv([
      "nombre;telefono;fecha;hora;consentimiento;idioma",
      "Ann Smith;0991110031;23/11/2026;09:00;si;English",
      "Ana Torres;0991110032;23/11/2026;09:30;si;Español",
      "Pedro Páez;0991110033;23/11/2026;10:00;si;inglés",
      "Rosa Ríos;0991110034;23/11/2026;10:30;si;",
    ]);
    const a = await createCampaignFromRows(t.orm, input(first, "Primera"));
    const sent = async (campaignId: string) =>
      sql<{ name: string; language: string; content_sid: string }>(
        "select p.name, p.language, m.content_sid from patients p join messages m on m.patient_id = p.id and m.type = 'INITIAL' where p.campaign_id = ? order by p.phone",
        [campaignId],
      );
    expect(await sent(a.campaignId)).toEqual([
      { name: "Ann Smith", language: "en", content_sid: LOCAL_PLATFORM_CONTENT_SIDS.en.INITIAL },
      { name: "Ana Torres", language: "es", content_sid: LOCAL_PLATFORM_CONTENT_SIDS.es.INITIAL },
      { name: "Pedro Páez", language: "en", content_sid: LOCAL_PLATFORM_CONTENT_SIDS.en.INITIAL },
      // Neither the file nor an earlier appointment says: the workspace's language, Spanish.
      { name: "Rosa Ríos", language: "es", content_sid: LOCAL_PLATFORM_CONTENT_SIDS.es.INITIAL },
    ]);

    const [ann] = await sql<{ public_token: string }>("select public_token from patients where campaign_id = ? and name = 'Ann Smith'", [a.campaignId]);
    expect(await loadRatingPage(t.orm.em.fork(), { publicUrl: "" }, ann!.public_token, now)).toMatchObject({ state: "ok", page: { language: "en" } });

    // A new phone without a language in a workspace whose patients speak English: English.
    await sql("update workspaces set default_language = 'en' where id = ?", [tenant.workspaceId]);
    const english = await csv(["nombre;telefono;fecha;hora;consentimiento", "John Doe;0991110035;23/11/2026;11:00;si"]);
    const c = await createCampaignFromRows(t.orm, input(english, "Inglés por defecto"));
    expect(await sent(c.campaignId)).toEqual([{ name: "John Doe", language: "en", content_sid: LOCAL_PLATFORM_CONTENT_SIDS.en.INITIAL }]);
    await sql("update workspaces set default_language = 'es' where id = ?", [tenant.workspaceId]);

    // Ten weeks later, a file without a language column: each phone keeps its last language.
    const later = new Date(now.getTime() + 70 * 86_400_000);
    await sql("update workspaces set contact_cooldown_days = 0 where id = ?", [tenant.workspaceId]);
    const second = await csv([
      "nombre;telefono;fecha;hora;consentimiento",
      "Ann Smith;0991110031;01/02/2027;09:00;si",
      "Ana Torres;0991110032;01/02/2027;09:30;si",
    ]);
    await sql("update messages set status = 'DELIVERED' where workspace_id = ?", [tenant.workspaceId]);
    const b = await createCampaignFromRows(t.orm, { ...input(second, "Segunda"), now: later });
    expect(await sent(b.campaignId)).toEqual([
      { name: "Ann Smith", language: "en", content_sid: LOCAL_PLATFORM_CONTENT_SIDS.en.INITIAL },
      { name: "Ana Torres", language: "es", content_sid: LOCAL_PLATFORM_CONTENT_SIDS.es.INITIAL },
    ]);
  });

  it("an English patient by SMS gets the rating request in English when the workspace has only Spanish templates", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const parsed = await csv(["nombre;telefono;fecha;hora;consentimiento;idioma", "Ann Smith;0991110041;23/11/2026;09:00;si;English", "Ana Torres;0991110042;23/11/2026;09:30;si;Español"]);
    const c = await createCampaignFromRows(t.orm, {
      workspaceId: tenant.workspaceId,
      practiceId: tenant.practiceId,
      assignedDoctorId: tenant.doctorId,
      createdById: tenant.ownerId,
      name: "SMS en dos idiomas",
      rows: parsed.accepted,
      publicUrl: PUBLIC_URL,
      now,
      platform,
      channel: "SMS" as const,
    });
    const bodies = await sql<{ name: string; body: string }>(
      "select p.name, m.body from patients p join messages m on m.patient_id = p.id and m.type = 'INITIAL' where p.campaign_id = ? order by p.phone",
      [c.campaignId],
    );
    expect(bodies.map((b) => b.name)).toEqual(["Ann Smith", "Ana Torres"]);
    expect(bodies[0]!.body).toMatch(/^Hi Ann, how would you rate your visit with .+\? Reply with a number from 1 to 5 or tap here: /);
    expect(bodies[1]!.body).toMatch(/^Hola Ana, ¿cómo calificarías tu visita con /);
  });
});
