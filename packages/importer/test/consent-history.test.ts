// Consent is provable (SPEC §13): every grant and withdrawal of a contact's consent is an event that is
// only ever appended — the uploader's attestation at import, an opt-out by reply through the inbound
// handler, a staff opt-back-in with the patient's evidence — and a file without a consent column is
// never imported silently as never-to-be-messaged.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueOutbox } from "@rm/db";
import { ManualClock } from "@rm/domain";
import { twilioInboundEvent } from "@rm/events";
import { erasePatient, optInPatient, optOutPatient, patientConsentHistory } from "@rm/campaigns";
import { consentHistory, createReplyProcessor, storeInbound, type HandlerDeps } from "@rm/messaging";
import {
  CampaignInputError,
  confirmCampaignDraft,
  createCampaignDraft,
  createCampaignFromRows,
  parsePatientCsv,
  sendToOnePatient,
  SINGLE_SEND_CONSENT_EVIDENCE,
  type CampaignRowInput,
  type PatientCsvResult,
} from "../src/index.ts";
import { createTestOrm, type TestOrm } from "@rm/test-utils";
import { count, makeTenant, type Tenant } from "./helpers.ts";

const PUBLIC_URL = "https://rm.example";
const HOUR = 3_600_000;
// 08:00 in Guayaquil on the day of the appointments.
const now = new Date("2026-11-23T13:00:00Z");
const ATTESTATION = "Confirmo que estos pacientes aceptaron recibir mensajes de este consultorio (solicitudes de calificación por WhatsApp o SMS).";
const SENDER = "whatsapp:+15550001111";
let t: TestOrm;

beforeAll(async () => {
  t = await createTestOrm(12);
});
afterAll(async () => t?.close());

const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => t.orm.em.fork().execute<T[]>(q, params);

async function csv(lines: string[]): Promise<PatientCsvResult> {
  return parsePatientCsv(Buffer.from(lines.join("\r\n") + "\r\n", "utf8"));
}

async function draft(tenant: Tenant, parsed: PatientCsvResult): Promise<string> {
  const { campaignId } = await createCampaignDraft(t.orm, {
    workspaceId: tenant.workspaceId,
    practiceId: tenant.practiceId,
    assignedDoctorId: tenant.doctorId,
    createdById: tenant.ownerId,
    name: "Lunes",
    scheduledHoursAfter: 2,
    parsed,
    fileName: "citas.csv",
    now,
  });
  return campaignId;
}

const confirm = (tenant: Tenant, campaignId: string, consentAttestation?: string) =>
  confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now, ...(consentAttestation ? { consentAttestation } : {}) });

/** The patient's WhatsApp reply, stored and read by the worker's inbound handler as in production. */
async function replyFrom(phone: string, body: string, at: Date): Promise<void> {
  const clock = new ManualClock(at.toISOString());
  const logger = { info: () => {}, warn: () => {}, error: () => {} };
  const deps: HandlerDeps = { orm: t.orm, clock, logger, onInboundRouted: createReplyProcessor({ logger, feedback: { publicUrl: PUBLIC_URL } }) };
  const sid = `SM${randomBytes(16).toString("hex")}`;
  const key = twilioInboundEvent.key(sid);
  const params = { MessageSid: sid, From: `whatsapp:${phone}`, To: SENDER, Body: body };
  const em = t.orm.em.fork();
  await enqueueOutbox(em, { workspaceId: null, stream: "inbound", type: "twilio.inbound", payload: { params }, idempotencyKey: key, availableAt: at });
  const [row] = await em.execute<{ id: string; payload: unknown }[]>("update outbox set status = 'published', published_at = ? where idempotency_key = ? returning id::text as id, payload", [at, key]);
  await storeInbound(deps, { outboxId: row!.id, type: "twilio.inbound", workspaceId: null, payload: JSON.stringify(row!.payload), traceparent: "" });
  const [inbound] = await sql<{ intent: string }>("select intent from inbound_messages where provider_sid = ?", [sid]);
  expect(inbound?.intent).toBe("OPT_OUT");
}

