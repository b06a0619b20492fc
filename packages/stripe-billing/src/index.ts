// Public API of @rm/stripe-billing: plans (when @rm/credits grants and expires credits), Stripe
// Checkout / portal, the Stripe webhook intake (web) and its application (worker). See README.md.
export { BILLING_STREAM, STRIPE_EVENT_TYPE, FREE_PERIOD_TYPE, BILLING_OUTBOX_TYPES } from "./constants.ts";
export {
  startFreePlan,
  applyFreePeriod,
  currentFreeChain,
  freeChainReference,
  type StartFreePlanOptions,
  type StartFreePlanResult,
  type FreePeriodPayload,
  type FreePeriodOutcome,
} from "./free-plan.ts";
export { addMonths } from "./period.ts";
export { createStripeClient, STRIPE_API_VERSION, Stripe } from "./stripe-client.ts";
export { priceIdsFromEnv, planOfPrice, PAID_PLANS, type PaidPlan, type PriceIds, type PriceEnv } from "./prices.ts";
export { createStripeWebhookHandler, STRIPE_WEBHOOK_PATH, STRIPE_MAX_BODY_BYTES, type StripeWebhookOptions } from "./webhook.ts";
export { applyStripeEvent, BillingEventRejected, HANDLED_EVENT_TYPES, type ApplyResult, type StripeEventLike } from "./apply-event.ts";
export { createBillingHandlers, handleStripeEvent, handleFreePeriod, type BillingHandlerDeps } from "./handlers.ts";
export { createCheckoutSession, createPortalSession, changeSubscriptionPlan, type ChangePlanInput, BillingNotConfiguredError, BILLING_SUCCESS_PATH, BILLING_CANCEL_PATH, type CheckoutInput } from "./checkout.ts";
export { getBillingOverview, encodeCursor, decodeCursor, HISTORY_PAGE_SIZE, type BillingOverview, type LedgerHistoryEntry, type LedgerWhat, type UsageRow } from "./overview.ts";
export { requestPlanChange, PlanChangeRefused, type PlanChangeInput, type PlanChangeResult } from "./plan-change.ts";
