import { describe, expect, it } from "vitest";
import { fillCannedReply, isLiveConversation, replyOptions, WHATSAPP_WINDOW_MS, type ReplyState } from "./reply-options.ts";

const now = new Date("2026-12-01T12:00:00Z");
const base: ReplyState = { channel: "WHATSAPP", optedOutAt: null, erasedAt: null, hasPatient: true, lastInboundAt: null, hasNoticeTemplate: true, pendingReplyWaiting: false, now };
const ago = (ms: number) => new Date(now.getTime() - ms);

describe("replyOptions", () => {
  it("offers free text inside WhatsApp's window with the time left", () => {
    const o = replyOptions({ ...base, lastInboundAt: ago(60 * 60 * 1000) });
    expect(o).toMatchObject({ kind: "FREE_TEXT", remainingMs: 23 * 60 * 60 * 1000 });
  });
  it("offers only a pending reply once the window has closed, and nothing without a notice template", () => {
    expect(replyOptions({ ...base, lastInboundAt: ago(WHATSAPP_WINDOW_MS + 1) }).kind).toBe("PENDING_REPLY");
    expect(replyOptions({ ...base, lastInboundAt: ago(WHATSAPP_WINDOW_MS - 30_000) }).kind).toBe("PENDING_REPLY");
    expect(replyOptions({ ...base, hasNoticeTemplate: false })).toEqual({ kind: "BLOCKED", reason: "NO_NOTICE_TEMPLATE" });
    expect(replyOptions({ ...base, pendingReplyWaiting: true })).toEqual({ kind: "BLOCKED", reason: "PENDING_REPLY_WAITING" });
  });
  it("lets SMS be answered at any time, but never an opted-out or erased contact", () => {
    expect(replyOptions({ ...base, channel: "SMS" }).kind).toBe("FREE_TEXT");
    expect(replyOptions({ ...base, channel: "SMS", optedOutAt: ago(1) })).toEqual({ kind: "BLOCKED", reason: "OPTED_OUT" });
    expect(replyOptions({ ...base, lastInboundAt: ago(1), erasedAt: ago(1) })).toEqual({ kind: "BLOCKED", reason: "ERASED" });
  });
  it("lets a web chat visitor be answered at any time without a patient or a window, but never once erased", () => {
    expect(replyOptions({ ...base, channel: "WEB", hasPatient: false, hasNoticeTemplate: false })).toEqual({ kind: "FREE_TEXT", windowEndsAt: null, remainingMs: null });
    expect(replyOptions({ ...base, channel: "WEB", hasPatient: false, erasedAt: ago(1) })).toEqual({ kind: "BLOCKED", reason: "ERASED" });
  });
});

describe("isLiveConversation and fillCannedReply", () => {
  it("is live only within the configured time of a staff message", () => {
    expect(isLiveConversation(ago(60_000), now, 3_600_000)).toBe(true);
    expect(isLiveConversation(ago(3_600_001), now, 3_600_000)).toBe(false);
    expect(isLiveConversation(null, now, 3_600_000)).toBe(false);
  });
  it("fills the canned reply's variables and leaves unknown ones as written", () => {
    expect(fillCannedReply("Hola {{name}}, {{practice}} abre el sábado {{hora}}", { name: "Ana", practice: "Clínica Sol" })).toBe("Hola Ana, Clínica Sol abre el sábado {{hora}}");
  });
});