describe("a contact's consent history", () => {
  it("lists the import attestation, the opt-out by reply STOP and the staff opt-in with its evidence, in order", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    // A practice's export without a consent column.
    const campaignId = await draft(tenant, await csv(["nombre,telefono,fecha", "Ana Peña,0991000101,23/11/2026 10:00"]));
    const confirmed = await confirm(tenant, campaignId, ATTESTATION);
    expect(confirmed.result!.counts).toMatchObject({ patients: 1, scheduled: 1 });
    const [patient] = await sql<{ id: string; contact_id: string; phone: string }>("select id, contact_id, phone from patients where campaign_id = ?", [campaignId]);
    // The contact came from a file (SPEC §16 sources), and is no lead.
    expect((await sql("select source, lead_status from contacts where id = ?", [patient!.contact_id]))[0]).toEqual({ source: "IMPORT", lead_status: null });
    // The rating request went out from our WhatsApp sender (the reply routes by it).
    await sql("update messages set status = 'SENT', from_address = ?, sent_at = ?, send_attempted_at = ? where patient_id = ?", [SENDER, now, now, patient!.id]);

    await replyFrom(patient!.phone, "STOP", new Date(now.getTime() + HOUR));
    const [optedOut] = await sql<{ opted_out_at: Date | null }>("select opted_out_at from contacts where id = ?", [patient!.contact_id]);
    expect(optedOut!.opted_out_at).not.toBeNull();

    const viewer = { userId: tenant.ownerId, role: "OWNER" as const };
    const input = { workspaceId: tenant.workspaceId, campaignId, patientId: patient!.id, viewer, now: new Date(now.getTime() + 2 * HOUR) };
    // Staff's word alone is no consent: without the patient's evidence nothing changes.
    expect(await optInPatient(t.orm.em.fork(), { ...input, evidence: "   " })).toEqual({ outcome: "evidence_required" });
    expect(await optInPatient(t.orm.em.fork(), { ...input, evidence: "Lo pidió en recepción el 23 de noviembre" })).toEqual({ outcome: "opted_in" });
    const [back] = await sql<{ opted_out_at: Date | null; whatsapp_consent_source: string }>("select opted_out_at, whatsapp_consent_source from contacts where id = ?", [patient!.contact_id]);
    expect(back).toEqual({ opted_out_at: null, whatsapp_consent_source: "STAFF" });

    const history = await consentHistory(t.orm.em.fork(), tenant.workspaceId, patient!.contact_id);
    expect(history.map(({ channel, purpose, action, source, at, actorId, actorName, evidence }) => ({ channel, purpose, action, source, at: at.toISOString(), actorId, actorName, evidence }))).toEqual([
      { channel: "WHATSAPP", purpose: "FEEDBACK_REQUESTS", action: "GRANTED", source: "IMPORT", at: now.toISOString(), actorId: tenant.ownerId, actorName: "Dueña", evidence: ATTESTATION },
      { channel: "WHATSAPP", purpose: "FEEDBACK_REQUESTS", action: "WITHDRAWN", source: "REPLY", at: new Date(now.getTime() + HOUR).toISOString(), actorId: null, actorName: null, evidence: "STOP" },
      {
        channel: "WHATSAPP",
        purpose: "FEEDBACK_REQUESTS",
        action: "GRANTED",
        source: "STAFF",
        at: new Date(now.getTime() + 2 * HOUR).toISOString(),
        actorId: tenant.ownerId,
        actorName: "Dueña",
        evidence: "Lo pidió en recepción el 23 de noviembre",
      },
    ]);
    // The campaign page's patient detail reads the same history, for those who may open the campaign only.
    expect(await patientConsentHistory(t.orm.em.fork(), { workspaceId: tenant.workspaceId, campaignId, patientId: patient!.id, viewer })).toEqual(history);
    const other = await makeTenant(t.orm);
    expect(await patientConsentHistory(t.orm.em.fork(), { workspaceId: other.workspaceId, campaignId, patientId: patient!.id, viewer: { userId: other.ownerId, role: "OWNER" } })).toBeNull();
    expect(await consentHistory(t.orm.em.fork(), other.workspaceId, patient!.contact_id)).toEqual([]);
  });

  it("is append-only: an update is refused; erasure keeps the events and clears their evidence", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const campaignId = await draft(tenant, await csv(["nombre,telefono,fecha", "Beto Ruiz,0991000102,23/11/2026 10:00"]));
    await confirm(tenant, campaignId, ATTESTATION);
    const [patient] = await sql<{ id: string; contact_id: string }>("select id, contact_id from patients where campaign_id = ?", [campaignId]);
    const viewer = { userId: tenant.ownerId, role: "OWNER" as const };
    const input = { workspaceId: tenant.workspaceId, campaignId, patientId: patient!.id, viewer };
    expect(await optOutPatient(t.orm.em.fork(), { ...input, now: new Date(now.getTime() + HOUR) })).toMatchObject({ outcome: "opted_out" });

    await expect(sql("update consent_events set action = 'GRANTED' where contact_id = ?", [patient!.contact_id])).rejects.toThrow(/append-only/);
    await expect(sql("update consent_events set evidence = 'otra cosa' where contact_id = ?", [patient!.contact_id])).rejects.toThrow(/append-only/);

    expect(await erasePatient(t.orm.em.fork(), { ...input, now: new Date(now.getTime() + 2 * HOUR) })).toMatchObject({ outcome: "erased" });
    const history = await consentHistory(t.orm.em.fork(), tenant.workspaceId, patient!.contact_id);
    // The import's grant, then staff's opt-out on both channels; who and when stay, no text does.
    expect(history.map((e) => [e.action, e.source, e.channel, e.actorId, e.evidence])).toEqual([
      ["GRANTED", "IMPORT", "WHATSAPP", tenant.ownerId, null],
      ["WITHDRAWN", "STAFF", "WHATSAPP", tenant.ownerId, null],
      ["WITHDRAWN", "STAFF", "SMS", tenant.ownerId, null],
    ]);
  });
});

