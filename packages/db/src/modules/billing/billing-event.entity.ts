import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, uuidPk } from "../common/columns.ts";

/**
 * A Stripe webhook event, stored once by its id (replays are no-ops). Not workspace-filtered: the
 * workspace is only known after the worker reads the payload, and the billing worker is cross-tenant.
 */
export const BillingEventSchema = defineEntity({
  name: "BillingEvent",
  tableName: "billing_events",
  properties: {
    id: uuidPk(),
    stripeEventId: p.text().unique(),
    type: p.text(),
    workspaceId: p.uuid().nullable().index(),
    payload: p.json<Record<string, unknown>>(),
    processedAt: p.datetime().nullable(),
    error: p.text().nullable(),
    createdAt: createdAt(),
  },
});

export class BillingEvent extends BillingEventSchema.class {
  override id: string = newId();
}
BillingEventSchema.setClass(BillingEvent);
