// One inbox item in full, with the patient's timeline in that campaign (oldest first) and the item's
// history of status changes and note edits from the audit log.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import type { InboxSource, InboxStatus } from "./constants.ts";
import { doctorScope, InboxError, MICROS, UUID, type InboxViewer } from "./viewer.ts";
import { entityHistory } from "@rm/accounts";
import type { DeliveryStep, RetryStreak } from "@rm/domain";

export interface InboxItem {
  id: string;
  source: InboxSource;
  status: InboxStatus;
  rating: number | null;
  text: string;
  staffNotes: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Opaque version for the edit form: a save against an older one is refused (changed meanwhile). */
  version: string;
  resolvedAt: Date | null;
  resolvedByName: string | null;
  patient: { id: string; name: string; phone: string; appointmentAt: Date; rating: number | null; optedOut: boolean };
  campaign: { id: string; name: string };
  practice: { id: string; name: string };
  /** The conversation this item is an entry of (SPEC §13), when it has one. */
  conversationId: string | null;
  /** Who last edited the notes, and when (from the audit log). */
  notesEdited: { at: Date; by: string | null } | null;
}

export type TimelineKind = DeliveryStep | "rating" | "reply" | "review_click" | "feedback";

export interface TimelineEvent {
  at: Date;
  kind: TimelineKind;
  /** Message events: INITIAL (the rating request), REMINDER, FOLLOWUP_HAPPY, FOLLOWUP_UNHAPPY, HELP, OPT_OUT_CONFIRMATION, STAFF_ALERT. */
  messageType?: string;
  channel?: string;
  rating?: number | null;
  /** Reply body or feedback text. */
  text?: string;
  /** How a reply was read: RATING, OPT_OUT, OPT_IN, OTHER. */
  intent?: string | null;
  errorCode?: number | null;
  errorText?: string | null;
  /** "smsFallback": whether the SMS that replaced the failed WhatsApp attempt has been sent. */
  fallbackSent?: boolean;
  /** On "retrying", "retried" and a "failed" that gave up after the window: the provider-unavailable streak. */
  retry?: RetryStreak;
  /** Feedback events: the inbox item, its source and status, and whether it is the one shown. */
  feedbackId?: string;
  source?: InboxSource;
  status?: InboxStatus;
  current?: boolean;
}

export interface HistoryEntry {
  at: Date;
  actorName: string | null;
  action: "status_changed" | "notes_edited";
  from?: string;
  to?: string;
}

export interface InboxItemView {
  item: InboxItem;
  timeline: TimelineEvent[];
  history: HistoryEntry[];
}

interface ItemRow {
  id: string;
  conversation_id: string | null;
  source: InboxSource;
  status: InboxStatus;
  rating: number | null;
  text: string;
  staff_notes: string | null;
  created_at: Date;
  updated_at: Date;
  version: string;
  resolved_at: Date | null;
  resolved_by_name: string | null;
  patient_id: string;
  patient_name: string;
  phone: string;
  appointment_at: Date;
  patient_rating: number | null;
  rated_at: Date | null;
  opted_out_at: Date | null;
  campaign_id: string;
  campaign_name: string;
  practice_id: string;
  practice_name: string;
}

