// Conversations (SPEC §13): one thread per contact and sender. This module owns the `conversations`
// table: an inbound message lands in its thread (created on the first, reopened by any later one),
// feedback items join the thread of their patient, and staff change status and assignee here.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery, type ConversationStatus } from "@rm/db";

export interface LandInput {
  workspaceId: string;
  /** The contact's phone (E.164); the contact row must exist in the workspace. */
  phone: string;
  patientId: string | null;
  channel: "SMS" | "WHATSAPP";
  /** Our sender ("whatsapp:+1…" or "+1…"). */
  senderAddress: string;
  /** The contact's address as the provider spells it. */
  contactAddress: string;
  at: Date;
  /** A message from the contact (opens WhatsApp's window); false for a form or a one-tap rating. */
  inbound: boolean;
}

/**
 * The thread of a contact and sender, created if new; an inbound message (or a feedback item) reopens
 * it and makes it wait for an answer. Returns the thread id, or null when the contact does not exist.
 */
export async function landInThread(em: EntityManager, input: LandInput): Promise<string | null> {
  const rows = await em.execute<{ id: string }[]>(
    `insert into conversations (id, workspace_id, contact_id, patient_id, channel, sender_address, contact_address, status,
                                last_inbound_at, last_message_at, waiting_since, created_at, updated_at)
     select gen_random_uuid(), c.workspace_id, c.id, ?, ?, ?, ?, 'OPEN', ?, ?, ?, ?, ?
       from contacts c where c.workspace_id = ? and c.phone = ?
     on conflict on constraint conversations_contact_sender_uq do update set
       patient_id = coalesce(excluded.patient_id, conversations.patient_id),
       status = 'OPEN',
       last_inbound_at = greatest(conversations.last_inbound_at, excluded.last_inbound_at),
       last_message_at = greatest(conversations.last_message_at, excluded.last_message_at),
       waiting_since = coalesce(conversations.waiting_since, excluded.waiting_since),
       updated_at = excluded.updated_at
     returning id`,
    [input.patientId, input.channel, input.senderAddress, input.contactAddress, input.inbound ? input.at : null, input.at, input.at, input.at, input.at, input.workspaceId, input.phone],
  );
  return rows[0]?.id ?? null;
}

/**
 * The thread a feedback item of this patient belongs to (the form, a one-tap rating): the contact and
 * the sender of the patient's latest message that went out. Null when none went out.
 */
export async function threadForPatient(em: EntityManager, workspaceId: string, patientId: string, at: Date): Promise<string | null> {
  const rows = await scopedQuery<{ channel: "SMS" | "WHATSAPP"; to_address: string; from_address: string; phone: string }>(
    em,
    workspaceId,
    `select m.channel, m.to_address, m.from_address, c.phone
       from messages m join patients p on p.id = m.patient_id join contacts c on c.id = p.contact_id
      where m.workspace_id = ? and m.patient_id = ? and m.from_address is not null and m.type <> 'STAFF_ALERT'
      order by m.send_attempted_at desc nulls last limit 1`,
    [patientId],
  );
  const m = rows[0];
  if (!m) return null;
  // A Messaging Service sid is not an address a patient writes to: such a message has no thread.
  if (!m.from_address.startsWith("+") && !m.from_address.startsWith("whatsapp:")) return null;
  return landInThread(em, { workspaceId, phone: m.phone, patientId, channel: m.channel, senderAddress: m.from_address, contactAddress: m.to_address, at, inbound: false });
}

export interface ThreadRow {
  id: string;
  workspace_id: string;
  contact_id: string;
  patient_id: string | null;
  channel: "SMS" | "WHATSAPP" | "WEB";
  sender_address: string;
  contact_address: string;
  status: ConversationStatus;
  assignee_id: string | null;
  last_inbound_at: Date | null;
  last_outbound_at: Date | null;
  waiting_since: Date | null;
  pending_reply_text: string | null;
  pending_reply_by_id: string | null;
  pending_reply_at: Date | null;
  pending_reply_expires_at: Date | null;
  pending_reply_lapsed_at: Date | null;
  /** SPEC §16: the assistant switched off in this thread by staff; when it last sent the away message; urgent and hand-off marks. */
  bot_off_at: Date | null;
  last_away_at: Date | null;
  urgent_at: Date | null;
  handoff_at: Date | null;
}