describe("a file without a consent column", () => {
  it("is refused at confirm without the uploader's attestation, and nothing is imported", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const campaignId = await draft(tenant, await csv(["nombre,telefono,fecha", "Carla Mora,0991000103,23/11/2026 10:00", "Dario Vera,0991000104,23/11/2026 11:00"]));
    const err = await confirm(tenant, campaignId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CampaignInputError);
    expect(err).toMatchObject({ code: "CONSENT_ATTESTATION_REQUIRED", field: "consentAttested" });
    expect((err as Error).message).toMatch(/no tiene columna de consentimiento/);
    const [c] = await sql<{ status: string }>("select status from campaigns where id = ?", [campaignId]);
    expect(c!.status).toBe("DRAFT");
    expect(await count(t.orm, "select 1 from patients where campaign_id = ?", [campaignId])).toBe(0);
    expect(await count(t.orm, "select 1 from contacts where workspace_id = ?", [tenant.workspaceId])).toBe(0);
    expect(await count(t.orm, "select 1 from consent_events where workspace_id = ?", [tenant.workspaceId])).toBe(0);

    // With it, everyone is imported as consenting (not skipped NO_CONSENT) and the attestation is on record.
    const done = await confirm(tenant, campaignId, ATTESTATION);
    expect(done.result!.counts).toMatchObject({ patients: 2, scheduled: 2, skipped: 0 });
    const events = await sql<{ source: string; actor_id: string; evidence: string }>("select source, actor_id, evidence from consent_events where workspace_id = ?", [tenant.workspaceId]);
    expect(events).toEqual([
      { source: "IMPORT", actor_id: tenant.ownerId, evidence: ATTESTATION },
      { source: "IMPORT", actor_id: tenant.ownerId, evidence: ATTESTATION },
    ]);
  });

  it("a file with a consent column needs no attestation: only its «sí» rows get a grant, naming the file", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const campaignId = await draft(tenant, await csv(["nombre,telefono,fecha,consentimiento", "Elena Paz,0991000105,23/11/2026 10:00,si", "Fabio Lara,0991000106,23/11/2026 10:00,no"]));
    const done = await confirm(tenant, campaignId);
    expect(done.result!.counts).toMatchObject({ patients: 2, scheduled: 1, skippedBy: { NO_CONSENT: 1 } });
    const events = await sql<{ phone: string; action: string; evidence: string }>(
      "select c.phone, e.action, e.evidence from consent_events e join contacts c on c.id = e.contact_id where e.workspace_id = ?",
      [tenant.workspaceId],
    );
    expect(events).toEqual([{ phone: "+593991000105", action: "GRANTED", evidence: "Columna de consentimiento del archivo «citas.csv»" }]);
  });
});

