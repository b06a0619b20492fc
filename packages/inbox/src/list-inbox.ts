// The inbox list (SPEC §5.9): newest first, keyset-paged, with the count of each status for the
// tabs under the same source / detractor / practice filters.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
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

/** The filters other than status, as SQL on f (feedback) and c (campaigns), and whether c is needed. */
function narrowing(viewer: InboxViewer, filters: InboxFilters): { sql: string; params: unknown[]; needsCampaign: boolean } {
  const scope = doctorScope(viewer);
  let sql = scope.sql;
  const params = [...scope.params];
  if (filters.source) {
    sql += " and f.source = ?";
    params.push(filters.source);
  }
  if (filters.detractors) sql += " and f.rating <= 2";
  if (filters.practiceId) {
    sql += " and c.practice_id = ?";
    params.push(filters.practiceId);
  }
  return { sql, params, needsCampaign: scope.sql !== "" || filters.practiceId !== null };
}

export async function listInbox(em: EntityManager, viewer: InboxViewer, filters: InboxFilters, options: ListOptions = {}): Promise<InboxList> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  // Inlined as a checked integer: scopedQuery wants the workspace id as the statement's first placeholder.
  const excerptLength = Math.min(Math.max(Math.trunc(options.excerptLength ?? 160), 1), 5000);
  const narrow = narrowing(viewer, filters);
  const statuses = statusesOf(filters.status);

  let page = `
    select f.id, f.source, f.status, f.rating, left(f.text, ${excerptLength}) as excerpt, f.created_at, ${MICROS("f.created_at")} as cursor_at,
           p.name as patient_name, p.phone, c.id as campaign_id, c.name as campaign_name, pr.id as practice_id, pr.name as practice_name
      from feedback f
      join patients p on p.id = f.patient_id and p.workspace_id = f.workspace_id
      join campaigns c on c.id = p.campaign_id and c.workspace_id = f.workspace_id
      join practices pr on pr.id = c.practice_id and pr.workspace_id = f.workspace_id
     where f.workspace_id = ? and f.status = any(?::text[])${narrow.sql}`;
  const params: unknown[] = [`{${statuses.join(",")}}`, ...narrow.params];
  if (filters.after) {
    page += " and (f.created_at, f.id) < (?::timestamptz, ?::uuid)";
    params.push(filters.after.createdAt, filters.after.id);
  }
  page += " order by f.created_at desc, f.id desc limit ?";
  params.push(limit + 1);
  const rows = await scopedQuery<Row>(em, viewer.workspaceId, page, params);

  const join = narrow.needsCampaign ? " join patients p on p.id = f.patient_id and p.workspace_id = f.workspace_id join campaigns c on c.id = p.campaign_id and c.workspace_id = f.workspace_id" : "";
  const countRows = await scopedQuery<{ status: InboxStatus; n: string }>(
    em,
    viewer.workspaceId,
    `select f.status, count(*)::text as n from feedback f${join} where f.workspace_id = ?${narrow.sql} group by f.status`,
    narrow.params,
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
    })),
    next: rows.length > limit && last ? encodeCursor({ createdAt: last.cursor_at, id: last.id }) : null,
    counts,
  };
}
