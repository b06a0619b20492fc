// A consumer-group reader for one kind of stream (all its partitions), at-least-once:
//
// - K reader loops, each on its own blocking connection: XREADGROUP COUNT batch BLOCK ms;
//   the batch's handlers run concurrently and the successes are acknowledged with one XACK.
// - Each loop reads its next batch while a full one is handled (one batch ahead), and a batch
//   handler that says its batch is recording (its provider calls done, its last commit under way)
//   lets the next batch start alongside: at most two batches per loop, the older one recording.
//   A batch read ahead counts as in flight from its read, so stop() releases it like a running one.
// - A handler that resolves has committed its effect (and its outbox row's `done`), so XACK comes
//   after the commit. A handler that throws leaves the entry pending; the error is remembered.
// - Entries idle in someone's pending list longer than `claimIdleMs` are taken over (XAUTOCLAIM);
//   their delivery counts come from XPENDING (XAUTOCLAIM does not return them). An entry delivered
//   more than `maxDeliveries` times, or one that cannot be decoded, goes to the dead-letter stream.
// - Trimming only removes entries every group has read and acknowledged (XTRIM MINID below the
//   oldest pending entry and the group's last-delivered id), never unread ones.
// - stop() interrupts the blocking reads, gives running handlers a short grace, then releases
//   whatever is still in flight to other consumers at once (XCLAIM … IDLE so it is claimable now).
import { redactError } from "@rm/domain";
import { defineInstruments, type LogSink } from "@rm/telemetry";
import { decodeEntry, type StreamEntry } from "./stream-entry.ts";
import { allStreamKeys, CONSUMER_GROUP, deadLetterKey, type StreamKind, type StreamNaming } from "./stream-names.ts";
import { duplicateRedis, isCluster, type RedisClient } from "./redis.ts";

export interface EntryMeta {
  stream: string;
  id: string;
  deliveryCount: number;
}

export type EntryHandler = (entry: StreamEntry, meta: EntryMeta) => Promise<void>;

/** One outcome per entry: ok entries are acknowledged, the others stay pending (at-least-once). */
export type BatchOutcome = { ok: true } | { ok: false; error: unknown };

/**
 * Handles a whole read batch at once (e.g. the send protocol with one transaction per batch). Must
 * return one outcome per entry, in order; a throw counts as a failure of every entry.
 */
export type BatchHandler = (items: readonly { entry: StreamEntry; meta: EntryMeta }[], hooks: BatchHooks) => Promise<BatchOutcome[]>;

export interface BatchHooks {
  /**
   * Called when what is left of the batch is recording its results (e.g. the send protocol's last
   * transaction): the reader loop then starts its next batch while this one commits and is
   * acknowledged. Calling it is optional and only once counts.
   */
  recording(): void;
}

export interface DeadLetter {
  stream: string;
  id: string;
  entry: StreamEntry | null;
  deliveries: number;
  reason: string;
}

export interface StreamConsumerOptions {
  /** A command connection; reader loops duplicate it for their blocking reads. */
  redis: RedisClient;
  naming: StreamNaming;
  kind: StreamKind;
  group?: string;
  /** Unique per process (e.g. hostname-pid). */
  consumer: string;
  handle: EntryHandler;
  /** When set, batches go here instead of `handle` entry by entry. */
  handleBatch?: BatchHandler;
  readers?: number;
  batchSize?: number;
  blockMs?: number;
  /** Must exceed the longest handler run (e.g. the provider SDK timeout) so live work is never stolen. */
  claimIdleMs?: number;
  claimIntervalMs?: number;
  maxDeliveries?: number;
  trimIntervalMs?: number;
  /** How long stop() lets running handlers finish before releasing their entries. */
  stopGraceMs?: number;
  onDeadLetter?: (dead: DeadLetter) => Promise<void> | void;
  logger?: LogSink;
}

const instruments = defineInstruments((meter) => ({
  processed: meter.createCounter("rm.stream.entries", {
    description: "Stream entries handled, by stream kind and outcome (ok, error, dead_letter)",
  }),
  handlerDuration: meter.createHistogram("rm.stream.handler.duration.seconds", {
    description: "Time to handle one stream entry",
    unit: "s",
  }),
}));

type XEntry = [id: string, fields: string[] | null];
type ReadReply = [stream: string, entries: XEntry[]][] | null;
type ReadOutcome = { reply: ReadReply; at: number } | { error: unknown };

