export { SenderRateLimiter, senderKind, DEFAULT_SENDER_RATES, type SenderKind, type RateLimitDecision } from "./rate-limit.ts";
export { readRawBody } from "./webhooks/read-raw-body.ts";
export { createTwilioWebhookHandler, TWILIO_STATUS_PATH, TWILIO_INBOUND_PATH, type TwilioWebhookOptions } from "./webhooks/twilio-webhooks.ts";
export { runOutboxWork, type OutboxWorkResult } from "./outbox/outbox-row.ts";
export { sendMessage, MARK_PATIENTS_SENT_SQL, type SendDeps } from "./send/send-message.ts";
export { enqueueVerificationCode, verificationCodeStatus } from "./send/verification-code.ts";
export { sendMessageBatch, type EntryOutcome } from "./send/send-batch.ts";
export { createHandlers, dispatchEntry, createDeadLetterHandler, type HandlerMap, type BoundHandler } from "./handlers/index.ts";
export type { HandlerDeps, EntryHandler } from "./handlers/deps.ts";
export { applyProviderStatus, TWILIO_STATUS_TYPE } from "./handlers/apply-provider-status.ts";
export { applyStatusEvents, MAX_ERROR_ATTEMPTS, type ApplyStatusEventsOptions, type ApplyStatusEventsResult, type StatusEventOutcome } from "./status/apply-status-events.ts";
export { StatusApplier, type StatusApplierOptions } from "./status/status-applier.ts";
export { StatusEventGroupInserter, STATUS_EVENTS_CHANNEL, type StatusEventRow } from "./webhooks/status-event-insert.ts";
export { applyDeliveryStatus, recordDeliveryStatus, deductReference, refundReference, rechargeReference, type DeliveryStatusResult, type ApplyDeliveryStatusOptions } from "./handlers/apply-delivery-status.ts";
export { storeInbound, findRoute, TWILIO_INBOUND_TYPE, type InboundRoute } from "./handlers/store-inbound.ts";
export { runPeriodic, periodicJobHandler, MESSAGING_PERIODIC_JOBS, type PeriodicJobRun, type PeriodicRunContext } from "./handlers/run-periodic.ts";
export { onDeadLetter } from "./handlers/dead-letter.ts";
export { ensurePeriodicJobs, ensureNextSlot, slotStart, periodicKey, isPeriodicJob, PERIODIC_JOBS, type PeriodicJobName } from "./periodic/periodic-jobs.ts";
export { DEFAULT_PERIODIC_OPTIONS, periodicOptions, type PeriodicOptions } from "./periodic/periodic-options.ts";
export { reconcileDeliveries, type ReconcileSummary } from "./periodic/reconcile-deliveries.ts";
export { reconcileInbound, type InboundReconcileSummary } from "./periodic/reconcile-inbound.ts";
export { startPeriodicEnsurer, type PeriodicEnsurer } from "./periodic/ensure-timer.ts";
export * from "./feedback/index.ts";
export { SlidingWindowLimiter, STAFF_REQUESTS_PER_MINUTE, FEEDBACK_SUBMISSIONS_PER_HOUR, staffRequestLimit, limitFeedbackSubmission, type LimitDecision, type SlidingWindowLimiterOptions } from "./request-limit.ts";
export * from "./campaign/index.ts";
export {
  consentHistory,
  recordConsentEvents,
  FEEDBACK_REQUESTS,
  EVIDENCE_MAX_LENGTH,
  type ConsentHistoryEntry,
  type ConsentEventInput,
  type ConsentChannel,
  type ConsentPurpose,
  type ConsentAction,
  type ConsentSource,
} from "./consent/consent-history.ts";
export { emitWebhookEvent, type WebhookEventInput } from "./webhook-events.ts";
export { landInThread, threadForPatient, loadThreadRow, setThreadStatus, assignThread, markAnswered, setThreadAssistant, type LandInput, type ThreadRow } from "./conversations/threads.ts";
export {
  awayStep,
  botLanguage,
  botMaySpeak,
  contactTurn,
  handleContactMessage,
  knowledgeAnswerStep,
  llmStep,
  personAskedStep,
  providerTurn,
  runAssistantSteps,
  threadTurn,
  urgentStep,
  type AssistantOutcome,
  type AssistantTurn,
  type BotMessageType,
} from "./conversations/assistant.ts";
export { handleAssistantReply, ASSISTANT_REPLY_TYPE, type AssistantReplyDeps } from "./conversations/assistant-reply.ts";
export { loadReplyContext, sendStaffReply, deliverPendingReply, type ReplyContext, type StaffReplyInput, type StaffReplyResult } from "./conversations/staff-reply.ts";
export { insertLeadContact, setContactLeadStatus, LEAD_STATUSES, CONTACT_SOURCES, type LeadContactInput } from "./contacts/leads.ts";
export {
  WidgetError,
  WIDGET_LIMITS,
  WIDGET_CODE_MAX_ATTEMPTS,
  WIDGET_CODE_TTL_MS,
  widgetSettings,
  parseAllowedOrigins,
  setAllowedOrigins,
  setWidgetPractice,
  findWidgetByKey,
  findVisitor,
  createWidgetContact,
  postVisitorMessage,
  visitorView,
  requestPhoneCode,
  confirmPhoneCode,
  confirmedWidgetPhone,
  widgetVisitorOfThread,
  type WidgetErrorCode,
  type WidgetRow,
  type VisitorRow,
  type VisitorView,
  type WidgetMessage,
  type PostInput,
} from "./widget/widget.ts";
