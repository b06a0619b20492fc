// Publishes due outbox rows to Redis Streams (SPEC §2 "Relay").
//
// One batch = one transaction: claim due `pending` rows with FOR UPDATE SKIP LOCKED (so any
// number of relays can run), add them to the stream of their kind and partition (one script call
// per stream key, @rm/streams' addEntries), mark them `published`, commit. If Redis fails the
// transaction rolls back and the rows stay pending; if the commit fails after the entries were
// added the rows are published again later — at-least-once, and every
// consumer is idempotent. "Now" comes from the injectable clock as a query parameter.
//
// Wake-ups: LISTEN on a direct connection (an insert trigger NOTIFYs channel `outbox`; writers that
// put a row back to pending, like a rate-limit reschedule, NOTIFY themselves), the due time of the
// next row scheduled for later (read from the claim index after a batch that was not full, so a row
// written ahead is published at its time, not up to a poll interval late), and polling as a fallback.
//
// Lanes: while a backlog lasts (a batch came back full) the relay claims in `lanes` transactions at
// once, so one lane claims and marks in PostgreSQL while another waits on Redis and its commit. SKIP
// LOCKED keeps their rows apart, exactly as between relay replicas; stream order across batches is
// no more promised than between two replicas (every consumer is idempotent and reads per entry).
import type pg from "pg";
import { OUTBOX_RELAY_BEGIN, OUTBOX_RELAY_STATEMENTS, WakeableLoop, type ClaimedOutboxRow } from "@rm/db/outbox-relay";
import type { Clock } from "@rm/domain";
import { addEntries, isStreamKind, partitionOf, streamKey, type RedisClient, type StreamEntry, type StreamNaming } from "@rm/streams";
import { defineInstruments, type LogSink } from "@rm/telemetry";

export interface OutboxRelayOptions {
  /** Pool for claims (may point at a transaction-mode pooler). */
  pool: pg.Pool;
  /** Direct connection string for LISTEN (never through a transaction pooler); null = poll only. */
  listenUrl: string | null;
  redis: RedisClient;
  naming: StreamNaming;
  clock: Clock;
  batchSize?: number;
  /** Batches in flight at once while a backlog lasts (1 = one after another). */
  lanes?: number;
  pollMs?: number;
  logger?: LogSink;
}

/** The shortest sleep before a row scheduled for later: what it may wait so its neighbours share a claim. */
export const SCHEDULE_GRANULARITY_MS = 20;

/** What a failed batch reports in place of a count. */
const FAILED = -1;

const instruments = defineInstruments((meter) => ({
  published: meter.createCounter("rm.outbox.published", { description: "Outbox rows published to streams, by stream kind" }),
  batchDuration: meter.createHistogram("rm.relay.batch.duration.seconds", { description: "Time to claim, publish and commit one batch", unit: "s" }),
}));

export class OutboxRelay {
  private readonly batchSize: number;
  private readonly lanes: number;
  private readonly pollMs: number;
  private readonly loop: WakeableLoop;
  /** Due time (ms) of the next row scheduled for later, as of the last batch that was not full. */
  private nextDueAt: number | null = null;
  private readonly o: OutboxRelayOptions;

  constructor(options: OutboxRelayOptions) {
    this.o = options;
    const o = options;
    this.batchSize = o.batchSize ?? 500;
    this.lanes = Math.max(1, o.lanes ?? 2);
    this.pollMs = o.pollMs ?? 1000;
    this.loop = new WakeableLoop({ listenUrl: o.listenUrl, channel: "outbox", label: "relay", logger: o.logger }, () => this.turn());
  }

