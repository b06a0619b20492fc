import type { EntityManager } from "@mikro-orm/postgresql";
import { executeBound } from "../modules/common/execute-bound.ts";
import { assertWorkspaceId } from "./workspace-filter.ts";

/**
 * Guard for raw SQL on tenant tables (the ORM filter does not see raw SQL). The workspace id is always
 * the FIRST bound parameter (`?`), and the statement must use it as `workspace_id = ?`: the statement
 * cannot forget its tenant, and a caller cannot splice an id into the text.
 * Runs in `em`'s transaction when there is one.
 */
export async function scopedQuery<T extends object = Record<string, unknown>>(
  em: EntityManager,
  workspaceId: string,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  assertWorkspaceId(workspaceId);
  assertScopedSql(sql);
  return em.execute<T[]>(sql, [workspaceId, ...params]);
}

/**
 * `scopedQuery` with the parameters bound instead of inlined into the SQL text (see `executeBound`):
 * for bulk statements whose array parameters run to megabytes. Same guard, same transaction.
 */
export async function scopedQueryBound<T extends object = Record<string, unknown>>(
  em: EntityManager,
  workspaceId: string,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  assertWorkspaceId(workspaceId);
  assertScopedSql(sql);
  return executeBound<T>(em, sql, [workspaceId, ...params]);
}

/** Throws unless the first placeholder of `sql` is the workspace id in a `workspace_id = ?` predicate. */
export function assertScopedSql(sql: string): void {
  const first = sql.indexOf("?");
  const scoped = /\bworkspace_id\s*=\s*\?/i.exec(sql);
  if (first < 0 || !scoped || scoped.index + scoped[0].length - 1 !== first) {
    throw new Error(`scopedQuery: the first parameter must be the workspace id, as "workspace_id = ?": ${sql.slice(0, 120)}`);
  }
}
