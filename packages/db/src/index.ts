// Public API of @rm/db: entities and their enum-like consts, ORM bootstrap, tenant scoping,
// the outbox primitive (enqueue, claim, done/failed/reschedule, sweep, group insert) and password
// hashing. The credit ledger is @rm/credits; the demo seed is @rm/demo.

export { initOrm, migrateUp } from "./orm.ts";
export { analyzeGrownTables, ANALYZE_MIN_ROWS } from "./statistics.ts";
export { buildOrmConfig, MIGRATIONS_DIR, type OrmOptions } from "./orm-config.ts";
export { entities } from "./entities.ts";
export { MikroORM, EntityManager, type EntityManager as SqlEntityManager } from "@mikro-orm/postgresql";

export * from "./modules/common/enums.ts";

export { Workspace, WorkspaceSchema } from "./modules/workspace/workspace.entity.ts";
export { User, UserSchema } from "./modules/workspace/user.entity.ts";
export { Invitation, InvitationSchema } from "./modules/workspace/invitation.entity.ts";
export { SignupVerification, SignupVerificationSchema } from "./modules/workspace/signup-verification.entity.ts";
export { StaffSession, StaffSessionSchema } from "./modules/workspace/staff-session.entity.ts";
export { Practice, PracticeSchema } from "./modules/practice/practice.entity.ts";
export { Template, TemplateSchema } from "./modules/templates/template.entity.ts";
export { DEFAULT_TEMPLATES, DEFAULT_TEMPLATES_EN, defaultTemplateText, ensureDefaultTemplates } from "./modules/templates/default-templates.ts";
export { Campaign, CampaignSchema } from "./modules/campaigns/campaign.entity.ts";
export { CampaignDraft, CampaignDraftSchema } from "./modules/campaigns/campaign-draft.entity.ts";
export { Patient, PatientSchema, newPublicToken, PUBLIC_TOKEN_TTL_DAYS } from "./modules/campaigns/patient.entity.ts";
export { Contact, ContactSchema } from "./modules/contacts/contact.entity.ts";
export { ConsentEvent, ConsentEventSchema } from "./modules/contacts/consent-event.entity.ts";
export { Label, LabelSchema, ContactLabel, ContactLabelSchema } from "./modules/contacts/label.entity.ts";
export { ContactNote, ContactNoteSchema } from "./modules/contacts/contact-note.entity.ts";
export { Conversation, ConversationSchema } from "./modules/conversations/conversation.entity.ts";
export { ConversationNote, ConversationNoteSchema } from "./modules/conversations/conversation-note.entity.ts";
export { ConversationRead, ConversationReadSchema } from "./modules/conversations/conversation-read.entity.ts";
export { CannedReply, CannedReplySchema } from "./modules/conversations/canned-reply.entity.ts";
export { Message, MessageSchema } from "./modules/messaging/message.entity.ts";
export { InboundMessage, InboundMessageSchema } from "./modules/messaging/inbound-message.entity.ts";
export { ProviderStatusEvent, ProviderStatusEventSchema } from "./modules/messaging/provider-status-event.entity.ts";
export { Feedback, FeedbackSchema } from "./modules/feedback/feedback.entity.ts";
export { ReviewClick, ReviewClickSchema } from "./modules/feedback/review-click.entity.ts";
export { CreditLedgerEntry, CreditLedgerEntrySchema } from "./modules/billing/credit-ledger-entry.entity.ts";
export { TwilioAccount, TwilioAccountSchema } from "./modules/senders/twilio-account.entity.ts";
export { WebWidget, WebWidgetSchema } from "./modules/widget/web-widget.entity.ts";
export { WidgetVisitor, WidgetVisitorSchema } from "./modules/widget/widget-visitor.entity.ts";
export { PracticeKnowledge, PracticeKnowledgeSchema } from "./modules/assistant/practice-knowledge.entity.ts";
export { WhatsAppTemplate, WhatsAppTemplateSchema, WhatsAppTemplateStatus } from "./modules/senders/whatsapp-template.entity.ts";
export { BillingEvent, BillingEventSchema } from "./modules/billing/billing-event.entity.ts";
export { AuditLog, AuditLogSchema } from "./modules/audit/audit-log.entity.ts";
export { ApiKey, ApiKeySchema } from "./modules/api/api-key.entity.ts";
export { ApiAppointment, ApiAppointmentSchema } from "./modules/api/api-appointment.entity.ts";
export { ApiIdempotencyKey, ApiIdempotencyKeySchema } from "./modules/api/api-idempotency-key.entity.ts";
export { WebhookEndpoint, WebhookEndpointSchema } from "./modules/api/webhook-endpoint.entity.ts";
export { WebhookDelivery, WebhookDeliverySchema } from "./modules/api/webhook-delivery.entity.ts";
export { OutboxEvent, OutboxEventSchema } from "./modules/outbox/outbox-event.entity.ts";
export { AnalyticsDelta, AnalyticsDaily, AnalyticsRollup, NO_DOCTOR } from "./modules/analytics/analytics.entity.ts";
export { enqueueOutbox, type OutboxEventInput } from "./modules/outbox/enqueue.ts";
export { lockOutboxRowsByKey, outboxDueTimes, outboxInsertSelect } from "./modules/outbox/keyed-rows.ts";
export {
  lockOutboxRow,
  lockOutboxRows,
  completeOutboxRow,
  completeOutboxRows,
  retryOutboxRowAt,
  parkOutboxRow,
  cancelOutboxByKeys,
  deferToRateSlots,
  wakeRelays,
  sweepStaleOutbox,
  purgeFinishedOutboxRows,
  type LockedOutboxRow,
  type OutboxRowStatus,
  type SweepOptions,
} from "./modules/outbox/outbox-rows.ts";
export { GroupInserter, OutboxGroupInserter, type OutboxInsertRow, type OutboxGroupInserterOptions } from "./modules/outbox/group-insert.ts";
export { outboxInsertFrom, OUTBOX_INSERT_COLUMNS } from "./modules/outbox/insert-from.ts";
export { pgArray } from "./modules/common/pg-array.ts";
export { executeBound } from "./modules/common/execute-bound.ts";


export {
  WORKSPACE_FILTER,
  MissingWorkspaceScopeError,
  assertWorkspaceId,
  type WorkspaceFilterArgs,
} from "./scoping/workspace-filter.ts";
export { workspaceEm, unscopedEm } from "./scoping/workspace-em.ts";
export { scopedQuery, scopedQueryBound, assertScopedSql } from "./scoping/scoped-query.ts";

export { hashPassword, verifyPassword } from "./auth/password.ts";
export { NotifyWaker, WakeableLoop, type NotifyWakerOptions } from "./notify-waker.ts";
export { OUTBOX_RELAY_BEGIN, OUTBOX_RELAY_STATEMENTS, type ClaimedOutboxRow } from "./modules/outbox/relay-statements.ts";
