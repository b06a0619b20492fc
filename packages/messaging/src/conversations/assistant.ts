// The assistant in the conversation pipeline (SPEC §16): the inbound steps that come from
// @rm/assistant — the urgent hand-off, a person asked for, the knowledge answer, the LLM assistant and
// the away message — over a channel-agnostic turn. A turn is one inbound message in its thread, with
// what the steps need to decide and one `deliver` function that puts the bot's message into the thread
// through the send protocol (SMS and WhatsApp: a `messages` row and its `message.send` outbox row). A
// channel without a provider (the web widget) builds its own turn with its own `deliver` and runs the
// same steps (README "A channel of its own").
//
// Every message the assistant sends is a BOT_* type: marked as the bot's in the thread and in billing.
// It never answers when the workspace switched automatic answers off, staff switched it off in the
// thread, the conversation is live (staff wrote recently), or the thread was handed to staff and no
// staff answer has come since. The urgent staff alert goes out whatever those switches say.
import type { EntityManager } from "@mikro-orm/postgresql";
import { asksForPerson, detectUrgent, knowledgeForPractice, readPatientQuestion, renderAnswer, awayMessage, type Language, type PracticeKnowledge, type UrgentReason } from "@rm/assistant";
import { createMsg } from "@rm/catalogue";
import { isLiveConversation } from "@rm/domain";
import { enqueueOutbox, OutboxStream, workspaceEm } from "@rm/db";
import { assistantReplyEvent, messageSendEvent } from "@rm/events";
import { insertMessage } from "../feedback/outbound.ts";
import { firstName, loadPatientContext, loadThreadContactContext, type PatientContext, type ThreadContactContext } from "../feedback/patient-context.ts";
import { insertStaffMessage, insertWebBotMessage } from "./staff-reply.ts";
import { lockThreadOf, type ThreadRow } from "./threads.ts";

export type BotMessageType = "BOT_ANSWER" | "BOT_AI_ANSWER" | "BOT_AWAY" | "BOT_HANDOFF";

/** One inbound message as the assistant's steps see it, whatever channel it came by. */
export interface AssistantTurn {
  em: EntityManager;
  workspaceId: string;
  /** The thread, locked by the caller for the length of its transaction. */
  thread: Pick<ThreadRow, "id" | "bot_off_at" | "last_away_at" | "urgent_at" | "handoff_at">;
  inboundId: string;
  text: string;
  language: Language;
  now: Date;
  /** Staff wrote in the thread within the live-conversation time: the bot keeps quiet. */
  live: boolean;
  practiceId: string;
  practiceName: string;
  /** The workspace's switches (SPEC §16). */
  autoAnswers: boolean;
  aiAssistant: boolean;
  /** Puts a bot message into the thread through the channel's send path; returns its id. */
  deliver: (type: BotMessageType, body: string) => Promise<string>;
  /** Tells the practice's staff number (urgent); false when the practice has no staff number. */
  alertStaff: (reasons: UrgentReason[]) => Promise<boolean>;
}

export type AssistantOutcome = "urgent" | "handoff" | "bot_answer" | "assistant" | "away";

/** Whether the bot may send anything in this thread now. */
export function botMaySpeak(t: Pick<AssistantTurn, "autoAnswers" | "thread" | "live">): boolean {
  return t.autoAnswers && t.thread.bot_off_at === null && !t.live && t.thread.handoff_at === null;
}

async function markThread(t: AssistantTurn, set: { urgent?: boolean; handoff?: boolean; answered?: boolean; away?: boolean }): Promise<void> {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    parts.push(sql);
    params.push(...values);
  };
  if (set.urgent) add("urgent_at = coalesce(urgent_at, ?)", t.now);
  if (set.handoff) add("handoff_at = coalesce(handoff_at, ?)", t.now);
  // The bot answered the question: the thread no longer waits for staff (it stays open and visible).
  if (set.answered) add("waiting_since = null");
  if (set.away) add("last_away_at = ?", t.now);
  parts.push("last_message_at = greatest(last_message_at, ?)", "updated_at = ?");
  params.push(t.now, t.now);
  await t.em.execute(`update conversations set ${parts.join(", ")} where workspace_id = ? and id = ?`, [...params, t.workspaceId, t.thread.id], "run");
}

