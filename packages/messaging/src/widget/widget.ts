// The web chat widget (SPEC §16, decision 032). A workspace has one widget (`web_widgets`): a public key
// the script tag names it by, and the origins allowed to frame the chat, edited by owners and audited.
// A visitor (`widget_visitors`) is known by a random token the chat keeps; only its hash is stored.
// Their messages land in a thread of the WEB channel of the same conversations staff answer, as
// `inbound_messages` rows, and a staff answer in such a thread is a `messages` row the chat shows.
// A phone the visitor types is unverified: it is kept on the visitor row, never on the contact, until the
// visitor enters the code sent to it (a VERIFICATION message through the send protocol).
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { recordAudit } from "@rm/accounts";
import { scopedQuery } from "@rm/db";
import { destinationRejection, normalizePhone } from "@rm/domain";
import { handleContactMessage, type AssistantOutcome } from "../conversations/assistant.ts";
import { DEFAULT_LIVE_CONVERSATION_MS } from "../feedback/reply.ts";
import { enqueueVerificationCode } from "../send/verification-code.ts";

/** Why a widget request was refused; the web shows `widget.error.<code>` in the visitor's language. */
export type WidgetErrorCode = "empty" | "tooLong" | "nameTooLong" | "phoneInvalid" | "phoneNotAllowed" | "noPhone" | "codeWrong" | "codeExpired" | "codeSpent" | "noCode" | "alreadyConfirmed";

export class WidgetError extends Error {
  readonly code: WidgetErrorCode;
  constructor(code: WidgetErrorCode) {
    super(`widget: ${code}`);
    this.code = code;
  }
}

export const WIDGET_LIMITS = { body: 1000, name: 80, phoneInput: 40, origins: 20, originLength: 200 } as const;
/** A code is valid this long, and this many wrong entries spend it. */
export const WIDGET_CODE_TTL_MS = 10 * 60_000;
export const WIDGET_CODE_MAX_ATTEMPTS = 5;

export interface WidgetRow {
  id: string;
  workspaceId: string;
  publicKey: string;
  allowedOrigins: string[];
  workspaceName: string;
  defaultCountry: string;
}

