// Conversations as the staff see them (SPEC §13): the thread list with its filters, one thread with
// every message in and out in order, the navigation count of threads waiting, and the staff actions
// (assign, status, internal notes, read marks, canned replies, reply). The thread rows are
// @rm/messaging's (it lands inbound messages and sends replies); notes, read marks and canned replies
// are this package's. A read model (docs/ARCHITECTURE.md, "Table ownership"): it reads contacts,
// patients, messages, inbound messages, feedback and users to show a thread, and never writes them.
//
// Roles: owners and receptionists see every thread; a doctor only the threads of their own patients
// (the thread's patient's doctor) — any other id answers not_found, as another workspace's does.
import type { EntityManager } from "@mikro-orm/postgresql";
import { recordAudit } from "@rm/accounts";
import { scopedQuery } from "@rm/db";
import { fillCannedReply, type PlatformContentSids, type ReplyOptions } from "@rm/domain";
import { assignThread, loadReplyContext, sendStaffReply, setThreadAssistant, setThreadStatus } from "@rm/messaging";
import { InboxError, MICROS, UUID, type InboxViewer } from "./viewer.ts";

import { NOTE_MAX_LENGTH, REPLY_MAX_LENGTH, THREAD_STATUSES, THREAD_VIEWS, type ThreadStatus, type ThreadTab } from "./constants.ts";

export { NOTE_MAX_LENGTH, REPLY_MAX_LENGTH, THREAD_STATUSES, THREAD_VIEWS, type ThreadStatus, type ThreadTab };
const PAGE = 50;

export interface ThreadFilters {
  view: ThreadTab;
  mine: boolean;
  unassigned: boolean;
  practiceId: string | null;
  channel: "SMS" | "WHATSAPP" | "WEB" | null;
  /** Keyset cursor: threads with older activity than this one. */
  after: { at: string; id: string } | null;
}

