// The upload pages' read model (docs/ARCHITECTURE.md, "Table ownership"): a draft with the names
// it shows, the drafts still waiting, and what became of a single send. Each is one joined SELECT
// across the owners' tables (campaigns, practices, workspaces, users, patients, messages); this module
// only reads them. Writes go through the owners' functions.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import type { Channel } from "./fields.ts";

export interface DraftViewRow<Rows> {
  id: string;
  status: "DRAFT" | "ACTIVE" | "COMPLETED" | "CANCELLED";
  name: string;
  practice_id: string;
  practice_name: string;
  time_zone: string;
  assigned_doctor_id: string | null;
  doctor_name: string | null;
  created_by_id: string;
  created_by_name: string;
  scheduled_hours_after: number;
  channel: Channel;
  file_name: string | null;
  encoding: string;
  delimiter: string;
  rows: Rows | null;
  rejected: unknown;
  duplicates: unknown;
  warnings: unknown;
  counts: unknown;
  consent_column: boolean;
  created_at: Date;
  expires_at: Date;
  confirmed_at: Date | null;
  confirm_stage: string | null;
  confirm_done: number;
  confirm_error: unknown;
  confirm_requested_at: Date | null;
}

/** A campaign of the workspace with its stored draft and the names of its practice and people; `withRows: false` leaves the accepted rows out. */
export async function draftViewRow<Rows>(em: EntityManager, workspaceId: string, campaignId: string, withRows: boolean): Promise<DraftViewRow<Rows> | null> {
  const [r] = await scopedQuery<DraftViewRow<Rows>>(
    em,
    workspaceId,
    `select c.id, c.status, c.name, c.practice_id, p.name as practice_name, coalesce(p.timezone, w.timezone) as time_zone, c.assigned_doctor_id, du.name as doctor_name,
            c.created_by_id, cu.name as created_by_name, c.scheduled_hours_after, d.channel, d.file_name, d.encoding, d.delimiter,
            ${withRows ? "d.rows" : "null"} as rows, d.rejected, d.duplicates, d.warnings, d.counts, d.consent_column, d.created_at, d.expires_at, d.confirmed_at,
            d.confirm_stage, d.confirm_done, d.confirm_error, d.confirm_requested_at
       from campaigns c
       join campaign_drafts d on d.campaign_id = c.id and d.workspace_id = c.workspace_id
       join practices p on p.id = c.practice_id
       join workspaces w on w.id = c.workspace_id
       join users cu on cu.id = c.created_by_id
       left join users du on du.id = c.assigned_doctor_id
      where c.workspace_id = ? and c.id = ?`,
    [campaignId],
  );
  return r ?? null;
}

export interface WaitingDraftRow {
  id: string;
  name: string;
  total_patients: number;
  created_by_name: string;
  created_at: Date;
  expires_at: Date;
}

/** DRAFT campaigns not expired at `now`, newest first; with `userId` only those it uploaded or is assigned. */
export async function waitingDraftRows(em: EntityManager, workspaceId: string, now: Date, userId: string | null, limit: number): Promise<WaitingDraftRow[]> {
  return scopedQuery<WaitingDraftRow>(
    em,
    workspaceId,
    `select c.id, c.name, c.total_patients, u.name as created_by_name, d.created_at, d.expires_at
       from campaigns c
       join campaign_drafts d on d.campaign_id = c.id and d.workspace_id = c.workspace_id
       join users u on u.id = c.created_by_id
      where c.workspace_id = ? and c.status = 'DRAFT' and d.expires_at > ?
        and (?::uuid is null or c.created_by_id = ?::uuid or c.assigned_doctor_id = ?::uuid)
      order by d.created_at desc, c.id
      limit ?`,
    [now, userId, userId, userId, limit],
  );
}

export interface SingleSendRow {
  name: string;
  phone: string;
  skip_reason: string | null;
  /** The INITIAL message, when one was scheduled. */
  message_id: string | null;
  timezone: string;
}

/** The patient of a campaign the user created, with its INITIAL and the campaign's time zone; null for another user's or workspace's campaign. */
export async function singleSendRow(em: EntityManager, workspaceId: string, userId: string, campaignId: string): Promise<SingleSendRow | null> {
  const [row] = await scopedQuery<SingleSendRow>(
    em,
    workspaceId,
    `select p.name, p.phone, p.skip_reason, m.id as message_id, coalesce(pr.timezone, w.timezone) as timezone
       from patients p
       join campaigns c on c.workspace_id = p.workspace_id and c.id = p.campaign_id
       join workspaces w on w.id = p.workspace_id
       left join practices pr on pr.workspace_id = c.workspace_id and pr.id = c.practice_id
       left join messages m on m.workspace_id = p.workspace_id and m.patient_id = p.id and m.type = 'INITIAL'
      where p.workspace_id = ? and c.id = ? and c.created_by_id = ?
      limit 1`,
    [campaignId, userId],
  );
  return row ?? null;
}
