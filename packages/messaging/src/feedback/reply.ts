// Reading a routed reply (the `onInboundRouted` seam of store-inbound). Runs in the transaction that
// stored the inbound message; whatever it writes commits with it.
//
// The automatic handling is an explicit ordered list of steps (INBOUND_STEPS, SPEC §13 "Automatic
// handling" and §16): each step either handles the message and stops the list, or lets the next one
// look at it. The order is opt-out, urgent, an awaited rating, a person asked for, a knowledge answer,
// the away message, HELP — a STOP is always obeyed, an urgent message is never answered by the bot,
// HELP only goes to what nothing else understood. The assistant's steps are conversations/assistant.ts.
import type { EntityManager } from "@mikro-orm/postgresql";
import { InboundIntent, scopedQuery, type Channel, type InboundMessage, type ThreadChannel } from "@rm/db";
import { isLiveConversation, parseReply, type ParsedReply } from "@rm/domain";
import type { LogSink } from "@rm/telemetry";
import { deliverPendingReply } from "../conversations/staff-reply.ts";
import { lockThreadOf, type ThreadRow } from "../conversations/threads.ts";
import { awayStep, handleContactMessage, knowledgeAnswerStep, llmStep, personAskedStep, providerTurn, urgentStep, type AssistantTurn } from "../conversations/assistant.ts";
import { createTemplatedMessage, type Addressing } from "./outbound.ts";
import type { FeedbackOptions } from "./options.ts";
import { optIn, optOut } from "./opt-out.ts";
import { loadPatientContext } from "./patient-context.ts";
import { recordRating } from "./rating.ts";

/** These steps handle what a provider delivered: a web chat message (SPEC §16) never reaches them. */
function providerChannel(channel: ThreadChannel): Channel {
  if (channel === "WEB") throw new Error("a web chat message reached the provider inbound steps");
  return channel;
}

export interface ReplyDeps {
  logger: LogSink;
  feedback: FeedbackOptions;
  /**
   * How long after a staff message the conversation counts as live (LIVE_CONVERSATION_HOURS): then a
   * reply is read as a rating only when a request awaits one and the reply is unambiguous, and HELP
   * is never sent. Default DEFAULT_LIVE_CONVERSATION_MS.
   */
  liveConversationMs?: number | undefined;
  /** An AI provider is configured (AI_BASE_URL): workspaces that opted in get the LLM assistant. */
  aiAssistantAvailable?: boolean | undefined;
}

export const DEFAULT_LIVE_CONVERSATION_MS = 4 * 60 * 60 * 1000;

export type ReplyOutcome = "rating" | "optout" | "optin" | "help" | "inbox" | "staff_reply" | "unrouted" | "urgent" | "handoff" | "bot_answer" | "assistant" | "away";

/** What every step sees of one routed inbound message. */
export interface InboundStepContext {
  deps: ReplyDeps;
  em: EntityManager;
  inbound: InboundMessage;
  workspaceId: string;
  patientId: string;
  now: Date;
  parsed: ParsedReply;
  replyTo: Addressing;
  phone: string;
  /** The thread it landed in, locked; null for a message stored before threads existed. */
  thread: ThreadRow | null;
  /** Staff wrote in this thread within the live-conversation time. */
  live: boolean;
  log: Record<string, unknown>;
  /** The assistant's view of this message (built on first use; null without a thread or patient context). */
  turn?: AssistantTurn | null;
}

/** A step's answer: the outcome that ends the list, or undefined to go on. */
export type InboundStep = { name: string; run: (c: InboundStepContext) => Promise<ReplyOutcome | undefined> };

/** A staff member answering a detractor alert is not a patient: keep the message, read nothing. */
const staffAlertAnswer: InboundStep = {
  name: "staff-alert-answer",
  async run(c) {
    if (!c.inbound.inReplyTo) return undefined;
    const answered = await scopedQuery<{ type: string }>(c.em, c.workspaceId, "select type from messages where workspace_id = ? and id = ?", [c.inbound.inReplyTo.id]);
    if (answered[0]?.type !== "STAFF_ALERT") return undefined;
    c.inbound.intent = InboundIntent.OTHER;
    return "staff_reply";
  },
};

