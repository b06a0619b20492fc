// A staff member's reply in a conversation (SPEC §13). It is a message like any other: a `messages`
// row of type STAFF_REPLY with its `message.send` outbox row, so the send protocol applies (credit
// hold and settlement, opt-out and consent re-checked under the contact's lock, rate limits, status
// callbacks, the attempt timeline). What may be sent is decided first by `replyOptions`, the same
// rule the thread page uses to enable its composer.
import type { EntityManager } from "@mikro-orm/postgresql";
import { enqueueOutbox, OutboxStream, scopedQuery } from "@rm/db";
import { PLATFORM_TEMPLATE_TEXTS, renderContent, replyOptions, resolveWhatsAppContentSid, whatsappContentVariables, type PlatformContentSids, type ReplyOptions } from "@rm/domain";
import { messageSendEvent } from "@rm/events";
import { markLeadContacted } from "../contacts/leads.ts";
import { firstName, loadPatientContext } from "../feedback/patient-context.ts";
import { confirmedWidgetPhone } from "../widget/widget.ts";
import { loadThreadRow, markAnswered, type ThreadRow } from "./threads.ts";

export interface ReplyContext {
  thread: ThreadRow;
  options: ReplyOptions;
  optedOutAt: Date | null;
  /** For a thread without a patient: the contact's name and language, and the workspace's name. */
  contact: { name: string | null; language: string | null; workspaceName: string; whatsappContentSids: Record<string, string> | null };
}

/** The thread with what may be sent in it now; undefined for another workspace's thread. */
export async function loadReplyContext(
  em: EntityManager,
  workspaceId: string,
  conversationId: string,
  now: Date,
  opts: { lock?: boolean; platformContentSids?: PlatformContentSids | undefined } = {},
): Promise<ReplyContext | undefined> {
  const thread = await loadThreadRow(em, workspaceId, conversationId, { lock: opts.lock ?? false });
  if (!thread) return undefined;
  const rows = await scopedQuery<{
    opted_out_at: Date | null;
    erased_at: Date | null;
    last_inbound_at: Record<string, string> | null;
    name: string | null;
    language: string | null;
    workspace_name: string;
    whatsapp_content_sids: Record<string, string> | null;
  }>(
    em,
    workspaceId,
    `select c.opted_out_at, c.erased_at, c.last_inbound_at, c.name, c.language, w.name as workspace_name, w.whatsapp_content_sids
       from contacts c join workspaces w on w.id = c.workspace_id
      where c.workspace_id = ? and c.id = ?${opts.lock ? " for update of c" : ""}`,
    [thread.contact_id],
  );
  const language = thread.patient_id
    ? ((await scopedQuery<{ language: string }>(em, workspaceId, "select language from patients where workspace_id = ? and id = ?", [thread.patient_id]))[0]?.language ?? null)
    : (rows[0]?.language ?? null);
  const c = rows[0];
  if (!c) return undefined;
  const windowAt = c.last_inbound_at?.[thread.sender_address];
  const hasNoticeTemplate = resolveWhatsAppContentSid({ type: "STAFF_REPLY_NOTICE", language, workspaceSids: c.whatsapp_content_sids, platform: opts.platformContentSids }) !== null;
  const pendingReplyWaiting = thread.pending_reply_text !== null && thread.pending_reply_expires_at !== null && new Date(thread.pending_reply_expires_at) > now;
  const options = replyOptions({
    channel: thread.channel,
    optedOutAt: c.opted_out_at,
    erasedAt: c.erased_at,
    // A contact without a patient who wrote to this sender (a new phone on an own sender) is answered too.
    hasPatient: thread.patient_id !== null || windowAt !== undefined,
    lastInboundAt: windowAt ? new Date(windowAt) : null,
    hasNoticeTemplate,
    pendingReplyWaiting,
    now,
  });
  return { thread, options, optedOutAt: c.opted_out_at, contact: { name: c.name, language: c.language, workspaceName: c.workspace_name, whatsappContentSids: c.whatsapp_content_sids } };
}

/** A NEW lead answered by staff (SPEC §16): its contact, moved to CONTACTED by this reply (the caller audits it). */
export interface LeadContacted {
  leadContacted: { contactId: string } | null;
}

export type StaffReplyResult =
  | ({ kind: "sent"; messageId: string } & LeadContacted)
  | ({ kind: "pending"; noticeId: string; expiresAt: Date } & LeadContacted)
  | { kind: "refused"; options: ReplyOptions }
  | { kind: "not-found" };

export interface StaffReplyInput {
  workspaceId: string;
  conversationId: string;
  authorId: string;
  body: string;
  now: Date;
  /** How long a pending reply waits for the patient's answer before it lapses. */
  pendingReplyTtlMs: number;
  platformContentSids?: PlatformContentSids | undefined;
}

/**
 * Sends (or holds, outside WhatsApp's window) a staff reply; runs in the caller's transaction. A reply
 * that goes out (or whose notice does) to a NEW lead moves the lead to CONTACTED in the same
 * transaction: staff answered it, as they would have marked by hand.
 */
