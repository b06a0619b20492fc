// Periodic job `retention.purge` (docs/capacity.md, "Retention"): the records of finished work —
// outbox rows done or cancelled, status callbacks applied — are deleted once older than the
// retention, in short batches, each its own transaction, so no delete holds locks or a snapshot
// for long and autovacuum reuses the space instead of the tables growing without bound. What a
// user or an operator reads (messages, their timeline, the ledger, audit) is never touched here.
import type { EntityManager } from "@mikro-orm/postgresql";
import { purgeFinishedOutboxRows } from "@rm/db";
import type { HandlerDeps } from "../handlers/deps.ts";
import type { PeriodicOptions } from "./periodic-options.ts";

/**
 * Status callbacks applied and received before `before`, up to `limit`, oldest first. The bound is
 * the first id received at or after `before` (ids grow with arrival), so the scan visits only the
 * rows it may delete plus old ones still unapplied, never the young ones.
 */
export async function purgeAppliedStatusEvents(em: EntityManager, before: Date, limit: number): Promise<number> {
  const res = await em.execute<{ affectedRows: number }>(
    `delete from provider_status_events where id in (
       select id from provider_status_events
        where id < coalesce((select id from provider_status_events where received_at >= ? order by id limit 1), 9223372036854775807)
          and applied_at is not null
        order by id
        limit ?)`,
    [before, limit],
    "run",
  );
  return res.affectedRows;
}

export interface PurgeSummary {
  outboxRows: number;
  statusEvents: number;
  /** True when the time budget ended the run before everything old was gone (the next slot goes on). */
  more: boolean;
}

/** Runs batches until nothing older than the retention is left or the run's time budget is spent. */
export async function purgeFinishedWork(deps: Pick<HandlerDeps, "orm">, now: Date, options: Pick<PeriodicOptions, "retentionMs" | "purgeBatchSize" | "purgeBudgetMs">): Promise<PurgeSummary> {
  const before = new Date(now.getTime() - options.retentionMs);
  const deadline = performance.now() + options.purgeBudgetMs;
  const summary: PurgeSummary = { outboxRows: 0, statusEvents: 0, more: false };
  const steps: [keyof Omit<PurgeSummary, "more">, (em: EntityManager) => Promise<number>][] = [
    ["outboxRows", (em) => purgeFinishedOutboxRows(em, before, options.purgeBatchSize)],
    ["statusEvents", (em) => purgeAppliedStatusEvents(em, before, options.purgeBatchSize)],
  ];
  for (const [field, purge] of steps) {
    for (;;) {
      if (performance.now() > deadline) return { ...summary, more: true };
      const deleted = await deps.orm.em.fork().transactional((em) => purge(em));
      summary[field] += deleted;
      if (deleted < options.purgeBatchSize) break;
    }
  }
  return summary;
}
