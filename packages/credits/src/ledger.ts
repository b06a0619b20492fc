// Credit ledger (SPEC §6). Every credit change is an entry; the available balance is SUM(amount).
// Each entry is unique per (workspace, kind, reference), so a retried call is a no-op that returns
// the entry already written. All checks run under a per-workspace transaction-scoped advisory lock,
// so two concurrent holds/deductions can never spend the same credits.
import type { EntityManager } from "@mikro-orm/postgresql";
import { workspacePlan } from "@rm/accounts";
import { assertWorkspaceId, LedgerKind, pgArray, Plan, scopedQuery, scopedQueryBound } from "@rm/db";
import { defineInstruments } from "@rm/telemetry/api";

export interface LedgerEntryRecord {
  id: string;
  workspaceId: string;
  kind: LedgerKind;
  /** Signed effect on the available balance. */
  amount: number;
  reference: string;
  relatedEntryId: string | null;
  reason: string | null;
  createdAt: Date;
  /** True when the call found the entry already written (idempotent replay). */
  replayed: boolean;
}

export interface CreditBalance {
  /** What can still be held or spent: SUM of all entries. */
  available: number;
  /** Credits reserved by holds not yet released or settled. */
  held: number;
}

export class LedgerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LedgerError";
  }
}

export class InsufficientCreditsError extends LedgerError {
  readonly workspaceId: string;
  readonly requested: number;
  readonly available: number;
  readonly shortfall: number;
  constructor(workspaceId: string, requested: number, available: number) {
    super(`Insufficient credits: ${requested} needed, ${available} available (${requested - available} missing)`);
    this.name = "InsufficientCreditsError";
    this.workspaceId = workspaceId;
    this.requested = requested;
    this.available = available;
    this.shortfall = requested - available;
  }
}

interface Row {
  id: string;
  workspace_id: string;
  kind: LedgerKind;
  amount: number;
  reference: string;
  related_entry_id: string | null;
  reason: string | null;
  created_at: Date;
}

const COLUMNS = "id, workspace_id, kind, amount, reference, related_entry_id, reason, created_at";

function toRecord(row: Row, replayed: boolean): LedgerEntryRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    kind: row.kind,
    amount: Number(row.amount),
    reference: row.reference,
    relatedEntryId: row.related_entry_id,
    reason: row.reason,
    createdAt: new Date(row.created_at),
    replayed,
  };
}

function assertAmount(amount: number, allowZero = false): void {
  if (!Number.isSafeInteger(amount) || amount < 0 || (!allowZero && amount === 0)) {
    throw new LedgerError(`Credit amounts are positive integers, got ${amount}`);
  }
}

function assertReference(reference: string): void {
  if (typeof reference !== "string" || reference.length === 0 || reference.length > 500) {
    throw new LedgerError("A ledger reference is a non-empty string (≤ 500 chars)");
  }
}

/** Runs `fn` inside em's transaction, or opens one. */
async function inTransaction<T>(em: EntityManager, fn: (tem: EntityManager) => Promise<T>): Promise<T> {
  return em.isInTransaction() ? fn(em) : em.transactional((tem) => fn(tem as EntityManager));
}

/**
 * Serialises ledger work per workspace until the transaction ends, and reads the plan.
 * An advisory lock (not FOR UPDATE on the workspace row) so inserts that only take a key-share lock on
 * the workspace (every FK check) are never blocked by a running credit check.
 */
async function lockWorkspace(em: EntityManager, workspaceId: string): Promise<{ plan: Plan }> {
  await em.execute("select pg_advisory_xact_lock(hashtextextended('credit-ledger:' || ?, 0))", [workspaceId]);
  const plan = await workspacePlan(em, workspaceId);
  if (!plan) throw new LedgerError(`Workspace ${workspaceId} does not exist`);
  return { plan: plan as Plan };
}

/**
 * Serialises work on one hold (release, settle). Enough on its own when the result cannot lower the
 * available balance — releasing, or settling a hold for no more than it still reserves — so the
 * hot path of sending never waits for the workspace-wide lock or sums the ledger.
 */
