import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { TemplateType } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/** Where a template stands at WhatsApp: DRAFT (not submitted), PENDING, APPROVED or REJECTED. */
export const WhatsAppTemplateStatus = { DRAFT: "DRAFT", PENDING: "PENDING", APPROVED: "APPROVED", REJECTED: "REJECTED" } as const;
export type WhatsAppTemplateStatus = (typeof WhatsAppTemplateStatus)[keyof typeof WhatsAppTemplateStatus];

/**
 * A WhatsApp template of a workspace's own Twilio account (SPEC §12): created through that
 * account's Content API (a Content SID belongs to one account), submitted for WhatsApp approval,
 * followed by the periodic job 'whatsapp.approvals'. One per account, message type and language;
 * a changed text is a new Content (new SID) and starts again as a draft. Written only through
 * `@rm/accounts`' whatsapp-templates.
 */
export const WhatsAppTemplateSchema = defineEntity({
  name: "WhatsAppTemplate",
  tableName: "whatsapp_templates",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    /** The account the Content belongs to (AC…). */
    accountSid: p.text(),
    type: p.enum(TemplateType),
    language: p.text(),
    /** WhatsApp's category: UTILITY for the rating flow, MARKETING for broadcasts. */
    category: p.text().check("category in ('UTILITY', 'MARKETING')"),
    /** The text as the editor shows it, with named {{variables}}. */
    body: p.text(),
    /** Quick-reply button titles (their payloads are the same text). */
    buttons: p.json<string[]>().defaultRaw("'[]'::jsonb").onCreate(() => []),
    contentSid: p.text().nullable(),
    /**
     * The variable names in the Content's number order: {{1}} carries the first (decision 039). Null
     * for a Content created before the numbering without gaps, numbered by WHATSAPP_CONTENT_VARIABLES.
     */
    variables: p.json<string[]>().nullable(),
    status: p.enum(WhatsAppTemplateStatus).default(WhatsAppTemplateStatus.DRAFT),
    /** Twilio's own word for the approval (received, pending, approved, rejected, paused, disabled…). */
    providerStatus: p.text().nullable(),
    rejectionReason: p.text().nullable(),
    submittedAt: p.datetime().nullable(),
    checkedAt: p.datetime().nullable(),
    approvedAt: p.datetime().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  uniques: [{ name: "whatsapp_templates_account_type_language_uq", properties: ["workspace", "accountSid", "type", "language"] }],
  indexes: [{ name: "whatsapp_templates_pending_idx", properties: ["status", "checkedAt"], where: { status: WhatsAppTemplateStatus.PENDING } }],
});

export class WhatsAppTemplate extends WhatsAppTemplateSchema.class {
  override id: string = newId();
}
WhatsAppTemplateSchema.setClass(WhatsAppTemplate);
