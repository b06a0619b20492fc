// Staff actions on one patient's Contact (SPEC §3, §4): the phone's facts that outlive a campaign.
// Opt-out on staff's word and erasure (right to be forgotten) across every appointment of the
// contact in the workspace. The caller locks, checks the viewer, cancels pending sends
// (cancelPendingSends) and audits; these functions read and change this package's rows.
import type { EntityManager } from "@mikro-orm/postgresql";
import { emitWebhookEvent } from "../webhook-events.ts";
import { newPublicToken, pgArray, scopedQuery } from "@rm/db";
import { eraseConsentEvidence, recordConsentEvents, type ConsentChannel } from "../consent/consent-history.ts";

/**
 * Ids of the messages not yet handed to the provider (any type) of the contact of this patient of the
 * campaign, without locking them: the caller locks their outbox rows first (the send step's lock order).
 */
export async function pendingMessageIdsOfPatientContact(em: EntityManager, workspaceId: string, campaignId: string, patientId: string): Promise<string[]> {
  const rows = await scopedQuery<{ id: string }>(
    em,
    workspaceId,
    `select m.id from messages m join patients p on p.workspace_id = m.workspace_id and p.id = m.patient_id
      where m.workspace_id = ? and m.status = 'PENDING'
        and p.contact_id = (select t.contact_id from patients t where t.workspace_id = m.workspace_id and t.id = ? and t.campaign_id = ?)`,
    [patientId, campaignId],
  );
  return rows.map((r) => r.id);
}

export interface PatientContact {
  patientId: string;
  contactId: string;
  /** The appointment's doctor (who sees it in their own view), null when none. */
  doctorId: string | null;
  phone: string;
  optedOutAt: Date | null;
  erasedAt: Date | null;
  /** The patient's channel (the one a staff opt-in records consent for). */
  channel: ConsentChannel;
}

/**
 * The patient of this campaign with its contact locked (FOR NO KEY UPDATE: the send step locks the
 * contact too, so a send and a staff action never interleave), or null when the patient is not there.
 */
export async function lockPatientContact(em: EntityManager, workspaceId: string, campaignId: string, patientId: string): Promise<PatientContact | null> {
  const [row] = await scopedQuery<{ patient_id: string; contact_id: string; doctor_id: string | null; phone: string; opted_out_at: Date | null; erased_at: Date | null; channel: ConsentChannel }>(
    em,
    workspaceId,
    `select p.id as patient_id, ct.id as contact_id, p.doctor_id, ct.phone, ct.opted_out_at, ct.erased_at, p.preferred_channel as channel
       from patients p
       join contacts ct on ct.workspace_id = p.workspace_id and ct.id = p.contact_id
      where p.workspace_id = ? and p.campaign_id = ? and p.id = ?
        for no key update of ct`,
    [campaignId, patientId],
  );
  return row ? { patientId: row.patient_id, contactId: row.contact_id, doctorId: row.doctor_id, phone: row.phone, optedOutAt: row.opted_out_at, erasedAt: row.erased_at, channel: row.channel } : null;
}

/**
 * Opts the contact out with this source ("staff"): nothing more is sent to that phone by the workspace.
 * The history gets a STAFF withdrawal on both channels (the opt-out covers both), by `actorId`.
 */
export async function optOutContact(em: EntityManager, workspaceId: string, contactId: string, source: string, now: Date, actorId: string | null = null): Promise<void> {
  await em.execute("update contacts set opted_out_at = ?, opted_out_source = ?, updated_at = ? where id = ? and workspace_id = ?", [now, source, now, contactId, workspaceId], "run");
  await emitWebhookEvent(em, { workspaceId, type: "contact.opted_out", subjectId: `${contactId}:${now.toISOString()}`, data: { contact_id: contactId, source: "staff", opted_out_at: now.toISOString() }, now });
  await recordConsentEvents(
    em,
    (["WHATSAPP", "SMS"] as const).map((channel) => ({ workspaceId, contactId, channel, action: "WITHDRAWN" as const, source: "STAFF" as const, at: now, actorId, evidence: null })),
  );
}

export interface OptInContactInput {
  workspaceId: string;
  contactId: string;
  /** The channel the patient agreed to be messaged on again. */
  channel: ConsentChannel;
  /** The staff user who recorded it. */
  actorId: string;
  /** How the patient gave it (required: staff's word alone is no consent). */
  evidence: string;
  now: Date;
}

/**
 * Staff record that the patient wants messages again: the opt-out is lifted and consent for the
 * channel recorded with source STAFF (on the contact and in its history, with the evidence). The
 * caller holds the contact's lock and checks it is not erased.
 */
export async function optInContact(em: EntityManager, input: OptInContactInput): Promise<void> {
  const consent = input.channel === "WHATSAPP" ? "whatsapp" : "sms";
  await em.execute(
    `update contacts set opted_out_at = null, opted_out_source = null, ${consent}_consent_at = ?, ${consent}_consent_source = 'STAFF', updated_at = ?
      where id = ? and workspace_id = ? and erased_at is null`,
    [input.now, input.now, input.contactId, input.workspaceId],
    "run",
  );
  await recordConsentEvents(em, [
    { workspaceId: input.workspaceId, contactId: input.contactId, channel: input.channel, action: "GRANTED", source: "STAFF", at: input.now, actorId: input.actorId, evidence: input.evidence },
  ]);
}