/** Search params → filters; an unknown value is refused ("conversations.filter.invalid"), never widened. */
export function parseThreadFilters(params: URLSearchParams): ThreadFilters {
  const get = (k: string) => {
    const v = params.get(k)?.trim();
    return v ? v : null;
  };
  const view = get("view") ?? "open";
  if (!(THREAD_VIEWS as readonly string[]).includes(view)) throw new InboxError("invalid", "conversations.filter.invalid", "view");
  const assignee = get("assignee");
  if (assignee !== null && assignee !== "me" && assignee !== "none") throw new InboxError("invalid", "conversations.filter.invalid", "assignee");
  const practiceId = get("practice");
  if (practiceId !== null && !UUID.test(practiceId)) throw new InboxError("invalid", "conversations.filter.invalid", "practice");
  const channel = get("channel");
  if (channel !== null && channel !== "SMS" && channel !== "WHATSAPP" && channel !== "WEB") throw new InboxError("invalid", "conversations.filter.invalid", "channel");
  let after: ThreadFilters["after"] = null;
  const cursor = get("after");
  if (cursor) {
    const [at, id, ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
    if (rest.length || !at || !id || !UUID.test(id) || Number.isNaN(new Date(at).getTime())) throw new InboxError("invalid", "conversations.filter.invalid", "after");
    after = { at, id };
  }
  return { view: view as ThreadTab, mine: assignee === "me", unassigned: assignee === "none", practiceId, channel, after };
}

/** The doctor's scope on the thread's patient: their own patients only. */
function scopeOf(viewer: InboxViewer, patient = "p"): { sql: string; params: unknown[] } {
  return viewer.role === "DOCTOR" ? { sql: ` and ${patient}.doctor_id = ?`, params: [viewer.userId] } : { sql: "", params: [] };
}

export interface ThreadListItem {
  id: string;
  status: ThreadStatus;
  channel: "SMS" | "WHATSAPP" | "WEB";
  phone: string | null;
  patientName: string | null;
  practiceName: string | null;
  assigneeName: string | null;
  lastMessageAt: Date;
  waitingSince: Date | null;
  unread: boolean;
  preview: string;
  /** An urgent message waits for staff (SPEC §16): the staff number was alerted, the bot handed off. */
  urgent: boolean;
}

export interface ThreadList {
  items: ThreadListItem[];
  next: string | null;
}

export async function listThreads(em: EntityManager, viewer: InboxViewer, f: ThreadFilters): Promise<ThreadList> {
  const scope = scopeOf(viewer);
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.view === "open") where.push("cv.status = 'OPEN'");
  else if (f.view !== "all") {
    where.push("cv.status = ?");
    params.push(f.view);
  }
  if (f.mine) {
    where.push("cv.assignee_id = ?");
    params.push(viewer.userId);
  }
  if (f.unassigned) where.push("cv.assignee_id is null");
  if (f.channel) {
    where.push("cv.channel = ?");
    params.push(f.channel);
  }
  if (f.practiceId) {
    where.push("cp.practice_id = ?");
    params.push(f.practiceId);
  }
  if (f.after) {
    where.push("(cv.last_message_at, cv.id) < (?::timestamptz, ?::uuid)");
    params.push(f.after.at, f.after.id);
  }
  // Plain execute: the viewer's read mark is joined before the workspace condition (still a parameter).
  const rows = await em.execute<{
    id: string;
    status: ThreadStatus;
    channel: "SMS" | "WHATSAPP" | "WEB";
    phone: string | null;
    patient_name: string | null;
    practice_name: string | null;
    assignee_name: string | null;
    last_message_at: Date;
    at_micros: string;
    waiting_since: Date | null;
    unread: boolean;
    preview: string | null;
    urgent: boolean;
  }[]>(
    `select cv.id, cv.status, cv.channel, c.phone, coalesce(p.name, c.name) as patient_name, pr.name as practice_name, u.name as assignee_name,
            cv.last_message_at, ${MICROS("cv.last_message_at")} as at_micros, cv.waiting_since,
            (cv.last_inbound_at is not null and (r.read_at is null or r.read_at < cv.last_inbound_at)) as unread,
            (select i.body from inbound_messages i where i.conversation_id = cv.id order by i.received_at desc limit 1) as preview,
            (cv.urgent_at is not null) as urgent
       from conversations cv
       join contacts c on c.id = cv.contact_id
       left join patients p on p.id = cv.patient_id
       left join campaigns cp on cp.id = p.campaign_id
       left join practices pr on pr.id = cp.practice_id
       left join users u on u.id = cv.assignee_id
       left join conversation_reads r on r.conversation_id = cv.id and r.user_id = ?::uuid
      where cv.workspace_id = ?${where.map((w) => ` and ${w}`).join("")}${scope.sql}
      order by cv.last_message_at desc, cv.id desc
      limit ${PAGE + 1}`,
    [viewer.userId, viewer.workspaceId, ...params, ...scope.params],
  );
  const page = rows.slice(0, PAGE);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      status: r.status,
      channel: r.channel,
      phone: r.phone,
      patientName: r.patient_name,
      practiceName: r.practice_name,
      assigneeName: r.assignee_name,
      lastMessageAt: new Date(r.last_message_at),
      waitingSince: r.waiting_since ? new Date(r.waiting_since) : null,
      unread: r.unread,
      preview: (r.preview ?? "").slice(0, 140),
      urgent: r.urgent,
    })),
    next: rows.length > PAGE && last ? Buffer.from(`${last.at_micros}|${last.id}`, "utf8").toString("base64url") : null,
  };
}

/** The navigation count: open threads waiting for an answer (one meaning everywhere). */
export async function countWaitingThreads(em: EntityManager, viewer: InboxViewer): Promise<number> {
  const scope = scopeOf(viewer);
  const sql = scope.sql
    ? `select count(*)::text as n from conversations cv join patients p on p.id = cv.patient_id
        where cv.workspace_id = ? and cv.status = 'OPEN' and cv.waiting_since is not null${scope.sql}`
    : `select count(*)::text as n from conversations cv where cv.workspace_id = ? and cv.status = 'OPEN' and cv.waiting_since is not null`;
  const [row] = await scopedQuery<{ n: string }>(em, viewer.workspaceId, sql, scope.params);
  return Number(row?.n ?? 0);
}

export type ThreadEntry =
  | { kind: "in"; id: string; at: Date; body: string; rating: number | null; intent: string | null; media: { index: number; contentType: string }[] }
  | { kind: "out"; id: string; at: Date; body: string | null; type: string; status: string; authorName: string | null; errorText: string | null; channel: string }
  | { kind: "feedback"; id: string; at: Date; source: string; text: string; rating: number | null; status: string }
  | { kind: "note"; id: string; at: Date; body: string; authorName: string | null };

