// `webhook.event` on 'webhooks': something a workspace's webhook endpoints may subscribe to happened
// (SPEC §15). Written in the transaction of the state change; the webhooks handler fans it out into
// one delivery per subscribed endpoint. A stream of its own: a slow receiver never delays a patient's message.
import { z } from "zod";
import { defineEvent } from "./define-event.ts";

const PREFIX = "webhook.event:";

export const WEBHOOK_EVENT_TYPES = ["rating.received", "feedback.received", "message.failed", "contact.opted_out"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const webhookEventEvent = defineEvent({
  stream: "webhooks",
  type: "webhook.event",
  payload: z.object({
    eventId: z.uuid(),
    type: z.enum(WEBHOOK_EVENT_TYPES),
    occurredAt: z.string(),
    data: z.record(z.string(), z.unknown()),
  }),
  /** One per event type and subject (a rating of a patient, a failure of a message, …): a retried writer never emits twice. */
  key: (type: WebhookEventType, subjectId: string) => `${PREFIX}${type}:${subjectId}`,
  /** The key as SQL, for a subject id expression. */
  keySql: (type: WebhookEventType, subjectIdSql: string) => `'${PREFIX}${type}:' || (${subjectIdSql})::text`,
});
