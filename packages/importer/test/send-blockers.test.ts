// A new workspace has no WhatsApp template or sender of its own: with the platform's it sends
// WhatsApp as it is; without them the preview names every blocker and confirming is refused, with
// nothing written.
import { formatCoded } from "@rm/catalogue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_PLATFORM_CONTENT_SIDS, type PlatformSending } from "@rm/domain";
import {
  confirmCampaignDraft,
  createCampaignDraft,
  createCampaignFromRows,
  getCampaignDraft,
  parsePatientCsv,
  previewCampaignDraft,
  previewCampaignFromRows,
  SendBlockedError,
  sendToOnePatient,
  type CampaignRowInput,
} from "../src/index.ts";
import { createTestOrm, type TestOrm } from "@rm/test-utils";
import { count, makeTenant, type Tenant } from "./helpers.ts";

const PUBLIC_URL = "https://rm.example";
// 08:00 in Guayaquil; the appointments were at 06:00 local with "2 hours after": due now.
const now = new Date("2026-11-23T13:00:00Z");
const appointmentAt = new Date("2026-11-23T11:00:00Z");
const PLATFORM: PlatformSending = { smsFrom: "+15005550006", whatsappFrom: "whatsapp:+14155238886", whatsappContentSids: LOCAL_PLATFORM_CONTENT_SIDS };
let t: TestOrm;

beforeAll(async () => {
  t = await createTestOrm(8);
});
afterAll(async () => t?.close());

/** A workspace as signup leaves it: WhatsApp by default, no templates and no senders of its own. */
async function newWorkspace(credits = 100): Promise<Tenant> {
  const tenant = await makeTenant(t.orm, { credits, defaultChannel: "WHATSAPP" });
  await t.orm.em.fork().execute("update workspaces set whatsapp_content_sids = '{}'::jsonb, whatsapp_sender = null, sms_sender = null, quiet_hours_start = null, quiet_hours_end = null where id = ?", [tenant.workspaceId]);
  return tenant;
}

let phone = 0;
const row = (o: Partial<CampaignRowInput> = {}): CampaignRowInput => ({ name: "Ana Peña", phone: `+5939871${String(++phone).padStart(5, "0")}`, consent: true, appointmentAt, ...o });

const input = (tenant: Tenant, rows: CampaignRowInput[], platform?: PlatformSending) => ({
  workspaceId: tenant.workspaceId,
  practiceId: tenant.practiceId,
  assignedDoctorId: tenant.doctorId,
  createdById: tenant.ownerId,
  name: "Lunes",
  rows,
  scheduledHoursAfter: 2,
  publicUrl: PUBLIC_URL,
  now,
  ...(platform ? { platform } : {}),
});

