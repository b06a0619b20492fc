import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatCoded } from "@rm/catalogue";
import { DEFAULT_TEMPLATES } from "@rm/db";
import { getCreditBalance, InsufficientCreditsError as LedgerInsufficientCreditsError } from "@rm/credits";
import { countSegments, creditsToHoldForPatient, renderTemplate } from "@rm/domain";
import {
  CampaignInputError,
  createCampaignFromRows,
  InsufficientCreditsError,
  parsePatientCsv,
  previewCampaignFromRows,
  sendToOnePatient,
  type CampaignRowInput,
} from "../src/index.ts";
import { createTestOrm, type TestOrm } from "@rm/test-utils";
import { count, makeTenant, type Tenant } from "./helpers.ts";
import { messageSendEvent } from "@rm/events";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PUBLIC_URL = "https://rm.example";
let t: TestOrm;

beforeAll(async () => {
  t = await createTestOrm(16);
});
afterAll(async () => t?.close());

const base = (tenant: Tenant, rows: CampaignRowInput[], now: Date) => ({
  workspaceId: tenant.workspaceId,
  practiceId: tenant.practiceId,
  assignedDoctorId: tenant.doctorId,
  createdById: tenant.ownerId,
  name: "Pacientes del lunes",
  rows,
  publicUrl: PUBLIC_URL,
  now,
});

let phoneSeq = 0;
const newPhone = () => `+5939870${String(10_000 + ++phoneSeq).padStart(5, "0")}`;
const row = (o: Partial<CampaignRowInput> & { appointmentAt: Date }): CampaignRowInput => ({ name: "Ana Peña", phone: newPhone(), consent: true, ...o });

