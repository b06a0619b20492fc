import { InsufficientCreditsError as LedgerInsufficientCreditsError } from "@rm/credits";
import type { SendBlocker } from "./send-blockers.ts";

/**
 * The campaign needs more credits than the workspace has: nothing was created. `needed` counts every
 * eligible patient's initial message and one follow-up (SPEC §6).
 */
export class InsufficientCreditsError extends LedgerInsufficientCreditsError {
  readonly needed: number;
  constructor(workspaceId: string, needed: number, available: number) {
    super(workspaceId, needed, available);
    this.name = "InsufficientCreditsError";
    this.needed = needed;
    this.message = `Créditos insuficientes: se necesitan ${needed}, hay ${available} disponibles (faltan ${needed - available}).`;
  }
}

export type CampaignInputErrorCode =
  | "PRACTICE_NOT_FOUND"
  | "DOCTOR_NOT_FOUND"
  | "CREATOR_NOT_FOUND"
  | "WORKSPACE_NOT_FOUND"
  | "INVALID_NAME"
  | "INVALID_PHONE"
  | "DESTINATION_NOT_ALLOWED"
  | "INVALID_APPOINTMENT"
  | "NO_ROWS"
  | "TOO_MANY_ROWS"
  | "CONSENT_REQUIRED"
  | "CONSENT_ATTESTATION_REQUIRED"
  | "INVALID_HOURS"
  | "DRAFT_NOT_FOUND"
  | "DRAFT_EXPIRED"
  | "SEND_BLOCKED";

/** Input a user can get wrong (an id of another workspace, a bad phone): `message` is Spanish. */
export class CampaignInputError extends Error {
  readonly code: CampaignInputErrorCode;
  readonly field: string | null;
  constructor(code: CampaignInputErrorCode, message: string, field: string | null = null) {
    super(message);
    this.name = "CampaignInputError";
    this.code = code;
    this.field = field;
  }
}

/**
 * The patients could not be messaged (a channel without a sender, a WhatsApp type without an approved
 * template): nothing was created. `blockers` are the ones the preview lists, with the same words.
 */
export class SendBlockedError extends CampaignInputError {
  readonly blockers: SendBlocker[];
  constructor(blockers: SendBlocker[]) {
    super("SEND_BLOCKED", blockers.map((b) => b.es).join(" "));
    this.name = "SendBlockedError";
    this.blockers = blockers;
  }
}
