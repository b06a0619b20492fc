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
    /** Review link: https://search.google.com/local/writereview?placeid=<googlePlaceId> */
    googlePlaceId: p.text().nullable(),
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

export function googleReviewUrl(placeId: string): string {
  return `https://search.google.com/local/writereview?placeid=${encodeURIComponent(placeId)}`;
}
