// Is this contact there for this viewer: the one check every contact page, action and download starts with.
import type { EntityManager } from "@mikro-orm/postgresql";
import { scopedQuery } from "@rm/db";
import { contactScope, ContactsError, UUID, type ContactsViewer } from "./viewer.ts";

export interface VisibleContact {
  id: string;
  phone: string;
}

/** The contact, or ContactsError("not_found") when it is missing, another workspace's, or not the doctor's. */
export async function requireVisibleContact(em: EntityManager, viewer: ContactsViewer, contactId: string): Promise<VisibleContact> {
  if (!UUID.test(contactId)) throw new ContactsError("not_found", "contacts.error.notFound");
  const scope = contactScope(viewer);
  const [row] = await scopedQuery<VisibleContact>(em, viewer.workspaceId, `select c.id, c.phone from contacts c where c.workspace_id = ? and c.id = ?${scope.sql}`, [contactId, ...scope.params]);
  if (!row) throw new ContactsError("not_found", "contacts.error.notFound");
  return row;
}
