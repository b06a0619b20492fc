// The staff workflow's writes on feedback rows (NEW → IN_PROGRESS → RESOLVED, staff notes). The
// patient flow writes these rows, so this package owns them; the staff inbox (@rm/inbox) decides
// what changes and changes it through these functions, in its own transaction.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";

export type FeedbackStatus = "NEW" | "IN_PROGRESS" | "RESOLVED";

export interface LockedFeedback {
  id: string;
  patientId: string;
  status: FeedbackStatus;
  staffNotes: string | null;
  /** updated_at as text to the microsecond, the version the inbox's forms carry (its MICROS). */
  version: string;
}

/** Locks one feedback row of the workspace (until the caller's transaction ends); null when there is none. */
export async function lockFeedback(em: EntityManager, workspaceId: string, id: string): Promise<LockedFeedback | null> {
  const [row] = await scopedQuery<{ id: string; patient_id: string; status: FeedbackStatus; staff_notes: string | null; version: string }>(
    em,
    workspaceId,
    `select id, patient_id, status, staff_notes, to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as version
       from feedback where workspace_id = ? and id = ? for update`,
    [id],
  );
  return row ? { id: row.id, patientId: row.patient_id, status: row.status, staffNotes: row.staff_notes, version: row.version } : null;
}

export interface FeedbackWorkflowChange {
  status: FeedbackStatus;
  staffNotes: string | null;
  now: Date;
  /** Who resolved it and when; null clears both (reopened); undefined leaves them as they are. */
  resolution?: { at: Date; byUserId: string } | null;
}

/** Writes the workflow's state of one feedback row of the workspace. */
export async function setFeedbackWorkflow(em: EntityManager, workspaceId: string, id: string, change: FeedbackWorkflowChange): Promise<void> {
  const resolution = change.resolution === undefined ? "" : change.resolution === null ? ", resolved_at = null, resolved_by_id = null" : ", resolved_at = ?, resolved_by_id = ?";
  const resolutionParams = change.resolution ? [change.resolution.at, change.resolution.byUserId] : [];
  await scopedQuery(
    em,
    workspaceId,
    `with target as (select id from feedback where workspace_id = ? and id = ?)
     update feedback f set status = ?, staff_notes = ?, updated_at = ?${resolution} from target where f.id = target.id`,
    [id, change.status, change.staffNotes, change.now, ...resolutionParams],
  );
}
