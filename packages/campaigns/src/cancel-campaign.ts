// Cancelling a campaign (SPEC §5.10, §6): in ONE transaction the campaign becomes CANCELLED, every
// send that has not reached the provider is CANCELED with its credit hold released and its outbox row
// taken out of the scheduler, reminders are cancelled, patients still waiting are marked CANCELLED,
// the follow-up shares of requests already charged go back (no follow-up of a cancelled campaign is
// ever sent), and the audit log says who did it. Idempotent: a second call changes nothing.
//
// Against a worker sending at the same moment: the pending messages' outbox rows, then the messages,
// are locked FOR UPDATE in the order the worker's send step locks them. Whoever locks first wins — a message the worker already
// marked SENDING is no longer PENDING here (it goes out and is charged as usual); a message locked
// here is CANCELED before the worker looks, and the worker then finds it finished and sends nothing.
// Releases use the same references as the worker's (`release:message:<id>`), so a hold is released
// once whoever gets there.
import type { EntityManager } from "@mikro-orm/postgresql";
import { cancelOutboxByKeys, lockOutboxRowsByKey, scopedQuery } from "@rm/db";
import { campaignPatientIds, campaignRequestMessageIds, cancelMessages, cancelWaitingPatients, lockPendingCampaignSends, pendingCampaignMessageIds } from "@rm/messaging";
import { releaseCreditsBulk, releaseFollowUpShares } from "@rm/credits";
import { writeAudit } from "./audit.ts";
import { canOpenCampaign, type Viewer } from "./viewer.ts";
import { feedbackReminderEvent, messageSendEvent } from "@rm/events";

export const CAMPAIGN_CANCELLED_TEXT = "Campaña cancelada";
const BATCH = 5_000;

export interface CancelCampaignInput {
  workspaceId: string;
  campaignId: string;
  viewer: Viewer;
  ip?: string | null;
  now?: Date;
}

export type CancelCampaignResult =
  | { outcome: "cancelled"; messagesCancelled: number; patientsCancelled: number; creditsReleased: number }
  /** Already CANCELLED (a repeated click, a second tab): nothing changed. */
  | { outcome: "already_cancelled" }
  /** COMPLETED campaigns are over: nothing left to cancel. */
  | { outcome: "completed" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Returns null when the campaign is not there for this viewer (another workspace, another doctor's, a receptionist). */
export async function cancelCampaign(em: EntityManager, input: CancelCampaignInput): Promise<CancelCampaignResult | null> {
  if (!UUID.test(input.campaignId)) return null;
  const now = input.now ?? new Date();
  const run = async (tem: EntityManager): Promise<CancelCampaignResult | null> => {
    const [campaign] = await scopedQuery<{ id: string; status: string; assigned_doctor_id: string | null }>(
      tem,
      input.workspaceId,
      // NO KEY UPDATE, not UPDATE: a worker that rewrites one of the campaign's messages twice in a
      // transaction re-checks the message's foreign keys (FOR KEY SHARE on this row) and must not wait here.
      "select id, status, assigned_doctor_id from campaigns where workspace_id = ? and id = ? for no key update",
      [input.campaignId],
    );
    if (!campaign || !canOpenCampaign(input.viewer, campaign.assigned_doctor_id)) return null;
    if (campaign.status === "CANCELLED") return { outcome: "already_cancelled" };
    if (campaign.status === "COMPLETED") return { outcome: "completed" };

    // Ids below come from the scoped select above; every statement repeats the workspace.
    // A rolling campaign gives up its key: the next appointment pushed by the API opens a new one.
    await tem.execute("update campaigns set status = 'CANCELLED', cancelled_at = ?, updated_at = ?, rolling_key = null where id = ? and workspace_id = ?", [now, now, campaign.id, input.workspaceId], "run");

    // Lock order as the worker's send step: outbox row first, then the message. Otherwise a send that
    // holds its outbox row and waits for its message deadlocks with this transaction.
    const waiting = await pendingCampaignMessageIds(tem, input.workspaceId, campaign.id);
    await lockOutboxRowsByKey(tem, waiting.map((id) => messageSendEvent.key(id)));

    // Sends not yet handed to the provider (the campaign's own: not staff alerts or opt-out confirmations).
    const pending = await lockPendingCampaignSends(tem, input.workspaceId, campaign.id);
    let creditsReleased = 0;
    for (const batch of chunks(pending, BATCH)) {
      await cancelMessages(tem, input.workspaceId, batch.map((m) => m.id), CAMPAIGN_CANCELLED_TEXT, now);
      const held = batch.filter((m) => m.creditsHeld > 0);
      const released = await releaseCreditsBulk(tem, {
        workspaceId: input.workspaceId,
        releases: held.map((m) => ({ holdReference: m.holdReference, reference: `release:${m.holdReference}` })),
        reason: "campaign cancelled",
      });
      creditsReleased += released.amount;
      await cancelOutboxByKeys(tem, batch.map((m) => messageSendEvent.key(m.id)), CAMPAIGN_CANCELLED_TEXT, ["pending", "published"]);
    }

    // Reminders not yet due, and patients still waiting for their request.
    const patientIds = await campaignPatientIds(tem, input.workspaceId, campaign.id);
    await cancelOutboxByKeys(tem, patientIds.map((id) => feedbackReminderEvent.key(id)), CAMPAIGN_CANCELLED_TEXT, ["pending"]);
    const patientsCancelled = await cancelWaitingPatients(tem, input.workspaceId, campaign.id, now);

    // Requests already charged still hold their follow-up's share; no follow-up will go out now. The
    // ledger releases it under the reference a later rating or the campaign's end would use, so it happens once.
    const requests = await campaignRequestMessageIds(tem, input.workspaceId, campaign.id);
    for (const batch of chunks(requests, BATCH)) {
      const released = await releaseFollowUpShares(tem, { workspaceId: input.workspaceId, requestMessageIds: batch, reason: "campaign cancelled without a follow-up" });
      creditsReleased += released.amount;
    }

    await writeAudit(tem, {
      workspaceId: input.workspaceId,
      actorId: input.viewer.userId,
      action: "campaign.cancelled",
      entityType: "campaign",
      entityId: campaign.id,
      ip: input.ip ?? null,
      details: { messagesCancelled: pending.length, patientsCancelled, creditsReleased },
      now,
    });
    return { outcome: "cancelled", messagesCancelled: pending.length, patientsCancelled, creditsReleased };
  };
  return em.isInTransaction() ? run(em) : em.transactional((tem) => run(tem as EntityManager));
}
