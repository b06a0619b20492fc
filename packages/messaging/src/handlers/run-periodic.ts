// Handler for stream 'periodic': runs the job of one time slot and, in the same transaction that
// marks its row done, enqueues the job's next slot (periodic-jobs.ts). Messaging runs its own jobs;
// a job whose tables belong to another package (campaign completion: @rm/campaigns) is run there
// through periodicJobHandler and registered by the worker next to these.
import type { EntityManager } from "@mikro-orm/postgresql";
import { foldAnalytics } from "@rm/analytics";
import { sweepStaleOutbox } from "@rm/db";
import { parsePayload, periodicPayloadSchema, type StreamEntry } from "@rm/streams";
import { runOutboxWork } from "../outbox/outbox-row.ts";
import { ensureNextSlot, isPeriodicJob, type PeriodicJobName } from "../periodic/periodic-jobs.ts";
import { type PeriodicOptions, periodicOptions } from "../periodic/periodic-options.ts";
import { reconcileDeliveries } from "../periodic/reconcile-deliveries.ts";
import { reconcileInbound } from "../periodic/reconcile-inbound.ts";
import { purgeFinishedWork } from "../periodic/purge-finished-work.ts";
import { alertUnanswered } from "../conversations/unanswered-alert.ts";
import type { EntryHandler, HandlerDeps } from "./deps.ts";
import { parkUnreadable } from "./park-unreadable.ts";

export interface PeriodicRunContext {
  /** The transaction that holds the slot's row lock and completes it. */
  tem: EntityManager;
  now: Date;
  options: PeriodicOptions;
  deps: HandlerDeps;
  entry: StreamEntry;
}

/** One slot's work; returns the summary the "periodic job done" log line carries. */
export type PeriodicJobRun = (ctx: PeriodicRunContext) => Promise<object>;

/** Messaging's own periodic jobs. */
const OWN_JOBS: Partial<Record<PeriodicJobName, PeriodicJobRun>> = {
  "outbox.sweep": async ({ tem, now, options, entry }) => ({ republished: await sweepStaleOutbox(tem, now, { timeoutMs: options.sweepTimeoutMs, excludeOutboxId: entry.outboxId }) }),
  // Its own short transactions (a rebuild pauses fact writers for its duration: fold.ts).
  "analytics.fold": async ({ deps, now }) => foldAnalytics(deps.orm.em, now),
  // Holds only this job's row lock while it talks to the provider (that lock is what makes the
  // slot run once); every message is updated in its own short transaction.
  "delivery.reconcile": async ({ deps, now, options }) => reconcileDeliveries(deps, now, options),
  // Replies lost at the webhook (a 5xx Twilio did not retry) are queued like the webhook queues them.
  "inbound.reconcile": async ({ deps, now, options }) => reconcileInbound(deps, now, options),
  // Short transactions of its own, like the fold: deleting never waits on this slot's row lock.
  "retention.purge": async ({ deps, now, options }) => purgeFinishedWork(deps, now, options),
  // Own accounts' WhatsApp templates under review (@rm/accounts asks Twilio, one template per
  // transaction); nothing to do where credentials cannot be opened.
  "whatsapp.approvals": async ({ deps, now }) => (deps.followWhatsAppApprovals ? deps.followWhatsAppApprovals(now) : { skipped: "own accounts not configured" }),
  // Conversations waiting too long: one alert to the practice's staff number per wait.
  "conversation.unanswered": async ({ tem, now, options }) => ({ alerted: await alertUnanswered(tem, now, options.unansweredAlertMs) }),
};

/** The periodic jobs messaging runs itself (createHandlers maps them to runPeriodic). */
export const MESSAGING_PERIODIC_JOBS = Object.keys(OWN_JOBS) as PeriodicJobName[];

async function runSlot(deps: HandlerDeps, entry: StreamEntry, run: PeriodicJobRun): Promise<void> {
  const type = entry.type;
  if (!isPeriodicJob(type)) return parkUnreadable(deps, entry, "unknown periodic job");
  const parsed = parsePayload(periodicPayloadSchema, entry.payload);
  if (!parsed.ok) return parkUnreadable(deps, entry, parsed.error);
  const options = periodicOptions(deps.periodic);
  const now = deps.clock.now();
  const started = performance.now();

  let summary: object = {};
  const ran = await runOutboxWork(deps.orm.em, entry.outboxId, now, async (tem) => {
    summary = await run({ tem, now, options, deps, entry });
    await ensureNextSlot(tem, type, now, options);
  });
  if (ran) deps.logger.info({ job: type, slot: parsed.value.slot, ms: Math.round(performance.now() - started), ...summary }, "periodic job done");
}

/** Runs one of messaging's own periodic jobs. */
export async function runPeriodic(deps: HandlerDeps, entry: StreamEntry): Promise<void> {
  const run = isPeriodicJob(entry.type) ? OWN_JOBS[entry.type] : undefined;
  if (!run) {
    if (isPeriodicJob(entry.type)) throw new Error(`periodic job "${entry.type}" is run by the package that owns it: register its handler`);
    return parkUnreadable(deps, entry, "unknown periodic job");
  }
  return runSlot(deps, entry, run);
}

/**
 * The entry handler of a periodic job another package runs: the same slot protocol (row lock, run,
 * next slot in the same transaction, one log line) around that package's work.
 */
export function periodicJobHandler(run: PeriodicJobRun): EntryHandler {
  return (deps, entry) => runSlot(deps, entry, run);
}
