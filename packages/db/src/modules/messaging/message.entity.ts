import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { Encoding, MessageStatus, MessageType, ThreadChannel } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Campaign } from "../campaigns/campaign.entity.ts";
import { Patient } from "../campaigns/patient.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";
import { Conversation } from "../conversations/conversation.entity.ts";
import { User } from "../workspace/user.entity.ts";
import { MESSAGES_ANALYTICS_TRIGGER_BODY, MESSAGES_ANALYTICS_WHEN } from "../analytics/analytics.entity.ts";

/** One outbound message. Delivery status is separate from repliedAt/rating (SPEC §4). */
export const MessageSchema = defineEntity({
  name: "Message",
  tableName: "messages",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    /** Null only for a sign-up verification code (type VERIFICATION): it goes to the would-be owner. */
    patient: p.manyToOne(Patient).nullable().deleteRule("cascade"),
    /** Null for staff alerts. */
    campaign: p.manyToOne(Campaign).nullable().deleteRule("cascade"),
    /** Staff replies and pending-reply notices: the thread they answer, and who wrote them. */
    conversation: p.manyToOne(Conversation).nullable().deleteRule("set null"),
    author: p.manyToOne(User).nullable().deleteRule("set null"),
    type: p.enum(MessageType),
    channel: p.enum(ThreadChannel),
    status: p.enum(MessageStatus).default(MessageStatus.PENDING),
    /** Sender actually used ("whatsapp:+1…" or "+1…"); set when the send is attempted. */
    fromAddress: p.text().nullable(),
    toAddress: p.text(),
    body: p.text().nullable(),
    /** WhatsApp template used, if any. */
    contentSid: p.text().nullable(),
    /** Variables of that template ({"1": "María", …}), rendered when the message was created. */
    contentVariables: p.json<Record<string, string>>().nullable(),
    segments: p.integer().nullable().check("segments is null or segments >= 0"),
    encoding: p.enum(Encoding).nullable(),
    providerSid: p.text().nullable(),
    errorCode: p.integer().nullable(),
    errorText: p.text().nullable(),
    /** Step 1 of the send protocol: set with status SENDING before the provider call. */
    sendAttemptedAt: p.datetime().nullable(),
    /** Provider calls made for this message (bounded retries of transient failures). */
    sendAttempts: p.integer().default(0).check("send_attempts >= 0"),
    /**
     * Provider unavailable (a failure that proves nothing was sent): when the first such failure
     * happened, how many there were, why the last one failed and when the next try is due (null
     * once it is not waiting). Kept after the send so the timeline shows the attempts.
     */
    retrySince: p.datetime().nullable(),
    // No check constraint: adding one would scan the whole table under an exclusive lock.
    retryFailures: p.integer().default(0),
    retryReason: p.text().nullable(),
    nextRetryAt: p.datetime().nullable(),
    /**
     * SMS fallback (SPEC §12): the WhatsApp attempt failed by status callback with a code that means
     * "no WhatsApp" or "template not usable", so this same message went out again by SMS. Kept so
     * the timeline shows both attempts: when the fallback was decided, the WhatsApp attempt's sid
     * (its late callbacks are ignored) and its error code. The row's channel is then SMS.
     */
    fallbackAt: p.datetime().nullable(),
    fallbackFromSid: p.text().nullable(),
    fallbackErrorCode: p.integer().nullable(),
    sentAt: p.datetime().nullable(),
    deliveredAt: p.datetime().nullable(),
    readAt: p.datetime().nullable(),
    failedAt: p.datetime().nullable(),
    repliedAt: p.datetime().nullable(),
    rating: p.smallint().nullable().check("rating >= 1 and rating <= 5"),
    /** Credits currently held for this message (ledger hold reference `message:<id>`). */
    creditsHeld: p.integer().default(0).check("credits_held >= 0"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  indexes: [
    { name: "messages_campaign_status_idx", properties: ["campaign", "status"] },
    // Workspace dashboards and analytics by date range.
    { name: "messages_workspace_created_idx", columns: [{ name: "workspace_id" }, { name: "created_at", sort: "DESC" }] },
    // Inbound routing: most recent outbound message from that sender to that phone.
    {
      name: "messages_route_idx",
      columns: [{ name: "to_address" }, { name: "from_address" }, { name: "created_at", sort: "DESC" }],
    },
    // Analytics (@rm/analytics): rating requests by campaign and send time, covering what the
    // dashboard counts, so a million messages aggregate from an index-only scan and a practice's or
    // doctor's campaigns, or a date range, read only their part.
    {
      name: "messages_campaign_requests_idx",
      expression:
        `create index "messages_campaign_requests_idx" on "messages" ("workspace_id", "campaign_id", (coalesce("sent_at", "send_attempted_at"))) ` +
        `include ("sent_at", "send_attempted_at", "status") where type = 'INITIAL' and provider_sid is not null`,
    },
    // A thread's staff replies (the rest of its messages are found by messages_route_idx).
    { name: "messages_conversation_idx", properties: ["conversation", "createdAt"], where: "conversation_id is not null" },
    // Reconciliation of messages stuck without a final status.
    { name: "messages_open_status_idx", properties: ["status", "sentAt"], where: "status in ('SENDING', 'ACCEPTED', 'SCHEDULED', 'QUEUED', 'SENT')" },
  ],
  uniques: [
    { name: "messages_provider_sid_uq", properties: ["providerSid"], where: "provider_sid is not null" },
    // Safety net for "exactly once" per patient: one INITIAL, one REMINDER, one HELP, one follow-up of
    // either kind. Every other type maps to null, and nulls never conflict, so the same index is also the
    // one on patient_id that the cascade from patients and every per-patient lookup use: one entry per
    // row version instead of two (it replaced a plain (patient_id, type) index and two partial unique
    // ones; decision 042). workspace_id is in it, as in every tenant key that can have it (unique-keys.test.ts).
    {
      name: "messages_patient_once_uq",
      expression:
        `create unique index "messages_patient_once_uq" on "messages" ("patient_id", ` +
        `(case when type in ('INITIAL', 'REMINDER', 'HELP') then type when type in ('FOLLOWUP_HAPPY', 'FOLLOWUP_UNHAPPY') then 'FOLLOWUP' end), "workspace_id")`,
    },
  ],
  // Analytics rollup: a change of the row's request fact appends to analytics_deltas (analytics.entity.ts).
  // One trigger per event, each with the WHEN that lets rows which change no fact skip the call.
  triggers: [
    { name: "messages_analytics_facts_insert", timing: "after", events: ["insert"], forEach: "row", when: MESSAGES_ANALYTICS_WHEN.insert, body: MESSAGES_ANALYTICS_TRIGGER_BODY },
    { name: "messages_analytics_facts", timing: "after", events: ["update"], forEach: "row", when: MESSAGES_ANALYTICS_WHEN.update, body: MESSAGES_ANALYTICS_TRIGGER_BODY },
    { name: "messages_analytics_facts_delete", timing: "after", events: ["delete"], forEach: "row", when: MESSAGES_ANALYTICS_WHEN.delete, body: MESSAGES_ANALYTICS_TRIGGER_BODY },
  ],
});

export class Message extends MessageSchema.class {
  override id: string = newId();
}
MessageSchema.setClass(Message);
