// PUT and DELETE /appointments/{external_id} (SPEC §15). An appointment is one patient row in the
// practice's and doctor's rolling campaign, created by the upload's own pipeline
// (createCampaignFromRows: consent, opt-out, cooldown, quiet hours, credit hold, outbox row), so the
// API follows every rule of a CSV import. A PUT with the body already stored changes nothing (a
// retry); another body replaces a request not yet sent — its hold released and its outbox row
// cancelled in the same transaction as the new one is scheduled — which is how a reschedule moves it.
import { createHash } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { workspaceSendingSettings } from "@rm/accounts";
import { cancelPatientRequest } from "@rm/campaigns";
import { outboxDueTimes } from "@rm/db";
import { destinationRejection, normalizePhone, type PlatformSending } from "@rm/domain";
import { messageSendEvent } from "@rm/events";
import { CampaignInputError, createCampaignFromRows, InsufficientCreditsError, SendBlockedError } from "@rm/importer";
import { patientRequestStatus } from "@rm/messaging";
import { ApiProblem } from "./problem.ts";
import type { Appointment, AppointmentInput } from "./schemas.ts";

type CountryCode = NonNullable<Parameters<typeof normalizePhone>[1]>;

export interface ApiCallContext {
  workspaceId: string;
  /** The key's creator. */
  actorId: string;
  now: Date;
  publicUrl: string;
  platform?: PlatformSending | undefined;
  ip: string | null;
}

interface AppointmentRow {
  id: string;
  external_id: string;
  practice_id: string;
  doctor_id: string | null;
  campaign_id: string;
  patient_id: string;
  message_id: string | null;
  appointment_at: Date;
  status: "SCHEDULED" | "SKIPPED" | "CANCELLED";
  skip_reason: string | null;
  request_hash: string;
  created_at: Date;
  updated_at: Date;
}

/** JSON with sorted keys: the same body in any key order hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

const REPLACED_TEXT = "Cita reprogramada por la API";
const CANCELLED_TEXT = "Cita cancelada por la API";

async function lockAppointment(em: EntityManager, workspaceId: string, externalId: string): Promise<AppointmentRow | null> {
  // Serializes two calls for the same appointment (a retry racing the original), also before the row exists.
  await em.execute("select pg_advisory_xact_lock(hashtextextended(?, 0))", [`api_appointments:${workspaceId}:${externalId}`]);
  const rows = await em.execute<AppointmentRow[]>("select * from api_appointments where workspace_id = ? and external_id = ? for update", [workspaceId, externalId]);
  return rows[0] ?? null;
}

async function view(em: EntityManager, workspaceId: string, row: AppointmentRow): Promise<Appointment> {
  let status: Appointment["status"] = row.status === "CANCELLED" ? "cancelled" : row.status === "SKIPPED" ? "skipped" : "scheduled";
  let sendAt: Date | null = null;
  if (status === "scheduled" && row.message_id) {
    const requestStatus = await patientRequestStatus(em, workspaceId, row.patient_id);
    if (requestStatus === "PENDING") {
      const key = messageSendEvent.key(row.message_id);
      sendAt = (await outboxDueTimes(em, workspaceId, [key])).get(key) ?? null;
    } else if (requestStatus === "CANCELED") status = "cancelled";
    else status = "sent";
  }
  return {
    external_id: row.external_id,
    status,
    skip_reason: row.skip_reason,
    practice_id: row.practice_id,
    doctor_id: row.doctor_id,
    appointment_at: new Date(row.appointment_at).toISOString(),
    send_at: sendAt ? sendAt.toISOString() : null,
    campaign_id: row.campaign_id,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

function toProblem(err: unknown): never {
  if (err instanceof InsufficientCreditsError) throw new ApiProblem("insufficient_credits", `Needed ${err.needed}, available ${err.available}.`);
  if (err instanceof SendBlockedError) throw new ApiProblem("send_blocked", err.blockers.map((b) => b.en).join(" "));
  if (err instanceof CampaignInputError) {
    if (err.code === "PRACTICE_NOT_FOUND") throw new ApiProblem("practice_not_found");
    if (err.code === "DOCTOR_NOT_FOUND") throw new ApiProblem("doctor_not_found");
    if (err.code === "INVALID_PHONE") throw new ApiProblem("invalid_phone");
    throw new ApiProblem("validation_failed", err.code);
  }
  throw err;
}

/** The request of a stored appointment may still be replaced or cancelled (not handed to the provider yet). */
async function assertNotSent(em: EntityManager, workspaceId: string, row: AppointmentRow): Promise<void> {
  const status = await patientRequestStatus(em, workspaceId, row.patient_id);
  if (status !== null && status !== "PENDING" && status !== "CANCELED") throw new ApiProblem("appointment_already_sent", `The rating request is ${status}.`);
}

