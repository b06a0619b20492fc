// Leads (SPEC §16): a contact that came by writing first — a new phone on the workspace's own sender,
// or the web chat widget — with its stage (NEW, CONTACTED, BOOKED, LOST). The contact row is this
// package's; @rm/contacts shows leads to staff and records who moved one.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery, type ContactSource, type LeadStatus } from "@rm/db";

export const LEAD_STATUSES = ["NEW", "CONTACTED", "BOOKED", "LOST"] as const satisfies readonly LeadStatus[];
export const CONTACT_SOURCES = ["IMPORT", "API", "STAFF", "INBOUND", "WIDGET"] as const satisfies readonly ContactSource[];

export interface LeadContactInput {
  workspaceId: string;
  /** E.164; checked by the caller (and by the column's check). */
  phone: string;
  name: string | null;
  source: "INBOUND" | "WIDGET";
  at: Date;
}

/**
 * The contact of a phone that wrote first, as a NEW lead. A phone the workspace already has is left as
 * it is (a patient does not become a lead by writing; an existing lead keeps its stage, and a missing
 * name is filled in). Returns the contact's id and whether this call created it.
 */
export async function insertLeadContact(em: EntityManager, input: LeadContactInput): Promise<{ id: string; created: boolean }> {
  const rows = await em.execute<{ id: string; created: boolean }[]>(
    `insert into contacts (id, workspace_id, phone, name, source, lead_status, lead_status_at, created_at, updated_at)
     values (gen_random_uuid(), ?, ?, ?, ?, 'NEW', ?, ?, ?)
     on conflict (workspace_id, phone) do update set name = coalesce(contacts.name, excluded.name)
     returning id, (xmax = 0) as created`,
    [input.workspaceId, input.phone, input.name, input.source, input.at, input.at, input.at],
  );
  return rows[0]!;
}

/** Moves a lead to another stage; returns the stage it had, or null when the contact is not one of the workspace's leads. Locks the row. */
export async function setContactLeadStatus(em: EntityManager, workspaceId: string, contactId: string, status: LeadStatus, at: Date): Promise<{ from: LeadStatus } | null> {
  const [row] = await scopedQuery<{ lead_status: LeadStatus | null }>(em, workspaceId, "select lead_status from contacts where workspace_id = ? and id = ? and erased_at is null for update", [contactId]);
  if (!row?.lead_status) return null;
  if (row.lead_status !== status) {
    await em.execute("update contacts set lead_status = ?, lead_status_at = ?, updated_at = ? where workspace_id = ? and id = ?", [status, at, at, workspaceId, contactId], "run");
  }
  return { from: row.lead_status };
}

/**
 * A staff reply reached a NEW lead: it becomes CONTACTED (SPEC §16). Any other stage is left as it is
 * (a booked or lost lead is not moved back). Returns the contact when it moved, for the caller's audit.
 */
export async function markLeadContacted(em: EntityManager, workspaceId: string, contactId: string, at: Date): Promise<{ contactId: string } | null> {
  const rows = await em.execute<{ id: string }[]>(
    "update contacts set lead_status = 'CONTACTED', lead_status_at = ?, updated_at = ? where workspace_id = ? and id = ? and lead_status = 'NEW' and erased_at is null returning id",
    [at, at, workspaceId, contactId],
  );
  return rows[0] ? { contactId: rows[0].id } : null;
}
