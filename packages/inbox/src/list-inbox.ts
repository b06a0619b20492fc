// The inbox list (SPEC §5.9): newest first, keyset-paged, with the count of each status for the
// tabs under the same source / detractor / practice filters.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import { ratingSql } from "@rm/domain";
import { encodeCursor, statusesOf, type InboxFilters, type InboxSource } from "./filters.ts";
import { doctorScope, MICROS, type InboxViewer } from "./viewer.ts";

import type { InboxStatus } from "./constants.ts";

export type { InboxStatus };

export interface InboxListItem {
  id: string;
  source: InboxSource;
  status: InboxStatus;
  /** The item's rating: the low rating itself, or the patient's rating when they wrote the form; null for replies. */
  rating: number | null;
  /** The text, cut to `excerptLength` characters (whole text on the item page). */
  excerpt: string;
  createdAt: Date;
  patientName: string;
  phone: string;
  campaignId: string;
  campaignName: string;
  practiceId: string;
  practiceName: string;
  /** The conversation this item is an entry of (SPEC §13), when it has one. */
  conversationId: string | null;
}

export interface InboxList {
  items: InboxListItem[];
  /** Cursor of the next (older) page, null on the last one. */
  next: string | null;
  counts: Record<InboxStatus, number> & { open: number; all: number };
}

export interface ListOptions {
  limit?: number;
  excerptLength?: number;
}

interface Row {
  id: string;
  conversation_id: string | null;
  source: InboxSource;
  status: InboxStatus;
  rating: number | null;
  excerpt: string;
  created_at: Date;
  cursor_at: string;
  patient_name: string;
  phone: string;
  campaign_id: string;
  campaign_name: string;
  practice_id: string;
  practice_name: string;
}

/**
 * The filters other than status, split by table: on the item itself (f) and on its campaign (c: the
 * doctor scope and the practice).
 */
function narrowing(viewer: InboxViewer, filters: InboxFilters): { sql: string; params: unknown[]; campaignSql: string; campaignParams: unknown[]; needsCampaign: boolean } {
  let sql = "";
  const params: unknown[] = [];
  if (filters.source) {
    sql += " and f.source = ?";
    params.push(filters.source);
  }
  if (filters.detractors) sql += ` and ${ratingSql("detractor", "f.rating")}`;
  // Unqualified: the page's lateral row and the count's patients row both have the one doctor_id.
  const scope = doctorScope(viewer, "doctor_id");
  let campaignSql = scope.sql;
  const campaignParams = [...scope.params];
  if (filters.practiceId) {
    campaignSql += " and c.practice_id = ?";
    campaignParams.push(filters.practiceId);
  }
  return { sql, params, campaignSql, campaignParams, needsCampaign: campaignSql !== "" };
}

export async function listInbox(em: EntityManager, viewer: InboxViewer, filters: InboxFilters, options: ListOptions = {}): Promise<InboxList> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  // Inlined as a checked integer: scopedQuery wants the workspace id as the statement's first placeholder.
  const excerptLength = Math.min(Math.max(Math.trunc(options.excerptLength ?? 160), 1), 5000);
  const narrow = narrowing(viewer, filters);
  const statuses = statusesOf(filters.status);

  // The items are chosen on feedback first (feedback_inbox_idx), then each looks up its patient,
  // campaign and practice by primary key (LATERAL … LIMIT 1 keeps that order). Left to itself the
  // planner starts from the campaigns and walks every patient of the workspace: it takes the
  // workspace conditions repeated on each table for independent filters and expects almost no rows.
  // Without campaign filters the page's limit applies before the lookups too.
  let candidates =
    `select f.id, f.conversation_id, f.workspace_id, f.patient_id, f.source, f.status, f.rating, left(f.text, ${excerptLength}) as excerpt, f.created_at, ${MICROS("f.created_at")} as cursor_at
       from feedback f where f.workspace_id = ? and f.status = any(?::text[])` + narrow.sql;
  const params: unknown[] = [`{${statuses.join(",")}}`, ...narrow.params];
  if (filters.after) {
    candidates += " and (f.created_at, f.id) < (?::timestamptz, ?::uuid)";
    params.push(filters.after.createdAt, filters.after.id);
  }
  if (!narrow.needsCampaign) {
    candidates += " order by f.created_at desc, f.id desc limit ?";
    params.push(limit + 1);
  }
  const page = `
    with candidates as materialized (${candidates})
    select f.id, f.conversation_id, f.source, f.status, f.rating, f.excerpt, f.created_at, f.cursor_at,
           c.patient_name, c.phone, c.campaign_id, c.campaign_name, c.practice_id, c.practice_name
      from candidates f
      cross join lateral (
        select p.name as patient_name, p.phone, cp.id as campaign_id, cp.name as campaign_name, cp.practice_id, p.doctor_id, pr.name as practice_name
          from patients p
          join campaigns cp on cp.id = p.campaign_id and cp.workspace_id = p.workspace_id
          join practices pr on pr.id = cp.practice_id and pr.workspace_id = p.workspace_id
         where p.id = f.patient_id and p.workspace_id = f.workspace_id
         limit 1) c
     where true${narrow.campaignSql}
     order by f.created_at desc, f.id desc limit ?`;
  params.push(...narrow.campaignParams, limit + 1);
  const rows = await scopedQuery<Row>(em, viewer.workspaceId, page, params);

  const join = narrow.needsCampaign ? " join patients p on p.id = f.patient_id and p.workspace_id = f.workspace_id join campaigns c on c.id = p.campaign_id and c.workspace_id = f.workspace_id" : "";
  const countRows = await scopedQuery<{ status: InboxStatus; n: string }>(
    em,
    viewer.workspaceId,
    `select f.status, count(*)::text as n from feedback f${join} where f.workspace_id = ?${narrow.sql}${narrow.campaignSql} group by f.status`,
    [...narrow.params, ...narrow.campaignParams],
  );
  const counts = { NEW: 0, IN_PROGRESS: 0, RESOLVED: 0, open: 0, all: 0 };
  for (const r of countRows) counts[r.status] = Number(r.n);
  counts.open = counts.NEW + counts.IN_PROGRESS;
  counts.all = counts.open + counts.RESOLVED;

  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    items: shown.map((r) => ({
      id: r.id,
      source: r.source,
      status: r.status,
      rating: r.rating,
      excerpt: r.excerpt,
      createdAt: new Date(r.created_at),
      patientName: r.patient_name,
      phone: r.phone,
      campaignId: r.campaign_id,
      campaignName: r.campaign_name,
      practiceId: r.practice_id,
      practiceName: r.practice_name,
      conversationId: r.conversation_id,
    })),
    next: rows.length > limit && last ? encodeCursor({ createdAt: last.cursor_at, id: last.id }) : null,
    counts,
  };
}
