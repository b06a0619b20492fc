import { describe, expect, it } from "vitest";
import { buildTimeline, type PatientFacts } from "../src/timeline.ts";

const at = (hhmm: string) => new Date(`2026-12-06T${hhmm}:00Z`);
const base: PatientFacts = {
  status: "SCHEDULED",
  skipReason: null,
  createdAt: at("09:00"),
  scheduledAt: at("10:00"),
  initialStatus: "PENDING",
  sendAttemptedAt: null,
  sentAt: null,
  deliveredAt: null,
  readAt: null,
  failedAt: null,
  errorCode: null,
  errorText: null,
  initialUpdatedAt: null,
  reminderAt: null,
  rating: null,
  ratedAt: null,
  followUpType: null,
  followUpAt: null,
  clickedAt: null,
  feedbackAt: null,
  optedOutAt: null,
  optedOutSource: null,
  erasedAt: null,
};
const streak = { retrySince: at("10:00"), retryFailures: 3, retryReason: "refused", nextRetryAt: at("10:42") };

describe("buildTimeline — a provider outage", () => {
  it("while it waits, says what is happening now: why, which retry and when", () => {
    const steps = buildTimeline({ ...base, ...streak, status: "PENDING", sendAttemptedAt: at("10:01") });
    expect(steps.map((s) => s.key)).toEqual(["scheduled", "retrying"]);
    expect(steps[1]!.retry).toEqual({ reason: "refused", failures: 3, nextAt: at("10:42"), since: at("10:00"), gaveUp: false });
  });

  it("once sent, shows the attempts that came before, then the send", () => {
    const steps = buildTimeline({ ...base, ...streak, status: "SENT", initialStatus: "DELIVERED", sentAt: at("10:43"), deliveredAt: at("10:44") });
    expect(steps.map((s) => s.key)).toEqual(["scheduled", "retried", "sent", "delivered"]);
    expect(steps[1]!.retry).toMatchObject({ failures: 3, gaveUp: false });
  });

  it("after the window, one failed step that carries the streak (duration and attempts), no retry step", () => {
    const steps = buildTimeline({
      ...base,
      ...streak,
      retryFailures: 42,
      nextRetryAt: null,
      status: "FAILED",
      initialStatus: "FAILED",
      failedAt: at("16:00"),
      errorText: "No se pudo enviar: Twilio no estuvo disponible durante 6 horas (42 intentos).",
    });
    expect(steps.map((s) => s.key)).toEqual(["scheduled", "failed"]);
    expect(steps[1]).toMatchObject({ at: at("16:00"), tone: "bad", retry: { failures: 42, since: at("10:00"), gaveUp: true } });
  });

  it("a permanent rejection after a few retries keeps its code and shows the retries before it", () => {
    const steps = buildTimeline({ ...base, ...streak, nextRetryAt: null, status: "FAILED", initialStatus: "FAILED", failedAt: at("10:43"), errorCode: 21211, errorText: "Número no válido" });
    expect(steps.map((s) => s.key)).toEqual(["scheduled", "retried", "failed"]);
    expect(steps[2]).toMatchObject({ detail: "Número no válido", errorCode: 21211 });
    expect(steps[2]!.retry).toBeUndefined();
  });

  it("a message never retried has no retry step", () => {
    expect(buildTimeline({ ...base, status: "SENT", initialStatus: "SENT", sentAt: at("10:00") }).map((s) => s.key)).toEqual(["scheduled", "sent"]);
  });
});

describe("buildTimeline — SMS fallback", () => {
  const fallback = { fallbackAt: at("10:02"), fallbackErrorCode: 63003 };

  it("one message with both attempts: WhatsApp failed (63003), then sent and delivered by SMS", () => {
    const steps = buildTimeline({ ...base, ...fallback, status: "SENT", initialStatus: "DELIVERED", sendAttemptedAt: at("10:03"), sentAt: at("10:03"), deliveredAt: at("10:04") });
    expect(steps.map((s) => s.key)).toEqual(["scheduled", "smsFallback", "sent", "delivered"]);
    expect(steps[1]).toMatchObject({ at: at("10:02"), fallback: { code: 63003, sent: true } });
  });

  it("while the SMS waits to go out, the step says so and no failure is shown", () => {
    const steps = buildTimeline({ ...base, ...fallback, status: "SENT", initialStatus: "PENDING" });
    expect(steps.map((s) => s.key)).toEqual(["scheduled", "smsFallback"]);
    expect(steps[1]!.fallback).toEqual({ code: 63003, sent: false });
  });
});
