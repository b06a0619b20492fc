// Group commit for webhook inserts (the outbox's inbound replies; status callbacks use the same
// GroupInserter on their own table, @rm/messaging's status-event-insert.ts). Each webhook must be durable before its 2xx, and one commit
// (one WAL fsync) per request caps a server at the database's single-row commit rate. Concurrent
// requests are instead written together: while a flush is in flight, newly arrived rows queue; when
// a flush slot frees, everything queued goes out as one multi-row INSERT … ON CONFLICT DO NOTHING.
// Under light load a batch is one row and nothing waits; under heavy load batches grow by
// themselves. A batch that fails is retried row by row, so one bad row cannot fail its neighbours.
//
// The relay is woken by the outbox trigger's NOTIFY, but a transaction that NOTIFYs takes a
// database-wide lock at commit and keeps it until its WAL flush: concurrent notifying commits run one
// after another, and the flush slots would wait on each other instead of sharing a WAL flush
// (measured with pgbench, 4 clients inserting 16 rows each: about half the commits per second). So
// batch inserts switch the trigger off for their own transaction (`rm.outbox_notify`) and the relay
// is woken after the commit by a NOTIFY of its own, which does not wait for a WAL flush
// (synchronous_commit off: a wake-up, no data) and is coalesced: at most one in flight, plus one more
// if rows were committed meanwhile. A lost wake-up costs at most the relay's poll interval.
import type pg from "pg";

export interface OutboxInsertRow {
  stream: string;
  type: string;
  /** JSON text of the payload. */
  payload: string;
  idempotencyKey: string;
  availableAt: Date;
  traceContext: string | null;
}

const BATCH_SQL = `
  WITH quiet AS (SELECT set_config('rm.outbox_notify', 'off', true))
  INSERT INTO outbox (workspace_id, stream, type, payload, idempotency_key, available_at, trace_context)
  SELECT NULL, s, t, p::jsonb, k, a, c
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[]) AS u(s, t, p, k, a, c), quiet
  ON CONFLICT (idempotency_key) DO NOTHING
  RETURNING idempotency_key`;

const WAKE_SQL = "SELECT set_config('synchronous_commit', 'off', true), pg_notify('outbox', '')";

export interface OutboxGroupInserterOptions {
  pool: Pick<pg.Pool, "query">;
  /** Most rows in one INSERT. */
  maxBatch?: number;
  /** Flushes running at once (keep below the pool size). */
  maxInFlight?: number;
}

/** A row waiting for its flush, and the caller waiting for its answer. */
interface Pending<R> {
  row: R;
  resolve(inserted: boolean): void;
  reject(err: unknown): void;
}

/**
 * The group commit itself, for any table with a unique key: `write` inserts rows in one statement
 * (ON CONFLICT DO NOTHING) and returns the keys it stored; `wakeSql` tells the reader after commit.
 */
export abstract class GroupInserter<R> {
  private readonly pool: Pick<pg.Pool, "query">;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private queue: Pending<R>[] = [];
  private inFlight = 0;
  private waking = false;
  private wakeAgain = false;

  protected abstract readonly wakeSql: string;
  protected abstract keyOf(row: R): string;
  /** One multi-row INSERT … ON CONFLICT DO NOTHING; returns the keys of the rows it stored. */
  protected abstract insertRows(pool: Pick<pg.Pool, "query">, rows: R[]): Promise<Set<string>>;

  constructor(o: OutboxGroupInserterOptions) {
    this.pool = o.pool;
    this.maxBatch = o.maxBatch ?? 500;
    this.maxInFlight = o.maxInFlight ?? 4;
  }

  /** Resolves once the row is committed: true if it was new, false if its key was already stored. */
  insert(row: R): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: Pending<R>[]): Promise<void> {
    try {
      const inserted = await this.write(batch.map((p) => p.row));
      // The same key twice in one batch: the first is the new row, the second a duplicate.
      const claimed = new Set<string>();
      for (const p of batch) {
        const key = this.keyOf(p.row);
        const isNew = inserted.has(key) && !claimed.has(key);
        if (isNew) claimed.add(key);
        p.resolve(isNew);
      }
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      await Promise.all(
        batch.map(async (p) => {
          try {
            p.resolve((await this.write([p.row])).has(this.keyOf(p.row)));
          } catch (rowErr) {
            p.reject(rowErr);
          }
        }),
      );
    }
  }

  /** Tells the reader that rows were committed (see the header: outside the insert's transaction). */
  private wakeReader(): void {
    if (this.waking) {
      this.wakeAgain = true;
      return;
    }
    this.waking = true;
    this.pool
      .query(this.wakeSql)
      .catch(() => {
        // The reader polls as well; a lost wake-up only delays it by its poll interval.
      })
      .finally(() => {
        this.waking = false;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.wakeReader();
        }
      });
  }

  private async write(rows: R[]): Promise<Set<string>> {
    const inserted = await this.insertRows(this.pool, rows);
    if (inserted.size > 0) this.wakeReader();
    return inserted;
  }
}

export class OutboxGroupInserter extends GroupInserter<OutboxInsertRow> {
  protected readonly wakeSql = WAKE_SQL;

  protected keyOf(row: OutboxInsertRow): string {
    return row.idempotencyKey;
  }

  protected async insertRows(pool: Pick<pg.Pool, "query">, rows: OutboxInsertRow[]): Promise<Set<string>> {
    const result = await pool.query<{ idempotency_key: string }>(BATCH_SQL, [
      rows.map((r) => r.stream),
      rows.map((r) => r.type),
      rows.map((r) => r.payload),
      rows.map((r) => r.idempotencyKey),
      rows.map((r) => r.availableAt),
      rows.map((r) => r.traceContext),
    ]);
    return new Set(result.rows.map((r) => r.idempotency_key));
  }
}
