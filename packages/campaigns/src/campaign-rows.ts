// The campaign row as campaign creation writes it (SPEC §4: DRAFT while importing, then ACTIVE, or
// COMPLETED when nobody is to be messaged): insert, activate a draft, lock, discard drafts. Each is
// one statement in the caller's transaction, with the workspace id as a parameter.
import type { EntityManager } from "@mikro-orm/postgresql";
import { pgArray, scopedQuery } from "@rm/db";

export interface NewCampaign {
  workspaceId: string;
  practiceId: string;
  assignedDoctorId: string | null;
  createdById: string;
  name: string;
  scheduledHoursAfter: number;
  totalPatients: number;
  now: Date;
}

/** A DRAFT campaign (an upload waiting for its confirmation); returns its id. */
export async function insertDraftCampaign(em: EntityManager, c: NewCampaign): Promise<string> {
  const [campaign] = await em.execute<{ id: string }[]>(
    `insert into campaigns (workspace_id, practice_id, assigned_doctor_id, created_by_id, name, status, scheduled_hours_after, total_patients, created_at, updated_at)
     values (?, ?, ?, ?, ?, 'DRAFT', ?, ?, ?, ?) returning id`,
    [c.workspaceId, c.practiceId, c.assignedDoctorId, c.createdById, c.name, c.scheduledHoursAfter, c.totalPatients, c.now, c.now],
  );
  return campaign!.id;
}

export interface ActivatedCampaign {
  id: string;
  status: "ACTIVE" | "COMPLETED";
  skippedPatients: number;
}

/** A campaign created already activated (a single send, an import without a draft). */
export async function insertActiveCampaign(em: EntityManager, c: NewCampaign & ActivatedCampaign): Promise<void> {
  await em.execute(
    `insert into campaigns (id, workspace_id, practice_id, assigned_doctor_id, created_by_id, name, status, scheduled_hours_after,
                            total_patients, skipped_patients, activated_at, completed_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      c.id,
      c.workspaceId,
      c.practiceId,
      c.assignedDoctorId,
      c.createdById,
      c.name,
      c.status,
      c.scheduledHoursAfter,
      c.totalPatients,
      c.skippedPatients,
      c.now,
      c.status === "COMPLETED" ? c.now : null,
      c.now,
      c.now,
    ],
    "run",
  );
}

/**
 * The rolling campaign of `rollingKey` (appointments pushed through the API: one per practice and
 * doctor, SPEC §15), created ACTIVE on first use; returns its id. It neither locks nor counts: many
 * appointments join it at once, and each counts itself in with `countIntoRollingCampaign` as the
 * last statement of its transaction, so the row's lock is held only from there to the commit.
 */
export async function joinRollingCampaign(em: EntityManager, c: NewCampaign & { rollingKey: string }): Promise<string> {
  const [created] = await em.execute<{ id: string }[]>(
    `insert into campaigns (workspace_id, practice_id, assigned_doctor_id, created_by_id, name, status, scheduled_hours_after, total_patients, skipped_patients, activated_at, rolling_key, created_at, updated_at)
     values (?, ?, ?, ?, ?, 'ACTIVE', ?, 0, 0, ?, ?, ?, ?)
     on conflict (workspace_id, rolling_key) do nothing
     returning id`,
    [c.workspaceId, c.practiceId, c.assignedDoctorId, c.createdById, c.name, c.scheduledHoursAfter, c.now, c.rollingKey, c.now, c.now],
  );
  if (created) return created.id;
  const [existing] = await scopedQuery<{ id: string }>(em, c.workspaceId, "select id from campaigns where workspace_id = ? and rolling_key = ?", [c.rollingKey]);
  return existing!.id;
}

/** Counts patients into a rolling campaign (and reopens it if it had completed). */
export async function countIntoRollingCampaign(em: EntityManager, c: { workspaceId: string; campaignId: string; totalPatients: number; skippedPatients: number; now: Date }): Promise<void> {
  await em.execute(
    `update campaigns set total_patients = total_patients + ?, skipped_patients = skipped_patients + ?, status = 'ACTIVE', completed_at = null, updated_at = ?
      where workspace_id = ? and id = ?`,
    [c.totalPatients, c.skippedPatients, c.now, c.workspaceId, c.campaignId],
    "run",
  );
}

/**
 * The draft's row becomes the campaign (with the practice, doctor and hours checked by the caller).
 * False when it is not a DRAFT of the workspace any more.
 */
export async function activateDraftCampaign(
  em: EntityManager,
  c: Omit<NewCampaign, "createdById" | "name"> & ActivatedCampaign,
): Promise<boolean> {
  const updated = await em.execute<{ id: string }[]>(
    `update campaigns set status = ?, practice_id = ?, assigned_doctor_id = ?, scheduled_hours_after = ?, total_patients = ?, skipped_patients = ?,
            activated_at = ?, completed_at = ?, updated_at = ?
      where workspace_id = ? and id = ? and status = 'DRAFT' returning id`,
    [c.status, c.practiceId, c.assignedDoctorId, c.scheduledHoursAfter, c.totalPatients, c.skippedPatients, c.now, c.status === "COMPLETED" ? c.now : null, c.now, c.workspaceId, c.id],
  );
  return updated.length === 1;
}

export interface LockedCampaign {
  status: string;
  name: string;
  practiceId: string;
  assignedDoctorId: string | null;
  scheduledHoursAfter: number;
}

/** The campaign under its row lock (FOR UPDATE): a second caller waits and then sees what the first did. Null when not in the workspace. */
export async function lockCampaign(em: EntityManager, workspaceId: string, campaignId: string): Promise<LockedCampaign | null> {
  const [c] = await scopedQuery<{ status: string; name: string; practice_id: string; assigned_doctor_id: string | null; scheduled_hours_after: number }>(
    em,
    workspaceId,
    "select status, name, practice_id, assigned_doctor_id, scheduled_hours_after from campaigns where workspace_id = ? and id = ? for update",
    [campaignId],
  );
  return c ? { status: c.status, name: c.name, practiceId: c.practice_id, assignedDoctorId: c.assigned_doctor_id, scheduledHoursAfter: c.scheduled_hours_after } : null;
}

/** Deletes those of the campaigns that are still DRAFTs (their stored rows go with them); returns the ids deleted. */
export async function deleteDraftCampaigns(em: EntityManager, workspaceId: string, campaignIds: readonly string[]): Promise<string[]> {
  if (campaignIds.length === 0) return [];
  const rows = await scopedQuery<{ id: string }>(em, workspaceId, "delete from campaigns where workspace_id = ? and status = 'DRAFT' and id = any(?::uuid[]) returning id", [pgArray(campaignIds)]);
  return rows.map((r) => r.id);
}
