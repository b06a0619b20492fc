// Outbox rows found by their idempotency keys, for the packages whose work they schedule: lock them
// before the business rows they belong to, take them out of the scheduler, read when they are due,
// and insert them from a caller's set-based statement. Keys come from @rm/events' builders; every
// function takes arrays and is one statement in the caller's transaction.
import type { EntityManager } from "@mikro-orm/postgresql";
import { pgArray } from "../common/pg-array.ts";
import { executeBound } from "../common/execute-bound.ts";
import { scopedQuery } from "../../scoping/scoped-query.ts";

/**
 * Locks (FOR UPDATE) the rows with these keys that are still `pending` or `published`, in id order —
 * the order every batch locker uses, so two lockers never deadlock. Callers lock the outbox row before
 * the row it schedules (the worker's send step does). Bound parameters: a campaign's keys run to megabytes.
 */
export async function lockOutboxRowsByKey(em: EntityManager, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await executeBound(
    em,
    `select o.id from outbox o
      where o.status in ('pending', 'published') and o.idempotency_key = any(?::text[])
      order by o.id
        for update of o`,
    [pgArray(keys)],
  );
}

/** When the workspace's rows with these keys are (or were) due, by key; keys without a row are left out. */
export async function outboxDueTimes(em: EntityManager, workspaceId: string, keys: readonly string[]): Promise<Map<string, Date>> {
  if (keys.length === 0) return new Map();
  const rows = await scopedQuery<{ idempotency_key: string; available_at: Date | string }>(
    em,
    workspaceId,
    "select idempotency_key, available_at from outbox where workspace_id = ? and idempotency_key = any(?::text[])",
    [pgArray(keys)],
  );
  return new Map(rows.map((r) => [r.idempotency_key, new Date(r.available_at)]));
}

const NAME = /^[a-z][a-z.-]*$/;

/**
 * The tail of a set-based statement that enqueues one outbox row per row of `from`: the rows
 * `enqueueOutbox` writes (same columns, same "first key wins" rule, no trace context), so a caller's
 * `with t as (…), m as (insert …) <this>` writes its business rows and their outbox rows in one
 * statement, and the NOTIFY trigger fires once for all of them. The arguments are SQL expressions
 * over `from` (placeholders allowed, in the order they appear: workspace, payload, key, due, where);
 * stream and type are names, not input.
 */
export function outboxInsertSelect(spec: { stream: string; type: string; workspaceId: string; payload: string; key: string; availableAt: string; from: string; where?: string }): string {
  if (!NAME.test(spec.stream) || !NAME.test(spec.type)) throw new Error(`outboxInsertSelect: bad stream or type ${spec.stream} ${spec.type}`);
  return `insert into outbox (workspace_id, stream, type, payload, idempotency_key, available_at, trace_context)
           select ${spec.workspaceId}, '${spec.stream}', '${spec.type}', ${spec.payload}, ${spec.key}, ${spec.availableAt}, null
             from ${spec.from}${spec.where ? ` where ${spec.where}` : ""}
           on conflict (idempotency_key) do nothing`;
}
