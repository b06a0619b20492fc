// Tunables of the periodic jobs (SPEC §2, §5.5). Every field has a default; the worker may override.

export interface PeriodicOptions {
  /** How often the outbox sweeper runs. */
  sweepIntervalMs: number;
  /** A row `published` but not `done` for longer than this is put back to `pending`. */
  sweepTimeoutMs: number;
  /** How often delivery reconciliation runs. */
  reconcileIntervalMs: number;
  /** Leave young messages to their callbacks: only reconcile sends attempted longer ago than this. */
  reconcileMinAgeMs: number;
  /** Give up on messages whose send was attempted longer ago than this. */
  reconcileMaxAgeMs: number;
  /** Provider fetches per run (bounded so one run stays short). */
  reconcileBatchSize: number;
  /** Provider fetches in flight at once within a run. */
  reconcileConcurrency: number;
  /** How often inbound reconciliation lists what Twilio received (reconcile-inbound.ts). */
  inboundReconcileIntervalMs: number;
  /** It lists from the latest reply stored for a sender minus this (the outages it bridges). */
  inboundReconcileOverlapMs: number;
  /** …and never from further back than this. */
  inboundReconcileMaxAgeMs: number;
  /** Messages listed per sender and run at most. */
  inboundReconcileLimit: number;
  /** How often ACTIVE campaigns are checked for completion. */
  completionIntervalMs: number;
  /** A request unanswered this long no longer keeps its campaign ACTIVE (SPEC §4: 7 days). */
  replyWindowMs: number;
  /**
   * How often the analytics deltas are folded into the daily rollup (@rm/analytics foldAnalytics). Only
   * speed depends on it: the dashboard adds the unfolded deltas, so its figures are exact anyway.
   */
  analyticsFoldIntervalMs: number;
  /** How often finished work (done outbox rows, applied status callbacks) is purged (purge-finished-work.ts). */
  purgeIntervalMs: number;
  /** Finished work older than this is deleted; at least four days (MIN_RETENTION_MS). */
  retentionMs: number;
  /** Rows deleted per statement and transaction. */
  purgeBatchSize: number;
  /** A run stops starting batches after this long; the next slot continues. */
  purgeBudgetMs: number;
  /** How often the WhatsApp approval of own accounts' templates is asked of Twilio ('whatsapp.approvals'). */
  whatsappApprovalIntervalMs: number;
  /** How often waiting conversations are checked for the unanswered alert. */
  unansweredCheckIntervalMs: number;
  /**
   * A conversation waiting this long (outside the practice's quiet hours) alerts the practice's staff
   * number once per wait (UNANSWERED_ALERT_MINUTES); 0 turns the alert off.
   */
  unansweredAlertMs: number;
}

/**
 * A finished outbox row's idempotency key is deleted with it, so the retention must outlast every
 * redelivery that enqueues by key: Stripe retries an event for up to three days, delivery and
 * inbound reconciliation look three days back (reconcileMaxAgeMs, inboundReconcileMaxAgeMs).
 */
export const MIN_RETENTION_MS = 4 * 24 * 60 * 60_000;

export const DEFAULT_PERIODIC_OPTIONS: PeriodicOptions = {
  sweepIntervalMs: 60_000,
  sweepTimeoutMs: 5 * 60_000,
  reconcileIntervalMs: 5 * 60_000,
  reconcileMinAgeMs: 15 * 60_000,
  reconcileMaxAgeMs: 3 * 24 * 60 * 60_000,
  reconcileBatchSize: 100,
  reconcileConcurrency: 8,
  inboundReconcileIntervalMs: 5 * 60_000,
  inboundReconcileOverlapMs: 6 * 60 * 60_000,
  inboundReconcileMaxAgeMs: 3 * 24 * 60 * 60_000,
  inboundReconcileLimit: 10_000,
  completionIntervalMs: 5 * 60_000,
  replyWindowMs: 7 * 24 * 60 * 60_000,
  unansweredCheckIntervalMs: 60_000,
  unansweredAlertMs: 0,
  analyticsFoldIntervalMs: 60_000,
  purgeIntervalMs: 10 * 60_000,
  retentionMs: 7 * 24 * 60 * 60_000,
  purgeBatchSize: 5_000,
  purgeBudgetMs: 20_000,
  whatsappApprovalIntervalMs: 5 * 60_000,
};

export function periodicOptions(overrides?: Partial<PeriodicOptions>): PeriodicOptions {
  const options = { ...DEFAULT_PERIODIC_OPTIONS, ...overrides };
  return { ...options, retentionMs: Math.max(options.retentionMs, MIN_RETENTION_MS) };
}
