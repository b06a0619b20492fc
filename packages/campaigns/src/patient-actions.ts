// Staff actions on one patient of a campaign page: opt-out and erasure (SPEC §3, §4). Both act on the
// patient's Contact — the phone's facts that outlive a campaign — so they hold for every campaign of
// the workspace; both cancel the contact's sends that have not reached the provider and release their
// holds (cancelPendingSends, shared with opt-out by reply); both are audited with ids only.
import { randomInt } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { newPublicToken, scopedQuery } from "@rm/db";
import { cancelPendingSends } from "@rm/messaging";
import { writeAudit } from "./audit.ts";
import { canOpenCampaign, type Viewer } from "./viewer.ts";
import { messageSendEvent } from "@rm/events";

/** What an erased patient is called wherever a name is shown. */
export const ERASED_NAME = "Paciente eliminado";
export const STAFF_OPT_OUT_TEXT = "Baja registrada por el personal";
export const ERASED_TEXT = "Paciente eliminado";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PatientActionInput {
  workspaceId: string;
  campaignId: string;
  patientId: string;
  viewer: Viewer;
  ip?: string | null;
  now?: Date;
}

interface Target {
  patient_id: string;
  contact_id: string;
  phone: string;
  assigned_doctor_id: string | null;
  opted_out_at: Date | null;
  erased_at: Date | null;
}

async function inTransaction<T>(em: EntityManager, fn: (tem: EntityManager) => Promise<T>): Promise<T> {
  return em.isInTransaction() ? fn(em) : em.transactional((tem) => fn(tem as EntityManager));
}

/**
 * The patient of this campaign with its contact locked (the send step locks the contact too, so a
 * send and this action never interleave), or null when it is not there for this viewer.
 */
async function lockTarget(em: EntityManager, input: PatientActionInput): Promise<Target | null> {
  if (!UUID.test(input.campaignId) || !UUID.test(input.patientId)) return null;
  // Lock order as the worker's send step (outbox row, then message and contact), so cancelling the
  // contact's pending sends never deadlocks with a send in progress.
  await em.execute(
    `select o.id from outbox o
      where o.status in ('pending', 'published') and o.idempotency_key in (
        select ${messageSendEvent.keySql("m.id")} from messages m join patients p on p.workspace_id = m.workspace_id and p.id = m.patient_id
         where m.workspace_id = ? and m.status = 'PENDING'
           and p.contact_id = (select t.contact_id from patients t where t.workspace_id = ? and t.id = ? and t.campaign_id = ?))
      order by o.id
        for update of o`,
    [input.workspaceId, input.workspaceId, input.patientId, input.campaignId],
  );
  const [row] = await scopedQuery<Target>(
    em,
    input.workspaceId,
    `select p.id as patient_id, ct.id as contact_id, ct.phone, c.assigned_doctor_id, ct.opted_out_at, ct.erased_at
       from patients p
       join campaigns c on c.workspace_id = p.workspace_id and c.id = p.campaign_id
       join contacts ct on ct.workspace_id = p.workspace_id and ct.id = p.contact_id
      where p.workspace_id = ? and p.campaign_id = ? and p.id = ?
        for no key update of ct`,
    [input.campaignId, input.patientId],
  );
  if (!row || !canOpenCampaign(input.viewer, row.assigned_doctor_id)) return null;
  return row;
}

export type OptOutResult = { outcome: "opted_out"; messagesCancelled: number } | { outcome: "already_opted_out" };

/** Opts the patient's contact out on staff's word (source "staff"): nothing more is sent to that phone. */
export async function optOutPatient(em: EntityManager, input: PatientActionInput): Promise<OptOutResult | null> {
  const now = input.now ?? new Date();
  return inTransaction(em, async (tem) => {
    const target = await lockTarget(tem, input);
    if (!target) return null;
    if (target.opted_out_at !== null) return { outcome: "already_opted_out" };
    await tem.execute("update contacts set opted_out_at = ?, opted_out_source = 'staff', updated_at = ? where id = ? and workspace_id = ?", [now, now, target.contact_id, input.workspaceId], "run");
    const cancelled = await cancelPendingSends(tem, input.workspaceId, target.contact_id, now, STAFF_OPT_OUT_TEXT);
    await writeAudit(tem, {
      workspaceId: input.workspaceId,
      actorId: input.viewer.userId,
      action: "patient.opted_out",
      entityType: "patient",
      entityId: target.patient_id,
      ip: input.ip ?? null,
      details: { campaignId: input.campaignId, contactId: target.contact_id, messagesCancelled: cancelled },
      now,
    });
    return { outcome: "opted_out", messagesCancelled: cancelled };
  });
}

