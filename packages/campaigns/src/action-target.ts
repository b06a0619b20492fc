// What a staff action on the campaign page would act on, for its confirmation step: the campaign
// itself (cancel) or one of its patients (opt out, erase). An action that no longer applies — an
// erased patient, opting out one already opted out, another campaign's patient — has no target, so
// the page shows no confirmation for it.
import type { EntityManager } from "@mikro-orm/postgresql";
import { findCampaignPatient } from "./list-patients.ts";

export const CAMPAIGN_ACTIONS = ["cancel", "optout", "erase"] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

export interface CampaignActionTarget {
  kind: CampaignAction;
  patient: { id: string; name: string; phone: string } | null;
}

export function isCampaignAction(value: unknown): value is CampaignAction {
  return typeof value === "string" && (CAMPAIGN_ACTIONS as readonly string[]).includes(value);
}

/** The target of `kind` (a raw `?confirm=` value) in this campaign, or null when there is none. */
export async function findActionTarget(em: EntityManager, workspaceId: string, campaignId: string, kind: string | null, patientId: string): Promise<CampaignActionTarget | null> {
  if (!isCampaignAction(kind)) return null;
  if (kind === "cancel") return { kind, patient: null };
  const patient = await findCampaignPatient(em, workspaceId, campaignId, patientId);
  if (!patient || patient.erased || (kind === "optout" && patient.optedOut)) return null;
  return { kind, patient: { id: patient.id, name: patient.name, phone: patient.phone } };
}