export class StreamConsumer {
  private readonly o: Required<Omit<StreamConsumerOptions, "onDeadLetter" | "logger" | "group" | "handleBatch">> & {
    group: string;
    handleBatch?: BatchHandler;
    onDeadLetter?: StreamConsumerOptions["onDeadLetter"];
    logger?: LogSink;
  };
  private readonly streams: string[];
  private readonly readerConnections: RedisClient[] = [];
  private readonly loops: Promise<void>[] = [];
  private readonly inFlight = new Map<string, { stream: string; id: string }>();
  private readonly lastErrors = new Map<string, string>();
  private timers: NodeJS.Timeout[] = [];
  private running = false;
  private readonly busy = new Set<string>();

  constructor(options: StreamConsumerOptions) {
    this.o = {
      readers: 2,
      batchSize: 100,
      blockMs: 2000,
      claimIdleMs: 60_000,
      claimIntervalMs: 5_000,
      maxDeliveries: 5,
      trimIntervalMs: 30_000,
      stopGraceMs: 2_000,
      group: CONSUMER_GROUP,
      ...options,
    };
    this.streams = allStreamKeys(this.o.naming, this.o.kind);
  }

  /** Creates the consumer group on every partition (from the start of the stream), idempotently. */
  async ensureGroups(): Promise<void> {
    for (const stream of this.streams) {
      try {
        await this.o.redis.xgroup("CREATE", stream, this.o.group, "0", "MKSTREAM");
      } catch (err) {
        if (!String(err).includes("BUSYGROUP")) throw err;
      }
    }
  }

  /**
   * Starts the reader loops and returns at once: the consumer groups are created by the loops, and
   * while Redis is unreachable they keep retrying, so a process starts (not ready) without Redis.
   */
  async start(): Promise<void> {
    this.running = true;
    // One XREADGROUP may name several streams only when their keys share a slot. On a single Redis
    // each reader reads every partition at once; on a Redis Cluster the partitions live on
    // different nodes (their hash tags), so each partition gets `readers` loops of its own.
    const readSets = isCluster(this.o.redis) ? this.streams.map((stream) => [stream]) : [this.streams];
    for (const streams of readSets) {
      for (let i = 0; i < this.o.readers; i++) {
        const conn = duplicateRedis(this.o.redis, { maxRetriesPerRequest: null });
        conn.on("error", (err: Error) => this.o.logger?.warn({ err: err.message, kind: this.o.kind }, "redis reader connection error"));
        this.readerConnections.push(conn);
        this.loops.push(this.readLoop(conn, streams));
      }
    }
    this.timers.push(setInterval(() => void this.guard("claim", () => this.claimStale()), this.o.claimIntervalMs));
    this.timers.push(setInterval(() => void this.guard("trim", () => this.trim()), this.o.trimIntervalMs));
    for (const t of this.timers) t.unref();
  }

  /** Stops reading; running handlers get `stopGraceMs`, then their entries are released to others. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    // Interrupt blocked XREADGROUPs at once.
    for (const conn of this.readerConnections) conn.disconnect();
    const settled = Promise.allSettled(this.loops);
    const grace = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), this.o.stopGraceMs).unref());
    await Promise.race([settled, grace]);
    await this.releaseInFlight();
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Last handler error per entry id (kept while the entry is pending), for dead-letter records. */
  lastErrorOf(id: string): string | undefined {
    return this.lastErrors.get(id);
  }

