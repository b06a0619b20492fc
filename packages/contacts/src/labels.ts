// Labels (SPEC §13): the workspace's own text names (no colours), put on contacts and taken off by
// staff, every change audited with ids only. Also what broadcast audiences and the API will use:
// the labels of contacts, labels set on many contacts at once, and contacts found by labels.
import type { EntityManager } from "@mikro-orm/postgresql";
import { insertAudit } from "@rm/accounts";
import { pgArray, scopedQuery } from "@rm/db";
import { requireVisibleContact } from "./access.ts";
import { LABEL_NAME_MAX_LENGTH } from "./constants.ts";
import { canManageLabels, ContactsError, UUID, type ContactsViewer } from "./viewer.ts";

export interface LabelRef {
  id: string;
  name: string;
}

export interface LabelWithCount extends LabelRef {
  /** Contacts carrying it (all of the workspace's, whoever looks). */
  contacts: number;
}

export interface ActionContext {
  ip?: string | null;
  now?: Date;
}

/** The workspace's labels by name, with how many contacts carry each. */
export async function listLabels(em: EntityManager, workspaceId: string): Promise<LabelWithCount[]> {
  const rows = await scopedQuery<{ id: string; name: string; n: string }>(
    em,
    workspaceId,
    `select l.id, l.name, (select count(*) from contact_labels cl where cl.workspace_id = l.workspace_id and cl.label_id = l.id)::text as n
       from labels l where l.workspace_id = ? order by lower(l.name), l.id`,
    [],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, contacts: Number(r.n) }));
}

/** Trims and collapses spaces; ContactsError("invalid") when empty or too long. */
export function labelName(raw: string): string {
  const name = raw.replace(/\s+/g, " ").trim();
  if (name === "") throw new ContactsError("invalid", "contacts.label.nameRequired", "name");
  if (name.length > LABEL_NAME_MAX_LENGTH) throw new ContactsError("invalid", "contacts.label.nameTooLong", "name");
  return name;
}

/** A new label (owner only); ContactsError("conflict") when one of that name exists whatever its case. */
export async function createLabel(em: EntityManager, viewer: ContactsViewer, rawName: string, ctx: ActionContext = {}): Promise<LabelRef> {
  if (!canManageLabels(viewer)) throw new ContactsError("forbidden", "contacts.error.forbidden");
  const name = labelName(rawName);
  const now = ctx.now ?? new Date();
  const [row] = await em.execute<{ id: string }[]>(
    `insert into labels (workspace_id, name, created_at) select ?, ?, ?
      where not exists (select 1 from labels where workspace_id = ? and lower(name) = lower(?))
     on conflict do nothing returning id`,
    [viewer.workspaceId, name, now, viewer.workspaceId, name],
  );
  if (!row) throw new ContactsError("conflict", "contacts.label.exists", "name");
  await insertAudit(em, { workspaceId: viewer.workspaceId, actorId: viewer.userId, action: "label.created", entityType: "label", entityId: row.id, ip: ctx.ip ?? null, details: {}, now });
  return { id: row.id, name };
}

/** Deletes a label (owner only) and takes it off every contact; ContactsError("not_found") for another workspace's. */
export async function deleteLabel(em: EntityManager, viewer: ContactsViewer, labelId: string, ctx: ActionContext = {}): Promise<void> {
  if (!canManageLabels(viewer)) throw new ContactsError("forbidden", "contacts.error.forbidden");
  if (!UUID.test(labelId)) throw new ContactsError("not_found", "contacts.label.notFound");
  const now = ctx.now ?? new Date();
  const [row] = await scopedQuery<{ n: string }>(
    em,
    viewer.workspaceId,
    `with gone as (delete from contact_labels where workspace_id = ? and label_id = ? returning 1),
          label as (delete from labels where workspace_id = ? and id = ? returning id)
     select (select count(*) from gone)::text as n from label`,
    [labelId, viewer.workspaceId, labelId],
  );
  if (!row) throw new ContactsError("not_found", "contacts.label.notFound");
  await insertAudit(em, { workspaceId: viewer.workspaceId, actorId: viewer.userId, action: "label.deleted", entityType: "label", entityId: labelId, ip: ctx.ip ?? null, details: { contacts: Number(row.n) }, now });
}

