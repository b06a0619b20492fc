// The contact page's read model (SPEC §13): what the workspace holds about one phone — names seen,
// channels, consent, opt-out, labels, notes, appointments with their ratings, feedback, last contact —
// and every message in and out (campaigns and conversations alike: `messages` and `inbound_messages`
// of the contact's appointments or phone), newest first in keyset pages. A doctor sees the contacts
// with an appointment of theirs, and within them what belongs to their own appointments.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import { consentHistory, type ConsentHistoryEntry } from "@rm/messaging";
import { requireVisibleContact } from "./access.ts";
import { HISTORY_PAGE_SIZE } from "./constants.ts";
import { contactLabels, type LabelRef } from "./labels.ts";
import { listContactNotes, type ContactNoteView } from "./notes.ts";
import { decodeCursor, encodeCursor, MICROS, type ContactsViewer } from "./viewer.ts";

export interface NameSeen {
  name: string;
  firstSeen: Date;
  lastSeen: Date;
  appointments: number;
}

export interface ContactAppointment {
  patientId: string;
  campaignId: string;
  campaignName: string;
  practiceName: string;
  doctorName: string | null;
  name: string;
  appointmentAt: Date;
  channel: "SMS" | "WHATSAPP";
  status: string;
  rating: number | null;
  ratedAt: Date | null;
}

export interface ContactFeedback {
  id: string;
  patientId: string;
  source: "FORM" | "REPLY" | "RATING";
  status: "NEW" | "IN_PROGRESS" | "RESOLVED";
  rating: number | null;
  text: string;
  createdAt: Date;
}

export interface ContactView {
  id: string;
  phone: string;
  createdAt: Date;
  lastContactAt: Date | null;
  optedOutAt: Date | null;
  optedOutSource: string | null;
  erasedAt: Date | null;
  /** Consent on record per channel (time and source), null when none. */
  consent: { SMS: { at: Date; source: string } | null; WHATSAPP: { at: Date; source: string } | null };
  /** Consent to marketing (broadcasts, SPEC §14), separate from the above; null when none. */
  marketingConsent: { at: Date; source: string } | null;
  /** WhatsApp found not to reach the number (later messages go by SMS). */
  noWhatsappAt: Date | null;
  /** Channels the appointments asked for, most used first. */
  channels: ("SMS" | "WHATSAPP")[];
  /** The channel of the latest appointment (what a staff opt-in records by default). */
  lastChannel: "SMS" | "WHATSAPP" | null;
  names: NameSeen[];
  /** The name on the contact itself (practice software's, or a web chat visitor's); null when none. */
  contactName: string | null;
  appointments: ContactAppointment[];
  feedback: ContactFeedback[];
  labels: LabelRef[];
  notes: ContactNoteView[];
  consentHistory: ConsentHistoryEntry[];
}

/** The doctor's own appointments of the contact, as a condition on a patients row aliased `alias`. */
function ownAppointments(viewer: ContactsViewer, alias: string): { sql: string; params: unknown[] } {
  return viewer.role === "DOCTOR" ? { sql: ` and ${alias}.doctor_id = ?`, params: [viewer.userId] } : { sql: "", params: [] };
}

