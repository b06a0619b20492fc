// What the campaign list and the campaign page both show of a campaign, and the columns their
// queries select for it.
import type { CampaignStatusFilter } from "./filters.ts";

export interface CampaignSummary {
  id: string;
  name: string;
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
    status: r.status,
    practiceId: r.practice_id,
    practiceName: r.practice_name,
    doctorId: r.doctor_id,
    doctorName: r.doctor_name,
    createdAt: new Date(r.created_at),
  };
}
