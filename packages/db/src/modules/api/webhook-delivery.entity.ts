import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Workspace } from "../workspace/workspace.entity.ts";
import { WebhookEndpoint } from "./webhook-endpoint.entity.ts";

/** One event for one endpoint: the delivery log (status, response time, attempts) and what replay resends. */
export const WebhookDeliverySchema = defineEntity({
  name: "WebhookDelivery",
  tableName: "webhook_deliveries",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    endpoint: p.manyToOne(WebhookEndpoint).deleteRule("cascade"),
    eventId: p.uuid(),
    eventType: p.text(),
    /** The exact JSON body sent (the event envelope). */
    payload: p.json<Record<string, unknown>>(),
    /** PENDING, SUCCEEDED, FAILED (will retry) or GAVE_UP. */
    status: p.text(),
    /** Attempts in the current round (a manual replay starts a new round). */
    attempts: p.integer().default(0),
    /** Manual replays so far: the round of the next outbox row. */
    replays: p.integer().default(0),
    lastStatusCode: p.integer().nullable(),
    lastError: p.text().nullable(),
    lastDurationMs: p.integer().nullable(),
    lastAttemptAt: p.datetime().nullable(),
    deliveredAt: p.datetime().nullable(),
    createdAt: createdAt(),
  },
  uniques: [{ name: "webhook_deliveries_endpoint_event_uq", properties: ["workspace", "endpoint", "eventId"] }],
  indexes: [{ name: "webhook_deliveries_endpoint_created_idx", columns: [{ name: "endpoint_id" }, { name: "created_at", sort: "DESC" }] }],
});

export class WebhookDelivery extends WebhookDeliverySchema.class {
  override id: string = newId();
}
WebhookDeliverySchema.setClass(WebhookDelivery);