describe("import grants", () => {
  it("a file's «sí» does not undo a patient's opt-out: no grant is recorded for them, one is for the others", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const first = await draft(tenant, await csv(["nombre,telefono,fecha,consentimiento", "Hilda Paz,0991000107,23/11/2026 10:00,si", "Ivan Sol,0991000108,23/11/2026 10:00,si"]));
    await confirm(tenant, first);
    const [hilda] = await sql<{ id: string; contact_id: string }>("select id, contact_id from patients where campaign_id = ? and name = 'Hilda Paz'", [first]);
    await optOutPatient(t.orm.em.fork(), { workspaceId: tenant.workspaceId, campaignId: first, patientId: hilda!.id, viewer: { userId: tenant.ownerId, role: "OWNER" }, now: new Date(now.getTime() + HOUR) });

    const second = await draft(tenant, await csv(["nombre,telefono,fecha,consentimiento", "Hilda Paz,0991000107,23/11/2026 11:00,si", "Ivan Sol,0991000108,23/11/2026 11:00,si"]));
    await confirmCampaignDraft(t.orm, { workspaceId: tenant.workspaceId, campaignId: second, confirmedById: tenant.ownerId, publicUrl: PUBLIC_URL, now: new Date(now.getTime() + 2 * HOUR) });
    const rows = await sql<{ phone: string; action: string; source: string; n: number }>(
      "select c.phone, e.action, e.source, count(*)::int as n from consent_events e join contacts c on c.id = e.contact_id where e.workspace_id = ? group by 1, 2, 3 order by 1, 2, 3",
      [tenant.workspaceId],
    );
    expect(rows).toEqual([
      { phone: "+593991000107", action: "GRANTED", source: "IMPORT", n: 1 },
      { phone: "+593991000107", action: "WITHDRAWN", source: "STAFF", n: 2 },
      { phone: "+593991000108", action: "GRANTED", source: "IMPORT", n: 2 },
    ]);
  });

  it("a patient entered by hand is a grant by staff, the user who sent it as actor", async () => {
    const tenant = await makeTenant(t.orm, { credits: 100 });
    const sent = await sendToOnePatient(t.orm, { workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: null, createdById: tenant.doctorId, name: "Julia Ramos", phone: "0991000109", consent: true, publicUrl: PUBLIC_URL, now });
    const events = await sql<{ action: string; source: string; actor_id: string; evidence: string }>("select action, source, actor_id, evidence from consent_events where workspace_id = ?", [tenant.workspaceId]);
    expect(sent.patient.status).toBe("SCHEDULED");
    expect(events).toEqual([{ action: "GRANTED", source: "STAFF", actor_id: tenant.doctorId, evidence: SINGLE_SEND_CONSENT_EVIDENCE }]);
  });
});

describe("the import's statements", () => {
  /** Every statement the import sends to PostgreSQL, counted at the driver. */
  async function statementsOf(run: () => Promise<unknown>): Promise<number> {
    const original = pg.Client.prototype.query;
    let n = 0;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      // The statistics refresh after the commit (decision 041) is not part of the import's transaction.
      const text = typeof args[0] === "string" ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? "");
      if (!/^analyze |from pg_class where relnamespace/.test(text)) n++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      await run();
    } finally {
      pg.Client.prototype.query = original;
    }
    return n;
  }

  const rows = (n: number, first: number): CampaignRowInput[] =>
    Array.from({ length: n }, (_, i) => ({ name: "Ana Peña", phone: `+5939${String(first + i).padStart(8, "0")}`, appointmentAt: new Date(now.getTime() - HOUR), consent: true }));

  it("an import of consenting rows sends as many statements per batch of 10,000 rows as before the consent events (one more batch: three more)", async () => {
    const tenant = await makeTenant(t.orm, { plan: "ENTERPRISE", credits: 0 });
    const input = (r: CampaignRowInput[]) => ({ workspaceId: tenant.workspaceId, practiceId: tenant.practiceId, assignedDoctorId: tenant.doctorId, createdById: tenant.ownerId, name: "Lote", rows: r, publicUrl: PUBLIC_URL, now });
    const one = await statementsOf(() => createCampaignFromRows(t.orm, input(rows(2, 80_000_000))));
    const two = await statementsOf(() => createCampaignFromRows(t.orm, input(rows(10_002, 81_000_000))));
    expect(one).toBeGreaterThan(5);
    // Measured on the code before consent events: 3 statements per extra batch (contacts, patients, messages).
    expect(two - one).toBe(3);
    expect(await count(t.orm, "select 1 from consent_events where workspace_id = ?", [tenant.workspaceId])).toBe(10_004);
  }, 120_000);
});
