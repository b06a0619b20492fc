// `stripe.event` on 'billing': a verified Stripe webhook event stored in `billing_events`, applied by
// the worker (SPEC §6).
import { z } from "zod";
import { defineEvent } from "./define-event.ts";

const PREFIX = "stripe-event:";

export const stripeEventEvent = defineEvent({
  stream: "billing",
  type: "stripe.event",
  payload: z.object({ billingEventId: z.uuid() }),
  /** One row per Stripe event id: Stripe's redeliveries collapse. */
  key: (stripeEventId: string) => `${PREFIX}${stripeEventId}`,
  /** The key as SQL, for a Stripe event id expression (the webhook's insert builds it there). */
  keySql: (stripeEventIdSql: string) => `'${PREFIX}' || ${stripeEventIdSql}`,
});
