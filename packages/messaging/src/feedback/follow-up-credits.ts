// A rating request holds its follow-up's credits too (SPEC §6: "the initial message and one
// follow-up"). When the request is charged, only its own segments leave the hold; the rest stays
// reserved on the request's hold `message:<initial id>` until the one follow-up is decided: a
// follow-up message takes it over as its own hold, and when no follow-up message will be sent (a
// one-tap rating, an opted-out or erased contact, the campaign's end) it is released.
import type { EntityManager } from "@mikro-orm/postgresql";
import { heldCredits, holdCredits, InsufficientCreditsError, releaseCredits, scopedQuery } from "@rm/db";
import { creditsFor } from "@rm/domain";

/** The charged rating request of a patient whose hold still reserves a follow-up share, if any. */
async function chargedRequest(em: EntityManager, workspaceId: string, patientId: string): Promise<{ id: string; share: number } | null> {
  const rows = await scopedQuery<{ id: string }>(
    em,
    workspaceId,
    // Only once the request itself is charged: before that its hold is still its own.
    `select m.id from messages m
      where m.workspace_id = ? and m.patient_id = ? and m.type = 'INITIAL'
        and exists (select 1 from credit_ledger_entries d where d.workspace_id = m.workspace_id and d.kind = 'deduct' and d.reference = 'message:' || m.id::text)`,
    [patientId],
  );
  const id = rows[0]?.id;
  if (!id) return null;
  const share = await heldCredits(em, workspaceId, `message:${id}`);
  return share > 0 ? { id, share } : null;
}

/** Gives the follow-up share back to the balance; returns the credits released. */
export async function releaseFollowUpShare(em: EntityManager, workspaceId: string, patientId: string, reason: string): Promise<number> {
  const request = await chargedRequest(em, workspaceId, patientId);
  if (!request) return 0;
  await releaseRequestShare(em, workspaceId, request.id, reason);
  return request.share;
}

/** Releases what the charged request `initialMessageId` still holds (callers know it holds some). */
export async function releaseRequestShare(em: EntityManager, workspaceId: string, initialMessageId: string, reason: string): Promise<void> {
  await releaseCredits(em, { workspaceId, holdReference: `message:${initialMessageId}`, reference: `release:followup:${initialMessageId}`, reason });
}

/**
 * Moves the share to the follow-up message as its own hold (`message:<follow-up id>`, what the send
 * step settles). When the follow-up costs more than the share and the balance cannot cover it, the
 * message stays unheld and the send step fails it with the shortfall.
 */
export async function holdFollowUp(em: EntityManager, input: { workspaceId: string; patientId: string; messageId: string; channel: "SMS" | "WHATSAPP"; body: string }): Promise<number> {
  await releaseFollowUpShare(em, input.workspaceId, input.patientId, "moved to the follow-up");
  const cost = creditsFor(input.channel, input.body);
  try {
    await holdCredits(em, { workspaceId: input.workspaceId, amount: cost, reference: `message:${input.messageId}`, reason: `FOLLOWUP ${input.channel}` });
  } catch (err) {
    if (err instanceof InsufficientCreditsError) return 0;
    throw err;
  }
  await em.execute("update messages set credits_held = ? where id = ? and workspace_id = ?", [cost, input.messageId, input.workspaceId], "run");
  return cost;
}
