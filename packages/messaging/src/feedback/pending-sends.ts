// Cancels a contact's sends that have not reached the provider (opt-out): the message is CANCELED,
// its credit hold released, its outbox row and any pending reminder taken out of the scheduler.
import type { EntityManager } from "@mikro-orm/postgresql";
import { cancelOutboxByKeys, scopedQuery } from "@rm/db";
import { releaseCredits } from "@rm/credits";
import { feedbackReminderEvent, messageSendEvent } from "@rm/events";

export async function cancelPendingSends(em: EntityManager, workspaceId: string, contactId: string, now: Date, reason: string): Promise<number> {
  const pending = await scopedQuery<{ id: string; credits_held: number }>(
    em,
    workspaceId,
    `select m.id, m.credits_held from messages m join patients p on p.id = m.patient_id
      where m.workspace_id = ? and p.contact_id = ? and m.status = 'PENDING' and m.type not in ('OPT_OUT_CONFIRMATION', 'STAFF_ALERT')
      for update of m`,
    [contactId],
  );
  for (const m of pending) {
    // Ids come from the scoped select above.
    await em.execute("update messages set status = 'CANCELED', error_text = ?, credits_held = 0, updated_at = ? where id = ? and workspace_id = ?", [reason, now, m.id, workspaceId], "run");
    if (Number(m.credits_held) > 0) {
      await releaseCredits(em, { workspaceId, holdReference: `message:${m.id}`, reference: `release:message:${m.id}` });
    }
  }
  // Their send rows (pending, or published and not yet taken by a worker), then the contact's reminders.
  await cancelOutboxByKeys(em, pending.map((m) => messageSendEvent.key(m.id)), reason, ["pending", "published"]);
  const patients = await scopedQuery<{ id: string }>(em, workspaceId, "select id from patients where workspace_id = ? and contact_id = ?", [contactId]);
  await cancelOutboxByKeys(em, patients.map((p) => reminderKey(p.id)), reason, ["pending"]);
  await em.execute(
    "update patients set status = 'CANCELLED', skip_reason = 'OPTED_OUT', updated_at = ? where contact_id = ? and workspace_id = ? and status in ('PENDING', 'SCHEDULED')",
    [now, contactId, workspaceId],
    "run",
  );
  return pending.length;
}

/** The outbox key of a patient's one reminder. */
export const reminderKey = feedbackReminderEvent.key;
