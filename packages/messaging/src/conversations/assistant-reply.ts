// Handler for 'assistant.reply' (stream 'inbound', SPEC §16): the LLM assistant's answer to one inbound
// message. Three phases, so the model call never holds a database transaction or lock:
//   1. read what the model needs (no transaction): the thread, the message, the patient, the knowledge;
//   2. ask the model (@rm/assistant's askAssistant: grounded prompt, structured answer, checks) with
//      the client's timeout;
//   3. in one transaction with the outbox row: lock the thread, check again that the bot may still
//      speak (staff may have answered or switched it off meanwhile), then send the answer through the
//      send protocol (a BOT_AI_ANSWER message), hand off, or leave the thread waiting for staff.
// A provider error, a timeout, a refusal or an unsure model leaves the message to staff (with the away
// message when it is due): never a crash, never a lost message. A crash between 2 and 3 asks the model
// again on redelivery; nothing is sent twice, because only phase 3 writes, with the outbox row's `done`.
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { askAssistant, type AssistantModel, type AssistantOutcome as ModelOutcome } from "@rm/assistant";
import { createMsg } from "@rm/catalogue";
import { scopedQuery, workspaceEm } from "@rm/db";
import { isLiveConversation, type Clock } from "@rm/domain";
import { assistantReplyEvent } from "@rm/events";
import { parsePayload, type StreamEntry } from "@rm/streams";
import { defineInstruments, type LogSink } from "@rm/telemetry";
import { DEFAULT_LIVE_CONVERSATION_MS } from "../feedback/reply.ts";
import { runOutboxWork } from "../outbox/outbox-row.ts";
import { awayStep, botMaySpeak, savedKnowledge, threadTurn, urgentStep, type AssistantTurn } from "./assistant.ts";
import { lockThreadOf, loadThreadRow, type ThreadRow } from "./threads.ts";

export const ASSISTANT_REPLY_TYPE = assistantReplyEvent.type;

export interface AssistantReplyDeps {
  orm: MikroORM;
  clock: Clock;
  logger: LogSink;
  /** The configured model (AI_BASE_URL, with ASSISTANT_AI_TIMEOUT_MS as its timeout); null when none is configured. */
  model: AssistantModel | null;
  liveConversationMs?: number | undefined;
}

const instruments = defineInstruments((meter) => ({
  replies: meter.createCounter("rm.assistant.replies", {
    description: "LLM assistant turns by outcome (answer, handoff, urgent, unsure, error, skipped)",
  }),
}));

interface Inbound {
  id: string;
  body: string;
  received_at: Date;
  patient_id: string | null;
}

async function loadInbound(em: EntityManager, workspaceId: string, inboundId: string): Promise<Inbound | undefined> {
  return (await scopedQuery<Inbound>(em, workspaceId, "select id, body, received_at, patient_id from inbound_messages where workspace_id = ? and id = ?", [inboundId]))[0];
}

/** The bot may still answer this message: it may speak in the thread, the LLM is still on, and no staff message came after it. */
function stillDue(turn: AssistantTurn, thread: ThreadRow, inbound: Inbound): boolean {
  if (!turn.aiAssistant || !botMaySpeak(turn)) return false;
  return !thread.last_outbound_at || new Date(thread.last_outbound_at) < new Date(inbound.received_at);
}

/** The patient's turn, or, in a thread without one (a web chat visitor, a new phone), the contact's: the answer goes by the thread's own channel. */
async function turnFor(deps: AssistantReplyDeps, em: EntityManager, thread: ThreadRow, inbound: Inbound, now: Date): Promise<AssistantTurn | null> {
  const live = isLiveConversation(thread.last_outbound_at ? new Date(thread.last_outbound_at) : null, now, deps.liveConversationMs ?? DEFAULT_LIVE_CONVERSATION_MS);
  return threadTurn({ em, thread, inboundId: inbound.id, text: inbound.body, now, live, patientId: inbound.patient_id });
}

