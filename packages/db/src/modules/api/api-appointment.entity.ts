import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/**
 * An appointment pushed by practice software, by the caller's own id (SPEC §15): what makes
 * `PUT /appointments/{external_id}` an upsert. It points at the patient row (and its rating
 * request) the import pipeline created in the practice's and doctor's rolling campaign.
 */
export const ApiAppointmentSchema = defineEntity({
  name: "ApiAppointment",
  tableName: "api_appointments",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    externalId: p.text(),
    practiceId: p.uuid(),
    doctorId: p.uuid().nullable(),
    campaignId: p.uuid(),
    patientId: p.uuid(),
    /** The rating request; null when the patient was skipped. */
    messageId: p.uuid().nullable(),
    phone: p.text(),
    appointmentAt: p.datetime(),
    /** SCHEDULED, SKIPPED or CANCELLED. */
    status: p.text(),
    skipReason: p.text().nullable(),
    /** SHA-256 of the canonical request body: a retry with the same body changes nothing. */
    requestHash: p.text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  uniques: [{ name: "api_appointments_workspace_external_uq", properties: ["workspace", "externalId"] }],
});

export class ApiAppointment extends ApiAppointmentSchema.class {
  override id: string = newId();
}
ApiAppointmentSchema.setClass(ApiAppointment);
