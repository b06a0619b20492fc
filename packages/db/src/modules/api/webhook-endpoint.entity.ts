import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/** A workspace's receiver of events (SPEC §15): its URL, the events it wants and its signing secret. */
export const WebhookEndpointSchema = defineEntity({
  name: "WebhookEndpoint",
  tableName: "webhook_endpoints",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    url: p.text(),
    events: p.array().columnType("text[]"),
    /** "whsec_…": signs each delivery (HMAC-SHA256); shown to the owner, who verifies with it. */
    secret: p.text(),
    enabled: p.boolean().default(true),
    /** Deliveries that failed for good in a row; reaching the limit disables the endpoint. */
    consecutiveFailures: p.integer().default(0),
    disabledAt: p.datetime().nullable(),
    disabledReason: p.text().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  indexes: [{ name: "webhook_endpoints_workspace_idx", properties: ["workspace"] }],
});

export class WebhookEndpoint extends WebhookEndpointSchema.class {
  override id: string = newId();
}
WebhookEndpointSchema.setClass(WebhookEndpoint);
