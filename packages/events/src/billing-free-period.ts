// `billing.free-period` on 'billing': one monthly period of the FREE plan — expire what is left,
// grant the period's credits, schedule the next (SPEC §6).
import { z } from "zod";
import { defineEvent } from "./define-event.ts";

export const billingFreePeriodEvent = defineEvent({
  stream: "billing",
  type: "billing.free-period",
  payload: z.object({
    /** The chain's key: one chain per start of the FREE plan. */
    chain: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/),
    /** When the chain started; periods fall on its monthly anniversaries. */
    anchor: z.iso.datetime(),
    /** Index of the period this row opens (1 = the first anniversary). */
    period: z.number().int().min(1),
  }),
  /** One row per workspace, chain and period. */
  key: (workspaceId: string, chain: string, period: number) => `billing.free-period:${workspaceId}:${chain}:${period}`,
});
