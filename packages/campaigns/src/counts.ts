import { ratingSql } from "@rm/domain";

// A campaign's counts, from SQL aggregates over its own rows (never rows loaded into memory). The
// lateral subqueries are joined to a page of campaigns, so a list of 25 campaigns counts only those.

/** Counts of the list page. */
export interface CampaignCounts {
  /** Appointments imported (merged duplicates not included). */
  patients: number;
  /** Never messaged: no consent, opted out, erased, cooldown, appointment too old, landline… */
  skipped: number;
  /** Rating requests the provider accepted (they have a provider sid). */
  sent: number;
  /** … that reached the phone (DELIVERED or READ). */
  delivered: number;
  /** Patients who gave a rating (reply or one-tap page). */
  rated: number;
  /** Rating requests that failed (FAILED or UNDELIVERED, before or after the provider took them). */
  failed: number;
}

/** The campaign page's header adds where the rest stand. */
export interface CampaignDetailCounts extends CampaignCounts {
  /** Waiting to be sent (imported or scheduled). */
  pending: number;
  read: number;
  /** Ratings 1–3 (private feedback path). */
  unhappy: number;
  /** Patients whose contact opted out (by reply, the carrier or staff). */
  optedOut: number;
  /** Patients who clicked the review link. */
  clicked: number;
  /** Cancelled before sending (campaign cancelled, opt-out). */
  cancelled: number;
}

/**
 * SQL of the lateral counts for the campaign row aliased `c` (its `workspace_id` and `id`); every
 * table repeats the workspace. `detail` adds the header's extra figures.
 */
export function countsSql(detail: boolean): string {
  return `
    cross join lateral (
      select count(*)::int as patients,
             count(*) filter (where p.status = 'SKIPPED')::int as skipped,
             count(*) filter (where p.rating is not null)::int as rated
             ${detail ? `,
             count(*) filter (where p.status in ('PENDING', 'SCHEDULED'))::int as pending,
             count(*) filter (where ${ratingSql("unhappy", "p.rating")})::int as unhappy,
             count(*) filter (where p.status = 'CANCELLED')::int as cancelled` : ""}
        from patients p where p.workspace_id = c.workspace_id and p.campaign_id = c.id
    ) pc
    cross join lateral (
      select count(*) filter (where m.provider_sid is not null)::int as sent,
             count(*) filter (where m.status in ('DELIVERED', 'READ'))::int as delivered,
             count(*) filter (where m.status in ('FAILED', 'UNDELIVERED'))::int as failed
             ${detail ? `,
             count(*) filter (where m.status = 'READ')::int as read` : ""}
        from messages m where m.workspace_id = c.workspace_id and m.campaign_id = c.id and m.type in ('INITIAL', 'BROADCAST')
    ) mc
    ${detail ? `
    cross join lateral (
      select count(*)::int as opted_out
        from patients p join contacts ct on ct.workspace_id = p.workspace_id and ct.id = p.contact_id
       where p.workspace_id = c.workspace_id and p.campaign_id = c.id and ct.opted_out_at is not null
    ) oc
    cross join lateral (
      select count(*)::int as clicked
        from review_clicks rc join patients p on p.workspace_id = rc.workspace_id and p.id = rc.patient_id
       where rc.workspace_id = c.workspace_id and p.campaign_id = c.id
    ) cc` : ""}`;
}

export const COUNT_COLUMNS = "pc.patients, pc.skipped, pc.rated, mc.sent, mc.delivered, mc.failed";
export const DETAIL_COUNT_COLUMNS = `${COUNT_COLUMNS}, pc.pending, pc.unhappy, pc.cancelled, mc.read, oc.opted_out, cc.clicked`;

export interface CountRow {
  patients: number;
  skipped: number;
  rated: number;
  sent: number;
  delivered: number;
  failed: number;
}

export interface DetailCountRow extends CountRow {
  pending: number;
  unhappy: number;
  cancelled: number;
  read: number;
  opted_out: number;
  clicked: number;
}

export function toCounts(r: CountRow): CampaignCounts {
  return {
    patients: Number(r.patients),
    skipped: Number(r.skipped),
    sent: Number(r.sent),
    delivered: Number(r.delivered),
    rated: Number(r.rated),
    failed: Number(r.failed),
  };
}

export function toDetailCounts(r: DetailCountRow): CampaignDetailCounts {
  return {
    ...toCounts(r),
    pending: Number(r.pending),
    read: Number(r.read),
    unhappy: Number(r.unhappy),
    optedOut: Number(r.opted_out),
    clicked: Number(r.clicked),
    cancelled: Number(r.cancelled),
  };
}
