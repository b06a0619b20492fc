// Conversations end to end below the web (SPEC §13): a patient's messages land in one thread per
// contact and sender, staff answer through the send protocol (the simulator receives the reply,
// the ledger charges it), WhatsApp's window decides free text or a pending reply, an opted-out
// contact cannot be answered, and a live conversation changes what the automatic handling does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTOMATIC_HANDLING_ORDER } from "@rm/assistant";
import { LOCAL_PLATFORM_CONTENT_SIDS } from "@rm/domain";
import type { Simulator } from "@rm/twilio-simulator";
import { createTwilioClient } from "@rm/twilio";
import type { TestRedis } from "@rm/test-utils";
import type { StreamEntry } from "@rm/streams";
import { twilioInboundEvent } from "@rm/events";
import type { HandlerDeps } from "../src/handlers/deps.ts";
import { storeInbound } from "../src/handlers/store-inbound.ts";
import { INBOUND_STEPS, type InboundStep } from "../src/feedback/reply.ts";
import { sendMessage, type SendDeps } from "../src/send/send-message.ts";
import { SenderRateLimiter } from "../src/rate-limit.ts";
import { loadReplyContext, sendStaffReply } from "../src/conversations/staff-reply.ts";
import { setThreadStatus } from "../src/conversations/threads.ts";
import { alertUnanswered } from "../src/conversations/unanswered-alert.ts";
import { setupConversationWorld, type ConversationWorld, type Harness, ledger, makeSentMessage, publishedEntry } from "./handler-fixtures.ts";

const SID = "AC0c0c0000000000000000000000000021";
const TOKEN = "conv-token";
const SENDER = "whatsapp:+14155238886";
const DAY = 24 * 60 * 60 * 1000;
let h: Harness;
let deps: HandlerDeps;
let sim: Simulator;
let redis: TestRedis;
let posted: Record<string, string>[];
let world: ConversationWorld;

beforeAll(async () => {
  world = await setupConversationWorld({ accountSid: SID, token: TOKEN });
  ({ h, deps, sim, redis, posted } = world);
});
afterAll(() => world.close());

const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => h.orm.em.fork().execute<T[]>(q, params);

