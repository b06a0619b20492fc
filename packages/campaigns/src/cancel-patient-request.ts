// Cancelling one appointment's rating request (DELETE /api/v1/appointments/{id}, and a reschedule,
// SPEC §15): the one-patient form of a campaign's cancel (cancel-campaign.ts) — the same lock order
// against the worker (outbox rows, then messages), the same release references, so a hold is
// released once whoever gets there. A request the worker already took (SENDING) is not cancelled.
import type { EntityManager } from "@mikro-orm/postgresql";
import { cancelOutboxByKeys, lockOutboxRowsByKey } from "@rm/db";
import { releaseCreditsBulk } from "@rm/credits";
import { feedbackReminderEvent, messageSendEvent } from "@rm/events";
import { cancelMessages, cancelWaitingPatient, lockPendingPatientSends, pendingPatientMessageIds } from "@rm/messaging";

export interface CancelPatientRequestResult {
  messagesCancelled: number;
  creditsReleased: number;
  /** The patient was still waiting and is now CANCELLED. */
  patientCancelled: boolean;
}

/** Runs in the caller's transaction. */
export async function cancelPatientRequest(em: EntityManager, input: { workspaceId: string; patientId: string; reason: string; now: Date }): Promise<CancelPatientRequestResult> {
  const { workspaceId, patientId, reason, now } = input;
  const waiting = await pendingPatientMessageIds(em, workspaceId, patientId);
  await lockOutboxRowsByKey(em, waiting.map((id) => messageSendEvent.key(id)));
  const pending = await lockPendingPatientSends(em, workspaceId, patientId);
  await cancelMessages(em, workspaceId, pending.map((m) => m.id), reason, now);
  const released = await releaseCreditsBulk(em, {
    workspaceId,
    releases: pending.filter((m) => m.creditsHeld > 0).map((m) => ({ holdReference: m.holdReference, reference: `release:${m.holdReference}` })),
    reason: "appointment cancelled",
  });
  await cancelOutboxByKeys(em, pending.map((m) => messageSendEvent.key(m.id)), reason, ["pending", "published"]);
  await cancelOutboxByKeys(em, [feedbackReminderEvent.key(patientId)], reason, ["pending"]);
  const patientCancelled = await cancelWaitingPatient(em, workspaceId, patientId, now);
  return { messagesCancelled: pending.length, creditsReleased: released.amount, patientCancelled };
}
