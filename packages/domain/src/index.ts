export { type Clock, systemClock, ManualClock } from "./time/clock.ts";
export { redactError, redactText } from "./redact.ts";

// messaging
export { CHANNELS, type Channel } from "./messaging/channel.ts";
export {
  DELIVERY_STATUSES,
  DELIVERY_STATUS_RANK,
  type DeliveryStatus,
  type StatusTransition,
  applyStatus,
  deliveryStatusRankSql,
  fromTwilioStatus,
  isDelivered,
  isDeliveryStatus,
  isFinal,
  isInFlight,
} from "./messaging/delivery-status.ts";
export { type SegmentCount, type SmsEncoding, countSegments, creditsFor } from "./messaging/segments.ts";
export { TEMPLATE_CATEGORIES, DEFAULT_CATEGORY_CREDITS, categoryMessageCredits, type TemplateCategory, type CategoryCredits } from "./messaging/category-credits.ts";
export { toGsmVariant } from "./messaging/to-gsm-variant.ts";
export {
  KNOWN_PROVIDER_ERROR_CODES,
  SMS_FALLBACK_CODES,
  type ErrorScope,
  type ProviderError,
  type ProviderFailure,
  type RetryKind,
  classifyProviderError,
  shouldRefund,
} from "./messaging/provider-errors.ts";
export { DEFAULT_BACKOFF, type BackoffOptions, retryDelay, shouldRetry } from "./messaging/backoff.ts";
export {
  type DeliveryStep,
  type NotSentReason,
  type RetryReason,
  type RetryStreak,
  notSentReason,
  outageDuration,
  retriedText,
  retryGaveUpText,
  retryReasonText,
  retryWaitingText,
} from "./messaging/send-retry.ts";
export {
  TEMPLATE_VARIABLES,
  type TemplateValues,
  type TemplateVariable,
  findUnknownVariables,
  renderTemplate,
} from "./messaging/render-template.ts";
export { formatAppointmentDate } from "./messaging/format-appointment-date.ts";
export {
  GOOGLE_REVIEW_REJECTION_ES,
  G_PAGE_REVIEW_URL,
  type GoogleReviewParse,
  type GoogleReviewRejection,
  type GoogleReviewTarget,
  type PracticeReviewFields,
  googleReviewUrl,
  parseGoogleReviewInput,
  previewReviewLink,
  reviewInputOf,
  reviewLinkFor,
} from "./messaging/google-review-url.ts";
export {
  CONTENT_SID,
  LOCAL_PLATFORM_CONTENT_SIDS,
  PLATFORM_TEMPLATE_TEXTS,
  WHATSAPP_CONTENT_LANGUAGES,
  WHATSAPP_CONTENT_REQUIRED,
  WHATSAPP_CONTENT_TYPES,
  WHATSAPP_CONTENT_VARIABLES,
  type ContentButton,
  type ContentSidChoice,
  type ContentSidSource,
  type PlatformContentSids,
  type PlatformTemplateText,
  type WhatsAppContentLanguage,
  type WhatsAppContentType,
  isWhatsAppContentType,
  parsePlatformContentSids,
  platformContentSidsSchema,
  platformTemplatesBySid,
  renderContent,
  resolveWhatsAppContentSid,
  whatsappContentVariables,
  contentVariablesForTemplate,
  whatsappValue,
  WHATSAPP_VALUE_FALLBACKS,
} from "./messaging/whatsapp-content.ts";
export { type PlatformSending, type SendingGap, type WorkspaceSending, sendingGaps } from "./messaging/sending-readiness.ts";

// ratings: the one definition of promoter, passive, detractor, unhappy, NPS and response rate
export {
  NPS_BANDS,
  RATING_GROUPS,
  RATING_MAX,
  RATING_MIN,
  type Nps,
  type NpsBand,
  type RatingGroup,
  type RatingRange,
  type Ratio,
  groupRange,
  inGroup,
  isDetractor,
  isPromoter,
  isUnhappy,
  npsBand,
  npsOf,
  ratingSql,
  ratio,
  responseRate,
} from "./ratings/rating-bands.ts";
export { type WeekLabel, type WeekSpan, weekLabels } from "./ratings/week-labels.ts";

// contacts
export {
  PHONE_REJECTION_ES,
  type NormalizedPhone,
  type PhoneRejection,
  type PhoneType,
  normalizePhone,
} from "./contacts/phone.ts";
export { formatPhone } from "./contacts/format-phone.ts";
export { type DestinationPolicy, destinationRejection, parseCountryList, phoneCountry, phonePrefix } from "./contacts/destination.ts";

// scheduling
export {
  DEFAULT_QUIET_HOURS,
  DEFAULT_TIME_ZONE,
  type QuietHours,
  isInQuietHours,
  quietHoursSchema,
  shiftOutOfQuietHours,
} from "./scheduling/quiet-hours.ts";
export { localDateTimeToInstant, instantToLocalDateTime } from "./scheduling/local-time.ts";
export {
  DEFAULT_HOURS_AFTER_APPOINTMENT,
  DEFAULT_MAX_APPOINTMENT_AGE_DAYS,
  type InitialSendTime,
  type InitialSendTimeInput,
  initialSendTime,
} from "./scheduling/initial-send-time.ts";
export { DEFAULT_CONTACT_COOLDOWN_DAYS, withinCooldown } from "./scheduling/within-cooldown.ts";

// billing
export {
  FREE_MAX_USERS,
  PLANS,
  PLAN_LIMITS,
  type HoldInput,
  type Plan,
  canAddUser,
  creditsForPlanChange,
  creditsPerPeriod,
  creditsToHoldForPatient,
  isPlan,
} from "./billing/plans.ts";

// replies
export {
  COURTESY_PHRASES,
  GREETING_PHRASES,
  LEADING_ARTICLES,
  NEGATION_WORDS,
  OPT_IN_KEYWORDS,
  OPT_OUT_KEYWORDS,
  OPT_OUT_PHRASES,
  OUT_OF_RANGE_NUMBER_WORDS,
  QUALITY_BANDS,
  RATING_NUMBER_WORDS,
  RATING_QUALITY_WORDS,
  RATING_UNIT_WORDS,
  VOCATIVE_WORDS,
} from "./replies/keywords.ts";
export { STAR, normalizeReply } from "./replies/normalize-reply.ts";
export { stripCourtesy } from "./replies/strip-courtesy.ts";
export {
  OPT_IN_PAYLOAD,
  OPT_OUT_PAYLOAD,
  RATING_PAYLOAD_PREFIX,
  parseButtonPayload,
  ratingPayload,
} from "./replies/button-payload.ts";
export { type ParseReplyOptions, type ParsedReply, type ReplyRating, parseReply } from "./replies/parse-reply.ts";

// conversations
export {
  WHATSAPP_WINDOW_MS,
  WINDOW_MARGIN_MS,
  type ReplyBlock,
  type ReplyOptions,
  type ReplyState,
  fillCannedReply,
  isLiveConversation,
  replyOptions,
} from "./conversations/reply-options.ts";
