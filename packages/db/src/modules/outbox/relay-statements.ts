// The relay's statements on the outbox, as named prepared statements (the relay runs them with
// `client.query({ ...statement, values })` on a plain pg pool: one parse per connection). The
// outbox table belongs here, so its SQL does too; the relay only orders the steps.

/** A due row as the relay publishes it: text columns, ready for the stream entry. */
export interface ClaimedOutboxRow {
  id: string;
  stream: string;
  type: string;
  workspace_id: string | null;
  payload: string;
  trace_context: string | null;
}

/**
 * Opens the relay's transaction with plans that statistics cannot flip: right after a bulk insert
 * into an analyzed, nearly empty pending set PostgreSQL expects a few due rows and sorted every
 * pending row for each claim (a bitmap or (status, available_at) scan plus a sort: 41 ms per claim of
 * 500 at 50,000 pending, against 0.36 ms walking outbox_claim_idx), and it marked a claim of 500 by
 * scanning the whole outbox (a sequential scan or a hash join with one) rather than 500 primary-key
 * lookups. With sorts, bitmap and sequential scans, hash and merge joins priced out for this
 * transaction only, the claim walks outbox_claim_idx in its order and every other statement looks
 * rows up by primary key or a partial index, which is all the relay does. One round trip, like a
 * bare BEGIN, and no session state (a transaction-mode pooler may sit in between).
 */
export const OUTBOX_RELAY_BEGIN =
  "BEGIN; SET LOCAL enable_sort = off; SET LOCAL enable_incremental_sort = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off";

export const OUTBOX_RELAY_STATEMENTS = {
  /** $1 now, $2 batch size: due `pending` rows, oldest first, locked so any number of relays share them. */
  claim: {
    name: "outbox-claim",
    text: `
  SELECT id::text, stream, type, workspace_id::text, payload::text AS payload, trace_context
    FROM outbox
   WHERE status = 'pending' AND available_at <= $1
   ORDER BY outbox.available_at, outbox.id -- qualified: a bare "id" would sort the text alias above
   LIMIT $2
   FOR UPDATE SKIP LOCKED`,
  },
  /**
   * $1 now: the earliest row scheduled for later, the first entry past "now" in outbox_claim_idx.
   * Rows due now but not claimed are locked by another relay, which publishes them.
   */
  nextDue: {
    name: "outbox-next-due",
    text: `
  SELECT min(available_at) AS next FROM outbox WHERE status = 'pending' AND available_at > $1`,
  },
  /** $1 now, $2 ids: published to their stream. */
  markPublished: {
    name: "outbox-published",
    text: `
  UPDATE outbox
     SET status = 'published', published_at = $1, publish_count = publish_count + 1
   WHERE id = ANY($2::bigint[])`,
  },
  /** $1 ids, $2 reason: rows no handler can take (an unknown stream), set aside with why. */
  park: {
    name: "outbox-park",
    text: `
  UPDATE outbox SET status = 'cancelled', last_error = $2 WHERE id = ANY($1::bigint[])`,
  },
  /** $1 now: rows by state and the age of the oldest due row, for the backlog gauges. */
  // One subquery per state, each on its partial index (claim, sweep): finished rows are never read.
  backlog: {
    name: "outbox-backlog",
    text: `
  SELECT (SELECT count(*) FROM outbox WHERE status = 'pending' AND available_at <= $1)::int AS due,
         (SELECT count(*) FROM outbox WHERE status = 'pending' AND available_at > $1)::int AS scheduled,
         (SELECT count(*) FROM outbox WHERE status = 'published')::int AS published,
         extract(epoch FROM ($1 - (SELECT min(available_at) FROM outbox WHERE status = 'pending' AND available_at <= $1)))::float8 AS oldest_due_seconds`,
  },
} as const;