/** The item if the viewer may see it: same workspace, and for a doctor one of their campaigns. Null otherwise. */
async function findItem(em: EntityManager, viewer: InboxViewer, id: string): Promise<ItemRow | null> {
  if (!UUID.test(id)) return null;
  const scope = doctorScope(viewer);
  const [row] = await scopedQuery<ItemRow>(
    em,
    viewer.workspaceId,
    `select f.id, f.conversation_id, f.source, f.status, f.rating, f.text, f.staff_notes, f.created_at, f.updated_at, ${MICROS("f.updated_at")} as version,
            f.resolved_at, ru.name as resolved_by_name,
            p.id as patient_id, p.name as patient_name, p.phone, p.appointment_at, p.rating as patient_rating, p.rated_at, ct.opted_out_at,
            c.id as campaign_id, c.name as campaign_name, pr.id as practice_id, pr.name as practice_name
       from feedback f
       join patients p on p.id = f.patient_id and p.workspace_id = f.workspace_id
       join contacts ct on ct.id = p.contact_id and ct.workspace_id = f.workspace_id
       join campaigns c on c.id = p.campaign_id and c.workspace_id = f.workspace_id
       join practices pr on pr.id = c.practice_id and pr.workspace_id = f.workspace_id
       left join users ru on ru.id = f.resolved_by_id and ru.workspace_id = f.workspace_id
      where f.workspace_id = ? and f.id = ?${scope.sql}`,
    [id, ...scope.params],
  );
  return row ?? null;
}

