import type { DeliveryStatus } from "@rm/domain";

// Enum-like const objects (erasable syntax: no TS enums). Each has a same-named union type.

export const Channel = { SMS: "SMS", WHATSAPP: "WHATSAPP" } as const;
export type Channel = (typeof Channel)[keyof typeof Channel];

/**
 * The channel of a thread and of the messages in it: a provider's (SMS, WhatsApp) or WEB, the web chat
 * widget (SPEC §16), where no provider is involved and the visitor reads answers in the chat. Sending
 * settings, consent and campaigns stay on `Channel`.
 */
export const ThreadChannel = { SMS: "SMS", WHATSAPP: "WHATSAPP", WEB: "WEB" } as const;
export type ThreadChannel = (typeof ThreadChannel)[keyof typeof ThreadChannel];

export const Plan = { FREE: "FREE", STARTER: "STARTER", PROFESSIONAL: "PROFESSIONAL", ENTERPRISE: "ENTERPRISE" } as const;
export type Plan = (typeof Plan)[keyof typeof Plan];

/** Monthly credits per plan (SPEC §6); ENTERPRISE is unlimited. */
export const PLAN_MONTHLY_CREDITS: Record<Plan, number | null> = {
  FREE: 50,
  STARTER: 500,
  PROFESSIONAL: 2000,
  ENTERPRISE: null,
};

export const Role = { OWNER: "OWNER", DOCTOR: "DOCTOR", RECEPTIONIST: "RECEPTIONIST" } as const;
export type Role = (typeof Role)[keyof typeof Role];

export const ReviewPolicy = { OPEN: "open", GATED: "gated" } as const;
export type ReviewPolicy = (typeof ReviewPolicy)[keyof typeof ReviewPolicy];

export const TemplateType = {
  INITIAL: "INITIAL",
  FOLLOWUP_HAPPY: "FOLLOWUP_HAPPY",
  FOLLOWUP_UNHAPPY: "FOLLOWUP_UNHAPPY",
  REMINDER: "REMINDER",
  HELP: "HELP",
  OPT_OUT_CONFIRMATION: "OPT_OUT_CONFIRMATION",
  /** A library text for broadcast campaigns (SPEC §14): any number per workspace, never a default. */
  BROADCAST: "BROADCAST",
} as const;
export type TemplateType = (typeof TemplateType)[keyof typeof TemplateType];

export const CampaignStatus = { DRAFT: "DRAFT", ACTIVE: "ACTIVE", COMPLETED: "COMPLETED", CANCELLED: "CANCELLED" } as const;
/** What a campaign is (SPEC §14): rating requests after appointments (§5), or one message to an audience. */
export const CampaignKind = { FEEDBACK: "FEEDBACK", BROADCAST: "BROADCAST" } as const;
export type CampaignKind = (typeof CampaignKind)[keyof typeof CampaignKind];
export type CampaignStatus = (typeof CampaignStatus)[keyof typeof CampaignStatus];

/** Where a patient (one appointment) stands in the flow; message-level detail lives on Message. */
export const PatientStatus = {
  PENDING: "PENDING", // imported, not yet scheduled (e.g. campaign still DRAFT)
  SCHEDULED: "SCHEDULED", // INITIAL send is in the outbox
  SKIPPED: "SKIPPED", // never messaged; see skipReason
  SENT: "SENT", // INITIAL handed to the provider
  RATED: "RATED", // a rating arrived (reply or one-tap page)
  FAILED: "FAILED", // INITIAL failed permanently
  CANCELLED: "CANCELLED", // campaign cancelled / opted out before sending
} as const;
export type PatientStatus = (typeof PatientStatus)[keyof typeof PatientStatus];

