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
import { enqueueOutbox, OutboxStream } from "@rm/db";
import { assistantReplyEvent } from "@rm/events";
import { insertMessage } from "../feedback/outbound.ts";
import { firstName, type PatientContext } from "../feedback/patient-context.ts";
import { insertStaffMessage } from "./staff-reply.ts";
import type { ThreadRow } from "./threads.ts";

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
