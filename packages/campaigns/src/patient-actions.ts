// Staff actions on one patient of a campaign page: opt-out, opt-back-in and erasure (SPEC §3, §4, §13);
// opt-out and opt-in are recorded in the contact's consent history. All act on the
// patient's Contact — the phone's facts that outlive a campaign — so they hold for every campaign of
// the workspace; both cancel the contact's sends that have not reached the provider and release their
// holds (cancelPendingSends, shared with opt-out by reply); both are audited with ids only.
import { randomInt } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { lockOutboxRowsByKey, scopedQuery } from "@rm/db";
import {
  setMarketingConsent,
  cancelPendingSends,
  consentHistory,
  eraseContact,
  EVIDENCE_MAX_LENGTH,
  lockContactPatients,
  lockContactById,
  lockPatientContact,
  optInContact,
  optOutContact,
  pendingMessageIdsOfContact,
  pendingMessageIdsOfPatientContact,
  type ConsentChannel,
  type ConsentHistoryEntry,
  type LockedContact,
  type PatientContact,
} from "@rm/messaging";
import { eraseContactNotes } from "@rm/contacts";
import { writeAudit } from "./audit.ts";
import { findCampaignPatient } from "./list-patients.ts";
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

async function inTransaction<T>(em: EntityManager, fn: (tem: EntityManager) => Promise<T>): Promise<T> {
  return em.isInTransaction() ? fn(em) : em.transactional((tem) => fn(tem as EntityManager));
}

/**
 * The patient of this campaign with its contact locked (the send step locks the contact too, so a
 * send and this action never interleave), or null when it is not there for this viewer.
 */
async function lockTarget(em: EntityManager, input: PatientActionInput): Promise<PatientContact | null> {
  if (!UUID.test(input.campaignId) || !UUID.test(input.patientId)) return null;
  // Lock order as the worker's send step (outbox row, then message and contact), so cancelling the
  // contact's pending sends never deadlocks with a send in progress.
  const waiting = await pendingMessageIdsOfPatientContact(em, input.workspaceId, input.campaignId, input.patientId);
  await lockOutboxRowsByKey(em, waiting.map((id) => messageSendEvent.key(id)));
  const contact = await lockPatientContact(em, input.workspaceId, input.campaignId, input.patientId);
  if (!contact) return null;
  const [campaign] = await scopedQuery<{ assigned_doctor_id: string | null }>(em, input.workspaceId, "select assigned_doctor_id from campaigns where workspace_id = ? and id = ?", [input.campaignId]);
  if (!campaign) return null;
  if (input.viewer.role === "DOCTOR") {
    // A doctor acts on their own appointments only (the patient's doctor), in any campaign.
    if (contact.doctorId !== input.viewer.userId) return null;
  } else if (!canOpenCampaign(input.viewer, campaign.assigned_doctor_id)) return null;
  return contact;
}

export type OptOutResult = { outcome: "opted_out"; messagesCancelled: number } | { outcome: "already_opted_out" };

/** Opts the patient's contact out on staff's word (source "staff"): nothing more is sent to that phone. */
export async function optOutPatient(em: EntityManager, input: PatientActionInput): Promise<OptOutResult | null> {
  const now = input.now ?? new Date();
  return inTransaction(em, async (tem) => {
    const target = await lockTarget(tem, input);
    if (!target) return null;
    if (target.optedOutAt !== null) return { outcome: "already_opted_out" };
    await optOutContact(tem, input.workspaceId, target.contactId, "staff", now, input.viewer.userId);
    const cancelled = await cancelPendingSends(tem, input.workspaceId, target.contactId, now, STAFF_OPT_OUT_TEXT);
    await writeAudit(tem, {
      workspaceId: input.workspaceId,
      actorId: input.viewer.userId,
      action: "patient.opted_out",
      entityType: "patient",
      entityId: target.patientId,
      ip: input.ip ?? null,
      details: { campaignId: input.campaignId, contactId: target.contactId, messagesCancelled: cancelled },
      now,
    });
    return { outcome: "opted_out", messagesCancelled: cancelled };
  });
}

export type OptInResult = { outcome: "opted_in" } | { outcome: "evidence_required" } | { outcome: "erased" };

/**
 * Staff record that the patient wants messages again (at the front desk, by phone…): the opt-out is
 * lifted and consent for the patient's channel recorded with source STAFF, the viewer as actor and
 * `evidence` — how the patient said so — which is required. Nothing already cancelled is rescheduled:
 * it applies to the next campaigns. An erased patient cannot be opted back in.
 */