function newPublicKey(): string {
  return `wk_${randomBytes(12).toString("base64url")}`;
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The workspace's widget, created with a fresh key on first use; `practiceId` null: the workspace's first practice answers. */
export async function widgetSettings(em: EntityManager, workspaceId: string, now: Date): Promise<{ publicKey: string; allowedOrigins: string[]; practiceId: string | null }> {
  await em.execute(
    `insert into web_widgets (id, workspace_id, public_key, allowed_origins, created_at, updated_at)
     values (gen_random_uuid(), ?, ?, '[]'::jsonb, ?, ?) on conflict on constraint web_widgets_workspace_uq do nothing`,
    [workspaceId, newPublicKey(), now, now],
    "run",
  );
  const [row] = await scopedQuery<{ public_key: string; allowed_origins: string[]; practice_id: string | null }>(
    em,
    workspaceId,
    "select public_key, allowed_origins, practice_id from web_widgets where workspace_id = ?",
    [],
  );
  return { publicKey: row!.public_key, allowedOrigins: row!.allowed_origins, practiceId: row!.practice_id };
}

/**
 * The practice whose knowledge, hours and staff number the chat's automatic handling uses (SPEC §16);
 * null: the workspace's first practice. A practice of another workspace is refused (false). Audited.
 */
export async function setWidgetPractice(em: EntityManager, actor: { workspaceId: string; userId: string; ip: string | null }, practiceId: string | null, now: Date): Promise<boolean> {
  if (practiceId !== null) {
    if (!/^[0-9a-f-]{36}$/i.test(practiceId)) return false;
    const [found] = await scopedQuery<{ id: string }>(em, actor.workspaceId, "select id from practices where workspace_id = ? and id = ?", [practiceId]);
    if (!found) return false;
  }
  const before = await widgetSettings(em, actor.workspaceId, now);
  if (before.practiceId === practiceId) return true;
  await em.execute("update web_widgets set practice_id = ?, updated_at = ? where workspace_id = ?", [practiceId, now, actor.workspaceId], "run");
  recordAudit(em, { workspaceId: actor.workspaceId, actorId: actor.userId, action: "widget.practice_changed", entityType: "web_widget", ip: actor.ip, details: { from: before.practiceId, to: practiceId } });
  await em.flush();
  return true;
}

/**
 * The owner's list of allowed origins, one per line, as origins a browser sends ("https://host[:port]"):
 * a path, query or wildcard is refused with the line that has it. Returns the origins or the bad line.
 */
export function parseAllowedOrigins(text: string): { ok: true; origins: string[] } | { ok: false; line: string } {
  const origins: string[] = [];
  for (const raw of text.split(/[\r\n,]+/)) {
    const line = raw.trim();
    if (line === "") continue;
    let url: URL;
    try {
      url = new URL(line);
    } catch {
      return { ok: false, line: line.slice(0, WIDGET_LIMITS.originLength) };
    }
    const bare = line.replace(/\/$/, "");
    // Only scheme, host and port: exactly what `frame-ancestors` and the Origin header compare.
    // The origin goes into a CSP header: letters, digits, dots and dashes only (no wildcard, no quote).
    const plainHost = /^[a-z0-9.-]+$/.test(url.hostname) || /^\[[0-9a-f:.]+\]$/.test(url.hostname);
    if ((url.protocol !== "https:" && url.protocol !== "http:") || !plainHost || url.origin !== bare.toLowerCase() || line.length > WIDGET_LIMITS.originLength) {
      return { ok: false, line: line.slice(0, WIDGET_LIMITS.originLength) };
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  if (origins.length > WIDGET_LIMITS.origins) return { ok: false, line: origins[WIDGET_LIMITS.origins]! };
  return { ok: true, origins };
}

/** Saves the allowed origins and audits the change (what was added and removed). */
export async function setAllowedOrigins(em: EntityManager, actor: { workspaceId: string; userId: string; ip: string | null }, origins: string[], now: Date): Promise<void> {
  const before = await widgetSettings(em, actor.workspaceId, now);
  await em.execute("update web_widgets set allowed_origins = ?::jsonb, updated_at = ? where workspace_id = ?", [JSON.stringify(origins), now, actor.workspaceId], "run");
  const added = origins.filter((o) => !before.allowedOrigins.includes(o));
  const removed = before.allowedOrigins.filter((o) => !origins.includes(o));
  if (added.length === 0 && removed.length === 0) return;
  recordAudit(em, { workspaceId: actor.workspaceId, actorId: actor.userId, action: "widget.origins_changed", entityType: "web_widget", ip: actor.ip, details: { added, removed } });
  await em.flush();
}

/** The widget of a public key, across workspaces (the key is the only way in); null when unknown. */
export async function findWidgetByKey(em: EntityManager, key: string): Promise<WidgetRow | null> {
  if (!/^wk_[A-Za-z0-9_-]{10,40}$/.test(key)) return null;
  const [row] = await em.execute<{ id: string; workspace_id: string; public_key: string; allowed_origins: string[]; name: string; default_country: string }[]>(
    `select ww.id, ww.workspace_id, ww.public_key, ww.allowed_origins, w.name, w.default_country
       from web_widgets ww join workspaces w on w.id = ww.workspace_id where ww.public_key = ?`,
    [key],
  );
  if (!row) return null;
  return { id: row.id, workspaceId: row.workspace_id, publicKey: row.public_key, allowedOrigins: row.allowed_origins, workspaceName: row.name, defaultCountry: row.default_country };
}

export interface VisitorRow {
  id: string;
  contact_id: string;
  conversation_id: string | null;
  name: string | null;
  phone: string | null;
  phone_confirmed_at: Date | null;
  code_hash: string | null;
  code_expires_at: Date | null;
  code_attempts: number;
}

/** The visitor of a token on this widget, optionally locked; null for an unknown token or another widget's. */
export async function findVisitor(em: EntityManager, widget: WidgetRow, token: string, opts: { lock?: boolean } = {}): Promise<VisitorRow | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  const [row] = await scopedQuery<VisitorRow>(
    em,
    widget.workspaceId,
    `select id, contact_id, conversation_id, name, phone, phone_confirmed_at, code_hash, code_expires_at, code_attempts
       from widget_visitors where workspace_id = ? and widget_id = ? and token_hash = ?${opts.lock ? " for update" : ""}`,
    [widget.id, hashToken(token)],
  );
  return row ?? null;
}

/**
 * The contact of a new widget visitor, the one place a visitor's contact is made: a lead (NEW) of
 * source WIDGET. No phone: a typed phone is unverified (SPEC §16).
 */
export async function createWidgetContact(em: EntityManager, workspaceId: string, v: { name: string | null; language: "es" | "en"; now: Date }): Promise<string> {
  const [row] = await em.execute<{ id: string }[]>(
    `insert into contacts (id, workspace_id, phone, name, language, last_inbound_at, source, lead_status, lead_status_at, created_at, updated_at)
     values (gen_random_uuid(), ?, null, ?, ?, '{}'::jsonb, 'WIDGET', 'NEW', ?, ?, ?) returning id`,
    [workspaceId, v.name, v.language, v.now, v.now, v.now],
  );
  return row!.id;
}

function cleanName(input: string | null | undefined): string | null {
  const name = (input ?? "").replace(/\s+/g, " ").trim();
  if (name === "") return null;
  if (name.length > WIDGET_LIMITS.name) throw new WidgetError("nameTooLong");
  return name;
}

/** A typed phone as E.164 in the workspace's country, reachable by SMS and allowed as a destination. */
function parseVisitorPhone(input: string, widget: WidgetRow): string {
  if (input.length > WIDGET_LIMITS.phoneInput) throw new WidgetError("phoneInvalid");
  const phone = normalizePhone(input, widget.defaultCountry as never);
  if (!phone.ok || !phone.reachable) throw new WidgetError("phoneInvalid");
  if (destinationRejection(phone.e164, { ownCountry: widget.defaultCountry })) throw new WidgetError("phoneNotAllowed");
  return phone.e164;
}

export interface PostInput {
  /** The visitor's token, or null for a first message (a new visitor and token are made). */
  token: string | null;
  body: string;
  name?: string | null | undefined;
  phone?: string | null | undefined;
  language: "es" | "en";
  now: Date;
  /**
   * Run the automatic handling (SPEC §16: urgent alert, hand-offs, knowledge answer, LLM, away message)
   * in this transaction, with the widget's practice. `aiAvailable`: an AI provider is configured.
   * Absent: the message only waits for staff (seeded demo data).
   */
  automatic?: { aiAvailable: boolean; liveConversationMs?: number | undefined } | undefined;
}

/**
 * A visitor's message: it lands in their WEB thread (made on the first message) and makes the thread
 * wait for staff. Name and phone, when given, are kept on the visitor (the phone unverified; changing it
 * takes back an earlier confirmation). Returns the visitor's token (new for a new visitor).
 */
export async function postVisitorMessage(
  em: EntityManager,
  widget: WidgetRow,
  input: PostInput,
): Promise<{ token: string; visitorId: string; conversationId: string; inboundId: string; automatic: AssistantOutcome | null }> {
  const body = input.body.replace(/\r\n/g, "\n").trim();
  if (body === "") throw new WidgetError("empty");
  if (body.length > WIDGET_LIMITS.body) throw new WidgetError("tooLong");
  const name = cleanName(input.name);
  const phoneText = (input.phone ?? "").trim();
  const phone = phoneText === "" ? null : parseVisitorPhone(phoneText, widget);

  let token = input.token;
  let visitor = token ? await findVisitor(em, widget, token, { lock: true }) : null;
  if (!visitor) {
    token = randomBytes(24).toString("base64url");
    const contactId = await createWidgetContact(em, widget.workspaceId, { name, language: input.language, now: input.now });
    const [row] = await em.execute<VisitorRow[]>(
      `insert into widget_visitors (id, workspace_id, widget_id, token_hash, contact_id, name, language, phone, created_at, updated_at)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?, ?)
       returning id, contact_id, conversation_id, name, phone, phone_confirmed_at, code_hash, code_expires_at, code_attempts`,
      [widget.workspaceId, widget.id, hashToken(token), contactId, name, input.language, phone, input.now, input.now],
    );
    visitor = row!;
  } else {
    const phoneChanged = phone !== null && phone !== visitor.phone;
    await em.execute(
      `update widget_visitors set name = coalesce(?, name), language = ?, phone = coalesce(?, phone),
              phone_confirmed_at = case when ? then null else phone_confirmed_at end,
              code_hash = case when ? then null else code_hash end, updated_at = ?
        where workspace_id = ? and id = ?`,
      [name, input.language, phone, phoneChanged, phoneChanged, input.now, widget.workspaceId, visitor.id],
      "run",
    );
    if (name !== null) await em.execute("update contacts set name = ?, updated_at = ? where workspace_id = ? and id = ? and erased_at is null", [name, input.now, widget.workspaceId, visitor.contact_id], "run");
  }

  const senderAddress = `web:${widget.id}`;
  const contactAddress = `web:${visitor.id}`;
  const [thread] = await em.execute<{ id: string }[]>(
    `insert into conversations (id, workspace_id, contact_id, patient_id, channel, sender_address, contact_address, status,
                                last_inbound_at, last_message_at, waiting_since, created_at, updated_at)
     values (gen_random_uuid(), ?, ?, null, 'WEB', ?, ?, 'OPEN', ?, ?, ?, ?, ?)
     on conflict on constraint conversations_contact_sender_uq do update set
       status = 'OPEN',
       last_inbound_at = greatest(conversations.last_inbound_at, excluded.last_inbound_at),
       last_message_at = greatest(conversations.last_message_at, excluded.last_message_at),
       waiting_since = coalesce(conversations.waiting_since, excluded.waiting_since),
       updated_at = excluded.updated_at
     returning id`,
    [widget.workspaceId, visitor.contact_id, senderAddress, contactAddress, input.now, input.now, input.now, input.now, input.now],
  );
  const conversationId = thread!.id;
  if (visitor.conversation_id !== conversationId) {
    await em.execute("update widget_visitors set conversation_id = ? where workspace_id = ? and id = ?", [conversationId, widget.workspaceId, visitor.id], "run");
  }
  const [inbound] = await em.execute<{ id: string }[]>(
    `insert into inbound_messages (id, workspace_id, patient_id, conversation_id, provider_sid, channel, from_address, to_address, body, received_at, processed_at, created_at)
     values (gen_random_uuid(), ?, null, ?, ?, 'WEB', ?, ?, ?, ?, ?, ?) returning id`,
    [widget.workspaceId, conversationId, `web:${randomBytes(16).toString("hex")}`, contactAddress, senderAddress, body, input.now, input.now, input.now],
  );
  await em.execute("update contacts set last_contact_at = greatest(coalesce(last_contact_at, ?), ?), updated_at = ? where workspace_id = ? and id = ?", [input.now, input.now, input.now, widget.workspaceId, visitor.contact_id], "run");
  const automatic = input.automatic
    ? await handleContactMessage(em, {
        workspaceId: widget.workspaceId,
        conversationId,
        inboundId: inbound!.id,
        text: body,
        now: input.now,
        aiAvailable: input.automatic.aiAvailable,
        liveConversationMs: input.automatic.liveConversationMs ?? DEFAULT_LIVE_CONVERSATION_MS,
      })
    : undefined;
  return { token: token!, visitorId: visitor.id, conversationId, inboundId: inbound!.id, automatic: automatic ?? null };
}

export interface WidgetMessage {
  id: string;
  /** "bot": the assistant's message (a BOT_* type), marked as such in the chat. */
  from: "visitor" | "staff" | "bot";
  body: string;
  at: Date;
  authorName: string | null;
}

export interface VisitorView {
  name: string | null;
  phone: string | null;
  phoneConfirmed: boolean;
  codeSent: boolean;
  messages: WidgetMessage[];
}

/**
 * What the chat shows its visitor: their messages and staff answers in the WEB thread, oldest first
 * (the last `limit`). Staff answers shown are marked DELIVERED: the visitor's chat has them.
 */
export async function visitorView(em: EntityManager, widget: WidgetRow, visitor: VisitorRow, now: Date, limit = 100): Promise<VisitorView> {
  const base = { name: visitor.name, phone: visitor.phone, phoneConfirmed: visitor.phone_confirmed_at !== null, codeSent: visitor.code_hash !== null };
  if (!visitor.conversation_id) return { ...base, messages: [] };
  const rows = await scopedQuery<{ id: string; kind: "in" | "out"; body: string | null; at: Date; author_name: string | null; status: string | null; type: string | null }>(
    em,
    widget.workspaceId,
    `select * from (
       select i.id, 'in' as kind, i.body, i.received_at as at, null::text as author_name, null::text as status, null::text as type
         from inbound_messages i where i.workspace_id = ? and i.conversation_id = ? and i.channel = 'WEB'
       union all
       select m.id, 'out', m.body, coalesce(m.send_attempted_at, m.created_at), u.name, m.status, m.type
         from messages m left join users u on u.id = m.author_id
        where m.workspace_id = ? and m.conversation_id = ? and m.channel = 'WEB'
     ) t order by at desc, kind desc, id desc limit ?`, // at the same instant, an answer shows after its question
    [visitor.conversation_id, widget.workspaceId, visitor.conversation_id, limit],
  );
  const unseen = rows.filter((r) => r.kind === "out" && r.status === "SENT").map((r) => r.id);
  if (unseen.length > 0) {
    await em.execute(
      "update messages set status = 'DELIVERED', delivered_at = ?, updated_at = ? where workspace_id = ? and id = any(?::uuid[]) and status = 'SENT'",
      [now, now, widget.workspaceId, `{${unseen.join(",")}}`],
      "run",
    );
  }
  const messages = rows
    .reverse()
    .map((r) => ({ id: r.id, from: r.kind === "in" ? ("visitor" as const) : r.type?.startsWith("BOT_") ? ("bot" as const) : ("staff" as const), body: r.body ?? "", at: new Date(r.at), authorName: r.author_name }));
  return { ...base, messages };
}

function hashCode(secret: string, visitorId: string, code: string): string {
  return createHmac("sha256", secret).update(`widget:${visitorId}:${code}`).digest("hex");
}

/**
 * Sends a confirmation code to the visitor's typed phone: a VERIFICATION message through the send
 * protocol (the platform's SMS sender, the destination allowlist, no credits), in this transaction.
 * A new code replaces the previous one. `codeText` renders the SMS in the visitor's language.
 */
export async function requestPhoneCode(
  em: EntityManager,
  widget: WidgetRow,
  token: string,
  o: { secret: string; now: Date; codeText: (code: string) => string },
): Promise<{ messageId: string }> {
  const visitor = await findVisitor(em, widget, token, { lock: true });
  if (!visitor?.phone) throw new WidgetError("noPhone");
  if (visitor.phone_confirmed_at) throw new WidgetError("alreadyConfirmed");
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const messageId = await enqueueVerificationCode(em, { workspaceId: widget.workspaceId, to: visitor.phone, body: o.codeText(code), now: o.now });
  await em.execute(
    "update widget_visitors set code_hash = ?, code_expires_at = ?, code_attempts = 0, code_message_id = ?, updated_at = ? where workspace_id = ? and id = ?",
    [hashCode(o.secret, visitor.id, code), new Date(o.now.getTime() + WIDGET_CODE_TTL_MS), messageId, o.now, widget.workspaceId, visitor.id],
    "run",
  );
  return { messageId };
}

/**
 * The visitor enters the code. Right, in time and within the attempts: the phone is confirmed, and it
 * becomes the contact's phone — or, when the workspace already has a contact with that phone, the
 * visitor and thread move to that contact. A wrong code counts an attempt (kept even though the caller
 * reports the error: run this in its own transaction and commit before showing the error).
 */
export async function confirmPhoneCode(em: EntityManager, widget: WidgetRow, token: string, o: { secret: string; code: string; now: Date }): Promise<{ ok: true } | { ok: false; error: WidgetErrorCode }> {
  const visitor = await findVisitor(em, widget, token, { lock: true });
  if (!visitor?.phone) return { ok: false, error: "noPhone" };
  if (visitor.phone_confirmed_at) return { ok: false, error: "alreadyConfirmed" };
  if (!visitor.code_hash || !visitor.code_expires_at) return { ok: false, error: "noCode" };
  if (visitor.code_attempts >= WIDGET_CODE_MAX_ATTEMPTS) return { ok: false, error: "codeSpent" };
  if (new Date(visitor.code_expires_at) <= o.now) return { ok: false, error: "codeExpired" };
  const entered = o.code.replace(/\D/g, "").slice(0, 6);
  const expected = Buffer.from(visitor.code_hash, "hex");
  const given = Buffer.from(hashCode(o.secret, visitor.id, entered), "hex");
  if (entered.length !== 6 || !timingSafeEqual(expected, given)) {
    await em.execute("update widget_visitors set code_attempts = code_attempts + 1, updated_at = ? where workspace_id = ? and id = ?", [o.now, widget.workspaceId, visitor.id], "run");
    return { ok: false, error: visitor.code_attempts + 1 >= WIDGET_CODE_MAX_ATTEMPTS ? "codeSpent" : "codeWrong" };
  }
  const [existing] = await scopedQuery<{ id: string }>(em, widget.workspaceId, "select id from contacts where workspace_id = ? and phone = ? for update", [visitor.phone]);
  let contactId = visitor.contact_id;
  if (existing && existing.id !== visitor.contact_id) {
    // The phone is a known contact's: the chat's thread joins that contact, the visitor's own contact goes.
    contactId = existing.id;
    const [joined] = await scopedQuery<{ id: string }>(em, widget.workspaceId, "select id from conversations where workspace_id = ? and contact_id = ? and sender_address = ?", [contactId, `web:${widget.id}`]);
    if (joined && visitor.conversation_id) {
      // Another chat of the same phone already has its thread there: one thread, with both chats' messages.
      for (const table of ["inbound_messages", "messages"]) {
        await em.execute(`update ${table} set conversation_id = ? where workspace_id = ? and conversation_id = ?`, [joined.id, widget.workspaceId, visitor.conversation_id], "run");
      }
      await em.execute("update widget_visitors set conversation_id = ? where workspace_id = ? and conversation_id = ?", [joined.id, widget.workspaceId, visitor.conversation_id], "run");
      await em.execute("delete from conversations where workspace_id = ? and id = ?", [widget.workspaceId, visitor.conversation_id], "run");
      await em.execute("update conversations set status = 'OPEN', waiting_since = coalesce(waiting_since, ?), last_message_at = greatest(last_message_at, ?), updated_at = ? where workspace_id = ? and id = ?", [o.now, o.now, o.now, widget.workspaceId, joined.id], "run");
    } else {
      await em.execute("update conversations set contact_id = ?, updated_at = ? where workspace_id = ? and contact_id = ?", [contactId, o.now, widget.workspaceId, visitor.contact_id], "run");
    }
    await em.execute("update widget_visitors set contact_id = ? where workspace_id = ? and id = ?", [contactId, widget.workspaceId, visitor.id], "run");
    await em.execute("delete from contacts where workspace_id = ? and id = ? and phone is null", [widget.workspaceId, visitor.contact_id], "run");
  } else {
    await em.execute("update contacts set phone = ?, updated_at = ? where workspace_id = ? and id = ?", [visitor.phone, o.now, widget.workspaceId, contactId], "run");
  }
  await em.execute("update widget_visitors set phone_confirmed_at = ?, code_hash = null, code_expires_at = null, updated_at = ? where workspace_id = ? and id = ?", [o.now, o.now, widget.workspaceId, visitor.id], "run");
  return { ok: true };
}

/** The phone a staff answer in this WEB thread may also go to: the visitor's, only once confirmed by code. */
export async function confirmedWidgetPhone(em: EntityManager, thread: { workspace_id: string; id: string; channel: string }): Promise<string | null> {
  if (thread.channel !== "WEB") return null;
  const [row] = await scopedQuery<{ phone: string }>(
    em,
    thread.workspace_id,
    "select phone from widget_visitors where workspace_id = ? and conversation_id = ? and phone is not null and phone_confirmed_at is not null order by phone_confirmed_at desc limit 1",
    [thread.id],
  );
  return row?.phone ?? null;
}

/** The visitor of a WEB thread (staff side): whether a staff answer may also go to their phone. */
export async function widgetVisitorOfThread(em: EntityManager, workspaceId: string, conversationId: string): Promise<{ phone: string | null; phoneConfirmed: boolean } | null> {
  const [row] = await scopedQuery<{ phone: string | null; phone_confirmed_at: Date | null }>(
    em,
    workspaceId,
    "select phone, phone_confirmed_at from widget_visitors where workspace_id = ? and conversation_id = ? order by updated_at desc limit 1",
    [conversationId],
  );
  if (!row) return null;
  return { phone: row.phone, phoneConfirmed: row.phone_confirmed_at !== null };
}
