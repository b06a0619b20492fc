// A campaign's sends as its cancellation changes them (SPEC §5.10, §6): which are still waiting,
// cancelling them, and the patients still waiting for their request. Set-based: a campaign of
// 50,000 patients is a few statements, never one per row. The caller (the campaign's owner) runs
// them in one transaction, with the outbox rows locked first (the worker's lock order).
import type { EntityManager } from "@mikro-orm/postgresql";
import { pgArray, scopedQuery } from "@rm/db";

/** Ids of the campaign's messages not yet handed to the provider (any type), without locking them. */
export async function pendingCampaignMessageIds(em: EntityManager, workspaceId: string, campaignId: string): Promise<string[]> {
  const rows = await scopedQuery<{ id: string }>(em, workspaceId, "select m.id from messages m where m.workspace_id = ? and m.campaign_id = ? and m.status = 'PENDING'", [campaignId]);
  return rows.map((r) => r.id);
}

/** Ids of the campaign's rating requests (its INITIAL messages), whatever their status. */
export async function campaignRequestMessageIds(em: EntityManager, workspaceId: string, campaignId: string): Promise<string[]> {
  const rows = await scopedQuery<{ id: string }>(em, workspaceId, "select m.id from messages m where m.workspace_id = ? and m.campaign_id = ? and m.type = 'INITIAL'", [campaignId]);
  return rows.map((r) => r.id);
}

/**
 * The campaign's own sends not yet handed to the provider, locked (FOR UPDATE, in id order) with the
 * credits each holds. Free messages to staff and opt-out confirmations are not the campaign's.
 */
export async function lockPendingCampaignSends(em: EntityManager, workspaceId: string, campaignId: string): Promise<{ id: string; creditsHeld: number }[]> {
  const rows = await scopedQuery<{ id: string; credits_held: number }>(
    em,
    workspaceId,
    `select m.id, m.credits_held from messages m
      where m.workspace_id = ? and m.campaign_id = ? and m.status = 'PENDING' and m.type not in ('OPT_OUT_CONFIRMATION', 'STAFF_ALERT')
      order by m.id
        for update of m`,
    [campaignId],
  );
  return rows.map((r) => ({ id: r.id, creditsHeld: Number(r.credits_held) }));
}

/** Marks these messages CANCELED with the reason and no credits held (the caller releases the holds). */
export async function cancelMessages(em: EntityManager, workspaceId: string, messageIds: readonly string[], reason: string, now: Date): Promise<void> {
  if (messageIds.length === 0) return;
  await em.execute(
    "update messages set status = 'CANCELED', error_text = ?, credits_held = 0, updated_at = ? where workspace_id = ? and id = any(?::uuid[])",
    [reason, now, workspaceId, pgArray(messageIds)],
    "run",
  );
}

/** Ids of every patient of the campaign. */
export async function campaignPatientIds(em: EntityManager, workspaceId: string, campaignId: string): Promise<string[]> {
  const rows = await scopedQuery<{ id: string }>(em, workspaceId, "select p.id from patients p where p.workspace_id = ? and p.campaign_id = ?", [campaignId]);
  return rows.map((r) => r.id);
}

/**
 * Marks CANCELLED the campaign's patients still waiting for their request; returns how many. A request
 * the worker took just before (SENDING now) keeps its patient: it is being sent.
 */
export async function cancelWaitingPatients(em: EntityManager, workspaceId: string, campaignId: string, now: Date): Promise<number> {
  const res = await em.execute<{ affectedRows: number }>(
    `update patients p set status = 'CANCELLED', updated_at = ?
      where p.workspace_id = ? and p.campaign_id = ? and p.status in ('PENDING', 'SCHEDULED')
        and not exists (select 1 from messages m where m.workspace_id = p.workspace_id and m.patient_id = p.id and m.type = 'INITIAL' and m.status not in ('PENDING', 'CANCELED'))`,
    [now, workspaceId, campaignId],
    "run",
  );
  return res.affectedRows;
}
