import type { EntityManager } from "@mikro-orm/postgresql";
import { insertAudit, type AuditAction } from "@rm/accounts";

export interface AuditEntry {
  workspaceId: string;
  actorId: string;
  action: AuditAction;
  entityType: string;
  entityId: string;
  ip: string | null;
  /** Ids and counts only: never a name, phone or text. */
  details: Record<string, string | number | null>;
  now: Date;
}

/** An audit entry (SPEC §3) in the caller's transaction, written by the audit log's owner. */
export async function writeAudit(em: EntityManager, e: AuditEntry): Promise<void> {
  await insertAudit(em, e);
}
