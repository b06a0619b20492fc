// `message.send` on 'dispatch': send one message row through the send protocol (decisions 004, 007).
// Written by campaign creation (one per INITIAL), follow-ups, reminders and staff alerts.
import { z } from "zod";
import { defineEvent } from "./define-event.ts";

const PREFIX = "message.send:";

export const messageSendEvent = defineEvent({
  stream: "dispatch",
  type: "message.send",
  payload: z.object({
    messageId: z.uuid(),
    /** The sender's rate-limit slot booked on an earlier pass (epoch ms): send then without booking again. */
    rateSlotAt: z.number().int().positive().optional(),
  }),
  /** One row per message: however often a send is requested, it is one piece of work. */
  key: (messageId: string) => `${PREFIX}${messageId}`,
  /** The key as SQL, for a message id expression (a column or a bound parameter). */
  keySql: (messageIdSql: string) => `'${PREFIX}' || (${messageIdSql})::text`,
});
