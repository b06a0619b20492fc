import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { User } from "../workspace/user.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/**
 * A key practice software calls the API with (SPEC §15). The secret is shown once and only its keyed
 * hash is kept (decision 020); the prefix is what staff see and what finds the row.
 */
export const ApiKeySchema = defineEntity({
  name: "ApiKey",
  tableName: "api_keys",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    name: p.text(),
    /** "rmk_" and 12 random characters: shown in lists, unique, the lookup key. */
    prefix: p.text().unique("api_keys_prefix_uq"),
    /** HMAC-SHA256 of the whole key under API_KEY_HASH_SECRET, hex. */
    secretHash: p.text(),
    scopes: p.array().columnType("text[]"),
    /** Who created it: the API acts as this person in audit logs and campaigns. */
    createdBy: p.manyToOne(User).deleteRule("cascade"),
    createdAt: createdAt(),
    lastUsedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
  indexes: [{ name: "api_keys_workspace_idx", properties: ["workspace", "createdAt"] }],
});

export class ApiKey extends ApiKeySchema.class {
  override id: string = newId();
}
ApiKeySchema.setClass(ApiKey);
