// The periodic jobs on 'periodic' (sweeper, delivery and inbound reconciliation, campaign completion, analytics
// fold, retention of finished work, the WhatsApp approvals of own accounts' templates): self-rescheduling
// outbox rows, one per job and time slot.
import { z } from "zod";
import { defineEvent } from "./define-event.ts";

export const PERIODIC_JOBS = ["outbox.sweep", "delivery.reconcile", "inbound.reconcile", "campaign.complete", "analytics.fold", "retention.purge", "whatsapp.approvals", "conversation.unanswered"] as const;
export type PeriodicJobName = (typeof PERIODIC_JOBS)[number];

export const periodicJobEvent = defineEvent({
  stream: "periodic",
  /** Each job is its own outbox type; this is the family's name. */
  type: "periodic",
  payload: z.object({ slot: z.iso.datetime() }),
  /** One row per job and slot, so any number of workers may ensure a slot and it still runs once. */
  key: (name: PeriodicJobName, slot: Date) => `periodic:${name}:${slot.toISOString()}`,
  /** Prefix of every key of one job (operators' queries and tests). */
  keyPrefix: (name?: PeriodicJobName) => (name ? `periodic:${name}:` : "periodic:"),
});