export async function optInPatient(em: EntityManager, input: PatientActionInput & { evidence: string }): Promise<OptInResult | null> {
  const now = input.now ?? new Date();
  const evidence = input.evidence.trim();
  return inTransaction(em, async (tem) => {
    const target = await lockTarget(tem, input);
    if (!target) return null;
    if (target.erasedAt !== null) return { outcome: "erased" };
    if (evidence === "") return { outcome: "evidence_required" };
    await optInContact(tem, { workspaceId: input.workspaceId, contactId: target.contactId, channel: target.channel, actorId: input.viewer.userId, evidence: evidence.slice(0, EVIDENCE_MAX_LENGTH), now });
    await writeAudit(tem, {
      workspaceId: input.workspaceId,
      actorId: input.viewer.userId,
      action: "patient.opted_in",
      entityType: "patient",
      entityId: target.patientId,
      ip: input.ip ?? null,
      details: { campaignId: input.campaignId, contactId: target.contactId, channel: target.channel },
      now,
    });
    return { outcome: "opted_in" };
  });
}

/** The consent history of this campaign patient's contact, oldest first; null when the patient is not there for this viewer. */
export async function patientConsentHistory(em: EntityManager, input: Omit<PatientActionInput, "ip" | "now">): Promise<ConsentHistoryEntry[] | null> {
  if (!UUID.test(input.campaignId) || !UUID.test(input.patientId)) return null;
  const [campaign] = await scopedQuery<{ assigned_doctor_id: string | null }>(em, input.workspaceId, "select assigned_doctor_id from campaigns where workspace_id = ? and id = ?", [input.campaignId]);
  if (!campaign || !canOpenCampaign(input.viewer, campaign.assigned_doctor_id)) return null;
  const patient = await findCampaignPatient(em, input.workspaceId, input.campaignId, input.patientId);
  if (!patient) return null;
  return consentHistory(em, input.workspaceId, patient.contactId);
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
    const patients = await lockContactPatients(tem, input.workspaceId, target.contactId);
    // Erased before: make sure nothing of it came back (an import after the erasure stores the row skipped, with a name).
    if (target.erasedAt !== null && patients.length > 0 && patients.every((p) => p.name === ERASED_NAME)) return { outcome: "already_erased" };
    const messagesCancelled = await cancelPendingSends(tem, input.workspaceId, target.contactId, now, ERASED_TEXT);
    const ws = input.workspaceId;
    await eraseContact(tem, {
      workspaceId: ws,
      contactId: target.contactId,
      phone: target.phone,
      patientIds: patients.map((p) => p.id),
      name: ERASED_NAME,
      pseudonymPhone: pseudonymPhone(),
      now,
    });
    await eraseContactNotes(tem, ws, target.contactId);

    await writeAudit(tem, {
      workspaceId: ws,
      actorId: input.viewer.userId,
      action: "patient.erased",
      entityType: "patient",
      entityId: target.patientId,
      ip: input.ip ?? null,
      details: { campaignId: input.campaignId, contactId: target.contactId, patientsErased: patients.length, messagesCancelled },
      now,
    });
    return { outcome: "erased", patientsErased: patients.length, messagesCancelled };
  });
}

// The same actions from the contact page (SPEC §13): on a contact by its id rather than through one
// campaign's patient. Owners act on every contact, a doctor on the contacts with an appointment of
// theirs; anything else — reception included — gets null (the route answers 403 or 404 first).

export interface ContactActionInput {
  workspaceId: string;
  contactId: string;
  viewer: Viewer;
  ip?: string | null;
  now?: Date;
}

async function lockContactTarget(em: EntityManager, input: ContactActionInput): Promise<LockedContact | null> {
  if (!UUID.test(input.contactId)) return null;
  if (input.viewer.role !== "OWNER" && input.viewer.role !== "DOCTOR") return null;
  // Lock order as the worker's send step: the outbox rows of the contact's waiting sends, then the contact.
  const waiting = await pendingMessageIdsOfContact(em, input.workspaceId, input.contactId);
  await lockOutboxRowsByKey(em, waiting.map((id) => messageSendEvent.key(id)));
  const contact = await lockContactById(em, input.workspaceId, input.contactId, input.viewer.role === "DOCTOR" ? input.viewer.userId : null);
  if (!contact) return null;
  if (input.viewer.role === "DOCTOR" && !contact.hasDoctor) return null;
  return contact;
}

