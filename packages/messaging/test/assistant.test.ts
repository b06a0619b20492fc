// The assistant in the conversation pipeline (SPEC §16), end to end below the web: a patient writes
// through the Twilio simulator, the inbound handler stores the message and runs the steps in their
// order, the bot's messages go out through the send protocol to the simulator (credits charged), the
// urgent alert reaches the practice's staff number, and the LLM assistant answers from the
// simulator's fake chat-completions endpoint outside any transaction. Real PostgreSQL and Redis.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AiClient } from "@rm/ai";
import { demoKnowledge, readPatientQuestion, saveKnowledge, type PracticeKnowledge } from "@rm/assistant";
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
import { SenderRateLimiter } from "../src/rate-limit.ts";
import { sendMessage, type SendDeps } from "../src/send/send-message.ts";
import { setupConversationWorld, type ConversationWorld, type Harness, ledger, makeSentMessage, outboxRow, publishedEntry } from "./handler-fixtures.ts";

const SID = "AC0c0c0000000000000000000000000025";
const TOKEN = "assistant-token";
const SENDER = "whatsapp:+14155238886";
const STAFF_PHONE = "+593990001234";
const SMS_FROM = "+15005550006";
// Monday 2026-11-23 10:00 in Quito (UTC-5): the demo practice is open.
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
beforeEach(() => sim.ai.reset());

const sql = <T = Record<string, unknown>>(q: string, params: unknown[] = []) => h.orm.em.fork().execute<T[]>(q, params);

function sendDeps(): SendDeps {
  return {
    orm: h.orm,
    clock: h.clock,
    logger: h.logger,
    twilio: createTwilioClient({ accountSid: SID, authToken: TOKEN, apiUrl: sim.url, timeoutMs: 3000 }),
    rateLimiter: new SenderRateLimiter({ redis: redis.client, prefix: `${redis.prefix}${Math.random()}:`, disabled: true }),
    publicUrl: "https://app.example.test",
    defaults: { whatsappFrom: SENDER, smsFrom: SMS_FROM, whatsappContentSids: LOCAL_PLATFORM_CONTENT_SIDS },
    globalPaused: () => false,
    sdkTimeoutMs: 3000,
  };
}

async function patientWrites(phone: string, body: string): Promise<string> {
  posted.length = 0;
  await sim.inbound({ from: `whatsapp:${phone}`, to: SENDER, body });
  const params = posted[0]!;
  const entry = await publishedEntry(h.orm, h.clock, { stream: "inbound", type: "twilio.inbound", idempotencyKey: twilioInboundEvent.key(params.MessageSid!), payload: { params } });
  await storeInbound(deps, entry);
  return params.MessageSid!;
}

/** What the relay and the workers do with the workspace's due rows of one type. */
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

function model(timeoutMs = 3000): AiClient {
  return new AiClient({ baseUrl: `${sim.url}/v1`, model: "sim-model", timeoutMs });
}

async function runAssistant(workspaceId: string, timeoutMs?: number): Promise<StreamEntry[]> {
  const entries = await publishDue(workspaceId, "assistant.reply");
  for (const e of entries) await handleAssistantReply({ orm: h.orm, clock: h.clock, logger: h.logger, model: model(timeoutMs) }, e);
  return entries;
}

async function scenario(opts: { knowledge?: PracticeKnowledge | null; ai?: boolean; staffPhone?: boolean } = {}) {
  const s = await makeSentMessage(h.orm, h.clock, { channel: "WHATSAPP", sender: SENDER, credits: 50 });
  const [p] = await sql<{ phone: string; practice_id: string; owner_id: string }>(
    "select p.phone, c.practice_id, c.created_by_id as owner_id from patients p join campaigns c on c.id = p.campaign_id where p.id = ?",
    [s.patientId],
  );
  if (opts.staffPhone !== false) await sql("update practices set staff_alert_phone = ? where id = ?", [STAFF_PHONE, p!.practice_id]);
  if (opts.ai) await sql("update workspaces set ai_assistant_enabled_at = ?, ai_assistant_enabled_by = ? where id = ?", [h.clock.now(), p!.owner_id, s.workspaceId]);
  const knowledge = opts.knowledge === undefined ? demoKnowledge() : opts.knowledge;
  if (knowledge) {
    await saveKnowledge(workspaceEm(h.orm.em.fork(), s.workspaceId), { workspaceId: s.workspaceId, userId: p!.owner_id }, { id: p!.practice_id, timezone: "America/Guayaquil" }, knowledge);
  }
  return { ...s, phone: p!.phone, practiceId: p!.practice_id, ownerId: p!.owner_id };
}