/** The contact page; ContactsError("not_found") when the contact is not there for this viewer. */
export async function loadContact(em: EntityManager, viewer: ContactsViewer, contactId: string): Promise<ContactView> {
  const visible = await requireVisibleContact(em, viewer, contactId);
  const ws = viewer.workspaceId;
  const [c] = await scopedQuery<{
    id: string;
    phone: string;
    created_at: Date;
    last_contact_at: Date | null;
    opted_out_at: Date | null;
    opted_out_source: string | null;
    erased_at: Date | null;
    sms_consent_at: Date | null;
    sms_consent_source: string | null;
    whatsapp_consent_at: Date | null;
    whatsapp_consent_source: string | null;
    no_whatsapp_at: Date | null;
    marketing_consent_at: Date | null;
    marketing_consent_source: string | null;
    name: string | null;
  }>(
    em,
    ws,
    `select id, phone, name, created_at, last_contact_at, opted_out_at, opted_out_source, erased_at, sms_consent_at, sms_consent_source,
            whatsapp_consent_at, whatsapp_consent_source, no_whatsapp_at, marketing_consent_at, marketing_consent_source
       from contacts where workspace_id = ? and id = ?`,
    [visible.id],
  );
  const own = ownAppointments(viewer, "p");
  const appointments = await scopedQuery<{
    patient_id: string;
    campaign_id: string;
    campaign_name: string;
    practice_name: string;
    doctor_name: string | null;
    name: string;
    appointment_at: Date;
    channel: "SMS" | "WHATSAPP";
    status: string;
    rating: number | null;
    rated_at: Date | null;
    created_at: Date;
  }>(
    em,
    ws,
    `select p.id as patient_id, cp.id as campaign_id, cp.name as campaign_name, pr.name as practice_name, u.name as doctor_name, p.name,
            p.appointment_at, p.preferred_channel as channel, p.status, p.rating, p.rated_at, p.created_at
       from patients p
       join campaigns cp on cp.workspace_id = p.workspace_id and cp.id = p.campaign_id
       join practices pr on pr.workspace_id = p.workspace_id and pr.id = cp.practice_id
       left join users u on u.workspace_id = p.workspace_id and u.id = p.doctor_id
      where p.workspace_id = ? and p.contact_id = ?${own.sql}
      order by p.appointment_at desc, p.id desc`,
    [visible.id, ...own.params],
  );
  const feedback = await scopedQuery<{ id: string; patient_id: string; source: ContactFeedback["source"]; status: ContactFeedback["status"]; rating: number | null; text: string; created_at: Date }>(
    em,
    ws,
    `select f.id, f.patient_id, f.source, f.status, f.rating, f.text, f.created_at
       from feedback f join patients p on p.workspace_id = f.workspace_id and p.id = f.patient_id
      where f.workspace_id = ? and p.contact_id = ?${own.sql}
      order by f.created_at desc, f.id desc`,
    [visible.id, ...own.params],
  );

  const names = new Map<string, NameSeen>();
  const channelCount = new Map<"SMS" | "WHATSAPP", number>();
  for (const a of appointments) {
    const seen = new Date(a.created_at);
    const n = names.get(a.name);
    if (n) {
      n.appointments += 1;
      if (seen < n.firstSeen) n.firstSeen = seen;
      if (seen > n.lastSeen) n.lastSeen = seen;
    } else names.set(a.name, { name: a.name, firstSeen: seen, lastSeen: seen, appointments: 1 });
    channelCount.set(a.channel, (channelCount.get(a.channel) ?? 0) + 1);
  }
  const latest = [...appointments].sort((x, y) => new Date(y.created_at).getTime() - new Date(x.created_at).getTime())[0];
  const row = c!;
  return {
    id: row.id,
    phone: row.phone,
    createdAt: new Date(row.created_at),
    lastContactAt: row.last_contact_at ? new Date(row.last_contact_at) : null,
    optedOutAt: row.opted_out_at ? new Date(row.opted_out_at) : null,
    optedOutSource: row.opted_out_source,
    erasedAt: row.erased_at ? new Date(row.erased_at) : null,
    consent: {
      SMS: row.sms_consent_at ? { at: new Date(row.sms_consent_at), source: row.sms_consent_source ?? "" } : null,
      WHATSAPP: row.whatsapp_consent_at ? { at: new Date(row.whatsapp_consent_at), source: row.whatsapp_consent_source ?? "" } : null,
    },
    marketingConsent: row.marketing_consent_at ? { at: new Date(row.marketing_consent_at), source: row.marketing_consent_source ?? "" } : null,
    noWhatsappAt: row.no_whatsapp_at ? new Date(row.no_whatsapp_at) : null,
    channels: [...channelCount.entries()].sort((a, b) => b[1] - a[1]).map(([ch]) => ch),
    lastChannel: latest?.channel ?? null,
    names: [...names.values()].sort((a, b) => b.lastSeen.getTime() - a.lastSeen.getTime()),
    contactName: row.name,
    appointments: appointments.map((a) => ({
      patientId: a.patient_id,
      campaignId: a.campaign_id,
      campaignName: a.campaign_name,
      practiceName: a.practice_name,
      doctorName: a.doctor_name,
      name: a.name,
      appointmentAt: new Date(a.appointment_at),
      channel: a.channel,
      status: a.status,
      rating: a.rating,
      ratedAt: a.rated_at ? new Date(a.rated_at) : null,
    })),
    feedback: feedback.map((f) => ({ id: f.id, patientId: f.patient_id, source: f.source, status: f.status, rating: f.rating, text: f.text, createdAt: new Date(f.created_at) })),
    labels: await contactLabels(em, ws, visible.id),
    notes: await listContactNotes(em, ws, visible.id),
    consentHistory: await consentHistory(em, ws, visible.id),
  };
}

