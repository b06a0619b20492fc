// A rating request holds its follow-up's credits too (SPEC §6: "the initial message and one
// follow-up"). When the request is charged, only its own segments leave the hold; the rest stays
// reserved on the request's hold `message:<initial id>` until the one follow-up is decided: a
// follow-up message takes it over as its own hold, and when no follow-up message will be sent (a
// one-tap rating, an opted-out or erased contact, the campaign's end or cancel) it is released.
// Callers name the requests by their message ids; which of them are charged and what they still
// hold is the ledger's to say.
import type { EntityManager } from "@mikro-orm/postgresql";
import { pgArray, scopedQuery } from "@rm/db";
import { heldCredits, holdCredits, InsufficientCreditsError, releaseCredits, releaseCreditsBulk } from "./ledger.ts";

/** The hold (and the deduction) of a message: `message:<id>`. */
export function messageReference(messageId: string): string {
  return `message:${messageId}`;
}

/** The one release of a request's follow-up share, whoever releases it (a rating, a cancel, the campaign's end). */
function shareReleaseReference(requestMessageId: string): string {
  return `release:followup:${requestMessageId}`;
}

/** The requests among `requestMessageIds` that are charged (their deduction is written), in no particular order. */
async function chargedRequests(em: EntityManager, workspaceId: string, requestMessageIds: readonly string[]): Promise<string[]> {
  if (requestMessageIds.length === 0) return [];
  const rows = await scopedQuery<{ reference: string }>(
    em,
    workspaceId,
    "select reference from credit_ledger_entries where workspace_id = ? and kind = 'deduct' and reference = any(?::text[])",
    [pgArray(requestMessageIds.map(messageReference))],
  );
  return rows.map((r) => r.reference.slice("message:".length));
}

/**
 * The charged request among `requestMessageIds` (a patient's rating requests) whose hold still
 * reserves a follow-up share, with that share; null when none. Before a request is charged its hold
 * is still its own, never a share.
 */
export async function followUpShare(em: EntityManager, workspaceId: string, requestMessageIds: readonly string[]): Promise<{ requestMessageId: string; share: number } | null> {
  const [id] = await chargedRequests(em, workspaceId, requestMessageIds);
  if (!id) return null;
  const share = await heldCredits(em, workspaceId, messageReference(id));
  return share > 0 ? { requestMessageId: id, share } : null;
}

/** Gives the follow-up share of the patient's charged request back to the balance; returns the credits released. */
export async function releaseFollowUpShare(em: EntityManager, workspaceId: string, requestMessageIds: readonly string[], reason: string): Promise<number> {
  const request = await followUpShare(em, workspaceId, requestMessageIds);
  if (!request) return 0;
  await releaseCredits(em, { workspaceId, holdReference: messageReference(request.requestMessageId), reference: shareReleaseReference(request.requestMessageId), reason });
  return request.share;
}

/**
 * Moves the share to the follow-up message as its own hold (`message:<follow-up id>`, what the send
 * step settles) and returns the credits now held for it. When the follow-up costs more than the share
 * and the balance cannot cover it, nothing is held (0): the send step fails it with the shortfall.
 */
export async function holdFollowUpCredits(
  em: EntityManager,
  input: { workspaceId: string; requestMessageIds: readonly string[]; followUpMessageId: string; amount: number; reason: string },
): Promise<number> {
  await releaseFollowUpShare(em, input.workspaceId, input.requestMessageIds, "moved to the follow-up");
  try {
    await holdCredits(em, { workspaceId: input.workspaceId, amount: input.amount, reference: messageReference(input.followUpMessageId), reason: input.reason });
  } catch (err) {
    if (err instanceof InsufficientCreditsError) return 0;
    throw err;
  }
  return input.amount;
}

/**
 * Releases the follow-up shares still held by the charged ones of many requests — a cancelled or
 * completed campaign's — in a few statements however many there are (releaseCreditsBulk). Requests
 * not charged yet keep their hold (a send in flight settles it). Idempotent: each share is released
 * once under the same reference a single release uses.
 */
export async function releaseFollowUpShares(em: EntityManager, input: { workspaceId: string; requestMessageIds: readonly string[]; reason: string }): Promise<{ released: number; amount: number }> {
  const charged = await chargedRequests(em, input.workspaceId, input.requestMessageIds);
  return releaseCreditsBulk(em, {
    workspaceId: input.workspaceId,
    releases: charged.map((id) => ({ holdReference: messageReference(id), reference: shareReleaseReference(id) })),
    reason: input.reason,
  });
}
