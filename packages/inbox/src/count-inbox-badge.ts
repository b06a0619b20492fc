// The navigation badge (SPEC §5.8/§5.9): unresolved items, and the detractors among NEW ones.
// One statement per page view, on feedback_inbox_idx (workspace_id, status, created_at): a read model
// (docs/ARCHITECTURE.md, "Table ownership") of @rm/messaging's feedback and patients and a doctor's
// campaigns, reads only.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import { ratingSql } from "@rm/domain";
import { doctorScope, type InboxViewer } from "./viewer.ts";

export interface InboxBadge {
  /** NEW + IN_PROGRESS items. */
  unresolved: number;
  /** Patients with a NEW item from a detractor (@rm/domain's band; one who also wrote the form counts once). */
  detractors: number;
}

export async function countInboxBadge(em: EntityManager, viewer: InboxViewer): Promise<InboxBadge> {
  const scope = doctorScope(viewer, "c.doctor_id");
  const counts = `count(*)::text as unresolved, count(distinct f.patient_id) filter (where f.status = 'NEW' and ${ratingSql("detractor", "f.rating")})::text as detractors`;
  // A doctor's count starts from the unresolved items too (then each item's patient by primary key), so
  // it costs what the owner's does instead of walking every appointment of the doctor.
  const sql = scope.sql
    ? `with f as materialized (select workspace_id, patient_id, status, rating from feedback where workspace_id = ? and status in ('NEW', 'IN_PROGRESS'))
       select ${counts} from f
        cross join lateral (
          select p.doctor_id from patients p
           where p.id = f.patient_id and p.workspace_id = f.workspace_id limit 1) c
        where true${scope.sql}`
    : `select ${counts} from feedback f where f.workspace_id = ? and f.status in ('NEW', 'IN_PROGRESS')`;
  const [row] = await scopedQuery<{ unresolved: string; detractors: string }>(em, viewer.workspaceId, sql, scope.params);
  return { unresolved: Number(row?.unresolved ?? 0), detractors: Number(row?.detractors ?? 0) };
}