async function lockEntry(em: EntityManager, workspaceId: string, entryId: string): Promise<void> {
  await scopedQuery(em, workspaceId, "select id from credit_ledger_entries where workspace_id = ? and id = ? for update", [entryId]);
}

async function findEntry(em: EntityManager, workspaceId: string, kind: LedgerKind, reference: string): Promise<Row | undefined> {
  const rows = await scopedQuery<Row>(
    em,
    workspaceId,
    `select ${COLUMNS} from credit_ledger_entries where workspace_id = ? and kind = ? and reference = ?`,
    [kind, reference],
  );
  return rows[0];
}

const instruments = defineInstruments((meter) => ({
  credits: meter.createCounter("rm.credits", {
    description: "Credits written to the ledger by entry kind (grant, hold, release, deduct, refund), as absolute amounts",
  }),
}));

/** Counts credits written; a transaction that later rolls back can overcount by that write. */
function countCredits(kind: string, amount: number): void {
  if (amount !== 0) instruments().credits.add(Math.abs(amount), { kind });
}

async function insertEntry(
  em: EntityManager,
  workspaceId: string,
  entry: { kind: LedgerKind; amount: number; reference: string; relatedEntryId?: string | null; reason?: string | null },
): Promise<Row> {
  const rows = await em.execute<Row[]>(
    `insert into credit_ledger_entries (workspace_id, kind, amount, reference, related_entry_id, reason)
     values (?, ?, ?, ?, ?, ?) returning ${COLUMNS}`,
    [workspaceId, entry.kind, entry.amount, entry.reference, entry.relatedEntryId ?? null, entry.reason ?? null],
  );
  countCredits(entry.kind, entry.amount);
  return rows[0]!;
}

async function sumAvailable(em: EntityManager, workspaceId: string): Promise<number> {
  // pg returns SUM(int) as a bigint string: convert before comparing.
  const [row] = await scopedQuery<{ total: string | null }>(
    em,
    workspaceId,
    "select coalesce(sum(amount), 0)::text as total from credit_ledger_entries where workspace_id = ?",
  );
  return Number(row?.total ?? 0);
}

/** Credits a hold still reserves: its amount minus everything released against it. */
async function outstandingHold(em: EntityManager, workspaceId: string, hold: Row): Promise<number> {
  const [row] = await scopedQuery<{ released: string | null }>(
    em,
    workspaceId,
    "select coalesce(sum(amount), 0)::text as released from credit_ledger_entries where workspace_id = ? and kind = 'release' and related_entry_id = ?",
    [hold.id],
  );
  return -Number(hold.amount) - Number(row?.released ?? 0);
}

async function requireEntry(em: EntityManager, workspaceId: string, kind: LedgerKind, reference: string): Promise<Row> {
  const row = await findEntry(em, workspaceId, kind, reference);
  if (!row) throw new LedgerError(`No ${kind} with reference "${reference}" in workspace ${workspaceId}`);
  return row;
}

export interface GrantInput {
  workspaceId: string;
  amount: number;
  /** e.g. "invoice:in_123", "free-monthly:2026-11", "seed:demo". */
  reference: string;
  reason?: string;
}

/** Adds credits. */
export async function grantCredits(em: EntityManager, input: GrantInput): Promise<LedgerEntryRecord> {
  assertWorkspaceId(input.workspaceId);
  assertAmount(input.amount);
  assertReference(input.reference);
  return inTransaction(em, async (tem) => {
    await lockWorkspace(tem, input.workspaceId);
    const existing = await findEntry(tem, input.workspaceId, LedgerKind.GRANT, input.reference);
    if (existing) return toRecord(existing, true);
    return toRecord(await insertEntry(tem, input.workspaceId, { kind: LedgerKind.GRANT, amount: input.amount, reference: input.reference, reason: input.reason }), false);
  });
}

export interface HoldInput {
  workspaceId: string;
  amount: number;
  /** e.g. "message:<id>" or "campaign:<id>". */
  reference: string;
  reason?: string;
}

