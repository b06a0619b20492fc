import type { EntityManager } from "@mikro-orm/postgresql";
import { assertWorkspaceId, WORKSPACE_FILTER } from "./workspace-filter.ts";

/**
 * A fork of `em` whose queries are scoped to one workspace. The identity map starts empty (an entity
 * another tenant loaded into the parent can never be served from cache); a running transaction is kept.
 */
export function workspaceEm(em: EntityManager, workspaceId: string): EntityManager {
  assertWorkspaceId(workspaceId);
  const fork = em.fork({ clear: true, keepTransactionContext: em.isInTransaction() });
  fork.setFilterParams(WORKSPACE_FILTER, { workspaceId });
  return fork;
}

/**
 * A fork with the workspace filter off — for the few deliberate cross-tenant paths (login by email,
 * routing an inbound webhook, the relay). Prefer `workspaceEm` everywhere else.
 */
export function unscopedEm(em: EntityManager): EntityManager {
  const fork = em.fork({ clear: true, keepTransactionContext: em.isInTransaction() });
  fork.setFilterParams(WORKSPACE_FILTER, { unscoped: true });
  return fork;
}
