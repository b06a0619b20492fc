// Names shared by the web (writers) and the worker (readers) of billing work.

/** Outbox stream of all billing work (a @rm/streams kind). */
export const BILLING_STREAM = "billing";

/** A stored Stripe webhook event to apply (payload: { billingEventId }). */
export const STRIPE_EVENT_TYPE = "stripe.event";

/** One period of the FREE plan: expire what is left, grant the period's credits, schedule the next. */
export const FREE_PERIOD_TYPE = "billing.free-period";

/** Every billing outbox type the worker handles. */
export const BILLING_OUTBOX_TYPES = [STRIPE_EVENT_TYPE, FREE_PERIOD_TYPE] as const;
