// Leads (SPEC §16): contacts that came by writing first — a new phone on the workspace's own sender,
// the web chat widget — with a stage staff move (NEW → CONTACTED → BOOKED, or LOST). The list (filters
// by stage and source, keyset pages), the board (a column per stage), the counts, the audited stage
// change, and `createLeadContact` for the widget. A read model (docs/ARCHITECTURE.md, "Table
// ownership") of @rm/messaging's contacts, conversations and inbound messages; the rows change only
// through @rm/messaging (`insertLeadContact`, `setContactLeadStatus`).
//
// Roles: owners and reception work leads; a doctor's contacts are their patients', and a lead has no
// appointment yet, so doctors have no leads (forbidden).
import type { EntityManager } from "@mikro-orm/postgresql";
import { recordAudit } from "@rm/accounts";
import { scopedQuery } from "@rm/db";
import { normalizePhone } from "@rm/domain";
import { insertLeadContact, setContactLeadStatus } from "@rm/messaging";
import { CONTACT_SOURCES, LEAD_STATUSES, LEADS_PAGE_SIZE, type ContactSourceName, type LeadStatusName } from "./constants.ts";
import { ContactsError, decodeCursor, encodeCursor, MICROS, UUID, type ContactsViewer } from "./viewer.ts";
import type { ActionContext } from "./labels.ts";

export interface LeadFilters {
  status: LeadStatusName | null;
  source: ContactSourceName | null;
  after: { key: string; id: string } | null;
}

function assertLeadsRole(viewer: ContactsViewer): void {
  if (viewer.role === "DOCTOR") throw new ContactsError("forbidden", "leads.forbidden");
}

/** Search params → filters; an unknown stage or source is refused ("leads.filter.invalid"), never widened. */
export function parseLeadFilters(params: URLSearchParams): LeadFilters {
  const get = (k: string) => params.get(k)?.trim() || null;
  const status = get("status");
  if (status !== null && !(LEAD_STATUSES as readonly string[]).includes(status)) throw new ContactsError("invalid", "leads.filter.invalid", "status");
  const source = get("source");
  if (source !== null && !(CONTACT_SOURCES as readonly string[]).includes(source)) throw new ContactsError("invalid", "leads.filter.invalid", "source");
  const after = get("after");
  const cursor = after ? decodeCursor(after) : null;
  if (after && !cursor) throw new ContactsError("invalid", "leads.filter.invalid", "after");
  return { status: status as LeadStatusName | null, source: source as ContactSourceName | null, after: cursor };
}

export interface LeadItem {
  id: string;
  name: string | null;
  phone: string;
  source: ContactSourceName | null;
  status: LeadStatusName;
  statusAt: Date;
  createdAt: Date;
  /** The lead's most recent thread, to answer it. */
  threadId: string | null;
  /** What they last wrote. */
  lastMessage: string | null;
}

export interface LeadCounts {
  byStatus: Record<LeadStatusName, number>;
  bySource: Record<ContactSourceName, number>;
  total: number;
  /** With a practice filter: the period's leads tied to no practice yet (no appointment anywhere), left out of the counts. */
  withoutPractice?: number;
}

/** The analytics page's filters as leads read them (SPEC §7, §16). */
export interface LeadCountFilters {
  /** First and last local day of the period (YYYY-MM-DD, inclusive); empty or absent: unbounded. */
  from?: string | undefined;
  to?: string | undefined;
  /** The workspace's zone: a lead's day is the local day it first wrote. */
  timeZone: string;
  /** A lead belongs to a practice once it has an appointment there (a patient of a campaign of that practice). */
  practiceId?: string | undefined;
}

const LOCAL_DAY = /^\d{4}-\d{2}-\d{2}$/;

interface LeadRow {
  id: string;
  name: string | null;
  phone: string;
  source: ContactSourceName | null;
  lead_status: LeadStatusName;
  lead_status_at: Date;
  created_at: Date;
  cursor_key: string;
  thread_id: string | null;
  last_message: string | null;
}

const LEAD_COLUMNS = `c.id, c.name, c.phone, c.source, c.lead_status, c.lead_status_at, c.created_at, ${MICROS("c.lead_status_at")} as cursor_key,
       t.id as thread_id, (select left(i.body, 200) from inbound_messages i where i.workspace_id = c.workspace_id and i.conversation_id = t.id order by i.received_at desc limit 1) as last_message`;
const LEAD_THREAD = `left join lateral (select cv.id from conversations cv where cv.workspace_id = c.workspace_id and cv.contact_id = c.id order by cv.last_message_at desc limit 1) t on true`;

