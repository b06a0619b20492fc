// "Download this patient's data" (right of access, SPEC §13): one JSON document with everything the
// workspace holds about a phone — the contact row, every appointment, every message in and out with
// its provider facts, feedback, review clicks, the consent history with its evidence, labels and
// staff notes. Secrets of the workspace (public link tokens, raw provider parameters' signatures)
// are not the patient's data and stay out; the raw parameters Twilio sent about their own message
// are theirs and go in.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import { consentHistory } from "@rm/messaging";
import { requireVisibleContact } from "./access.ts";
import { contactLabels } from "./labels.ts";
import { listContactNotes } from "./notes.ts";
import { ContactsError, type ContactsViewer } from "./viewer.ts";

export const CONTACT_DATA_FORMAT = "reputation-manager.contact-data.v1";

export interface ContactData {
  format: typeof CONTACT_DATA_FORMAT;
  exportedAt: string;
  contact: Record<string, unknown>;
  appointments: Record<string, unknown>[];
  messages: Record<string, unknown>[];
  inboundMessages: Record<string, unknown>[];
  feedback: Record<string, unknown>[];
  reviewClicks: Record<string, unknown>[];
  consentEvents: Record<string, unknown>[];
  labels: string[];
  notes: { text: string; author: string | null; createdAt: string }[];
}

/** Everything held about the contact (owner only: the file covers every doctor's appointments). */
export async function exportContactData(em: EntityManager, viewer: ContactsViewer, contactId: string, now: Date = new Date()): Promise<ContactData> {
  const visible = await requireVisibleContact(em, viewer, contactId);
  if (viewer.role !== "OWNER") throw new ContactsError("forbidden", "contacts.error.forbidden");
  const ws = viewer.workspaceId;
  const [contact] = await scopedQuery<Record<string, unknown>>(
    em,
    ws,
    `select phone, sms_consent_at, sms_consent_source, whatsapp_consent_at, whatsapp_consent_source, opted_out_at, opted_out_source, erased_at,
            no_whatsapp_at, no_whatsapp_code, last_asked_at, last_contact_at, last_inbound_at, created_at, updated_at
       from contacts where workspace_id = ? and id = ?`,
    [visible.id],
  );
  const appointments = await scopedQuery<Record<string, unknown>>(
    em,
    ws,
    `select p.id, p.name, p.phone, p.email, p.appointment_at, p.appointment_type, p.preferred_channel, p.language, p.consent, p.status, p.skip_reason,
            p.rating, p.rated_at, p.follow_up_sent_at, p.help_sent_at, p.created_at, cp.name as campaign, pr.name as practice, u.name as doctor
       from patients p
       join campaigns cp on cp.workspace_id = p.workspace_id and cp.id = p.campaign_id
       join practices pr on pr.workspace_id = p.workspace_id and pr.id = cp.practice_id
       left join users u on u.workspace_id = p.workspace_id and u.id = p.doctor_id
      where p.workspace_id = ? and p.contact_id = ? order by p.created_at, p.id`,
    [visible.id],
  );
  const addresses = `{"${visible.phone}","whatsapp:${visible.phone}"}`;
  const messages = await scopedQuery<Record<string, unknown>>(
    em,
    ws,
    `select m.id, m.patient_id as appointment_id, m.type, m.channel, m.status, m.from_address, m.to_address, m.body, m.content_sid, m.content_variables,
            m.segments, m.provider_sid, m.error_code, m.error_text, m.send_attempted_at, m.sent_at, m.delivered_at, m.read_at, m.failed_at,
            m.replied_at, m.rating, m.fallback_at, m.fallback_error_code, m.created_at
       from messages m
      where m.workspace_id = ? and m.type <> 'STAFF_ALERT'
        and (m.patient_id in (select p.id from patients p where p.workspace_id = ? and p.contact_id = ?) or m.to_address = any(?::text[]))
      order by m.created_at, m.id`,
    [ws, visible.id, addresses],
  );
  const inbound = await scopedQuery<Record<string, unknown>>(
    em,
    ws,
    `select i.id, i.patient_id as appointment_id, i.channel, i.from_address, i.to_address, i.body, i.button_payload, i.intent, i.rating, i.provider_sid,
            i.received_at, i.processed_at
       from inbound_messages i
      where i.workspace_id = ?
        and (i.patient_id in (select p.id from patients p where p.workspace_id = ? and p.contact_id = ?) or i.from_address = any(?::text[]))
      order by i.received_at, i.id`,
    [ws, visible.id, addresses],
  );
  const feedback = await scopedQuery<Record<string, unknown>>(
    em,
    ws,
    `select f.id, f.patient_id as appointment_id, f.source, f.text, f.rating, f.status, f.staff_notes, f.resolved_at, f.created_at, f.updated_at
       from feedback f join patients p on p.workspace_id = f.workspace_id and p.id = f.patient_id
      where f.workspace_id = ? and p.contact_id = ? order by f.created_at, f.id`,
    [visible.id],
  );
  const clicks = await scopedQuery<Record<string, unknown>>(
    em,
    ws,
    `select r.patient_id as appointment_id, r.clicked_at, r.user_agent
       from review_clicks r join patients p on p.workspace_id = r.workspace_id and p.id = r.patient_id
      where r.workspace_id = ? and p.contact_id = ? order by r.clicked_at`,
    [visible.id],
  );
  const consent = await consentHistory(em, ws, visible.id);
  const labels = await contactLabels(em, ws, visible.id);
  const notes = await listContactNotes(em, ws, visible.id);
  return {
    format: CONTACT_DATA_FORMAT,
    exportedAt: now.toISOString(),
    contact: contact ?? {},
    appointments,
    messages,
    inboundMessages: inbound,
    feedback,
    reviewClicks: clicks,
    consentEvents: consent.map((e) => ({ channel: e.channel, purpose: e.purpose, action: e.action, source: e.source, at: e.at.toISOString(), by: e.actorName, evidence: e.evidence })),
    labels: labels.map((l) => l.name),
    notes: notes.map((n) => ({ text: n.body, author: n.authorName, createdAt: n.createdAt.toISOString() })),
  };
}