/** Reserves credits; throws InsufficientCreditsError (with the shortfall) when they are not there. */
export async function holdCredits(em: EntityManager, input: HoldInput): Promise<LedgerEntryRecord> {
  assertWorkspaceId(input.workspaceId);
  assertAmount(input.amount);
  assertReference(input.reference);
  return inTransaction(em, async (tem) => {
    const { plan } = await lockWorkspace(tem, input.workspaceId);
    const existing = await findEntry(tem, input.workspaceId, LedgerKind.HOLD, input.reference);
    if (existing) return toRecord(existing, true);
    if (plan !== Plan.ENTERPRISE) {
      const available = await sumAvailable(tem, input.workspaceId);
      if (available < input.amount) throw new InsufficientCreditsError(input.workspaceId, input.amount, available);
    }
    return toRecord(await insertEntry(tem, input.workspaceId, { kind: LedgerKind.HOLD, amount: -input.amount, reference: input.reference, reason: input.reason }), false);
  });
}

export interface BulkHoldInput {
  workspaceId: string;
  holds: readonly { reference: string; amount: number }[];
  reason?: string;
}

/**
 * Reserves credits for many references at once — a campaign's patients — with one lock and one
 * statement, its parameters bound (two arrays, whatever the number of holds). All or nothing: when
 * the new holds together exceed the balance, nothing is held and InsufficientCreditsError names the
 * shortfall. References already held are skipped.
 */
export async function holdCreditsBulk(em: EntityManager, input: BulkHoldInput): Promise<{ held: number; amount: number }> {
  assertWorkspaceId(input.workspaceId);
  for (const h of input.holds) {
    assertAmount(h.amount);
    assertReference(h.reference);
  }
  if (input.holds.length === 0) return { held: 0, amount: 0 };
  return inTransaction(em, async (tem) => {
    const { plan } = await lockWorkspace(tem, input.workspaceId);
    const checked = plan !== Plan.ENTERPRISE;
    // Under the lock, in one statement: the holds not written yet (`fresh`), their sum, the balance
    // (a sum over the ledger, read before this statement's own inserts) and — when they fit — the
    // inserts. Nothing is inserted when they do not; the caller gets the figures for the error.
    const [row] = await scopedQueryBound<{ fresh: number; amount: string; available: string; inserted: number }>(
      tem,
      input.workspaceId,
      `with balance as (
         select coalesce(sum(amount), 0)::bigint as available from credit_ledger_entries where workspace_id = ? and ?::bool
       ), fresh as (
         select t.reference, t.amount from unnest(?::text[], ?::int[]) as t(reference, amount)
          where not exists (select 1 from credit_ledger_entries e where e.workspace_id = ? and e.kind = 'hold' and e.reference = t.reference)
       ), need as (
         select count(*)::int as fresh, coalesce(sum(amount), 0)::bigint as amount from fresh
       ), ins as (
         insert into credit_ledger_entries (workspace_id, kind, amount, reference, reason)
         select ?, 'hold', -fresh.amount, fresh.reference, ? from fresh
          where not ?::bool or (select amount from need) <= (select available from balance)
         returning 1
       )
       select need.fresh, need.amount::text as amount, balance.available::text as available, (select count(*) from ins)::int as inserted from need, balance`,
      [checked, pgArray(input.holds.map((h) => h.reference)), pgArray(input.holds.map((h) => h.amount)), input.workspaceId, input.workspaceId, input.reason ?? null, checked],
    );
    const amount = Number(row!.amount);
    if (row!.fresh === 0) return { held: 0, amount: 0 };
    if (row!.inserted !== row!.fresh) throw new InsufficientCreditsError(input.workspaceId, amount, Number(row!.available));
    countCredits(LedgerKind.HOLD, amount);
    return { held: row!.fresh, amount };
  });
}

export interface ReleaseInput {
  workspaceId: string;
  /** Reference of the hold to release from. */
  holdReference: string;
  /** Idempotency key of this release. */
  reference: string;
  /** Default: everything the hold still reserves. Never more than that. */
  amount?: number;
  reason?: string;
}

