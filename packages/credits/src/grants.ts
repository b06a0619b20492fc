// Read-only questions about a workspace's grants, for the plans that write them (the Stripe periods,
// the FREE chains): their references follow each plan's own convention, which the ledger only matches.
import type { EntityManager } from "@mikro-orm/postgresql";
import { assertWorkspaceId, scopedQuery } from "@rm/db";

/** References of the workspace's grants matching `pattern` (a PostgreSQL regular expression), newest first. */
export async function grantReferences(em: EntityManager, workspaceId: string, pattern: string, limit?: number): Promise<string[]> {
  assertWorkspaceId(workspaceId);
  const rows = await scopedQuery<{ reference: string }>(
    em,
    workspaceId,
    `select reference from credit_ledger_entries where workspace_id = ? and kind = 'grant' and reference ~ ?
      order by created_at desc, id desc${limit === undefined ? "" : " limit ?"}`,
    limit === undefined ? [pattern] : [pattern, limit],
  );
  return rows.map((r) => r.reference);
}

/** Credits granted to the workspace under references that start with `prefix`. */
export async function grantedWithPrefix(em: EntityManager, workspaceId: string, prefix: string): Promise<number> {
  assertWorkspaceId(workspaceId);
  // pg returns SUM(int) as a bigint string: convert before comparing.
  const [row] = await scopedQuery<{ total: string | null }>(
    em,
    workspaceId,
    "select coalesce(sum(amount), 0)::text as total from credit_ledger_entries where workspace_id = ? and kind = 'grant' and starts_with(reference, ?)",
    [prefix],
  );
  return Number(row?.total ?? 0);
}
