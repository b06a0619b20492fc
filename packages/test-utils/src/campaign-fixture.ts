// Campaigns in given states inside an existing workspace, for the campaign pages' tests: each patient
// is written where the real flow would have left it — contact, patient, INITIAL message with its
// credit hold (and its outbox row while it waits), the charge once the provider took it (the
// follow-up's share still held, as the send step leaves it), rating, follow-up, review click,
// feedback, opt-out. One transaction per campaign.
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { enqueueOutbox } from "@rm/db";
import { deductCredits, holdCredits } from "@rm/credits";
import { messageSendEvent } from "@rm/events";

export type FixturePatientState = "scheduled" | "sent" | "delivered" | "read" | "rated" | "failed" | "skipped" | "cancelled";

export interface FixturePatient {
  name: string;
  /** E.164. */
  phone: string;
  state: FixturePatientState;
  channel?: "SMS" | "WHATSAPP";
  /** For "rated" (and a rated patient's follow-up): 1–5. */
  rating?: number;
  /** For "skipped": NO_CONSENT, COOLDOWN, APPOINTMENT_TOO_OLD… */
  skipReason?: string;
  /** For "failed": Twilio code and the Spanish explanation the send step records. */
  errorCode?: number;
  errorText?: string;
  clicked?: boolean;
  feedback?: string;
  optedOut?: boolean;
  /** A reply text stored as the patient's inbound message (with "rated"). */
  replyText?: string;
}

export interface FixtureCampaign {
  workspaceId: string;
  practiceId: string;
  createdById: string;
  assignedDoctorId: string | null;
  name: string;
  status: "DRAFT" | "ACTIVE" | "COMPLETED" | "CANCELLED";
  /** Appointment time of the first patient; each next one 15 minutes later. Steps follow it by minutes. */
  appointmentsFrom: Date;
  createdAt?: Date;
  patients: readonly FixturePatient[];
  /** Credits each scheduled request holds (initial + follow-up share). Default 2. */
  holdPerRequest?: number;
}

export interface FixtureResult {
  campaignId: string;
  patientIds: string[];
  messageIds: (string | null)[];
}

const MIN = 60_000;

