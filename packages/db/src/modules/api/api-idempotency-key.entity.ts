import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/**
 * A POST's `Idempotency-Key` and the answer it got (SPEC §15): the same key and body get the stored
 * answer again, the same key with another body 409. Written in the transaction of the POST's effect.
 */
export const ApiIdempotencyKeySchema = defineEntity({
  name: "ApiIdempotencyKey",
  tableName: "api_idempotency_keys",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    apiKeyId: p.uuid(),
    key: p.text(),
    /** Method, path and SHA-256 of the body. */
    requestHash: p.text(),
    status: p.integer(),
    response: p.json<unknown>(),
    createdAt: createdAt(),
  },
  uniques: [{ name: "api_idempotency_keys_key_uq", properties: ["workspace", "apiKeyId", "key"] }],
});

export class ApiIdempotencyKey extends ApiIdempotencyKeySchema.class {
  override id: string = newId();
}
ApiIdempotencyKeySchema.setClass(ApiIdempotencyKey);
