// The assistant's automatic handling for threads without a patient (SPEC §16): a web chat visitor's
// messages run the same steps as SMS and WhatsApp, with the chat as the bot's channel (BOT_* messages
// of channel WEB, through no provider), and a new phone on an own sender too. The urgent alert of such
// a thread goes to the practice's staff number through the outbox and the send protocol, to the
// Twilio simulator. Real PostgreSQL and Redis.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AiClient } from "@rm/ai";
import { demoKnowledge, saveKnowledge } from "@rm/assistant";
import { workspaceEm } from "@rm/db";
import { LOCAL_PLATFORM_CONTENT_SIDS } from "@rm/domain";
import { twilioInboundEvent } from "@rm/events";
import type { StreamEntry } from "@rm/streams";
import type { TestRedis } from "@rm/test-utils";
import { createTwilioClient } from "@rm/twilio";
import type { Simulator } from "@rm/twilio-simulator";
import { handleAssistantReply } from "../src/conversations/assistant-reply.ts";
import { sendStaffReply } from "../src/conversations/staff-reply.ts";
import { setThreadAssistant } from "../src/conversations/threads.ts";
import type { HandlerDeps } from "../src/handlers/deps.ts";
import { storeInbound } from "../src/handlers/store-inbound.ts";
import { findVisitor, findWidgetByKey, postVisitorMessage, setWidgetPractice, visitorView, widgetSettings, type WidgetRow } from "../src/index.ts";
import { SenderRateLimiter } from "../src/rate-limit.ts";
import { sendMessage, type SendDeps } from "../src/send/send-message.ts";
import { setupConversationWorld, type ConversationWorld, type Harness, makeSentMessage, publishedEntry } from "./handler-fixtures.ts";

const SID = "AC0c0c0000000000000000000000000038";
const TOKEN = "patientless-token";
const OWN_SENDER = "+593990002000";
const STAFF_PHONE = "+593990001234";
const SMS_FROM = "+15005550006";
// Monday 2026-11-23 10:00 in Quito (UTC-5): the demo practice is open (no away message).
const OPEN = "2026-11-23T15:00:00.000Z";
let h: Harness;
let deps: HandlerDeps;
let sim: Simulator;
let redis: TestRedis;
let posted: Record<string, string>[];
let world: ConversationWorld;

beforeAll(async () => {
  world = await setupConversationWorld({ accountSid: SID, token: TOKEN, start: OPEN, aiAssistantAvailable: true });
  ({ h, deps, sim, redis, posted } = world);
});
afterAll(() => world.close());

const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => h.orm.em.fork().execute<T[]>(q, params);
const tx = <T>(fn: (em: Harness["orm"]["em"]) => Promise<T>) => h.orm.em.fork().transactional((em) => fn(em as Harness["orm"]["em"]));

