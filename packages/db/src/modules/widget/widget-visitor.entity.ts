import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, E164_CHECK_SQL, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Contact } from "../contacts/contact.entity.ts";
import { Conversation } from "../conversations/conversation.entity.ts";
import { Message } from "../messaging/message.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";
import { WebWidget } from "./web-widget.entity.ts";

/**
 * One visitor of a workspace's web chat: known by a random token the chat keeps (only its hash is
 * stored), with the contact and thread their messages land in. A phone they type is unverified
 * (`phone`) until they enter the code sent to it (`phoneConfirmedAt`); only then may staff answers go
 * to it by SMS (SPEC §16). The code itself is stored as a keyed hash, like sign-up codes.
 */
export const WidgetVisitorSchema = defineEntity({
  name: "WidgetVisitor",
  tableName: "widget_visitors",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    widget: p.manyToOne(WebWidget).deleteRule("cascade"),
    tokenHash: p.text().unique(),
    contact: p.manyToOne(Contact).deleteRule("cascade"),
    conversation: p.manyToOne(Conversation).nullable().deleteRule("set null"),
    name: p.text().nullable(),
    /** "es" or "en": the chat's language, used for the code's text. */
    language: p.text().default("es"),
    /** As typed and normalised to E.164; unverified until `phoneConfirmedAt`. */
    phone: p.text().nullable().check(E164_CHECK_SQL("phone")),
    phoneConfirmedAt: p.datetime().nullable(),
    codeHash: p.text().nullable(),
    codeExpiresAt: p.datetime().nullable(),
    codeAttempts: p.smallint().default(0),
    codeMessage: p.manyToOne(Message).nullable().deleteRule("set null"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  indexes: [{ name: "widget_visitors_conversation_idx", properties: ["conversation"], where: "conversation_id is not null" }],
});

export class WidgetVisitor extends WidgetVisitorSchema.class {
  override id: string = newId();
}
WidgetVisitorSchema.setClass(WidgetVisitor);
