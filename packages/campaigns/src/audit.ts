import type { EntityManager } from "@mikro-orm/postgresql";

export interface AuditEntry {
  workspaceId: string;
  actorId: string;
  action: string;
  entityType: string;
  entityId: string;
  ip: string | null;
  /** Ids and counts only: never a name, phone or text. */
  details: Record<string, string | number | null>;
  now: Date;
}

/** An audit entry (SPEC §3) in the caller's transaction. */
export async function writeAudit(em: EntityManager, e: AuditEntry): Promise<void> {
  await em.execute(
    `insert into audit_logs (workspace_id, actor_id, action, entity_type, entity_id, ip, details, created_at)
     values (?, ?, ?, ?, ?, ?, ?::jsonb, ?)`,
    [e.workspaceId, e.actorId, e.action, e.entityType, e.entityId, e.ip, JSON.stringify(e.details), e.now],
    "run",
  );
}
