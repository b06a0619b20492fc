// The outbox rows' lifecycle after the relay published them (decision 003), as the workers run it.
// A handler locks its row first, inside the same transaction as its effect, so "effect committed"
// and "row done" are one fact:
//   published → run the effect, then done (or pending again at a later available_at to retry)
//   done / cancelled → a duplicate delivery: do nothing (the stream entry is simply acknowledged)
//   pending → a stale entry for a row that is waiting to be retried or republished: do nothing
// Every function runs in the caller's transaction; those taking arrays are one statement for the
// whole batch (the send path runs them once per stream batch, decision 007).
import type { EntityManager } from "@mikro-orm/postgresql";
import { redactError } from "@rm/domain";
import { pgArray } from "../common/pg-array.ts";
import { executeBound } from "../common/execute-bound.ts";

export type OutboxRowStatus = "pending" | "published" | "done" | "cancelled";

export interface LockedOutboxRow {
  id: string;
  status: OutboxRowStatus;
  publishCount: number;
  availableAt: Date;
}

/** last_error keeps the first 2,000 characters of the redacted text: no phone, e-mail or token is stored (SPEC §17). */
const errorText = (error: string | null | undefined): string | null => (error == null ? null : redactError(error));

/** SELECT … FOR UPDATE of one outbox row; null when it does not exist. */
export async function lockOutboxRow(em: EntityManager, outboxId: string): Promise<LockedOutboxRow | null> {
  const rows = await em.execute<{ id: string; status: OutboxRowStatus; publish_count: number; available_at: Date }[]>(
    "select id::text as id, status, publish_count, available_at from outbox where id = ? for update",
    [outboxId],
  );
  const row = rows[0];
  return row ? { id: row.id, status: row.status, publishCount: Number(row.publish_count), availableAt: new Date(row.available_at) } : null;
}

/** Locks a batch's rows in id order (so two batches never deadlock on them); rows that do not exist are left out. */
export async function lockOutboxRows(em: EntityManager, outboxIds: readonly string[]): Promise<Map<string, { status: OutboxRowStatus; availableAt: Date }>> {
  const rows = await em.execute<{ id: string; status: OutboxRowStatus; available_at: Date | string }[]>(
    "select id::text as id, status, available_at from outbox where id = any(?::bigint[]) order by id for update",
    [pgArray(outboxIds)],
  );
  return new Map(rows.map((r) => [r.id, { status: r.status, availableAt: new Date(r.available_at) }]));
}

/** The work is done; `note` stays in last_error (why it ended the way it did), else last_error is cleared. */
export async function completeOutboxRow(em: EntityManager, outboxId: string, now: Date, note?: string): Promise<void> {
  await em.execute("update outbox set status = 'done', done_at = ?, last_error = ? where id = ?", [now, errorText(note), outboxId], "run");
}

/** completeOutboxRow for a batch, in one statement. */
export async function completeOutboxRows(em: EntityManager, outboxIds: readonly string[], now: Date): Promise<void> {
  if (outboxIds.length === 0) return;
  await em.execute("update outbox set status = 'done', done_at = ?, last_error = null where id = any(?::bigint[])", [now, pgArray(outboxIds)], "run");
}

/** Puts the row back in the scheduler: the relay publishes it again at `availableAt`. */
export async function retryOutboxRowAt(em: EntityManager, outboxId: string, availableAt: Date, error?: string): Promise<void> {
  await em.execute("update outbox set status = 'pending', available_at = ?, last_error = ? where id = ?", [availableAt, errorText(error), outboxId], "run");
}

/** Takes the row out of circulation with the reason (dead letters, work that can never run). */
export async function parkOutboxRow(em: EntityManager, outboxId: string, error: string): Promise<void> {
  await em.execute("update outbox set status = 'cancelled', last_error = ? where id = ? and status <> 'done'", [errorText(error), outboxId], "run");
}

/**
 * Work that must no longer run (an opt-out, a rating that makes the reminder moot): the rows with
 * these idempotency keys still in one of `statuses` are cancelled with the reason, in one statement.
 */