/** Urgent (SPEC §16): an alert to the staff number (once per urgent wait) and the hand-off message; never an answer. */
export async function urgentStep(t: AssistantTurn): Promise<AssistantOutcome | undefined> {
  const urgent = detectUrgent(t.text);
  if (!urgent.urgent) return undefined;
  const speak = botMaySpeak(t);
  // A second urgent message while the first still waits does not alert again.
  if (t.thread.urgent_at === null) await t.alertStaff(urgent.reasons);
  if (speak) await t.deliver("BOT_HANDOFF", createMsg(t.language)("assistant.handoff.urgent", { practice: t.practiceName }));
  await markThread(t, { urgent: true, handoff: true });
  return "urgent";
}

/**
 * A person asked for: the hand-off message; the thread waits for staff and the bot keeps quiet in it.
 * Like every automatic answer, the message needs the practice's knowledge saved (the urgent hand-off does not).
 */
export async function personAskedStep(t: AssistantTurn): Promise<AssistantOutcome | undefined> {
  if (!asksForPerson(t.text)) return undefined;
  if (botMaySpeak(t) && (await savedKnowledge(t))) await t.deliver("BOT_HANDOFF", createMsg(t.language)("assistant.handoff.person", { practice: t.practiceName }));
  await markThread(t, { handoff: true });
  return "handoff";
}

/** The practice's knowledge, only once an owner saved it: a practice nobody described gets no automatic message. */
export async function savedKnowledge(t: AssistantTurn): Promise<PracticeKnowledge | null> {
  const found = await knowledgeForPractice(t.em, t.practiceId);
  return found && found.version > 0 ? found.knowledge : null;
}

/** A question the knowledge answers above the reader's threshold: the answer, marked as the bot's. */
export async function knowledgeAnswerStep(t: AssistantTurn): Promise<AssistantOutcome | undefined> {
  if (!botMaySpeak(t)) return undefined;
  const knowledge = await savedKnowledge(t);
  if (!knowledge) return undefined;
  const reading = readPatientQuestion(knowledge, t.text, t.language);
  const text = renderAnswer(knowledge, reading, t.language);
  if (!text) return undefined;
  await t.deliver("BOT_ANSWER", text);
  await markThread(t, { answered: true });
  return "bot_answer";
}

/**
 * The LLM assistant (opted in by an owner): the model is never called here, inside the inbound
 * transaction — an `assistant.reply` outbox row asks the worker to (conversations/assistant-reply.ts).
 */
export async function llmStep(t: AssistantTurn, aiAvailable: boolean): Promise<AssistantOutcome | undefined> {
  if (!aiAvailable || !t.aiAssistant || !botMaySpeak(t)) return undefined;
  if (!(await savedKnowledge(t))) return undefined;
  await enqueueOutbox(t.em, {
    workspaceId: t.workspaceId,
    stream: OutboxStream.INBOUND,
    type: assistantReplyEvent.type,
    payload: { conversationId: t.thread.id, inboundId: t.inboundId },
    idempotencyKey: assistantReplyEvent.key(t.inboundId),
    availableAt: t.now,
  });
  return "assistant";
}

/** Outside opening hours, at most once per thread within the practice's interval: the away message. */
export async function awayStep(t: AssistantTurn, knowledge?: PracticeKnowledge | null): Promise<AssistantOutcome | undefined> {
  if (!botMaySpeak(t)) return undefined;
  const k = knowledge === undefined ? await savedKnowledge(t) : knowledge;
  // Without opening hours the practice is never "open": no away message rather than one every interval.
  if (!k || !Object.values(k.hours).some((d) => d.length > 0)) return undefined;
  const away = awayMessage({ knowledge: k, now: t.now, lastAwayAt: t.thread.last_away_at ? new Date(t.thread.last_away_at) : null, language: t.language, practiceName: t.practiceName });
  if (!away.send) return undefined;
  await t.deliver("BOT_AWAY", away.text);
  await markThread(t, { away: true });
  return "away";
}