describe("createCampaignFromRows: the Excel fixture end to end", () => {
  // 08:00 in Guayaquil on the day of the appointments.
  const now = new Date("2026-11-23T13:00:00Z");

  it("writes the campaign, contacts, patients, INITIAL messages, holds and outbox rows in one go", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const parsed = await parsePatientCsv(readFileSync(new URL("./fixtures/excel-es-windows1252.csv", import.meta.url)));
    const r = await createCampaignFromRows(t.orm, { ...base(tenant, parsed.accepted, now), ip: "203.0.113.7" });

    expect(r.status).toBe("ACTIVE");
    expect(r.counts).toEqual({ patients: 7, scheduled: 4, skipped: 3, merged: 0, skippedBy: { NO_CONSENT: 2, NOT_MOBILE: 1 } });
    const em = t.orm.em.fork();
    const [campaign] = await em.execute("select * from campaigns where id = ?", [r.campaignId]);
    expect(campaign).toMatchObject({ status: "ACTIVE", total_patients: 7, skipped_patients: 3, assigned_doctor_id: tenant.doctorId, practice_id: tenant.practiceId });

    const patients = await em.execute<{ id: string; name: string; phone: string; status: string; skip_reason: string | null; public_token: string; preferred_channel: string }[]>(
      "select * from patients where campaign_id = ? order by phone",
      [r.campaignId],
    );
    expect(patients).toHaveLength(7);
    expect(patients.find((p) => p.phone === "+59322345678")).toMatchObject({ status: "SKIPPED", skip_reason: "NOT_MOBILE" });
    expect(patients.find((p) => p.phone === "+593987654329")).toMatchObject({ status: "SKIPPED", skip_reason: "NO_CONSENT" });
    // Row channel wins over the workspace default.
    expect(patients.find((p) => p.phone === "+593987654322")).toMatchObject({ status: "SCHEDULED", preferred_channel: "SMS" });

    const messages = await em.execute<
      { id: string; patient_id: string; channel: string; to_address: string; body: string; content_sid: string | null; content_variables: Record<string, string> | null; credits_held: number; status: string }[]
    >("select * from messages where campaign_id = ? and type = 'INITIAL'", [r.campaignId]);
    expect(messages).toHaveLength(4);
    const jose = patients.find((p) => p.phone === "+593987654321")!;
    const joseMsg = messages.find((m) => m.patient_id === jose.id)!;
    expect(joseMsg.status).toBe("PENDING");
    expect(joseMsg.to_address).toBe("whatsapp:+593987654321");
    expect(joseMsg.body).toBe(`Hola José, ¿cómo calificarías tu visita con Dra. Peña en Consultorio Norte? Responde con un número del 1 al 5 o toca aquí: ${PUBLIC_URL}/q/${jose.public_token}`);
    expect(joseMsg.content_sid).toBe("HX00000000000000000000000000000001");
    expect(joseMsg.content_variables).toEqual({ "1": "José", "2": "Dra. Peña", "3": "Consultorio Norte", "4": `${PUBLIC_URL}/q/${jose.public_token}` });
    expect(joseMsg.credits_held).toBe(2);
    const sms = messages.find((m) => m.channel === "SMS")!;
    expect(sms.to_address).toBe("+593987654322");
    expect(sms.content_variables).toBeNull();
    // UCS-2 text (í, ó): the hold is the initial's segments plus the longer follow-up's, > 2.
    expect(sms.credits_held).toBeGreaterThan(2);

    // Holds: one per message, reference message:<id>, equal to credits_held; balance went down by the sum.
    const holds = await em.execute<{ reference: string; amount: number }[]>("select reference, amount from credit_ledger_entries where workspace_id = ? and kind = 'hold'", [tenant.workspaceId]);
    expect(new Map(holds.map((h) => [h.reference, -h.amount]))).toEqual(new Map(messages.map((m) => [`message:${m.id}`, m.credits_held])));
    const total = messages.reduce((s, m) => s + m.credits_held, 0);
    expect(r.creditsHeld).toBe(total);
    expect(await getCreditBalance(em, tenant.workspaceId)).toEqual({ available: 100 - total, held: total });

    // Outbox: one message.send per message, due at appointment + 2 h (or now, when that has passed).
    const outbox = await em.execute<{ payload: { messageId: string }; available_at: Date; stream: string; type: string; idempotency_key: string }[]>(
      "select * from outbox where workspace_id = ?",
      [tenant.workspaceId],
    );
    expect(outbox).toHaveLength(4);
    const due = new Map(outbox.map((o) => [o.payload.messageId, new Date(o.available_at).toISOString()]));
    expect(due.get(joseMsg.id)).toBe("2026-11-23T16:30:00.000Z"); // 09:30 + 2 h local
    expect(due.get(sms.id)).toBe("2026-11-23T21:30:00.000Z"); // 14:30 + 2 h local
    const andres = patients.find((p) => p.phone === "+593987654323")!;
    expect(due.get(messages.find((m) => m.patient_id === andres.id)!.id)).toBe(now.toISOString()); // yesterday's: now
    for (const o of outbox) {
      expect(o).toMatchObject({ stream: "dispatch", type: "message.send", idempotency_key: messageSendEvent.key(o.payload.messageId) });
    }

    // Contacts carry CSV consent on the patient's channel.
    const contacts = await em.execute<{ phone: string; sms_consent_source: string | null; whatsapp_consent_source: string | null }[]>("select * from contacts where workspace_id = ?", [
      tenant.workspaceId,
    ]);
    expect(contacts).toHaveLength(7);
    expect(contacts.find((c) => c.phone === "+593987654321")).toMatchObject({ whatsapp_consent_source: "CSV_IMPORT", sms_consent_source: null });
    expect(contacts.find((c) => c.phone === "+593987654322")).toMatchObject({ sms_consent_source: "CSV_IMPORT", whatsapp_consent_source: null });
    expect(contacts.find((c) => c.phone === "+593987654330")).toMatchObject({ sms_consent_source: null, whatsapp_consent_source: null });

    const [audit] = await em.execute("select * from audit_logs where workspace_id = ? and action = 'campaign.created'", [tenant.workspaceId]);
    expect(audit).toMatchObject({ entity_id: r.campaignId, actor_id: tenant.ownerId, ip: "203.0.113.7" });
  });
});

