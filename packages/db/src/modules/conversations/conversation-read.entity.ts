import { defineEntity, p } from "@mikro-orm/postgresql";
import { newId, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { User } from "../workspace/user.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";
import { Conversation } from "./conversation.entity.ts";

/** When a staff member last opened a thread: it is unread for them while its last inbound message is newer. */
export const ConversationReadSchema = defineEntity({
  name: "ConversationRead",
  tableName: "conversation_reads",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    conversation: p.manyToOne(Conversation).deleteRule("cascade"),
    user: p.manyToOne(User).deleteRule("cascade"),
    readAt: p.datetime(),
  },
  uniques: [{ name: "conversation_reads_conversation_user_uq", properties: ["workspace", "conversation", "user"] }],
});

export class ConversationRead extends ConversationReadSchema.class {
  override id: string = newId();
}
ConversationReadSchema.setClass(ConversationRead);
