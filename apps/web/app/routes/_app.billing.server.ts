// Server side of the billing pages: the Stripe client from the environment (null when billing is
// not configured) and the plans an owner can buy.
import { createStripeClient, PAID_PLANS, priceIdsFromEnv, type PaidPlan, type PriceIds, type Stripe } from "@rm/stripe-billing";
import { getEnv } from "../.server/env.server.ts";
import { singleton } from "../.server/singleton.server.ts";

export interface BillingSetup {
  stripe: Stripe | null;
  prices: PriceIds;
  /** Paid plans with a configured price. */
  purchasable: PaidPlan[];
  publicUrl: string;
  /** What is missing, for the "billing not configured" notice; empty when configured. */
  missing: string[];
}

export function billingSetup(): BillingSetup {
  return singleton("web.billing.setup", () => {
    const env = getEnv();
    const prices = priceIdsFromEnv(env);
    const missing: string[] = [];
    if (!env.STRIPE_SECRET_KEY) missing.push("STRIPE_SECRET_KEY");
    if (!env.STRIPE_WEBHOOK_SECRET?.length) missing.push("STRIPE_WEBHOOK_SECRET");
    const purchasable = PAID_PLANS.filter((p) => p !== "ENTERPRISE" && prices[p]);
    if (purchasable.length === 0) missing.push("STRIPE_PRICE_STARTER / STRIPE_PRICE_PROFESSIONAL");
    const stripe = env.STRIPE_SECRET_KEY ? createStripeClient({ secretKey: env.STRIPE_SECRET_KEY, apiUrl: env.STRIPE_API_URL }) : null;
    return { stripe, prices, purchasable, publicUrl: env.PUBLIC_URL, missing };
  });
}
