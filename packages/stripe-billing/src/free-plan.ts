// The FREE plan's credits (SPEC §6): 50 on sign-up, then every month on the sign-up anniversary a
// self-rescheduling outbox row expires what is left and grants the next 50, while the workspace is on
// FREE. A downgrade to FREE starts a new chain; a chain notices it was superseded (a newer chain, or
// the workspace left FREE) and ends without rescheduling.
import type { EntityManager } from "@mikro-orm/postgresql";
import { enqueueOutbox } from "@rm/db";
import { expireAvailableCredits, grantCredits, grantReferences } from "@rm/credits";
import { creditsPerPeriod } from "@rm/domain";
import { BILLING_STREAM, FREE_PERIOD_TYPE } from "./constants.ts";
import { addMonths } from "./period.ts";
import { lockWorkspacePlan } from "@rm/accounts";

const KEY_RE = /^[A-Za-z0-9_-]{1,200}$/;
const FREE_CREDITS = creditsPerPeriod("FREE")!;

export interface StartFreePlanOptions {
  /** Start of the first FREE period (the injectable clock's now). */
  now: Date;
  /**
   * Names this FREE chain; one grant per key, so a retried call is a no-op. "signup" (default) for a
   * new workspace, e.g. "ended-sub_123" after a cancelled subscription. Letters, digits, "_" and "-".
   */
  key?: string;
  /** Expire whatever is still available first (a downgrade ends the paid period). */
  expireRemaining?: boolean;
}

export interface StartFreePlanResult {
  granted: number;
  /** False when this key had already started (idempotent replay). */
  started: boolean;
  nextPeriodAt: Date;
}

export interface FreePeriodPayload {
  /** The chain's key (see StartFreePlanOptions.key). */
  chain: string;
  /** When the chain started; periods fall on its monthly anniversaries. */
  anchor: string;
  /** Index of the period this row opens (1 = the first anniversary). */
  period: number;
}

/** Ledger reference of the grant that starts a chain. */
export function freeChainReference(key: string): string {
  return `free:${key}`;
}

function periodReference(chain: string, period: number): string {
  return `free:${chain}:${period}`;
}

function periodOutbox(workspaceId: string, payload: FreePeriodPayload) {
  return {
    workspaceId,
    stream: BILLING_STREAM,
    type: FREE_PERIOD_TYPE,
    payload: { ...payload },
    idempotencyKey: `${FREE_PERIOD_TYPE}:${workspaceId}:${payload.chain}:${payload.period}`,
    availableAt: addMonths(new Date(payload.anchor), payload.period),
  };
}

async function inTransaction<T>(em: EntityManager, fn: (tem: EntityManager) => Promise<T>): Promise<T> {
  return em.isInTransaction() ? fn(em) : em.transactional((tem) => fn(tem as EntityManager));
}

/**
 * Puts a workspace on the FREE plan's credits: grants FREE's 50 through the ledger and enqueues the
 * monthly self-rescheduling grant, in em's transaction (or its own). Call it in the sign-up
 * transaction that creates the workspace (its `plan` defaults to FREE). Idempotent per `key`.
 */
export async function startFreePlan(em: EntityManager, workspaceId: string, options: StartFreePlanOptions): Promise<StartFreePlanResult> {
  const key = options.key ?? "signup";
  if (!KEY_RE.test(key)) throw new Error(`startFreePlan: key must match ${KEY_RE}`);
  const now = options.now;
  return inTransaction(em, async (tem) => {
    if (options.expireRemaining) {
      await expireAvailableCredits(tem, { workspaceId, reference: `expire:free:${key}`, reason: "period ended: unused credits expire" });
    }
    const grant = await grantCredits(tem, { workspaceId, amount: FREE_CREDITS, reference: freeChainReference(key), reason: "FREE plan: credits of the month" });
    const anchor = grant.replayed ? grant.createdAt : now;
    const next = periodOutbox(workspaceId, { chain: key, anchor: anchor.toISOString(), period: 1 });
    await enqueueOutbox(tem, next);
    return { granted: grant.replayed ? 0 : FREE_CREDITS, started: !grant.replayed, nextPeriodAt: next.availableAt };
  });
}

/** The newest chain start of the workspace (its key), or null when it never was on FREE. */
export async function currentFreeChain(em: EntityManager, workspaceId: string): Promise<string | null> {
  const [reference] = await grantReferences(em, workspaceId, "^free:[A-Za-z0-9_-]+$", 1);
  return reference ? reference.slice("free:".length) : null;
}

export type FreePeriodOutcome = "granted" | "not-free" | "superseded" | "already-granted";

/**
 * Opens one FREE period (the worker's handler for FREE_PERIOD_TYPE rows), in the caller's transaction
 * that also completes the outbox row: expire the rest, grant 50, enqueue the next period.
 */
export async function applyFreePeriod(em: EntityManager, workspaceId: string, payload: FreePeriodPayload): Promise<FreePeriodOutcome> {
  // The plan is read under the workspace row lock that plan changes also take.
  if ((await lockWorkspacePlan(em, workspaceId)) !== "FREE") return "not-free";
  if ((await currentFreeChain(em, workspaceId)) !== payload.chain) return "superseded";
  const reference = periodReference(payload.chain, payload.period);
  await expireAvailableCredits(em, { workspaceId, reference: `expire:${reference}`, reason: "period ended: unused credits expire" });
  const grant = await grantCredits(em, { workspaceId, amount: FREE_CREDITS, reference, reason: "FREE plan: credits of the month" });
  await enqueueOutbox(em, periodOutbox(workspaceId, { ...payload, period: payload.period + 1 }));
  return grant.replayed ? "already-granted" : "granted";
}
