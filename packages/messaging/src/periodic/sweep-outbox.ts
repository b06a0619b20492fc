// The outbox sweeper (SPEC §2): rows `published` but not `done` for longer than a timeout were lost
// somewhere between the relay and a worker (a Redis AOF window, a trim, a crash); put them back to
// `pending` so the relay publishes them again. Handlers are idempotent, so a republished row that
// was merely slow costs a no-op.
import type { EntityManager } from "@mikro-orm/postgresql";

export interface SweepOptions {
  timeoutMs: number;
  /** The sweep's own row: it is `published` while it runs. */
  excludeOutboxId?: string;
  /** Rows per run; the next run takes the rest. */
  limit?: number;
}

/** Returns how many rows were put back to `pending`. */
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
