// The inbox as a view of threads (SPEC §13, "one workflow"): private feedback, low ratings and unparsed
// replies are entries of their patient's thread, and the inbox lists the threads that have such
// entries, under the inbox's filters (source, detractors, practice) and the thread's status — the case
// status. One row per thread, newest activity first, keyset-paged, with the count of each status for
// the tabs. A read model (docs/ARCHITECTURE.md, "Table ownership"): it reads conversations, contacts,
// patients, campaigns, practices and feedback, and never writes them.
// An entry with no thread (its request went out from a Messaging Service: no sender address to write
// back from) is a row of its own, beside the threads in the same order, linking to its item page: what
// a patient wrote is never only reachable by a direct link.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import { ratingSql } from "@rm/domain";
import { SOURCES, THREAD_VIEWS, type InboxSource, type ThreadStatus, type ThreadTab } from "./constants.ts";
import { doctorScope, InboxError, MICROS, UUID, type InboxViewer } from "./viewer.ts";

const PAGE = 50;

export interface InboxThreadFilters {
  /** The thread's status: `open` (default), SNOOZED, CLOSED or all. */
  view: ThreadTab;
  /** Only threads with an entry of this source. */
  source: InboxSource | null;
  /** Only threads with an entry from a detractor (@rm/domain's band). */
  detractors: boolean;
  practiceId: string | null;
  /** Keyset cursor: threads with older activity than this one. */
  after: { at: string; id: string } | null;
}

// Links written before the inbox became a view of threads named the item's workflow state: an open
// item is an open thread's entry, a resolved one a closed thread's.
const LEGACY_STATUS: Record<string, ThreadTab> = { NEW: "open", IN_PROGRESS: "open", RESOLVED: "CLOSED", open: "open", all: "all" };

/** Search params → filters; an unknown value is refused ("inbox.filter.invalid"), never widened. */
export function parseInboxThreadFilters(params: URLSearchParams): InboxThreadFilters {
  const get = (k: string) => {
    const v = params.get(k)?.trim();
    return v ? v : null;
  };
  const invalid = (field: string) => new InboxError("invalid", "inbox.filter.invalid", field);
  const legacy = get("status");
  const view = get("view") ?? (legacy !== null ? LEGACY_STATUS[legacy] : "open");
  if (view === undefined || !(THREAD_VIEWS as readonly string[]).includes(view)) throw invalid(legacy !== null && get("view") === null ? "status" : "view");
  const source = get("source");
  if (source !== null && !(SOURCES as readonly string[]).includes(source)) throw invalid("source");
  const detractors = get("detractors");
  if (detractors !== null && !["1", "true", "on"].includes(detractors)) throw invalid("detractors");
  const practiceId = get("practice");
  if (practiceId !== null && !UUID.test(practiceId)) throw invalid("practice");
  let after: InboxThreadFilters["after"] = null;
  const cursor = get("after");
  if (cursor) {
    const [at, id, ...rest] = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8").split("|") : [];
    if (rest.length || !at || !id || !UUID.test(id) || Number.isNaN(new Date(at).getTime())) throw invalid("after");
    after = { at, id };
  }
  return { view: view as ThreadTab, source: source as InboxSource | null, detractors: detractors !== null, practiceId, after };
}

export interface InboxThreadItem {
  /** THREAD: the row opens the thread (`id` is the thread's); ITEM: an entry without a thread, the row opens its item page (`id` is the entry's). */
  kind: "THREAD" | "ITEM";
  id: string;
  /** The thread's status; for an ITEM its workflow read as one (NEW / IN_PROGRESS → OPEN, RESOLVED → CLOSED). */
  status: ThreadStatus;
  /** An ITEM's own workflow state (the item page's), else null. */
  itemStatus: "NEW" | "IN_PROGRESS" | "RESOLVED" | null;
  channel: "SMS" | "WHATSAPP" | null;
  phone: string;
  patientName: string | null;
  practiceName: string | null;
  campaignId: string | null;
  campaignName: string | null;
  waitingSince: Date | null;
  /** The newest entry that matches the filters: what the row shows. */
  entry: { id: string; source: InboxSource; rating: number | null; excerpt: string; at: Date };
  /** How many entries of the thread match the filters. */
  entries: number;
}

export interface InboxThreadList {
  items: InboxThreadItem[];
  next: string | null;
  counts: Record<ThreadTab, number>;
}

/**
 * The conditions on an entry (alias f) the filters ask for, without placeholders: the source is one of
 * SOURCES (checked again here), so the statement's first placeholder stays the workspace id.
 */