export async function addFixtureCampaign(orm: MikroORM, c: FixtureCampaign): Promise<FixtureResult> {
  const hold = c.holdPerRequest ?? 2;
  return orm.em.fork().transactional(async (em: EntityManager) => {
    const ws = c.workspaceId;
    const [campaign] = await em.execute<{ id: string }[]>(
      `insert into campaigns (workspace_id, practice_id, assigned_doctor_id, created_by_id, name, status, total_patients, skipped_patients, activated_at, cancelled_at, completed_at, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
      [
        ws, c.practiceId, c.assignedDoctorId, c.createdById, c.name, c.status, c.patients.length, c.patients.filter((p) => p.state === "skipped").length,
        c.status === "DRAFT" ? null : c.createdAt ?? new Date(), c.status === "CANCELLED" ? new Date() : null, c.status === "COMPLETED" ? new Date() : null, c.createdAt ?? new Date(),
      ],
    );
    const campaignId = campaign!.id;
    const patientIds: string[] = [];
    const messageIds: (string | null)[] = [];
    for (const [i, p] of c.patients.entries()) {
      const channel = p.channel ?? "WHATSAPP";
      const appt = new Date(c.appointmentsFrom.getTime() + i * 15 * MIN);
      const due = new Date(appt.getTime() + 120 * MIN);
      const at = (m: number) => new Date(due.getTime() + m * MIN);
      const [contact] = await em.execute<{ id: string }[]>(
        `insert into contacts (workspace_id, phone, whatsapp_consent_at, whatsapp_consent_source, sms_consent_at, sms_consent_source, opted_out_at, opted_out_source, last_asked_at)
         values (?, ?, ?, 'CSV_IMPORT', ?, 'CSV_IMPORT', ?, ?, ?)
         on conflict (workspace_id, phone) do update set updated_at = now() returning id`,
        [ws, p.phone, p.state === "skipped" && p.skipReason === "NO_CONSENT" ? null : appt, appt, p.optedOut ? at(90) : null, p.optedOut ? "WHATSAPP:BAJA" : null, p.state === "skipped" || p.state === "scheduled" ? null : at(0)],
      );
      const rated = p.state === "rated";
      const patientStatus = { scheduled: "SCHEDULED", sent: "SENT", delivered: "SENT", read: "SENT", rated: "RATED", failed: "FAILED", skipped: "SKIPPED", cancelled: "CANCELLED" }[p.state];
      const [patient] = await em.execute<{ id: string }[]>(
        `insert into patients (workspace_id, campaign_id, contact_id, name, phone, email, appointment_at, appointment_type, preferred_channel, consent, status, skip_reason, rating, rated_at, follow_up_sent_at, created_at, doctor_id)
         values (?, ?, ?, ?, ?, ?, ?, 'Limpieza', ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
        [
          ws, campaignId, contact!.id, p.name, p.phone, `${p.phone.slice(1)}@correo.example`, appt, channel, p.skipReason !== "NO_CONSENT", patientStatus,
          p.state === "skipped" ? (p.skipReason ?? "COOLDOWN") : p.state === "cancelled" ? "OPTED_OUT" : null,
          rated ? (p.rating ?? 5) : null, rated ? at(30) : null, rated ? at(30) : null, c.createdAt ?? new Date(), c.assignedDoctorId,
        ],
      );
      const patientId = patient!.id;
      patientIds.push(patientId);
      if (p.state === "skipped") {
        messageIds.push(null);
        continue;
      }
      const accepted = ["sent", "delivered", "read", "rated"].includes(p.state);
      const status = { scheduled: "PENDING", sent: "SENT", delivered: "DELIVERED", read: "READ", rated: "READ", failed: "FAILED", cancelled: "CANCELED" }[p.state];
      const address = channel === "WHATSAPP" ? `whatsapp:${p.phone}` : p.phone;
      const [message] = await em.execute<{ id: string }[]>(
        `insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, from_address, to_address, body, content_variables, segments, provider_sid,
                               error_code, error_text, send_attempted_at, sent_at, delivered_at, read_at, failed_at, replied_at, rating, credits_held, created_at)
         values (?, ?, ?, 'INITIAL', ?, ?, ?, ?, ?, ?::jsonb, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
        [
          ws, patientId, campaignId, channel, status, p.state === "scheduled" ? null : "whatsapp:+14155238886", address,
          `Hola ${p.name.split(" ")[0]}, ¿cómo calificaría su visita? Responda del 1 al 5.`, JSON.stringify({ 1: p.name.split(" ")[0] }),
          accepted || (p.state === "failed" && p.errorCode === 30008) ? `SM${patientId.replace(/-/g, "")}` : null,
          p.state === "failed" ? (p.errorCode ?? 21211) : null, p.state === "failed" ? (p.errorText ?? "Número no válido (21211)") : p.state === "cancelled" ? "Campaña cancelada" : null,
          p.state === "scheduled" || p.state === "cancelled" ? null : at(0), accepted ? at(1) : null,
          ["delivered", "read", "rated"].includes(p.state) ? at(2) : null, ["read", "rated"].includes(p.state) ? at(5) : null,
          p.state === "failed" ? at(1) : null, rated ? at(30) : null, rated ? (p.rating ?? 5) : null, p.state === "scheduled" ? hold : 0, c.createdAt ?? new Date(),
        ],
      );
      const messageId = message!.id;
      messageIds.push(messageId);
      if (p.state === "scheduled") {
        await holdCredits(em, { workspaceId: ws, amount: hold, reference: `message:${messageId}`, reason: "campaign" });
        await enqueueOutbox(em, { workspaceId: ws, stream: "dispatch", type: "message.send", payload: { messageId }, idempotencyKey: messageSendEvent.key(messageId), availableAt: due });
      } else {
        // The request's outbox row, long done: its due time is the timeline's "scheduled".
        await enqueueOutbox(em, { workspaceId: ws, stream: "dispatch", type: "message.send", payload: { messageId }, idempotencyKey: messageSendEvent.key(messageId), availableAt: due });
        await em.execute("update outbox set status = ?, done_at = ? where idempotency_key = ?", [p.state === "cancelled" ? "cancelled" : "done", at(1), messageSendEvent.key(messageId)], "run");
      }
      if (accepted) {
        await holdCredits(em, { workspaceId: ws, amount: hold, reference: `message:${messageId}`, reason: "campaign" });
        await deductCredits(em, { workspaceId: ws, amount: 1, reference: `message:${messageId}`, holdReference: `message:${messageId}`, keepRemainder: true });
      }
      if (rated) {
        const happy = (p.rating ?? 5) >= 4;
        const [inbound] = await em.execute<{ id: string }[]>(
          `insert into inbound_messages (workspace_id, patient_id, in_reply_to_id, provider_sid, channel, from_address, to_address, body, raw_params, intent, rating, received_at, processed_at)
           values (?, ?, ?, ?, ?, ?, 'whatsapp:+14155238886', ?, ?::jsonb, 'RATING', ?, ?, ?) returning id`,
          [ws, patientId, messageId, `SMin${patientId.replace(/-/g, "")}`, channel, address, p.replyText ?? String(p.rating ?? 5), JSON.stringify({ From: address, Body: p.replyText ?? String(p.rating ?? 5), ProfileName: p.name }), p.rating ?? 5, at(30), at(30)],
        );
        await em.execute(
          `insert into messages (workspace_id, patient_id, campaign_id, type, channel, status, from_address, to_address, body, segments, provider_sid, send_attempted_at, sent_at, delivered_at, created_at)
           values (?, ?, ?, ?, ?, 'DELIVERED', 'whatsapp:+14155238886', ?, ?, 1, ?, ?, ?, ?, ?)`,
          [ws, patientId, campaignId, happy ? "FOLLOWUP_HAPPY" : "FOLLOWUP_UNHAPPY", channel, address, `Gracias ${p.name.split(" ")[0]}.`, `SMfu${patientId.replace(/-/g, "")}`, at(31), at(31), at(32), at(31)],
        );
        if ((p.rating ?? 5) <= 2) {
          await em.execute("insert into feedback (workspace_id, patient_id, source, inbound_message_id, text, rating, status, created_at) values (?, ?, 'RATING', ?, '', ?, 'NEW', ?)", [ws, patientId, inbound!.id, p.rating, at(30)]);
        }
      }
      if (p.clicked) await em.execute("insert into review_clicks (workspace_id, patient_id, clicked_at, user_agent) values (?, ?, ?, 'Mozilla/5.0 (Linux; Android 10)')", [ws, patientId, at(40)]);
      if (p.feedback) {
        await em.execute("insert into feedback (workspace_id, patient_id, source, text, rating, status, staff_notes, created_at) values (?, ?, 'FORM', ?, ?, 'NEW', ?, ?)", [ws, patientId, p.feedback, p.rating ?? null, `Llamar a ${p.name}`, at(45)]);
      }
    }
    return { campaignId, patientIds, messageIds };
  });
}
