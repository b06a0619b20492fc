// An owner's "switch to plan X" (SPEC §6): a plan this server sells and the workspace is not on yet.
// A workspace with a subscription changes its price in place (never a second subscription: the
// proration is invoiced now and the credit difference arrives with that invoice); one without goes
// through Stripe Checkout.
import type Stripe from "stripe";
import { changeSubscriptionPlan, createCheckoutSession } from "./checkout.ts";
import type { PaidPlan, PriceIds } from "./prices.ts";

export class PlanChangeRefused extends Error {
  override name = "PlanChangeRefused";
  /** `unavailable`: not a plan this server sells; `current`: the workspace is already on it. */
  readonly code: "unavailable" | "current";
  constructor(code: "unavailable" | "current") {
    super(code === "unavailable" ? "plan not available" : "already on this plan");
    this.code = code;
  }
}

export interface PlanChangeInput {
  workspace: { id: string; plan: string; stripeSubscriptionId?: string | null; stripeCustomerId?: string | null };
  /** The plan asked for, as submitted. */
  plan: unknown;
  /** Paid plans with a configured price. */
  purchasable: readonly PaidPlan[];
  prices: PriceIds;
  publicUrl: string;
  /** Prefills Checkout for a new customer. */
  email?: string | null;
}

export type PlanChangeResult = { kind: "changed"; plan: PaidPlan } | { kind: "checkout"; plan: PaidPlan; sessionId: string; url: string };

export async function requestPlanChange(stripe: Stripe, input: PlanChangeInput): Promise<PlanChangeResult> {
  const { workspace } = input;
  const plan = input.purchasable.find((p) => p === input.plan);
  if (!plan) throw new PlanChangeRefused("unavailable");
  if (plan === workspace.plan) throw new PlanChangeRefused("current");
  if (workspace.stripeSubscriptionId) {
    await changeSubscriptionPlan(stripe, { subscriptionId: workspace.stripeSubscriptionId, workspaceId: workspace.id, plan, prices: input.prices });
    return { kind: "changed", plan };
  }
  const session = await createCheckoutSession(stripe, {
    workspaceId: workspace.id,
    plan,
    prices: input.prices,
    publicUrl: input.publicUrl,
    customerId: workspace.stripeCustomerId ?? null,
    email: input.email ?? null,
  });
  return { kind: "checkout", plan, sessionId: session.id, url: session.url };
}
