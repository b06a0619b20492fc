// One appointment's sends as its cancellation through the API changes them (SPEC §15): the same
// statements as a campaign's cancel (campaign-sends.ts), for one patient. The caller locks the
// outbox rows first (the worker's lock order) and releases the holds.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import { creditReference } from "../status/sms-fallback.ts";

/** Ids of the patient's messages not yet handed to the provider, without locking them. */
export async function pendingPatientMessageIds(em: EntityManager, workspaceId: string, patientId: string): Promise<string[]> {
  const rows = await scopedQuery<{ id: string }>(em, workspaceId, "select m.id from messages m where m.workspace_id = ? and m.patient_id = ? and m.status = 'PENDING'", [patientId]);
  return rows.map((r) => r.id);
}

/** The patient's own sends not yet handed to the provider, locked (FOR UPDATE, in id order), with their holds. */
export async function lockPendingPatientSends(em: EntityManager, workspaceId: string, patientId: string): Promise<{ id: string; creditsHeld: number; holdReference: string }[]> {
  const rows = await scopedQuery<{ id: string; credits_held: number; fallback: boolean }>(
    em,
    workspaceId,
    `select m.id, m.credits_held, m.fallback_at is not null as fallback from messages m
      where m.workspace_id = ? and m.patient_id = ? and m.status = 'PENDING' and m.type not in ('OPT_OUT_CONFIRMATION', 'STAFF_ALERT')
      order by m.id
        for update of m`,
    [patientId],
  );
  return rows.map((r) => ({ id: r.id, creditsHeld: Number(r.credits_held), holdReference: creditReference(r.id, r.fallback) }));
}

/**
 * The status of the patient's rating request (its INITIAL message), or null when none was created
 * (the patient was skipped).
 */
export async function patientRequestStatus(em: EntityManager, workspaceId: string, patientId: string): Promise<string | null> {
  const [row] = await scopedQuery<{ status: string }>(em, workspaceId, "select m.status from messages m where m.workspace_id = ? and m.patient_id = ? and m.type = 'INITIAL' order by m.created_at desc limit 1", [patientId]);
  return row?.status ?? null;
}

/** Marks the patient CANCELLED when still waiting (its request not handed to the provider); returns whether it changed. */
export async function cancelWaitingPatient(em: EntityManager, workspaceId: string, patientId: string, now: Date): Promise<boolean> {
  const res = await em.execute<{ affectedRows: number }>(
    `update patients p set status = 'CANCELLED', updated_at = ?
      where p.workspace_id = ? and p.id = ? and p.status in ('PENDING', 'SCHEDULED', 'SKIPPED')
        and not exists (select 1 from messages m where m.workspace_id = p.workspace_id and m.patient_id = p.id and m.type = 'INITIAL' and m.status not in ('PENDING', 'CANCELED'))`,
    [now, workspaceId, patientId],
    "run",
  );
  return res.affectedRows > 0;
}