/** The patient's language for the bot: the patient's, Spanish when unknown. */
export const botLanguage = (language: string | null | undefined): Language => (language === "en" ? "en" : "es");

/**
 * The SMS/WhatsApp turn of a routed inbound message: bot messages go to the thread's contact from the
 * thread's sender, and the urgent alert to the practice's staff number, both through the send protocol.
 */
export function providerTurn(input: {
  em: EntityManager;
  thread: ThreadRow;
  ctx: PatientContext;
  inboundId: string;
  text: string;
  now: Date;
  live: boolean;
}): AssistantTurn {
  const { em, thread, ctx, now } = input;
  return {
    em,
    workspaceId: thread.workspace_id,
    thread,
    inboundId: input.inboundId,
    text: input.text,
    language: botLanguage(ctx.language),
    now,
    live: input.live,
    practiceId: ctx.practiceId,
    practiceName: ctx.practiceName,
    autoAnswers: ctx.autoAnswersEnabled,
    aiAssistant: ctx.aiAssistantEnabled,
    deliver: (type, body) => insertStaffMessage(em, thread, { type, body, contentSid: null, contentVariables: null, authorId: null, now }),
    alertStaff: async (reasons) => {
      if (!ctx.staffAlertPhone) return false;
      const msg = createMsg("es");
      await insertMessage(em, {
        ctx,
        type: "STAFF_ALERT",
        addressing: { channel: "SMS", to: ctx.staffAlertPhone, from: null },
        body: msg("assistant.alert.urgent", { practice: ctx.practiceName, name: firstName(ctx.name), reasons: reasons.map((reason) => msg("assistant.alert.reason", { reason })).join(", ") }),
        contentVariables: null,
        campaignId: null,
        now,
      });
      return true;
    },
  };
}

/**
 * The urgent alert of a thread without a patient: a STAFF_ALERT message (no patient) to the practice's
 * staff number by SMS, with its `message.send` outbox row — the send protocol loads it with the
 * workspace's senders (send-context) like a patient's alert.
 */
export async function insertPatientlessStaffAlert(em: EntityManager, a: { workspaceId: string; to: string; body: string; now: Date }): Promise<string> {
  const rows = await em.execute<{ id: string }[]>(
    `insert into messages (id, workspace_id, patient_id, campaign_id, type, channel, status, to_address, from_address, body, created_at, updated_at)
     values (gen_random_uuid(), ?, null, null, 'STAFF_ALERT', 'SMS', 'PENDING', ?, null, ?, ?, ?) returning id`,
    [a.workspaceId, a.to, a.body, a.now, a.now],
  );
  const id = rows[0]!.id;
  await enqueueOutbox(em, {
    workspaceId: a.workspaceId,
    stream: OutboxStream.DISPATCH,
    type: messageSendEvent.type,
    payload: { messageId: id },
    idempotencyKey: messageSendEvent.key(id),
    availableAt: a.now,
  });
  return id;
}

/**
 * The turn of a thread without a patient (SPEC §16): a web chat visitor or a new phone on an own
 * sender. The practice is the thread's (see loadThreadContactContext). Bot messages: in a WEB thread
 * recorded for the visitor's chat (no provider); otherwise to the contact from the thread's sender
 * through the send protocol. The urgent alert goes to the practice's staff number either way.
 */