/** Returns (part of) a hold to the available balance. */
export async function releaseCredits(em: EntityManager, input: ReleaseInput): Promise<LedgerEntryRecord> {
  assertWorkspaceId(input.workspaceId);
  assertReference(input.reference);
  if (input.amount !== undefined) assertAmount(input.amount);
  return inTransaction(em, async (tem) => {
    // Releasing only raises the available balance: the hold's own lock is enough.
    const hold = await requireEntry(tem, input.workspaceId, LedgerKind.HOLD, input.holdReference);
    await lockEntry(tem, input.workspaceId, hold.id);
    const existing = await findEntry(tem, input.workspaceId, LedgerKind.RELEASE, input.reference);
    if (existing) return toRecord(existing, true);
    const outstanding = await outstandingHold(tem, input.workspaceId, hold);
    const amount = input.amount ?? outstanding;
    if (amount > outstanding) {
      throw new LedgerError(`Cannot release ${amount} from hold "${input.holdReference}": only ${outstanding} still held`);
    }
    return toRecord(
      await insertEntry(tem, input.workspaceId, { kind: LedgerKind.RELEASE, amount, reference: input.reference, relatedEntryId: hold.id, reason: input.reason }),
      false,
    );
  });
}

export interface DeductInput {
  workspaceId: string;
  amount: number;
  /** Idempotency key of the deduction, e.g. "message:<id>". */
  reference: string;
  /** Settle this hold: whatever it still reserves is released, then `amount` is spent. */
  holdReference?: string;
  /**
   * Release only what is spent and keep the rest of the hold reserved (default: release it all).
   * A rating request holds its follow-up's credits too; they stay held until the follow-up is created.
   */
  keepRemainder?: boolean;
  reason?: string;
}

/**
 * Spends credits. With a hold, the hold's remainder is released first (so a 1-segment message that held
 * 2 gives 1 back), then `amount` is deducted; without, it spends directly. Fails with
 * InsufficientCreditsError when the result would go negative (ENTERPRISE: never).
 */
export async function deductCredits(em: EntityManager, input: DeductInput): Promise<LedgerEntryRecord> {
  assertWorkspaceId(input.workspaceId);
  assertAmount(input.amount, true);
  assertReference(input.reference);
  return inTransaction(em, async (tem) => {
    let hold: Row | undefined;
    if (input.holdReference !== undefined) {
      hold = await requireEntry(tem, input.workspaceId, LedgerKind.HOLD, input.holdReference);
      await lockEntry(tem, input.workspaceId, hold.id);
    }
    const existing = await findEntry(tem, input.workspaceId, LedgerKind.DEDUCT, input.reference);
    if (existing) return toRecord(existing, true);
    const outstanding = hold ? await outstandingHold(tem, input.workspaceId, hold) : 0;
    const released = input.keepRemainder ? Math.min(outstanding, input.amount) : outstanding;

    // Spending no more than the hold still reserves cannot lower the available balance: no
    // workspace lock, no sum. Anything beyond it spends free credits and must be checked.
    if (!hold || input.amount > released) {
      const { plan } = await lockWorkspace(tem, input.workspaceId);
      if (!hold) {
        // Two direct deductions with one reference: the second waited for the lock; now it is a replay.
        const again = await findEntry(tem, input.workspaceId, LedgerKind.DEDUCT, input.reference);
        if (again) return toRecord(again, true);
      }
      if (plan !== Plan.ENTERPRISE) {
        const available = (await sumAvailable(tem, input.workspaceId)) + released;
        if (available < input.amount) throw new InsufficientCreditsError(input.workspaceId, input.amount, available);
      }
    }
    if (hold && released > 0) {
      await insertEntry(tem, input.workspaceId, {
        kind: LedgerKind.RELEASE,
        amount: released,
        reference: `settle:${input.reference}`,
        relatedEntryId: hold.id,
        reason: input.keepRemainder && released < outstanding ? `settled by deduction; ${outstanding - released} still held` : "settled by deduction",
      });
    }
    return toRecord(
      await insertEntry(tem, input.workspaceId, {
        kind: LedgerKind.DEDUCT,
        amount: -input.amount,
        reference: input.reference,
        relatedEntryId: hold?.id ?? null,
        reason: input.reason,
      }),
      false,
    );
  });
}