export type EraseResult = { outcome: "erased"; patientsErased: number; messagesCancelled: number } | { outcome: "already_erased" };

/** "+999" (no country) and 11 random digits: a valid E.164 shape that reaches nobody and reveals nothing. */
function pseudonymPhone(): string {
  let digits = "";
  for (let i = 0; i < 11; i++) digits += String(randomInt(10));
  return `+999${digits}`;
}

/**
 * Erases the person behind this patient (right to be forgotten): across every appointment of the
 * contact in the workspace, the name, phone, email, appointment type, message bodies and template
 * variables, reply texts and raw provider parameters, feedback texts and staff notes are removed or
 * replaced by a pseudonym, and the public links stop working; ratings, statuses, times, counts and the
 * credit ledger stay, so the campaign's figures do not change. Pending sends are cancelled and their
 * holds released. The contact row is kept with `erased_at` — its phone is the one thing kept, as the
 * key that stops any later import or reply from messaging this person again.
 */
export async function erasePatient(em: EntityManager, input: PatientActionInput): Promise<EraseResult | null> {
  const now = input.now ?? new Date();
  return inTransaction(em, async (tem) => {
    const target = await lockTarget(tem, input);
    if (!target) return null;
    const patients = await scopedQuery<{ id: string }>(tem, input.workspaceId, "select id from patients where workspace_id = ? and contact_id = ? order by id for update", [target.contact_id]);
    if (target.erased_at !== null && patients.length > 0) {
      // Erased before: make sure nothing of it came back (an import after the erasure stores the row skipped, with a name).
      const [named] = await scopedQuery<{ n: number }>(tem, input.workspaceId, "select count(*)::int as n from patients where workspace_id = ? and contact_id = ? and name <> ?", [target.contact_id, ERASED_NAME]);
      if (Number(named?.n ?? 0) === 0) return { outcome: "already_erased" };
    }
    const messagesCancelled = await cancelPendingSends(tem, input.workspaceId, target.contact_id, now, ERASED_TEXT);
    const pseudonym = pseudonymPhone();
    const ids = `{${patients.map((p) => p.id).join(",")}}`;
    const ws = input.workspaceId;

    await tem.execute(
      "update contacts set erased_at = coalesce(erased_at, ?), last_inbound_at = '{}'::jsonb, updated_at = ? where id = ? and workspace_id = ?",
      [now, now, target.contact_id, ws],
      "run",
    );
    // New public tokens: the old /q /f /r links (in sent messages) answer 404 from now on.
    for (const p of patients) {
      await tem.execute(
        `update patients set name = ?, phone = ?, email = null, appointment_type = null, public_token = ?, token_expires_at = ?, updated_at = ?
          where id = ? and workspace_id = ?`,
        [ERASED_NAME, pseudonym, newPublicToken(), now, now, p.id, ws],
        "run",
      );
    }
    await tem.execute(
      `update messages set body = null, content_variables = null,
              to_address = case when to_address like 'whatsapp:%' then 'whatsapp:' || ? else ? end, updated_at = ?
        where workspace_id = ? and patient_id = any(?::uuid[])`,
      [pseudonym, pseudonym, now, ws, ids],
      "run",
    );
    await tem.execute(
      `update inbound_messages set body = '', button_payload = null, raw_params = null,
              from_address = case when from_address like 'whatsapp:%' then 'whatsapp:' || ? else ? end
        where workspace_id = ? and (patient_id = any(?::uuid[]) or from_address in (?, ?))`,
      [pseudonym, pseudonym, ws, ids, target.phone, `whatsapp:${target.phone}`],
      "run",
    );
    await tem.execute("update feedback set text = '', staff_notes = null, updated_at = ? where workspace_id = ? and patient_id = any(?::uuid[])", [now, ws, ids], "run");
    await tem.execute("update review_clicks set user_agent = null where workspace_id = ? and patient_id = any(?::uuid[])", [ws, ids], "run");

    await writeAudit(tem, {
      workspaceId: ws,
      actorId: input.viewer.userId,
      action: "patient.erased",
      entityType: "patient",
      entityId: target.patient_id,
      ip: input.ip ?? null,
      details: { campaignId: input.campaignId, contactId: target.contact_id, patientsErased: patients.length, messagesCancelled },
      now,
    });
    return { outcome: "erased", patientsErased: patients.length, messagesCancelled };
  });
}