/** The labels of each of these contacts (by name); contacts of another workspace get none. */
export async function labelsOfContacts(em: EntityManager, workspaceId: string, contactIds: readonly string[]): Promise<Map<string, LabelRef[]>> {
  const out = new Map<string, LabelRef[]>();
  const ids = contactIds.filter((id) => UUID.test(id));
  if (ids.length === 0) return out;
  const rows = await scopedQuery<{ contact_id: string; id: string; name: string }>(
    em,
    workspaceId,
    `select cl.contact_id, l.id, l.name from contact_labels cl join labels l on l.workspace_id = cl.workspace_id and l.id = cl.label_id
      where cl.workspace_id = ? and cl.contact_id = any(?::uuid[]) order by lower(l.name), l.id`,
    [pgArray(ids)],
  );
  for (const r of rows) {
    const list = out.get(r.contact_id) ?? [];
    list.push({ id: r.id, name: r.name });
    out.set(r.contact_id, list);
  }
  return out;
}

/** One contact's labels by name. */
export async function contactLabels(em: EntityManager, workspaceId: string, contactId: string): Promise<LabelRef[]> {
  return (await labelsOfContacts(em, workspaceId, [contactId])).get(contactId) ?? [];
}

export interface SetLabelsInput {
  workspaceId: string;
  /** Who did it (audited); null for the API's own key. */
  actorId: string | null;
  contactIds: readonly string[];
  add?: readonly string[];
  remove?: readonly string[];
  ip?: string | null;
  now?: Date;
}

export interface SetLabelsResult {
  added: number;
  removed: number;
}

/**
 * The ids of labels named `rawNames` (case-insensitively, as the label list treats them), creating
 * the ones the workspace lacks — for callers that name labels rather than pick them (the API). One
 * audit entry per label created. ContactsError("invalid") for an empty or too long name.
 */
export async function ensureLabels(em: EntityManager, input: { workspaceId: string; actorId: string | null; names: readonly string[]; now?: Date; ip?: string | null }): Promise<LabelRef[]> {
  const names = [...new Map(input.names.map((raw) => labelName(raw)).map((n) => [n.toLowerCase(), n])).values()];
  if (names.length === 0) return [];
  const now = input.now ?? new Date();
  const created = await em.execute<{ id: string; name: string }[]>(
    `insert into labels (workspace_id, name, created_at)
     select ?, n, ? from unnest(?::text[]) as n
      where not exists (select 1 from labels l where l.workspace_id = ? and lower(l.name) = lower(n))
     on conflict do nothing returning id, name`,
    [input.workspaceId, now, pgArray(names), input.workspaceId],
  );
  for (const row of created) await insertAudit(em, { workspaceId: input.workspaceId, actorId: input.actorId, action: "label.created", entityType: "label", entityId: row.id, ip: input.ip ?? null, details: {}, now });
  return scopedQuery<LabelRef>(em, input.workspaceId, "select id, name from labels where workspace_id = ? and lower(name) = any(?::text[]) order by lower(name)", [pgArray(names.map((n) => n.toLowerCase()))]);
}

/**
 * Puts labels on and takes labels off many contacts at once (bulk: two statements whatever the
 * count), one audit entry per call with the ids and counts. Every label and contact must be the
 * workspace's, else ContactsError("not_found") and nothing changes. The caller checks that the
 * viewer may see the contacts (labelContact does for the contact page).
 */
