import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { User } from "../workspace/user.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";
import { Contact } from "./contact.entity.ts";

/** A staff note on a contact (SPEC §13): written by a user, timestamped, never sent. Owned by @rm/contacts. */
export const ContactNoteSchema = defineEntity({
  name: "ContactNote",
  tableName: "contact_notes",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    contact: p.manyToOne(Contact).deleteRule("cascade"),
    /** Null once the author's user is removed (the note stays). */
    author: p.manyToOne(User).nullable().deleteRule("set null"),
    body: p.text().check("(char_length(body) >= 1) AND (char_length(body) <= 2000)"),
    createdAt: createdAt(),
  },
  indexes: [{ name: "contact_notes_contact_idx", properties: ["workspace", "contact", "createdAt"] }],
});

export class ContactNote extends ContactNoteSchema.class {
  override id: string = newId();
}
ContactNoteSchema.setClass(ContactNote);
