// The receptionist's checkout flow: one patient, due now (SPEC §3, §5).
// Goes through createCampaignFromRows, so consent, opt-out, cooldown, quiet hours, the credit hold and
// the outbox row are exactly those of a CSV import.
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { workspaceSendingSettings } from "@rm/accounts";
import { coded } from "@rm/catalogue";
import { destinationRejection, normalizePhone, type PlatformSending } from "@rm/domain";
import { outboxDueTimes } from "@rm/db";
import { messageSendEvent } from "@rm/events";
import { singleSendRow } from "./campaign-views.ts";
import { createCampaignFromRows, toEm, type CampaignPatientResult, type CreateCampaignResult } from "./create-campaign.ts";
import { CampaignInputError } from "./errors.ts";
import type { Channel } from "./fields.ts";

type CountryCode = NonNullable<Parameters<typeof normalizePhone>[1]>;

export interface SendToOnePatientInput {
  workspaceId: string;
  practiceId: string;
  assignedDoctorId: string | null;
  createdById: string;
  name: string;
  /** As typed at the desk: "0987654321", "+593 98 765 4321"… */
  phone: string;
  /** The patient agreed to receive the message (the form's checkbox). Required. */
  consent: boolean;
  channel?: Channel;
  /** Default now: the patient is at checkout. */
  appointmentAt?: Date;
  appointmentType?: string | null;
  /** Country for numbers without a country code; default "EC". */
  defaultCountry?: CountryCode;
  publicUrl: string;
  campaignName?: string;
  now?: Date;
  ip?: string | null;
  /** The platform's senders and templates; with them a send that could not be delivered is refused. */
  platform?: PlatformSending;
}

/** What the consent history keeps as the evidence of a patient entered by hand (the form's checkbox). */
export const SINGLE_SEND_CONSENT_EVIDENCE = "El personal marcó que el paciente aceptó recibir el mensaje (envío individual).";

export interface SendToOnePatientResult extends CreateCampaignResult {
  patient: CampaignPatientResult;
}

/**
 * Creates a one-patient campaign whose INITIAL is due now (hours after = 0; quiet hours still apply).
 * Throws CampaignInputError (Spanish message) for a missing name, an invalid or landline phone, or
 * no consent; InsufficientCreditsError when the hold does not fit.
 */
export async function sendToOnePatient(target: MikroORM | EntityManager, input: SendToOnePatientInput): Promise<SendToOnePatientResult> {
  const now = input.now ?? new Date();
  const name = input.name.replace(/\s+/g, " ").trim();
  if (name === "") throw new CampaignInputError("INVALID_NAME", coded("imports.error.patientName"), "name");
  if (name.length > 200) throw new CampaignInputError("INVALID_NAME", coded("imports.error.nameTooLong", { max: 200 }), "name");
  const phone = normalizePhone(input.phone, input.defaultCountry ?? "EC");
  if (!phone.ok) throw new CampaignInputError("INVALID_PHONE", coded(`accounts.phone.${phone.reason}`), "phone");
  if (!phone.reachable) throw new CampaignInputError("INVALID_PHONE", coded("accounts.phone.LANDLINE"), "phone");
  const ws = await workspaceSendingSettings(toEm(target), input.workspaceId);
  if (!ws) throw new CampaignInputError("WORKSPACE_NOT_FOUND", coded("imports.error.workspaceNotFound"));
  const rejected = destinationRejection(phone.e164, ws.destination);
  if (rejected) {
    const text = rejected.country ? coded("imports.destination.notAllowed", { country: rejected.country, allowed: rejected.allowed }) : coded("imports.destination.unknownCountry", { allowed: rejected.allowed });
    throw new CampaignInputError("DESTINATION_NOT_ALLOWED", text, "phone");
  }
  if (!input.consent) throw new CampaignInputError("CONSENT_REQUIRED", coded("imports.error.consent"), "consent");
  const appointmentAt = input.appointmentAt ?? now;
  const result = await createCampaignFromRows(target, {
    workspaceId: input.workspaceId,
    practiceId: input.practiceId,
    assignedDoctorId: input.assignedDoctorId,
    createdById: input.createdById,
    name: input.campaignName ?? `Envío individual ${now.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    ...(input.channel ? { channel: input.channel } : {}),
    rows: [{ name, phone: phone.e164, reachable: true, appointmentAt, appointmentType: input.appointmentType ?? null, consent: true }],
    scheduledHoursAfter: 0,
    publicUrl: input.publicUrl,
    now,
    ip: input.ip ?? null,
    source: "single",
    // Staff entered the patient and ticked that they accepted: a grant by staff, not by a file.
    consentGrant: { source: "STAFF", evidence: SINGLE_SEND_CONSENT_EVIDENCE },
    ...(input.platform ? { platform: input.platform } : {}),
  });
  return { ...result, patient: result.patients[0]! };
}

export interface SingleSendSummary {
  campaignId: string;
  name: string;
  phone: string;
  skipReason: string | null;
  /** When its rating request is due (ISO), or null when none was scheduled (skipped). */
  sendAt: string | null;
  /** The campaign's zone (its practice's, else the workspace's), which the send time is shown in. */
  timezone: string;
}

/**
 * What happened to one of the user's own sends, read back after the redirect (the page shows it
 * without putting a name or phone in the URL). Null for another user's campaign or another workspace's.
 */
export async function findOwnSingleSend(em: EntityManager, input: { workspaceId: string; userId: string; campaignId: string }): Promise<SingleSendSummary | null> {
  const row = await singleSendRow(em, input.workspaceId, input.userId, input.campaignId);
  if (!row) return null;
  const key = row.message_id ? messageSendEvent.key(row.message_id) : null;
  const due = key ? await outboxDueTimes(em, input.workspaceId, [key]) : new Map<string, Date>();
  const sendAt = key ? (due.get(key) ?? null) : null;
  return {
    campaignId: input.campaignId,
    name: row.name,
    phone: row.phone,
    skipReason: row.skip_reason,
    sendAt: sendAt ? sendAt.toISOString() : null,
    timezone: row.timezone,
  };
}
