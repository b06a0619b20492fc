// Stripe event payloads shaped like the pinned API version (parent.subscription_details on invoices,
// pricing.price_details on lines, current_period_* on subscription items), signed with the SDK.
import Stripe from "stripe";
import { STRIPE_API_VERSION } from "../src/stripe-client.ts";

export const PRICES = { STARTER: "price_starter_test", PROFESSIONAL: "price_pro_test", ENTERPRISE: "price_ent_test" } as const;
export const SECRET = "whsec_test_current_secret";
export const OLD_SECRET = "whsec_test_previous_secret";

const stripe = new Stripe("sk_test_unused", { apiVersion: STRIPE_API_VERSION, telemetry: false });

let seq = 0;
const id = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(++seq).toString(36).padStart(4, "0")}`;

export interface Sub {
  workspaceId: string;
  customer: string;
  subscription: string;
}

export function newSub(workspaceId: string): Sub {
  return { workspaceId, customer: id("cus"), subscription: id("sub") };
}

export function event(type: string, object: Record<string, unknown>, created = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return {
    id: id("evt"),
    object: "event",
    api_version: STRIPE_API_VERSION,
    created,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

export function checkoutCompleted(s: Sub, plan: keyof typeof PRICES = "STARTER"): Record<string, unknown> {
  return event("checkout.session.completed", {
    id: id("cs"),
    object: "checkout.session",
    mode: "subscription",
    status: "complete",
    payment_status: "paid",
    client_reference_id: s.workspaceId,
    customer: s.customer,
    subscription: s.subscription,
    metadata: { workspaceId: s.workspaceId, plan },
  });
}

interface LineSpec {
  price: string;
  amount: number;
  start: number;
  end: number;
  proration?: boolean;
}

export function invoice(
  type: "invoice.paid" | "invoice.payment_succeeded" | "invoice.payment_failed",
  s: Sub,
  billingReason: string,
  lines: LineSpec[],
  invoiceId = id("in"),
  withMetadata = true,
): Record<string, unknown> {
  return event(type, {
    id: invoiceId,
    object: "invoice",
    billing_reason: billingReason,
    customer: s.customer,
    status: type === "invoice.payment_failed" ? "open" : "paid",
    amount_paid: type === "invoice.payment_failed" ? 0 : lines.reduce((a, l) => a + Math.max(0, l.amount), 0),
    period_start: lines[0]?.start ?? 0,
    period_end: lines[0]?.start ?? 0,
    parent: {
      type: "subscription_details",
      quote_details: null,
      subscription_details: { subscription: s.subscription, metadata: withMetadata ? { workspaceId: s.workspaceId } : {} },
    },
    lines: {
      object: "list",
      has_more: false,
      data: lines.map((l) => ({
        id: id("il"),
        object: "line_item",
        amount: l.amount,
        currency: "usd",
        period: { start: l.start, end: l.end },
        pricing: { type: "price_details", price_details: { price: l.price, product: "prod_test" }, unit_amount_decimal: String(Math.abs(l.amount)) },
        parent: {
          type: "subscription_item_details",
          invoice_item_details: null,
          subscription_item_details: { invoice_item: l.proration ? id("ii") : null, proration: l.proration ?? false, proration_details: null, subscription: s.subscription, subscription_item: "si_test" },
        },
      })),
    },
  });
}

export function subscription(type: "customer.subscription.created" | "customer.subscription.updated" | "customer.subscription.deleted", s: Sub, price: string, status: string, start: number, end: number): Record<string, unknown> {
  return event(type, {
    id: s.subscription,
    object: "subscription",
    customer: s.customer,
    status,
    metadata: { workspaceId: s.workspaceId },
    items: { object: "list", data: [{ id: "si_test", object: "subscription_item", price: { id: price, object: "price" }, current_period_start: start, current_period_end: end }] },
  });
}

export function sign(payload: string, secret = SECRET, timestamp?: number): string {
  return stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });
}