const outbound = (workspaceId: string) =>
  sql<{ type: string; body: string; to_address: string; status: string; conversation_id: string | null; author_id: string | null }>(
    "select type, body, to_address, status, conversation_id, author_id from messages where workspace_id = ? and type <> 'INITIAL' order by created_at, id",
    [workspaceId],
  );
const threadOf = async (workspaceId: string) =>
  (await sql<{ id: string; waiting_since: Date | null; urgent_at: Date | null; handoff_at: Date | null; last_away_at: Date | null }>(
    "select id, waiting_since, urgent_at, handoff_at, last_away_at from conversations where workspace_id = ?",
    [workspaceId],
  ))[0]!;
const receivedBy = (to: string) => sim.state.messages.filter((m) => m.to === to);
const BOT_ANSWERS = ["BOT_ANSWER", "BOT_AI_ANSWER"];

describe("knowledge answers without any model", () => {
  it("answers a question the knowledge covers with a message marked as the bot's, sent through the send protocol and charged", async () => {
    const s = await scenario();
    await patientWrites(s.phone, "¿Dónde quedan?");
    const [answer] = await outbound(s.workspaceId);
    expect(answer).toMatchObject({ type: "BOT_ANSWER", author_id: null, to_address: `whatsapp:${s.phone}` });
    expect(answer!.body).toContain("Av. Amazonas N24-03");
    const t = await threadOf(s.workspaceId);
    expect(answer!.conversation_id).toBe(t.id);
    // Answered: the thread no longer waits, and nothing went to the staff inbox.
    expect(t.waiting_since).toBeNull();
    expect(await sql("select id from feedback where workspace_id = ?", [s.workspaceId])).toHaveLength(0);
    const before = (await ledger(h.orm, s.workspaceId)).length;
    await sendDue(s.workspaceId);
    const [sent] = receivedBy(`whatsapp:${s.phone}`);
    expect(sent?.body).toContain("Av. Amazonas N24-03");
    expect((await outbound(s.workspaceId))[0]!.status).not.toBe("PENDING");
    // The send protocol held and settled credits for it like any answer.
    expect((await ledger(h.orm, s.workspaceId)).length).toBeGreaterThan(before);
  });

  it("a practice nobody described gets no automatic answer or hand-off message, but an urgent message still alerts and hands off", async () => {
    const s = await scenario({ knowledge: null });
    await patientWrites(s.phone, "¿Dónde quedan?");
    expect((await outbound(s.workspaceId)).map((m) => m.type)).toEqual(["HELP"]);
    expect((await threadOf(s.workspaceId)).waiting_since).not.toBeNull();
    await patientWrites(s.phone, "¿Me pueden llamar? Quiero hablar con alguien");
    expect((await outbound(s.workspaceId)).map((m) => m.type)).toEqual(["HELP"]);
    const urgent = await scenario({ knowledge: null });
    await patientWrites(urgent.phone, "Tengo la cara hinchada y fiebre");
    expect((await outbound(urgent.workspaceId)).map((m) => m.type).sort()).toEqual(["BOT_HANDOFF", "STAFF_ALERT"]);
  });

  it("automatic answers switched off for the workspace, or by staff in the thread, send nothing", async () => {
    const off = await scenario();
    await sql("update workspaces set auto_answers_enabled = false where id = ?", [off.workspaceId]);
    await patientWrites(off.phone, "¿Dónde quedan?");
    expect((await outbound(off.workspaceId)).filter((m) => m.type.startsWith("BOT_"))).toEqual([]);

    const s = await scenario();
    await patientWrites(s.phone, "Hola");
    const t = await threadOf(s.workspaceId);
    await h.orm.em.fork().transactional((em) => setThreadAssistant(em, s.workspaceId, t.id, false, h.clock.now(), null));
    await patientWrites(s.phone, "¿Dónde quedan?");
    expect((await outbound(s.workspaceId)).filter((m) => m.type.startsWith("BOT_"))).toEqual([]);
  });
});