export interface HistoryEntry {
  id: string;
  direction: "out" | "in";
  at: Date;
  channel: "SMS" | "WHATSAPP";
  /** Outbound: the message's type (INITIAL, REMINDER, … and a conversation's reply); inbound: null. */
  type: string | null;
  /** Outbound: its delivery status; inbound: null. */
  status: string | null;
  /** The text; null for a WhatsApp template sent without a stored body, or an erased text. */
  body: string | null;
  /** Outbound: a WhatsApp template was used. */
  template: boolean;
  /** Inbound: how it was read (RATING, OPT_OUT, …) and the rating it gave. */
  intent: string | null;
  rating: number | null;
  errorCode: number | null;
  campaignId: string | null;
  campaignName: string | null;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /** Cursor of the next (older) page, null on the last. */
  next: string | null;
}

/**
 * Every message to and from the contact, newest first: the outbound messages of its appointments or
 * to its phone (staff alerts, which go to staff, excepted) and the inbound messages of its appointments
 * or from its phone, in one keyset order on (time, id).
 */
export async function contactHistory(em: EntityManager, viewer: ContactsViewer, contactId: string, options: { after?: string | null; limit?: number } = {}): Promise<HistoryPage> {
  const visible = await requireVisibleContact(em, viewer, contactId);
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? HISTORY_PAGE_SIZE), 1), 500);
  const after = decodeCursor(options.after);
  const addresses = [visible.phone, `whatsapp:${visible.phone}`];
  const doctor = viewer.role === "DOCTOR" ? viewer.userId : null;
  const params: unknown[] = [visible.id, doctor, doctor];
  // Both halves pick their own newest rows first (by appointment or by address), then the union is cut.
  const keyset = after ? " and (h.at, h.id) < (?::timestamptz, ?::uuid)" : "";
  const rows = await scopedQuery<{
    id: string;
    direction: "out" | "in";
    at: Date;
    cursor_key: string;
    channel: "SMS" | "WHATSAPP";
    type: string | null;
    status: string | null;
    body: string | null;
    template: boolean;
    intent: string | null;
    rating: number | null;
    error_code: number | null;
    campaign_id: string | null;
    campaign_name: string | null;
  }>(
    em,
    viewer.workspaceId,
    `with pts as materialized (
       select p.id from patients p where p.workspace_id = ? and p.contact_id = ? and (?::uuid is null or p.doctor_id = ?::uuid)),
     h as (
       select m.id, 'out' as direction, coalesce(m.sent_at, m.send_attempted_at, m.created_at) as at, m.channel, m.type, m.status, m.body,
              m.content_sid is not null as template, null::text as intent, null::smallint as rating, m.error_code, m.campaign_id
         from messages m
        where m.workspace_id = ? and m.type <> 'STAFF_ALERT'
          and (m.patient_id in (select id from pts) or (?::uuid is null and m.to_address = any(?::text[])))
       union all
       select i.id, 'in', i.received_at, i.channel, null, null, i.body, false, i.intent, i.rating, null, null
         from inbound_messages i
        where i.workspace_id = ?
          and (i.patient_id in (select id from pts) or (?::uuid is null and i.from_address = any(?::text[]))))
     select h.id, h.direction, h.at, ${MICROS("h.at")} as cursor_key, h.channel, h.type, h.status, h.body, h.template, h.intent, h.rating,
            h.error_code, h.campaign_id, cp.name as campaign_name
       from h left join campaigns cp on cp.workspace_id = ? and cp.id = h.campaign_id
      where true${keyset}
      order by h.at desc, h.id desc limit ?`,
    [
      ...params,
      viewer.workspaceId,
      doctor,
      `{${addresses.map((a) => `"${a}"`).join(",")}}`,
      viewer.workspaceId,
      doctor,
      `{${addresses.map((a) => `"${a}"`).join(",")}}`,
      viewer.workspaceId,
      ...(after ? [after.key, after.id] : []),
      limit + 1,
    ],
  );
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    entries: shown.map((r) => ({
      id: r.id,
      direction: r.direction,
      at: new Date(r.at),
      channel: r.channel,
      type: r.type,
      status: r.status,
      body: r.body,
      template: r.template,
      intent: r.intent,
      rating: r.rating,
      errorCode: r.error_code,
      campaignId: r.campaign_id,
      campaignName: r.campaign_name,
    })),
    next: rows.length > limit && last ? encodeCursor({ key: last.cursor_key, id: last.id }) : null,
  };
}

