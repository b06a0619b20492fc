// Everything the feedback flow needs to know about one patient, in one query (optionally locking the
// patient row, which serialises ratings, HELP and reminders of the same patient).
// A read model (docs/ARCHITECTURE.md, "Table ownership"): with the patient and contact (this
// package's) it reads the campaign (@rm/campaigns), the practice, the doctor and the workspace's
// settings (@rm/accounts) in the same statement — every reply, rating, reminder and public page
// starts here, and a lookup per owner would cost a round trip each. It never locks or writes them.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import { reviewLinkFor } from "@rm/domain";

export interface PatientContext {
  workspaceId: string;
  patientId: string;
  campaignId: string;
  contactId: string;
  name: string;
  phone: string;
  language: string;
  appointmentAt: Date;
  appointmentType: string | null;
  preferredChannel: "SMS" | "WHATSAPP";
  status: string;
  publicToken: string;
  tokenExpiresAt: Date;
  rating: number | null;
  followUpSentAt: Date | null;
  helpSentAt: Date | null;
  contactOptedOutAt: Date | null;
  contactErasedAt: Date | null;
  campaignStatus: string;
  practiceName: string;
  /** The practice's Google review link (reviewLinkFor), null when it has none. */
  googleReviewLink: string | null;
  staffAlertPhone: string | null;
  doctorName: string | null;
  timezone: string;
  reviewPolicy: "open" | "gated";
  gatedConfirmedAt: Date | null;
  smsSender: string | null;
  whatsappSender: string | null;
  whatsappContentSids: Record<string, string>;
  providerHandlesOptOut: boolean;
  reminderAfterHours: number;
  /** The practice of the patient's campaign (its knowledge answers, SPEC §16). */
  practiceId: string;
  /** SPEC §16 workspace switches: automatic answers (on by default) and the LLM assistant (an owner's opt-in). */
  autoAnswersEnabled: boolean;
  aiAssistantEnabled: boolean;
}

interface Row {
  patient_id: string;
  workspace_id: string;
  campaign_id: string;
  contact_id: string;
  name: string;
  phone: string;
  language: string;
  appointment_at: Date | string;
  appointment_type: string | null;
  preferred_channel: "SMS" | "WHATSAPP";
  status: string;
  public_token: string;
  token_expires_at: Date | string;
  rating: number | null;
  follow_up_sent_at: Date | string | null;
  help_sent_at: Date | string | null;
  opted_out_at: Date | string | null;
  erased_at: Date | string | null;
  campaign_status: string;
  practice_name: string;
  google_place_id: string | null;
  google_review_url: string | null;
  staff_alert_phone: string | null;
  doctor_name: string | null;
  timezone: string;
  review_policy: "open" | "gated";
  gated_confirmed_at: Date | string | null;
  sms_sender: string | null;
  whatsapp_sender: string | null;
  whatsapp_content_sids: Record<string, string> | null;
  provider_handles_opt_out: boolean;
  reminder_after_hours: number;
  practice_id: string;
  auto_answers_enabled: boolean;
  ai_assistant_enabled_at: Date | string | null;
}

const SQL = `
  select p.id as patient_id, p.workspace_id, p.campaign_id, p.contact_id, p.name, p.phone, p.language, p.appointment_at,
         p.appointment_type, p.preferred_channel, p.status, p.public_token, p.token_expires_at, p.rating,
         p.follow_up_sent_at, p.help_sent_at, c.opted_out_at, c.erased_at, cp.status as campaign_status,
         pr.name as practice_name, pr.google_place_id, pr.google_review_url, pr.staff_alert_phone, pr.timezone, u.name as doctor_name,
         w.review_policy, w.gated_confirmed_at, w.sms_sender, w.whatsapp_sender, w.whatsapp_content_sids,
         w.provider_handles_opt_out, w.reminder_after_hours, cp.practice_id, w.auto_answers_enabled, w.ai_assistant_enabled_at
    from patients p
    join contacts c on c.id = p.contact_id
    join campaigns cp on cp.id = p.campaign_id
    join practices pr on pr.id = cp.practice_id
    join workspaces w on w.id = p.workspace_id
    -- The appointment's doctor (the file's doctor column, else the campaign's, written at import).
    left join users u on u.id = coalesce(p.doctor_id, cp.assigned_doctor_id)
   where p.workspace_id = ? and p.id = ?`;

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

