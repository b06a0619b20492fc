// Periodic work as self-rescheduling outbox rows on stream 'periodic' (SPEC §2). A row's idempotency
// key is the job name + the start of its time slot, so any number of workers may call
// ensurePeriodicJobs() on start-up and on a timer, and the job that finishes one slot enqueues the next
// in the same transaction: each slot exists once and (through the outbox row lock) runs once.
import type { EntityManager } from "@mikro-orm/postgresql";
import { enqueueOutbox, OutboxStream } from "@rm/db";
import { type PeriodicOptions, periodicOptions } from "./periodic-options.ts";
import { PERIODIC_JOBS, periodicJobEvent, type PeriodicJobName } from "@rm/events";

export { PERIODIC_JOBS, type PeriodicJobName };

export function isPeriodicJob(type: string): type is PeriodicJobName {
  return (PERIODIC_JOBS as readonly string[]).includes(type);
}

export function jobIntervalMs(name: PeriodicJobName, options: PeriodicOptions): number {
  if (name === "outbox.sweep") return options.sweepIntervalMs;
  if (name === "campaign.complete") return options.completionIntervalMs;
  if (name === "analytics.fold") return options.analyticsFoldIntervalMs;
  if (name === "inbound.reconcile") return options.inboundReconcileIntervalMs;
  if (name === "retention.purge") return options.purgeIntervalMs;
  if (name === "whatsapp.approvals") return options.whatsappApprovalIntervalMs;
  if (name === "conversation.unanswered") return options.unansweredCheckIntervalMs;
  return options.reconcileIntervalMs;
}

/** Start of the slot containing `at` (slots are aligned to the epoch). */
export function slotStart(at: Date, intervalMs: number): Date {
  return new Date(Math.floor(at.getTime() / intervalMs) * intervalMs);
}

/** The outbox key of one job's slot. */
export const periodicKey = periodicJobEvent.key;

async function enqueueSlot(em: EntityManager, name: PeriodicJobName, slot: Date): Promise<number> {
  return enqueueOutbox(em, {
    workspaceId: null,
    stream: OutboxStream.PERIODIC,
    type: name,
    payload: { slot: slot.toISOString() },
    idempotencyKey: periodicKey(name, slot),
    availableAt: slot,
  });
}

/** Makes sure the current slot of every job has its row; returns how many rows were new. */
export async function ensurePeriodicJobs(em: EntityManager, now: Date, overrides?: Partial<PeriodicOptions>): Promise<number> {
  const options = periodicOptions(overrides);
  let created = 0;
  for (const name of PERIODIC_JOBS) created += await enqueueSlot(em, name, slotStart(now, jobIntervalMs(name, options)));
  return created;
}

/**
 * Enqueues the first slot that starts after `now`. Computed from now rather than from the finished
 * slot, so workers that were down for hours do not replay every missed slot in a burst.
 */
export async function ensureNextSlot(em: EntityManager, name: PeriodicJobName, now: Date, overrides?: Partial<PeriodicOptions>): Promise<number> {
  const interval = jobIntervalMs(name, periodicOptions(overrides));
  return enqueueSlot(em, name, new Date(slotStart(now, interval).getTime() + interval));
}