export async function setContactLabels(em: EntityManager, input: SetLabelsInput): Promise<SetLabelsResult> {
  const add = [...new Set(input.add ?? [])];
  const remove = [...new Set(input.remove ?? [])].filter((id) => !add.includes(id));
  const contacts = [...new Set(input.contactIds)];
  if (contacts.length === 0 || add.length + remove.length === 0) return { added: 0, removed: 0 };
  if (![...add, ...remove].every((id) => UUID.test(id))) throw new ContactsError("not_found", "contacts.label.notFound");
  if (!contacts.every((id) => UUID.test(id))) throw new ContactsError("not_found", "contacts.error.notFound");
  const [known] = await scopedQuery<{ labels: string; contacts: string }>(
    em,
    input.workspaceId,
    `select (select count(*) from labels where workspace_id = ? and id = any(?::uuid[]))::text as labels,
            (select count(*) from contacts where workspace_id = ? and id = any(?::uuid[]))::text as contacts`,
    [pgArray([...add, ...remove]), input.workspaceId, pgArray(contacts)],
  );
  if (Number(known?.labels) !== add.length + remove.length) throw new ContactsError("not_found", "contacts.label.notFound");
  if (Number(known?.contacts) !== contacts.length) throw new ContactsError("not_found", "contacts.error.notFound");
  const now = input.now ?? new Date();
  let added = 0;
  let removed = 0;
  if (add.length > 0) {
    const rows = await em.execute<{ n: string }[]>(
      `with ins as (
         insert into contact_labels (workspace_id, contact_id, label_id, assigned_by_id, created_at)
         select ?::uuid, c, l, ?::uuid, ? from unnest(?::uuid[]) as c cross join unnest(?::uuid[]) as l
         on conflict (contact_id, label_id) do nothing returning 1)
       select count(*)::text as n from ins`,
      [input.workspaceId, input.actorId, now, pgArray(contacts), pgArray(add)],
    );
    added = Number(rows[0]?.n ?? 0);
  }
  if (remove.length > 0) {
    const rows = await scopedQuery<{ n: string }>(
      em,
      input.workspaceId,
      `with del as (delete from contact_labels where workspace_id = ? and contact_id = any(?::uuid[]) and label_id = any(?::uuid[]) returning 1)
       select count(*)::text as n from del`,
      [pgArray(contacts), pgArray(remove)],
    );
    removed = Number(rows[0]?.n ?? 0);
  }
  if (added + removed > 0) {
    await insertAudit(em, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: "contact.labels_changed",
      entityType: "contact",
      entityId: contacts.length === 1 ? (contacts[0] ?? null) : null,
      ip: input.ip ?? null,
      details: { contacts: contacts.length, added: add.join(","), removed: remove.join(","), rowsAdded: added, rowsRemoved: removed },
      now,
    });
  }
  return { added, removed };
}

export interface FindByLabelsOptions {
  /** "all": every label given (default); "any": at least one. */
  match?: "all" | "any";
  /** Page size (default 1,000, at most 10,000). */
  limit?: number;
  /** The last contact id of the previous page. */
  afterId?: string | null;
  /** Leave out opted-out and erased contacts (an audience to message). */
  reachableOnly?: boolean;
}

/** Contacts carrying the labels, by id (keyset pages: pass the last id back), with their phones. */
export async function findContactsByLabels(em: EntityManager, workspaceId: string, labelIds: readonly string[], options: FindByLabelsOptions = {}): Promise<{ id: string; phone: string }[]> {
  const labels = [...new Set(labelIds)].filter((id) => UUID.test(id));
  if (labels.length === 0) return [];
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 1000), 1), 10_000);
  const need = options.match === "any" ? 1 : labels.length;
  const after = options.afterId && UUID.test(options.afterId) ? options.afterId : "00000000-0000-0000-0000-000000000000";
  // Driven from the labels' rows (contact_labels_label_idx), not from every contact of the workspace.
  return scopedQuery<{ id: string; phone: string }>(
    em,
    workspaceId,
    `select c.id, c.phone
       from (select cl.contact_id from contact_labels cl
              where cl.workspace_id = ? and cl.label_id = any(?::uuid[]) and cl.contact_id > ?::uuid
              group by cl.contact_id having count(*) >= ?) x
       join contacts c on c.workspace_id = ? and c.id = x.contact_id${options.reachableOnly ? " and c.phone is not null and c.opted_out_at is null and c.erased_at is null" : ""}
      order by c.id limit ?`,
    [pgArray(labels), after, need, workspaceId, limit],
  );
}

/** Puts labels on, or takes them off, one contact the viewer can see (the contact page's form). */
export async function labelContact(em: EntityManager, viewer: ContactsViewer, contactId: string, change: { add?: readonly string[]; remove?: readonly string[] }, ctx: ActionContext = {}): Promise<SetLabelsResult> {
  const contact = await requireVisibleContact(em, viewer, contactId);
  return setContactLabels(em, { workspaceId: viewer.workspaceId, actorId: viewer.userId, contactIds: [contact.id], add: change.add, remove: change.remove, ip: ctx.ip ?? null, now: ctx.now });
}
