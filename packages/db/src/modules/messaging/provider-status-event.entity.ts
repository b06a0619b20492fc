import { defineEntity, p } from "@mikro-orm/postgresql";

/**
 * A signed provider status callback, stored by the webhook (group commit, one row per sid and status:
 * replays collapse on the unique key) and applied to `messages` by the worker's status applier in
 * set-based batches (decision 011). Not workspace-scoped: a callback names no workspace, only our
 * message id (`?m=`) and the provider sid, and the applier resolves the message itself.
 */
export const ProviderStatusEventSchema = defineEntity({
  name: "ProviderStatusEvent",
  tableName: "provider_status_events",
  properties: {
    id: p.bigint("string").primary().autoincrement().columnType("bigint").generated("identity"),
    providerSid: p.text(),
    /** The status exactly as posted (the unique key), e.g. "delivered". */
    status: p.text(),
    /** DELIVERY_STATUS_RANK of the mapped status; null when it is not one of ours (e.g. "received"). */
    rank: p.smallint().nullable(),
    errorCode: p.text().nullable(),
    /** Every parameter the provider posted. */
    params: p.json<Record<string, string>>(),
    /** Our message id from the callback URL (?m=), when it was a valid UUID. */
    messageId: p.uuid().nullable(),
    traceContext: p.text().nullable(),
    receivedAt: p.datetime(),
    /** When the applier may take it (again): an event for a message not found yet waits. */
    availableAt: p.datetime(),
    attempts: p.integer().default(0),
    appliedAt: p.datetime().nullable(),
    /** What applying it did: applied, no_change, unknown_status, other_sid, unknown_message, error. */
    outcome: p.text().nullable(),
  },
  uniques: [{ name: "provider_status_events_sid_status_uq", properties: ["providerSid", "status"] }],
  indexes: [
    { name: "provider_status_events_unapplied_idx", properties: ["id"], where: "applied_at is null" },
    // The send protocol's verification asks whether a callback already named our message (decision 014).
    { name: "provider_status_events_message_idx", properties: ["messageId"], where: "message_id is not null" },
  ],
});

export class ProviderStatusEvent extends ProviderStatusEventSchema.class {}
ProviderStatusEventSchema.setClass(ProviderStatusEvent);