export async function sendStaffReply(em: EntityManager, input: StaffReplyInput): Promise<StaffReplyResult> {
  const result = await writeStaffReply(em, input);
  if (result.kind !== "sent" && result.kind !== "pending") return result;
  return { ...result, leadContacted: await markLeadContacted(em, input.workspaceId, result.contactId, input.now) };
}

type Written =
  | { kind: "sent"; messageId: string; contactId: string }
  | { kind: "pending"; noticeId: string; expiresAt: Date; contactId: string }
  | { kind: "refused"; options: ReplyOptions }
  | { kind: "not-found" };

async function writeStaffReply(em: EntityManager, input: StaffReplyInput): Promise<Written> {
  const ctx = await loadReplyContext(em, input.workspaceId, input.conversationId, input.now, { lock: true, platformContentSids: input.platformContentSids });
  if (!ctx) return { kind: "not-found" };
  const { thread, options } = ctx;
  if (options.kind === "BLOCKED") return { kind: "refused", options };
  if (thread.channel === "WEB") {
    const messageId = await insertWebAnswer(em, thread, { body: input.body, authorId: input.authorId, now: input.now });
    await markAnswered(em, input.workspaceId, thread.id, input.now);
    return { kind: "sent", messageId, contactId: thread.contact_id };
  }
  if (options.kind === "FREE_TEXT") {
    const messageId = await insertStaffMessage(em, thread, { type: "STAFF_REPLY", body: input.body, contentSid: null, contentVariables: null, authorId: input.authorId, now: input.now });
    await markAnswered(em, input.workspaceId, thread.id, input.now);
    return { kind: "sent", messageId, contactId: thread.contact_id };
  }
  // PENDING_REPLY: hold the text, send the approved notice; the text goes when the patient answers.
  // A contact without a patient (a new phone on an own sender) is greeted by their name, if known, from the workspace.
  const patient = thread.patient_id ? await loadPatientContext(em, input.workspaceId, thread.patient_id) : null;
  if (thread.patient_id && !patient) return { kind: "refused", options: { kind: "BLOCKED", reason: "NO_PATIENT" } };
  const language = (patient ? patient.language : ctx.contact.language) === "en" ? "en" : "es";
  const values = patient ? { name: firstName(patient.name), practice: patient.practiceName } : { name: firstName(ctx.contact.name ?? ""), practice: ctx.contact.workspaceName };
  const workspaceSids = patient ? patient.whatsappContentSids : ctx.contact.whatsappContentSids;
  const contentSid = resolveWhatsAppContentSid({ type: "STAFF_REPLY_NOTICE", language, workspaceSids, platform: input.platformContentSids })!.sid;
  const variables = whatsappContentVariables("STAFF_REPLY_NOTICE", values);
  const noticeId = await insertStaffMessage(em, thread, {
    type: "STAFF_REPLY_NOTICE",
    body: renderContent(PLATFORM_TEMPLATE_TEXTS[language].STAFF_REPLY_NOTICE.body, variables ?? {}),
    contentSid,
    contentVariables: variables,
    authorId: input.authorId,
    now: input.now,
  });
  const expiresAt = new Date(input.now.getTime() + input.pendingReplyTtlMs);
  await em.execute(
    `update conversations set pending_reply_text = ?, pending_reply_by_id = ?, pending_reply_at = ?, pending_reply_expires_at = ?, pending_reply_lapsed_at = null,
            last_outbound_at = ?, last_message_at = greatest(last_message_at, ?), waiting_since = null, updated_at = ?
      where workspace_id = ? and id = ?`,
    [input.body, input.authorId, input.now, expiresAt, input.now, input.now, input.now, input.workspaceId, thread.id],
    "run",
  );
  return { kind: "pending", noticeId, expiresAt, contactId: thread.contact_id };
}

/**
 * The patient answered a thread with a pending reply: the held text goes out now that the window is
 * open. A reply past its expiry is not sent; it is marked lapsed so the thread tells staff.
 * Returns the new message's id, "lapsed", or null when nothing was pending.
 */
export async function deliverPendingReply(em: EntityManager, thread: ThreadRow, now: Date): Promise<string | "lapsed" | null> {
  if (thread.pending_reply_text === null || thread.pending_reply_expires_at === null) return null;
  if (new Date(thread.pending_reply_expires_at) <= now) {
    await em.execute("update conversations set pending_reply_text = null, pending_reply_lapsed_at = ?, updated_at = ? where workspace_id = ? and id = ?", [thread.pending_reply_expires_at, now, thread.workspace_id, thread.id], "run");
    return "lapsed";
  }
  const id = await insertStaffMessage(em, thread, { type: "STAFF_REPLY", body: thread.pending_reply_text, contentSid: null, contentVariables: null, authorId: thread.pending_reply_by_id, now });
  await em.execute(
    "update conversations set pending_reply_text = null, pending_reply_expires_at = null, last_outbound_at = ?, waiting_since = null, urgent_at = null, handoff_at = null, updated_at = ? where workspace_id = ? and id = ?",
    [now, now, thread.workspace_id, thread.id],
    "run",
  );
  return id;
}