const THREAD_COLUMNS = `id, workspace_id, contact_id, patient_id, channel, sender_address, contact_address, status, assignee_id,
  last_inbound_at, last_outbound_at, waiting_since, pending_reply_text, pending_reply_by_id, pending_reply_at, pending_reply_expires_at, pending_reply_lapsed_at,
  bot_off_at, last_away_at, urgent_at, handoff_at`;

/** One thread of the workspace, optionally locked; undefined for another workspace's id. */
export async function loadThreadRow(em: EntityManager, workspaceId: string, id: string, opts: { lock?: boolean } = {}): Promise<ThreadRow | undefined> {
  const rows = await scopedQuery<ThreadRow>(em, workspaceId, `select ${THREAD_COLUMNS} from conversations where workspace_id = ? and id = ?${opts.lock ? " for update" : ""}`, [id]);
  return rows[0];
}

/** The thread a routed inbound message landed in, locked (the inbound steps read and change it). */
export async function lockThreadOf(em: EntityManager, workspaceId: string, conversationId: string): Promise<ThreadRow | undefined> {
  return loadThreadRow(em, workspaceId, conversationId, { lock: true });
}

/**
 * The case status. Closing a thread answers it (it no longer waits) and resolves its inbox entries
 * still open — one workflow: the thread's status is the case's (SPEC §13). Returns whether the thread
 * exists and how many entries were resolved.
 */
export async function setThreadStatus(em: EntityManager, workspaceId: string, id: string, status: ConversationStatus, now: Date, actorId: string | null = null): Promise<{ found: boolean; resolved: number }> {
  // Closing also ends an urgent or handed-off wait: the case is dealt with.
  const rows = await em.execute<{ id: string }[]>(
    `update conversations set status = ?, waiting_since = case when ? = 'OPEN' then waiting_since else null end,
            urgent_at = case when ? = 'CLOSED' then null else urgent_at end, handoff_at = case when ? = 'CLOSED' then null else handoff_at end, updated_at = ?
      where workspace_id = ? and id = ? returning id`,
    [status, status, status, status, now, workspaceId, id],
  );
  if (rows.length === 0) return { found: false, resolved: 0 };
  if (status !== "CLOSED") return { found: true, resolved: 0 };
  const resolved = await em.execute<{ id: string }[]>(
    "update feedback set status = 'RESOLVED', resolved_at = ?, resolved_by_id = ?, updated_at = ? where workspace_id = ? and conversation_id = ? and status <> 'RESOLVED' returning id",
    [now, actorId, now, workspaceId, id],
  );
  return { found: true, resolved: resolved.length };
}

export async function assignThread(em: EntityManager, workspaceId: string, id: string, assigneeId: string | null, now: Date): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(
    `update conversations set assignee_id = ?, updated_at = ? where workspace_id = ? and id = ?
        and (?::uuid is null or exists (select 1 from users u where u.id = ?::uuid and u.workspace_id = conversations.workspace_id))
      returning id`,
    [assigneeId, now, workspaceId, id, assigneeId, assigneeId],
  );
  return rows.length > 0;
}

/**
 * A staff message went out in the thread: it no longer waits, the conversation is live, and an urgent
 * or handed-off wait is over (the assistant may speak again once the conversation is no longer live).
 */
export async function markAnswered(em: EntityManager, workspaceId: string, id: string, now: Date): Promise<void> {
  await em.execute(
    "update conversations set last_outbound_at = ?, last_message_at = greatest(last_message_at, ?), waiting_since = null, urgent_at = null, handoff_at = null, updated_at = ? where workspace_id = ? and id = ?",
    [now, now, now, workspaceId, id],
    "run",
  );
}

/** Staff switch the assistant off (or back on) in one thread (SPEC §16). False for another workspace's thread. */
export async function setThreadAssistant(em: EntityManager, workspaceId: string, id: string, on: boolean, now: Date, actorId: string | null): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>(
    "update conversations set bot_off_at = ?, bot_off_by_id = ?, updated_at = ? where workspace_id = ? and id = ? returning id",
    [on ? null : now, on ? null : actorId, now, workspaceId, id],
  );
  return rows.length > 0;
}