function sendDeps(): SendDeps {
  return {
    orm: h.orm,
    clock: h.clock,
    logger: h.logger,
    twilio: createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: sim.url, timeoutMs: 3000 }),
    rateLimiter: new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}${Math.random()}:`, disabled: true }),
    publicUrl: "https://app.example.test",
    defaults: { whatsappFrom: SENDER, whatsappContentSids: LOCAL_PLATFORM_CONTENT_SIDS },
    globalPaused: () => false,
    sdkTimeoutMs: 3000,
  };
}

/** The patient writes through the simulator; its webhook post is stored by the inbound handler. */
async function patientWrites(phone: string, body: string): Promise<string> {
  posted.length = 0;
  await sim.inbound({ from: `whatsapp:${phone}`, to: SENDER, body });
  const params = posted[0]!;
  const sid = params.MessageSid!;
  const entry = await publishedEntry(h.orm, h.clock, { stream: "inbound", type: "twilio.inbound", idempotencyKey: twilioInboundEvent.key(sid), payload: { params } });
  await storeInbound(deps, entry);
  return sid;
}

/** What the relay and the send workers do with every due message.send row of the workspace. */
async function sendDue(workspaceId: string): Promise<void> {
  const rows = await sql<{ id: string; type: string; workspace_id: string; payload: unknown }>(
    "update outbox set status = 'published', published_at = ? where status = 'pending' and workspace_id = ? and type = 'message.send' and available_at <= ? returning id::text as id, type, workspace_id::text as workspace_id, payload",
    [h.clock.now(), workspaceId, h.clock.now()],
  );
  const entries: StreamEntry[] = rows.map((r) => ({ outboxId: r.id, type: r.type, workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: "" }));
  for (const e of entries) await sendMessage(sendDeps(), e);
}

async function thread(workspaceId: string) {
  const rows = await sql<{ id: string; status: string; waiting_since: Date | null; last_inbound_at: Date | null; pending_reply_text: string | null; pending_reply_lapsed_at: Date | null }>(
    "select id, status, waiting_since, last_inbound_at, pending_reply_text, pending_reply_lapsed_at from conversations where workspace_id = ?",
    [workspaceId],
  );
  return rows;
}

async function patientScenario() {
  const s = await makeSentMessage(h.orm, h.clock, { channel: "WHATSAPP", sender: SENDER, credits: 50 });
  const [p] = await sql<{ phone: string }>("select phone from patients where id = ?", [s.patientId]);
  return { ...s, phone: p!.phone };
}

const received = (phone: string) => sim.state.messages.filter((m) => m.to === `whatsapp:${phone}`);

describe("a patient's messages land in one thread", () => {
  it("creates the thread on the first message, keeps later ones in it, and a new message reopens it once closed", async () => {
    const s = await patientScenario();
    await patientWrites(s.phone, "¿Atienden los sábados? Necesito otra cita para mi hijo");
    const [t] = await thread(s.workspaceId);
    expect(t).toMatchObject({ status: "OPEN" });
    expect(t!.waiting_since).not.toBeNull();
    // The inbox item (an unparsed reply) is an entry of that thread.
    const items = await sql<{ conversation_id: string }>("select conversation_id from feedback where workspace_id = ? and source = 'REPLY'", [s.workspaceId]);
    expect(items.map((i) => i.conversation_id)).toEqual([t!.id]);

    await h.orm.em.fork().transactional((em) => setThreadStatus(em, s.workspaceId, t!.id, "CLOSED", h.clock.now()));
    expect((await thread(s.workspaceId))[0]).toMatchObject({ status: "CLOSED", waiting_since: null });
    h.clock.advance(60_000);
    await patientWrites(s.phone, "Hola otra vez");
    const after = await thread(s.workspaceId);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: t!.id, status: "OPEN" });
    const inbound = await sql<{ conversation_id: string }>("select conversation_id from inbound_messages where workspace_id = ?", [s.workspaceId]);
    expect(inbound.map((i) => i.conversation_id)).toEqual([t!.id, t!.id]);
  });

  it("a new phone on a workspace's own sender lands in a new thread of that workspace, and staff answer it through the send protocol", async () => {
    const s = await patientScenario();
    const own = "+15017122661";
    const stranger = "+593990000777";
    const params = { MessageSid: `SM${"d1".repeat(16)}`, From: stranger, To: own, Body: "Hola, ¿tienen turnos mañana?", NumMedia: "0" };
    const entry = await publishedEntry(h.orm, h.clock, { stream: "inbound", type: "twilio.inbound", idempotencyKey: twilioInboundEvent.key(params.MessageSid), payload: { params, workspaceId: s.workspaceId } });
    await storeInbound(deps, entry);
    const [t] = await sql<{ id: string; patient_id: string | null; sender_address: string; waiting_since: Date | null }>("select id, patient_id, sender_address, waiting_since from conversations where workspace_id = ? and sender_address = ?", [s.workspaceId, own]);
    expect(t).toMatchObject({ patient_id: null, sender_address: own });
    expect(t!.waiting_since).not.toBeNull();
    const [row] = await sql<{ workspace_id: string; conversation_id: string }>("select workspace_id, conversation_id from inbound_messages where provider_sid = ?", [params.MessageSid]);
    expect(row).toEqual({ workspace_id: s.workspaceId, conversation_id: t!.id });
    // The phone came by writing first: a lead, NEW (SPEC §16).
    expect((await sql("select source, lead_status from contacts where workspace_id = ? and phone = ?", [s.workspaceId, stranger]))[0]).toEqual({ source: "INBOUND", lead_status: "NEW" });
    // They wrote first: SMS may be answered at any time, with no patient row.
    const ctx = await loadReplyContext(h.orm.em.fork(), s.workspaceId, t!.id, h.clock.now());
    expect(ctx!.options).toMatchObject({ kind: "FREE_TEXT" });
    const [owner] = await sql<{ id: string }>("select id from users where workspace_id = ?", [s.workspaceId]);
    const answer = "Sí, mañana a las 10. ¿A nombre de quién?";
    const result = await h.orm.em.fork().transactional((em) => sendStaffReply(em, { workspaceId: s.workspaceId, conversationId: t!.id, authorId: owner!.id, body: answer, now: h.clock.now(), pendingReplyTtlMs: DAY }));
    expect(result.kind).toBe("sent");
    const ledgerBefore = (await ledger(h.orm, s.workspaceId)).length;
    await sendDue(s.workspaceId);
    // The simulator received it from the own sender, the ledger charged its segment, the thread no longer waits.
    const got = sim.state.messages.filter((m) => m.to === stranger && m.body === answer);
    expect(got.map((m) => m.from)).toEqual([own]);
    const [m] = await sql<{ status: string; patient_id: string | null; provider_sid: string | null }>("select status, patient_id, provider_sid from messages where body = ?", [answer]);
    expect(m).toMatchObject({ patient_id: null });
    expect(m!.provider_sid).not.toBeNull();
    expect(m!.status).not.toBe("FAILED");
    const charged = (await ledger(h.orm, s.workspaceId)).slice(ledgerBefore);
    expect(charged.some((e) => e.kind === "deduct" && e.amount === -1)).toBe(true);
    expect((await sql<{ waiting_since: Date | null }>("select waiting_since from conversations where id = ?", [t!.id]))[0]!.waiting_since).toBeNull();

    // Once they opt out, neither the page nor the send protocol answers them.
    await sql("update contacts set opted_out_at = ? where workspace_id = ? and phone = ?", [h.clock.now(), s.workspaceId, stranger]);
    const after = await loadReplyContext(h.orm.em.fork(), s.workspaceId, t!.id, h.clock.now());
    expect(after!.options).toEqual({ kind: "BLOCKED", reason: "OPTED_OUT" });
  });

  it("stores a message from a phone nobody wrote to on the shared sender without a workspace or a thread", async () => {
    const before = Number((await sql<{ n: string }>("select count(*)::text as n from conversations"))[0]!.n);
    const sid = await patientWrites("+593990000001", "hola");
    const [row] = await sql<{ workspace_id: string | null; conversation_id: string | null }>("select workspace_id, conversation_id from inbound_messages where provider_sid = ?", [sid]);
    expect(row).toEqual({ workspace_id: null, conversation_id: null });
    expect(Number((await sql<{ n: string }>("select count(*)::text as n from conversations"))[0]!.n)).toBe(before);
  });
});

describe("staff replies", () => {
  it("inside the window: free text reaches the patient on WhatsApp and costs its credit in the ledger", async () => {
    const s = await patientScenario();
    await patientWrites(s.phone, "¿Puedo cambiar mi cita?");
    const [t] = await thread(s.workspaceId);
    const ctx = await loadReplyContext(h.orm.em.fork(), s.workspaceId, t!.id, h.clock.now(), { platformContentSids: LOCAL_PLATFORM_CONTENT_SIDS });
    expect(ctx!.options).toMatchObject({ kind: "FREE_TEXT" });
    const [owner] = await sql<{ id: string }>("select id from users where workspace_id = ?", [s.workspaceId]);
    const result = await h.orm.em.fork().transactional((em) =>
      sendStaffReply(em, { workspaceId: s.workspaceId, conversationId: t!.id, authorId: owner!.id, body: "Sí, el sábado de 9 a 13.", now: h.clock.now(), pendingReplyTtlMs: DAY, platformContentSids: LOCAL_PLATFORM_CONTENT_SIDS }),
    );
    expect(result.kind).toBe("sent");
    const ledgerBefore = (await ledger(h.orm, s.workspaceId)).length;
    await sendDue(s.workspaceId);
    const got = received(s.phone).filter((m) => m.body === "Sí, el sábado de 9 a 13.");
    expect(got).toHaveLength(1);
    expect(got[0]!.contentSid).toBeNull();
    const [m] = await sql<{ type: string; status: string; segments: number; conversation_id: string }>("select type, status, segments, conversation_id from messages where id = ?", [(result as { messageId: string }).messageId]);
    expect(m).toMatchObject({ type: "STAFF_REPLY", status: "QUEUED", segments: 1, conversation_id: t!.id });
    const entries = await ledger(h.orm, s.workspaceId);
    expect(entries.length).toBeGreaterThan(ledgerBefore);
    const id = (result as { messageId: string }).messageId;
    expect(entries.filter((e) => e.kind === "deduct" && e.reference.includes(id)).map((e) => e.amount)).toEqual([-1]);
    expect((await thread(s.workspaceId))[0]!.waiting_since).toBeNull();
  });

  it("after the window: free text is not offered, the notice template goes out and the held text is delivered when the patient answers", async () => {
    const s = await patientScenario();
    const [owner] = await sql<{ id: string }>("select id from users where workspace_id = ?", [s.workspaceId]);
    await patientWrites(s.phone, "Gracias, luego le escribo");
    h.clock.advance(DAY + 60_000);
    const [t] = await thread(s.workspaceId);
    const ctx = await loadReplyContext(h.orm.em.fork(), s.workspaceId, t!.id, h.clock.now(), { platformContentSids: LOCAL_PLATFORM_CONTENT_SIDS });
    expect(ctx!.options).toEqual({ kind: "PENDING_REPLY" });
    const held = "Su resultado ya está listo, puede pasar a retirarlo.";
    const result = await h.orm.em.fork().transactional((em) =>
      sendStaffReply(em, { workspaceId: s.workspaceId, conversationId: t!.id, authorId: owner!.id, body: held, now: h.clock.now(), pendingReplyTtlMs: DAY, platformContentSids: LOCAL_PLATFORM_CONTENT_SIDS }),
    );
    expect(result.kind).toBe("pending");
    await sendDue(s.workspaceId);
    // The patient gets the approved template, not the held text.
    expect(received(s.phone).map((m) => m.contentSid)).toContain(LOCAL_PLATFORM_CONTENT_SIDS.es.STAFF_REPLY_NOTICE);
    expect(received(s.phone).some((m) => m.body === held)).toBe(false);
    expect((await thread(s.workspaceId))[0]!.pending_reply_text).toBe(held);

    h.clock.advance(10 * 60_000);
    await patientWrites(s.phone, "Sí, dígame");
    await sendDue(s.workspaceId);
    expect(received(s.phone).filter((m) => m.body === held && m.contentSid === null)).toHaveLength(1);
    expect((await thread(s.workspaceId))[0]!.pending_reply_text).toBeNull();
    // Each message the patient received was charged: the notice and the held text.
    const [counts] = await sql<{ n: string }>("select count(*)::text as n from messages where conversation_id = ? and provider_sid is not null and credits_held = 0", [t!.id]);
    expect(Number(counts!.n)).toBe(2);
  });

  it("a pending reply the patient never answers lapses, and the thread says so instead of sending it late", async () => {
    const s = await patientScenario();
    const [owner] = await sql<{ id: string }>("select id from users where workspace_id = ?", [s.workspaceId]);
    await patientWrites(s.phone, "hola");
    h.clock.advance(DAY + 60_000);
    const [t] = await thread(s.workspaceId);
    await h.orm.em.fork().transactional((em) =>
      sendStaffReply(em, { workspaceId: s.workspaceId, conversationId: t!.id, authorId: owner!.id, body: "Texto que caduca", now: h.clock.now(), pendingReplyTtlMs: 60 * 60_000, platformContentSids: LOCAL_PLATFORM_CONTENT_SIDS }),
    );
    await sendDue(s.workspaceId);
    h.clock.advance(2 * 60 * 60_000);
    await patientWrites(s.phone, "¿Qué pasó?");
    await sendDue(s.workspaceId);
    expect(received(s.phone).some((m) => m.body === "Texto que caduca")).toBe(false);
    const [after] = await thread(s.workspaceId);
    expect(after!.pending_reply_text).toBeNull();
    expect(after!.pending_reply_lapsed_at).not.toBeNull();
  });

  it("an opted-out contact cannot be answered: the reply is refused before anything is written", async () => {
    const s = await patientScenario();
    const [owner] = await sql<{ id: string }>("select id from users where workspace_id = ?", [s.workspaceId]);
    await patientWrites(s.phone, "STOP");
    const [t] = await thread(s.workspaceId);
    const ctx = await loadReplyContext(h.orm.em.fork(), s.workspaceId, t!.id, h.clock.now(), { platformContentSids: LOCAL_PLATFORM_CONTENT_SIDS });
    expect(ctx!.options).toEqual({ kind: "BLOCKED", reason: "OPTED_OUT" });
    const result = await h.orm.em.fork().transactional((em) =>
      sendStaffReply(em, { workspaceId: s.workspaceId, conversationId: t!.id, authorId: owner!.id, body: "¿Seguro?", now: h.clock.now(), pendingReplyTtlMs: DAY, platformContentSids: LOCAL_PLATFORM_CONTENT_SIDS }),
    );
    expect(result).toEqual({ kind: "refused", options: { kind: "BLOCKED", reason: "OPTED_OUT" } });
    expect(await sql("select id from messages where conversation_id = ?", [t!.id])).toHaveLength(0);
  });

  it("another workspace's thread is not found", async () => {
    const a = await patientScenario();
    const b = await patientScenario();
    await patientWrites(a.phone, "hola");
    const [t] = await thread(a.workspaceId);
    expect(await loadReplyContext(h.orm.em.fork(), b.workspaceId, t!.id, h.clock.now())).toBeUndefined();
  });
});

describe("automatic handling in a live conversation", () => {
  it("while staff talk with the patient, '5 estrellas' is not a rating and no HELP is sent; a bare '5' still answers the waiting request", async () => {
    const s = await patientScenario();
    const [owner] = await sql<{ id: string }>("select id from users where workspace_id = ?", [s.workspaceId]);
    await patientWrites(s.phone, "¿Tienen parqueadero?");
    const [t] = await thread(s.workspaceId);
    const helpBefore = await sql("select id from messages where patient_id = ? and type = 'HELP'", [s.patientId]);
    await h.orm.em.fork().execute("update patients set help_sent_at = null where id = ?", [s.patientId]);
    await h.orm.em.fork().execute("delete from messages where patient_id = ? and type = 'HELP'", [s.patientId]);
    expect(helpBefore).toHaveLength(1);
    await h.orm.em.fork().transactional((em) =>
      sendStaffReply(em, { workspaceId: s.workspaceId, conversationId: t!.id, authorId: owner!.id, body: "Sí, gratuito.", now: h.clock.now(), pendingReplyTtlMs: DAY, platformContentSids: LOCAL_PLATFORM_CONTENT_SIDS }),
    );
    h.clock.advance(60_000);
    const sid = await patientWrites(s.phone, "5 estrellas para ustedes, ¡gracias");
    const [read] = await sql<{ intent: string; rating: number | null }>("select intent, rating from inbound_messages where provider_sid = ?", [sid]);
    expect(read).toEqual({ intent: "OTHER", rating: null });
    expect(await sql("select id from messages where patient_id = ? and type = 'HELP'", [s.patientId])).toHaveLength(0);
    const [p] = await sql<{ rating: number | null }>("select rating from patients where id = ?", [s.patientId]);
    expect(p!.rating).toBeNull();

    const bare = await patientWrites(s.phone, "5");
    const [rated] = await sql<{ intent: string; rating: number | null }>("select intent, rating from inbound_messages where provider_sid = ?", [bare]);
    expect(rated).toEqual({ intent: "RATING", rating: 5 });
  });

  it("the same '5 estrellas' without a recent staff message is read as a rating", async () => {
    const s = await patientScenario();
    const sid = await patientWrites(s.phone, "5 estrellas para ustedes, ¡gracias");
    const [read] = await sql<{ intent: string; rating: number | null }>("select intent, rating from inbound_messages where provider_sid = ?", [sid]);
    expect(read).toEqual({ intent: "RATING", rating: 5 });
  });
});

describe("the order of automatic handling", () => {
  it("runs opt-out first and HELP last, in the documented order (SPEC §16: opt-out, urgent, awaited rating, person asked, knowledge answer, away message, HELP)", () => {
    const names = INBOUND_STEPS.map((s) => s.name);
    expect(names).toEqual(["staff-alert-answer", "opt-out", "opt-in", "pending-reply", "urgent", "broadcast-reply", "rating", "person-asked", "knowledge-answer", "inbox-entry", "llm-assistant", "away-message", "help"]);
    // The same order as @rm/assistant's one definition of it.
    const asStep: Record<string, string> = { "opt-out": "OPT_OUT", urgent: "URGENT", rating: "AWAITED_RATING", "person-asked": "PERSON_ASKED", "knowledge-answer": "KNOWLEDGE_ANSWER", "away-message": "AWAY_MESSAGE", help: "HELP" };
    expect(names.flatMap((n) => (asStep[n] ? [asStep[n]] : []))).toEqual([...AUTOMATIC_HANDLING_ORDER]);
  });

  it("a step inserted before the inbox entry handles a message and the later steps never see it", async () => {
    const vip: InboundStep = { name: "vip", run: async (c) => (/#vip/i.test(c.inbound.body) ? "inbox" : undefined) };
    const at = INBOUND_STEPS.findIndex((st) => st.name === "inbox-entry");
    const steps = [...INBOUND_STEPS.slice(0, at), vip, ...INBOUND_STEPS.slice(at)];
    const feedback = { publicUrl: "https://app.example.test", platformContentSids: LOCAL_PLATFORM_CONTENT_SIDS };
    const { processReply } = await import("../src/feedback/reply.ts");
    const withUrgent: HandlerDeps = { ...deps, onInboundRouted: async (em, inbound) => void (await processReply({ logger: h.logger, feedback }, em, inbound, steps)) };
    const s = await patientScenario();
    posted.length = 0;
    await sim.inbound({ from: `whatsapp:${s.phone}`, to: SENDER, body: "Quisiera cambiar mi cita #vip" });
    const params = posted[0]!;
    const entry = await publishedEntry(h.orm, h.clock, { stream: "inbound", type: "twilio.inbound", idempotencyKey: twilioInboundEvent.key(params.MessageSid!), payload: { params } });
    await storeInbound(withUrgent, entry);
    // Neither an inbox item nor HELP: the inserted step ended the list.
    expect(await sql("select id from feedback where patient_id = ?", [s.patientId])).toHaveLength(0);
    expect(await sql("select id from messages where patient_id = ? and type = 'HELP'", [s.patientId])).toHaveLength(0);
    // The same message without the step: an inbox entry and HELP.
    await patientWrites(s.phone, "Quisiera cambiar mi cita #vip");
    expect(await sql("select id from feedback where patient_id = ?", [s.patientId])).toHaveLength(1);
  });
});

describe("the unanswered alert", () => {
  it("tells the practice's staff number once per wait, outside quiet hours, and not after staff answered", async () => {
    const s = await patientScenario();
    await sql("update practices set staff_alert_phone = '+593990001234' where workspace_id = ?", [s.workspaceId]);
    await sql("update workspaces set quiet_hours_start = null, quiet_hours_end = null where id = ?", [s.workspaceId]);
    const alerts = () => sql<{ body: string; to_address: string }>("select body, to_address from messages where workspace_id = ? and type = 'STAFF_ALERT'", [s.workspaceId]);
    await patientWrites(s.phone, "¿Me pueden llamar?");
    const em = () => h.orm.em.fork();
    h.clock.advance(9 * 60_000);
    await em().transactional((tem) => alertUnanswered(tem, h.clock.now(), 10 * 60_000));
    expect(await alerts()).toHaveLength(0);
    h.clock.advance(2 * 60_000);
    await em().transactional((tem) => alertUnanswered(tem, h.clock.now(), 10 * 60_000));
    await em().transactional((tem) => alertUnanswered(tem, h.clock.now(), 10 * 60_000));
    const sent = await alerts();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to_address).toBe("+593990001234");
    expect(sent[0]!.body).toContain("espera respuesta");
    // Answered: the wait ends, no further alert however long it stays open.
    const [t] = await thread(s.workspaceId);
    const [owner] = await sql<{ id: string }>("select id from users where workspace_id = ?", [s.workspaceId]);
    await em().transactional((tem) => sendStaffReply(tem, { workspaceId: s.workspaceId, conversationId: t!.id, authorId: owner!.id, body: "Sí, en un momento.", now: h.clock.now(), pendingReplyTtlMs: DAY }));
    h.clock.advance(60 * 60_000);
    await em().transactional((tem) => alertUnanswered(tem, h.clock.now(), 10 * 60_000));
    expect(await alerts()).toHaveLength(1);
  });

  it("waits through the practice's quiet hours", async () => {
    const s = await patientScenario();
    await sql("update practices set staff_alert_phone = '+593990001235' where workspace_id = ?", [s.workspaceId]);
    await sql("update workspaces set quiet_hours_start = '00:00', quiet_hours_end = '23:59', timezone = 'UTC' where id = ?", [s.workspaceId]);
    await patientWrites(s.phone, "Hola");
    h.clock.advance(30 * 60_000);
    await h.orm.em.fork().transactional((tem) => alertUnanswered(tem, h.clock.now(), 10 * 60_000));
    expect(await sql("select id from messages where workspace_id = ? and type = 'STAFF_ALERT'", [s.workspaceId])).toHaveLength(0);
  });
});