/** Opts the contact out on staff's word, from the contact page; null when not there for this viewer. */
export async function optOutContactByStaff(em: EntityManager, input: ContactActionInput): Promise<OptOutResult | null> {
  const now = input.now ?? new Date();
  return inTransaction(em, async (tem) => {
    const target = await lockContactTarget(tem, input);
    if (!target) return null;
    if (target.optedOutAt !== null) return { outcome: "already_opted_out" };
    await optOutContact(tem, input.workspaceId, target.contactId, "staff", now, input.viewer.userId);
    const cancelled = await cancelPendingSends(tem, input.workspaceId, target.contactId, now, STAFF_OPT_OUT_TEXT);
    await writeAudit(tem, {
      workspaceId: input.workspaceId,
      actorId: input.viewer.userId,
      action: "contact.opted_out",
      entityType: "contact",
      entityId: target.contactId,
      ip: input.ip ?? null,
      details: { messagesCancelled: cancelled },
      now,
    });
    return { outcome: "opted_out", messagesCancelled: cancelled };
  });
}

/**
 * Opts the contact back in from the contact page with the patient's evidence (required), for the
 * channel chosen (default: the latest appointment's); null when not there for this viewer.
 */
export async function optInContactByStaff(em: EntityManager, input: ContactActionInput & { evidence: string; channel?: ConsentChannel | null }): Promise<OptInResult | null> {
  const now = input.now ?? new Date();
  const evidence = input.evidence.trim();
  return inTransaction(em, async (tem) => {
    const target = await lockContactTarget(tem, input);
    if (!target) return null;
    if (target.erasedAt !== null) return { outcome: "erased" };
    if (evidence === "") return { outcome: "evidence_required" };
    const channel = input.channel ?? target.lastChannel ?? "SMS";
    await optInContact(tem, { workspaceId: input.workspaceId, contactId: target.contactId, channel, actorId: input.viewer.userId, evidence: evidence.slice(0, EVIDENCE_MAX_LENGTH), now });
    await writeAudit(tem, {
      workspaceId: input.workspaceId,
      actorId: input.viewer.userId,
      action: "contact.opted_in",
      entityType: "contact",
      entityId: target.contactId,
      ip: input.ip ?? null,
      details: { channel },
      now,
    });
    return { outcome: "opted_in" };
  });
}

/**
 * Records or withdraws the contact's marketing consent (broadcasts, SPEC §14) from the contact page,
 * with how it was obtained (required to grant); audited. Never changes the consent to feedback
 * requests. Null when the contact is not there for this viewer.
 */
export async function setMarketingConsentByStaff(em: EntityManager, input: ContactActionInput & { granted: boolean; evidence: string }): Promise<OptInResult | { outcome: "withdrawn" } | null> {
  const now = input.now ?? new Date();
  const evidence = input.evidence.trim();
  return inTransaction(em, async (tem) => {
    const target = await lockContactTarget(tem, input);
    if (!target) return null;
    if (target.erasedAt !== null) return { outcome: "erased" };
    if (input.granted && evidence === "") return { outcome: "evidence_required" };
    await setMarketingConsent(tem, { workspaceId: input.workspaceId, contactId: target.contactId, granted: input.granted, source: "STAFF", actorId: input.viewer.userId, evidence: evidence === "" ? null : evidence.slice(0, EVIDENCE_MAX_LENGTH), now });
    await writeAudit(tem, {
      workspaceId: input.workspaceId,
      actorId: input.viewer.userId,
      action: "contact.marketing_consent_changed",
      entityType: "contact",
      entityId: target.contactId,
      ip: input.ip ?? null,
      details: { granted: input.granted ? 1 : 0 },
      now,
    });
    return input.granted ? { outcome: "opted_in" } : { outcome: "withdrawn" };
  });
}

/** Erases the person behind the contact (as erasePatient, across every appointment), from the contact page. */
export async function eraseContactByStaff(em: EntityManager, input: ContactActionInput): Promise<EraseResult | null> {
  const now = input.now ?? new Date();
  return inTransaction(em, async (tem) => {
    const target = await lockContactTarget(tem, input);
    if (!target) return null;
    const patients = await lockContactPatients(tem, input.workspaceId, target.contactId);
    if (target.erasedAt !== null && patients.every((p) => p.name === ERASED_NAME)) return { outcome: "already_erased" };
    const messagesCancelled = await cancelPendingSends(tem, input.workspaceId, target.contactId, now, ERASED_TEXT);
    await eraseContact(tem, {
      workspaceId: input.workspaceId,
      contactId: target.contactId,
      phone: target.phone,
      patientIds: patients.map((p) => p.id),
      name: ERASED_NAME,
      pseudonymPhone: pseudonymPhone(),
      now,
    });
    await eraseContactNotes(tem, input.workspaceId, target.contactId);
    await writeAudit(tem, {
      workspaceId: input.workspaceId,
      actorId: input.viewer.userId,
      action: "contact.erased",
      entityType: "contact",
      entityId: target.contactId,
      ip: input.ip ?? null,
      details: { patientsErased: patients.length, messagesCancelled },
      now,
    });
    return { outcome: "erased", patientsErased: patients.length, messagesCancelled };
  });
}