/** The contact's patients (every appointment in the workspace), locked FOR UPDATE in id order, with their names. */
export async function lockContactPatients(em: EntityManager, workspaceId: string, contactId: string): Promise<{ id: string; name: string }[]> {
  return scopedQuery<{ id: string; name: string }>(em, workspaceId, "select id, name from patients where workspace_id = ? and contact_id = ? order by id for update", [contactId]);
}

export interface EraseContactInput {
  workspaceId: string;
  contactId: string;
  /** The contact's phone as it was (replies from it are erased too). */
  phone: string;
  /** The contact's patients, locked by lockContactPatients. */
  patientIds: readonly string[];
  /** What the patients are called from now on. */
  name: string;
  /** The phone that replaces theirs: a valid shape that reaches nobody. */
  pseudonymPhone: string;
  now: Date;
}

/**
 * Removes or replaces what identifies the person: the patients' names, phones, emails and appointment
 * types (with new public tokens, so the old links answer 404), message bodies, template variables and
 * addresses, reply texts and raw provider parameters, feedback texts and staff notes, review clicks'
 * user agents, and the consent events' evidence texts; the contact keeps its phone with `erased_at` set.
 * Ratings, statuses, times and counts stay, and so do the consent events themselves (what, when, who).
 */
export async function eraseContact(em: EntityManager, e: EraseContactInput): Promise<void> {
  const ids = pgArray(e.patientIds);
  const ws = e.workspaceId;
  const pseudonym = e.pseudonymPhone;
  await em.execute(
    "update contacts set erased_at = coalesce(erased_at, ?), last_inbound_at = '{}'::jsonb, updated_at = ? where id = ? and workspace_id = ?",
    [e.now, e.now, e.contactId, ws],
    "run",
  );
  // New public tokens: the old /q /f /r links (in sent messages) answer 404 from now on.
  for (const id of e.patientIds) {
    await em.execute(
      `update patients set name = ?, phone = ?, email = null, appointment_type = null, public_token = ?, token_expires_at = ?, updated_at = ?
        where id = ? and workspace_id = ?`,
      [e.name, pseudonym, newPublicToken(), e.now, e.now, id, ws],
      "run",
    );
  }
  await em.execute(
    `update messages set body = null, content_variables = null,
            to_address = case when to_address like 'whatsapp:%' then 'whatsapp:' || ? else ? end, updated_at = ?
      where workspace_id = ? and patient_id = any(?::uuid[])`,
    [pseudonym, pseudonym, e.now, ws, ids],
    "run",
  );
  await em.execute(
    `update inbound_messages set body = '', button_payload = null, raw_params = null,
            from_address = case when from_address like 'whatsapp:%' then 'whatsapp:' || ? else ? end
      where workspace_id = ? and (patient_id = any(?::uuid[]) or from_address in (?, ?))`,
    [pseudonym, pseudonym, ws, ids, e.phone, `whatsapp:${e.phone}`],
    "run",
  );
  await em.execute("update feedback set text = '', staff_notes = null, updated_at = ? where workspace_id = ? and patient_id = any(?::uuid[])", [e.now, ws, ids], "run");
  await em.execute("update review_clicks set user_agent = null where workspace_id = ? and patient_id = any(?::uuid[])", [ws, ids], "run");
  await eraseConsentEvidence(em, ws, e.contactId);
}

/** Ids of the contact's messages not yet handed to the provider, unlocked (the caller locks their outbox rows first). */
export async function pendingMessageIdsOfContact(em: EntityManager, workspaceId: string, contactId: string): Promise<string[]> {
  const rows = await scopedQuery<{ id: string }>(
    em,
    workspaceId,
    `select m.id from messages m join patients p on p.workspace_id = m.workspace_id and p.id = m.patient_id
      where m.workspace_id = ? and m.status = 'PENDING' and p.contact_id = ?`,
    [contactId],
  );
  return rows.map((r) => r.id);
}

export interface LockedContact {
  contactId: string;
  phone: string;
  optedOutAt: Date | null;
  erasedAt: Date | null;
  /** Whether a patient row of the contact has this doctor (false when no doctor was asked about). */
  hasDoctor: boolean;
  /** The channel of the contact's latest appointment (what an opt-in records by default). */
  lastChannel: ConsentChannel | null;
}

/**
 * The contact locked FOR NO KEY UPDATE (as lockPatientContact: the send step locks it too), with
 * whether `doctorId` has an appointment of it; null when the contact is not in the workspace.
 */
export async function lockContactById(em: EntityManager, workspaceId: string, contactId: string, doctorId: string | null): Promise<LockedContact | null> {
  const [row] = await scopedQuery<{ id: string; phone: string; opted_out_at: Date | null; erased_at: Date | null }>(
    em,
    workspaceId,
    "select id, phone, opted_out_at, erased_at from contacts where workspace_id = ? and id = ? for no key update",
    [contactId],
  );
  if (!row) return null;
  const [facts] = await scopedQuery<{ has_doctor: boolean; channel: ConsentChannel | null }>(
    em,
    workspaceId,
    `select exists (select 1 from patients p where p.workspace_id = ? and p.contact_id = ? and p.doctor_id = ?) as has_doctor,
            (select p.preferred_channel from patients p where p.workspace_id = ? and p.contact_id = ? order by p.created_at desc, p.id desc limit 1) as channel`,
    [contactId, doctorId, workspaceId, contactId],
  );
  return { contactId: row.id, phone: row.phone, optedOutAt: row.opted_out_at, erasedAt: row.erased_at, hasDoctor: doctorId !== null && facts?.has_doctor === true, lastChannel: facts?.channel ?? null };
}
