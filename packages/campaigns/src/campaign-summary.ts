// What the campaign list and the campaign page both show of a campaign, and the columns their
// queries select for it.
import type { CampaignStatusFilter } from "./filters.ts";

/** A campaign is rating requests after appointments or one message to an audience (SPEC §14). */
export type CampaignKind = "FEEDBACK" | "BROADCAST";

export interface CampaignSummary {
  id: string;
  name: string;
  kind: CampaignKind;
  status: CampaignStatusFilter;
  practiceId: string;
  practiceName: string;
  doctorId: string | null;
  doctorName: string | null;
  createdAt: Date;
}

/** The row columns behind a CampaignSummary. */
export interface CampaignSummaryRow {
  id: string;
  name: string;
  kind: CampaignKind;
  status: CampaignStatusFilter;
  practice_id: string;
  practice_name: string;
  doctor_id: string | null;
  doctor_name: string | null;
  created_at: Date | string;
}

export function toCampaignSummary(r: CampaignSummaryRow): CampaignSummary {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    status: r.status,
    practiceId: r.practice_id,
    practiceName: r.practice_name,
    doctorId: r.doctor_id,
    doctorName: r.doctor_name,
    createdAt: new Date(r.created_at),
  };
}