  private async readLoop(conn: RedisClient, streams: string[]): Promise<void> {
    while (this.running) {
      try {
        await this.ensureGroups();
        break;
      } catch (err) {
        if (!this.running) return;
        this.o.logger?.warn({ err: String(err), kind: this.o.kind }, "cannot create consumer groups yet; retrying");
        await sleep(1000);
      }
    }
    // The batch before the current one, still recording: the loop waits for it before it starts
    // another, so a loop never has more than two batches at once.
    let recording: Promise<void> | null = null;
    let ahead: Promise<ReadOutcome> | null = null;
    while (this.running) {
      const outcome = await (ahead ?? this.read(conn, streams));
      ahead = null;
      if ("error" in outcome) {
        if (!this.running) break;
        if (String(outcome.error).includes("NOGROUP")) {
          // The stream was deleted (e.g. a Redis restart without AOF): recreate and go on;
          // the outbox sweeper republishes whatever was lost.
          await this.guard("ensureGroups", () => this.ensureGroups());
        } else {
          this.o.logger?.warn({ err: String(outcome.error), kind: this.o.kind }, "stream read failed; retrying");
          await sleep(500);
        }
        continue;
      }
      const { reply, at } = outcome;
      // Stopping: a batch that arrived now is left in flight, and stop() releases it to others.
      if (!reply || !this.running) continue;
      // A full batch means more is waiting: the next batch is read while this one is handled, so it
      // is here when this one is recording. After a partial batch the stream is drained, and reading
      // at once would only bring the few entries published meanwhile (smaller batches cost more per
      // entry); the next read then starts when this batch is recording.
      if (this.running && reply.some(([, entries]) => entries.length >= this.o.batchSize)) ahead = this.read(conn, streams);
      for (const [stream, entries] of reply) {
        const batch = entries.map(([id, fields]) => ({ id, fields, deliveryCount: 1 }));
        // Read ahead and kept waiting long (the batch before it held up by a slow provider): its
        // entries' idle time is reset, so the claim never takes over an entry about to run.
        if (performance.now() - at > this.o.claimIdleMs / 4) await this.touch(stream, batch.map((b) => b.id));
        let recorded!: () => void;
        const recordingStarted = new Promise<void>((resolve) => (recorded = resolve));
        // Fresh reads are first deliveries. Handlers catch their own errors; what can still fail is
        // Redis itself (an acknowledgement or dead-letter write during an outage or a cluster
        // failover): the entries stay pending and are claimed again, and the loop must go on — a
        // rejection here would end the loop unseen and crash the process.
        const finished = this.processBatch(stream, batch, recorded)
          .catch((err: unknown) => {
            if (this.running) this.o.logger?.warn({ err: String(err), kind: this.o.kind, entries: entries.length }, "acknowledging a batch failed; its entries stay pending and will be claimed again");
          })
          .finally(() => {
            for (const { id } of batch) this.inFlight.delete(`${stream} ${id}`);
            recorded();
          });
        await recordingStarted;
        if (recording) await recording;
        recording = finished;
      }
    }
    if (recording) await recording;
  }

  /** One XREADGROUP; its entries count as in flight from here (stop() releases them). Never rejects. */
  private async read(conn: RedisClient, streams: string[]): Promise<ReadOutcome> {
    try {
      const reply = (await conn.xreadgroup(
        "GROUP",
        this.o.group,
        this.o.consumer,
        "COUNT",
        this.o.batchSize,
        "BLOCK",
        this.o.blockMs,
        "STREAMS",
        ...streams,
        ...streams.map(() => ">"),
      )) as ReadReply;
      for (const [stream, entries] of reply ?? []) for (const [id] of entries) this.inFlight.set(`${stream} ${id}`, { stream, id });
      return { reply, at: performance.now() };
    } catch (error) {
      return { error };
    }
  }

  /** Resets the idle time of entries this consumer holds (XCLAIM to itself). */
  private async touch(stream: string, ids: string[]): Promise<void> {
    try {
      await this.o.redis.xclaim(stream, this.o.group, this.o.consumer, 0, ...ids, "JUSTID");
    } catch (err) {
      this.o.logger?.warn({ kind: this.o.kind, err: String(err) }, "could not reset the idle time of a batch read ahead");
    }
  }

  private async processBatch(stream: string, batch: { id: string; fields: string[] | null; deliveryCount: number }[], recording: () => void = () => {}): Promise<void> {
    if (this.o.handleBatch) return this.processWhole(stream, batch, this.o.handleBatch, recording);
    const acks: string[] = [];
    await Promise.all(
      batch.map(async ({ id, fields, deliveryCount }) => {
        const entry = decodeEntry(fields);
        if (!entry) {
          await this.deadLetter({ stream, id, entry: null, deliveries: deliveryCount, reason: fields ? "undecodable entry" : "entry deleted (trimmed) while pending" });
          return;
        }
        const key = `${stream} ${id}`;
        this.inFlight.set(key, { stream, id });
        const started = performance.now();
        try {
          await this.o.handle(entry, { stream, id, deliveryCount });
          acks.push(id);
          this.lastErrors.delete(id);
          instruments().processed.add(1, { stream: this.o.kind, outcome: "ok" });
        } catch (err) {
          // Redacted at once: it is logged, and may become the dead letter's reason (SPEC §17).
          const message = redactError(err);
          this.lastErrors.set(id, message);
          instruments().processed.add(1, { stream: this.o.kind, outcome: "error" });
          this.o.logger?.warn({ kind: this.o.kind, entryId: id, outboxId: entry.outboxId, type: entry.type, deliveryCount, err: message }, "handler failed; entry stays pending");
        } finally {
          this.inFlight.delete(key);
          instruments().handlerDuration.record((performance.now() - started) / 1000, { stream: this.o.kind, type: entry.type });
        }
      }),
    );
    if (acks.length) await this.o.redis.xack(stream, this.o.group, ...acks);
  }