export interface SettleItem {
  workspaceId: string;
  /** Spent now: what the provider billed. */
  amount: number;
  /** Idempotency key of the deduction, e.g. "message:<id>". */
  reference: string;
  /** The hold to settle (required: a deduction without a hold needs the workspace lock). */
  holdReference: string;
  keepRemainder?: boolean;
  reason?: string;
}

export interface SettleBulkResult {
  /** Items settled now or found already settled (a replay): nothing more to do for them. */
  settled: SettleItem[];
  /**
   * Items this cannot settle without the workspace lock — no such hold, or more spent than the hold
   * still reserves. The caller runs `deductCredits` for each of them (same transaction).
   */
  rest: SettleItem[];
}

/** $1 hold ids: the releases and deductions that settled them before (exported for its plan check). */
export const SETTLED_BEFORE_SQL = `select kind, related_entry_id::text as hold, workspace_id::text as workspace_id, reference, amount from credit_ledger_entries
        where related_entry_id = any(?::uuid[]) and kind in ('release', 'deduct')`;

/**
 * `deductCredits` with a hold, for many holds at once — the send path's batch: one statement locks
 * every hold (in id order), one reads what each still reserves and which deductions exist, one inserts
 * every settle-release and deduction. Per item exactly what `deductCredits` does when the spend fits
 * in the hold (no workspace lock, no sum needed); anything else is handed back in `rest`.
 */
export async function settleHoldsBulk(em: EntityManager, items: readonly SettleItem[]): Promise<SettleBulkResult> {
  for (const item of items) {
    assertWorkspaceId(item.workspaceId);
    assertAmount(item.amount, true);
    assertReference(item.reference);
    assertReference(item.holdReference);
  }
  if (items.length === 0) return { settled: [], rest: [] };
  return inTransaction(em, async (tem) => {
    // Every lookup pairs the workspace with the reference: a batch spans workspaces, each row stays in its own.
    const holds = await tem.execute<{ id: string; workspace_id: string; reference: string; amount: number }[]>(
      `select id::text as id, workspace_id::text as workspace_id, reference, amount from credit_ledger_entries
        where kind = 'hold' and (workspace_id, reference) in (select * from unnest(?::uuid[], ?::text[]))
        order by id for update`,
      [pgArray(items.map((i) => i.workspaceId)), pgArray(items.map((i) => i.holdReference))],
    );
    const holdOf = new Map(holds.map((h) => [`${h.workspace_id} ${h.reference}`, h]));
    const holdIds = holds.map((h) => h.id);
    // Read after the locks: a concurrent settle of the same hold has committed (or rolled back) by now.
    // What settled these holds before (releases, deductions) is found by the hold's id alone: the
    // one index on related_entry_id serves it whatever the statistics say, where a lookup by
    // workspace and reference walked a young ledger's whole workspace (decision 041). Each row is
    // then checked against its hold's workspace. A deduction made without its hold (none is) would
    // not be seen here; its reference is unique, so the insert below would fail and the batch's
    // fallback records each send on its own with `deductCredits`, which finds it.
    const facts = await tem.execute<{ kind: string; hold: string; workspace_id: string; reference: string; amount: number }[]>(SETTLED_BEFORE_SQL, [pgArray(holdIds)]);
    const holdWorkspace = new Map(holds.map((h) => [h.id, h.workspace_id]));
    const releasedOf = new Map<string, number>();
    const deducted = new Set<string>();
    for (const f of facts) {
      if (holdWorkspace.get(f.hold) !== f.workspace_id) continue;
      if (f.kind === "release") releasedOf.set(f.hold, (releasedOf.get(f.hold) ?? 0) + Number(f.amount));
      else deducted.add(`${f.workspace_id} ${f.reference}`);
    }
    const settled: SettleItem[] = [];
    const rest: SettleItem[] = [];
    const values: unknown[] = [];
    const tuples: string[] = [];
    const outstandingOf = new Map<string, number>();
    let releasedTotal = 0;
    let deductedTotal = 0;
    for (const item of items) {
      const hold = holdOf.get(`${item.workspaceId} ${item.holdReference}`);
      if (!hold) {
        rest.push(item);
        continue;
      }
      if (deducted.has(`${item.workspaceId} ${item.reference}`)) {
        settled.push(item);
        continue;
      }
      const outstanding = outstandingOf.get(hold.id) ?? -Number(hold.amount) - (releasedOf.get(hold.id) ?? 0);
      const released = item.keepRemainder ? Math.min(outstanding, item.amount) : outstanding;
      if (item.amount > released) {
        rest.push(item);
        continue;
      }
      // Two items on one hold in one call: the second sees what the first released.
      outstandingOf.set(hold.id, outstanding - released);
      deducted.add(`${item.workspaceId} ${item.reference}`);
      if (released > 0) {
        values.push(item.workspaceId, LedgerKind.RELEASE, released, `settle:${item.reference}`, hold.id,
          item.keepRemainder && released < outstanding ? `settled by deduction; ${outstanding - released} still held` : "settled by deduction");
        tuples.push("(?, ?, ?, ?, ?, ?)");
        releasedTotal += released;
      }
      values.push(item.workspaceId, LedgerKind.DEDUCT, -item.amount, item.reference, hold.id, item.reason ?? null);
      tuples.push("(?, ?, ?, ?, ?, ?)");
      deductedTotal += item.amount;
      settled.push(item);
    }
    if (tuples.length) {
      await tem.execute(`insert into credit_ledger_entries (workspace_id, kind, amount, reference, related_entry_id, reason) values ${tuples.join(", ")}`, values, "run");
      countCredits(LedgerKind.RELEASE, releasedTotal);
      countCredits(LedgerKind.DEDUCT, deductedTotal);
    }
    return { settled, rest };
  });
}

