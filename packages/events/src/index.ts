export { defineEvent, STREAM_KINDS, type EventContract, type StreamKind } from "./define-event.ts";
export { messageSendEvent } from "./message-send.ts";
export { messageSmsFallbackEvent } from "./message-sms-fallback.ts";
export { feedbackReminderEvent } from "./feedback-reminder.ts";
export { twilioStatusEvent } from "./twilio-status.ts";
export { twilioInboundEvent } from "./twilio-inbound.ts";
export { stripeEventEvent } from "./stripe-event.ts";
export { billingFreePeriodEvent } from "./billing-free-period.ts";
export { periodicJobEvent, PERIODIC_JOBS, type PeriodicJobName } from "./periodic-job.ts";