  /** A batch through `handleBatch`: one call, then one XACK of the entries it reports done. */
  private async processWhole(stream: string, batch: { id: string; fields: string[] | null; deliveryCount: number }[], handleBatch: BatchHandler, recording: () => void): Promise<void> {
    const items: { entry: StreamEntry; meta: EntryMeta }[] = [];
    for (const { id, fields, deliveryCount } of batch) {
      const entry = decodeEntry(fields);
      if (!entry) {
        await this.deadLetter({ stream, id, entry: null, deliveries: deliveryCount, reason: fields ? "undecodable entry" : "entry deleted (trimmed) while pending" });
        continue;
      }
      items.push({ entry, meta: { stream, id, deliveryCount } });
    }
    if (items.length === 0) return;
    for (const { meta } of items) this.inFlight.set(`${stream} ${meta.id}`, { stream, id: meta.id });
    const started = performance.now();
    let outcomes: BatchOutcome[];
    try {
      outcomes = await handleBatch(items, { recording });
      if (outcomes.length !== items.length) throw new Error(`batch handler returned ${outcomes.length} outcomes for ${items.length} entries`);
    } catch (error) {
      outcomes = items.map(() => ({ ok: false, error }));
    } finally {
      for (const { meta } of items) this.inFlight.delete(`${stream} ${meta.id}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const acks: string[] = [];
    items.forEach(({ entry, meta }, i) => {
      const outcome = outcomes[i]!;
      instruments().handlerDuration.record(seconds, { stream: this.o.kind, type: entry.type });
      if (outcome.ok) {
        acks.push(meta.id);
        this.lastErrors.delete(meta.id);
        instruments().processed.add(1, { stream: this.o.kind, outcome: "ok" });
      } else {
        const message = redactError(outcome.error);
        this.lastErrors.set(meta.id, message);
        instruments().processed.add(1, { stream: this.o.kind, outcome: "error" });
        this.o.logger?.warn({ kind: this.o.kind, entryId: meta.id, outboxId: entry.outboxId, type: entry.type, deliveryCount: meta.deliveryCount, err: message }, "handler failed; entry stays pending");
      }
    });
    if (acks.length) await this.o.redis.xack(stream, this.o.group, ...acks);
  }

  /** Takes over entries idle too long in any consumer's pending list. */
  async claimStale(): Promise<void> {
    for (const stream of this.streams) {
      let cursor = "0-0";
      do {
        const [next, claimed, deleted] = (await this.o.redis.xautoclaim(stream, this.o.group, this.o.consumer, this.o.claimIdleMs, cursor, "COUNT", this.o.batchSize)) as [string, XEntry[], string[]?];
        cursor = next;
        // Ids whose entries were trimmed away while pending: nothing to run, record and drop.
        for (const id of deleted ?? []) {
          await this.deadLetter({ stream, id, entry: null, deliveries: 0, reason: "entry deleted (trimmed) while pending" });
        }
        if (!claimed.length) continue;
        const counts = await this.deliveryCounts(stream, claimed.map(([id]) => id));
        const toRun: { id: string; fields: string[] | null; deliveryCount: number }[] = [];
        for (const [id, fields] of claimed) {
          const deliveries = counts.get(id) ?? 1;
          if (deliveries > this.o.maxDeliveries) {
            const reason = this.lastErrors.get(id) ?? "delivered too many times without success";
            await this.deadLetter({ stream, id, entry: decodeEntry(fields), deliveries, reason });
          } else {
            toRun.push({ id, fields, deliveryCount: deliveries });
          }
        }
        if (toRun.length) await this.processBatch(stream, toRun);
      } while (cursor !== "0-0" && this.running);
    }
  }

  private async deliveryCounts(stream: string, ids: string[]): Promise<Map<string, number>> {
    const pipeline = this.o.redis.pipeline();
    for (const id of ids) pipeline.xpending(stream, this.o.group, id, id, 1);
    const results = (await pipeline.exec()) ?? [];
    const counts = new Map<string, number>();
    results.forEach(([err, rows], i) => {
      const row = !err && Array.isArray(rows) ? (rows[0] as [string, string, number, number] | undefined) : undefined;
      if (row) counts.set(ids[i]!, Number(row[3]));
    });
    return counts;
  }

  private async deadLetter(given: DeadLetter): Promise<void> {
    // No phone, e-mail or token in the dead-letter stream, its log line or the parked row (SPEC §17).
    const dead = { ...given, reason: redactError(given.reason) };
    const fields = [
      "stream", dead.stream,
      "id", dead.id,
      "deliveries", String(dead.deliveries),
      "reason", dead.reason,
      "at", new Date().toISOString(),
      "outboxId", dead.entry?.outboxId ?? "",
      "type", dead.entry?.type ?? "",
      "workspaceId", dead.entry?.workspaceId ?? "",
      "payload", dead.entry?.payload ?? "",
    ];
    // Record first, then acknowledge: a crash in between leaves a duplicate record, never a loss.
    await this.o.redis.xadd(deadLetterKey(this.o.naming, this.o.kind), "*", ...fields);
    await this.o.redis.xack(dead.stream, this.o.group, dead.id);
    this.lastErrors.delete(dead.id);
    instruments().processed.add(1, { stream: this.o.kind, outcome: "dead_letter" });
    this.o.logger?.error({ kind: this.o.kind, entryId: dead.id, outboxId: dead.entry?.outboxId, deliveries: dead.deliveries, reason: dead.reason }, "entry moved to the dead-letter stream");
    await this.o.onDeadLetter?.(dead);
  }

  /** Removes entries that every group has read and acknowledged. */
  async trim(): Promise<void> {
    for (const stream of this.streams) {
      const groups = (await this.o.redis.xinfo("GROUPS", stream)) as unknown[][];
      let floor: string | null = null;
      for (const group of groups) {
        const info = toRecord(group);
        const pending = Number(info["pending"] ?? 0);
        let groupFloor = String(info["last-delivered-id"] ?? "0-0");
        if (pending > 0) {
          const summary = (await this.o.redis.xpending(stream, String(info["name"]))) as [number, string | null, string | null, unknown];
          if (summary[1]) groupFloor = minId(groupFloor, summary[1]);
        } else {
          // Nothing pending: everything up to and including last-delivered is done.
          groupFloor = nextId(groupFloor);
        }
        floor = floor === null ? groupFloor : minId(floor, groupFloor);
      }
      if (floor && floor !== "0-0") await this.o.redis.xtrim(stream, "MINID", "~", floor);
    }
  }

  private async releaseInFlight(): Promise<void> {
    const byStream = new Map<string, string[]>();
    for (const { stream, id } of this.inFlight.values()) byStream.set(stream, [...(byStream.get(stream) ?? []), id]);
    for (const [stream, ids] of byStream) {
      try {
        // Mark them idle past the claim threshold so the next XAUTOCLAIM of any consumer takes them.
        await this.o.redis.xclaim(stream, this.o.group, this.o.consumer, 0, ...ids, "IDLE", this.o.claimIdleMs + 1, "JUSTID");
        this.o.logger?.info({ kind: this.o.kind, released: ids.length }, "released in-flight entries");
      } catch (err) {
        this.o.logger?.warn({ kind: this.o.kind, err: String(err) }, "could not release in-flight entries; they will be claimed after the idle timeout");
      }
    }
  }

  /** Runs periodic work without overlapping itself and without letting an error escape. */
  private async guard(what: string, fn: () => Promise<void>): Promise<void> {
    if (this.busy.has(what)) return;
    this.busy.add(what);
    try {
      await fn();
    } catch (err) {
      if (this.running) this.o.logger?.warn({ kind: this.o.kind, err: String(err) }, `${what} failed`);
    } finally {
      this.busy.delete(what);
    }
  }
}

function toRecord(flat: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
  return out;
}

function parseId(id: string): [bigint, bigint] {
  const [ms, seq] = id.split("-");
  return [BigInt(ms ?? "0"), BigInt(seq ?? "0")];
}

export function compareIds(a: string, b: string): number {
  const [am, as] = parseId(a);
  const [bm, bs] = parseId(b);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

function minId(a: string, b: string): string {
  return compareIds(a, b) <= 0 ? a : b;
}

function nextId(id: string): string {
  const [ms, seq] = parseId(id);
  return `${ms}-${seq + 1n}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