export interface RefundInput {
  workspaceId: string;
  /** Reference of the deduction being returned. */
  deductReference: string;
  /** Idempotency key of this refund. */
  reference: string;
  /** Default: whatever of the deduction has not been refunded yet. */
  amount?: number;
  reason?: string;
}

/** Returns (part of) a deduction, e.g. a message the provider never accepted. Never more than was deducted. */
export async function refundCredits(em: EntityManager, input: RefundInput): Promise<LedgerEntryRecord> {
  assertWorkspaceId(input.workspaceId);
  assertReference(input.reference);
  if (input.amount !== undefined) assertAmount(input.amount);
  return inTransaction(em, async (tem) => {
    await lockWorkspace(tem, input.workspaceId);
    const existing = await findEntry(tem, input.workspaceId, LedgerKind.REFUND, input.reference);
    if (existing) return toRecord(existing, true);
    const deduction = await requireEntry(tem, input.workspaceId, LedgerKind.DEDUCT, input.deductReference);
    const [row] = await scopedQuery<{ refunded: string | null }>(
      tem,
      input.workspaceId,
      "select coalesce(sum(amount), 0)::text as refunded from credit_ledger_entries where workspace_id = ? and kind = 'refund' and related_entry_id = ?",
      [deduction.id],
    );
    const refundable = -Number(deduction.amount) - Number(row?.refunded ?? 0);
    const amount = input.amount ?? refundable;
    if (amount > refundable) {
      throw new LedgerError(`Cannot refund ${amount} of deduction "${input.deductReference}": only ${refundable} refundable`);
    }
    return toRecord(
      await insertEntry(tem, input.workspaceId, { kind: LedgerKind.REFUND, amount, reference: input.reference, relatedEntryId: deduction.id, reason: input.reason }),
      false,
    );
  });
}

export interface ExpireInput {
  workspaceId: string;
  /** Idempotency key of the expiry, e.g. "expire:invoice:in_123". */
  reference: string;
  reason?: string;
}

/**
 * Ends a credit period: deducts everything still available (credits on hold stay held, so work already
 * accepted is not starved). Returns null when nothing was left to expire.
 */
export async function expireAvailableCredits(em: EntityManager, input: ExpireInput): Promise<LedgerEntryRecord | null> {
  assertWorkspaceId(input.workspaceId);
  assertReference(input.reference);
  return inTransaction(em, async (tem) => {
    await lockWorkspace(tem, input.workspaceId);
    const existing = await findEntry(tem, input.workspaceId, LedgerKind.DEDUCT, input.reference);
    if (existing) return toRecord(existing, true);
    const available = await sumAvailable(tem, input.workspaceId);
    if (available <= 0) return null;
    return toRecord(await insertEntry(tem, input.workspaceId, { kind: LedgerKind.DEDUCT, amount: -available, reference: input.reference, reason: input.reason }), false);
  });
}

