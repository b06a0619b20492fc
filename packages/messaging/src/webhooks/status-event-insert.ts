// Group commit of status callbacks into provider_status_events (decision 011): the same GroupInserter
// as the outbox's (one multi-row INSERT per flush, replays collapse on the unique (sid, status) key),
// and after a commit that stored rows one coalesced NOTIFY on channel `provider_status` wakes the
// worker's status applier. No outbox row and no stream entry: the applier reads the table itself.
import type pg from "pg";
import { GroupInserter } from "@rm/db";

export interface StatusEventRow {
  sid: string;
  /** As posted (part of the unique key). */
  status: string;
  rank: number | null;
  errorCode: string | null;
  /** JSON text of every posted parameter. */
  params: string;
  messageId: string | null;
  receivedAt: Date;
  traceContext: string | null;
}

export const STATUS_EVENTS_CHANNEL = "provider_status";

const INSERT_SQL = `
  INSERT INTO provider_status_events (provider_sid, status, rank, error_code, params, message_id, received_at, available_at, trace_context)
  SELECT s, st, r, e, p::jsonb, m, a, a, c
    FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[], $5::text[], $6::uuid[], $7::timestamptz[], $8::text[]) AS u(s, st, r, e, p, m, a, c)
  ON CONFLICT (provider_sid, status) DO NOTHING
  RETURNING provider_sid, status`;

// A wake-up, no data: it need not wait for a WAL flush.
const WAKE_SQL = `SELECT set_config('synchronous_commit', 'off', true), pg_notify('${STATUS_EVENTS_CHANNEL}', '')`;

const keyOf = (sid: string, status: string) => `${sid}\u0000${status}`;

export class StatusEventGroupInserter extends GroupInserter<StatusEventRow> {
  protected readonly wakeSql = WAKE_SQL;

  protected keyOf(row: StatusEventRow): string {
    return keyOf(row.sid, row.status);
  }

  protected async insertRows(pool: Pick<pg.Pool, "query">, rows: StatusEventRow[]): Promise<Set<string>> {
    const result = await pool.query<{ provider_sid: string; status: string }>(INSERT_SQL, [
      rows.map((r) => r.sid),
      rows.map((r) => r.status),
      rows.map((r) => r.rank),
      rows.map((r) => r.errorCode),
      rows.map((r) => r.params),
      rows.map((r) => r.messageId),
      rows.map((r) => r.receivedAt),
      rows.map((r) => r.traceContext),
    ]);
    return new Set(result.rows.map((r) => keyOf(r.provider_sid, r.status)));
  }
}
