// The events a workspace's webhook endpoints can subscribe to (SPEC §15), written as `webhook.event`
// outbox rows in the transaction of the state change that is the event: a rating stored, a
// feedback form submitted, a message failed for good, a contact opted out. The webhooks handler
// (@rm/api) fans each one out to the subscribed endpoints; a workspace without any drops it there.
import { randomUUID } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { enqueueOutbox } from "@rm/db";
import { webhookEventEvent, type WebhookEventType } from "@rm/events";

export interface WebhookEventInput {
  workspaceId: string;
  type: WebhookEventType;
  /** What makes this event unique (with its type): a second write of the same one is a no-op. */
  subjectId: string;
  data: Record<string, unknown>;
  now: Date;
}

export async function emitWebhookEvent(em: EntityManager, e: WebhookEventInput): Promise<void> {
  await enqueueOutbox(em, {
    workspaceId: e.workspaceId,
    stream: webhookEventEvent.stream,
    type: webhookEventEvent.type,
    payload: { eventId: randomUUID(), type: e.type, occurredAt: e.now.toISOString(), data: e.data },
    idempotencyKey: webhookEventEvent.key(e.type, e.subjectId),
    availableAt: e.now,
  });
}