/**
 * A staff answer in a web chat thread (SPEC §16): recorded like any message, shown by the visitor's chat
 * (which marks it DELIVERED when it has it). No provider takes part, so it needs no send. Once the visitor
 * has confirmed their phone with a code, the same text also goes to that phone by SMS, as its own message
 * through the send protocol; an unconfirmed phone never receives anything but the code.
 */
async function insertWebAnswer(em: EntityManager, thread: ThreadRow, m: { body: string; authorId: string | null; now: Date }): Promise<string> {
  const rows = await em.execute<{ id: string }[]>(
    `insert into messages (id, workspace_id, patient_id, conversation_id, author_id, campaign_id, type, channel, status, to_address, from_address, body,
                           send_attempted_at, sent_at, created_at, updated_at)
     values (gen_random_uuid(), ?, ?, ?, ?, null, 'STAFF_REPLY', 'WEB', 'SENT', ?, ?, ?, ?, ?, ?, ?) returning id`,
    [thread.workspace_id, thread.patient_id, thread.id, m.authorId, thread.contact_address, thread.sender_address, m.body, m.now, m.now, m.now, m.now],
  );
  const phone = await confirmedWidgetPhone(em, thread);
  if (phone) {
    const copy = await em.execute<{ id: string }[]>(
      `insert into messages (id, workspace_id, patient_id, conversation_id, author_id, campaign_id, type, channel, status, to_address, from_address, body, created_at, updated_at)
       values (gen_random_uuid(), ?, null, ?, ?, null, 'STAFF_REPLY', 'SMS', 'PENDING', ?, null, ?, ?, ?) returning id`,
      [thread.workspace_id, thread.id, m.authorId, phone, m.body, m.now, m.now],
    );
    const copyId = copy[0]!.id;
    await enqueueOutbox(em, {
      workspaceId: thread.workspace_id,
      stream: OutboxStream.DISPATCH,
      type: messageSendEvent.type,
      payload: { messageId: copyId },
      idempotencyKey: messageSendEvent.key(copyId),
      availableAt: m.now,
    });
  }
  return rows[0]!.id;
}

/**
 * The assistant's message in a web chat thread (SPEC §16): recorded like a staff answer there (channel
 * WEB, SENT, no author), shown by the visitor's chat as the bot's. No provider takes part; it is not
 * sent on to a confirmed phone (only staff answers are).
 */
export async function insertWebBotMessage(em: EntityManager, thread: Pick<ThreadRow, "workspace_id" | "patient_id" | "id" | "contact_address" | "sender_address">, m: { type: "BOT_ANSWER" | "BOT_AI_ANSWER" | "BOT_AWAY" | "BOT_HANDOFF"; body: string; now: Date }): Promise<string> {
  const rows = await em.execute<{ id: string }[]>(
    `insert into messages (id, workspace_id, patient_id, conversation_id, author_id, campaign_id, type, channel, status, to_address, from_address, body,
                           send_attempted_at, sent_at, created_at, updated_at)
     values (gen_random_uuid(), ?, ?, ?, null, null, ?, 'WEB', 'SENT', ?, ?, ?, ?, ?, ?, ?) returning id`,
    [thread.workspace_id, thread.patient_id, thread.id, m.type, thread.contact_address, thread.sender_address, m.body, m.now, m.now, m.now, m.now],
  );
  return rows[0]!.id;
}

/**
 * A message in the thread (a staff reply, a notice, or the assistant's message: author null), with its
 * `message.send` outbox row: the send protocol applies to all of them.
 */
export async function insertStaffMessage(
  em: EntityManager,
  thread: Pick<ThreadRow, "workspace_id" | "patient_id" | "id" | "channel" | "contact_address" | "sender_address">,
  m: { type: "STAFF_REPLY" | "STAFF_REPLY_NOTICE" | "BOT_ANSWER" | "BOT_AI_ANSWER" | "BOT_AWAY" | "BOT_HANDOFF"; body: string; contentSid: string | null; contentVariables: Record<string, string> | null; authorId: string | null; now: Date },
): Promise<string> {
  const rows = await em.execute<{ id: string }[]>(
    `insert into messages (id, workspace_id, patient_id, conversation_id, author_id, campaign_id, type, channel, status, to_address, from_address, body, content_sid, content_variables, created_at, updated_at)
     values (gen_random_uuid(), ?, ?, ?, ?, null, ?, ?, 'PENDING', ?, ?, ?, ?, ?::jsonb, ?, ?) returning id`,
    [thread.workspace_id, thread.patient_id, thread.id, m.authorId, m.type, thread.channel, thread.contact_address, thread.sender_address, m.body, m.contentSid, m.contentVariables ? JSON.stringify(m.contentVariables) : null, m.now, m.now],
  );
  const id = rows[0]!.id;
  await enqueueOutbox(em, {
    workspaceId: thread.workspace_id,
    stream: OutboxStream.DISPATCH,
    type: messageSendEvent.type,
    payload: { messageId: id },
    idempotencyKey: messageSendEvent.key(id),
    availableAt: m.now,
  });
  return id;
}
