import type { EntityManager } from "@mikro-orm/postgresql";
import { executeBound } from "../modules/common/execute-bound.ts";
import { assertWorkspaceId } from "./workspace-filter.ts";

/** The guard in front of a way to run a statement: checks the id and the SQL, then binds the id first. */
function guarded(run: (em: EntityManager, sql: string, params: unknown[]) => Promise<unknown[]>) {
  return async <T extends object = Record<string, unknown>>(em: EntityManager, workspaceId: string, sql: string, params: readonly unknown[] = []): Promise<T[]> => {
    assertWorkspaceId(workspaceId);
    assertScopedSql(sql);
    return (await run(em, sql, [workspaceId, ...params])) as T[];
  };
}

/**
 * Guard for raw SQL on tenant tables (the ORM filter does not see raw SQL). The workspace id is always
 * the FIRST bound parameter (`?`), and the statement must use it as `workspace_id = ?`: the statement
 * cannot forget its tenant, and a caller cannot splice an id into the text.
 * Runs in `em`'s transaction when there is one.
 */
export const scopedQuery = guarded((em, sql, params) => em.execute<unknown[]>(sql, params));

/**
 * `scopedQuery` with the parameters bound instead of inlined into the SQL text (see `executeBound`):
 * for bulk statements whose array parameters run to megabytes. Same guard, same transaction.
 */
export const scopedQueryBound = guarded(executeBound);

/** Throws unless the first placeholder of `sql` is the workspace id in a `workspace_id = ?` predicate. */
export function assertScopedSql(sql: string): void {
  const first = sql.indexOf("?");
  const scoped = /\bworkspace_id\s*=\s*\?/i.exec(sql);
  if (first < 0 || !scoped || scoped.index + scoped[0].length - 1 !== first) {
    throw new Error(`scopedQuery: the first parameter must be the workspace id, as "workspace_id = ?": ${sql.slice(0, 120)}`);
  }
}