describe("urgent messages and a person asked for hand off, never a bot answer", () => {
  for (const ai of [false, true]) {
    it(`urgent: an alert to the staff number and a hand-off message, no answer (LLM ${ai ? "on" : "off"})`, async () => {
      const s = await scenario({ ai });
      await patientWrites(s.phone, "Me sangra mucho la encía desde ayer y no para, ¿dónde quedan?");
      const out = await outbound(s.workspaceId);
      expect(out.map((m) => m.type).sort()).toEqual(["BOT_HANDOFF", "STAFF_ALERT"]);
      expect(out.find((m) => m.type === "STAFF_ALERT")).toMatchObject({ to_address: STAFF_PHONE });
      expect(out.find((m) => m.type === "STAFF_ALERT")!.body).toContain("sangrado");
      const t = await threadOf(s.workspaceId);
      expect(t.urgent_at).not.toBeNull();
      expect(t.waiting_since).not.toBeNull();
      // Staff see it in the inbox too; the model was never asked.
      expect(await sql("select id from feedback where workspace_id = ?", [s.workspaceId])).toHaveLength(1);
      expect(await publishDue(s.workspaceId, "assistant.reply")).toEqual([]);
      expect(sim.ai.requests).toHaveLength(0);
      await sendDue(s.workspaceId);
      expect(receivedBy(STAFF_PHONE).some((m) => m.body?.includes("URGENTE"))).toBe(true);
      expect(receivedBy(`whatsapp:${s.phone}`).map((m) => m.body)).toEqual([expect.stringContaining("avisado")]);

      // While it waits, the bot keeps quiet in the thread and a second urgent message alerts no one again.
      await patientWrites(s.phone, "¿Dónde quedan? Sigue sangrando mucho");
      expect((await outbound(s.workspaceId)).map((m) => m.type).sort()).toEqual(["BOT_HANDOFF", "STAFF_ALERT"]);
      // A staff answer ends the urgent wait.
      await h.orm.em.fork().transactional((em) => sendStaffReply(em, { workspaceId: s.workspaceId, conversationId: t.id, authorId: s.ownerId, body: "Venga ahora mismo.", now: h.clock.now(), pendingReplyTtlMs: 60_000 }));
      expect((await threadOf(s.workspaceId)).urgent_at).toBeNull();
    });

    it(`"quiero hablar con alguien": a hand-off message, the thread waits for staff, no answer (LLM ${ai ? "on" : "off"})`, async () => {
      const s = await scenario({ ai });
      await patientWrites(s.phone, "quiero hablar con alguien");
      expect((await outbound(s.workspaceId)).map((m) => m.type)).toEqual(["BOT_HANDOFF"]);
      const t = await threadOf(s.workspaceId);
      expect(t.handoff_at).not.toBeNull();
      expect(t.waiting_since).not.toBeNull();
      expect(t.urgent_at).toBeNull();
      expect(await publishDue(s.workspaceId, "assistant.reply")).toEqual([]);
      // Handed off: a later question is left to the person too.
      await patientWrites(s.phone, "¿Dónde quedan?");
      expect((await outbound(s.workspaceId)).filter((m) => BOT_ANSWERS.includes(m.type))).toEqual([]);
      expect(sim.ai.requests).toHaveLength(0);
    });
  }

  it("with automatic answers off the urgent alert still goes to staff, without a message to the patient", async () => {
    const s = await scenario();
    await sql("update workspaces set auto_answers_enabled = false where id = ?", [s.workspaceId]);
    await patientWrites(s.phone, "Se me cayó un diente por un golpe, es urgente");
    expect((await outbound(s.workspaceId)).map((m) => m.type)).toEqual(["STAFF_ALERT"]);
    expect((await threadOf(s.workspaceId)).urgent_at).not.toBeNull();
  });
});

