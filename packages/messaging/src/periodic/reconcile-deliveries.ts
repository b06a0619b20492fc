// Delivery reconciliation (SPEC §5.5): callbacks arrive late or not at all, so messages that have been
// in flight for a while are fetched from the provider and their status applied through the same
// applyDeliveryStatus as callbacks.
//
// Each provider fetch happens outside any transaction; each message is then updated in its own short
// transaction, so a slow provider never holds message locks that status callbacks wait on.
import { LockMode } from "@mikro-orm/core";
import type { MikroORM } from "@mikro-orm/postgresql";
import { Message, workspaceEm } from "@rm/db";
import { isTwilioRestException, twilioErrorCode, type TwilioClient } from "@rm/twilio";
import { applyDeliveryStatus, recordDeliveryStatus } from "../handlers/apply-delivery-status.ts";
import type { LogSink } from "@rm/telemetry";
import type { PeriodicOptions } from "./periodic-options.ts";

export interface ReconcileDeps {
  orm: MikroORM;
  logger: LogSink;
  twilio?: TwilioClient;
}

export interface ReconcileSummary {
  checked: number;
  changed: number;
  /** Fetches that failed (network, provider errors); those messages are tried again next run. */
  errors: number;
}

interface Candidate {
  id: string;
  workspace_id: string;
  provider_sid: string;
}

/** Handed to the provider, no outcome yet (DELIVERED/READ and the failures are final enough). */
const OPEN_STATUSES = ["ACCEPTED", "SCHEDULED", "QUEUED", "SENT"];

export async function reconcileDeliveries(deps: ReconcileDeps, now: Date, options: PeriodicOptions): Promise<ReconcileSummary> {
  const summary: ReconcileSummary = { checked: 0, changed: 0, errors: 0 };
  const twilio = deps.twilio;
  if (!twilio) {
    deps.logger.warn({}, "delivery reconciliation skipped: no Twilio client configured");
    return summary;
  }
  const candidates = await findCandidates(deps.orm, now, options);
  let next = 0;
  const worker = async () => {
    while (next < candidates.length) {
      const candidate = candidates[next++]!;
      try {
        const changed = await reconcileOne(deps, twilio, candidate, now);
        summary.checked++;
        if (changed) summary.changed++;
      } catch (err) {
        summary.errors++;
        deps.logger.warn({ messageId: candidate.id, providerSid: candidate.provider_sid, err: errorText(err) }, "could not reconcile a message; next run tries again");
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.reconcileConcurrency) }, worker));
  return summary;
}

/**
 * Deliberate cross-tenant scan (the job serves every workspace). Least recently touched first, then
 * oldest: a message checked without change is touched (updated_at), so messages whose carrier never
 * sends a receipt (common in Ecuador) rotate instead of starving everything behind them.
 */
async function findCandidates(orm: MikroORM, now: Date, options: PeriodicOptions): Promise<Candidate[]> {
  return orm.em.fork().execute<Candidate[]>(
    `select id, workspace_id, provider_sid from messages
      where status in (${OPEN_STATUSES.map(() => "?").join(", ")})
        and provider_sid is not null
        and send_attempted_at < ? and send_attempted_at > ?
      order by updated_at asc, send_attempted_at asc
      limit ?`,
    [...OPEN_STATUSES, new Date(now.getTime() - options.reconcileMinAgeMs), new Date(now.getTime() - options.reconcileMaxAgeMs), options.reconcileBatchSize],
  );
}

async function reconcileOne(deps: ReconcileDeps, twilio: TwilioClient, candidate: Candidate, now: Date): Promise<boolean> {
  let remote: { status: string; errorCode: number | null };
  try {
    const fetched = await twilio.messages(candidate.provider_sid).fetch();
    remote = { status: fetched.status, errorCode: fetched.errorCode ?? null };
  } catch (err) {
    if (isTwilioRestException(err) && twilioErrorCode(err) === 20404) {
      deps.logger.warn({ messageId: candidate.id, providerSid: candidate.provider_sid }, "provider does not know this message; left as it is");
      await touch(deps.orm, candidate);
      return false;
    }
    throw err;
  }

  const result = await deps.orm.em.fork().transactional(async (tem) => {
    const wem = workspaceEm(tem, candidate.workspace_id);
    const message = await wem.findOne(Message, { id: candidate.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!message || message.providerSid !== candidate.provider_sid) return null;
    const applied = await applyDeliveryStatus(wem, message, remote.status, { errorCode: remote.errorCode, now, logger: deps.logger });
    if (!applied.changed) {
      message.updatedAt = new Date(); // checked: rotate to the back of the queue
      await wem.flush();
    }
    return applied;
  });
  if (result) recordDeliveryStatus(result);
  return result?.changed ?? false;
}

async function touch(orm: MikroORM, candidate: Candidate): Promise<void> {
  await orm.em.fork().transactional(async (tem) => {
    const wem = workspaceEm(tem, candidate.workspace_id);
    const message = await wem.findOne(Message, { id: candidate.id });
    if (message) {
      message.updatedAt = new Date();
      await wem.flush();
    }
  });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
