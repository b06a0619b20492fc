import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, E164_CHECK_SQL, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { ConsentSource, ContactSource, LeadStatus } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";
import { Workspace } from "../workspace/workspace.entity.ts";

/**
 * The facts about a phone that outlive a campaign: consent per channel, opt-out, erasure, cooldown and
 * the WhatsApp 24-hour window. The send transaction locks this row and re-checks them.
 */
export const ContactSchema = defineEntity({
  name: "Contact",
  tableName: "contacts",
  filters: workspaceFilter(),
  properties: {
    id: uuidPk(),
    workspace: p.manyToOne(Workspace).deleteRule("cascade"),
    /** Null only for a web chat visitor who has not confirmed a phone (SPEC §16): never messaged by SMS or WhatsApp. */
    phone: p.text().nullable().check(E164_CHECK_SQL("phone")),
    /** The patient's name as practice software last sent it (POST /api/v1/contacts); null until then. */
    name: p.text().nullable(),
    /** "es" or "en" as practice software last sent it; null: the last appointment's, else the workspace's. */
    language: p.text().nullable(),
    /** How the contact came (set when the row is created); null for contacts created before it was kept. */
    source: p.enum(ContactSource).nullable(),
    /** A lead's stage (a new phone on the own sender, the widget); null for a contact that is not a lead. */
    leadStatus: p.enum(LeadStatus).nullable(),
    /** When the lead's stage last changed (the board's order). */
    leadStatusAt: p.datetime().nullable(),
    smsConsentAt: p.datetime().nullable(),
    smsConsentSource: p.enum(ConsentSource).nullable(),
    whatsappConsentAt: p.datetime().nullable(),
    whatsappConsentSource: p.enum(ConsentSource).nullable(),
    /**
     * Consent to marketing (broadcasts, SPEC §14), separate from the consent to feedback requests:
     * when and how it was obtained; the consent history keeps every grant and withdrawal.
     */
    marketingConsentAt: p.datetime().nullable(),
    marketingConsentSource: p.enum(ConsentSource).nullable(),
    optedOutAt: p.datetime().nullable(),
    /** e.g. "SMS:STOP", "WHATSAPP:BAJA", "provider:21610", "staff". */
    optedOutSource: p.text().nullable(),
    /** Right to be forgotten: personal data cleared, the row kept so the phone is never messaged again. */
    erasedAt: p.datetime().nullable(),
    /**
     * WhatsApp failed for this number because it has no WhatsApp or Meta refuses it (63003, 63024,
     * 63016) and the message went by SMS instead: later messages go by SMS directly (SPEC §12).
     * The code is the WhatsApp error that taught us.
     */
    noWhatsappAt: p.datetime().nullable(),
    noWhatsappCode: p.integer().nullable(),
    /** Last rating request (contact cooldown). */
    lastAskedAt: p.datetime().nullable(),
    /** Sender address → ISO time of the patient's last message to it (WhatsApp 24-hour window). */
    lastInboundAt: p.json<Record<string, string>>().defaultRaw("'{}'::jsonb").onCreate(() => ({})),
    /**
     * Last message either way: a message of ours handed to the provider (any kind, staff replies too)
     * or one from the patient. Only moves forward; the contacts list sorts and filters on it.
     */
    lastContactAt: p.datetime().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  uniques: [{ name: "contacts_workspace_phone_uq", properties: ["workspace", "phone"] }],
  indexes: [
    // The contacts list (@rm/contacts): most recent contact first, keyset-paged on (activity, id); a
    // contact never reached sorts by when it was created.
    {
      name: "contacts_activity_idx",
      expression: `create index "contacts_activity_idx" on "contacts" ("workspace_id", (coalesce("last_contact_at", "created_at")) desc, "id" desc)`,
    },
    // The leads list and board: a workspace's leads by stage, most recently moved first.
    { name: "contacts_leads_idx", expression: `create index "contacts_leads_idx" on "contacts" ("workspace_id", "lead_status", "lead_status_at" desc, "id" desc) where "lead_status" is not null` },
    // Search by part of a phone number (pg_trgm), on the digits after the "+": an index on the
    // column itself also served `phone = …` (pg_trgm 1.6), and the planner chose it for lists of
    // phones at a thousand times the cost of the unique key (decision 041).
    { name: "contacts_digits_trgm_idx", expression: `create index "contacts_digits_trgm_idx" on "contacts" using gin ((substr("phone", 2)) gin_trgm_ops)` },
  ],
});

export class Contact extends ContactSchema.class {
  override id: string = newId();
}
ContactSchema.setClass(Contact);