  start(): Promise<void> {
    return this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Publishes one batch of due rows; returns how many were published. */
  async publishBatch(): Promise<number> {
    const started = performance.now();
    const now = this.o.clock.now();
    const client = await this.o.pool.connect();
    let released = false;
    try {
      await client.query(OUTBOX_RELAY_BEGIN);
      const { rows } = await client.query<ClaimedOutboxRow>({ ...OUTBOX_RELAY_STATEMENTS.claim, values: [now, this.batchSize] });
      if (rows.length < this.batchSize) {
        const { rows: next } = await client.query<{ next: Date | null }>({ ...OUTBOX_RELAY_STATEMENTS.nextDue, values: [now] });
        this.nextDueAt = next[0]?.next ? new Date(next[0].next).getTime() : null;
      }
      if (rows.length === 0) {
        await client.query("COMMIT");
        return 0;
      }

      const unknown: string[] = [];
      // The rows of each stream key in claim order, added by one script call per key (addEntries),
      // the calls sent concurrently: on a Redis Cluster each key (its hash tag) is one slot.
      const byKey = new Map<string, StreamEntry[]>();
      const published: ClaimedOutboxRow[] = [];
      for (const row of rows) {
        if (!isStreamKind(row.stream)) {
          unknown.push(row.id);
          continue;
        }
        const key = streamKey(this.o.naming, row.stream, partitionOf(row.workspace_id, this.o.naming.partitions));
        let entries = byKey.get(key);
        if (!entries) byKey.set(key, (entries = []));
        entries.push({ outboxId: row.id, type: row.type, workspaceId: row.workspace_id, payload: row.payload, traceparent: row.trace_context ?? "" });
        published.push(row);
      }
      await Promise.all([...byKey].map(([key, entries]) => addEntries(this.o.redis, key, entries)));

      if (published.length) await client.query({ ...OUTBOX_RELAY_STATEMENTS.markPublished, values: [now, published.map((r) => r.id)] });
      // A row for a stream no consumer reads would be claimed forever: park it, visibly.
      if (unknown.length) {
        await client.query({ ...OUTBOX_RELAY_STATEMENTS.park, values: [unknown, "no such stream"] });
        this.o.logger?.error({ outboxIds: unknown }, "outbox rows name an unknown stream; cancelled");
      }
      await client.query("COMMIT");
      // One counter update per stream and batch, not per row (the relay's CPU is per row).
      const perStream = new Map<string, number>();
      for (const row of published) perStream.set(row.stream, (perStream.get(row.stream) ?? 0) + 1);
      for (const [stream, n] of perStream) instruments().published.add(n, { stream });
      instruments().batchDuration.record((performance.now() - started) / 1000);
      return rows.length;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      // A broken connection must not go back to the pool.
      client.release(err instanceof Error ? err : true);
      released = true;
      throw err;
    } finally {
      if (!released) client.release();
    }
  }

  private async turn(): Promise<void> {
    let last = await this.tryBatch();
    // A full batch means more is probably due: drain it in lanes, without waiting.
    if (last === this.batchSize && this.lanes > 1) {
      const lanes = await Promise.all(Array.from({ length: this.lanes }, () => this.drainLane()));
      last = Math.min(...lanes);
    }
    if (last === FAILED) {
      await this.loop.waker.sleep(Math.min(this.pollMs, 1000));
      return;
    }
    if (last < this.batchSize && this.loop.isRunning) await this.loop.waker.sleep(this.untilNextDue());
  }

  /** One lane of a backlog: batches one after another until one comes back short (or fails). */
  private async drainLane(): Promise<number> {
    for (;;) {
      const published = await this.tryBatch();
      if (published < this.batchSize || !this.loop.isRunning) return published;
    }
  }

  /** publishBatch, with a failure logged and reported as FAILED (the rows stay pending). */
  private async tryBatch(): Promise<number> {
    try {
      return await this.publishBatch();
    } catch (err) {
      this.o.logger?.warn({ err: String(err) }, "relay batch failed; retrying");
      return FAILED;
    }
  }

  /**
   * The poll interval, or less if a row scheduled for later becomes due sooner — but at least
   * SCHEDULE_GRANULARITY_MS, so rows due every few milliseconds are claimed a few at a time rather
   * than one transaction each.
   */
  untilNextDue(): number {
    if (this.nextDueAt === null) return this.pollMs;
    // available_at has microseconds, the clock milliseconds: wake just after, not just before.
    const due = Math.ceil(this.nextDueAt - this.o.clock.now().getTime()) + 1;
    return Math.min(this.pollMs, Math.max(SCHEDULE_GRANULARITY_MS, due));
  }
}