describe("createCampaignFromRows: scheduling and skips", () => {
  const now = new Date("2026-11-23T15:00:00Z"); // 10:00 in Guayaquil

  it("appointment older than the max age is skipped; quiet hours move the send to 08:00", async () => {
    const tenant = await makeTenant(t.orm);
    const old = row({ appointmentAt: new Date(now.getTime() - 8 * DAY) });
    const recent = row({ appointmentAt: new Date(now.getTime() - 6 * DAY) });
    const evening = row({ appointmentAt: new Date("2026-11-24T00:30:00Z") }); // 19:30 local → 21:30 is quiet
    const r = await createCampaignFromRows(t.orm, base(tenant, [old, recent, evening], now));
    const byPhone = new Map(r.patients.map((p) => [p.phone, p]));
    expect(byPhone.get(old.phone)).toMatchObject({ status: "SKIPPED", skipReason: "APPOINTMENT_TOO_OLD", messageId: null });
    expect(byPhone.get(recent.phone)).toMatchObject({ status: "SCHEDULED", sendAt: now });
    expect(byPhone.get(evening.phone)!.sendAt!.toISOString()).toBe("2026-11-24T13:00:00.000Z"); // next day 08:00 local
    expect(await count(t.orm, "select 1 from outbox where workspace_id = ?", [tenant.workspaceId])).toBe(2);
  });

  it("contacts in cooldown, opted out or erased are skipped with their reason and hold nothing", async () => {
    const tenant = await makeTenant(t.orm, { credits: 50 });
    const asked = row({ appointmentAt: now });
    const optedOut = row({ appointmentAt: now });
    const erased = row({ appointmentAt: now });
    const longAgo = row({ appointmentAt: now });
    const em = t.orm.em.fork();
    await em.execute(
      `insert into contacts (workspace_id, phone, last_asked_at, opted_out_at, erased_at) values
        (?, ?, ?, null, null), (?, ?, null, ?, null), (?, ?, null, null, ?), (?, ?, ?, null, null)`,
      [
        tenant.workspaceId, asked.phone, new Date(now.getTime() - 10 * DAY),
        tenant.workspaceId, optedOut.phone, new Date(now.getTime() - DAY),
        tenant.workspaceId, erased.phone, new Date(now.getTime() - DAY),
        tenant.workspaceId, longAgo.phone, new Date(now.getTime() - 61 * DAY),
      ],
      "run",
    );
    const r = await createCampaignFromRows(t.orm, base(tenant, [asked, optedOut, erased, longAgo], now));
    expect(r.counts.skippedBy).toEqual({ COOLDOWN: 1, OPTED_OUT: 1, ERASED: 1 });
    expect(r.patients.find((p) => p.phone === longAgo.phone)).toMatchObject({ status: "SCHEDULED" });
    expect(await getCreditBalance(em, tenant.workspaceId)).toEqual({ available: 48, held: 2 });
  });

  it("a phone WhatsApp did not reach before (an SMS fallback) is planned, counted and sent by SMS directly", async () => {
    const tenant = await makeTenant(t.orm);
    const now = new Date();
    const noWhatsapp = row({ appointmentAt: now, channel: "WHATSAPP" });
    const onWhatsapp = row({ appointmentAt: now, channel: "WHATSAPP" });
    await t.orm.em.fork().execute("insert into contacts (workspace_id, phone, no_whatsapp_at, no_whatsapp_code) values (?, ?, ?, 63003)", [tenant.workspaceId, noWhatsapp.phone, new Date(now.getTime() - DAY)], "run");
    const preview = await previewCampaignFromRows(t.orm, base(tenant, [noWhatsapp, onWhatsapp], now));
    expect(preview.channels).toEqual({ WHATSAPP: 1, SMS: 1 });
    await createCampaignFromRows(t.orm, base(tenant, [noWhatsapp, onWhatsapp], now));
    const messages = await t.orm.em.fork().execute<{ to_address: string; channel: string; body: string }[]>(
      "select m.to_address, m.channel, m.body from messages m where m.workspace_id = ? order by m.channel",
      [tenant.workspaceId],
    );
    expect(messages.map((m) => [m.channel, m.to_address])).toEqual([
      ["SMS", noWhatsapp.phone],
      ["WHATSAPP", `whatsapp:${onWhatsapp.phone}`],
    ]);
    // Rendered with the SMS template, not the WhatsApp one.
    expect(messages[0]!.body).toContain("/q/");
  });

  it("a second campaign the same day skips phones whose request is still waiting to go out", async () => {
    const tenant = await makeTenant(t.orm);
    const a = row({ appointmentAt: now });
    const b = row({ appointmentAt: now });
    await createCampaignFromRows(t.orm, base(tenant, [a], now));
    const second = await createCampaignFromRows(t.orm, base(tenant, [a, b], new Date(now.getTime() + HOUR)));
    expect(second.patients.map((p) => [p.phone, p.skipReason])).toEqual([
      [a.phone, "COOLDOWN"],
      [b.phone, null],
    ]);
  });

  it("concurrent campaigns with the same phones: each phone is asked exactly once (contact row locks)", async () => {
    const tenant = await makeTenant(t.orm, { credits: 10_000 });
    const rows = Array.from({ length: 40 }, () => row({ appointmentAt: now }));
    // Each campaign lists the phones in a different order; locks are taken in phone order, so no deadlock.
    const orders = [rows, [...rows].reverse(), [...rows.slice(20), ...rows.slice(0, 20)], rows, [...rows].reverse()];
    const results = await Promise.all(orders.map((list) => createCampaignFromRows(t.orm.em.fork(), base(tenant, list, now))));
    const scheduled = results.flatMap((r) => r.patients.filter((p) => p.status === "SCHEDULED").map((p) => p.phone));
    expect(scheduled.sort()).toEqual(rows.map((r) => r.phone).sort());
    expect(results.reduce((s, r) => s + (r.counts.skippedBy.COOLDOWN ?? 0), 0)).toBe(40 * 4);
    expect(await count(t.orm, "select 1 from messages where workspace_id = ? and type = 'INITIAL'", [tenant.workspaceId])).toBe(40);
    expect(await count(t.orm, "select 1 from outbox where workspace_id = ?", [tenant.workspaceId])).toBe(40);
  });

  it("duplicate phones in the rows are merged (first wins)", async () => {
    const tenant = await makeTenant(t.orm);
    const a = row({ appointmentAt: now, name: "Primera" });
    const r = await createCampaignFromRows(t.orm, base(tenant, [a, { ...a, name: "Segunda" }], now));
    expect(r.counts).toMatchObject({ patients: 1, merged: 1 });
  });
});

