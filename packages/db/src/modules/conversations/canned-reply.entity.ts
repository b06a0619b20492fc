import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/** A workspace's library of canned replies; `{{name}}`, `{{practice}}` and `{{doctor}}` are filled in when used. */
export const CannedReplySchema = defineEntity({
  name: "CannedReply",
  tableName: "canned_replies",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    title: p.text(),
    body: p.text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  uniques: [{ name: "canned_replies_workspace_title_uq", properties: ["workspace", "title"] }],
});

export class CannedReply extends CannedReplySchema.class {
  override id: string = newId();
}
CannedReplySchema.setClass(CannedReply);
