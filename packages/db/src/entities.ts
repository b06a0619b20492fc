import { AnalyticsDailySchema, AnalyticsDeltaSchema, AnalyticsRollupSchema } from "./modules/analytics/analytics.entity.ts";
import { PracticeKnowledgeSchema } from "./modules/assistant/practice-knowledge.entity.ts";
import { WebWidgetSchema } from "./modules/widget/web-widget.entity.ts";
import { WidgetVisitorSchema } from "./modules/widget/widget-visitor.entity.ts";
import { ApiAppointmentSchema } from "./modules/api/api-appointment.entity.ts";
import { ApiIdempotencyKeySchema } from "./modules/api/api-idempotency-key.entity.ts";
import { ApiKeySchema } from "./modules/api/api-key.entity.ts";
import { WebhookDeliverySchema } from "./modules/api/webhook-delivery.entity.ts";
import { WebhookEndpointSchema } from "./modules/api/webhook-endpoint.entity.ts";
import { AuditLogSchema } from "./modules/audit/audit-log.entity.ts";
import { BillingEventSchema } from "./modules/billing/billing-event.entity.ts";
import { CreditLedgerEntrySchema } from "./modules/billing/credit-ledger-entry.entity.ts";
import { CampaignSchema } from "./modules/campaigns/campaign.entity.ts";
import { CampaignDraftSchema } from "./modules/campaigns/campaign-draft.entity.ts";
import { PatientSchema } from "./modules/campaigns/patient.entity.ts";
import { ConsentEventSchema } from "./modules/contacts/consent-event.entity.ts";
import { ContactSchema } from "./modules/contacts/contact.entity.ts";
import { ContactNoteSchema } from "./modules/contacts/contact-note.entity.ts";
import { ContactLabelSchema, LabelSchema } from "./modules/contacts/label.entity.ts";
import { CannedReplySchema } from "./modules/conversations/canned-reply.entity.ts";
import { ConversationSchema } from "./modules/conversations/conversation.entity.ts";
import { ConversationNoteSchema } from "./modules/conversations/conversation-note.entity.ts";
import { ConversationReadSchema } from "./modules/conversations/conversation-read.entity.ts";
import { FeedbackSchema } from "./modules/feedback/feedback.entity.ts";
import { ReviewClickSchema } from "./modules/feedback/review-click.entity.ts";
import { InboundMessageSchema } from "./modules/messaging/inbound-message.entity.ts";
import { MessageSchema } from "./modules/messaging/message.entity.ts";
import { ProviderStatusEventSchema } from "./modules/messaging/provider-status-event.entity.ts";
import { OutboxEventSchema } from "./modules/outbox/outbox-event.entity.ts";
import { PracticeSchema } from "./modules/practice/practice.entity.ts";
import { TemplateSchema } from "./modules/templates/template.entity.ts";
import { TwilioAccountSchema } from "./modules/senders/twilio-account.entity.ts";
import { WhatsAppTemplateSchema } from "./modules/senders/whatsapp-template.entity.ts";
import { InvitationSchema } from "./modules/workspace/invitation.entity.ts";
import { SignupVerificationSchema } from "./modules/workspace/signup-verification.entity.ts";
import { StaffSessionSchema } from "./modules/workspace/staff-session.entity.ts";
import { UserSchema } from "./modules/workspace/user.entity.ts";
import { WorkspaceSchema } from "./modules/workspace/workspace.entity.ts";

/** Every entity, listed explicitly (no folder discovery: Vite bundles and type stripping both stay simple). */
export const entities = [
  WorkspaceSchema,
  UserSchema,
  InvitationSchema,
  StaffSessionSchema,
  SignupVerificationSchema,
  PracticeSchema,
  TemplateSchema,
  CampaignSchema,
  CampaignDraftSchema,
  ContactSchema,
  ConsentEventSchema,
  LabelSchema,
  ContactLabelSchema,
  ContactNoteSchema,
  PatientSchema,
  ConversationSchema,
  ConversationNoteSchema,
  ConversationReadSchema,
  CannedReplySchema,
  MessageSchema,
  InboundMessageSchema,
  ProviderStatusEventSchema,
  FeedbackSchema,
  ReviewClickSchema,
  CreditLedgerEntrySchema,
  BillingEventSchema,
  TwilioAccountSchema,
  PracticeKnowledgeSchema,
  WhatsAppTemplateSchema,
  AuditLogSchema,
  OutboxEventSchema,
  AnalyticsDeltaSchema,
  AnalyticsDailySchema,
  AnalyticsRollupSchema,
  ApiKeySchema,
  ApiAppointmentSchema,
  ApiIdempotencyKeySchema,
  WebhookEndpointSchema,
  WebhookDeliverySchema,
  WebWidgetSchema,
  WidgetVisitorSchema,
];
