import { coded, formatCoded, type Coded } from "@rm/catalogue";
import { InsufficientCreditsError as LedgerInsufficientCreditsError } from "@rm/credits";
import type { SendBlocker } from "./send-blockers.ts";

/**
 * The campaign needs more credits than the workspace has: nothing was created. `needed` counts every
 * eligible patient's initial message and one follow-up (SPEC §6).
 */
export class InsufficientCreditsError extends LedgerInsufficientCreditsError {
  readonly needed: number;
  /** The refusal as a catalogue code with its numbers; `message` is its Spanish text. */
  readonly text: Coded;
  constructor(workspaceId: string, needed: number, available: number) {
    super(workspaceId, needed, available);
    this.name = "InsufficientCreditsError";
    this.needed = needed;
    this.text = coded("imports.error.credits", { needed, available, missing: needed - available });
    this.message = formatCoded("es", this.text);
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

/**
 * Input a user can get wrong (an id of another workspace, a bad phone): `text` is the catalogue code
 * with its parameters, for the page's language (decision 029); `message` is its Spanish text.
 */
export class CampaignInputError extends Error {
  readonly code: CampaignInputErrorCode;
  readonly field: string | null;
  readonly text: Coded;
  constructor(code: CampaignInputErrorCode, text: Coded, field: string | null = null) {
    super(formatCoded("es", text));
    this.name = "CampaignInputError";
    this.code = code;
    this.field = field;
    this.text = text;
  }
}

/**
 * The patients could not be messaged (a channel without a sender, a WhatsApp type without an approved
 * template): nothing was created. `blockers` are the ones the preview lists, with the same words.
 */
export class SendBlockedError extends CampaignInputError {
  readonly blockers: SendBlocker[];
  constructor(blockers: SendBlocker[]) {
    super("SEND_BLOCKED", blockers[0]?.text ?? coded("imports.error.noRows"));
    // Every blocker in the log line; the page lists them one by one.
    this.message = blockers.map((b) => b.es).join(" ");
    this.name = "SendBlockedError";
    this.blockers = blockers;
  }
}