const optOutStep: InboundStep = {
  name: "opt-out",
  async run(c) {
    if (c.parsed.kind !== "optout") return undefined;
    const { inbound } = c;
    inbound.intent = InboundIntent.OPT_OUT;
    const { wasOptedIn, workspaces } = await optOut(c.em, c.workspaceId, { phone: c.phone, channel: providerChannel(inbound.channel), sender: inbound.toAddress, keyword: inbound.buttonPayload ?? inbound.body, now: c.now });
    const ctx = await loadPatientContext(c.em, c.workspaceId, c.patientId);
    // SMS senders where the provider answers STOP itself: record it, send nothing.
    const confirm = wasOptedIn && ctx !== null && (inbound.channel === "WHATSAPP" || !ctx.providerHandlesOptOut);
    if (confirm) await createTemplatedMessage(c.em, { ctx, type: "OPT_OUT_CONFIRMATION", addressing: c.replyTo, publicUrl: c.deps.feedback.publicUrl, platformContentSids: c.deps.feedback.platformContentSids, now: c.now });
    c.deps.logger.info({ ...c.log, workspaces, confirmation: confirm }, "opt-out recorded");
    return "optout";
  },
};

const optInStep: InboundStep = {
  name: "opt-in",
  async run(c) {
    if (c.parsed.kind !== "optin") return undefined;
    c.inbound.intent = InboundIntent.OPT_IN;
    const changed = await optIn(c.em, c.workspaceId, { phone: c.phone, channel: providerChannel(c.inbound.channel), sender: c.inbound.toAddress, keyword: c.inbound.body, now: c.now });
    c.deps.logger.info({ ...c.log, contacts: changed }, "opt-in recorded");
    return "optin";
  },
};

/**
 * An answer to a broadcast (SPEC §14) is no rating and asks for no HELP: it stays in its
 * conversation for staff, and the broadcast's results count it as replied.
 */
const broadcastReplyStep: InboundStep = {
  name: "broadcast-reply",
  async run(c) {
    if (!c.inbound.inReplyTo) return undefined;
    const answered = await scopedQuery<{ type: string }>(c.em, c.workspaceId, "select type from messages where workspace_id = ? and id = ?", [c.inbound.inReplyTo.id]);
    if (answered[0]?.type !== "BROADCAST") return undefined;
    c.inbound.intent = InboundIntent.OTHER;
    await c.em.execute("update messages set replied_at = coalesce(replied_at, ?), updated_at = ? where workspace_id = ? and id = ?", [c.now, c.now, c.workspaceId, c.inbound.inReplyTo.id], "run");
    return "inbox";
  },
};

/** The patient answered a pending reply's notice: the held text goes out now (the window is open). */
const pendingReplyStep: InboundStep = {
  name: "pending-reply",
  async run(c) {
    if (!c.thread) return undefined;
    const delivered = await deliverPendingReply(c.em, c.thread, c.now);
    if (delivered === "lapsed") c.deps.logger.info(c.log, "pending reply had lapsed; staff are told on the thread");
    else if (delivered) {
      c.deps.logger.info({ ...c.log, messageId: delivered }, "pending reply delivered");
      c.live = true;
    }
    return undefined;
  },
};

const ratingStep: InboundStep = {
  name: "rating",
  async run(c) {
    if (c.parsed.kind !== "rating") return undefined;
    if (c.live) {
      // Talking with staff, "5" may be an answer ("5 de la tarde"): a rating only when one is awaited and the reply says nothing else.
      const ctx = await loadPatientContext(c.em, c.workspaceId, c.patientId);
      const awaited = ctx !== null && ctx.rating === null && ctx.status === "SENT";
      if (!awaited || !unambiguousRating(c.inbound)) return undefined;
    }
    const { inbound } = c;
    inbound.intent = InboundIntent.RATING;
    inbound.rating = c.parsed.rating;
    const outcome = await recordRating(c.em, c.deps.feedback, {
      workspaceId: c.workspaceId,
      patientId: c.patientId,
      rating: c.parsed.rating,
      source: { kind: "reply", replyTo: c.replyTo, inboundId: inbound.id, inReplyToId: inbound.inReplyTo?.id ?? null },
      now: c.now,
    });
    c.deps.logger.info({ ...c.log, rating: c.parsed.rating, followUpMessageId: outcome?.followUpMessageId ?? null, alerted: outcome?.alerted ?? false }, "rating recorded");
    return "rating";
  },
};

/** The message as an entry of its thread in the staff inbox, with the text (not in a live conversation: it is answered in the thread). */
async function recordInboxEntry(c: InboundStepContext): Promise<void> {
  c.inbound.intent = InboundIntent.OTHER;
  if (c.live) return;
  await c.em.execute(
    `insert into feedback (id, workspace_id, patient_id, source, inbound_message_id, conversation_id, text, status, created_at, updated_at)
     values (gen_random_uuid(), ?, ?, 'REPLY', ?, ?, ?, 'NEW', ?, ?)`,
    [c.workspaceId, c.patientId, c.inbound.id, c.thread?.id ?? null, c.inbound.body, c.now, c.now],
  );
}

