import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Practice } from "../practice/practice.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/**
 * A workspace's web chat widget (SPEC §16): its public key (in the script tag, not a secret) and the
 * web origins allowed to frame the chat (`frame-ancestors`), edited by owners. `@rm/messaging`'s
 * `widget` module alone reads and writes it.
 */
export const WebWidgetSchema = defineEntity({
  name: "WebWidget",
  tableName: "web_widgets",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    /** Public, unguessable: the script tag names the workspace by it. */
    publicKey: p.text().unique(),
    /** Origins ("https://clinic.example") allowed to embed the chat; empty: nobody yet. */
    allowedOrigins: p.json<string[]>().defaultRaw("'[]'::jsonb").onCreate(() => []),
    /**
     * The practice whose knowledge, opening hours and staff number the chat's automatic handling uses
     * (SPEC §16); null: the workspace's first practice. Chosen by owners.
     */
    practice: p.manyToOne(Practice).nullable().deleteRule("set null"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  uniques: [{ name: "web_widgets_workspace_uq", properties: ["workspace"] }],
});

export class WebWidget extends WebWidgetSchema.class {
  override id: string = newId();
}
WebWidgetSchema.setClass(WebWidget);