export interface ThreadView {
  id: string;
  status: ThreadStatus;
  channel: "SMS" | "WHATSAPP" | "WEB";
  contactId: string;
  phone: string | null;
  /** The contact's stage when it is a lead (SPEC §16), else null. */
  leadStatus: string | null;
  patientName: string | null;
  practiceName: string | null;
  assigneeId: string | null;
  waitingSince: Date | null;
  lastInboundAt: Date | null;
  pendingReply: { text: string; expiresAt: Date } | null;
  pendingReplyLapsedAt: Date | null;
  /** SPEC §16: an urgent message waits for staff; staff switched the assistant off in this thread. */
  urgent: boolean;
  botOff: boolean;
  options: ReplyOptions;
  entries: ThreadEntry[];
  staff: { id: string; name: string }[];
  canned: { id: string; title: string; body: string }[];
}

async function threadHeader(em: EntityManager, viewer: InboxViewer, id: string) {
  if (!UUID.test(id)) throw new InboxError("not_found", "conversations.notFound");
  const scope = scopeOf(viewer);
  const [row] = await scopedQuery<{
    id: string;
    status: ThreadStatus;
    channel: "SMS" | "WHATSAPP" | "WEB";
    contact_id: string;
    phone: string | null;
    patient_name: string | null;
    practice_name: string | null;
    doctor_name: string | null;
    assignee_id: string | null;
    sender_address: string;
    contact_address: string;
    waiting_since: Date | null;
    last_inbound_at: Date | null;
    pending_reply_text: string | null;
    pending_reply_expires_at: Date | null;
    pending_reply_lapsed_at: Date | null;
    lead_status: string | null;
    urgent_at: Date | null;
    bot_off_at: Date | null;
  }>(
    em,
    viewer.workspaceId,
    `select cv.id, cv.status, cv.channel, cv.contact_id, c.phone, c.lead_status, coalesce(p.name, c.name) as patient_name, pr.name as practice_name, d.name as doctor_name,
            cv.assignee_id, cv.sender_address, cv.contact_address, cv.waiting_since, cv.last_inbound_at,
            cv.pending_reply_text, cv.pending_reply_expires_at, cv.pending_reply_lapsed_at, cv.urgent_at, cv.bot_off_at
       from conversations cv
       join contacts c on c.id = cv.contact_id
       left join patients p on p.id = cv.patient_id
       left join campaigns cp on cp.id = p.campaign_id
       left join practices pr on pr.id = cp.practice_id
       left join users d on d.id = p.doctor_id
      where cv.workspace_id = ? and cv.id = ?${scope.sql}`,
    [id, ...scope.params],
  );
  if (!row) throw new InboxError("not_found", "conversations.notFound");
  return row;
}

