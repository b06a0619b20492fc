import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { User } from "../workspace/user.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/** Who did what to which entity, when, from where (SPEC §3). */
export const AuditLogSchema = defineEntity({
  name: "AuditLog",
  tableName: "audit_logs",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    actor: p.manyToOne(User).nullable().deleteRule("set null"),
    /** e.g. "campaign.created", "patient.erased", "settings.review_policy_changed". */
    action: p.text(),
    entityType: p.text(),
    entityId: p.text().nullable(),
    ip: p.text().nullable(),
    details: p.json<Record<string, unknown>>().nullable(),
    createdAt: createdAt(),
  },
  indexes: [
    { name: "audit_logs_workspace_created_idx", columns: [{ name: "workspace_id" }, { name: "created_at", sort: "DESC" }] },
  ],
});

export class AuditLog extends AuditLogSchema.class {
  override id: string = newId();
}
AuditLogSchema.setClass(AuditLog);