export async function handleAssistantReply(deps: AssistantReplyDeps, entry: StreamEntry): Promise<void> {
  const parsed = parsePayload(assistantReplyEvent.payload, entry.payload);
  const workspaceId = entry.workspaceId;
  if (!parsed.ok || !workspaceId) {
    // Nothing to answer with: close the row (the message stays with staff, as without the assistant).
    deps.logger.warn({ outboxId: entry.outboxId, error: parsed.ok ? "no workspace" : parsed.error }, "assistant.reply entry unreadable; left to staff");
    await runOutboxWork(deps.orm.em, entry.outboxId, deps.clock.now(), async () => {});
    return;
  }
  const { conversationId, inboundId } = parsed.value;
  const log = { outboxId: entry.outboxId, workspaceId, conversationId, inboundId };

  // Phase 1: read, outside any transaction.
  const rem = workspaceEm(deps.orm.em.fork(), workspaceId);
  const now = deps.clock.now();
  const thread = await loadThreadRow(rem, workspaceId, conversationId);
  const inbound = await loadInbound(rem, workspaceId, inboundId);
  const turn = thread && inbound ? await turnFor(deps, rem, thread, inbound, now) : null;
  let outcome: ModelOutcome | { kind: "SKIPPED" } = { kind: "SKIPPED" };
  if (thread && inbound && turn && deps.model && stillDue(turn, thread, inbound)) {
    const knowledge = await savedKnowledge(turn);
    if (knowledge) {
      // Phase 2: the model, with no transaction open.
      outcome = await askAssistant(deps.model, { knowledge, practiceName: turn.practiceName, question: inbound.body, language: turn.language });
    }
  }

  // Phase 3: decide and write, under the thread's lock, with the outbox row.
  let result = "skipped";
  await runOutboxWork(deps.orm.em, entry.outboxId, deps.clock.now(), async (tem) => {
    result = "skipped";
    if (outcome.kind === "SKIPPED") return;
    const wem = workspaceEm(tem, workspaceId);
    const locked = await lockThreadOf(wem, workspaceId, conversationId);
    const fresh = locked && inbound ? await turnFor(deps, wem, locked, inbound, deps.clock.now()) : null;
    if (!locked || !inbound || !fresh || !stillDue(fresh, locked, inbound)) return;
    switch (outcome.kind) {
      case "ANSWER":
        await fresh.deliver("BOT_AI_ANSWER", outcome.text);
        await wem.execute("update conversations set waiting_since = null, last_message_at = greatest(last_message_at, ?), updated_at = ? where workspace_id = ? and id = ?", [fresh.now, fresh.now, workspaceId, conversationId], "run");
        result = "answer";
        return;
      case "HANDOFF":
        if (outcome.why === "URGENT") {
          await urgentStep(fresh);
          result = "urgent";
          return;
        }
        await fresh.deliver("BOT_HANDOFF", createMsg(fresh.language)("assistant.handoff.person", { practice: fresh.practiceName }));
        await wem.execute("update conversations set handoff_at = coalesce(handoff_at, ?), updated_at = ? where workspace_id = ? and id = ?", [fresh.now, fresh.now, workspaceId, conversationId], "run");
        result = "handoff";
        return;
      case "UNSURE":
      case "ERROR":
        // Staff answer; outside opening hours the patient hears when.
        await awayStep(fresh);
        result = outcome.kind === "ERROR" ? "error" : "unsure";
        return;
    }
  });
  instruments().replies.add(1, { outcome: result });
  if (outcome.kind === "ERROR") deps.logger.warn({ ...log, kind: outcome.error.kind, status: outcome.error.details.status ?? null, refused: outcome.error.details.refused ?? false }, "assistant model failed; left to staff");
  else deps.logger.info({ ...log, outcome: result, ...(outcome.kind === "UNSURE" ? { why: outcome.why } : {}) }, "assistant turn");
}
