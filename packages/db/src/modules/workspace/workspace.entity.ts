import { defineEntity, p } from "@mikro-orm/postgresql";
import { createdAt, newId, updatedAt, uuidPk } from "../common/columns.ts";
import { Channel, Plan, ReviewPolicy, type TemplateType } from "../common/enums.ts";
import { workspaceFilter } from "../../scoping/workspace-filter.ts";

const HHMM = "'^([01][0-9]|2[0-3]):[0-5][0-9]$'";

/** The tenant. Settings are plain columns: the send path reads them in SQL and locks nothing extra. */
export const WorkspaceSchema = defineEntity({
  name: "Workspace",
  tableName: "workspaces",
  filters: workspaceFilter("id"),
  properties: {
    id: uuidPk(),
    name: p.text(),
    plan: p.enum(Plan).default(Plan.FREE),
    stripeCustomerId: p.text().nullable().unique(),
    stripeSubscriptionId: p.text().nullable().unique(),
    pastDueAt: p.datetime().nullable(),
    /** Per-workspace kill switch, checked at send time. */
    sendingPaused: p.boolean().default(false),
    timezone: p.text().default("America/Guayaquil"),
    /** "HH:MM" in the practice time zone; both null = quiet hours off. */
    quietHoursStart: p.text().nullable().default("20:00").check(`quiet_hours_start ~ ${HHMM}`),
    quietHoursEnd: p.text().nullable().default("08:00").check(`quiet_hours_end ~ ${HHMM}`),
    reviewPolicy: p.enum(ReviewPolicy).default(ReviewPolicy.OPEN),
    /** When/by whom the owner confirmed the review-gating warning (required for `gated`). */
    gatedConfirmedAt: p.datetime().nullable(),
    gatedConfirmedBy: p.uuid().nullable(),
    contactCooldownDays: p.integer().default(60).check("contact_cooldown_days >= 0"),
    maxAppointmentAgeDays: p.integer().default(7).check("max_appointment_age_days >= 0"),
    reminderAfterHours: p.integer().default(24).check("reminder_after_hours > 0"),
    defaultCountry: p.text().default("EC"),
    /**
     * Countries (ISO 3166 alpha-2) messages may go to besides `defaultCountry`: an owner's setting.
     * Empty by default, so a new workspace texts only its own country (SMS-pumping guard).
     */
    extraDestinationCountries: p.json<string[]>().defaultRaw("'[]'::jsonb").onCreate(() => []),
    /** AI template drafts a workspace may ask for per day in its time zone (SPEC §14); 0 turns them off. */
    aiDraftsPerDay: p.integer().default(20).check("ai_drafts_per_day >= 0"),
    /** The frequency cap of broadcasts (SPEC §14): at most this many per contact in 30 days. */
    broadcastCap: p.integer().default(2).check("broadcast_cap >= 0"),
    /** SPEC §16: automatic answers from the practice's knowledge, the away message and the hand-off messages; on by default. */
    autoAnswersEnabled: p.boolean().default(true),
    /**
     * SPEC §16 LLM assistant: when and by which owner it was switched on, after the notice that
     * patients' messages go to the configured provider; null = off (the default).
     */
    aiAssistantEnabledAt: p.datetime().nullable(),
    aiAssistantEnabledBy: p.uuid().nullable(),
    defaultChannel: p.enum(Channel).default(Channel.WHATSAPP),
    /** A patient's language when neither the import nor an earlier appointment of the phone gives one. */
    defaultLanguage: p.text().default("es").check("default_language in ('es', 'en')"),
    /** E.164 or Twilio sender ids; null = the platform default sender from the environment. */
    whatsappSender: p.text().nullable(),
    smsSender: p.text().nullable(),
    /** SMS senders where Twilio answers STOP itself: we record the opt-out and send nothing. */
    providerHandlesOptOut: p.boolean().default(true),
    /** Approved WhatsApp Content API sid per template type. */
    whatsappContentSids: p.json<Partial<Record<TemplateType, string>>>().defaultRaw("'{}'::jsonb").onCreate(() => ({})),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
});

export class Workspace extends WorkspaceSchema.class {
  override id: string = newId();
}
WorkspaceSchema.setClass(Workspace);