describe("createCampaignFromRows: credits", () => {
  const now = new Date("2026-11-23T15:00:00Z");

  async function snapshot(workspaceId: string) {
    const tables = ["campaigns", "patients", "messages", "outbox", "contacts", "credit_ledger_entries", "audit_logs"];
    const out: Record<string, number> = {};
    for (const table of tables) out[table] = await count(t.orm, `select 1 from ${table} where workspace_id = ?`, [workspaceId]);
    return out;
  }

  it("not enough credits: InsufficientCreditsError with needed/available/shortfall, nothing changed", async () => {
    const tenant = await makeTenant(t.orm, { credits: 5 });
    const before = await snapshot(tenant.workspaceId);
    const rows = Array.from({ length: 10 }, () => row({ appointmentAt: now }));
    const err = await createCampaignFromRows(t.orm, base(tenant, rows, now)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsufficientCreditsError);
    expect(err).toBeInstanceOf(LedgerInsufficientCreditsError);
    expect(err).toMatchObject({ needed: 20, available: 5, shortfall: 15 });
    expect((err as Error).message).toMatch(/faltan 15/);
    expect(await snapshot(tenant.workspaceId)).toEqual(before);
  });

  it("the shortfall counts the whole campaign when holds span several batches", async () => {
    const tenant = await makeTenant(t.orm, { credits: 20_001 });
    const rows = Array.from({ length: 12_000 }, (_, i) => ({ name: `Paciente ${i}`, phone: `+5939881${String(i).padStart(5, "0")}`, consent: true, appointmentAt: now }));
    const before = await snapshot(tenant.workspaceId);
    const err = await createCampaignFromRows(t.orm, base(tenant, rows, now)).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "InsufficientCreditsError", needed: 24_000, available: 20_001, shortfall: 3_999 });
    expect(await snapshot(tenant.workspaceId)).toEqual(before);
  }, 60_000);

  it("the preview shows the same counts and the shortfall without writing anything", async () => {
    const tenant = await makeTenant(t.orm, { credits: 5 });
    const rows = [...Array.from({ length: 4 }, () => row({ appointmentAt: now })), row({ appointmentAt: now, consent: false })];
    const before = await snapshot(tenant.workspaceId);
    const preview = await previewCampaignFromRows(t.orm, base(tenant, rows, now));
    expect(preview.counts).toMatchObject({ patients: 5, scheduled: 4, skipped: 1, skippedBy: { NO_CONSENT: 1 } });
    expect(preview.credits).toEqual({ needed: 8, available: 5, shortfall: 3, unlimited: false });
    expect(await snapshot(tenant.workspaceId)).toEqual(before);
  });

  it("ENTERPRISE is never short of credits", async () => {
    const tenant = await makeTenant(t.orm, { plan: "ENTERPRISE", credits: 0 });
    const r = await createCampaignFromRows(t.orm, base(tenant, [row({ appointmentAt: now })], now));
    expect(r.counts.scheduled).toBe(1);
  });
});

