// A patient's path through the flow (SPEC §5.10): scheduled → sent → delivered → read → rated (n) →
// follow-up → clicked review / feedback / opted out — or skipped with its reason, failed with the
// provider's explanation in Spanish, cancelled. Pure: built from the facts one query returns.
import { type DeliveryStep, type RetryStreak, isUnhappy } from "@rm/domain";

export type TimelineStepKey =
  | "skipped"
  | "scheduled"
  | DeliveryStep
  | "cancelled"
  | "reminder"
  | "rated"
  | "followUp"
  | "clicked"
  | "feedback"
  | "optedOut"
  | "erased";

export interface TimelineStep {
  key: TimelineStepKey;
  /** When it happened (null when the time is unknown, e.g. a skip decided at import). */
  at: Date | null;
  /** Rating (1–5) for "rated"; "happy"/"unhappy" for "followUp"; skip reason; error text; opt-out source. */
  detail: string | null;
  /** For display: what went well, what did not, and the rest. */
  tone: "good" | "bad" | "neutral";
  /** On "retrying", "retried" and a "failed" that gave up: the provider-unavailable streak, for words in either language. */
  retry?: RetryStreak;
  /** "smsFallback": the WhatsApp attempt's error code, and whether the SMS has been sent. */
  fallback?: { code: number | null; sent: boolean };
  /** "failed": the provider's error code (the page gives advice in words and keeps the code in a detail). */
  errorCode?: number | null;
}

export interface PatientFacts {
  status: string;
  skipReason: string | null;
  createdAt: Date;
  /** When the INITIAL is (or was) due: its outbox row's available_at. */
  scheduledAt: Date | null;
  initialStatus: string | null;
  /** The send attempt (our side) and the provider's "sent" callback. */
  sendAttemptedAt: Date | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
  failedAt: Date | null;
  errorCode: number | null;
  errorText: string | null;
  /** Provider-unavailable retries of the INITIAL (messages.retry_*). */
  retrySince?: Date | null;
  retryFailures?: number;
  retryReason?: string | null;
  nextRetryAt?: Date | null;
  initialUpdatedAt: Date | null;
  /** SMS fallback of the INITIAL (messages.fallback_*): when WhatsApp failed and why. */
  fallbackAt?: Date | null;
  fallbackErrorCode?: number | null;
  reminderAt: Date | null;
  rating: number | null;
  ratedAt: Date | null;
  followUpType: string | null;
  followUpAt: Date | null;
  clickedAt: Date | null;
  feedbackAt: Date | null;
  optedOutAt: Date | null;
  optedOutSource: string | null;
  erasedAt: Date | null;
}

const ACCEPTED = new Set(["ACCEPTED", "SCHEDULED", "QUEUED", "SENT", "DELIVERED", "READ", "UNDELIVERED"]);

export function buildTimeline(f: PatientFacts): TimelineStep[] {
  const steps: TimelineStep[] = [];
  const push = (key: TimelineStepKey, at: Date | null, detail: string | null = null, tone: TimelineStep["tone"] = "neutral") => steps.push({ key, at, detail, tone });

  if (f.status === "SKIPPED") {
    push("skipped", f.createdAt, f.skipReason, "neutral");
  } else {
    if (f.scheduledAt || f.initialStatus) push("scheduled", f.scheduledAt, null);
    const accepted = f.initialStatus !== null && (ACCEPTED.has(f.initialStatus) || (f.initialStatus === "FAILED" && f.sentAt !== null));
    const failures = f.retryFailures ?? 0;
    const streak = failures > 0 && f.retrySince ? { reason: f.retryReason ?? null, failures, nextAt: f.nextRetryAt ?? null, since: f.retrySince } : null;
    // Gave up after the window: failed with no provider code while the streak was on.
    const gaveUp = streak !== null && f.initialStatus === "FAILED" && !accepted && f.errorCode === null;
    if (streak && (f.initialStatus === "PENDING" || f.initialStatus === "SENDING") && streak.nextAt) {
      // What is happening now: the provider is unavailable and the next try is at nextAt.
      steps.push({ key: "retrying", at: streak.since, detail: null, tone: "neutral", retry: { ...streak, gaveUp: false } });
    } else if (streak && !gaveUp) {
      steps.push({ key: "retried", at: streak.since, detail: null, tone: "neutral", retry: { ...streak, gaveUp: false } });
    }
    // One message, both attempts: the WhatsApp failure, then the SMS that replaced it.
    if (f.fallbackAt) steps.push({ key: "smsFallback", at: f.fallbackAt, detail: null, tone: "neutral", fallback: { code: f.fallbackErrorCode ?? null, sent: accepted } });
    if (accepted) push("sent", f.sentAt ?? f.sendAttemptedAt, null, "good");
    if (f.deliveredAt || f.initialStatus === "DELIVERED" || f.initialStatus === "READ") push("delivered", f.deliveredAt, null, "good");
    if (f.readAt || f.initialStatus === "READ") push("read", f.readAt, null, "good");
    if (f.initialStatus === "FAILED" || f.initialStatus === "UNDELIVERED") {
      const text = f.errorText ?? null;
      if (gaveUp && streak) steps.push({ key: "failed", at: f.failedAt ?? f.initialUpdatedAt, detail: text, tone: "bad", retry: { ...streak, gaveUp: true } });
      else steps.push({ key: "failed", at: f.failedAt ?? f.initialUpdatedAt, detail: text, tone: "bad", errorCode: f.errorCode });
    }
    if (f.initialStatus === "CANCELED" || (f.status === "CANCELLED" && f.initialStatus !== null && !accepted)) {
      push("cancelled", f.initialUpdatedAt, f.errorText, "neutral");
    }
  }
  if (f.reminderAt) push("reminder", f.reminderAt);
  if (f.rating !== null) push("rated", f.ratedAt, String(f.rating), isUnhappy(f.rating) ? "bad" : "good");
  if (f.followUpType) push("followUp", f.followUpAt, f.followUpType === "FOLLOWUP_HAPPY" ? "happy" : "unhappy");
  if (f.clickedAt) push("clicked", f.clickedAt, null, "good");
  if (f.feedbackAt) push("feedback", f.feedbackAt, null, "neutral");
  if (f.optedOutAt) push("optedOut", f.optedOutAt, f.optedOutSource, "bad");
  if (f.erasedAt) push("erased", f.erasedAt);
  return steps;
}
