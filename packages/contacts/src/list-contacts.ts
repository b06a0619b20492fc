// The contacts list (SPEC §13): search by name or phone, filters by label, last contact and opt-out,
// most recent contact first in keyset pages on (coalesce(last_contact_at, created_at), id) — the
// contacts_activity_idx order, so a page reads about its own rows whatever the page number — and the
// same filtered list as a CSV, streamed page by page.
import type { EntityManager } from "@mikro-orm/postgresql";
import { pgArray, scopedQuery } from "@rm/db";
import { normalizePhone } from "@rm/domain";
import { CONTACTS_PAGE_SIZE, SEARCH_MAX_LENGTH } from "./constants.ts";
import { labelsOfContacts, type LabelRef } from "./labels.ts";
import { contactScope, ContactsError, decodeCursor, encodeCursor, MICROS, UUID, type ContactsViewer, type Cursor } from "./viewer.ts";

export type OptedOutFilter = "yes" | "no";

export interface ContactFilters {
  /** A name, part of one, or a phone in E.164 or the workspace's national format. */
  q: string | null;
  /** Contacts carrying every one of these labels. */
  labelIds: string[];
  /** Last contact before this day (never-contacted contacts included): "YYYY-MM-DD" in the workspace's time zone. */
  before: string | null;
  /** Last contact on or after this day. */
  since: string | null;
  optedOut: OptedOutFilter | null;
  after: Cursor | null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(value: string | null, field: string): string | null {
  const v = value?.trim() ?? "";
  if (v === "") return null;
  if (!DAY.test(v) || Number.isNaN(new Date(`${v}T00:00:00Z`).getTime())) throw new ContactsError("invalid", "contacts.filter.badDate", field);
  return v;
}

/** The list's filters from the query string; ContactsError("invalid") on a bad value, never a silently wider list. */
export function parseContactFilters(params: URLSearchParams): ContactFilters {
  const q = (params.get("q") ?? "").trim().slice(0, SEARCH_MAX_LENGTH);
  const labelIds = [...new Set(params.getAll("label").filter((v) => v !== ""))];
  if (!labelIds.every((id) => UUID.test(id))) throw new ContactsError("invalid", "contacts.label.notFound", "label");
  const opted = params.get("optedOut") ?? "";
  if (opted !== "" && opted !== "yes" && opted !== "no") throw new ContactsError("invalid", "contacts.filter.badOptedOut", "optedOut");
  return {
    q: q === "" ? null : q,
    labelIds,
    before: day(params.get("before"), "before"),
    since: day(params.get("since"), "since"),
    optedOut: opted === "" ? null : (opted as OptedOutFilter),
    after: decodeCursor(params.get("after")),
  };
}

export interface ContactListItem {
  id: string;
  phone: string;
  /** The name of the contact's latest appointment (null when none). */
  name: string | null;
  /** How many different names the contact was imported with. */
  names: number;
  labels: LabelRef[];
  lastContactAt: Date | null;
  optedOutAt: Date | null;
  erasedAt: Date | null;
}

export interface ContactListPage {
  items: ContactListItem[];
  /** Cursor of the next page, null on the last. */
  next: string | null;
}

export interface ListContactsOptions {
  /** The workspace's time zone (the days of the last-contact filters); default UTC. */
  timezone?: string;
  /** The workspace's country (phones typed in national format); default EC. */
  country?: string;
  limit?: number;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The WHERE clause of the filters (after `c.workspace_id = ?`) and its parameters. */
function where(viewer: ContactsViewer, f: ContactFilters, o: ListContactsOptions): { sql: string; params: unknown[] } {
  let sql = "";
  const params: unknown[] = [];
  const scope = contactScope(viewer);
  sql += scope.sql;
  params.push(...scope.params);
  if (f.q) {
    const looksLikePhone = /^[+\d\s().-]+$/.test(f.q) && /\d/.test(f.q);
    if (looksLikePhone) {
      const parsed = normalizePhone(f.q, (o.country ?? "EC") as Parameters<typeof normalizePhone>[1]);
      const digits = f.q.replace(/\D/g, "");
      if (parsed.ok) {
        sql += " and c.phone = ?";
        params.push(parsed.e164);
      } else {
        // Part of a number: its digits anywhere in the E.164 phone after its "+" (contacts_digits_trgm_idx).
        sql += " and substr(c.phone, 2) like ?";
        params.push(`%${digits}%`);
      }
    } else {
      // Any name the contact was imported with (patients_name_trgm_idx), case-insensitive.
      sql += " and c.id in (select pn.contact_id from patients pn where pn.workspace_id = ? and pn.name ilike ?)";
      params.push(viewer.workspaceId, `%${escapeLike(f.q)}%`);
    }
  }
  if (f.labelIds.length > 0) {
    sql += ` and c.id in (select cl.contact_id from contact_labels cl where cl.workspace_id = ? and cl.label_id = any(?::uuid[]) group by cl.contact_id having count(*) = ?)`;
    params.push(viewer.workspaceId, pgArray(f.labelIds), f.labelIds.length);
  }
  const tz = o.timezone ?? "UTC";
  if (f.before) {
    sql += " and (c.last_contact_at is null or c.last_contact_at < (?::date)::timestamp at time zone ?)";
    params.push(f.before, tz);
  }
  if (f.since) {
    sql += " and c.last_contact_at >= (?::date)::timestamp at time zone ?";
    params.push(f.since, tz);
  }
  if (f.optedOut === "yes") sql += " and c.opted_out_at is not null";
  if (f.optedOut === "no") sql += " and c.opted_out_at is null";
  return { sql, params };
}

interface Row {
  id: string;
  phone: string;
  name: string | null;
  names: string;
  last_contact_at: Date | null;
  opted_out_at: Date | null;
  erased_at: Date | null;
  cursor_key: string;
}

/** One page of the filtered list, most recent contact first. */
export async function listContacts(em: EntityManager, viewer: ContactsViewer, filters: ContactFilters, options: ListContactsOptions = {}): Promise<ContactListPage> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? CONTACTS_PAGE_SIZE), 1), 1000);
  const w = where(viewer, filters, options);
  const params: unknown[] = [...w.params];
  let keyset = "";
  if (filters.after) {
    keyset = " and (coalesce(c.last_contact_at, c.created_at), c.id) < (?::timestamptz, ?::uuid)";
    params.push(filters.after.key, filters.after.id);
  }
  params.push(limit + 1);
  // The page is chosen on contacts alone (the activity index), then each row looks up its names: the
  // latest appointment's, else the contact's own (practice software's, or a web chat visitor's).
  const rows = await scopedQuery<Row>(
    em,
    viewer.workspaceId,
    `with page as materialized (
       select c.id, c.workspace_id, c.phone, c.name as contact_name, c.last_contact_at, c.opted_out_at, c.erased_at, ${MICROS("coalesce(c.last_contact_at, c.created_at)")} as cursor_key,
              coalesce(c.last_contact_at, c.created_at) as sort_at
         from contacts c
        where c.workspace_id = ?${w.sql}${keyset}
        order by coalesce(c.last_contact_at, c.created_at) desc, c.id desc
        limit ?)
     select page.id, page.phone, page.last_contact_at, page.opted_out_at, page.erased_at, page.cursor_key,
            coalesce((select p.name from patients p where p.workspace_id = page.workspace_id and p.contact_id = page.id order by p.created_at desc, p.id desc limit 1), page.contact_name) as name,
            (select count(distinct p.name) from patients p where p.workspace_id = page.workspace_id and p.contact_id = page.id)::text as names
       from page order by page.sort_at desc, page.id desc`,
    params,
  );
  const shown = rows.slice(0, limit);
  const labels = await labelsOfContacts(em, viewer.workspaceId, shown.map((r) => r.id));
  const last = shown[shown.length - 1];
  return {
    items: shown.map((r) => ({
      id: r.id,
      phone: r.phone,
      name: r.name,
      names: Number(r.names),
      labels: labels.get(r.id) ?? [],
      lastContactAt: r.last_contact_at ? new Date(r.last_contact_at) : null,
      optedOutAt: r.opted_out_at ? new Date(r.opted_out_at) : null,
      erasedAt: r.erased_at ? new Date(r.erased_at) : null,
    })),
    next: rows.length > limit && last ? encodeCursor({ key: last.cursor_key, id: last.id }) : null,
  };
}

