// Cancels a contact's sends that have not reached the provider (opt-out): the message is CANCELED,
// its credit hold released, its outbox row and any pending reminder taken out of the scheduler.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
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
    await em.execute("update outbox set status = 'cancelled', last_error = ? where idempotency_key = ? and status in ('pending', 'published')", [reason, messageSendEvent.key(m.id)], "run");
  }
  const patients = await scopedQuery<{ id: string }>(em, workspaceId, "select id from patients where workspace_id = ? and contact_id = ?", [contactId]);
  for (const p of patients) {
    await em.execute("update outbox set status = 'cancelled', last_error = ? where idempotency_key = ? and status = 'pending'", [reason, reminderKey(p.id)], "run");
  }
  await em.execute(
    "update patients set status = 'CANCELLED', skip_reason = 'OPTED_OUT', updated_at = ? where contact_id = ? and workspace_id = ? and status in ('PENDING', 'SCHEDULED')",
    [now, contactId, workspaceId],
    "run",
  );
  return pending.length;
}

/** The outbox key of a patient's one reminder. */
export const reminderKey = feedbackReminderEvent.key;