describe("a new workspace with the platform's senders and templates", () => {
  it("previews patients per channel with no blocker, and its WhatsApp rating requests use the platform's template in each patient's language", async () => {
    const tenant = await newWorkspace();
    const rows = [row({ language: "es" }), row({ language: "en", name: "John Smith" }), row({ channel: "SMS" }), row({ consent: false })];
    const preview = await previewCampaignFromRows(t.orm, input(tenant, rows, PLATFORM));
    expect(preview.channels).toEqual({ WHATSAPP: 2, SMS: 1 });
    expect(preview.counts).toMatchObject({ scheduled: 3, skipped: 1 });
    expect(preview.blockers).toEqual([]);

    const result = await createCampaignFromRows(t.orm, input(tenant, rows, PLATFORM));
    const messages = await t.orm.em.fork().execute<{ channel: string; content_sid: string | null; content_variables: Record<string, string> | null; language: string }[]>(
      "select m.channel, m.content_sid, m.content_variables, p.language from messages m join patients p on p.id = m.patient_id where m.campaign_id = ? order by p.phone",
      [result.campaignId],
    );
    expect(messages.map((m) => [m.channel, m.language, m.content_sid])).toEqual([
      ["WHATSAPP", "es", LOCAL_PLATFORM_CONTENT_SIDS.es.INITIAL],
      ["WHATSAPP", "en", LOCAL_PLATFORM_CONTENT_SIDS.en.INITIAL],
      ["SMS", "es", null],
    ]);
    expect(messages[1]!.content_variables).toMatchObject({ "1": "John", "3": "Consultorio Norte", "4": expect.stringMatching(/^https:\/\/rm\.example\/q\//) });
  });

  it("a workspace's own template wins over the platform's", async () => {
    const tenant = await newWorkspace();
    const own = "HX" + "a".repeat(32);
    await t.orm.em.fork().execute("update workspaces set whatsapp_content_sids = ?::jsonb where id = ?", [JSON.stringify({ INITIAL: own }), tenant.workspaceId]);
    const result = await createCampaignFromRows(t.orm, input(tenant, [row({ language: "en" })], PLATFORM));
    const [m] = await t.orm.em.fork().execute<{ content_sid: string }[]>("select content_sid from messages where campaign_id = ?", [result.campaignId]);
    expect(m!.content_sid).toBe(own);
  });
});

describe("what blocks a send", () => {
  it("no WhatsApp template (neither own nor platform's) for the rating request and the reminder, in each language", async () => {
    const tenant = await newWorkspace();
    const platform = { ...PLATFORM, whatsappContentSids: { es: { INITIAL: LOCAL_PLATFORM_CONTENT_SIDS.es.INITIAL } } };
    const preview = await previewCampaignFromRows(t.orm, input(tenant, [row(), row()], platform));
    expect(preview.blockers.map((b) => [b.code, b.es, b.fixUrl])).toEqual([
      ["NO_WHATSAPP_TEMPLATE", "No hay una plantilla de WhatsApp aprobada para «recordatorio» en español: WhatsApp no entregaría esos mensajes.", "/settings"],
    ]);
    expect(formatCoded("en", preview.blockers[0]!.text)).toBe('There is no approved WhatsApp template for "reminder" in Spanish: WhatsApp would not deliver those messages.');
  });

  it("no sender for a channel: WhatsApp and SMS each named with their patients", async () => {
    const tenant = await newWorkspace();
    const preview = await previewCampaignFromRows(t.orm, input(tenant, [row(), row(), row({ channel: "SMS" })], { whatsappContentSids: LOCAL_PLATFORM_CONTENT_SIDS }));
    expect(preview.blockers.map((b) => b.es)).toEqual(["No hay un número de WhatsApp para enviar a 2 pacientes.", "No hay un número de envío SMS para enviar a 1 paciente."]);
    // A sender of the workspace's own is enough.
    await t.orm.em.fork().execute("update workspaces set whatsapp_sender = 'whatsapp:+593990000001', sms_sender = '+593990000002' where id = ?", [tenant.workspaceId]);
    expect((await previewCampaignFromRows(t.orm, input(tenant, [row(), row({ channel: "SMS" })], { whatsappContentSids: LOCAL_PLATFORM_CONTENT_SIDS }))).blockers).toEqual([]);
  });

  it("credits short of the hold: needed against the balance, fixed in billing", async () => {
    const tenant = await newWorkspace(1);
    const preview = await previewCampaignFromRows(t.orm, input(tenant, [row(), row()], PLATFORM));
    expect(preview.blockers).toHaveLength(1);
    expect(preview.blockers[0]).toMatchObject({ code: "INSUFFICIENT_CREDITS", es: `Créditos insuficientes: se necesitan ${preview.credits.needed} y el saldo es 1.`, fixUrl: "/billing" });
  });

  it("confirming a blocked draft is refused with the preview's words and writes nothing; the draft waits", async () => {
    const tenant = await newWorkspace();
    const parsed = await parsePatientCsv(Buffer.from("Nombre,Teléfono,Fecha cita,Consentimiento\r\nAna Peña,0991234501,23/11/2026 06:00,sí\r\n", "utf8"));
    const { campaignId } = await createCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: tenant.doctorId, createdById: tenant.ownerId, name: "Lunes", scheduledHoursAfter: 2, parsed, fileName: "c.csv", now });
    const noTemplates = { whatsappFrom: PLATFORM.whatsappFrom };
    const shown = (await previewCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, publicUrl: PUBLIC_URL, now, platform: noTemplates }))!;
    expect(shown.preview!.blockers.map((b) => b.code)).toEqual(["NO_WHATSAPP_TEMPLATE", "NO_WHATSAPP_TEMPLATE"]);
    const err = await confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now, platform: noTemplates }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendBlockedError);
    expect((err as SendBlockedError).blockers).toEqual(shown.preview!.blockers);
    for (const table of ["contacts", "patients", "messages", "outbox"]) expect(await count(t.orm, `select 1 from ${table} where workspace_id = ?`, [tenant.workspaceId]), table).toBe(0);
    expect((await getCampaignDraft(t.orm, tenant.workspaceId, campaignId, { now }))!.status).toBe("DRAFT");
    // With the platform's templates the same draft goes through.
    const ok = await confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now, platform: PLATFORM });
    expect(ok.result?.status).toBe("ACTIVE");
  });

  it("sending to one patient is refused the same way", async () => {
    const tenant = await newWorkspace();
    const err = await sendToOnePatient(t.orm, { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: tenant.doctorId, createdById: tenant.ownerId, name: "Ana", phone: "0991234502", consent: true, publicUrl: PUBLIC_URL, now, platform: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendBlockedError);
    expect(await count(t.orm, "select 1 from patients where workspace_id = ?", [tenant.workspaceId])).toBe(0);
  });
});
