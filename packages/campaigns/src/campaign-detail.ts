// The campaign page's header: the campaign, who it is for, its time zone and live counts.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import { countsSql, DETAIL_COUNT_COLUMNS, toDetailCounts, type CampaignDetailCounts, type DetailCountRow } from "./counts.ts";
import { toCampaignSummary, type CampaignSummary, type CampaignSummaryRow } from "./campaign-summary.ts";
import { canOpenCampaign, type Viewer } from "./viewer.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CampaignDetail extends CampaignSummary {
  createdByName: string | null;
  activatedAt: Date | null;
  completedAt: Date | null;
  cancelledAt: Date | null;
  scheduledHoursAfter: number;
  /** The practice's time zone, else the workspace's: every time on the page is shown in it. */
  timezone: string;
  counts: CampaignDetailCounts;
}

interface Row extends DetailCountRow, CampaignSummaryRow {
  created_by_name: string | null;
  activated_at: Date | string | null;
  completed_at: Date | string | null;
  cancelled_at: Date | string | null;
  scheduled_hours_after: number;
  timezone: string;
}

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

/**
 * The campaign, or null when it is not there for this viewer: another workspace's id, an id that is
 * not a uuid, a campaign assigned to another doctor, or a receptionist (list only) — all answer 404.
 */
export async function loadCampaign(em: EntityManager, workspaceId: string, viewer: Viewer, campaignId: string): Promise<CampaignDetail | null> {
  if (!UUID.test(campaignId)) return null;
  const [r] = await scopedQuery<Row>(
    em,
    workspaceId,
    `select c.id, c.name, c.kind, c.status, c.practice_id, pr.name as practice_name, c.assigned_doctor_id as doctor_id, u.name as doctor_name,
            cb.name as created_by_name, c.created_at, c.activated_at, c.completed_at, c.cancelled_at, c.scheduled_hours_after,
            coalesce(pr.timezone, w.timezone) as timezone, ${DETAIL_COUNT_COLUMNS}
       from campaigns c
       join workspaces w on w.id = c.workspace_id
       join practices pr on pr.workspace_id = c.workspace_id and pr.id = c.practice_id
       left join users u on u.workspace_id = c.workspace_id and u.id = c.assigned_doctor_id
       left join users cb on cb.workspace_id = c.workspace_id and cb.id = c.created_by_id
       ${countsSql(true)}
      where c.workspace_id = ? and c.id = ?`,
    [campaignId],
  );
  if (!r) return null;
  // A doctor who is not the campaign's may still have appointments in it (the file's doctor column).
  const own =
    viewer.role === "DOCTOR" && r.doctor_id !== viewer.userId
      ? (await scopedQuery(em, workspaceId, "select 1 from patients where workspace_id = ? and doctor_id = ? and campaign_id = ? limit 1", [viewer.userId, campaignId])).length > 0
      : false;
  if (!canOpenCampaign(viewer, r.doctor_id, own)) return null;
  return {
    ...toCampaignSummary(r),
    createdByName: r.created_by_name,
    activatedAt: date(r.activated_at),
    completedAt: date(r.completed_at),
    cancelledAt: date(r.cancelled_at),
    scheduledHoursAfter: Number(r.scheduled_hours_after),
    timezone: r.timezone,
    counts: toDetailCounts(r),
  };
}
