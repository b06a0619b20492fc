// The navigation badge (SPEC §5.8/§5.9): unresolved items, and the detractors among NEW ones.
// One statement per page view, on feedback_inbox_idx (workspace_id, status, created_at).
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import { doctorScope, type InboxViewer } from "./viewer.ts";

export interface InboxBadge {
  /** NEW + IN_PROGRESS items. */
  unresolved: number;
  /** Patients with a NEW item rated 1–2 (a detractor who also wrote the form counts once). */
  detractors: number;
}

export async function countInboxBadge(em: EntityManager, viewer: InboxViewer): Promise<InboxBadge> {
  const scope = doctorScope(viewer);
  const join = scope.sql
    ? " join patients p on p.id = f.patient_id and p.workspace_id = f.workspace_id join campaigns c on c.id = p.campaign_id and c.workspace_id = f.workspace_id"
    : "";
  const [row] = await scopedQuery<{ unresolved: string; detractors: string }>(
    em,
    viewer.workspaceId,
    `select count(*)::text as unresolved,
            count(distinct f.patient_id) filter (where f.status = 'NEW' and f.rating <= 2)::text as detractors
       from feedback f${join}
      where f.workspace_id = ? and f.status in ('NEW', 'IN_PROGRESS')${scope.sql}`,
    scope.params,
  );
  return { unresolved: Number(row?.unresolved ?? 0), detractors: Number(row?.detractors ?? 0) };
}
