// Outbox rows written by a statement that writes its own business row too (one round trip, one
// commit): the outbox half of that statement, for callers on a plain pg pool or in a CTE.

/** The outbox columns, in the order the SELECT given to `outboxInsertFrom` yields them. */
export const OUTBOX_INSERT_COLUMNS = ["workspace_id", "stream", "type", "payload", "idempotency_key", "available_at", "trace_context"] as const;

/**
 * `insert into outbox (…) <select>`: the select yields OUTBOX_INSERT_COLUMNS in order (payload as
 * jsonb), e.g. from a CTE that inserted the business row, so both commit together. A row whose
 * idempotency key already exists fails the statement (the caller's own uniqueness decides what is
 * new); the insert trigger wakes the relay as for enqueueOutbox.
 */
export function outboxInsertFrom(select: string): string {
  return `insert into outbox (${OUTBOX_INSERT_COLUMNS.join(", ")})\n  ${select}`;
}