export const SkipReason = {
  NO_CONSENT: "NO_CONSENT",
  OPTED_OUT: "OPTED_OUT",
  ERASED: "ERASED",
  COOLDOWN: "COOLDOWN",
  APPOINTMENT_TOO_OLD: "APPOINTMENT_TOO_OLD",
  DUPLICATE: "DUPLICATE",
  NOT_MOBILE: "NOT_MOBILE",
  INSUFFICIENT_CREDITS: "INSUFFICIENT_CREDITS",
  /** Broadcasts (SPEC §14): no marketing consent, the frequency cap reached, a destination country not allowed. */
  NO_MARKETING_CONSENT: "NO_MARKETING_CONSENT",
  FREQUENCY_CAP: "FREQUENCY_CAP",
  COUNTRY_NOT_ALLOWED: "COUNTRY_NOT_ALLOWED",
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

export const MessageType = {
  INITIAL: "INITIAL",
  REMINDER: "REMINDER",
  FOLLOWUP_HAPPY: "FOLLOWUP_HAPPY",
  FOLLOWUP_UNHAPPY: "FOLLOWUP_UNHAPPY",
  HELP: "HELP",
  OPT_OUT_CONFIRMATION: "OPT_OUT_CONFIRMATION",
  STAFF_ALERT: "STAFF_ALERT",
  /** A sign-up verification code to the would-be owner's phone (no patient). */
  VERIFICATION: "VERIFICATION",
  /** A staff member's answer in a conversation (SPEC §13): free text, or the held text of a pending reply. */
  STAFF_REPLY: "STAFF_REPLY",
  /** The approved "the practice has written to you" template of a pending reply, outside WhatsApp's window. */
  STAFF_REPLY_NOTICE: "STAFF_REPLY_NOTICE",
  /** The one message of a broadcast campaign to one contact (SPEC §14): marketing consent and the frequency cap apply. */
  BROADCAST: "BROADCAST",
  /** The assistant's answer from the practice's knowledge, without a model (SPEC §16): the bot's, marked so in the thread. */
  BOT_ANSWER: "BOT_ANSWER",
  /** The LLM assistant's answer, grounded in the practice's knowledge (SPEC §16): the bot's. */
  BOT_AI_ANSWER: "BOT_AI_ANSWER",
  /** The away message outside opening hours (at most once per thread per the practice's interval): the bot's. */
  BOT_AWAY: "BOT_AWAY",
  /** The hand-off to staff (urgent, or a person asked for): the bot's, never an answer. */
  BOT_HANDOFF: "BOT_HANDOFF",
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/**
 * Delivery status — one spelling everywhere (SPEC §4). Ranked and monotonic: a status may only move
 * to a higher rank; UNDELIVERED / FAILED / CANCELED are final.
 */
export const MessageStatus = {
  PENDING: "PENDING",
  SENDING: "SENDING",
  ACCEPTED: "ACCEPTED",
  SCHEDULED: "SCHEDULED",
  QUEUED: "QUEUED",
  SENT: "SENT",
  DELIVERED: "DELIVERED",
  READ: "READ",
  UNDELIVERED: "UNDELIVERED",
  FAILED: "FAILED",
  CANCELED: "CANCELED",
} as const satisfies { [K in DeliveryStatus]: K };
export type MessageStatus = (typeof MessageStatus)[keyof typeof MessageStatus];

// Order and transitions of delivery statuses live in @rm/domain (DELIVERY_STATUS_RANK, applyStatus).

export const Encoding = { GSM7: "GSM7", UCS2: "UCS2" } as const;
export type Encoding = (typeof Encoding)[keyof typeof Encoding];

export const InboundIntent = {
  RATING: "RATING",
  OPT_OUT: "OPT_OUT",
  OPT_IN: "OPT_IN",
  OTHER: "OTHER", // anything else: HELP once, then the staff inbox
} as const;
export type InboundIntent = (typeof InboundIntent)[keyof typeof InboundIntent];

export const FeedbackStatus = { NEW: "NEW", IN_PROGRESS: "IN_PROGRESS", RESOLVED: "RESOLVED" } as const;
export type FeedbackStatus = (typeof FeedbackStatus)[keyof typeof FeedbackStatus];

/** Where a staff-inbox item came from: the private form, a free-text reply, or a low rating. */
export const FeedbackSource = { FORM: "FORM", REPLY: "REPLY", RATING: "RATING" } as const;
export type FeedbackSource = (typeof FeedbackSource)[keyof typeof FeedbackSource];

/** A conversation's case status (SPEC §13): it is the staff inbox's workflow, one for the whole thread. */
export const ConversationStatus = { OPEN: "OPEN", SNOOZED: "SNOOZED", CLOSED: "CLOSED" } as const;
export type ConversationStatus = (typeof ConversationStatus)[keyof typeof ConversationStatus];

/**
 * How a contact came (SPEC §16 leads): a file import, practice software's API, staff entering a
 * patient by hand, a first message to the workspace's own sender, or the web chat widget.
 */
export const ContactSource = { IMPORT: "IMPORT", API: "API", STAFF: "STAFF", INBOUND: "INBOUND", WIDGET: "WIDGET" } as const;
export type ContactSource = (typeof ContactSource)[keyof typeof ContactSource];

/** A lead's stage (SPEC §16): null for a contact that is not a lead. */
export const LeadStatus = { NEW: "NEW", CONTACTED: "CONTACTED", BOOKED: "BOOKED", LOST: "LOST" } as const;
export type LeadStatus = (typeof LeadStatus)[keyof typeof LeadStatus];

export const ConsentSource = { CSV_IMPORT: "CSV_IMPORT", FORM: "FORM", REPLY: "REPLY", STAFF: "STAFF", API: "API" } as const;
export type ConsentSource = (typeof ConsentSource)[keyof typeof ConsentSource];

/**
 * What a consent event is for (SPEC §13, §14): feedback requests, and marketing (broadcasts), a
 * separate consent that a feedback grant never implies.
 */
export const ConsentPurpose = { FEEDBACK_REQUESTS: "FEEDBACK_REQUESTS", MARKETING: "MARKETING" } as const;
export type ConsentPurpose = (typeof ConsentPurpose)[keyof typeof ConsentPurpose];

export const ConsentAction = { GRANTED: "GRANTED", WITHDRAWN: "WITHDRAWN" } as const;
export type ConsentAction = (typeof ConsentAction)[keyof typeof ConsentAction];

/** Where a consent event came from: a file import, the patient's form, staff, the patient's reply, the API. */
export const ConsentEventSource = { IMPORT: "IMPORT", FORM: "FORM", STAFF: "STAFF", REPLY: "REPLY", API: "API" } as const;
export type ConsentEventSource = (typeof ConsentEventSource)[keyof typeof ConsentEventSource];

export const LedgerKind = { GRANT: "grant", HOLD: "hold", RELEASE: "release", DEDUCT: "deduct", REFUND: "refund" } as const;
export type LedgerKind = (typeof LedgerKind)[keyof typeof LedgerKind];

export const OutboxStatus = { PENDING: "pending", PUBLISHED: "published", DONE: "done", CANCELLED: "cancelled" } as const;
export type OutboxStatus = (typeof OutboxStatus)[keyof typeof OutboxStatus];

export const OutboxStream = {
  DISPATCH: "dispatch",
  PROVIDER_STATUS: "provider-status",
  INBOUND: "inbound",
  BILLING: "billing",
  PERIODIC: "periodic",
  WEBHOOKS: "webhooks",
} as const;
export type OutboxStream = (typeof OutboxStream)[keyof typeof OutboxStream];
