import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { ConversationStatus, ThreadChannel } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Patient } from "../campaigns/patient.entity.ts";
import { Contact } from "../contacts/contact.entity.ts";
import { User } from "../workspace/user.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/**
 * One thread per contact and sender (SPEC §13): every message the contact sends to that sender lands
 * in it, and its status is the case status of the staff inbox (one workflow). `waitingSince` is set by
 * the first unanswered inbound message and cleared by a staff reply; the navigation badge counts open
 * threads that wait.
 */
export const ConversationSchema = defineEntity({
  name: "Conversation",
  tableName: "conversations",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    contact: p.manyToOne(Contact).deleteRule("cascade"),
    /** The patient (appointment) the contact's latest routed message belongs to: doctor and practice come from it. */
    patient: p.manyToOne(Patient).nullable().deleteRule("set null"),
    channel: p.enum(ThreadChannel),
    /** Our sender as the provider spells it ("whatsapp:+1…" or "+1…"). */
    senderAddress: p.text(),
    /** The contact's address as the provider spells it. */
    contactAddress: p.text(),
    status: p.enum(ConversationStatus).default(ConversationStatus.OPEN),
    assignee: p.manyToOne(User).nullable().deleteRule("set null"),
    lastInboundAt: p.datetime().nullable(),
    lastOutboundAt: p.datetime().nullable(),
    lastMessageAt: p.datetime(),
    waitingSince: p.datetime().nullable(),
    /** When the practice's staff number was last told that this thread waits unanswered (once per wait). */
    unansweredAlertAt: p.datetime().nullable(),
    /** SPEC §13 pending reply: the held text, who wrote it, when it lapses and when it lapsed. */
    pendingReplyText: p.text().nullable(),
    pendingReplyBy: p.manyToOne(User).nullable().deleteRule("set null"),
    pendingReplyAt: p.datetime().nullable(),
    pendingReplyExpiresAt: p.datetime().nullable(),
    pendingReplyLapsedAt: p.datetime().nullable(),
    /** SPEC §16: staff switched the assistant off in this thread (when, by whom); null = on. */
    botOffAt: p.datetime().nullable(),
    botOffBy: p.manyToOne(User).nullable().deleteRule("set null"),
    /** When this thread last got the away message (at most once per the practice's interval). */
    lastAwayAt: p.datetime().nullable(),
    /** An urgent message waits for staff (set by the urgent hand-off, cleared by a staff answer or closing). */
    urgentAt: p.datetime().nullable(),
    /** The assistant handed the thread to staff (urgent or a person asked for): it stays quiet until staff answer. */
    handoffAt: p.datetime().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  indexes: [
    // The thread list: a workspace's threads by status, newest activity first.
    { name: "conversations_list_idx", columns: [{ name: "workspace_id" }, { name: "status" }, { name: "last_message_at", sort: "DESC" }, { name: "id" }] },
    { name: "conversations_assignee_idx", columns: [{ name: "workspace_id" }, { name: "assignee_id" }, { name: "last_message_at", sort: "DESC" }] },
    { name: "conversations_waiting_idx", properties: ["workspace", "waitingSince"], where: "status = 'OPEN' and waiting_since is not null" },
    { name: "conversations_patient_idx", properties: ["patient"] },
  ],
  uniques: [{ name: "conversations_contact_sender_uq", properties: ["workspace", "contact", "senderAddress"] }],
});

export class Conversation extends ConversationSchema.class {
  override id: string = newId();
}
ConversationSchema.setClass(Conversation);