const toItem = (r: LeadRow): LeadItem => ({
  id: r.id,
  name: r.name,
  phone: r.phone,
  source: r.source,
  status: r.lead_status,
  statusAt: new Date(r.lead_status_at),
  createdAt: new Date(r.created_at),
  threadId: r.thread_id,
  lastMessage: r.last_message,
});

/** The list: leads under the filters, most recently moved first, keyset-paged on contacts_leads_idx. */
export async function listLeads(em: EntityManager, viewer: ContactsViewer, filters: LeadFilters, opts: { limit?: number } = {}): Promise<{ items: LeadItem[]; next: string | null }> {
  assertLeadsRole(viewer);
  const limit = Math.min(Math.max(opts.limit ?? LEADS_PAGE_SIZE, 1), 200);
  const where: string[] = [];
  const params: unknown[] = [];
  if (filters.status) {
    where.push("c.lead_status = ?");
    params.push(filters.status);
  }
  if (filters.source) {
    where.push("c.source = ?");
    params.push(filters.source);
  }
  if (filters.after) {
    where.push("(c.lead_status_at, c.id) < (?::timestamptz, ?::uuid)");
    params.push(filters.after.key, filters.after.id);
  }
  const rows = await scopedQuery<LeadRow>(
    em,
    viewer.workspaceId,
    `select ${LEAD_COLUMNS}
       from contacts c ${LEAD_THREAD}
      where c.workspace_id = ? and c.lead_status is not null and c.erased_at is null${where.map((w) => ` and ${w}`).join("")}
      order by c.lead_status_at desc, c.id desc
      limit ${limit + 1}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(toItem), next: rows.length > limit && last ? encodeCursor({ key: last.cursor_key, id: last.id }) : null };
}

/** The board: a column per stage, each its most recently moved leads (up to a page), under the source filter. */
export async function leadBoard(em: EntityManager, viewer: ContactsViewer, source: ContactSourceName | null): Promise<Record<LeadStatusName, LeadItem[]>> {
  assertLeadsRole(viewer);
  const rows = await scopedQuery<LeadRow>(
    em,
    viewer.workspaceId,
    // The stages are constants inlined as literals: the workspace id stays the first placeholder.
    `select l.*
       from unnest(array[${LEAD_STATUSES.map((s) => `'${s}'`).join(", ")}]::text[]) as s(status)
       cross join lateral (
         select ${LEAD_COLUMNS}
           from contacts c ${LEAD_THREAD}
          where c.workspace_id = ? and c.lead_status = s.status and c.erased_at is null${source ? " and c.source = ?" : ""}
          order by c.lead_status_at desc, c.id desc
          limit ${LEADS_PAGE_SIZE}) l`,
    source ? [source] : [],
  );
  const board = Object.fromEntries(LEAD_STATUSES.map((s) => [s, [] as LeadItem[]])) as Record<LeadStatusName, LeadItem[]>;
  for (const r of rows) board[r.lead_status].push(toItem(r));
  return board;
}

/** Leads per stage and per source (the list's tabs, the board's columns, analytics). */
export async function countLeads(em: EntityManager, viewer: ContactsViewer): Promise<LeadCounts> {
  assertLeadsRole(viewer);
  return countLeadsOf(em, viewer.workspaceId);
}

/**
 * The same counts for a workspace, without a viewer (analytics shows them to whoever sees analytics).
 * With filters, the analytics page's: leads that arrived (first wrote, `contacts.created_at`) in the
 * period, in the workspace's zone, and under a practice filter those with an appointment at that
 * practice — a lead has no practice until it books, so the ones tied to none are counted apart.
 */
export async function countLeadsOf(em: EntityManager, workspaceId: string, filters?: LeadCountFilters): Promise<LeadCounts> {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [day, bound] of [
    [filters?.from, ">="],
    [filters?.to, "<"],
  ] as const) {
    if (!day) continue;
    if (!LOCAL_DAY.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new ContactsError("invalid", "leads.filter.invalid", bound === ">=" ? "from" : "to");
    // The last day is inclusive: before the next day's local midnight.
    where.push(`c.created_at ${bound} ((?::date${bound === "<" ? " + 1" : ""})::timestamp at time zone ?)`);
    params.push(day, filters!.timeZone);
  }
  const practiceId = filters?.practiceId || null;
  if (practiceId !== null && !UUID.test(practiceId)) throw new ContactsError("invalid", "leads.filter.invalid", "practice");
  // The leads of the period first (the workspace id is the statement's first placeholder), then their practice.
  const practiceSql = practiceId
    ? `exists (select 1 from patients p join campaigns cp on cp.id = p.campaign_id and cp.workspace_id = p.workspace_id
                where p.workspace_id = ? and p.contact_id = l.id and cp.practice_id = ?::uuid) as in_practice,
       not exists (select 1 from patients p where p.workspace_id = ? and p.contact_id = l.id) as no_practice`
    : "true as in_practice, false as no_practice";
  const rows = await scopedQuery<{ lead_status: LeadStatusName; source: ContactSourceName | null; in_practice: boolean; no_practice: boolean; n: string }>(
    em,
    workspaceId,
    `with l as (
       select c.id, c.lead_status, c.source
         from contacts c
        where c.workspace_id = ? and c.lead_status is not null and c.erased_at is null${where.map((w) => ` and ${w}`).join("")})
     select lead_status, source, in_practice, no_practice, count(*)::text as n
       from (select l.lead_status, l.source, ${practiceSql} from l) x
      group by lead_status, source, in_practice, no_practice`,
    practiceId ? [...params, workspaceId, practiceId, workspaceId] : params,
  );
  const byStatus = Object.fromEntries(LEAD_STATUSES.map((s) => [s, 0])) as Record<LeadStatusName, number>;
  const bySource = Object.fromEntries(CONTACT_SOURCES.map((s) => [s, 0])) as Record<ContactSourceName, number>;
  let total = 0;
  let withoutPractice = 0;
  for (const r of rows) {
    const n = Number(r.n);
    if (r.no_practice) withoutPractice += n;
    if (!r.in_practice) continue;
    byStatus[r.lead_status] += n;
    if (r.source) bySource[r.source] += n;
    total += n;
  }
  return practiceId ? { byStatus, bySource, total, withoutPractice } : { byStatus, bySource, total };
}

/** Staff move a lead to another stage (a plain form on the board and the list); audited with from and to. */
export async function setLeadStatus(em: EntityManager, viewer: ContactsViewer, contactId: string, status: unknown, ctx: ActionContext = {}): Promise<void> {
  assertLeadsRole(viewer);
  if (typeof status !== "string" || !(LEAD_STATUSES as readonly string[]).includes(status)) throw new ContactsError("invalid", "leads.status.invalid", "status");
  if (!UUID.test(contactId)) throw new ContactsError("not_found", "leads.notFound");
  const now = ctx.now ?? new Date();
  await em.transactional(async (tem) => {
    const moved = await setContactLeadStatus(tem, viewer.workspaceId, contactId, status as LeadStatusName, now);
    if (!moved) throw new ContactsError("not_found", "leads.notFound");
    if (moved.from === status) return;
    recordAudit(tem, { workspaceId: viewer.workspaceId, actorId: viewer.userId, action: "lead.status_changed", entityType: "contact", entityId: contactId, ip: ctx.ip ?? null, details: { from: moved.from, to: status } });
  });
}

export interface CreateLeadInput {
  workspaceId: string;
  /** As the visitor typed it; normalized to E.164 with the workspace's country. */
  phone: string;
  name?: string | null;
  source: "WIDGET";
  /** The workspace's country for numbers typed without a prefix (ISO 3166-1 alpha-2). */
  defaultCountry?: string;
  now?: Date;
}

export type CreateLeadResult = { ok: true; contactId: string; created: boolean } | { ok: false; reason: "phone" | "name" };

/**
 * A lead from the web chat widget: the contact of the phone the visitor left, as a NEW lead with source
 * WIDGET. A phone the workspace already knows keeps its contact as it is (a patient does not become a
 * lead). Runs in the caller's transaction. A phone that does not parse, or a name over 200
 * characters, is refused with the reason and nothing written.
 */
export async function createLeadContact(em: EntityManager, input: CreateLeadInput): Promise<CreateLeadResult> {
  const phone = normalizePhone(input.phone, (input.defaultCountry ?? "EC") as Parameters<typeof normalizePhone>[1]);
  if (!phone.ok) return { ok: false, reason: "phone" };
  const name = input.name?.replace(/\s+/g, " ").trim() || null;
  if (name && name.length > 200) return { ok: false, reason: "name" };
  const row = await insertLeadContact(em, { workspaceId: input.workspaceId, phone: phone.e164, name, source: input.source, at: input.now ?? new Date() });
  return { ok: true, contactId: row.id, created: row.created };
}