/** What a broadcast text's variables take from one contact (the template library's preview). */
export interface RecipientValues {
  contactId: string;
  phone: string;
  /** The name practice software last sent, else the latest appointment's; null when erased or unknown. */
  name: string | null;
  /** The practice and doctor of the contact's latest appointment. */
  practice: string | null;
  doctor: string | null;
  language: string | null;
  erased: boolean;
}

/**
 * The variable values of one contact of the viewer's workspace: `ContactsError("not_found")` for
 * another workspace's contact (or a doctor's non-patient), so a preview can never show someone else's data.
 */
export async function recipientValues(em: EntityManager, viewer: ContactsViewer, contactId: string): Promise<RecipientValues> {
  const visible = await requireVisibleContact(em, viewer, contactId);
  const ws = viewer.workspaceId;
  const [row] = await scopedQuery<{ name: string | null; language: string | null; erased_at: Date | null; patient_name: string | null; practice_name: string | null; doctor_name: string | null }>(
    em,
    ws,
    `select c.name, c.language, c.erased_at, p.name as patient_name, pr.name as practice_name, u.name as doctor_name
       from contacts c
       left join lateral (
         select p.name, p.campaign_id, p.doctor_id from patients p
          where p.workspace_id = c.workspace_id and p.contact_id = c.id
          order by p.appointment_at desc, p.id desc limit 1) p on true
       left join campaigns cp on cp.workspace_id = c.workspace_id and cp.id = p.campaign_id
       left join practices pr on pr.workspace_id = c.workspace_id and pr.id = cp.practice_id
       left join users u on u.workspace_id = c.workspace_id and u.id = p.doctor_id
      where c.workspace_id = ? and c.id = ?`,
    [visible.id],
  );
  const erased = row?.erased_at != null;
  return {
    contactId: visible.id,
    phone: visible.phone,
    name: erased ? null : (row?.name ?? row?.patient_name ?? null),
    practice: row?.practice_name ?? null,
    doctor: row?.doctor_name ?? null,
    language: row?.language ?? null,
    erased,
  };
}
