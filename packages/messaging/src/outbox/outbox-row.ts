// The lifecycle of an outbox row as the worker sees it. A handler locks its row first, inside the
// same transaction as its effect, so "effect committed" and "row done" are one fact:
//   published → run the effect, then done (or pending again at a later available_at to retry)
//   done / cancelled → a duplicate delivery: do nothing (the stream entry is simply acknowledged)
//   pending → a stale entry for a row that is waiting to be retried or republished: do nothing
import type { EntityManager } from "@mikro-orm/postgresql";

export interface LockedOutboxRow {
  id: string;
  status: "pending" | "published" | "done" | "cancelled";
  publishCount: number;
  availableAt: Date;
}

/** SELECT … FOR UPDATE of one outbox row; null when it does not exist. */
export async function lockOutboxRow(em: EntityManager, outboxId: string): Promise<LockedOutboxRow | null> {
  const rows = await em.execute<{ id: string; status: LockedOutboxRow["status"]; publish_count: number; available_at: Date }[]>(
    "select id::text as id, status, publish_count, available_at from outbox where id = ? for update",
    [outboxId],
  );
  const row = rows[0];
  return row ? { id: row.id, status: row.status, publishCount: Number(row.publish_count), availableAt: new Date(row.available_at) } : null;
}

export async function completeOutboxRow(em: EntityManager, outboxId: string, now: Date): Promise<void> {
  await em.execute("update outbox set status = 'done', done_at = ?, last_error = null where id = ?", [now, outboxId], "run");
}

/** Puts the row back in the scheduler: the relay publishes it again at `availableAt`. */
export async function retryOutboxRowAt(em: EntityManager, outboxId: string, availableAt: Date, error?: string): Promise<void> {
  await em.execute("update outbox set status = 'pending', available_at = ?, last_error = ? where id = ?", [availableAt, error?.slice(0, 2000) ?? null, outboxId], "run");
}

/** Takes the row out of circulation with the reason (dead letters, work that can never run). */
export async function parkOutboxRow(em: EntityManager, outboxId: string, error: string): Promise<void> {
  await em.execute("update outbox set status = 'cancelled', last_error = ? where id = ? and status <> 'done'", [error.slice(0, 2000), outboxId], "run");
}

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
