import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, uuidPk } from "../common/columns.ts";
import { InboundIntent, ThreadChannel } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Patient } from "../campaigns/patient.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";
import { Message } from "./message.entity.ts";
import { Conversation } from "../conversations/conversation.entity.ts";

/**
 * A patient's message as the webhook stored it (idempotently, by provider sid). Workspace, patient and
 * the parsed reading are filled in by the worker once it has routed it.
 */
export const InboundMessageSchema = defineEntity({
  name: "InboundMessage",
  tableName: "inbound_messages",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).nullable().deleteRule("cascade"),
    patient: p.manyToOne(Patient).nullable().deleteRule("set null"),
    /** The outbound request this reply answers. */
    inReplyTo: p.manyToOne(Message).nullable().deleteRule("set null"),
    /** The thread it landed in; null while unrouted (an unknown phone on the shared sender). */
    conversation: p.manyToOne(Conversation).nullable().deleteRule("set null"),
    providerSid: p.text().unique(),
    channel: p.enum(ThreadChannel),
    fromAddress: p.text(),
    toAddress: p.text(),
    body: p.text().default(""),
    buttonPayload: p.text().nullable(),
    /** Every parameter the provider posted, for audits and re-parsing. */
    rawParams: p.json<Record<string, string>>().nullable(),
    intent: p.enum(InboundIntent).nullable(),
    rating: p.smallint().nullable().check("rating >= 1 and rating <= 5"),
    receivedAt: p.datetime(),
    processedAt: p.datetime().nullable(),
    createdAt: createdAt(),
  },
  indexes: [
    { name: "inbound_messages_from_idx", columns: [{ name: "from_address" }, { name: "received_at", sort: "DESC" }] },
    { name: "inbound_messages_patient_idx", properties: ["patient"] },
    { name: "inbound_messages_conversation_idx", properties: ["conversation", "receivedAt"], where: "conversation_id is not null" },
  ],
});

export class InboundMessage extends InboundMessageSchema.class {
  override id: string = newId();
}
InboundMessageSchema.setClass(InboundMessage);
