import type { EntityManager } from "@mikro-orm/postgresql";

interface BoundQueryContext {
  executeQuery(query: { sql: string; parameters: readonly unknown[]; query: unknown; queryId: { queryId: string } }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs a statement in em's transaction with its parameters BOUND (`$1`, `$2`, …), not inlined.
 * MikroORM's `execute` formats every parameter into the SQL text, which costs seconds for the
 * megabytes of array literals of a bulk write (tens of thousands of rows: `unnest(?::text[])`); the
 * transaction's own connection binds them instead. `?` placeholders as for `execute` (`??` is left
 * alone). Outside a transaction it falls back to `execute` (inlined).
 */
export async function executeBound<T>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<T[]> {
  const ctx = em.getTransactionContext<BoundQueryContext>();
  if (!ctx || typeof ctx.executeQuery !== "function") return em.execute<T[]>(sql, [...params]);
  let n = 0;
  const numbered = sql.replace(/\?(?!\?)/g, () => `$${++n}`);
  if (n !== params.length) throw new Error(`executeBound: ${n} placeholders for ${params.length} parameters`);
  const res = await ctx.executeQuery({ sql: numbered, parameters: params, query: { kind: "RawNode", sqlFragments: [numbered], parameters: [] }, queryId: { queryId: "bound" } });
  return res.rows as T[];
}