function sendDeps(): SendDeps {
  return {
    orm: h.orm,
    clock: h.clock,
    logger: h.logger,
    twilio: createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: sim.url, timeoutMs: 3000 }),
    rateLimiter: new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}${Math.random()}:`, disabled: true }),
    publicUrl: "https://app.example.test",
    defaults: { smsFrom: SMS_FROM, whatsappContentSids: LOCAL_PLATFORM_CONTENT_SIDS },
    globalPaused: () => false,
    sdkTimeoutMs: 3000,
  };
}

async function publishDue(workspaceId: string, type: string): Promise<StreamEntry[]> {
  const rows = await sql<{ id: string; type: string; workspace_id: string; payload: unknown }>(
    "update outbox set status = 'published', published_at = ? where status = 'pending' and workspace_id = ? and type = ? and available_at <= ? returning id::text as id, type, workspace_id::text as workspace_id, payload",
    [h.clock.now(), workspaceId, type, h.clock.now()],
  );
  return rows.map((r) => ({ outboxId: r.id, type: r.type, workspaceId: r.workspace_id, payload: JSON.stringify(r.payload), traceparent: "" }));
}

async function sendDue(workspaceId: string): Promise<void> {
  for (const e of await publishDue(workspaceId, "message.send")) await sendMessage(sendDeps(), e);
}

/** A workspace whose practice has the demo knowledge saved and a staff number; `ai`: the LLM assistant opted in. */
async function scenario(opts: { ai?: boolean } = {}) {
  const s = await makeSentMessage(h.orm, h.clock, { channel: "SMS", credits: 50 });
  const [p] = await sql<{ practice_id: string; owner_id: string }>("select c.practice_id, c.created_by_id as owner_id from patients p join campaigns c on c.id = p.campaign_id where p.id = ?", [s.patientId]);
  await sql("update practices set staff_alert_phone = ? where id = ?", [STAFF_PHONE, p!.practice_id]);
  if (opts.ai) await sql("update workspaces set ai_assistant_enabled_at = ?, ai_assistant_enabled_by = ? where id = ?", [h.clock.now(), p!.owner_id, s.workspaceId]);
  await saveKnowledge(workspaceEm(h.orm.em.fork(), s.workspaceId), { workspaceId: s.workspaceId, userId: p!.owner_id }, { id: p!.practice_id, timezone: "America/Guayaquil" }, demoKnowledge());
  const { publicKey } = await tx((em) => widgetSettings(workspaceEm(em, s.workspaceId), s.workspaceId, h.clock.now()));
  const widget = (await findWidgetByKey(h.orm.em.fork(), publicKey))!;
  return { ...s, practiceId: p!.practice_id, ownerId: p!.owner_id, widget };
}

/** A visitor writes in the chat (as the widget's page does: the automatic handling on, no AI unless said). */
async function visitorWrites(widget: WidgetRow, token: string | null, body: string, aiAvailable = false) {
  h.clock.advance(1000); // a visitor types for a moment between messages
  // The chat's route passes its request's manager, not scoped to a workspace (the widget's key names it).
  return tx((em) => postVisitorMessage(em, widget, { token, body, language: "es", now: h.clock.now(), automatic: { aiAvailable } }));
}

/** What the visitor's chat shows. */
async function chat(widget: WidgetRow, token: string) {
  return tx(async (em) => {
    const wem = workspaceEm(em, widget.workspaceId);
    const visitor = (await findVisitor(wem, widget, token))!;
    return (await visitorView(wem, widget, visitor, h.clock.now())).messages.map((m) => ({ from: m.from, body: m.body }));
  });
}

const outbound = (workspaceId: string) =>
  sql<{ type: string; channel: string; body: string; to_address: string; status: string; patient_id: string | null; conversation_id: string | null }>(
    "select type, channel, body, to_address, status, patient_id, conversation_id from messages where workspace_id = ? and type <> 'INITIAL' order by created_at, id",
    [workspaceId],
  );
const threadOf = async (id: string) =>
  (await sql<{ waiting_since: Date | null; urgent_at: Date | null; handoff_at: Date | null }>("select waiting_since, urgent_at, handoff_at from conversations where id = ?", [id]))[0]!;
const receivedBy = (to: string) => sim.state.messages.filter((m) => m.to === to);

describe("the web chat through the automatic handling", () => {
  it("a question the knowledge answers: the bot's answer appears in the visitor's chat, marked as the bot's, through no provider", async () => {
    const s = await scenario();
    const before = sim.state.messages.length;
    const posted = await visitorWrites(s.widget, null, "¿Dónde quedan?");
    expect(posted.automatic).toBe("bot_answer");
    const shown = await chat(s.widget, posted.token);
    expect(shown).toEqual([
      { from: "visitor", body: "¿Dónde quedan?" },
      { from: "bot", body: expect.stringContaining("Av. Amazonas N24-03") },
    ]);
    // Recorded like a staff answer in the chat: a WEB message of the bot's type, nothing to send.
    expect(await outbound(s.workspaceId)).toEqual([expect.objectContaining({ type: "BOT_ANSWER", channel: "WEB", patient_id: null, conversation_id: posted.conversationId })]);
    expect(await publishDue(s.workspaceId, "message.send")).toEqual([]);
    expect(sim.state.messages.length).toBe(before);
    // Answered: the thread no longer waits for staff.
    expect((await threadOf(posted.conversationId)).waiting_since).toBeNull();
  });

  it('"quiero hablar con alguien" hands off: the hand-off shows in the chat and the bot keeps quiet after it', async () => {
    const s = await scenario();
    const posted = await visitorWrites(s.widget, null, "quiero hablar con alguien");
    expect(posted.automatic).toBe("handoff");
    const t = await threadOf(posted.conversationId);
    expect(t.handoff_at).not.toBeNull();
    expect(t.waiting_since).not.toBeNull();
    await visitorWrites(s.widget, posted.token, "¿Dónde quedan?");
    const shown = await chat(s.widget, posted.token);
    expect(shown.map((m) => m.from)).toEqual(["visitor", "bot", "visitor"]);
    expect(shown[1]!.body).toContain(`Practice`);
    expect((await outbound(s.workspaceId)).map((m) => m.type)).toEqual(["BOT_HANDOFF"]);
  });

  it("an urgent message alerts the staff number once through the send protocol, shows the hand-off and gets no bot answer (LLM on too)", async () => {
    const s = await scenario({ ai: true });
    const posted = await visitorWrites(s.widget, null, "Me sangra mucho la encía desde ayer y no para, ¿dónde quedan?", true);
    expect(posted.automatic).toBe("urgent");
    const out = await outbound(s.workspaceId);
    expect(out.map((m) => m.type).sort()).toEqual(["BOT_HANDOFF", "STAFF_ALERT"]);
    const alert = out.find((m) => m.type === "STAFF_ALERT")!;
    expect(alert).toMatchObject({ channel: "SMS", to_address: STAFF_PHONE, patient_id: null });
    expect(alert.body).toContain("Un visitante del chat web");
    expect(alert.body).toContain("sangrado");
    // The model was not asked.
    expect(await publishDue(s.workspaceId, "assistant.reply")).toEqual([]);
    await sendDue(s.workspaceId);
    expect(receivedBy(STAFF_PHONE).filter((m) => m.body?.includes("visitante del chat web")).map((m) => m.body)).toEqual([expect.stringContaining("URGENTE")]);
    expect((await outbound(s.workspaceId)).find((m) => m.type === "STAFF_ALERT")!.status).not.toBe("PENDING");
    const shown = await chat(s.widget, posted.token);
    expect(shown.map((m) => m.from)).toEqual(["visitor", "bot"]);
    expect(shown[1]!.body).toContain("avisado");
    // A second urgent message while the first waits alerts no one again.
    await visitorWrites(s.widget, posted.token, "Sigue sangrando mucho", true);
    expect((await outbound(s.workspaceId)).filter((m) => m.type === "STAFF_ALERT")).toHaveLength(1);
  });

  it("the LLM assistant (opted in) answers a web chat question in the chat, from the worker", async () => {
    const s = await scenario({ ai: true });
    const k = demoKnowledge();
    k.faqs.push({ question: { es: "¿Aceptan mascotas en la sala de espera?", en: "Are pets allowed in the waiting room?" }, answer: { es: "Solo perros de asistencia.", en: "Only assistance dogs." } });
    await saveKnowledge(workspaceEm(h.orm.em.fork(), s.workspaceId), { workspaceId: s.workspaceId, userId: s.ownerId }, { id: s.practiceId, timezone: "America/Guayaquil" }, k);
    sim.ai.reset();
    const posted = await visitorWrites(s.widget, null, "¿Puedo llevar a mi perro?", true);
    expect(posted.automatic).toBe("assistant");
    sim.ai.script([{ content: JSON.stringify({ action: "ANSWER", text: "Solo se admiten perros de asistencia." }) }]);
    const entries = await publishDue(s.workspaceId, "assistant.reply");
    expect(entries).toHaveLength(1);
    await handleAssistantReply({ orm: h.orm, clock: h.clock, logger: h.logger, model: new AiClient({ baseUrl: `${sim.url}/v1`, model: "sim-model", timeoutMs: 3000 }) }, entries[0]!);
    expect(await chat(s.widget, posted.token)).toEqual([
      { from: "visitor", body: "¿Puedo llevar a mi perro?" },
      { from: "bot", body: "Solo se admiten perros de asistencia." },
    ]);
    expect((await outbound(s.workspaceId)).map((m) => [m.type, m.channel])).toEqual([["BOT_AI_ANSWER", "WEB"]]);
  });

  it("the switches keep the bot quiet in the chat (workspace off: the urgent alert still goes)", async () => {
    const s = await scenario();
    await sql("update workspaces set auto_answers_enabled = false where id = ?", [s.workspaceId]);
    const posted = await visitorWrites(s.widget, null, "¿Dónde quedan?");
    expect(posted.automatic).toBeNull();
    await visitorWrites(s.widget, posted.token, "Se me cayó un diente por un golpe, es urgente");
    expect((await outbound(s.workspaceId)).map((m) => m.type)).toEqual(["STAFF_ALERT"]);
    expect((await chat(s.widget, posted.token)).map((m) => m.from)).toEqual(["visitor", "visitor"]);
  });

  it("staff switching the bot off in the chat's thread keep it quiet there; the urgent alert still goes", async () => {
    const s = await scenario();
    const first = await visitorWrites(s.widget, null, "Hola");
    await tx((em) => setThreadAssistant(em, s.workspaceId, first.conversationId, false, h.clock.now(), s.ownerId));
    const asked = await visitorWrites(s.widget, first.token, "¿Dónde quedan?");
    expect(asked.automatic).toBeNull();
    await visitorWrites(s.widget, first.token, "Tengo un dolor muy fuerte, es una emergencia");
    expect((await outbound(s.workspaceId)).map((m) => m.type)).toEqual(["STAFF_ALERT"]);
    expect((await chat(s.widget, first.token)).map((m) => m.from)).toEqual(["visitor", "visitor", "visitor"]);
  });

  it("the widget's chosen practice: its staff number gets the alert", async () => {
    const s = await scenario();
    const [second] = await sql<{ id: string }>(
      "insert into practices (id, workspace_id, name, staff_alert_phone, created_at, updated_at) values (gen_random_uuid(), ?, 'Sede Norte', '+593990005555', now(), now()) returning id",
      [s.workspaceId],
    );
    expect(await tx((em) => setWidgetPractice(workspaceEm(em, s.workspaceId), { workspaceId: s.workspaceId, userId: s.ownerId, ip: null }, second!.id, h.clock.now()))).toBe(true);
    // Another workspace's practice is refused.
    const other = await scenario();
    expect(await tx((em) => setWidgetPractice(workspaceEm(em, s.workspaceId), { workspaceId: s.workspaceId, userId: s.ownerId, ip: null }, other.practiceId, h.clock.now()))).toBe(false);
    await visitorWrites(s.widget, null, "Tengo un dolor muy fuerte, es una emergencia");
    const alert = (await outbound(s.workspaceId)).find((m) => m.type === "STAFF_ALERT")!;
    expect(alert.to_address).toBe("+593990005555");
    expect(alert.body).toContain("Sede Norte");
    expect(await sql("select action from audit_logs where workspace_id = ? and action = 'widget.practice_changed'", [s.workspaceId])).toHaveLength(1);
  });
});

describe("a new phone on an own sender", () => {
  async function newPhoneWrites(workspaceId: string, phone: string, body: string): Promise<void> {
    posted.length = 0;
    await sim.inbound({ from: phone, to: OWN_SENDER, body });
    const params = posted[0]!;
    const entry = await publishedEntry(h.orm, h.clock, { stream: "inbound", type: "twilio.inbound", idempotencyKey: twilioInboundEvent.key(params.MessageSid!), payload: { params, workspaceId } });
    await storeInbound(deps, entry);
  }

  it("an urgent message alerts the practice's staff number once through the send protocol and hands off, without a bot answer", async () => {
    const s = await scenario();
    const phone = "+593991230038";
    await newPhoneWrites(s.workspaceId, phone, "Se me rompió un diente y me duele muchísimo, ¿dónde quedan?");
    const out = await outbound(s.workspaceId);
    expect(out.map((m) => m.type).sort()).toEqual(["BOT_HANDOFF", "STAFF_ALERT"]);
    const alert = out.find((m) => m.type === "STAFF_ALERT")!;
    expect(alert).toMatchObject({ to_address: STAFF_PHONE, patient_id: null });
    expect(alert.body).toContain(phone);
    await sendDue(s.workspaceId);
    expect(receivedBy(STAFF_PHONE).filter((m) => m.body?.includes(phone)).map((m) => m.body)).toEqual([expect.stringContaining("URGENTE")]);
    // The hand-off goes back to the phone from the own sender, through the send protocol.
    expect(receivedBy(phone).map((m) => m.body)).toEqual([expect.stringContaining("avisado")]);
    // Still waiting: a second urgent message alerts no one again.
    await newPhoneWrites(s.workspaceId, phone, "Sigue doliendo mucho, es urgente");
    expect((await outbound(s.workspaceId)).filter((m) => m.type === "STAFF_ALERT")).toHaveLength(1);
  });

  it("BAJA opts the contact out with a consent event, gets no bot answer and refuses a staff reply; ALTA opts back in", async () => {
    const s = await scenario({ ai: true });
    const phone = "+593991230039";
    await newPhoneWrites(s.workspaceId, phone, "Hola, ¿dónde quedan?");
    const [thread] = await sql<{ id: string }>("select c.id from conversations c join contacts k on k.id = c.contact_id where c.workspace_id = ? and k.phone = ?", [s.workspaceId, phone]);
    const contact = () => sql<{ opted_out_at: Date | null; opted_out_source: string | null; sms_consent_source: string | null }>("select opted_out_at, opted_out_source, sms_consent_source from contacts where workspace_id = ? and phone = ?", [s.workspaceId, phone]);
    const consent = () => sql<{ action: string; source: string; channel: string; evidence: string }>(
      "select e.action, e.source, e.channel, e.evidence from consent_events e join contacts k on k.id = e.contact_id where e.workspace_id = ? and k.phone = ? order by e.id",
      [s.workspaceId, phone],
    );
    const staffReply = () =>
      tx((em) => sendStaffReply(em, { workspaceId: s.workspaceId, conversationId: thread!.id, authorId: s.ownerId, body: "Le escribimos de la clínica.", now: h.clock.now(), pendingReplyTtlMs: 60_000 }));
    const before = (await outbound(s.workspaceId)).length;
    sim.ai.reset();

    h.clock.advance(60_000);
    await newPhoneWrites(s.workspaceId, phone, "BAJA");
    const [out] = await contact();
    expect(out!.opted_out_source).toBe("SMS:BAJA");
    expect(new Date(out!.opted_out_at!)).toEqual(h.clock.now());
    expect(await consent()).toEqual([{ action: "WITHDRAWN", source: "REPLY", channel: "SMS", evidence: "BAJA" }]);
    const [stored] = await sql<{ intent: string }>("select intent from inbound_messages where workspace_id = ? and body = 'BAJA'", [s.workspaceId]);
    expect(stored!.intent).toBe("OPT_OUT");
    // No bot message and no turn for the model: the STOP ends the automatic handling.
    expect(await outbound(s.workspaceId)).toHaveLength(before);
    expect(await publishDue(s.workspaceId, "assistant.reply")).toEqual([]);
    expect(await staffReply()).toEqual({ kind: "refused", options: { kind: "BLOCKED", reason: "OPTED_OUT" } });

    h.clock.advance(60_000);
    await newPhoneWrites(s.workspaceId, phone, "ALTA");
    expect(await contact()).toEqual([expect.objectContaining({ opted_out_at: null, opted_out_source: null, sms_consent_source: "REPLY" })]);
    expect((await consent()).map((e) => [e.action, e.source, e.evidence])).toEqual([
      ["WITHDRAWN", "REPLY", "BAJA"],
      ["GRANTED", "REPLY", "ALTA"],
    ]);
    expect(await outbound(s.workspaceId)).toHaveLength(before);
    expect(await staffReply()).toMatchObject({ kind: "sent" });
  });
});