function entryFilter(filters: InboxThreadFilters): string {
  let sql = "";
  if (filters.source) {
    if (!(SOURCES as readonly string[]).includes(filters.source)) throw new InboxError("invalid", "inbox.filter.invalid", "source");
    sql += ` and f.source = '${filters.source}'`;
  }
  if (filters.detractors) sql += ` and ${ratingSql("detractor", "f.rating")}`;
  return sql;
}

export async function listInboxThreads(em: EntityManager, viewer: InboxViewer, filters: InboxThreadFilters, options: { excerptLength?: number } = {}): Promise<InboxThreadList> {
  const scope = doctorScope(viewer, "p.doctor_id");
  const excerptLength = Math.min(Math.max(Math.trunc(options.excerptLength ?? 160), 1), 5000);
  const entry = entryFilter(filters);
  const narrow: string[] = [];
  const narrowParams: unknown[] = [];
  if (filters.practiceId) {
    narrow.push("cp.practice_id = ?");
    narrowParams.push(filters.practiceId);
  }
  const where: string[] = [];
  const params: unknown[] = [];
  if (filters.view === "open") where.push("cv.status = 'OPEN'");
  else if (filters.view !== "all") {
    where.push("cv.status = ?");
    params.push(filters.view);
  }
  if (filters.after) {
    where.push("(cv.last_message_at, cv.id) < (?::timestamptz, ?::uuid)");
    params.push(filters.after.at, filters.after.id);
  }
  // Threads first (conversations_list_idx order), each with its newest matching entry on
  // feedback_conversation_id_index; a thread without one is not an inbox thread.
  const rows = await scopedQuery<{
    id: string;
    status: ThreadStatus;
    channel: "SMS" | "WHATSAPP";
    phone: string;
    patient_name: string | null;
    practice_name: string | null;
    campaign_id: string | null;
    campaign_name: string | null;
    waiting_since: Date | null;
    at_micros: string;
    entry_id: string;
    source: InboxSource;
    rating: number | null;
    excerpt: string;
    entry_at: Date;
    entries: string;
  }>(
    em,
    viewer.workspaceId,
    `select cv.id, cv.status, cv.channel, c.phone, p.name as patient_name, pr.name as practice_name, cp.id as campaign_id, cp.name as campaign_name,
            cv.waiting_since, ${MICROS("cv.last_message_at")} as at_micros,
            e.id as entry_id, e.source, e.rating, left(e.text, ${excerptLength}) as excerpt, e.created_at as entry_at, e.n::text as entries
       from conversations cv
       join contacts c on c.id = cv.contact_id and c.workspace_id = cv.workspace_id
       left join patients p on p.id = cv.patient_id and p.workspace_id = cv.workspace_id
       left join campaigns cp on cp.id = p.campaign_id and cp.workspace_id = cv.workspace_id
       left join practices pr on pr.id = cp.practice_id and pr.workspace_id = cv.workspace_id
       cross join lateral (
         select f.id, f.source, f.rating, f.text, f.created_at, count(*) over () as n
           from feedback f
          where f.workspace_id = cv.workspace_id and f.conversation_id = cv.id${entry}
          order by f.created_at desc, f.id desc limit 1) e
      where cv.workspace_id = ?${where.map((w) => ` and ${w}`).join("")}${narrow.map((w) => ` and ${w}`).join("")}${scope.sql}
      order by cv.last_message_at desc, cv.id desc
      limit ${PAGE + 1}`,
    [...params, ...narrowParams, ...scope.params],
  );
  // Entries without a thread, under the same filters; their workflow is the tab (RESOLVED is closed).
  const itemWhere: string[] = [];
  const itemParams: unknown[] = [];
  if (filters.view === "open") itemWhere.push("f.status <> 'RESOLVED'");
  else if (filters.view === "CLOSED") itemWhere.push("f.status = 'RESOLVED'");
  else if (filters.view === "SNOOZED") itemWhere.push("false");
  if (filters.after) {
    itemWhere.push("(f.created_at, f.id) < (?::timestamptz, ?::uuid)");
    itemParams.push(filters.after.at, filters.after.id);
  }
  const itemRows = await scopedQuery<{
    id: string;
    item_status: "NEW" | "IN_PROGRESS" | "RESOLVED";
    phone: string;
    patient_name: string;
    practice_name: string | null;
    campaign_id: string;
    campaign_name: string;
    at_micros: string;
    source: InboxSource;
    rating: number | null;
    excerpt: string;
    entry_at: Date;
  }>(
    em,
    viewer.workspaceId,
    `select f.id, f.status as item_status, p.phone, p.name as patient_name, pr.name as practice_name, cp.id as campaign_id, cp.name as campaign_name,
            ${MICROS("f.created_at")} as at_micros, f.source, f.rating, left(f.text, ${excerptLength}) as excerpt, f.created_at as entry_at
       from feedback f
       join patients p on p.id = f.patient_id and p.workspace_id = f.workspace_id
       join campaigns cp on cp.id = p.campaign_id and cp.workspace_id = f.workspace_id
       left join practices pr on pr.id = cp.practice_id and pr.workspace_id = f.workspace_id
      where f.workspace_id = ? and f.conversation_id is null${entry}${itemWhere.map((w) => ` and ${w}`).join("")}${narrow.map((w) => ` and ${w}`).join("")}${scope.sql}
      order by f.created_at desc, f.id desc
      limit ${PAGE + 1}`,
    [...itemParams, ...narrowParams, ...scope.params],
  );
  // The tabs: threads with a matching entry per status, under the same filters. Counted from the
  // entries (feedback_inbox_idx's workspace prefix), which are far fewer than the threads.
  const join = filters.practiceId || scope.sql ? " left join patients p on p.id = cv.patient_id and p.workspace_id = cv.workspace_id left join campaigns cp on cp.id = p.campaign_id and cp.workspace_id = cv.workspace_id" : "";
  const countRows = await scopedQuery<{ status: ThreadStatus; n: string }>(
    em,
    viewer.workspaceId,
    `select cv.status, count(distinct cv.id)::text as n
       from feedback f join conversations cv on cv.id = f.conversation_id and cv.workspace_id = f.workspace_id${join}
      where f.workspace_id = ?${entry}${narrow.map((w) => ` and ${w}`).join("")}${scope.sql}
      group by cv.status`,
    [...narrowParams, ...scope.params],
  );
  const itemCounts = await scopedQuery<{ closed: boolean; n: string }>(
    em,
    viewer.workspaceId,
    `select f.status = 'RESOLVED' as closed, count(*)::text as n
       from feedback f join patients p on p.id = f.patient_id and p.workspace_id = f.workspace_id join campaigns cp on cp.id = p.campaign_id and cp.workspace_id = f.workspace_id
      where f.workspace_id = ? and f.conversation_id is null${entry}${narrow.map((w) => ` and ${w}`).join("")}${scope.sql}
      group by 1`,
    [...narrowParams, ...scope.params],
  );
  const counts: Record<ThreadTab, number> = { open: 0, SNOOZED: 0, CLOSED: 0, all: 0 };
  for (const r of countRows) {
    const n = Number(r.n);
    if (r.status === "OPEN") counts.open += n;
    else counts[r.status] += n;
    counts.all += n;
  }
  for (const r of itemCounts) {
    const n = Number(r.n);
    if (r.closed) counts.CLOSED += n;
    else counts.open += n;
    counts.all += n;
  }
  // Both kinds in one order: activity, newest first, then id (thread and entry ids never collide).
  const merged: (InboxThreadItem & { atMicros: string })[] = [
    ...rows.map((r) => ({
      kind: "THREAD" as const,
      id: r.id,
      status: r.status,
      itemStatus: null,
      channel: r.channel,
      phone: r.phone,
      patientName: r.patient_name,
      practiceName: r.practice_name,
      campaignId: r.campaign_id,
      campaignName: r.campaign_name,
      waitingSince: r.waiting_since ? new Date(r.waiting_since) : null,
      entry: { id: r.entry_id, source: r.source, rating: r.rating, excerpt: r.excerpt, at: new Date(r.entry_at) },
      entries: Number(r.entries),
      atMicros: r.at_micros,
    })),
    ...itemRows.map((r) => ({
      kind: "ITEM" as const,
      id: r.id,
      status: (r.item_status === "RESOLVED" ? "CLOSED" : "OPEN") as ThreadStatus,
      itemStatus: r.item_status,
      channel: null,
      phone: r.phone,
      patientName: r.patient_name,
      practiceName: r.practice_name,
      campaignId: r.campaign_id,
      campaignName: r.campaign_name,
      waitingSince: r.item_status === "NEW" ? new Date(r.entry_at) : null,
      entry: { id: r.id, source: r.source, rating: r.rating, excerpt: r.excerpt, at: new Date(r.entry_at) },
      entries: 1,
      atMicros: r.at_micros,
    })),
  ];
  // Microsecond text in one format sorts as time; equal times order by id, as the keyset does.
  merged.sort((x, y) => (x.atMicros === y.atMicros ? (x.id < y.id ? 1 : -1) : x.atMicros < y.atMicros ? 1 : -1));
  const page = merged.slice(0, PAGE);
  const last = page[page.length - 1];
  return {
    items: page.map(({ atMicros: _, ...item }) => item),
    next: merged.length > PAGE && last ? Buffer.from(`${last.atMicros}|${last.id}`, "utf8").toString("base64url") : null,
    counts,
  };
}
