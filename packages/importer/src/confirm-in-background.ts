// A large upload confirmed in the background (SPEC §5.1: a 50,000-row file imports without timing
// out). Web and worker share no filesystem: the parsed rows already wait in campaign_drafts, so the
// web only records the request (who, from where, what they attested) with a `campaign.confirm` outbox
// row in one transaction, and the worker runs the same confirmCampaignDraft the request would have —
// one transaction, under the draft campaign's lock — writing how far it got on its own connection, so
// the draft's page can follow it. A failure the user can act on (credits, senders, an expired draft)
// is recorded on the draft with its reason, never retried; anything else is retried by the stream.
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { lockCampaign } from "@rm/campaigns";
import { coded, type Coded } from "@rm/catalogue";
import { enqueueOutbox, OutboxStream, scopedQuery } from "@rm/db";
import type { PlatformSending } from "@rm/domain";
import { campaignConfirmEvent } from "@rm/events";
import { type EntryHandler, runOutboxWork } from "@rm/messaging";
import type { DraftViewRow } from "./campaign-views.ts";
import { confirmCampaignDraft } from "./campaign-draft.ts";
import { inTransaction, toEm, type ImportProgress } from "./create-campaign.ts";
import { CampaignInputError, InsufficientCreditsError, SendBlockedError } from "./errors.ts";
import type { SendBlocker } from "./send-blockers.ts";

/** Default of CONFIRM_IN_BACKGROUND_ROWS: drafts with at least this many accepted rows confirm in the background. */
export const DEFAULT_BACKGROUND_CONFIRM_ROWS = 5_000;

/**
 * queued → preparing (contacts, consent and the credit holds: a third of a 50,000-row import) →
 * patients → messages; failed with a reason. A success leaves the draft.
 */
export type BackgroundConfirmStage = "queued" | "preparing" | "patients" | "messages" | "failed";

/** Why a background confirm failed: what the page needs to say it in either language. */
export interface BackgroundConfirmFailure {
  code: string;
  /** The importer's Spanish message. */
  message: string;
  /** The same as a catalogue code with its parameters (failures recorded before codes have none). */
  text?: Coded;
  credits?: { needed: number; available: number };
  blockers?: SendBlocker[];
}

export interface BackgroundConfirmState {
  stage: BackgroundConfirmStage;
  /** Patients (stage "patients") or messages (stage "messages") written so far. */
  done: number;
  requestedAt: Date | null;
  failure: BackgroundConfirmFailure | null;
}

const STAGES = new Set<string>(["queued", "preparing", "patients", "messages", "failed"]);
const RUNNING = ["queued", "preparing", "patients", "messages"];

export function backgroundConfirmState(r: Pick<DraftViewRow<unknown>, "confirm_stage" | "confirm_done" | "confirm_error" | "confirm_requested_at">): BackgroundConfirmState | null {
  if (!r.confirm_stage || !STAGES.has(r.confirm_stage)) return null;
  return {
    stage: r.confirm_stage as BackgroundConfirmStage,
    done: Number(r.confirm_done ?? 0),
    requestedAt: r.confirm_requested_at ? new Date(r.confirm_requested_at) : null,
    failure: r.confirm_stage === "failed" ? ((r.confirm_error as BackgroundConfirmFailure | null) ?? { code: "UNKNOWN", message: "" }) : null,
  };
}

export interface RequestDraftConfirmInput {
  workspaceId: string;
  campaignId: string;
  confirmedById: string;
  ip?: string | null;
  consentAttestation?: string | null;
  now?: Date;
}

/**
 * Queues a draft's confirmation for the worker. Checks now what a user can fix at once (an expired
 * draft, a missing attestation); credits and senders are checked by the confirm itself, under its
 * locks. A second request while one is queued or running changes nothing. `alreadyConfirmed`: the
 * draft is a campaign already.
 */
