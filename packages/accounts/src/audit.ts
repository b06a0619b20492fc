// Audit entries (SPEC §3): who did what to which entity, when, from which IP. Written in the same
// transaction as the change they describe.
import type { EntityManager } from "@mikro-orm/postgresql";
import { AuditLog, User, Workspace } from "@rm/db";

export interface AuditInput {
  workspaceId: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown> | null;
}

export function recordAudit(em: EntityManager, input: AuditInput): AuditLog {
  return em.create(AuditLog, {
    workspace: em.getReference(Workspace, input.workspaceId),
    actor: input.actorId ? em.getReference(User, input.actorId) : null,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId ?? null,
    ip: input.ip ?? null,
    details: input.details ?? null,
  });
}

export interface AuditFilter {
  action?: string | undefined;
  actorId?: string | undefined;
  entityType?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Keyset page: entries older than this createdAt. */
  before?: Date | undefined;
  limit?: number | undefined;
}

export interface AuditRow {
  id: string;
  createdAt: Date;
  action: string;
  entityType: string;
  entityId: string | null;
  ip: string | null;
  actorName: string | null;
  actorEmail: string | null;
  details: Record<string, unknown> | null;
}

/** Newest first; `em` must be scoped to the workspace. */
export async function listAudit(em: EntityManager, filter: AuditFilter = {}): Promise<{ rows: AuditRow[]; more: boolean }> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  const where: Record<string, unknown> = {};
  if (filter.action) where.action = { $ilike: `%${filter.action.replace(/[%_\\]/g, "\\$&")}%` };
  if (filter.entityType) where.entityType = filter.entityType;
  if (filter.actorId) where.actor = filter.actorId;
  const created: Record<string, Date> = {};
  if (filter.from) created.$gte = filter.from;
  if (filter.to) created.$lt = filter.to;
  if (filter.before) created.$lt = filter.to && filter.to < filter.before ? filter.to : filter.before;
  if (Object.keys(created).length) where.createdAt = created;
  const entries = await em.find(AuditLog, where, {
    populate: ["actor"],
    orderBy: { createdAt: "desc", id: "desc" },
    limit: limit + 1,
  });
  return {
    more: entries.length > limit,
    rows: entries.slice(0, limit).map((e) => ({
      id: e.id,
      createdAt: e.createdAt,
      action: e.action,
      entityType: e.entityType,
      entityId: e.entityId ?? null,
      ip: e.ip ?? null,
      actorName: e.actor?.name ?? null,
      actorEmail: e.actor?.email ?? null,
      details: e.details ?? null,
    })),
  };
}
