import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { User } from "../workspace/user.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";
import { Conversation } from "./conversation.entity.ts";

/** A staff member's internal note on a thread: shown among its messages, never sent. */
export const ConversationNoteSchema = defineEntity({
  name: "ConversationNote",
  tableName: "conversation_notes",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    conversation: p.manyToOne(Conversation).deleteRule("cascade"),
    author: p.manyToOne(User).nullable().deleteRule("set null"),
    body: p.text(),
    createdAt: createdAt(),
  },
  indexes: [{ name: "conversation_notes_conversation_idx", properties: ["conversation", "createdAt"] }],
});

export class ConversationNote extends ConversationNoteSchema.class {
  override id: string = newId();
}
ConversationNoteSchema.setClass(ConversationNote);
