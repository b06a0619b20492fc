import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { CampaignKind, CampaignStatus, Channel } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Practice } from "../practice/practice.entity.ts";
import { User } from "../workspace/user.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

export const CampaignSchema = defineEntity({
  name: "Campaign",
  tableName: "campaigns",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    practice: p.manyToOne(Practice),
    /** The doctor the appointments were with ({{doctor}}); separate from who uploaded the file. */
    assignedDoctor: p.manyToOne(User).nullable().deleteRule("set null"),
    createdBy: p.manyToOne(User),
    name: p.text(),
    status: p.enum(CampaignStatus).default(CampaignStatus.DRAFT),
    kind: p.enum(CampaignKind).default(CampaignKind.FEEDBACK),
    /**
     * A broadcast's settings (SPEC §14), null for feedback campaigns: its channel, the library
     * template its text came from, the audience as filtered, when it goes out, what each message
     * costs (by the template's category) and whether staff paused it.
     */
    broadcastChannel: p.enum(Channel).nullable(),
    broadcastTemplateId: p.uuid().nullable(),
    audience: p.json<Record<string, unknown>>().nullable(),
    scheduledAt: p.datetime().nullable(),
    creditsPerMessage: p.integer().nullable().check("credits_per_message is null or credits_per_message >= 0"),
    pausedAt: p.datetime().nullable(),
    scheduledHoursAfter: p.integer().default(2).check("scheduled_hours_after >= 0"),
    /** Denormalised counters for the list page; the source of truth is the patients table. */
    totalPatients: p.integer().default(0),
    skippedPatients: p.integer().default(0),
    activatedAt: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    cancelledAt: p.datetime().nullable(),
    /**
     * Set on the campaign that appointments pushed through the API join, one per practice and doctor
     * (SPEC §15): it stays ACTIVE, taking each new appointment, and completion leaves it alone.
     */
    rollingKey: p.text().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  indexes: [
    {
      name: "campaigns_workspace_created_idx",
      columns: [{ name: "workspace_id" }, { name: "created_at", sort: "DESC" }],
    },
    { name: "campaigns_workspace_doctor_idx", properties: ["workspace", "assignedDoctor"] },
  ],
  uniques: [{ name: "campaigns_workspace_rolling_key_uq", properties: ["workspace", "rollingKey"] }],
});

export class Campaign extends CampaignSchema.class {
  override id: string = newId();
}
CampaignSchema.setClass(Campaign);
