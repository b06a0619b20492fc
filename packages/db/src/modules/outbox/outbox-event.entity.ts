import { defineEntity, p } from "@mikro-orm/postgresql";
import { OutboxStatus } from "../common/enums.ts";

/**
 * The transactional outbox, which is also the scheduler (`available_at`). Column set is a contract
 * with the relay. A statement-level trigger NOTIFYs channel 'outbox' once per insert statement,
 * unless the inserting transaction set `rm.outbox_notify` to 'off' and wakes the relay itself: a
 * transaction that NOTIFYs holds a database-wide lock from its commit until its WAL flush, so
 * concurrent notifying commits are serialized (the webhook group inserter, which commits many
 * small batches at once, notifies afterwards in a transaction of its own).
 */
export const OutboxEventSchema = defineEntity({
  name: "OutboxEvent",
  tableName: "outbox",
  properties: {
    id: p.bigint("string").primary().autoincrement().columnType("bigint").generated("identity"),
    workspaceId: p.uuid().nullable(),
    /** Kind of work = stream name: dispatch, provider-status, inbound, billing, periodic, webhooks. */
    stream: p.text(),
    type: p.text(),
    payload: p.json<Record<string, unknown>>(),
    idempotencyKey: p.text().unique("outbox_idempotency_key_uq"),
    status: p.enum(OutboxStatus).default(OutboxStatus.PENDING),
    availableAt: p.datetime(),
    publishedAt: p.datetime().nullable(),
    doneAt: p.datetime().nullable(),
    publishCount: p.integer().default(0),
    lastError: p.text().nullable(),
    /** W3C traceparent of the transaction that wrote the row. */
    traceContext: p.text().nullable(),
    createdAt: p.datetime().defaultRaw("now()").onCreate(() => new Date()),
  },
  indexes: [
    { name: "outbox_claim_idx", properties: ["availableAt", "id"], where: "status = 'pending'" },
    // Retention walks finished rows oldest first. Partial: a row gets its entry once, when it is done
    // or cancelled, not at its insert and at every state change; and no index sorts pending rows by
    // (status, available_at), a plan the claim was seen to pick after a bulk insert (decision 036).
    { name: "outbox_finished_idx", properties: ["availableAt"], where: "status in ('done', 'cancelled')" },
    { name: "outbox_sweep_idx", properties: ["publishedAt"], where: "status = 'published'" },
  ],
  triggers: [
    {
      name: "outbox_notify",
      timing: "after",
      events: ["insert"],
      forEach: "statement",
      body: "if current_setting('rm.outbox_notify', true) is distinct from 'off' then perform pg_notify('outbox', ''); end if; return null;",
    },
  ],
});

export class OutboxEvent extends OutboxEventSchema.class {}
OutboxEventSchema.setClass(OutboxEvent);
