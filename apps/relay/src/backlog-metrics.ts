// Gauges of the pipeline's backlog (SPEC §9), observed by the relay at scrape time: outbox rows by
// state and the age of the oldest due row (PostgreSQL), and per stream kind the stream length, the
// consumer group's lag and pending count, and the dead-letter stream's length (Redis). The relay
// always runs (≥ 1 replica), so these series exist even when no worker does. Every relay replica
// reports the same values: aggregate with max(), not sum().
import type { BatchObservableResult } from "@opentelemetry/api";
import type pg from "pg";
import { OUTBOX_RELAY_STATEMENTS } from "@rm/db/outbox-relay";
import type { Clock } from "@rm/domain";
import { CONSUMER_GROUP, deadLetterKey, STREAM_KINDS, streamKey, type RedisClient, type StreamNaming } from "@rm/streams";
import { getMeter, withTimeout, type Logger } from "@rm/telemetry";

export interface BacklogMetricsOptions {
  pool: Pick<pg.Pool, "query">;
  redis: RedisClient;
  naming: StreamNaming;
  clock: Clock;
  logger: Logger;
  /** A scrape waits at most this long for the queries; on timeout the series are left out. Default 2 s. */
  timeoutMs?: number;
  /** Several scrapers within this window share one set of queries. Default 5 s. */
  cacheMs?: number;
}

interface Snapshot {
  outbox?: { due: number; scheduled: number; published: number; oldestDueSeconds: number };
  streams?: { kind: string; length: number; lag: number; pending: number; deadLetter: number }[];
}

/** Registers the gauges on the current meter; call after startTelemetry(). Returns an unregister function. */
export function registerBacklogMetrics(o: BacklogMetricsOptions): () => void {
  const meter = getMeter();
  const backlog = meter.createObservableGauge("rm.outbox.backlog", { description: "Outbox rows by state: due (pending, due now), scheduled (pending, due later), published (not yet done)" });
  const oldestDue = meter.createObservableGauge("rm.outbox.oldest.due.age.seconds", { description: "Age of the oldest due, unpublished outbox row (0 when none)", unit: "s" });
  const length = meter.createObservableGauge("rm.stream.length", { description: "Entries in the stream (all partitions of a kind)" });
  const lag = meter.createObservableGauge("rm.stream.lag", { description: "Entries the consumer group has not read yet" });
  const pending = meter.createObservableGauge("rm.stream.pending", { description: "Entries read by a consumer but not acknowledged" });
  const deadLetter = meter.createObservableGauge("rm.stream.dead.letter.length", { description: "Entries in the kind's dead-letter stream" });

  const timeoutMs = o.timeoutMs ?? 2_000;
  const cacheMs = o.cacheMs ?? 5_000;
  let cached: { at: number; value: Promise<Snapshot> } | undefined;

  const snapshot = (): Promise<Snapshot> => {
    const now = Date.now();
    if (!cached || now - cached.at > cacheMs) cached = { at: now, value: collect() };
    return cached.value;
  };

  const collect = async (): Promise<Snapshot> => {
    const [outbox, streams] = await Promise.allSettled([withTimeout(queryOutbox(), timeoutMs, "outbox backlog query"), withTimeout(queryStreams(), timeoutMs, "stream metrics")]);
    for (const r of [outbox, streams]) if (r.status === "rejected") o.logger.warn({ err: r.reason instanceof Error ? r.reason.message : String(r.reason) }, "backlog metrics unavailable");
    return { outbox: outbox.status === "fulfilled" ? outbox.value : undefined, streams: streams.status === "fulfilled" ? streams.value : undefined };
  };

  const queryOutbox = async () => {
    const { rows } = await o.pool.query<{ due: number; scheduled: number; published: number; oldest_due_seconds: number | null }>(OUTBOX_RELAY_STATEMENTS.backlog.text, [o.clock.now()]);
    const row = rows[0]!;
    return { due: row.due, scheduled: row.scheduled, published: row.published, oldestDueSeconds: Math.max(0, row.oldest_due_seconds ?? 0) };
  };

  const queryStreams = async () => {
    // Sent together without a pipeline: the keys hash to different cluster slots (a cluster
    // pipeline takes one slot), and the client writes them back to back anyway.
    const commands: Promise<unknown>[] = [];
    for (const kind of STREAM_KINDS) {
      for (let p = 0; p < o.naming.partitions; p++) {
        const key = streamKey(o.naming, kind, p);
        commands.push(o.redis.xlen(key), o.redis.xinfo("GROUPS", key));
      }
      commands.push(o.redis.xlen(deadLetterKey(o.naming, kind)));
    }
    const replies = (await Promise.allSettled(commands)).map((r): [Error | null, unknown] => (r.status === "fulfilled" ? [null, r.value] : [r.reason as Error, null]));
    let i = 0;
    return STREAM_KINDS.map((kind) => {
      let len = 0;
      let lagSum = 0;
      let pendingSum = 0;
      for (let p = 0; p < o.naming.partitions; p++) {
        const [lenErr, lenValue] = replies[i++]!;
        const [groupsErr, groups] = replies[i++]!;
        if (!lenErr) len += Number(lenValue);
        // A stream nobody created yet has no groups (XINFO answers "no such key"): nothing waits.
        if (groupsErr) continue;
        const group = groupFields(groups as unknown[]).find((g) => g.name === CONSUMER_GROUP);
        if (!group) {
          lagSum += Number(lenValue) || 0; // no group yet: everything is unread
          continue;
        }
        pendingSum += group.pending;
        // lag is null when Redis cannot tell (entries deleted by trimming); the length is the upper bound then.
        lagSum += group.lag ?? (Number(lenValue) || 0);
      }
      const [dlErr, dlValue] = replies[i++]!;
      return { kind, length: len, lag: lagSum, pending: pendingSum, deadLetter: dlErr ? 0 : Number(dlValue) };
    });
  };

  const callback = async (observer: BatchObservableResult) => {
    const s = await snapshot();
    if (s.outbox) {
      observer.observe(backlog, s.outbox.due, { state: "due" });
      observer.observe(backlog, s.outbox.scheduled, { state: "scheduled" });
      observer.observe(backlog, s.outbox.published, { state: "published" });
      observer.observe(oldestDue, s.outbox.oldestDueSeconds);
    }
    for (const st of s.streams ?? []) {
      observer.observe(length, st.length, { stream: st.kind });
      observer.observe(lag, st.lag, { stream: st.kind });
      observer.observe(pending, st.pending, { stream: st.kind });
      observer.observe(deadLetter, st.deadLetter, { stream: st.kind });
    }
  };
  const observables = [backlog, oldestDue, length, lag, pending, deadLetter];
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}

/** XINFO GROUPS answers flat [field, value, …] arrays per group. */
function groupFields(groups: unknown[]): { name: string; pending: number; lag: number | null }[] {
  return groups.map((g) => {
    const fields = g as unknown[];
    const map = new Map<string, unknown>();
    for (let k = 0; k + 1 < fields.length; k += 2) map.set(String(fields[k]), fields[k + 1]);
    const lagValue = map.get("lag");
    return { name: String(map.get("name")), pending: Number(map.get("pending") ?? 0), lag: lagValue === null || lagValue === undefined ? null : Number(lagValue) };
  });
}
