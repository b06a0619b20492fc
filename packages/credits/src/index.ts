// Public API of @rm/credits: the credit ledger (SPEC §6), the only code that writes or reads
// credit_ledger_entries (its entity stays registered in @rm/db). Grants, holds, settlement (deduct,
// release, refund), period expiry, follow-up shares and the balance.

export {
  grantCredits,
  holdCredits,
  releaseCredits,
  heldCredits,
  deductCredits,
  settleHoldsBulk,
  SETTLED_BEFORE_SQL,
  type SettleItem,
  type SettleBulkResult,
  refundCredits,
  getCreditBalance,
  LedgerError,
  InsufficientCreditsError,
  type LedgerEntryRecord,
  type CreditBalance,
  type GrantInput,
  type HoldInput,
  holdCreditsBulk,
  expireAvailableCredits,
  type ExpireInput,
  type BulkHoldInput,
  type ReleaseInput,
  type DeductInput,
  type RefundInput,
  releaseCreditsBulk,
  type BulkReleaseInput,
} from "./ledger.ts";
export { findLedgerEntry, type LedgerEntrySummary } from "./find-ledger-entry.ts";
export { followUpShare, releaseFollowUpShare, releaseFollowUpShares, holdFollowUpCredits, messageReference, smsFallbackReference } from "./follow-up-shares.ts";
export { grantReferences, grantedWithPrefix } from "./grants.ts";
export { chargeMessage, type ChargeMessageInput } from "./charge-message.ts";
