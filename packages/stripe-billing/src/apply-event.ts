// Applies one stored Stripe event to its workspace (the worker, in the transaction that completes the
// event's outbox row). Every effect is idempotent and safe out of order:
//
// - credits: a paid invoice's subscription line names the period (its end E) and the plan (its price).
//   Per period the ledger holds grants "stripe:<E>:…"; an invoice tops the period up to the plan's
//   credits (new subscription / cycle: the full amount; plan change: the difference; a repeat or a
//   second event for the same invoice: nothing). The first invoice of a newer period expires what is
//   left first (paid-plan credits reset each period); an invoice of an older period grants nothing.
// - plan, past-due and the subscription link are plain column updates under the workspace row lock.
import type { EntityManager } from "@mikro-orm/postgresql";
import { LedgerKind } from "@rm/db";
import { expireAvailableCredits, findLedgerEntry, grantCredits, grantedWithPrefix, grantReferences } from "@rm/credits";
import { creditsPerPeriod, type Plan } from "@rm/domain";
import { freeChainReference, startFreePlan } from "./free-plan.ts";
import { planOfPrice, type PaidPlan, type PriceIds } from "./prices.ts";
import { customerIdOf, idOf, isObj, str, subscriptionIdOfInvoice, subscriptionLines, subscriptionPrice, workspaceIdOfObject } from "./stripe-objects.ts";
import { endPaidPlan, lockWorkspaceBilling, markPastDue, otherWorkspaceOfStripeCustomer, setPaidPlan, setStripeCustomer, setStripeSubscription } from "@rm/accounts";

/** An event that can never apply (no workspace, unknown price…): recorded, not retried. */
export class BillingEventRejected extends Error {
  override name = "BillingEventRejected";
}

export interface StripeEventLike {
  id: string;
  type: string;
  created: number;
  data: { object: unknown };
}

