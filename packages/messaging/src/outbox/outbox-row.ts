// A handler's unit of work on its outbox row (decision 003): the row's statements belong to @rm/db's
// outbox primitive; this only puts them around the handler's effect in one transaction.
import type { EntityManager } from "@mikro-orm/postgresql";
import { completeOutboxRow, lockOutboxRow, retryOutboxRowAt, type LockedOutboxRow } from "@rm/db";

export type OutboxWorkResult = void | { retryAt: Date; error?: string };

/**
 * Runs `work` in one transaction with the row locked, if the row is still `published`; completes or
 * reschedules it in the same transaction. Returns false when the entry was a duplicate or stale.
 */
export async function runOutboxWork(
  em: EntityManager,
  outboxId: string,
  now: Date,
  work: (tem: EntityManager, row: LockedOutboxRow) => Promise<OutboxWorkResult>,
): Promise<boolean> {
  return em.fork().transactional(async (tem) => {
    const row = await lockOutboxRow(tem, outboxId);
    if (!row || row.status !== "published") return false;
    const result = await work(tem, row);
    if (result && "retryAt" in result) await retryOutboxRowAt(tem, outboxId, result.retryAt, result.error);
    else await completeOutboxRow(tem, outboxId, now);
    return true;
  });
}