export async function loadInboxItem(em: EntityManager, viewer: InboxViewer, id: string): Promise<InboxItemView> {
  const row = await findItem(em, viewer, id);
  if (!row) throw new InboxError("not_found", "No encontrado.");
  const ws = viewer.workspaceId;
  const [messages, inbound, clicks, feedback, history] = await Promise.all([
    scopedQuery<{
      type: string;
      channel: string;
      provider_sid: string | null;
      sent_at: Date | null;
      send_attempted_at: Date | null;
      delivered_at: Date | null;
      read_at: Date | null;
      failed_at: Date | null;
      error_code: number | null;
      error_text: string | null;
      status: string;
      retry_since: Date | null;
      retry_failures: number;
      retry_reason: string | null;
      next_retry_at: Date | null;
      fallback_at: Date | null;
      fallback_error_code: number | null;
    }>(
      em,
      ws,
      "select type, channel, provider_sid, sent_at, send_attempted_at, delivered_at, read_at, failed_at, error_code, error_text, status, retry_since, retry_failures, retry_reason, next_retry_at, fallback_at, fallback_error_code from messages where workspace_id = ? and patient_id = ?",
      [row.patient_id],
    ),
    scopedQuery<{ id: string; body: string; channel: string; intent: string | null; rating: number | null; received_at: Date }>(
      em,
      ws,
      "select id, body, channel, intent, rating, received_at from inbound_messages where workspace_id = ? and patient_id = ?",
      [row.patient_id],
    ),
    scopedQuery<{ clicked_at: Date }>(em, ws, "select clicked_at from review_clicks where workspace_id = ? and patient_id = ?", [row.patient_id]),
    scopedQuery<{ id: string; source: InboxSource; status: InboxStatus; text: string; rating: number | null; created_at: Date; inbound_message_id: string | null }>(
      em,
      ws,
      "select id, source, status, text, rating, created_at, inbound_message_id from feedback where workspace_id = ? and patient_id = ?",
      [row.patient_id],
    ),
    entityHistory<{ from?: string; to?: string }>(em, ws, { type: "feedback", id: row.id }, 100),
  ]);

  const timeline: TimelineEvent[] = [];
  for (const m of messages) {
    const base = { messageType: m.type, channel: m.channel };
    // Sent when the provider took it: its callback's time, else the moment of the accepted attempt.
    const sentAt = m.sent_at ?? (m.provider_sid ? m.send_attempted_at : null);
    // SMS fallback: the WhatsApp attempt failed with this code; the same message goes by SMS (its channel now).
    if (m.fallback_at) timeline.push({ at: m.fallback_at, kind: "smsFallback", ...base, errorCode: m.fallback_error_code, fallbackSent: sentAt !== null });
    if (sentAt) timeline.push({ at: sentAt, kind: "sent", ...base });
    if (m.delivered_at) timeline.push({ at: m.delivered_at, kind: "delivered", ...base });
    if (m.read_at) timeline.push({ at: m.read_at, kind: "read", ...base });
    const failures = Number(m.retry_failures ?? 0);
    const streak = failures > 0 && m.retry_since ? { reason: m.retry_reason, failures, nextAt: m.next_retry_at ? new Date(m.next_retry_at) : null, since: new Date(m.retry_since), gaveUp: false } : null;
    // Gave up after the retry window: failed, never taken, no provider code.
    const gaveUp = streak !== null && m.failed_at !== null && !m.provider_sid && m.error_code === null;
    if (streak && m.next_retry_at && (m.status === "PENDING" || m.status === "SENDING")) timeline.push({ at: streak.since, kind: "retrying", ...base, retry: streak });
    else if (streak && !gaveUp) timeline.push({ at: streak.since, kind: "retried", ...base, retry: streak });
    if (m.failed_at) timeline.push({ at: m.failed_at, kind: "failed", ...base, errorCode: m.error_code, errorText: m.error_text, ...(gaveUp && streak ? { retry: { ...streak, gaveUp: true } } : {}) });
  }
  if (row.rated_at && row.patient_rating !== null) timeline.push({ at: row.rated_at, kind: "rating", rating: row.patient_rating });
  // A reply that went to the inbox is shown once, as the reply, linked to its item.
  const itemOfReply = new Map(feedback.filter((f) => f.source === "REPLY" && f.inbound_message_id).map((f) => [f.inbound_message_id!, f]));
  for (const r of inbound) {
    const f = itemOfReply.get(r.id);
    const link = f ? { feedbackId: f.id, source: f.source, status: f.status, current: f.id === row.id } : {};
    timeline.push({ at: r.received_at, kind: "reply", channel: r.channel, text: r.body, intent: r.intent, rating: r.rating, ...link });
  }
  for (const c of clicks) timeline.push({ at: c.clicked_at, kind: "review_click" });
  for (const f of feedback) {
    if (f.source === "REPLY" && f.inbound_message_id && inbound.some((r) => r.id === f.inbound_message_id)) continue;
    timeline.push({ at: f.created_at, kind: "feedback", feedbackId: f.id, source: f.source, status: f.status, text: f.text, rating: f.rating, current: f.id === row.id });
  }
  const order: Record<TimelineKind, number> = { retrying: 0, retried: 0, smsFallback: 0, sent: 1, delivered: 2, read: 3, failed: 4, reply: 5, rating: 6, feedback: 7, review_click: 8 };
  timeline.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime() || order[a.kind] - order[b.kind]);

  const notes = history.find((h) => h.action === "feedback.notes_edited");
  return {
    item: {
      id: row.id,
      source: row.source,
      status: row.status,
      rating: row.rating,
      text: row.text,
      staffNotes: row.staff_notes,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
      version: row.version,
      resolvedAt: row.resolved_at ? new Date(row.resolved_at) : null,
      resolvedByName: row.resolved_by_name,
      patient: { id: row.patient_id, name: row.patient_name, phone: row.phone, appointmentAt: new Date(row.appointment_at), rating: row.patient_rating, optedOut: row.opted_out_at !== null },
      campaign: { id: row.campaign_id, name: row.campaign_name },
      conversationId: row.conversation_id,
      practice: { id: row.practice_id, name: row.practice_name },
      notesEdited: notes ? { at: new Date(notes.created_at), by: notes.actor_name } : null,
    },
    timeline: timeline.map((e) => ({ ...e, at: new Date(e.at) })),
    history: history
      .filter((h) => h.action === "feedback.status_changed" || h.action === "feedback.notes_edited")
      .map((h) => ({
        at: new Date(h.created_at),
        actorName: h.actor_name,
        action: h.action === "feedback.status_changed" ? ("status_changed" as const) : ("notes_edited" as const),
        ...(h.action === "feedback.status_changed" && h.details?.from ? { from: h.details.from } : {}),
        ...(h.action === "feedback.status_changed" && h.details?.to ? { to: h.details.to } : {}),
      })),
  };
}


