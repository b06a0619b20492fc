// The campaign list (SPEC §3, §5.10): newest first, keyset pages, filter by status and practice;
// a doctor sees only the campaigns assigned to them.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import { COUNT_COLUMNS, countsSql, toCounts, type CampaignCounts, type CountRow } from "./counts.ts";
import { cursorKeySql, decodeCursor, encodeCursor } from "./cursor.ts";
import { toCampaignSummary, type CampaignSummary, type CampaignSummaryRow } from "./campaign-summary.ts";
import type { CampaignListFilters } from "./filters.ts";
import type { Viewer } from "./viewer.ts";

export const CAMPAIGN_PAGE_SIZE = 25;

export interface CampaignListItem extends CampaignSummary {
  counts: CampaignCounts;
}

export interface CampaignListPage {
  rows: CampaignListItem[];
  /** Cursor of the next (older) page, or null on the last page. */
  nextCursor: string | null;
}

interface Row extends CountRow, CampaignSummaryRow {
  cursor_key: string;
}

export async function listCampaigns(em: EntityManager, workspaceId: string, viewer: Viewer, filters: CampaignListFilters = {}, limit = CAMPAIGN_PAGE_SIZE): Promise<CampaignListPage> {
  const size = Math.min(Math.max(Math.trunc(limit), 1), 100);
  const where: string[] = [];
  const params: unknown[] = [];
  if (viewer.role === "DOCTOR") {
    // Assigned to them, or holding an appointment of theirs (patients_workspace_doctor_idx).
    where.push("(c.assigned_doctor_id = ? or exists (select 1 from patients p where p.workspace_id = c.workspace_id and p.doctor_id = ? and p.campaign_id = c.id))");
    params.push(viewer.userId, viewer.userId);
  }
  if (filters.status) {
    where.push("c.status = ?");
    params.push(filters.status);
  }
  if (filters.kind) {
    where.push("c.kind = ?");
    params.push(filters.kind);
  }
  if (filters.practiceId) {
    where.push("c.practice_id = ?");
    params.push(filters.practiceId);
  }
  const cursor = decodeCursor(filters.cursor);
  if (cursor) {
    where.push("(c.created_at, c.id) < (?::timestamptz, ?::uuid)");
    params.push(cursor.key, cursor.id);
  }
  params.push(size + 1);
  // The page first (campaigns_workspace_created_idx), then counts for those rows only.
  const rows = await scopedQuery<Row>(
    em,
    workspaceId,
    `with page as (
       select c.id, c.workspace_id, c.name, c.kind, c.status, c.practice_id, c.assigned_doctor_id, c.created_at
         from campaigns c
        where c.workspace_id = ? ${where.map((w) => `and ${w}`).join(" ")}
        order by c.created_at desc, c.id desc
        limit ?
     )
     select c.id, c.name, c.kind, c.status, c.practice_id, pr.name as practice_name, c.assigned_doctor_id as doctor_id,
            u.name as doctor_name, c.created_at, ${cursorKeySql("c.created_at")} as cursor_key, ${COUNT_COLUMNS}
       from page c
       join practices pr on pr.workspace_id = c.workspace_id and pr.id = c.practice_id
       left join users u on u.workspace_id = c.workspace_id and u.id = c.assigned_doctor_id
       ${countsSql(false)}
      order by c.created_at desc, c.id desc`,
    params,
  );
  const more = rows.length > size;
  const kept = rows.slice(0, size);
  const page = kept.map((r) => ({ ...toCampaignSummary(r), counts: toCounts(r) }));
  const last = kept[kept.length - 1];
  return { rows: page, nextCursor: more && last ? encodeCursor(last.cursor_key, last.id) : null };
}

/** The practices a list filter can offer (id and name), alphabetical. */
export async function listPracticeOptions(em: EntityManager, workspaceId: string): Promise<{ id: string; name: string }[]> {
  return scopedQuery<{ id: string; name: string }>(em, workspaceId, "select id, name from practices where workspace_id = ? order by name, id");
}