export function contactTurn(input: { em: EntityManager; thread: ThreadRow; ctx: ThreadContactContext; inboundId: string; text: string; now: Date; live: boolean }): AssistantTurn {
  const { em, thread, ctx, now } = input;
  return {
    em,
    workspaceId: thread.workspace_id,
    thread,
    inboundId: input.inboundId,
    text: input.text,
    language: botLanguage(ctx.language),
    now,
    live: input.live,
    practiceId: ctx.practiceId,
    practiceName: ctx.practiceName,
    autoAnswers: ctx.autoAnswersEnabled,
    aiAssistant: ctx.aiAssistantEnabled,
    deliver: (type, body) =>
      thread.channel === "WEB" ? insertWebBotMessage(em, thread, { type, body, now }) : insertStaffMessage(em, thread, { type, body, contentSid: null, contentVariables: null, authorId: null, now }),
    alertStaff: async (reasons) => {
      if (!ctx.staffAlertPhone) return false;
      const msg = createMsg("es");
      const name = ctx.contactName ? firstName(ctx.contactName) : thread.channel === "WEB" ? msg("assistant.alert.visitor") : (ctx.contactPhone ?? thread.contact_address.replace(/^whatsapp:/, ""));
      await insertPatientlessStaffAlert(em, {
        workspaceId: thread.workspace_id,
        to: ctx.staffAlertPhone,
        body: msg("assistant.alert.urgent", { practice: ctx.practiceName, name, reasons: reasons.map((reason) => msg("assistant.alert.reason", { reason })).join(", ") }),
        now,
      });
      return true;
    },
  };
}

/** The assistant's turn of a message in any thread: the patient's when the thread has one, else the contact's; null for an erased contact or a thread that is gone. */
export async function threadTurn(input: { em: EntityManager; thread: ThreadRow; inboundId: string; text: string; now: Date; live: boolean; patientId?: string | null }): Promise<AssistantTurn | null> {
  const patientId = input.patientId ?? input.thread.patient_id;
  if (patientId) {
    const ctx = await loadPatientContext(input.em, input.thread.workspace_id, patientId);
    return ctx ? providerTurn({ ...input, ctx }) : null;
  }
  const ctx = await loadThreadContactContext(input.em, input.thread.workspace_id, input.thread.id);
  if (!ctx || ctx.contactErasedAt) return null;
  return contactTurn({ ...input, ctx });
}

/** The assistant's steps in their order (SPEC §16), for a channel with no opt-out, rating or HELP of its own (the web chat, a new phone). */
export async function runAssistantSteps(turn: AssistantTurn, aiAvailable: boolean): Promise<AssistantOutcome | undefined> {
  for (const step of [urgentStep, personAskedStep, knowledgeAnswerStep, (t: AssistantTurn) => llmStep(t, aiAvailable), awayStep]) {
    const outcome = await step(turn);
    if (outcome) return outcome;
  }
  return undefined;
}

/**
 * A message in a thread without a patient (a web chat visitor's, a new phone's on an own sender) through
 * the assistant's steps, in the caller's transaction (the one that stored it): the thread is locked,
 * the turn built, the steps run. Returns the outcome, or undefined when nothing handled it (it waits for staff).
 */
export async function handleContactMessage(
  em: EntityManager,
  m: { workspaceId: string; conversationId: string; inboundId: string; text: string; now: Date; aiAvailable: boolean; liveConversationMs: number },
): Promise<AssistantOutcome | undefined> {
  // Scoped to the workspace (the knowledge is read through the ORM's workspace filter); the web chat's
  // caller has a public request's manager, in the same transaction.
  const wem = workspaceEm(em, m.workspaceId);
  const thread = await lockThreadOf(wem, m.workspaceId, m.conversationId);
  if (!thread) return undefined;
  const live = isLiveConversation(thread.last_outbound_at ? new Date(thread.last_outbound_at) : null, m.now, m.liveConversationMs);
  const turn = await threadTurn({ em: wem, thread, inboundId: m.inboundId, text: m.text, now: m.now, live });
  return turn ? runAssistantSteps(turn, m.aiAvailable) : undefined;
}
