export { SenderRateLimiter, senderKind, DEFAULT_SENDER_RATES, type SenderKind, type RateLimitDecision } from "./rate-limit.ts";
