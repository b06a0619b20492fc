// The campaign page's patients (SPEC §5.10): one row per appointment with its timeline, filtered by
// where it stands or by name/phone, in keyset pages ordered by appointment time — a campaign of
// 50,000 patients reads one page of rows, never all of them.
import type { EntityManager } from "@mikro-orm/postgresql";
import { outboxDueTimes, scopedQuery } from "@rm/db";
import { ratingSql } from "@rm/domain";
import { cursorKeySql, decodeCursor, encodeCursor } from "./cursor.ts";
import { likePattern, type PatientFilter, type PatientListFilters } from "./filters.ts";
import { buildTimeline, type TimelineStep } from "./timeline.ts";
import { messageSendEvent } from "@rm/events";

export const PATIENT_PAGE_SIZE = 50;

export interface PatientRow {
  id: string;
  /** The appointment's contact (its page: /contacts/<id>). */
  contactId: string;
  name: string;
  phone: string;
  channel: "SMS" | "WHATSAPP";
  appointmentAt: Date;
  status: string;
  skipReason: string | null;
  rating: number | null;
  optedOut: boolean;
  erased: boolean;
  timeline: TimelineStep[];
}

export interface PatientPage {
  rows: PatientRow[];
  nextCursor: string | null;
}

/** WHERE fragment per filter; `i` is the INITIAL message, `ct` the contact. */
const FILTER_SQL: Record<PatientFilter, string> = {
  pending: "p.status in ('PENDING', 'SCHEDULED')",
  sent: "i.provider_sid is not null",
  delivered: "i.status in ('DELIVERED', 'READ')",
  rated: "p.rating is not null",
  unhappy: ratingSql("unhappy", "p.rating"),
  failed: "i.status in ('FAILED', 'UNDELIVERED')",
  opted_out: "ct.opted_out_at is not null",
  skipped: "p.status = 'SKIPPED'",
};

type Time = Date | string | null;

interface Row {
  id: string;
  contact_id: string;
  name: string;
  phone: string;
  preferred_channel: "SMS" | "WHATSAPP";
  appointment_at: Date | string;
  status: string;
  skip_reason: string | null;
  rating: number | null;
  rated_at: Time;
  created_at: Date | string;
  cursor_key: string;
  opted_out_at: Time;
  opted_out_source: string | null;
  erased_at: Time;
  initial_status: string | null;
  send_attempted_at: Time;
  sent_at: Time;
  delivered_at: Time;
  read_at: Time;
  failed_at: Time;
  error_code: number | null;
  error_text: string | null;
  retry_since: Time;
  retry_failures: number | null;
  retry_reason: string | null;
  next_retry_at: Time;
  fallback_at: Time;
  fallback_error_code: number | null;
  initial_updated_at: Time;
  initial_id: string | null;
  reminder_at: Time;
  follow_up_type: string | null;
  follow_up_at: Time;
  clicked_at: Time;
  feedback_at: Time;
}

const t = (v: Time): Date | null => (v === null || v === undefined ? null : new Date(v));

/** Digits of a search that looks like a phone number ("098 765 4321", "+593 98…"), else null. */
function phoneDigits(q: string): string | null {
  if (!/^[+\d\s().-]+$/.test(q)) return null;
  const digits = q.replace(/\D/g, "");
  if (digits.length < 3) return null;
  // An Ecuadorian number as people write it (098…) is stored as +59398…: search without the 0.
  return digits.startsWith("0") ? digits.slice(1) : digits;
}