describe("the away message", () => {
  it("outside opening hours, once per thread within the practice's interval", async () => {
    const s = await scenario();
    // Monday 22:00 in Quito.
    h.clock.set(new Date("2026-11-24T03:00:00.000Z"));
    try {
      await patientWrites(s.phone, "Hola, una consulta");
      await patientWrites(s.phone, "¿Alguien?");
      const away = (await outbound(s.workspaceId)).filter((m) => m.type === "BOT_AWAY");
      expect(away).toHaveLength(1);
      expect(away[0]!.body).toContain("mañana");
      expect((await threadOf(s.workspaceId)).waiting_since).not.toBeNull();
      h.clock.advance(7 * 3_600_000); // Tuesday 05:00 in Quito: still closed, 7 h later
      await patientWrites(s.phone, "Hola de nuevo");
      expect((await outbound(s.workspaceId)).filter((m) => m.type === "BOT_AWAY")).toHaveLength(1);
    } finally {
      h.clock.set(new Date(OPEN));
    }
  });
});

describe("the LLM assistant", () => {
  const withPets = () => {
    const k = demoKnowledge();
    k.faqs.push({ question: { es: "¿Aceptan mascotas en la sala de espera?", en: "Are pets allowed in the waiting room?" }, answer: { es: "Solo perros de asistencia.", en: "Only assistance dogs." } });
    return k;
  };
  const QUESTION = "¿Puedo llevar a mi perro?";

  it("the reader leaves the test question to the model", () => {
    expect(readPatientQuestion(withPets(), QUESTION, "es").kind).toBe("NONE");
  });

  it("answers from the retrieved knowledge only, marked as the bot's, sent through the send protocol", async () => {
    const s = await scenario({ ai: true, knowledge: withPets() });
    await patientWrites(s.phone, QUESTION);
    // Nothing sent yet: the model is asked by the worker, not in the inbound transaction.
    expect((await outbound(s.workspaceId)).filter((m) => m.type.startsWith("BOT_"))).toEqual([]);
    sim.ai.script([{ content: JSON.stringify({ action: "ANSWER", text: "Solo se admiten perros de asistencia." }), delayMs: 300 }]);
    const entries = await publishDue(s.workspaceId, "assistant.reply");
    expect(entries).toHaveLength(1);
    const t = await threadOf(s.workspaceId);
    const handled = handleAssistantReply({ orm: h.orm, clock: h.clock, logger: h.logger, model: model() }, entries[0]!);
    // While the model thinks, no transaction holds the thread: staff can act on it at once.
    await new Promise((r) => setTimeout(r, 150));
    await h.orm.em.fork().transactional((em) => em.execute("select id from conversations where id = ? for update nowait", [t.id]));
    await handled;
    const [answer] = (await outbound(s.workspaceId)).filter((m) => m.type.startsWith("BOT_"));
    expect(answer).toMatchObject({ type: "BOT_AI_ANSWER", body: "Solo se admiten perros de asistencia.", author_id: null, conversation_id: t.id });
    expect((await threadOf(s.workspaceId)).waiting_since).toBeNull();
    expect((await outboxRow(h.orm, entries[0]!.outboxId)).status).toBe("done");
    // Grounded: the prompt carries the retrieved entry and none of the rest of the knowledge.
    const prompt = JSON.stringify(sim.ai.requests[0]!.body);
    expect(prompt).toContain("Solo perros de asistencia");
    expect(prompt).not.toContain("Av. Amazonas");
    expect(prompt).not.toContain("USD 170");
    await sendDue(s.workspaceId);
    expect(receivedBy(`whatsapp:${s.phone}`).map((m) => m.body)).toEqual(["Solo se admiten perros de asistencia."]);
  });

  const fallbacks: { name: string; step: Parameters<Simulator["ai"]["script"]>[0][number]; timeoutMs?: number }[] = [
    { name: "an unsure model", step: { content: JSON.stringify({ action: "UNSURE", text: "" }) } },
    { name: "a refusal", step: { refusal: "I can't help with that." } },
    { name: "a provider error", step: { status: 500 } },
    { name: "a timeout", step: { hang: true }, timeoutMs: 1000 },
    { name: "a malformed body", step: { malformedBody: true } },
    { name: "medical advice in the answer", step: { content: JSON.stringify({ action: "ANSWER", text: "Tome ibuprofeno 400 mg cada 8 horas." }) } },
  ];
  for (const f of fallbacks) {
    it(`${f.name} leaves the message to staff: nothing sent, the thread waits, the row is done`, async () => {
      const s = await scenario({ ai: true, knowledge: withPets() });
      await patientWrites(s.phone, QUESTION);
      sim.ai.script([f.step, f.step]);
      const [entry] = await runAssistant(s.workspaceId, f.timeoutMs);
      expect((await outbound(s.workspaceId)).filter((m) => m.type.startsWith("BOT_"))).toEqual([]);
      expect((await threadOf(s.workspaceId)).waiting_since).not.toBeNull();
      expect((await outboxRow(h.orm, entry!.outboxId)).status).toBe("done");
      // The inbox entry staff answer from is there.
      expect(await sql("select id from feedback where workspace_id = ?", [s.workspaceId])).toHaveLength(1);
    });
  }

  it("a model that says the patient wants a person hands off", async () => {
    const s = await scenario({ ai: true, knowledge: withPets() });
    await patientWrites(s.phone, QUESTION);
    sim.ai.script([{ content: JSON.stringify({ action: "PERSON", text: "" }) }]);
    await runAssistant(s.workspaceId);
    expect((await outbound(s.workspaceId)).map((m) => m.type)).toEqual(["BOT_HANDOFF"]);
    expect((await threadOf(s.workspaceId)).handoff_at).not.toBeNull();
  });

  it("staff answering or switching the bot off while the model thinks: the model's answer is not sent", async () => {
    const s = await scenario({ ai: true, knowledge: withPets() });
    await patientWrites(s.phone, QUESTION);
    const t = await threadOf(s.workspaceId);
    await h.orm.em.fork().transactional((em) => setThreadAssistant(em, s.workspaceId, t.id, false, h.clock.now(), null));
    sim.ai.script([{ content: JSON.stringify({ action: "ANSWER", text: "Solo perros de asistencia." }) }]);
    await runAssistant(s.workspaceId);
    expect((await outbound(s.workspaceId)).filter((m) => m.type.startsWith("BOT_"))).toEqual([]);
  });

  it("an unreadable assistant.reply entry is closed without a crash or a model call", async () => {
    const s = await scenario({ ai: true });
    const entry = await publishedEntry(h.orm, h.clock, { stream: "inbound", type: "assistant.reply", payload: "not json", workspaceId: s.workspaceId });
    await handleAssistantReply({ orm: h.orm, clock: h.clock, logger: h.logger, model: model() }, entry);
    expect((await outboxRow(h.orm, entry.outboxId)).status).toBe("done");
    expect(sim.ai.requests).toHaveLength(0);
  });

  it("the LLM switched off for the workspace: no model call, the message waits for staff", async () => {
    const s = await scenario({ ai: false, knowledge: withPets() });
    await patientWrites(s.phone, QUESTION);
    expect(await publishDue(s.workspaceId, "assistant.reply")).toEqual([]);
    expect(sim.ai.requests).toHaveLength(0);
  });
});