/** The header and one line per contact of the CSV export. */
export const CSV_HEADER = ["telefono", "nombre", "etiquetas", "ultimo_contacto", "dado_de_baja", "eliminado"] as const;

/**
 * A cell as Excel would read it safely: a text starting with =, +, -, @, tab or CR is prefixed with '
 * (OWASP "CSV injection"), and a cell with the separator, a quote or a line break is quoted.
 */
export function csvCell(value: string): string {
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The filtered list as CSV lines (UTF-8 with BOM, ';'-separated, CRLF — what Excel in a Spanish locale
 * opens), page by page through the keyset so memory stays flat whatever the size.
 */
export async function* contactsCsv(em: EntityManager, viewer: ContactsViewer, filters: ContactFilters, options: ListContactsOptions & { pageSize?: number } = {}): AsyncGenerator<string> {
  yield `\uFEFF${CSV_HEADER.join(";")}\r\n`;
  let after: Cursor | null = null;
  for (;;) {
    const page: ContactListPage = await listContacts(em, viewer, { ...filters, after }, { ...options, limit: options.pageSize ?? 500 });
    let chunk = "";
    for (const c of page.items) {
      chunk +=
        // The phone goes as stored, in E.164: the database admits only "+" and digits there, which no
        // spreadsheet can run as anything but a number; every other cell may hold staff's or a file's text.
        [c.phone, ...[c.name ?? "", c.labels.map((l) => l.name).join(", "), c.lastContactAt?.toISOString() ?? "", c.optedOutAt ? "si" : "no", c.erasedAt ? "si" : "no"].map(csvCell)].join(";") + "\r\n";
    }
    if (chunk !== "") yield chunk;
    if (!page.next) return;
    after = decodeCursor(page.next);
  }
}