describe("createCampaignFromRows: credits held per patient", () => {
  const now = new Date("2026-11-23T15:00:00Z");

  it("each hold is the INITIAL's segments with its real link plus the larger follow-up, whatever the name", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100_000 });
    // First names that move the INITIAL across segment boundaries, in GSM-7 and in UCS-2
    // (accents, emoji, the € of the extension table), on SMS and on WhatsApp.
    const names = [
      ...Array.from({ length: 40 }, (_, k) => `${"Ana".repeat(1 + k)} Peña`),
      ...Array.from({ length: 30 }, (_, k) => `${"Jose".repeat(1 + k)} Perez`),
      ...Array.from({ length: 10 }, (_, k) => `${"😀".repeat(1 + 3 * k)} Ríos`),
      ...Array.from({ length: 10 }, (_, k) => `${"€".repeat(1 + 5 * k)} Ríos`),
      "Zoë",
      "Ñusta",
    ];
    const rows = names.flatMap((name, i) => [
      row({ name, appointmentAt: now, channel: "SMS", appointmentType: i % 2 ? "control" : null }),
      row({ name, appointmentAt: now, channel: "WHATSAPP" }),
    ]);
    const r = await createCampaignFromRows(t.orm, base(tenant, rows, now));
    expect(r.counts.scheduled).toBe(rows.length);
    const messages = await t.orm.em.fork().execute<{ id: string; channel: "SMS" | "WHATSAPP"; body: string; credits_held: number }[]>(
      "select id, channel, body, credits_held from messages where campaign_id = ?",
      [r.campaignId],
    );
    const stub = `${PUBLIC_URL}/x/${"x".repeat(43)}`;
    const followUps = DEFAULT_TEMPLATES.filter((x) => x.type === "FOLLOWUP_HAPPY" || x.type === "FOLLOWUP_UNHAPPY").map((x) =>
      renderTemplate(x.body, { ratingLink: stub, reviewLink: stub, feedbackLink: stub }),
    );
    const held = new Map(r.patients.map((p) => [p.messageId, p.creditsHeld]));
    const segments = new Set<number>();
    for (const m of messages) {
      const expected = creditsToHoldForPatient({ channel: m.channel, initialText: m.body, followUpText: followUps });
      expect({ id: m.id, credits: m.credits_held }).toEqual({ id: m.id, credits: expected });
      expect(held.get(m.id)).toBe(expected);
      if (m.channel === "SMS") segments.add(countSegments(m.body).segments);
    }
    // The names did cross segment boundaries.
    expect(segments.size).toBeGreaterThanOrEqual(3);
    const holds = await t.orm.em.fork().execute<{ reference: string; amount: number }[]>("select reference, amount from credit_ledger_entries where workspace_id = ? and kind = 'hold'", [tenant.workspaceId]);
    expect(new Map(holds.map((h) => [h.reference, -h.amount]))).toEqual(new Map(messages.map((m) => [`message:${m.id}`, m.credits_held])));
  }, 60_000);

  it("WhatsApp content variables are the first name, doctor (empty without one), practice and the rating link", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const r = await createCampaignFromRows(t.orm, { ...base(tenant, [row({ name: "  María José  Ortiz", appointmentAt: now, channel: "WHATSAPP" }), row({ appointmentAt: now, channel: "SMS" })], now), assignedDoctorId: null });
    const [m] = await t.orm.em.fork().execute<{ content_variables: Record<string, string>; to_address: string; token: string }[]>(
      "select m.content_variables, m.to_address, p.public_token as token from messages m join patients p on p.id = m.patient_id where m.campaign_id = ? and m.channel = 'WHATSAPP'",
      [r.campaignId],
    );
    expect(m!.content_variables).toEqual({ "1": "María", "2": "", "3": expect.any(String), "4": `${PUBLIC_URL}/q/${m!.token}` });
    expect(m!.to_address).toMatch(/^whatsapp:\+593/);
    expect(await count(t.orm, "select id from outbox where workspace_id = ?", [tenant.workspaceId])).toBe(2);
  });
});