export async function cancelOutboxByKeys(em: EntityManager, keys: readonly string[], reason: string, statuses: readonly ("pending" | "published")[]): Promise<void> {
  if (keys.length === 0) return;
  // Bound, not inlined: a campaign's cancel passes tens of thousands of keys.
  await executeBound(
    em,
    "update outbox set status = 'cancelled', last_error = ? where idempotency_key = any(?::text[]) and status = any(?::text[])",
    [errorText(reason), pgArray(keys), pgArray(statuses)],
  );
}

/**
 * Tells the relays (at commit) that rows went back to pending for later: they read the next due
 * time again and wake for it instead of finding it on their next poll. Only inserts NOTIFY by trigger.
 */
export async function wakeRelays(em: EntityManager): Promise<void> {
  await em.execute("select pg_notify('outbox', '')", [], "run");
}

/**
 * Sends waiting for their sender's rate-limit slot (epoch ms): each row goes back to pending, due at
 * its slot, with the slot in its payload (`rateSlotAt`, as message.send's payload reads it) so it is
 * not booked again; one statement for the batch, then the relays are woken.
 */
export async function deferToRateSlots(em: EntityManager, rows: readonly { outboxId: string; slotAt: number }[]): Promise<void> {
  if (rows.length === 0) return;
  await em.execute(
    `update outbox o set status = 'pending', available_at = to_timestamp(u.slot / 1000.0), last_error = 'rate limited: waiting for its slot',
            payload = o.payload || jsonb_build_object('rateSlotAt', u.slot)
       from unnest(?::bigint[], ?::bigint[]) as u(id, slot) where o.id = u.id`,
    [pgArray(rows.map((r) => r.outboxId)), pgArray(rows.map((r) => r.slotAt))],
    "run",
  );
  await wakeRelays(em);
}

export interface SweepOptions {
  timeoutMs: number;
  /** The sweep's own row: it is `published` while it runs. */
  excludeOutboxId?: string;
  /** Rows per run; the next run takes the rest. */
  limit?: number;
}

/**
 * The outbox sweeper (SPEC §2): rows `published` but not `done` for longer than the timeout were lost
 * somewhere between the relay and a worker (a Redis AOF window, a trim, a crash); they go back to
 * `pending` so the relay publishes them again. Returns how many.
 */
export async function sweepStaleOutbox(em: EntityManager, now: Date, options: SweepOptions): Promise<number> {
  const cutoff = new Date(now.getTime() - options.timeoutMs);
  // SKIP LOCKED: a row some handler holds locked is being worked on right now, not lost.
  const res = await em.execute<{ affectedRows: number }>(
    `update outbox set status = 'pending', available_at = ?
      where id in (
        select id from outbox
         where status = 'published' and published_at < ? and id <> ?
         order by published_at
         limit ?
         for update skip locked)`,
    [now, cutoff, options.excludeOutboxId ?? "0", options.limit ?? 10_000],
    "run",
  );
  return res.affectedRows;
}

/**
 * Retention (docs/capacity.md): deletes up to `limit` `done` and up to `limit` `cancelled` rows
 * due before `before`, oldest first; returns how many. One short statement that walks
 * `outbox_finished_idx` from its oldest finished row, so a run costs what it deletes,
 * however many rows are younger. The caller loops, one transaction per call. A finished row's
 * idempotency key goes with it: `before` must lie beyond the longest redelivery window of any
 * source that enqueues by key (the worker enforces at least four days: Stripe redelivers for three).
 */
export async function purgeFinishedOutboxRows(em: EntityManager, before: Date, limit: number): Promise<number> {
  const res = await em.execute<{ affectedRows: number }>(
    `delete from outbox where id in (
       (select id from outbox where status = 'done' and available_at < ? order by available_at limit ?)
       union all
       (select id from outbox where status = 'cancelled' and available_at < ? order by available_at limit ?))`,
    [before, limit, before, limit],
    "run",
  );
  return res.affectedRows;
}