/** What the hold with this reference still reserves (0 when there is no such hold). No lock. */
export async function heldCredits(em: EntityManager, workspaceId: string, holdReference: string): Promise<number> {
  assertWorkspaceId(workspaceId);
  const hold = await findEntry(em, workspaceId, LedgerKind.HOLD, holdReference);
  return hold ? outstandingHold(em, workspaceId, hold) : 0;
}

/** Available and held credits of a workspace (no lock: a snapshot for display). */
export async function getCreditBalance(em: EntityManager, workspaceId: string): Promise<CreditBalance> {
  assertWorkspaceId(workspaceId);
  const [row] = await scopedQuery<{ available: string | null; held: string | null }>(
    em,
    workspaceId,
    `select coalesce(sum(amount), 0)::text as available,
            (coalesce(-sum(amount) filter (where kind = 'hold'), 0) - coalesce(sum(amount) filter (where kind = 'release'), 0))::text as held
       from credit_ledger_entries where workspace_id = ?`,
  );
  return { available: Number(row?.available ?? 0), held: Number(row?.held ?? 0) };
}

export interface BulkReleaseInput {
  workspaceId: string;
  /** Each hold to empty, with the idempotency key of its release (the same key a single release would use). */
  releases: readonly { holdReference: string; reference: string }[];
  reason?: string;
}

/**
 * Releases everything a set of holds still reserves — a cancelled campaign's pending sends — in two
 * statements however many there are: the holds are locked (as `releaseCredits` locks one), then one
 * release per hold that still reserves something is inserted. Idempotent: a release whose reference
 * exists is skipped, so a hold already released by a single `releaseCredits` with the same reference
 * is never released twice. Returns how many holds were released and the credits given back.
 */
export async function releaseCreditsBulk(em: EntityManager, input: BulkReleaseInput): Promise<{ released: number; amount: number }> {
  assertWorkspaceId(input.workspaceId);
  for (const r of input.releases) {
    assertReference(r.holdReference);
    assertReference(r.reference);
  }
  if (input.releases.length === 0) return { released: 0, amount: 0 };
  return inTransaction(em, async (tem) => {
    const holdRefs = textArray(input.releases.map((r) => r.holdReference));
    const releaseRefs = textArray(input.releases.map((r) => r.reference));
    // Same lock as releaseCredits takes on each hold, in a stable order (no deadlock between two bulk calls).
    await scopedQuery(
      tem,
      input.workspaceId,
      "select id from credit_ledger_entries where workspace_id = ? and kind = 'hold' and reference = any(?::text[]) order by id for update",
      [holdRefs],
    );
    const rows = await scopedQuery<{ amount: number }>(
      tem,
      input.workspaceId,
      `with h as (
         select h.id, h.workspace_id, h.reference, h.amount from credit_ledger_entries h
          where h.workspace_id = ? and h.kind = 'hold' and h.reference = any(?::text[])
       )
       insert into credit_ledger_entries (workspace_id, kind, amount, reference, related_entry_id, reason)
       select h.workspace_id, 'release', o.outstanding, t.reference, h.id, ?
         from h
         join unnest(?::text[], ?::text[]) as t(hold_reference, reference) on t.hold_reference = h.reference
         cross join lateral (
           select -h.amount - coalesce(sum(r.amount), 0) as outstanding
             from credit_ledger_entries r where r.workspace_id = h.workspace_id and r.kind = 'release' and r.related_entry_id = h.id
         ) o
        where o.outstanding > 0
       on conflict (workspace_id, kind, reference) do nothing
       returning amount`,
      [holdRefs, input.reason ?? null, holdRefs, releaseRefs],
    );
    const amount = rows.reduce((sum, r) => sum + Number(r.amount), 0);
    countCredits(LedgerKind.RELEASE, amount);
    return { released: rows.length, amount };
  });
}

/** A PostgreSQL text[] literal, bound as one parameter (`?::text[]`) whatever the number of values. */
function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}
