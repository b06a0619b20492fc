import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { TemplateType } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { WhatsAppTemplateStatus } from "../senders/whatsapp-template.entity.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/** Channel-agnostic message text with {{variables}}; WhatsApp uses the approved content sid instead. */
export const TemplateSchema = defineEntity({
  name: "Template",
  tableName: "templates",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    type: p.enum(TemplateType),
    name: p.text().nullable(),
    body: p.text(),
    /** Optional unaccented variant for SMS (GSM-7 keeps 160 chars per segment). */
    smsBody: p.text().nullable(),
    whatsappContentSid: p.text().nullable(),
    isDefault: p.boolean().default(false),
    language: p.text().default("es"),
    /** Library entries (BROADCAST): what the text is for (seed 004's objective). */
    objective: p.text().nullable(),
    /** Library entries: WhatsApp's pricing category, which sets the credits per WhatsApp message. */
    category: p.text().default("MARKETING").check("category in ('MARKETING', 'UTILITY')"),
    /** Library entries: the text may go out by WhatsApp, so WhatsApp's formatting rules are checked on save. */
    forWhatsapp: p.boolean().default(true),
    /** Library entries: messages sent with it (`recordTemplateUse`, called by the broadcast sending). */
    usageCount: p.integer().default(0),
    lastUsedAt: p.datetime().nullable(),
    /** Library entries: hidden from the list unless asked for, never deleted (campaigns keep their text). */
    archivedAt: p.datetime().nullable(),
    /**
     * Library entries submitted to WhatsApp as a template of the workspace's own account (SPEC §14):
     * the account the Content (`whatsappContentSid`) belongs to, where its approval stands (null:
     * never submitted), Twilio's own word and WhatsApp's reason. An edit of the text or category
     * clears them: a changed text is a new Content and needs a new approval.
     */
    whatsappAccountSid: p.text().nullable(),
    whatsappStatus: p.enum(WhatsAppTemplateStatus).nullable(),
    whatsappProviderStatus: p.text().nullable(),
    whatsappRejectionReason: p.text().nullable(),
    whatsappSubmittedAt: p.datetime().nullable(),
    whatsappCheckedAt: p.datetime().nullable(),
    whatsappApprovedAt: p.datetime().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  indexes: [
    { name: "templates_workspace_type_idx", properties: ["workspace", "type"] },
    // The periodic job 'whatsapp.approvals' reads the library texts under review, oldest check first.
    { name: "templates_whatsapp_pending_idx", properties: ["whatsappStatus", "whatsappCheckedAt"], where: { whatsappStatus: WhatsAppTemplateStatus.PENDING } },
  ],
  uniques: [
    // At most one default per type and language in a workspace.
    { name: "templates_one_default_uq", properties: ["workspace", "type", "language"], where: { isDefault: true } },
  ],
});

export class Template extends TemplateSchema.class {
  override id: string = newId();
}
TemplateSchema.setClass(Template);