export async function loadThread(em: EntityManager, viewer: InboxViewer, id: string, opts: { now?: Date; platformContentSids?: PlatformContentSids | undefined } = {}): Promise<ThreadView> {
  const now = opts.now ?? new Date();
  const h = await threadHeader(em, viewer, id);
  const ws = viewer.workspaceId;
  const inbound = await scopedQuery<{ id: string; received_at: Date; body: string; rating: number | null; intent: string | null; raw_params: Record<string, string> | null }>(
    em,
    ws,
    "select id, received_at, body, rating, intent, raw_params from inbound_messages where workspace_id = ? and conversation_id = ? order by received_at",
    [id],
  );
  // The thread's outbound messages: staff replies carry the thread; the rest are the messages from its
  // sender to its contact (campaign requests, follow-ups, HELP), found on messages_route_idx.
  const outbound = await scopedQuery<{ id: string; created_at: Date; body: string | null; type: string; status: string; author_name: string | null; error_text: string | null; channel: string }>(
    em,
    ws,
    `select m.id, coalesce(m.send_attempted_at, m.created_at) as created_at, m.body, m.type, m.status, u.name as author_name, m.error_text, m.channel
       from messages m left join users u on u.id = m.author_id
      where m.workspace_id = ? and (m.conversation_id = ? or (m.to_address = ? and m.from_address = ? and m.conversation_id is null and m.type <> 'STAFF_ALERT'))
      order by 2`,
    [id, h.contact_address, h.sender_address],
  );
  const feedback = await scopedQuery<{ id: string; created_at: Date; source: string; text: string; rating: number | null; status: string }>(
    em,
    ws,
    "select id, created_at, source, text, rating, status from feedback where workspace_id = ? and conversation_id = ? and source <> 'REPLY' order by created_at",
    [id],
  );
  const notes = await scopedQuery<{ id: string; created_at: Date; body: string; author_name: string | null }>(
    em,
    ws,
    "select n.id, n.created_at, n.body, u.name as author_name from conversation_notes n left join users u on u.id = n.author_id where n.workspace_id = ? and n.conversation_id = ? order by n.created_at",
    [id],
  );
  const entries: ThreadEntry[] = [
    ...inbound.map((i) => ({ kind: "in" as const, id: i.id, at: new Date(i.received_at), body: i.body, rating: i.rating, intent: i.intent, media: mediaOf(i.raw_params) })),
    ...outbound.map((m) => ({ kind: "out" as const, id: m.id, at: new Date(m.created_at), body: m.body, type: m.type, status: m.status, authorName: m.author_name, errorText: m.error_text, channel: m.channel })),
    ...feedback.map((f) => ({ kind: "feedback" as const, id: f.id, at: new Date(f.created_at), source: f.source, text: f.text, rating: f.rating, status: f.status })),
    ...notes.map((n) => ({ kind: "note" as const, id: n.id, at: new Date(n.created_at), body: n.body, authorName: n.author_name })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  const staff = await scopedQuery<{ id: string; name: string }>(em, ws, "select id, name from users where workspace_id = ? order by name", []);
  const canned = await scopedQuery<{ id: string; title: string; body: string }>(em, ws, "select id, title, body from canned_replies where workspace_id = ? order by title", []);
  const reply = await loadReplyContext(em, ws, id, now, { platformContentSids: opts.platformContentSids });
  const firstName = (h.patient_name ?? "").split(/\s+/)[0] ?? "";
  const pendingLive = h.pending_reply_text !== null && h.pending_reply_expires_at !== null && new Date(h.pending_reply_expires_at) > now;
  return {
    id: h.id,
    status: h.status,
    channel: h.channel,
    contactId: h.contact_id,
    phone: h.phone,
    leadStatus: h.lead_status,
    patientName: h.patient_name,
    practiceName: h.practice_name,
    assigneeId: h.assignee_id,
    waitingSince: h.waiting_since ? new Date(h.waiting_since) : null,
    lastInboundAt: h.last_inbound_at ? new Date(h.last_inbound_at) : null,
    // A pending reply past its time has lapsed even before the patient writes again (staff are told now).
    pendingReply: pendingLive ? { text: h.pending_reply_text!, expiresAt: new Date(h.pending_reply_expires_at!) } : null,
    pendingReplyLapsedAt: h.pending_reply_lapsed_at ? new Date(h.pending_reply_lapsed_at) : h.pending_reply_text && h.pending_reply_expires_at && !pendingLive ? new Date(h.pending_reply_expires_at) : null,
    urgent: h.urgent_at !== null,
    botOff: h.bot_off_at !== null,
    options: reply!.options,
    entries,
    staff,
    canned: canned.map((c) => ({ ...c, body: fillCannedReply(c.body, { name: firstName || null, practice: h.practice_name, doctor: h.doctor_name }) })),
  };
}

/** Photos and voice notes the patient sent, as Twilio described them (NumMedia, MediaContentTypeN). */
function mediaOf(params: Record<string, string> | null): { index: number; contentType: string }[] {
  const n = Math.min(Number(params?.NumMedia ?? 0) || 0, 10);
  const out: { index: number; contentType: string }[] = [];
  for (let i = 0; i < n; i++) if (params?.[`MediaUrl${i}`]) out.push({ index: i, contentType: params[`MediaContentType${i}`] ?? "application/octet-stream" });
  return out;
}

/** The Twilio URL of one media item of an inbound message in a thread the viewer may see (never shown to the browser). */
export async function inboundMediaUrl(em: EntityManager, viewer: InboxViewer, threadId: string, inboundId: string, index: number): Promise<{ url: string; contentType: string; accountSid: string | null }> {
  await threadHeader(em, viewer, threadId);
  if (!UUID.test(inboundId) || !Number.isInteger(index) || index < 0 || index > 9) throw new InboxError("not_found", "conversations.notFound");
  const [row] = await scopedQuery<{ raw_params: Record<string, string> | null }>(em, viewer.workspaceId, "select raw_params from inbound_messages where workspace_id = ? and conversation_id = ? and id = ?", [threadId, inboundId]);
  const url = row?.raw_params?.[`MediaUrl${index}`];
  if (!url) throw new InboxError("not_found", "conversations.notFound");
  return { url, contentType: row!.raw_params![`MediaContentType${index}`] ?? "application/octet-stream", accountSid: row!.raw_params!.AccountSid ?? null };
}

export interface ActionContext {
  ip?: string | null;
  now?: Date;
}

/** Marks the thread read for the viewer (opening it does). */
export async function markThreadRead(em: EntityManager, viewer: InboxViewer, id: string, now: Date): Promise<void> {
  await threadHeader(em, viewer, id);
  await em.execute(
    `insert into conversation_reads (id, workspace_id, conversation_id, user_id, read_at) values (gen_random_uuid(), ?, ?, ?, ?)
     on conflict (workspace_id, conversation_id, user_id) do update set read_at = greatest(conversation_reads.read_at, excluded.read_at)`,
    [viewer.workspaceId, id, viewer.userId, now],
    "run",
  );
}

/** Staff switch the assistant off (or on again) in one thread (SPEC §16); audited. */
export async function setThreadAssistantAs(em: EntityManager, viewer: InboxViewer, id: string, value: unknown, ctx: ActionContext = {}): Promise<void> {
  if (value !== "on" && value !== "off") throw new InboxError("invalid", "conversations.status.invalid", "bot");
  await em.transactional(async (tem) => {
    await threadHeader(tem, viewer, id);
    await setThreadAssistant(tem, viewer.workspaceId, id, value === "on", ctx.now ?? new Date(), viewer.userId);
    recordAudit(tem, { workspaceId: viewer.workspaceId, actorId: viewer.userId, action: "conversation.assistant_changed", entityType: "conversation", entityId: id, ip: ctx.ip ?? null, details: { on: value === "on" } });
  });
}

export async function setThreadStatusAs(em: EntityManager, viewer: InboxViewer, id: string, status: unknown, ctx: ActionContext = {}): Promise<void> {
  if (typeof status !== "string" || !(THREAD_STATUSES as readonly string[]).includes(status)) throw new InboxError("invalid", "conversations.status.invalid", "status");
  await em.transactional(async (tem) => {
    const h = await threadHeader(tem, viewer, id);
    if (h.status === status) return;
    const { resolved } = await setThreadStatus(tem, viewer.workspaceId, id, status as ThreadStatus, ctx.now ?? new Date(), viewer.userId);
    recordAudit(tem, { workspaceId: viewer.workspaceId, actorId: viewer.userId, action: "conversation.status_changed", entityType: "conversation", entityId: id, ip: ctx.ip ?? null, details: { from: h.status, to: status, resolvedItems: resolved } });
  });
}

export async function assignThreadAs(em: EntityManager, viewer: InboxViewer, id: string, assignee: unknown, ctx: ActionContext = {}): Promise<void> {
  const assigneeId = typeof assignee === "string" && assignee !== "" ? assignee : null;
  if (assigneeId !== null && !UUID.test(assigneeId)) throw new InboxError("invalid", "conversations.assignee.invalid", "assignee");
  await em.transactional(async (tem) => {
    const h = await threadHeader(tem, viewer, id);
    if (h.assignee_id === assigneeId) return;
    if (!(await assignThread(tem, viewer.workspaceId, id, assigneeId, ctx.now ?? new Date()))) throw new InboxError("invalid", "conversations.assignee.invalid", "assignee");
    recordAudit(tem, { workspaceId: viewer.workspaceId, actorId: viewer.userId, action: "conversation.assigned", entityType: "conversation", entityId: id, ip: ctx.ip ?? null, details: { from: h.assignee_id, to: assigneeId } });
  });
}

export async function addThreadNote(em: EntityManager, viewer: InboxViewer, id: string, body: unknown, ctx: ActionContext = {}): Promise<void> {
  const text = typeof body === "string" ? body.replace(/\r\n/g, "\n").trim() : "";
  if (text === "") throw new InboxError("invalid", "conversations.note.empty", "note");
  if (text.length > NOTE_MAX_LENGTH) throw new InboxError("invalid", "conversations.note.tooLong", "note");
  await em.transactional(async (tem) => {
    await threadHeader(tem, viewer, id);
    await tem.execute("insert into conversation_notes (id, workspace_id, conversation_id, author_id, body, created_at) values (gen_random_uuid(), ?, ?, ?, ?, ?)", [viewer.workspaceId, id, viewer.userId, text, ctx.now ?? new Date()], "run");
  });
}

export type ReplyOutcome = { kind: "sent" } | { kind: "pending"; expiresAt: Date };

/** A staff reply (SPEC §13): refused with the reason when the thread cannot be answered now. Audited. */
export async function replyInThread(
  em: EntityManager,
  viewer: InboxViewer,
  id: string,
  body: unknown,
  ctx: ActionContext & { pendingReplyTtlMs: number; platformContentSids?: PlatformContentSids | undefined },
): Promise<ReplyOutcome> {
  const text = typeof body === "string" ? body.replace(/\r\n/g, "\n").trim() : "";
  if (text === "") throw new InboxError("invalid", "conversations.reply.empty", "body");
  if (text.length > REPLY_MAX_LENGTH) throw new InboxError("invalid", "conversations.reply.tooLong", "body");
  return em.transactional(async (tem) => {
    await threadHeader(tem, viewer, id);
    const now = ctx.now ?? new Date();
    const result = await sendStaffReply(tem, { workspaceId: viewer.workspaceId, conversationId: id, authorId: viewer.userId, body: text, now, pendingReplyTtlMs: ctx.pendingReplyTtlMs, platformContentSids: ctx.platformContentSids });
    if (result.kind === "not-found") throw new InboxError("not_found", "conversations.notFound");
    if (result.kind === "refused") throw new InboxError("conflict", result.options.kind === "BLOCKED" ? `conversations.blocked.${result.options.reason}` : "conversations.notFound", "body");
    recordAudit(tem, {
      workspaceId: viewer.workspaceId,
      actorId: viewer.userId,
      action: result.kind === "sent" ? "conversation.replied" : "conversation.reply_held",
      entityType: "conversation",
      entityId: id,
      ip: ctx.ip ?? null,
      details: { messageId: result.kind === "sent" ? result.messageId : result.noticeId, length: text.length },
    });
    // The reply moved a NEW lead to CONTACTED: audited as a move by hand is, the replying staff member the actor.
    if (result.leadContacted) {
      recordAudit(tem, {
        workspaceId: viewer.workspaceId,
        actorId: viewer.userId,
        action: "lead.status_changed",
        entityType: "contact",
        entityId: result.leadContacted.contactId,
        ip: ctx.ip ?? null,
        details: { from: "NEW", to: "CONTACTED", cause: "reply", conversationId: id },
      });
    }
    return result.kind === "sent" ? { kind: "sent" } : { kind: "pending", expiresAt: result.expiresAt };
  });
}

/** Adds a canned reply to the workspace's library (owners and receptionists). */
export async function createCannedReply(em: EntityManager, viewer: InboxViewer, title: unknown, body: unknown, ctx: ActionContext = {}): Promise<void> {
  if (viewer.role === "DOCTOR") throw new InboxError("forbidden", "conversations.canned.forbidden");
  const t = typeof title === "string" ? title.trim() : "";
  const b = typeof body === "string" ? body.replace(/\r\n/g, "\n").trim() : "";
  if (t === "" || t.length > 80) throw new InboxError("invalid", "conversations.canned.title", "title");
  if (b === "" || b.length > REPLY_MAX_LENGTH) throw new InboxError("invalid", "conversations.canned.body", "cannedBody");
  await em.transactional(async (tem) => {
    const rows = await tem.execute<{ id: string }[]>(
      "insert into canned_replies (id, workspace_id, title, body, created_at, updated_at) values (gen_random_uuid(), ?, ?, ?, ?, ?) on conflict (workspace_id, title) do nothing returning id",
      [viewer.workspaceId, t, b, ctx.now ?? new Date(), ctx.now ?? new Date()],
    );
    if (!rows[0]) throw new InboxError("invalid", "conversations.canned.duplicate", "title");
    recordAudit(tem, { workspaceId: viewer.workspaceId, actorId: viewer.userId, action: "canned_reply.created", entityType: "canned_reply", entityId: rows[0].id, ip: ctx.ip ?? null });
  });
}
