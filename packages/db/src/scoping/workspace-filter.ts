// Tenant scoping: every tenant-owned entity carries the `workspace` filter, enabled by default.
// A query that reaches the database without a workspace id throws instead of returning every
// tenant's rows. Deliberate cross-tenant reads (login by email, webhook routing by provider sid)
// must say so: `{ filters: { workspace: false } }` or `unscopedEm(em)`.

export const WORKSPACE_FILTER = "workspace";

export interface WorkspaceFilterArgs {
  workspaceId?: string;
  /** Set only by unscopedEm(): a deliberate, visible opt-out. */
  unscoped?: true;
}

export class MissingWorkspaceScopeError extends Error {
  constructor(entityName?: string) {
    super(
      `Query on ${entityName ?? "a tenant-owned entity"} has no workspace scope: use workspaceEm(em, workspaceId), ` +
        `or pass { filters: { workspace: false } } for a deliberate cross-tenant read`,
    );
    this.name = "MissingWorkspaceScopeError";
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertWorkspaceId(workspaceId: unknown): asserts workspaceId is string {
  if (typeof workspaceId !== "string" || !UUID_RE.test(workspaceId)) {
    throw new MissingWorkspaceScopeError(`workspace id ${JSON.stringify(workspaceId)} (not a uuid)`);
  }
}

/** Filter definition for `defineEntity({ filters })`; `field` is the property holding the workspace. */
export function workspaceFilter(field: "workspace" | "id" = "workspace") {
  return {
    [WORKSPACE_FILTER]: {
      name: WORKSPACE_FILTER,
      default: true,
      cond: (args: WorkspaceFilterArgs | undefined, _type: string, _em: unknown, _opts: unknown, entityName?: string) => {
        if (args?.unscoped === true) return {};
        if (!args?.workspaceId) throw new MissingWorkspaceScopeError(entityName);
        assertWorkspaceId(args.workspaceId);
        return { [field]: args.workspaceId };
      },
    },
  };
}
