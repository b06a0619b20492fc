import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { FeedbackSource, FeedbackStatus } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Patient } from "../campaigns/patient.entity.ts";
import { InboundMessage } from "../messaging/inbound-message.entity.ts";
import { Conversation } from "../conversations/conversation.entity.ts";
import { User } from "../workspace/user.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/** The staff inbox: private form submissions, unparsed replies and low ratings, one workflow. */
export const FeedbackSchema = defineEntity({
  name: "Feedback",
  tableName: "feedback",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    patient: p.manyToOne(Patient).deleteRule("cascade").index(),
    source: p.enum(FeedbackSource).default(FeedbackSource.FORM),
    inboundMessage: p.manyToOne(InboundMessage).nullable().deleteRule("set null"),
    /** The thread this item is an entry of (SPEC §13: feedback inbox items link to their thread). */
    conversation: p.manyToOne(Conversation).nullable().deleteRule("set null").index(),
    text: p.text().default(""),
    rating: p.smallint().nullable().check("rating >= 1 and rating <= 5"),
    status: p.enum(FeedbackStatus).default(FeedbackStatus.NEW),
    staffNotes: p.text().nullable(),
    resolvedAt: p.datetime().nullable(),
    resolvedBy: p.manyToOne(User).nullable().deleteRule("set null"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  indexes: [
    {
      name: "feedback_inbox_idx",
      columns: [{ name: "workspace_id" }, { name: "status" }, { name: "created_at", sort: "DESC" }],
    },
    // The inbox's rows without a thread (a request sent from a Messaging Service): few, found without
    // walking the workspace's threaded entries.
    {
      name: "feedback_threadless_idx",
      expression: `create index "feedback_threadless_idx" on "feedback" ("workspace_id", "created_at" desc, "id" desc) where "conversation_id" is null`,
    },
  ],
});

export class Feedback extends FeedbackSchema.class {
  override id: string = newId();
}
FeedbackSchema.setClass(Feedback);