describe("createCampaignFromRows: input from another workspace", () => {
  it("a practice or doctor of another workspace is refused", async () => {
    const a = await makeTenant(t.orm);
    const b = await makeTenant(t.orm);
    const now = new Date();
    await expect(createCampaignFromRows(t.orm, { ...base(a, [row({ appointmentAt: now })], now), practiceId: b.practiceId })).rejects.toMatchObject({ code: "PRACTICE_NOT_FOUND" });
    await expect(createCampaignFromRows(t.orm, { ...base(a, [row({ appointmentAt: now })], now), assignedDoctorId: b.doctorId })).rejects.toMatchObject({ code: "DOCTOR_NOT_FOUND" });
    await expect(createCampaignFromRows(t.orm, base(a, [{ ...row({ appointmentAt: now }), phone: "0987" }], now))).rejects.toBeInstanceOf(CampaignInputError);
    expect(await count(t.orm, "select 1 from campaigns where workspace_id = ?", [a.workspaceId])).toBe(0);
  });
});

describe("sendToOnePatient", () => {
  it("one patient, due now, through the same path (message, hold, outbox)", async () => {
    const tenant = await makeTenant(t.orm, { credits: 10 });
    const now = new Date("2026-11-23T16:00:00Z"); // 11:00 local
    const r = await sendToOnePatient(t.orm, {
      workspaceId: tenant.workspaceId,
      practiceId: tenant.practiceId,
      assignedDoctorId: tenant.doctorId,
      createdById: tenant.ownerId,
      name: "  Juan   Pérez ",
      phone: "098 765 4399",
      consent: true,
      publicUrl: PUBLIC_URL,
      now,
    });
    expect(r.patient).toMatchObject({ status: "SCHEDULED", phone: "+593987654399", sendAt: now });
    const em = t.orm.em.fork();
    const [msg] = await em.execute<{ body: string }[]>("select body from messages where id = ?", [r.patient.messageId]);
    expect(msg!.body).toMatch(/^Hola Juan, ¿cómo calificarías tu visita con Dra\. Peña/);
    const [out] = await em.execute<{ available_at: Date }[]>("select available_at from outbox where workspace_id = ?", [tenant.workspaceId]);
    expect(new Date(out!.available_at)).toEqual(now);
    const [audit] = await em.execute<{ details: { source: string } }[]>("select details from audit_logs where workspace_id = ?", [tenant.workspaceId]);
    expect(audit!.details.source).toBe("single");
  });

  it("refuses a number of a country the workspace does not send to, saying why; the owner's addition lets it through", async () => {
    const tenant = await makeTenant(t.orm, { credits: 10 });
    const now = new Date("2026-11-23T16:00:00Z");
    const input = { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: null, createdById: tenant.ownerId, name: "Ana", consent: true, publicUrl: PUBLIC_URL, now };
    const err = await sendToOnePatient(t.orm, { ...input, phone: "+57 300 123 4567" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CampaignInputError);
    expect(err).toMatchObject({ code: "DESTINATION_NOT_ALLOWED", field: "phone" });
    expect((err as Error).message).toContain("País de destino no permitido (CO)");
    expect(formatCoded("en", (err as CampaignInputError).text)).toContain("Destination country not allowed (CO)");
    expect(await count(t.orm, "select 1 from messages where workspace_id = ?", [tenant.workspaceId])).toBe(0);

    await t.orm.em.fork().execute(`update workspaces set extra_destination_countries = '["CO"]' where id = ?`, [tenant.workspaceId]);
    const r = await sendToOnePatient(t.orm, { ...input, phone: "+57 300 123 4567" });
    expect(r.patient.phone).toBe("+573001234567");
  });

  it("refuses a landline, an invalid number and missing consent with a Spanish message", async () => {
    const tenant = await makeTenant(t.orm);
    const input = { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: null, createdById: tenant.ownerId, name: "Ana", consent: true, publicUrl: PUBLIC_URL };
    await expect(sendToOnePatient(t.orm, { ...input, phone: "02 234 5678" })).rejects.toMatchObject({ code: "INVALID_PHONE", message: expect.stringMatching(/fijo/) });
    await expect(sendToOnePatient(t.orm, { ...input, phone: "12" })).rejects.toMatchObject({ code: "INVALID_PHONE" });
    await expect(sendToOnePatient(t.orm, { ...input, phone: "0987654398", consent: false })).rejects.toMatchObject({ code: "CONSENT_REQUIRED" });
    expect(await count(t.orm, "select 1 from campaigns where workspace_id = ?", [tenant.workspaceId])).toBe(0);
  });
});