export async function putAppointment(em: EntityManager, ctx: ApiCallContext, externalId: string, input: AppointmentInput): Promise<{ status: 200 | 201; body: Appointment }> {
  const hash = sha256(canonicalJson(input));
  return em.transactional(async (tem) => {
    const existing = await lockAppointment(tem, ctx.workspaceId, externalId);
    if (existing && existing.request_hash === hash) return { status: 200 as const, body: await view(tem, ctx.workspaceId, existing) };
    if (existing && existing.status !== "CANCELLED") {
      await assertNotSent(tem, ctx.workspaceId, existing);
      await cancelPatientRequest(tem, { workspaceId: ctx.workspaceId, patientId: existing.patient_id, reason: REPLACED_TEXT, now: ctx.now });
    }

    const ws = await workspaceSendingSettings(tem, ctx.workspaceId);
    if (!ws) throw new ApiProblem("not_found");
    const phone = normalizePhone(input.patient.phone, ws.destination.ownCountry as CountryCode);
    if (!phone.ok) throw new ApiProblem("invalid_phone", phone.reason);
    const rejected = destinationRejection(phone.e164, ws.destination);
    if (rejected) throw new ApiProblem("destination_not_allowed", rejected.en);
    const doctorId = input.doctor_id ?? null;
    const result = await createCampaignFromRows(tem, {
      workspaceId: ctx.workspaceId,
      practiceId: input.practice_id,
      assignedDoctorId: doctorId,
      createdById: ctx.actorId,
      name: "Citas de la API",
      rollingKey: `api:${input.practice_id}:${doctorId ?? "-"}`,
      ...(input.channel ? { channel: input.channel } : {}),
      rows: [
        {
          name: input.patient.name,
          phone: phone.e164,
          reachable: phone.reachable,
          appointmentAt: new Date(input.appointment_at),
          appointmentType: input.appointment_type ?? null,
          consent: input.consent,
          email: input.patient.email ?? null,
          language: input.patient.language ?? null,
        },
      ],
      publicUrl: ctx.publicUrl,
      now: ctx.now,
      ip: ctx.ip,
      source: "api",
      consentGrant: { source: "API", evidence: null },
      ...(ctx.platform ? { platform: ctx.platform } : {}),
    }).catch(toProblem);
    const patient = result.patients[0]!;
    const [row] = await tem.execute<AppointmentRow[]>(
      `insert into api_appointments (workspace_id, external_id, practice_id, doctor_id, campaign_id, patient_id, message_id, phone, appointment_at, status, skip_reason, request_hash, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (workspace_id, external_id) do update set practice_id = excluded.practice_id, doctor_id = excluded.doctor_id, campaign_id = excluded.campaign_id,
              patient_id = excluded.patient_id, message_id = excluded.message_id, phone = excluded.phone, appointment_at = excluded.appointment_at,
              status = excluded.status, skip_reason = excluded.skip_reason, request_hash = excluded.request_hash, updated_at = excluded.updated_at
       returning *`,
      [ctx.workspaceId, externalId, input.practice_id, doctorId, result.campaignId, patient.patientId, patient.messageId, phone.e164, new Date(input.appointment_at), patient.status, patient.skipReason, hash, ctx.now, ctx.now],
    );
    return { status: existing ? (200 as const) : (201 as const), body: await view(tem, ctx.workspaceId, row!) };
  });
}

export async function cancelAppointment(em: EntityManager, ctx: ApiCallContext, externalId: string): Promise<Appointment> {
  return em.transactional(async (tem) => {
    const existing = await lockAppointment(tem, ctx.workspaceId, externalId);
    if (!existing) throw new ApiProblem("not_found", "No appointment with this external_id.");
    if (existing.status === "CANCELLED") return view(tem, ctx.workspaceId, existing);
    await assertNotSent(tem, ctx.workspaceId, existing);
    await cancelPatientRequest(tem, { workspaceId: ctx.workspaceId, patientId: existing.patient_id, reason: CANCELLED_TEXT, now: ctx.now });
    const [row] = await tem.execute<AppointmentRow[]>(
      // A new hash: a PUT of the old body after a cancel schedules the appointment again.
      "update api_appointments set status = 'CANCELLED', request_hash = '', updated_at = ? where id = ? returning *",
      [ctx.now, existing.id],
    );
    return view(tem, ctx.workspaceId, row!);
  });
}
