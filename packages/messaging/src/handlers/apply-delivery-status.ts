// Applies one provider status to a message (SPEC §4, §5.5, §6): monotonic status, timestamps, error
// code and its Spanish explanation, and the credit consequences. Shared by the status-callback handler
// and delivery reconciliation, so both follow exactly the same rules.
//
// The caller has locked the message (FOR UPDATE) in a transaction and passes an EntityManager scoped to
// the message's workspace; this function writes the ledger in that same transaction and flushes.
import type { EntityManager } from "@mikro-orm/postgresql";
import { LedgerKind, type Message } from "@rm/db";
import { deductCredits, findLedgerEntry, InsufficientCreditsError, refundCredits } from "@rm/credits";
import { defineInstruments } from "@rm/telemetry";
import { applyStatus, classifyProviderError, type DeliveryStatus, fromTwilioStatus, isDelivered, shouldRefund } from "@rm/domain";

export interface DeliveryStatusResult {
  /** The status the provider reported, mapped; null when it is not one of ours (e.g. `received`). */
  incoming: DeliveryStatus | null;
  previous: DeliveryStatus;
  status: DeliveryStatus;
  changed: boolean;
  /** A final failure was overturned by proof of delivery (see applyStatus). */
  leftFinal: boolean;
  /** Credits given back by this call (0 when none, or when they were already given back). */
  refunded: number;
  /** Credits charged again by this call after an earlier refund (leftFinal). */
  recharged: number;
  /** Low-cardinality labels for metrics. */
  labels: { channel: string; type: string; status: DeliveryStatus };
}

export interface ApplyDeliveryStatusOptions {
  /** Twilio's ErrorCode (callbacks send it as a string, the REST API as a number). */
  errorCode?: string | number | null;
  now: Date;
  logger?: { warn(obj: object, msg?: string): void };
}

const FAILURES: ReadonlySet<DeliveryStatus> = new Set(["FAILED", "UNDELIVERED"]);

/** Ledger references of one message: the sender deducts `message:<id>`; we refund and re-charge against it. */
export const deductReference = (messageId: string) => `message:${messageId}`;
export const refundReference = (messageId: string) => `refund:message:${messageId}`;
export const rechargeReference = (messageId: string) => `recharge:message:${messageId}`;

export async function applyDeliveryStatus(
  em: EntityManager,
  message: Message,
  twilioStatus: string | null | undefined,
  options: ApplyDeliveryStatusOptions,
): Promise<DeliveryStatusResult> {
  const previous = message.status;
  const incoming = fromTwilioStatus(twilioStatus);
  const result: DeliveryStatusResult = {
    incoming,
    previous,
    status: previous,
    changed: false,
    leftFinal: false,
    refunded: 0,
    recharged: 0,
    labels: { channel: message.channel, type: message.type, status: previous },
  };
  if (!incoming) {
    await em.flush(); // the caller may have recorded the sid
    return result;
  }

  const transition = applyStatus(previous, incoming);
  if (!transition.changed) {
    await em.flush();
    return result;
  }
  const next = transition.next;
  const now = options.now;
  message.status = next;
  // Fill every timestamp the new status implies (a `delivered` may arrive without a `sent` first).
  if (next === "SENT" || isDelivered(next)) message.sentAt ??= now;
  if (isDelivered(next)) message.deliveredAt ??= now;
  if (next === "READ") message.readAt ??= now;

  let refunded = 0;
  let recharged = 0;
  if (FAILURES.has(next) || next === "CANCELED") {
    message.failedAt ??= now;
    const error = classifyProviderError({ code: options.errorCode ?? null });
    if (FAILURES.has(next)) {
      message.errorCode = error.code;
      message.errorText = error.explanationEs;
    }
    // CANCELED (a scheduled message Twilio never sent) is not billed either.
    if (next === "CANCELED" || shouldRefund(error, next as "FAILED" | "UNDELIVERED")) refunded = await refundIfDeducted(em, message);
  }
  if (transition.leftFinal && isDelivered(next)) recharged = await rechargeIfRefunded(em, message, options.logger);

  await em.flush();
  return { ...result, status: next, changed: true, leftFinal: transition.leftFinal, refunded, recharged, labels: { ...result.labels, status: next } };
}

/**
 * The sender deducts when it records the sid; a failure that arrives before that finds no deduction
 * (the sender then sees FAILED and releases its hold instead), so only an existing deduction is refunded.
 */
async function refundIfDeducted(em: EntityManager, message: Message): Promise<number> {
  const workspaceId = message.workspace.id;
  const deduction = await findLedgerEntry(em, workspaceId, LedgerKind.DEDUCT, deductReference(message.id));
  if (!deduction || deduction.amount === 0) return 0;
  const refund = await refundCredits(em, {
    workspaceId,
    deductReference: deduction.reference,
    reference: refundReference(message.id),
    reason: `message ${message.status.toLowerCase()}${message.errorCode ? ` (${message.errorCode})` : ""}`,
  });
  return refund.replayed ? 0 : refund.amount;
}

/** Delivered after all: charge again what we refunded. Never drives the balance negative. */
async function rechargeIfRefunded(em: EntityManager, message: Message, logger?: ApplyDeliveryStatusOptions["logger"]): Promise<number> {
  const workspaceId = message.workspace.id;
  const refund = await findLedgerEntry(em, workspaceId, LedgerKind.REFUND, refundReference(message.id));
  if (!refund || refund.amount <= 0) return 0;
  try {
    const charge = await deductCredits(em, { workspaceId, amount: refund.amount, reference: rechargeReference(message.id), reason: "delivered after a refunded failure" });
    return charge.replayed ? 0 : refund.amount;
  } catch (err) {
    if (!(err instanceof InsufficientCreditsError)) throw err;
    // The patient got the message; we do not block or go negative over it.
    logger?.warn({ messageId: message.id, workspaceId, credits: refund.amount }, "delivered after a refund but the balance cannot cover the re-charge; not charged");
    return 0;
  }
}

// Created lazily: an instrument made at import time (before the SDK starts) would stay a no-op.
const instruments = defineInstruments((meter) => ({
  status: meter.createCounter("rm.messages.status", {
    description: "Delivery status changes applied to messages, by channel, message type and new status",
  }),
}));

/** Call after the transaction committed, so rolled-back changes are never counted. */
export function recordDeliveryStatus(result: DeliveryStatusResult): void {
  if (result.changed) instruments().status.add(1, result.labels);
}
