// Campaign completion (SPEC §4): ACTIVE → COMPLETED once no send is pending and every request is rated
// or past its reply window. Run by the periodic job 'campaign.complete' (all workspaces at once; the
// worker registers `campaignPeriodicHandlers` next to messaging's handlers). The
// same job settles cancelled campaigns: a request the worker was sending while staff cancelled is
// charged after the cancel, and its follow-up share (never to be used: a cancelled campaign sends no
// follow-up) goes back once nothing of the campaign is in flight any more.
import type { EntityManager } from "@mikro-orm/postgresql";
import { releaseFollowUpShares } from "@rm/credits";
import { scopedQuery } from "@rm/db";
import { type EntryHandler, periodicJobHandler } from "@rm/messaging";

/** Rating requests handed to the ledger per statement when a campaign's follow-up shares go back. */
const BATCH = 5_000;

export async function completeCampaigns(em: EntityManager, now: Date, replyWindowMs: number): Promise<number> {
  const windowStart = new Date(now.getTime() - replyWindowMs);
  // Deliberately cross-tenant: a system sweep that changes each campaign only by its own facts.
  // In two steps, so the check no index serves runs last and only for campaigns otherwise done: no
  // index of patients holds status (decision 043), so "a patient still waiting" reads every patient of
  // the campaign. Nothing waiting in messages and no request still in its reply window is what keeps a
  // campaign open nearly always, and those are read first (the waiting check then almost never fails:
  // a waiting patient's request is itself PENDING or SENDING).
  const completed = await em.execute<{ id: string; workspace_id: string }[]>(
    `with done_sending as materialized (
       select c.id from campaigns c
        where c.status = 'ACTIVE' and c.rolling_key is null
          and not exists (select 1 from messages m where m.campaign_id = c.id and m.status in ('PENDING', 'SENDING'))
          and not exists (
            select 1 from patients p join messages i on i.patient_id = p.id and i.type = 'INITIAL'
             where p.campaign_id = c.id and p.status = 'SENT' and p.rating is null
               and coalesce(i.sent_at, i.send_attempted_at, i.created_at) > ?))
     update campaigns c set status = 'COMPLETED', completed_at = ?, updated_at = ?
       from done_sending d
      where c.id = d.id and c.status = 'ACTIVE'
        and not exists (select 1 from patients p where p.campaign_id = c.id and p.status in ('PENDING', 'SCHEDULED'))
      returning c.id, c.workspace_id`,
    [windowStart, now, now],
  );
  for (const campaign of completed) await releaseUnusedFollowUpShares(em, campaign.workspace_id, campaign.id);
  await settleCancelledCampaigns(em, now);
  return completed.length;
}

/** How long after a cancel a campaign is still looked at: in-flight sends settle within minutes. */
const CANCEL_SETTLE_MS = 86_400_000;

async function settleCancelledCampaigns(em: EntityManager, now: Date): Promise<void> {
  // Deliberately cross-tenant, like the completion above; only campaigns cancelled in the last day.
  const cancelled = await em.execute<{ id: string; workspace_id: string }[]>(
    `select c.id, c.workspace_id from campaigns c
      where c.status = 'CANCELLED' and c.cancelled_at > ?
        and not exists (select 1 from messages m where m.campaign_id = c.id and m.status in ('PENDING', 'SENDING'))`,
    [new Date(now.getTime() - CANCEL_SETTLE_MS)],
  );
  for (const campaign of cancelled) await releaseUnusedFollowUpShares(em, campaign.workspace_id, campaign.id, "campaign cancelled");
}

/** The campaign is over: follow-up shares still held (no rating came, or no follow-up could be sent) go back. */
async function releaseUnusedFollowUpShares(em: EntityManager, workspaceId: string, campaignId: string, reason = "campaign completed without a follow-up"): Promise<void> {
  // The campaign's rating requests; the ledger releases what the charged ones still hold (their unused shares).
  const requests = await scopedQuery<{ id: string }>(em, workspaceId, "select m.id from messages m where m.workspace_id = ? and m.campaign_id = ? and m.type = 'INITIAL'", [campaignId]);
  for (let i = 0; i < requests.length; i += BATCH) {
    await releaseFollowUpShares(em, { workspaceId, requestMessageIds: requests.slice(i, i + BATCH).map((r) => r.id), reason });
  }
}

/** The worker's handlers of the periodic jobs this package runs, by entry type ('campaign.complete'). */
export const campaignPeriodicHandlers: Record<string, EntryHandler> = {
  "campaign.complete": periodicJobHandler(async ({ tem, now, options }) => ({ completed: await completeCampaigns(tem, now, options.replyWindowMs) })),
};