export async function loadPatientContext(em: EntityManager, workspaceId: string, patientId: string, opts: { lock?: boolean } = {}): Promise<PatientContext | null> {
  // NO KEY UPDATE: serialises ratings/HELP/reminders of one patient without conflicting with the key-share
  // locks that inserts referencing the patient (the inbound message, feedback) hold; FOR UPDATE would deadlock.
  const rows = await scopedQuery<Row>(em, workspaceId, opts.lock ? `${SQL} for no key update of p` : SQL, [patientId]);
  const r = rows[0];
  if (!r) return null;
  return {
    workspaceId: r.workspace_id,
    patientId: r.patient_id,
    campaignId: r.campaign_id,
    contactId: r.contact_id,
    name: r.name,
    phone: r.phone,
    language: r.language,
    appointmentAt: new Date(r.appointment_at),
    appointmentType: r.appointment_type,
    preferredChannel: r.preferred_channel,
    status: r.status,
    publicToken: r.public_token,
    tokenExpiresAt: new Date(r.token_expires_at),
    rating: r.rating === null ? null : Number(r.rating),
    followUpSentAt: date(r.follow_up_sent_at),
    helpSentAt: date(r.help_sent_at),
    contactOptedOutAt: date(r.opted_out_at),
    contactErasedAt: date(r.erased_at),
    campaignStatus: r.campaign_status,
    practiceName: r.practice_name,
    googleReviewLink: reviewLinkFor({ googlePlaceId: r.google_place_id, googleReviewUrl: r.google_review_url }),
    staffAlertPhone: r.staff_alert_phone,
    doctorName: r.doctor_name,
    timezone: r.timezone,
    reviewPolicy: r.review_policy,
    gatedConfirmedAt: date(r.gated_confirmed_at),
    smsSender: r.sms_sender,
    whatsappSender: r.whatsapp_sender,
    whatsappContentSids: r.whatsapp_content_sids ?? {},
    providerHandlesOptOut: r.provider_handles_opt_out,
    reminderAfterHours: Number(r.reminder_after_hours),
    practiceId: r.practice_id,
    autoAnswersEnabled: r.auto_answers_enabled,
    aiAssistantEnabled: r.ai_assistant_enabled_at !== null,
  };
}

/** `gated` only counts once the owner confirmed the warning; otherwise the compliant `open` applies. */
export function effectivePolicy(ctx: Pick<PatientContext, "reviewPolicy" | "gatedConfirmedAt">): "open" | "gated" {
  return ctx.reviewPolicy === "gated" && ctx.gatedConfirmedAt ? "gated" : "open";
}

/** The patient's first name, as templates greet them. */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? "";
}

/**
 * What the assistant needs for a thread without a patient (SPEC §16): a web chat visitor, or a new
 * phone on an own sender. Its practice is the web chat's chosen one (`web_widgets.practice_id`), else
 * the workspace's first practice (oldest); the staff alert goes to that practice's staff number.
 */
export interface ThreadContactContext {
  workspaceId: string;
  contactId: string;
  contactName: string | null;
  contactPhone: string | null;
  language: string | null;
  contactErasedAt: Date | null;
  practiceId: string;
  practiceName: string;
  staffAlertPhone: string | null;
  autoAnswersEnabled: boolean;
  aiAssistantEnabled: boolean;
}

const THREAD_CONTACT_SQL = `
  select c.id as contact_id, c.name, c.phone, c.language, c.erased_at, pr.id as practice_id, pr.name as practice_name, pr.staff_alert_phone,
         w.auto_answers_enabled, w.ai_assistant_enabled_at
    from conversations cv
    join contacts c on c.id = cv.contact_id
    join workspaces w on w.id = cv.workspace_id
    join lateral (
      select p.id, p.name, p.staff_alert_phone from practices p
       where p.workspace_id = cv.workspace_id
       order by p.id is not distinct from (
                  select ww.practice_id from web_widgets ww
                   where cv.channel = 'WEB' and ww.workspace_id = cv.workspace_id and 'web:' || ww.id = cv.sender_address) desc,
                p.created_at, p.id
       limit 1) pr on true
   where cv.workspace_id = ? and cv.id = ?`;

export async function loadThreadContactContext(em: EntityManager, workspaceId: string, conversationId: string): Promise<ThreadContactContext | null> {
  const [r] = await scopedQuery<{
    contact_id: string;
    name: string | null;
    phone: string | null;
    language: string | null;
    erased_at: Date | string | null;
    practice_id: string;
    practice_name: string;
    staff_alert_phone: string | null;
    auto_answers_enabled: boolean;
    ai_assistant_enabled_at: Date | string | null;
  }>(em, workspaceId, THREAD_CONTACT_SQL, [conversationId]);
  if (!r) return null;
  return {
    workspaceId,
    contactId: r.contact_id,
    contactName: r.name,
    contactPhone: r.phone,
    language: r.language,
    contactErasedAt: date(r.erased_at),
    practiceId: r.practice_id,
    practiceName: r.practice_name,
    staffAlertPhone: r.staff_alert_phone,
    autoAnswersEnabled: r.auto_answers_enabled,
    aiAssistantEnabled: r.ai_assistant_enabled_at !== null,
  };
}