export async function requestDraftConfirm(target: MikroORM | EntityManager, input: RequestDraftConfirmInput): Promise<{ queued: boolean; alreadyConfirmed: boolean }> {
  const now = input.now ?? new Date();
  return inTransaction(toEm(target), async (em) => {
    const campaign = await lockCampaign(em, input.workspaceId, input.campaignId);
    if (!campaign) throw new CampaignInputError("DRAFT_NOT_FOUND", coded("imports.error.draftNotFound"));
    if (campaign.status !== "DRAFT") return { queued: false, alreadyConfirmed: true };
    const [draft] = await scopedQuery<{ expires_at: Date; consent_column: boolean; confirm_stage: string | null }>(
      em,
      input.workspaceId,
      "select expires_at, consent_column, confirm_stage from campaign_drafts where workspace_id = ? and campaign_id = ?",
      [input.campaignId],
    );
    if (!draft) throw new CampaignInputError("DRAFT_NOT_FOUND", coded("imports.error.draftNotFound"));
    if (new Date(draft.expires_at).getTime() <= now.getTime()) throw new CampaignInputError("DRAFT_EXPIRED", coded("imports.error.draftExpired"));
    const attestation = input.consentAttestation?.trim() || null;
    if (!draft.consent_column && !attestation) {
      throw new CampaignInputError("CONSENT_ATTESTATION_REQUIRED", coded("imports.error.attestation"), "consentAttested");
    }
    if (draft.confirm_stage && RUNNING.includes(draft.confirm_stage)) return { queued: true, alreadyConfirmed: false };
    await em.execute(
      `update campaign_drafts set confirm_requested_at = ?, confirm_requested_by = ?, confirm_ip = ?, confirm_attestation = ?, confirm_stage = 'queued', confirm_done = 0, confirm_error = null
        where workspace_id = ? and campaign_id = ?`,
      [now, input.confirmedById, input.ip ?? null, attestation, input.workspaceId, input.campaignId],
      "run",
    );
    await enqueueOutbox(em, {
      workspaceId: input.workspaceId,
      stream: OutboxStream.DISPATCH,
      type: campaignConfirmEvent.type,
      payload: { campaignId: input.campaignId },
      idempotencyKey: campaignConfirmEvent.key(input.campaignId, now),
      availableAt: now,
    });
    return { queued: true, alreadyConfirmed: false };
  });
}

function failureOf(error: unknown): BackgroundConfirmFailure | null {
  if (error instanceof InsufficientCreditsError) return { code: "INSUFFICIENT_CREDITS", message: error.message, text: error.text, credits: { needed: error.needed, available: error.available } };
  if (error instanceof SendBlockedError) return { code: error.code, message: error.message, text: error.text, blockers: error.blockers };
  if (error instanceof CampaignInputError) return { code: error.code, message: error.message, text: error.text };
  return null;
}

export interface ConfirmHandlerOptions {
  publicUrl: string;
  /** The platform's senders and templates: a confirm that could not be delivered is refused, as on the web. */
  platform?: PlatformSending;
}

/** The worker's handler of `campaign.confirm`. */
export function createConfirmDraftHandler(options: ConfirmHandlerOptions): EntryHandler {
  return async (deps, entry) => {
    let payload: unknown = null;
    try {
      payload = JSON.parse(entry.payload);
    } catch {
      /* handled below */
    }
    const parsed = campaignConfirmEvent.payload.safeParse(payload);
    const now = deps.clock.now();
    if (!parsed.success || !entry.workspaceId) {
      deps.logger.warn({ outboxId: entry.outboxId }, "unreadable campaign.confirm payload");
      await runOutboxWork(deps.orm.em, entry.outboxId, now, async () => {});
      return;
    }
    const workspaceId = entry.workspaceId;
    const { campaignId } = parsed.data;
    // Progress on a connection of its own, committed at once, so the page sees it while the import's
    // transaction is still open.
    const progressEm = deps.orm.em.fork();
    const onProgress = async (p: ImportProgress) => {
      await progressEm.execute("update campaign_drafts set confirm_stage = ?, confirm_done = ? where workspace_id = ? and campaign_id = ? and confirmed_at is null", [p.stage, p.done, workspaceId, campaignId], "run");
    };
    try {
      await runOutboxWork(deps.orm.em, entry.outboxId, now, async (tem) => {
        const [req] = await scopedQuery<{ confirm_requested_by: string | null; confirm_ip: string | null; confirm_attestation: string | null; confirm_stage: string | null }>(
          tem,
          workspaceId,
          "select confirm_requested_by, confirm_ip, confirm_attestation, confirm_stage from campaign_drafts where workspace_id = ? and campaign_id = ?",
          [campaignId],
        );
        // Discarded, or confirmed meanwhile: nothing to do.
        if (!req?.confirm_requested_by || !req.confirm_stage || !RUNNING.includes(req.confirm_stage)) return;
        await progressEm.execute("update campaign_drafts set confirm_stage = 'preparing', confirm_done = 0 where workspace_id = ? and campaign_id = ? and confirmed_at is null", [workspaceId, campaignId], "run");
        await confirmCampaignDraft(tem, {
          workspaceId,
          campaignId,
          confirmedById: req.confirm_requested_by,
          publicUrl: options.publicUrl,
          ip: req.confirm_ip,
          now,
          consentAttestation: req.confirm_attestation,
          ...(options.platform ? { platform: options.platform } : {}),
          onProgress,
        });
      });
    } catch (error) {
      const failure = failureOf(error);
      if (!failure) throw error;
      // Nothing was imported (the transaction rolled back): the draft says why, and the row is done.
      await runOutboxWork(deps.orm.em, entry.outboxId, now, async (tem) => {
        await tem.execute("update campaign_drafts set confirm_stage = 'failed', confirm_error = ?::jsonb where workspace_id = ? and campaign_id = ? and confirmed_at is null", [JSON.stringify(failure), workspaceId, campaignId], "run");
      });
    }
  };
}
