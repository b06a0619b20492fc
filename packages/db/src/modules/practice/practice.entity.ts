import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, E164_CHECK_SQL, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

export const PracticeSchema = defineEntity({
  name: "Practice",
  tableName: "practices",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade").index(),
    name: p.text(),
    address: p.text().nullable(),
    city: p.text().nullable(),
    country: p.text().default("EC"),
    timezone: p.text().default("America/Guayaquil"),
    /** Review link https://search.google.com/local/writereview?placeid=<googlePlaceId> (see @rm/domain reviewLinkFor). */
    googlePlaceId: p.text().nullable(),
    /**
     * A Business Profile review link https://g.page/r/<token>/review, which carries no Place ID, so the
     * link itself is kept. Only that form, and never together with a Place ID.
     */
    googleReviewUrl: p
      .text()
      .nullable()
      .check(`google_review_url is null or (google_place_id is null and google_review_url ~ '^https://g\\.page/r/[A-Za-z0-9_-]{6,200}/review$')`),
    /** Where detractor alerts go (E.164). */
    staffAlertPhone: p.text().nullable().check(`staff_alert_phone is null or ${E164_CHECK_SQL("staff_alert_phone")}`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
});

export class Practice extends PracticeSchema.class {
  override id: string = newId();
}
PracticeSchema.setClass(Practice);
