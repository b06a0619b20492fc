// The worker's billing handlers (stream 'billing'): apply a stored Stripe event, open a FREE period.
// Each runs in the transaction that locks and completes its outbox row, so a duplicate delivery or a
// replayed event finds the row done (or the event processed) and does nothing.
import type { MikroORM } from "@mikro-orm/postgresql";
import type { Clock } from "@rm/domain";
import { parkOutboxRow } from "@rm/db";
import { runOutboxWork } from "@rm/messaging";
import type { StreamEntry } from "@rm/streams";
import { z } from "zod";
import { applyStripeEvent, BillingEventRejected, type ApplyResult } from "./apply-event.ts";
import { FREE_PERIOD_TYPE, STRIPE_EVENT_TYPE } from "./constants.ts";
import { applyFreePeriod } from "./free-plan.ts";
import type { PriceIds } from "./prices.ts";

export interface BillingHandlerDeps {
  orm: MikroORM;
  clock: Clock;
  prices: PriceIds;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

const UUID = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
const stripeEventPayload = z.object({ billingEventId: UUID });
const freePeriodPayload = z.object({ chain: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/), anchor: z.iso.datetime(), period: z.number().int().min(1) });
const storedEvent = z.object({
  id: z.string(),
  type: z.string(),
  created: z.number().int(),
  data: z.object({ object: z.unknown() }),
});

type Handler = (entry: StreamEntry) => Promise<void>;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Rows that can never run are taken out of circulation with the reason (not retried forever). */
async function park(deps: BillingHandlerDeps, entry: StreamEntry, error: string): Promise<void> {
  deps.logger.error({ outboxId: entry.outboxId, type: entry.type, err: error }, "unreadable billing entry parked");
  await deps.orm.em.fork().transactional((tem) => parkOutboxRow(tem, entry.outboxId, `${entry.type}: ${error}`));
}

export async function handleStripeEvent(deps: BillingHandlerDeps, entry: StreamEntry): Promise<void> {
  const payload = stripeEventPayload.safeParse(parseJson(entry.payload));
  if (!payload.success) return park(deps, entry, "invalid stripe.event payload");
  const now = deps.clock.now();
  let result: ApplyResult | null = null;
  let rejected: string | null = null;
  let stripeEventId = "";
  await runOutboxWork(deps.orm.em, entry.outboxId, now, async (tem) => {
    const [row] = await tem.execute<{ stripe_event_id: string; payload: unknown; processed_at: Date | null }[]>(
      "select stripe_event_id, payload, processed_at from billing_events where id = ? for update",
      [payload.data.billingEventId],
    );
    if (!row || row.processed_at) return;
    stripeEventId = row.stripe_event_id;
    const event = storedEvent.safeParse(typeof row.payload === "string" ? parseJson(row.payload) : row.payload);
    if (!event.success) {
      rejected = "stored event is not a Stripe event";
    } else {
      // Effects of an event that is rejected half-way are rolled back; the rejection is recorded.
      await tem.execute("savepoint billing_apply", [], "run");
      try {
        result = await applyStripeEvent(tem, event.data, { prices: deps.prices, logger: deps.logger });
        await tem.execute("release savepoint billing_apply", [], "run");
      } catch (err) {
        if (!(err instanceof BillingEventRejected)) throw err;
        await tem.execute("rollback to savepoint billing_apply", [], "run");
        rejected = err.message;
      }
    }
    const res = result as ApplyResult | null;
    await tem.execute("update billing_events set processed_at = ?, error = ?, workspace_id = coalesce(?, workspace_id) where id = ?", [now, rejected, res?.workspaceId ?? null, payload.data.billingEventId], "run");
  });
  const res = result as ApplyResult | null;
  if (rejected) deps.logger.error({ stripeEventId, outboxId: entry.outboxId, err: rejected }, "stripe event rejected");
  else if (res) deps.logger.info({ stripeEventId, workspaceId: res.workspaceId, outcome: res.outcome, granted: res.granted }, "stripe event applied");
}

export async function handleFreePeriod(deps: BillingHandlerDeps, entry: StreamEntry): Promise<void> {
  const payload = freePeriodPayload.safeParse(parseJson(entry.payload));
  if (!payload.success || !entry.workspaceId) return park(deps, entry, "invalid billing.free-period payload");
  const workspaceId = entry.workspaceId;
  let outcome: string | null = null;
  await runOutboxWork(deps.orm.em, entry.outboxId, deps.clock.now(), async (tem) => {
    outcome = await applyFreePeriod(tem, workspaceId, payload.data);
  });
  if (outcome) deps.logger.info({ workspaceId, period: payload.data.period, outcome }, "free period");
}

/** Entry type → handler, for the worker's dispatch table. */
export function createBillingHandlers(deps: BillingHandlerDeps): Record<string, Handler> {
  return {
    [STRIPE_EVENT_TYPE]: (entry) => handleStripeEvent(deps, entry),
    [FREE_PERIOD_TYPE]: (entry) => handleFreePeriod(deps, entry),
  };
}
