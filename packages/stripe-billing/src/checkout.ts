// Upgrading (Stripe Checkout, subscription mode) and self-service (customer portal), SPEC §6.
// Checkout names the workspace twice — client_reference_id on the session and metadata on the
// subscription (Stripe copies it onto every invoice) — so each webhook finds its workspace whatever
// order the events arrive in.
import type Stripe from "stripe";
import type { PaidPlan, PriceIds } from "./prices.ts";

export const BILLING_SUCCESS_PATH = "/billing/success";
export const BILLING_CANCEL_PATH = "/billing/cancel";

export class BillingNotConfiguredError extends Error {
  override name = "BillingNotConfiguredError";
}

export interface CheckoutInput {
  workspaceId: string;
  plan: PaidPlan;
  prices: PriceIds;
  /** Public base URL of the web app (return pages). */
  publicUrl: string;
  /** The workspace's Stripe customer, when it has one (a returning customer keeps its cards). */
  customerId?: string | null;
  /** Prefills Checkout for a new customer. */
  email?: string | null;
  /** Same key → the same session (a double-clicked button creates one session). */
  idempotencyKey?: string;
}

/** Creates a Checkout Session and returns the URL to send the owner to. */
export async function createCheckoutSession(stripe: Stripe, input: CheckoutInput): Promise<{ id: string; url: string }> {
  const price = input.prices[input.plan];
  if (!price) throw new BillingNotConfiguredError(`STRIPE_PRICE_${input.plan} is not set`);
  const metadata = { workspaceId: input.workspaceId, plan: input.plan };
  const session = await stripe.checkout.sessions.create(
    {
      mode: "subscription",
      line_items: [{ price, quantity: 1 }],
      client_reference_id: input.workspaceId,
      metadata,
      subscription_data: { metadata },
      ...(input.customerId ? { customer: input.customerId } : input.email ? { customer_email: input.email } : {}),
      locale: "es",
      success_url: `${input.publicUrl}${BILLING_SUCCESS_PATH}?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${input.publicUrl}${BILLING_CANCEL_PATH}`,
    },
    input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : undefined,
  );
  if (!session.url) throw new Error("Stripe returned a Checkout Session without a URL");
  return { id: session.id, url: session.url };
}

/** A customer-portal session (cards, invoices, cancellation); returns its URL. */
export async function createPortalSession(stripe: Stripe, input: { customerId: string; returnUrl: string }): Promise<{ url: string }> {
  const session = await stripe.billingPortal.sessions.create({ customer: input.customerId, return_url: input.returnUrl, locale: "es" });
  return { url: session.url };
}

export interface ChangePlanInput {
  subscriptionId: string;
  workspaceId: string;
  plan: PaidPlan;
  prices: PriceIds;
  idempotencyKey?: string;
}

/**
 * Moves an existing subscription to another plan's price and invoices the proration at once, so the
 * credit difference arrives with that invoice (billing_reason subscription_update) rather than at the
 * next cycle. Stripe confirms through customer.subscription.updated and invoice.paid.
 */
export async function changeSubscriptionPlan(stripe: Stripe, input: ChangePlanInput): Promise<void> {
  const price = input.prices[input.plan];
  if (!price) throw new BillingNotConfiguredError(`STRIPE_PRICE_${input.plan} is not set`);
  const subscription = await stripe.subscriptions.retrieve(input.subscriptionId);
  const item = subscription.items.data[0];
  if (!item) throw new Error(`subscription ${input.subscriptionId} has no item`);
  await stripe.subscriptions.update(
    input.subscriptionId,
    {
      items: [{ id: item.id, price }],
      proration_behavior: "always_invoice",
      metadata: { workspaceId: input.workspaceId, plan: input.plan },
    },
    input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : undefined,
  );
}
