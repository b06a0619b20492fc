// What a staff member may send in a conversation right now (SPEC §13), decided before they write:
// free text inside WhatsApp's 24-hour customer-service window, otherwise only an approved template or
// a pending reply (held text behind the "you have a message" template); SMS at any time. Nobody may
// be answered after opting out or being erased. The web chat (WEB, SPEC §16) has no provider and no
// window: free text at any time, with or without a patient.

export const WHATSAPP_WINDOW_MS = 24 * 60 * 60 * 1000;

export type ReplyBlock = "OPTED_OUT" | "ERASED" | "NO_PATIENT" | "NO_NOTICE_TEMPLATE" | "PENDING_REPLY_WAITING";

export type ReplyOptions =
  /** Free text; `windowEndsAt` for WhatsApp (null on SMS, where there is no window). */
  | { kind: "FREE_TEXT"; windowEndsAt: Date | null; remainingMs: number | null }
  /** WhatsApp outside the window: the text is held and the notice template goes out. */
  | { kind: "PENDING_REPLY" }
  | { kind: "BLOCKED"; reason: ReplyBlock };

export interface ReplyState {
  channel: "SMS" | "WHATSAPP" | "WEB";
  optedOutAt: Date | null;
  erasedAt: Date | null;
  /**
   * Someone to answer: a patient row, or a contact who wrote first to this thread's sender (a new phone
   * on a workspace's own sender: their message is the consent to be answered). Otherwise not yet.
   */
  hasPatient: boolean;
  /** The contact's last message to this thread's sender (opens the window). */
  lastInboundAt: Date | null;
  /** An approved notice template exists for the workspace or the platform. */
  hasNoticeTemplate: boolean;
  /** A pending reply already waits for the patient's answer, and has not lapsed. */
  pendingReplyWaiting: boolean;
  now: Date;
}

export function replyOptions(s: ReplyState): ReplyOptions {
  if (s.erasedAt) return { kind: "BLOCKED", reason: "ERASED" };
  if (s.optedOutAt) return { kind: "BLOCKED", reason: "OPTED_OUT" };
  if (s.channel === "WEB") return { kind: "FREE_TEXT", windowEndsAt: null, remainingMs: null };
  if (!s.hasPatient) return { kind: "BLOCKED", reason: "NO_PATIENT" };
  if (s.channel === "SMS") return { kind: "FREE_TEXT", windowEndsAt: null, remainingMs: null };
  if (s.lastInboundAt) {
    const ends = s.lastInboundAt.getTime() + WHATSAPP_WINDOW_MS;
    // A margin keeps a reply written in the last minute from reaching the provider after the window.
    if (ends - s.now.getTime() > WINDOW_MARGIN_MS) return { kind: "FREE_TEXT", windowEndsAt: new Date(ends), remainingMs: ends - s.now.getTime() };
  }
  if (s.pendingReplyWaiting) return { kind: "BLOCKED", reason: "PENDING_REPLY_WAITING" };
  if (!s.hasNoticeTemplate) return { kind: "BLOCKED", reason: "NO_NOTICE_TEMPLATE" };
  return { kind: "PENDING_REPLY" };
}

/** Free text is not offered in the window's last minute: it could reach WhatsApp after it closes. */
export const WINDOW_MARGIN_MS = 60 * 1000;

/**
 * Whether staff are talking with the patient: a staff message in the thread within `liveMs`. While
 * they are, replies are not read as ratings unless a request awaits one, and HELP is never sent.
 */
export function isLiveConversation(lastStaffMessageAt: Date | null, now: Date, liveMs: number): boolean {
  return lastStaffMessageAt !== null && now.getTime() - lastStaffMessageAt.getTime() < liveMs;
}

/** `{{name}}`, `{{practice}}`, `{{doctor}}` of a canned reply, filled in; unknown placeholders stay as written. */
export function fillCannedReply(body: string, values: { name?: string | null; practice?: string | null; doctor?: string | null }): string {
  return body.replace(/\{\{\s*(name|practice|doctor)\s*\}\}/g, (whole, key: "name" | "practice" | "doctor") => values[key] ?? whole);
}
