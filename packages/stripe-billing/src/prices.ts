// Price id ↔ plan, from the environment (STRIPE_PRICE_*).
import type { Plan } from "@rm/domain";

export type PaidPlan = Exclude<Plan, "FREE">;
export const PAID_PLANS: readonly PaidPlan[] = ["STARTER", "PROFESSIONAL", "ENTERPRISE"];

export type PriceIds = Partial<Record<PaidPlan, string>>;

export interface PriceEnv {
  STRIPE_PRICE_STARTER?: string | undefined;
  STRIPE_PRICE_PROFESSIONAL?: string | undefined;
  STRIPE_PRICE_ENTERPRISE?: string | undefined;
}

export function priceIdsFromEnv(env: PriceEnv): PriceIds {
  const ids: PriceIds = {};
  if (env.STRIPE_PRICE_STARTER) ids.STARTER = env.STRIPE_PRICE_STARTER;
  if (env.STRIPE_PRICE_PROFESSIONAL) ids.PROFESSIONAL = env.STRIPE_PRICE_PROFESSIONAL;
  if (env.STRIPE_PRICE_ENTERPRISE) ids.ENTERPRISE = env.STRIPE_PRICE_ENTERPRISE;
  return ids;
}

export function planOfPrice(prices: PriceIds, priceId: string | null | undefined): PaidPlan | null {
  if (!priceId) return null;
  for (const plan of PAID_PLANS) if (prices[plan] === priceId) return plan;
  return null;
}
