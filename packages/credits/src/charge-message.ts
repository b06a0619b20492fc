// What sending a message costs (SPEC §6): the segments the provider billed, taken from the message's
// hold `message:<id>`. A rating request's hold also reserves its follow-up: only the request's own
// segments leave it (follow-up-shares.ts).
import type { EntityManager } from "@mikro-orm/postgresql";
import { messageReference } from "./follow-up-shares.ts";
import { deductCredits, InsufficientCreditsError } from "./ledger.ts";

export interface ChargeMessageInput {
  workspaceId: string;
  messageId: string;
  /** Segments the provider billed. */
  billed: number;
  /** Credits the message's hold reserves (0: no hold, the charge spends free credits). */
  held: number;
  /** A rating request: keep the rest of the hold for its follow-up. */
  keepFollowUpShare: boolean;
  reason: string;
}

/**
 * Deducts what the provider billed, settling the message's hold; never lets the balance go negative.
 * When the provider billed more than was held and the balance cannot cover the difference, only the
 * hold is spent: "hold-only" (the caller logs it). Idempotent per message.
 */
export async function chargeMessage(em: EntityManager, input: ChargeMessageInput): Promise<"billed" | "hold-only"> {
  const base = {
    workspaceId: input.workspaceId,
    reference: messageReference(input.messageId),
    reason: input.reason,
    ...(input.held > 0 ? { holdReference: messageReference(input.messageId), keepRemainder: input.keepFollowUpShare } : {}),
  };
  try {
    await deductCredits(em, { ...base, amount: input.billed });
    return "billed";
  } catch (err) {
    if (!(err instanceof InsufficientCreditsError) || input.billed <= input.held) throw err;
    await deductCredits(em, { ...base, amount: input.held });
    return "hold-only";
  }
}