/** Everything not understood is an entry of its thread in the staff inbox, with the text. */
const inboxEntryStep: InboundStep = {
  name: "inbox-entry",
  async run(c) {
    await recordInboxEntry(c);
    return c.live ? "inbox" : undefined;
  },
};

/** The assistant's turn for this message: the thread (locked) and the patient's context; null before threads existed. */
async function turnOf(c: InboundStepContext): Promise<AssistantTurn | null> {
  if (c.turn !== undefined) return c.turn;
  const ctx = c.thread ? await loadPatientContext(c.em, c.workspaceId, c.patientId) : null;
  c.turn = c.thread && ctx ? providerTurn({ em: c.em, thread: c.thread, ctx, inboundId: c.inbound.id, text: c.inbound.body, now: c.now, live: c.live }) : null;
  return c.turn;
}

/** Urgent (SPEC §16): staff alert and hand-off, before a rating is read; the message is an inbox entry too. */
const urgentHandoffStep: InboundStep = {
  name: "urgent",
  async run(c) {
    const turn = await turnOf(c);
    if (!turn) return undefined;
    const outcome = await urgentStep(turn);
    if (!outcome) return undefined;
    await recordInboxEntry(c);
    c.deps.logger.info(c.log, "urgent message: staff alerted, thread handed off");
    return outcome;
  },
};

const personAskedHandoffStep: InboundStep = {
  name: "person-asked",
  async run(c) {
    const turn = await turnOf(c);
    if (!turn) return undefined;
    const outcome = await personAskedStep(turn);
    if (!outcome) return undefined;
    await recordInboxEntry(c);
    c.deps.logger.info(c.log, "a person asked for: thread handed off");
    return outcome;
  },
};

/** Answered from the knowledge: the bot's answer is in the thread; no inbox entry (nothing waits). */
const knowledgeStep: InboundStep = {
  name: "knowledge-answer",
  async run(c) {
    const turn = await turnOf(c);
    if (!turn) return undefined;
    const outcome = await knowledgeAnswerStep(turn);
    if (outcome) {
      c.inbound.intent = InboundIntent.OTHER;
      c.deps.logger.info(c.log, "answered from the practice's knowledge");
    }
    return outcome;
  },
};

/** The LLM assistant answers later, from the worker (after the inbox entry: until it answers, the message waits). */
const llmAssistantStep: InboundStep = {
  name: "llm-assistant",
  async run(c) {
    const turn = await turnOf(c);
    return turn ? llmStep(turn, c.deps.aiAssistantAvailable ?? false) : undefined;
  },
};

const awayMessageStep: InboundStep = {
  name: "away-message",
  async run(c) {
    const turn = await turnOf(c);
    return turn ? awayStep(turn) : undefined;
  },
};

/** HELP explains how to rate: once per patient, never to someone who rated, opted out, or is talking with staff. */
const helpStep: InboundStep = {
  name: "help",
  async run(c) {
    if (c.live) return "inbox";
    const ctx = await loadPatientContext(c.em, c.workspaceId, c.patientId, { lock: true });
    if (!ctx || ctx.helpSentAt || ctx.rating !== null || ctx.contactOptedOutAt || ctx.contactErasedAt) return "inbox";
    await c.em.execute("update patients set help_sent_at = ? where id = ?", [c.now, c.patientId], "run");
    await createTemplatedMessage(c.em, { ctx, type: "HELP", addressing: c.replyTo, publicUrl: c.deps.feedback.publicUrl, platformContentSids: c.deps.feedback.platformContentSids, now: c.now });
    c.deps.logger.info(c.log, "HELP sent for an unreadable reply");
    return "help";
  },
};

/**
 * The order of automatic handling (SPEC §13, §16): opt-out, urgent, an awaited rating, a person asked
 * for, a knowledge answer (or the LLM assistant), the away message, HELP. Documented in docs/SPEC.md.
 * Around them: a staff member answering an alert is no patient; opt-in sits with opt-out; a held staff
 * reply goes out before anything is read; an answer to a broadcast (after the urgent check) is kept
 * for staff, never read as a rating nor answered by the bot; the inbox entry is recorded for what nobody answered.
 */
export const INBOUND_STEPS: readonly InboundStep[] = [
  staffAlertAnswer,
  optOutStep,
  optInStep,
  pendingReplyStep,
  urgentHandoffStep,
  broadcastReplyStep,
  ratingStep,
  personAskedHandoffStep,
  knowledgeStep,
  inboxEntryStep,
  llmAssistantStep,
  awayMessageStep,
  helpStep,
];