export interface ApplyContext {
  prices: PriceIds;
  logger?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export interface ApplyResult {
  workspaceId: string | null;
  outcome: string;
  granted?: number;
}

interface WorkspaceRow {
  id: string;
  plan: Plan;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
  past_due_at: Date | null;
}

export const HANDLED_EVENT_TYPES = [
  "checkout.session.completed",
  "invoice.paid",
  "invoice.payment_succeeded",
  "invoice.payment_failed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
] as const;

export async function applyStripeEvent(em: EntityManager, event: StripeEventLike, ctx: ApplyContext): Promise<ApplyResult> {
  const obj = event.data.object;
  if (!(HANDLED_EVENT_TYPES as readonly string[]).includes(event.type)) return { workspaceId: null, outcome: "ignored-type" };
  if (!isObj(obj)) throw new BillingEventRejected("event has no data.object");

  const ws = await resolveWorkspace(em, obj, event.type);
  const at = new Date(event.created * 1000);
  switch (event.type) {
    case "checkout.session.completed":
      return checkoutCompleted(em, ws, obj);
    case "invoice.paid":
    case "invoice.payment_succeeded":
      return invoicePaid(em, ws, obj, ctx);
    case "invoice.payment_failed":
      return invoiceFailed(em, ws, obj, at);
    case "customer.subscription.created":
    case "customer.subscription.updated":
      return subscriptionChanged(em, ws, obj, ctx, event.created);
    default:
      return subscriptionDeleted(em, ws, obj, at);
  }
}

/** The workspace the object names (checkout metadata), else the one linked to its customer/subscription; locked. */
async function resolveWorkspace(em: EntityManager, obj: Record<string, unknown>, type: string): Promise<WorkspaceRow> {
  const lock = async (by: Parameters<typeof lockWorkspaceBilling>[1]) => (await lockWorkspaceBilling(em, by)) as WorkspaceRow | undefined;
  const named = workspaceIdOfObject(obj);
  if (named) {
    const row = await lock({ id: named });
    if (row) return row;
  }
  const subscriptionId = type.startsWith("customer.subscription.") ? idOf(obj.id) : type.startsWith("invoice.") ? subscriptionIdOfInvoice(obj) : idOf(obj.subscription);
  if (subscriptionId) {
    const row = await lock({ stripeSubscriptionId: subscriptionId });
    if (row) return row;
  }
  const customerId = customerIdOf(obj);
  if (customerId) {
    const row = await lock({ stripeCustomerId: customerId });
    if (row) return row;
  }
  throw new BillingEventRejected(named ? `workspace ${named} does not exist` : "the event names no known workspace, customer or subscription");
}

/** Links the Stripe customer to the workspace, refusing one that belongs to another workspace. */
async function link(em: EntityManager, ws: WorkspaceRow, customerId: string | null, subscriptionId: string | null): Promise<void> {
  if (customerId && customerId !== ws.stripe_customer_id) {
    const other = await otherWorkspaceOfStripeCustomer(em, customerId, ws.id);
    if (other) throw new BillingEventRejected(`customer ${customerId} already belongs to another workspace`);
    await setStripeCustomer(em, ws.id, customerId);
    ws.stripe_customer_id = customerId;
  }
  if (subscriptionId && subscriptionId !== ws.stripe_subscription_id) {
    await setStripeSubscription(em, ws.id, subscriptionId);
    ws.stripe_subscription_id = subscriptionId;
  }
}

/** A subscription that was deleted stays deleted: late events about it change nothing. */
async function subscriptionEnded(em: EntityManager, workspaceId: string, subscriptionId: string): Promise<boolean> {
  return (await findLedgerEntry(em, workspaceId, LedgerKind.GRANT, freeChainReference(endedKey(subscriptionId)))) !== null;
}

function endedKey(subscriptionId: string): string {
  return `ended-${subscriptionId.replace(/[^A-Za-z0-9_-]/g, "")}`;
}

async function checkoutCompleted(em: EntityManager, ws: WorkspaceRow, session: Record<string, unknown>): Promise<ApplyResult> {
  if (str(session, "mode") !== "subscription") return { workspaceId: ws.id, outcome: "ignored-mode" };
  const subscriptionId = idOf(session.subscription);
  if (subscriptionId && (await subscriptionEnded(em, ws.id, subscriptionId))) {
    await link(em, ws, customerIdOf(session), null);
    return { workspaceId: ws.id, outcome: "subscription-already-ended" };
  }
  await link(em, ws, customerIdOf(session), subscriptionId);
  return { workspaceId: ws.id, outcome: "linked" };
}

/** Latest credit period (its end, unix seconds) opened by a paid invoice, or null. */
async function latestPeriodEnd(em: EntityManager, workspaceId: string): Promise<number | null> {
  // Grants "stripe:<E>:…", one per paid invoice: a few a year.
  const ends = (await grantReferences(em, workspaceId, "^stripe:[0-9]+:")).map((reference) => Number(reference.split(":")[1]));
  return ends.length ? Math.max(...ends) : null;
}

async function grantedInPeriod(em: EntityManager, workspaceId: string, periodEnd: number): Promise<number> {
  return grantedWithPrefix(em, workspaceId, `stripe:${periodEnd}:`);
}

const FULL_PERIOD_REASONS = new Set(["subscription_create", "subscription_cycle", "subscription"]);

async function invoicePaid(em: EntityManager, ws: WorkspaceRow, invoice: Record<string, unknown>, ctx: ApplyContext): Promise<ApplyResult> {
  const invoiceId = idOf(invoice.id);
  const subscriptionId = subscriptionIdOfInvoice(invoice);
  const reason = str(invoice, "billing_reason");
  if (!invoiceId || !subscriptionId) return { workspaceId: ws.id, outcome: "not-a-subscription-invoice" };
  if (await subscriptionEnded(em, ws.id, subscriptionId)) return { workspaceId: ws.id, outcome: "subscription-already-ended" };
  if (ws.stripe_subscription_id && ws.stripe_subscription_id !== subscriptionId && reason !== "subscription_create") {
    return { workspaceId: ws.id, outcome: "other-subscription" };
  }
  if (!reason || (!FULL_PERIOD_REASONS.has(reason) && reason !== "subscription_update")) {
    return { workspaceId: ws.id, outcome: `no-credits-for-${reason ?? "unknown-reason"}` };
  }

  // The line that says what the subscription is now: the period line, or on a plan change the
  // proration line charging the new price (never the credit line returning the old one).
  const lines = subscriptionLines(invoice).filter((l) => l.priceId !== null && l.amount >= 0);
  const current = lines.find((l) => !l.proration) ?? lines.filter((l) => l.proration).sort((a, b) => b.periodStart - a.periodStart)[0];
  if (!current) throw new BillingEventRejected(`invoice ${invoiceId} has no subscription line with a price`);
  const plan = planOfPrice(ctx.prices, current.priceId);
  if (!plan) throw new BillingEventRejected(`invoice ${invoiceId}: price ${current.priceId} is not one of the configured STRIPE_PRICE_* ids`);

  const latest = await latestPeriodEnd(em, ws.id);
  if (latest !== null && current.periodEnd < latest) return { workspaceId: ws.id, outcome: "older-period" };

  await link(em, ws, customerIdOf(invoice), subscriptionId);
  await setPaidPlan(em, ws.id, plan, "paid");

  const credits = creditsPerPeriod(plan);
  if (credits === null) return { workspaceId: ws.id, outcome: "unlimited", granted: 0 };
  const periodEnd = current.periodEnd;
  if (latest === null || periodEnd > latest) {
    await expireAvailableCredits(em, { workspaceId: ws.id, reference: `expire:stripe:${periodEnd}`, reason: "period ended: unused credits expire" });
  }
  const missing = credits - (await grantedInPeriod(em, ws.id, periodEnd));
  if (missing <= 0) return { workspaceId: ws.id, outcome: "period-already-granted", granted: 0 };
  const periodStart = lines.find((l) => !l.proration)?.periodStart ?? current.periodStart;
  const grant = await grantCredits(em, {
    workspaceId: ws.id,
    amount: missing,
    reference: `stripe:${periodEnd}:${periodStart}:${invoiceId}`,
    reason: reason === "subscription_update" ? `plan change to ${plan}: the difference for this period` : `${plan} plan: credits of the period`,
  });
  return { workspaceId: ws.id, outcome: grant.replayed ? "invoice-already-granted" : "granted", granted: grant.replayed ? 0 : missing };
}

async function invoiceFailed(em: EntityManager, ws: WorkspaceRow, invoice: Record<string, unknown>, at: Date): Promise<ApplyResult> {
  const subscriptionId = subscriptionIdOfInvoice(invoice);
  if (subscriptionId && (await subscriptionEnded(em, ws.id, subscriptionId))) return { workspaceId: ws.id, outcome: "subscription-already-ended" };
  if (ws.stripe_subscription_id && subscriptionId && ws.stripe_subscription_id !== subscriptionId) return { workspaceId: ws.id, outcome: "other-subscription" };
  // The earliest failure of a run marks the start of past-due; a later paid invoice clears it.
  await markPastDue(em, ws.id, at);
  return { workspaceId: ws.id, outcome: "past-due" };
}

/** Newest subscription event already applied for this subscription (its `created`), or null. */
async function latestSubscriptionEvent(em: EntityManager, workspaceId: string, subscriptionId: string): Promise<number | null> {
  const [row] = await em.execute<{ latest: string | null }[]>(
    `select max((payload->>'created')::bigint)::text as latest from billing_events
      where workspace_id = ? and processed_at is not null and error is null
        and type in ('customer.subscription.created', 'customer.subscription.updated')
        and payload->'data'->'object'->>'id' = ?`,
    [workspaceId, subscriptionId],
  );
  return row?.latest ? Number(row.latest) : null;
}

async function subscriptionChanged(em: EntityManager, ws: WorkspaceRow, sub: Record<string, unknown>, ctx: ApplyContext, created: number): Promise<ApplyResult> {
  const subscriptionId = idOf(sub.id);
  if (!subscriptionId) throw new BillingEventRejected("subscription without id");
  if (await subscriptionEnded(em, ws.id, subscriptionId)) return { workspaceId: ws.id, outcome: "subscription-already-ended" };
  if (ws.stripe_subscription_id && ws.stripe_subscription_id !== subscriptionId) {
    // A second subscription replaces the first only once it is live.
    if (str(sub, "status") !== "active" && str(sub, "status") !== "trialing") return { workspaceId: ws.id, outcome: "other-subscription" };
  }
  const status = str(sub, "status");
  if (status !== "active" && status !== "trialing" && status !== "past_due" && status !== "unpaid") {
    // incomplete: first payment pending; canceled / incomplete_expired: customer.subscription.deleted ends it.
    return { workspaceId: ws.id, outcome: `ignored-status-${status ?? "unknown"}` };
  }
  // Stripe does not deliver in order: an update older than one already applied is history.
  const latest = await latestSubscriptionEvent(em, ws.id, subscriptionId);
  if (latest !== null && created < latest) return { workspaceId: ws.id, outcome: "older-update" };
  const { priceId } = subscriptionPrice(sub);
  const plan: PaidPlan | null = planOfPrice(ctx.prices, priceId);
  if (!plan) throw new BillingEventRejected(`subscription ${subscriptionId}: price ${priceId ?? "(none)"} is not one of the configured STRIPE_PRICE_* ids`);
  await link(em, ws, customerIdOf(sub), subscriptionId);
  if (status === "past_due" || status === "unpaid") {
    await setPaidPlan(em, ws.id, plan, "past-due");
  } else {
    await setPaidPlan(em, ws.id, plan, "paid");
  }
  return { workspaceId: ws.id, outcome: `plan-${plan}` };
}

async function subscriptionDeleted(em: EntityManager, ws: WorkspaceRow, sub: Record<string, unknown>, at: Date): Promise<ApplyResult> {
  const subscriptionId = idOf(sub.id);
  if (!subscriptionId) throw new BillingEventRejected("subscription without id");
  if (ws.stripe_subscription_id && ws.stripe_subscription_id !== subscriptionId) return { workspaceId: ws.id, outcome: "other-subscription" };
  await endPaidPlan(em, ws.id);
  const started = await startFreePlan(em, ws.id, { now: at, key: endedKey(subscriptionId), expireRemaining: true });
  return { workspaceId: ws.id, outcome: started.started ? "downgraded-to-free" : "already-free", granted: started.granted };
}
