export { type FeedbackOptions, DEFAULT_REPLY_WINDOW_DAYS, ratingLink, reviewLink, feedbackLink } from "./options.ts";
export { loadPatientContext, effectivePolicy, type PatientContext } from "./patient-context.ts";
export { createTemplatedMessage, insertMessage, templateValues, withoutReviewLinkSentences, type Addressing } from "./outbound.ts";
export { recordRating, type RatingInput, type RatingOutcome } from "./rating.ts";
export { optOut, optIn, type OptChange } from "./opt-out.ts";
export { cancelPendingSends, reminderKey } from "./pending-sends.ts";
export { lockFeedback, setFeedbackWorkflow, type FeedbackStatus, type FeedbackWorkflowChange, type LockedFeedback } from "./feedback-status.ts";
export { createReplyProcessor, processReply, INBOUND_STEPS, DEFAULT_LIVE_CONVERSATION_MS, unambiguousRating, type InboundStep, type InboundStepContext, type ReplyDeps, type ReplyOutcome } from "./reply.ts";
export { scheduleReminder, sendReminder, REMINDER_TYPE } from "./reminder.ts";
export {
  findByToken,
  loadRatingPage,
  rateByToken,
  parseRatingInput,
  reviewRedirect,
  loadFeedbackForm,
  submitFeedback,
  countNewDetractorAlerts,
  FEEDBACK_MAX_LENGTH,
  type RatingPage,
  type FollowUpView,
  type FeedbackFormPage,
  type FeedbackSubmission,
  type PublicLookup,
  type PageLanguage,
  pageLanguage,
} from "./public-pages.ts";
