// `assistant.reply` on 'inbound': the LLM assistant's answer to one inbound patient message (SPEC §16).
// Written in the transaction that stored the message; the worker calls the model outside any
// transaction, then sends the answer through the send protocol (or hands the thread to staff).
import { z } from "zod";
import { defineEvent } from "./define-event.ts";

export const assistantReplyEvent = defineEvent({
  stream: "inbound",
  type: "assistant.reply",
  payload: z.object({ conversationId: z.uuid(), inboundId: z.uuid() }),
  /** One model answer per inbound message. */
  key: (inboundId: string) => `assistant.reply:${inboundId}`,
});
