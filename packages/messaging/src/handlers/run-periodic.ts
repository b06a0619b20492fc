// Handler for stream 'periodic': runs the job of one time slot and, in the same transaction that
// marks its row done, enqueues the job's next slot (periodic-jobs.ts).
import { sweepStaleOutbox } from "@rm/db";
import { foldAnalytics } from "@rm/analytics";
import { parsePayload, periodicPayloadSchema, type StreamEntry } from "@rm/streams";
import { runOutboxWork } from "../outbox/outbox-row.ts";
import { ensureNextSlot, isPeriodicJob } from "../periodic/periodic-jobs.ts";
import { periodicOptions } from "../periodic/periodic-options.ts";
import { reconcileDeliveries } from "../periodic/reconcile-deliveries.ts";
import { completeCampaigns } from "../feedback/completion.ts";
import type { HandlerDeps } from "./deps.ts";
import { parkUnreadable } from "./park-unreadable.ts";

export async function runPeriodic(deps: HandlerDeps, entry: StreamEntry): Promise<void> {
  const type = entry.type;
  if (!isPeriodicJob(type)) return parkUnreadable(deps, entry, "unknown periodic job");
  const parsed = parsePayload(periodicPayloadSchema, entry.payload);
  if (!parsed.ok) return parkUnreadable(deps, entry, parsed.error);
  const options = periodicOptions(deps.periodic);
  const now = deps.clock.now();
  const started = performance.now();

  let summary: object = {};
  const ran = await runOutboxWork(deps.orm.em, entry.outboxId, now, async (tem) => {
    if (type === "outbox.sweep") {
      summary = { republished: await sweepStaleOutbox(tem, now, { timeoutMs: options.sweepTimeoutMs, excludeOutboxId: entry.outboxId }) };
    } else if (type === "campaign.complete") {
      summary = { completed: await completeCampaigns(tem, now, options.replyWindowMs) };
    } else if (type === "analytics.fold") {
      // Its own short transactions (a rebuild pauses fact writers for its duration: @rm/analytics fold.ts).
      summary = await foldAnalytics(deps.orm.em, now);
    } else {
      // Holds only this job's row lock while it talks to the provider (that lock is what makes the
      // slot run once); every message is updated in its own short transaction.
      summary = await reconcileDeliveries(deps, now, options);
    }
    await ensureNextSlot(tem, type, now, options);
  });
  if (ran) deps.logger.info({ job: type, slot: parsed.value.slot, ms: Math.round(performance.now() - started), ...summary }, "periodic job done");
}