/** A quick-reply button, or a bare 1–5 (or only stars): nothing else in the message. */
export function unambiguousRating(inbound: Pick<InboundMessage, "body" | "buttonPayload">): boolean {
  if (inbound.buttonPayload && /^[1-5]$/.test(inbound.buttonPayload.trim())) return true;
  const body = inbound.body.normalize("NFKC").trim();
  return /^[1-5]$/.test(body) || /^(?:⭐\s*){1,5}$/u.test(body);
}

export function createReplyProcessor(deps: ReplyDeps): (em: EntityManager, inbound: InboundMessage) => Promise<void> {
  return async (em, inbound) => {
    await processReply(deps, em, inbound);
  };
}

export async function processReply(deps: ReplyDeps, em: EntityManager, inbound: InboundMessage, steps: readonly InboundStep[] = INBOUND_STEPS): Promise<ReplyOutcome> {
  const workspaceId = inbound.workspace?.id;
  const patientId = inbound.patient?.id;
  const now = inbound.receivedAt;
  inbound.processedAt = new Date();
  if (!workspaceId) return "unrouted";
  if (!patientId) return processContactReply(deps, em, inbound, workspaceId);

  const thread = inbound.conversation ? ((await lockThreadOf(em, workspaceId, inbound.conversation.id)) ?? null) : null;
  const lastStaff = thread?.last_outbound_at ? new Date(thread.last_outbound_at) : null;
  const c: InboundStepContext = {
    deps,
    em,
    inbound,
    workspaceId,
    patientId,
    now,
    parsed: parseReply(inbound.body, { buttonPayload: inbound.buttonPayload }),
    replyTo: { channel: providerChannel(inbound.channel), to: inbound.fromAddress, from: inbound.toAddress },
    phone: inbound.fromAddress.replace(/^whatsapp:/, ""),
    thread,
    live: isLiveConversation(lastStaff, now, deps.liveConversationMs ?? DEFAULT_LIVE_CONVERSATION_MS),
    log: { inboundId: inbound.id, workspaceId, patientId },
  };
  for (const step of steps) {
    const outcome = await step.run(c);
    if (outcome) return outcome;
  }
  return "inbox";
}

/**
 * A message in a thread without a patient (a new phone on an own sender, SPEC §13): no rating is
 * awaited and no HELP explains one, so after the opt-out only the assistant's steps run (urgent alert,
 * hand-offs, knowledge answer, LLM, away message).
 */
async function processContactReply(deps: ReplyDeps, em: EntityManager, inbound: InboundMessage, workspaceId: string): Promise<ReplyOutcome> {
  inbound.intent = InboundIntent.OTHER;
  if (!inbound.conversation) return "unrouted";
  const parsed = parseReply(inbound.body, { buttonPayload: inbound.buttonPayload });
  // Opt-out is always first and always obeyed (SPEC §5.6), patient or not; nothing else reads the message.
  // The confirmation is a patient's template (it needs the patient's practice), so none goes here.
  if (parsed.kind === "optout" || parsed.kind === "optin") {
    const change = {
      phone: inbound.fromAddress.replace(/^whatsapp:/, ""),
      channel: providerChannel(inbound.channel),
      sender: inbound.toAddress,
      keyword: parsed.kind === "optout" ? (inbound.buttonPayload ?? inbound.body) : inbound.body,
      now: inbound.receivedAt,
    };
    const log = { inboundId: inbound.id, workspaceId, conversationId: inbound.conversation.id };
    if (parsed.kind === "optout") {
      inbound.intent = InboundIntent.OPT_OUT;
      const { workspaces } = await optOut(em, workspaceId, change);
      deps.logger.info({ ...log, workspaces, confirmation: false }, "opt-out recorded for a contact without a patient");
      return "optout";
    }
    inbound.intent = InboundIntent.OPT_IN;
    const contacts = await optIn(em, workspaceId, change);
    deps.logger.info({ ...log, contacts }, "opt-in recorded for a contact without a patient");
    return "optin";
  }
  const outcome = await handleContactMessage(em, {
    workspaceId,
    conversationId: inbound.conversation.id,
    inboundId: inbound.id,
    text: inbound.body,
    now: inbound.receivedAt,
    aiAvailable: deps.aiAssistantAvailable ?? false,
    liveConversationMs: deps.liveConversationMs ?? DEFAULT_LIVE_CONVERSATION_MS,
  });
  if (outcome) deps.logger.info({ inboundId: inbound.id, workspaceId, outcome }, "message without a patient handled by the assistant");
  return outcome ?? "inbox";
}
