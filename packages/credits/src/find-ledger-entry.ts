// Read-only lookup of one ledger entry by (kind, reference), for callers that must know whether an
// earlier step happened (e.g. "was this message's deduction written?") before acting on it.
import type { EntityManager } from "@mikro-orm/postgresql";
import { type LedgerKind, scopedQuery } from "@rm/db";

export interface LedgerEntrySummary {
  id: string;
  kind: LedgerKind;
  /** Signed effect on the available balance. */
  amount: number;
  reference: string;
}

/** The entry of this kind and reference in the workspace, or null. Runs in em's transaction if any. */
export async function findLedgerEntry(em: EntityManager, workspaceId: string, kind: LedgerKind, reference: string): Promise<LedgerEntrySummary | null> {
  const rows = await scopedQuery<{ id: string; kind: LedgerKind; amount: number; reference: string }>(
    em,
    workspaceId,
    "select id, kind, amount, reference from credit_ledger_entries where workspace_id = ? and kind = ? and reference = ?",
    [kind, reference],
  );
  const row = rows[0];
  return row ? { id: row.id, kind: row.kind, amount: Number(row.amount), reference: row.reference } : null;
}
