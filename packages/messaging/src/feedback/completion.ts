// Campaign completion (SPEC §4): ACTIVE → COMPLETED once no send is pending and every request is rated
// or past its reply window. Run by the periodic job 'campaign.complete' (all workspaces at once).
import type { EntityManager } from "@mikro-orm/postgresql";

export async function completeCampaigns(em: EntityManager, now: Date, replyWindowMs: number): Promise<number> {
  const windowStart = new Date(now.getTime() - replyWindowMs);
  // Deliberately cross-tenant: a system sweep that changes each campaign only by its own facts.
  const res = await em.execute<{ affectedRows: number }>(
    `update campaigns c set status = 'COMPLETED', completed_at = ?, updated_at = ?
      where c.status = 'ACTIVE'
        and not exists (select 1 from patients p where p.campaign_id = c.id and p.status in ('PENDING', 'SCHEDULED'))
        and not exists (select 1 from messages m where m.campaign_id = c.id and m.status in ('PENDING', 'SENDING'))
        and not exists (
          select 1 from patients p join messages i on i.patient_id = p.id and i.type = 'INITIAL'
           where p.campaign_id = c.id and p.status = 'SENT' and p.rating is null
             and coalesce(i.sent_at, i.send_attempted_at, i.created_at) > ?)`,
    [now, now, windowStart],
    "run",
  );
  return res.affectedRows;
}
