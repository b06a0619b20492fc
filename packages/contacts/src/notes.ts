// Staff notes on a contact (SPEC §13): written by a user, kept with their name and time, never sent to
// the patient. Adding one is audited with its length only (a note may hold patient details).
import type { EntityManager } from "@mikro-orm/postgresql";
import { insertAudit } from "@rm/accounts";
import { scopedQuery } from "@rm/db";
import { requireVisibleContact } from "./access.ts";
import { NOTE_MAX_LENGTH } from "./constants.ts";
import type { ActionContext } from "./labels.ts";
import { ContactsError, type ContactsViewer } from "./viewer.ts";

export interface ContactNoteView {
  id: string;
  body: string;
  authorId: string | null;
  /** Null once the author's user was removed. */
  authorName: string | null;
  createdAt: Date;
}

/** A contact's notes, newest first. */
export async function listContactNotes(em: EntityManager, workspaceId: string, contactId: string): Promise<ContactNoteView[]> {
  const rows = await scopedQuery<{ id: string; body: string; author_id: string | null; author_name: string | null; created_at: Date }>(
    em,
    workspaceId,
    `select n.id, n.body, n.author_id, u.name as author_name, n.created_at
       from contact_notes n left join users u on u.workspace_id = n.workspace_id and u.id = n.author_id
      where n.workspace_id = ? and n.contact_id = ? order by n.created_at desc, n.id desc`,
    [contactId],
  );
  return rows.map((r) => ({ id: r.id, body: r.body, authorId: r.author_id, authorName: r.author_name, createdAt: new Date(r.created_at) }));
}

/** Adds a note by the viewer to a contact they can see; ContactsError("invalid") for an empty or too long text. */
export async function addContactNote(em: EntityManager, viewer: ContactsViewer, contactId: string, rawBody: string, ctx: ActionContext = {}): Promise<string> {
  const contact = await requireVisibleContact(em, viewer, contactId);
  const body = rawBody.replace(/\r\n/g, "\n").trim();
  if (body === "") throw new ContactsError("invalid", "contacts.note.required", "body");
  if (body.length > NOTE_MAX_LENGTH) throw new ContactsError("invalid", "contacts.note.tooLong", "body");
  const now = ctx.now ?? new Date();
  const [row] = await em.execute<{ id: string }[]>(
    "insert into contact_notes (workspace_id, contact_id, author_id, body, created_at) values (?, ?, ?, ?, ?) returning id",
    [viewer.workspaceId, contact.id, viewer.userId, body, now],
  );
  await insertAudit(em, { workspaceId: viewer.workspaceId, actorId: viewer.userId, action: "contact.note_added", entityType: "contact", entityId: contact.id, ip: ctx.ip ?? null, details: { noteId: row!.id, length: body.length }, now });
  return row!.id;
}

/** Erasure (right to be forgotten): the contact's notes go with the rest of what identifies the person. */
export async function eraseContactNotes(em: EntityManager, workspaceId: string, contactId: string): Promise<number> {
  const rows = await scopedQuery<{ n: string }>(em, workspaceId, "with gone as (delete from contact_notes where workspace_id = ? and contact_id = ? returning 1) select count(*)::text as n from gone", [contactId]);
  return Number(rows[0]?.n ?? 0);
}

