import { defineEntity, p } from "@mikro-orm/postgresql";
import { newId, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Patient } from "../campaigns/patient.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";
import { REVIEW_CLICKS_ANALYTICS_TRIGGER_BODY } from "../analytics/analytics.entity.ts";

/** A click on /r/<token>; unique per patient, so a click is counted once per token. */
export const ReviewClickSchema = defineEntity({
  name: "ReviewClick",
  tableName: "review_clicks",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade").index(),
    patient: p.manyToOne(Patient).deleteRule("cascade"),
    clickedAt: p.datetime().defaultRaw("now()").onCreate(() => new Date()),
    userAgent: p.text().nullable(),
  },
  // One click counted per patient; workspace_id in the key as in every tenant key that can have it.
  uniques: [{ name: "review_clicks_patient_uq", properties: ["workspace", "patient"] }],
  // Analytics rollup: a click flips its patient's rating fact in analytics_deltas (analytics.entity.ts).
  triggers: [{ name: "review_clicks_analytics_facts", timing: "after", events: ["insert", "delete"], forEach: "row", body: REVIEW_CLICKS_ANALYTICS_TRIGGER_BODY }],
});

export class ReviewClick extends ReviewClickSchema.class {
  override id: string = newId();
}
ReviewClickSchema.setClass(ReviewClick);