/** The campaign's patients for one page. The caller has checked the campaign is visible (loadCampaign). */
export async function listCampaignPatients(
  em: EntityManager,
  workspaceId: string,
  campaignId: string,
  filters: PatientListFilters = {},
  limit = PATIENT_PAGE_SIZE,
): Promise<PatientPage> {
  const size = Math.min(Math.max(Math.trunc(limit), 1), 200);
  const where: string[] = [];
  const params: unknown[] = [campaignId];
  if (filters.status) where.push(FILTER_SQL[filters.status]);
  if (filters.doctorId) {
    where.push("p.doctor_id = ?");
    params.push(filters.doctorId);
  }
  if (filters.q) {
    const digits = phoneDigits(filters.q);
    if (digits) {
      where.push("p.phone like ?");
      params.push(likePattern(digits));
    } else {
      where.push("p.name ilike ?");
      params.push(likePattern(filters.q));
    }
  }
  const cursor = decodeCursor(filters.cursor);
  if (cursor) {
    where.push("(p.appointment_at, p.id) > (?::timestamptz, ?::uuid)");
    params.push(cursor.key, cursor.id);
  }
  params.push(size + 1);
  const rows = await scopedQuery<Row>(
    em,
    workspaceId,
    `select p.id, p.contact_id, p.name, p.phone, p.preferred_channel, p.appointment_at, p.status, p.skip_reason, p.rating, p.rated_at, p.created_at,
            ${cursorKeySql("p.appointment_at")} as cursor_key,
            ct.opted_out_at, ct.opted_out_source, ct.erased_at,
            i.status as initial_status, i.send_attempted_at, i.sent_at, i.delivered_at, i.read_at, i.failed_at, i.error_code, i.error_text,
            i.retry_since, i.retry_failures, i.retry_reason, i.next_retry_at, i.updated_at as initial_updated_at,
            i.fallback_at, i.fallback_error_code,
            i.id as initial_id,
            (select coalesce(r.sent_at, r.send_attempted_at) from messages r
              where r.workspace_id = p.workspace_id and r.patient_id = p.id and r.type = 'REMINDER' and r.provider_sid is not null limit 1) as reminder_at,
            f.type as follow_up_type, f.at as follow_up_at,
            (select rc.clicked_at from review_clicks rc where rc.workspace_id = p.workspace_id and rc.patient_id = p.id) as clicked_at,
            (select min(fb.created_at) from feedback fb where fb.workspace_id = p.workspace_id and fb.patient_id = p.id and fb.source = 'FORM') as feedback_at
       from patients p
       join contacts ct on ct.workspace_id = p.workspace_id and ct.id = p.contact_id
       left join messages i on i.workspace_id = p.workspace_id and i.patient_id = p.id and i.type in ('INITIAL', 'BROADCAST')
       left join lateral (
         select fm.type, coalesce(fm.sent_at, fm.send_attempted_at, fm.created_at) as at from messages fm
          where fm.workspace_id = p.workspace_id and fm.patient_id = p.id and fm.type in ('FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY')
          limit 1
       ) f on true
      where p.workspace_id = ? and p.campaign_id = ? ${where.map((w) => `and ${w}`).join(" ")}
      order by p.appointment_at, p.id
      limit ?`,
    params,
  );
  const more = rows.length > size;
  const kept = rows.slice(0, size);
  // When each request is (or was) due: its send's outbox row, one lookup for the page.
  const due = await outboxDueTimes(em, workspaceId, kept.flatMap((r) => (r.initial_id ? [messageSendEvent.key(r.initial_id)] : [])));
  const last = kept[kept.length - 1];
  return {
    rows: kept.map((r) => {
      const erasedAt = t(r.erased_at);
      return {
        id: r.id,
        contactId: r.contact_id,
        name: r.name,
        phone: r.phone,
        channel: r.preferred_channel,
        appointmentAt: new Date(r.appointment_at),
        status: r.status,
        skipReason: r.skip_reason,
        rating: r.rating === null ? null : Number(r.rating),
        optedOut: r.opted_out_at !== null,
        erased: erasedAt !== null,
        timeline: buildTimeline({
          status: r.status,
          skipReason: r.skip_reason,
          createdAt: new Date(r.created_at),
          scheduledAt: r.initial_id ? (due.get(messageSendEvent.key(r.initial_id)) ?? null) : null,
          initialStatus: r.initial_status,
          sendAttemptedAt: t(r.send_attempted_at),
          sentAt: t(r.sent_at),
          deliveredAt: t(r.delivered_at),
          readAt: t(r.read_at),
          failedAt: t(r.failed_at),
          errorCode: r.error_code === null ? null : Number(r.error_code),
          errorText: r.error_text,
          retrySince: t(r.retry_since),
          retryFailures: Number(r.retry_failures ?? 0),
          retryReason: r.retry_reason,
          nextRetryAt: t(r.next_retry_at),
          fallbackAt: t(r.fallback_at),
          fallbackErrorCode: r.fallback_error_code,
          initialUpdatedAt: t(r.initial_updated_at),
          reminderAt: t(r.reminder_at),
          rating: r.rating === null ? null : Number(r.rating),
          ratedAt: t(r.rated_at),
          followUpType: r.follow_up_type,
          followUpAt: t(r.follow_up_at),
          clickedAt: t(r.clicked_at),
          feedbackAt: t(r.feedback_at),
          optedOutAt: t(r.opted_out_at),
          optedOutSource: r.opted_out_source,
          erasedAt,
        }),
      };
    }),
    nextCursor: more && last ? encodeCursor(last.cursor_key, last.id) : null,
  };
}

/** One patient of the campaign (for a confirmation step), or null — also for another campaign's or workspace's patient. */
export async function findCampaignPatient(
  em: EntityManager,
  workspaceId: string,
  campaignId: string,
  patientId: string,
): Promise<{ id: string; contactId: string; name: string; phone: string; channel: "SMS" | "WHATSAPP"; optedOut: boolean; erased: boolean } | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(patientId)) return null;
  const [r] = await scopedQuery<{ id: string; contact_id: string; name: string; phone: string; preferred_channel: "SMS" | "WHATSAPP"; opted_out_at: Time; erased_at: Time }>(
    em,
    workspaceId,
    `select p.id, p.contact_id, p.name, p.phone, p.preferred_channel, ct.opted_out_at, ct.erased_at from patients p
       join contacts ct on ct.workspace_id = p.workspace_id and ct.id = p.contact_id
      where p.workspace_id = ? and p.campaign_id = ? and p.id = ?`,
    [campaignId, patientId],
  );
  return r ? { id: r.id, contactId: r.contact_id, name: r.name, phone: r.phone, channel: r.preferred_channel, optedOut: r.opted_out_at !== null, erased: r.erased_at !== null } : null;
}
