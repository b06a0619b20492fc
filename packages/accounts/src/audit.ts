// Audit entries (SPEC §3): who did what to which entity, when, from which IP. Written in the same
// transaction as the change they describe.
import type { EntityManager } from "@mikro-orm/postgresql";
import { AuditLog, User, Workspace } from "@rm/db";

/**
 * Every action the audit log records. Writers take this type, so a new action is added here, and the
 * audit page's test requires a readable label for each (`audit.action.<action>` in the catalogue).
 */
export const AUDIT_ACTIONS = [
  "workspace.created",
  "user.invited",
  "user.invitation_revoked",
  "user.joined",
  "user.role_changed",
  "user.removed",
  "user.password_reset_issued",
  "user.password_reset",
  "user.password_reset_cli",
  "user.password_changed",
  "user.logged_out_everywhere",
  "template.edited",
  "template.whatsapp_submitted",
  "template.created",
  "template.duplicated",
  "template.archived",
  "template.unarchived",
  "template.ai_drafted",
  "template.ai_draft_failed",
  "signup.email_reused",
  "api_key.created",
  "api_key.revoked",
  "webhook_endpoint.created",
  "webhook_endpoint.deleted",
  "webhook_endpoint.enabled",
  "webhook_endpoint.disabled",
  "webhook_delivery.replayed",
  "settings.updated",
  "settings.review_policy_changed",
  "settings.destination_countries_changed",
  "settings.sending_paused",
  "settings.sending_resumed",
  "practice.created",
  "practice.updated",
  "practice.knowledge_updated",
  "settings.auto_answers_changed",
  "settings.ai_assistant_enabled",
  "settings.ai_assistant_disabled",
  "own_sender.connected",
  "own_sender.token_rotated",
  "own_sender.disconnected",
  "own_sender.sender_chosen",
  "own_sender.whatsapp_switched",
  "own_sender.whatsapp_unswitched",
  "whatsapp_template.saved",
  "whatsapp_template.submitted",
  "campaign.created",
  "campaign.cancelled",
  "campaign.broadcast_created",
  "campaign.broadcast_paused",
  "campaign.broadcast_resumed",
  "patient.opted_out",
  "patient.opted_in",
  "patient.erased",
  "contact.opted_out",
  "contact.opted_in",
  "contact.marketing_consent_changed",
  "contact.erased",
  "contact.labels_changed",
  "contact.note_added",
  "contact.data_downloaded",
  "label.created",
  "label.deleted",
  "feedback.status_changed",
  "feedback.notes_edited",
  "conversation.status_changed",
  "conversation.assigned",
  "conversation.replied",
  "conversation.reply_held",
  "conversation.assistant_changed",
  "canned_reply.created",
  "lead.status_changed",
  "widget.origins_changed",
  "widget.practice_changed",
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditInput {
  workspaceId: string;
  actorId: string | null;
  action: AuditAction;
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

/** An audit entry written by raw SQL in the caller's transaction (hot paths and set-based work). */
export interface AuditInsert {
  workspaceId: string;
  actorId: string | null;
  action: AuditAction;
  entityType: string;
  entityId: string | null;
  ip: string | null;
  /** Ids and counts only: never a name, phone or text. */
  details: Record<string, unknown>;
  now: Date;
}

export async function insertAudit(em: EntityManager, e: AuditInsert): Promise<void> {
  await em.execute(
    `insert into audit_logs (workspace_id, actor_id, action, entity_type, entity_id, ip, details, created_at)
     values (?, ?, ?, ?, ?, ?, ?::jsonb, ?)`,
    [e.workspaceId, e.actorId, e.action, e.entityType, e.entityId, e.ip, JSON.stringify(e.details), e.now],
    "run",
  );
}

export interface EntityHistoryRow<D> {
  action: string;
  details: D | null;
  created_at: Date;
  actor_name: string | null;
}

/** One entity's audit entries with their actors' names, newest first (at most `limit`). */
export function entityHistory<D = Record<string, unknown>>(
  em: EntityManager,
  workspaceId: string,
  entity: { type: string; id: string },
  limit = 100,
): Promise<EntityHistoryRow<D>[]> {
  return em.execute<EntityHistoryRow<D>[]>(
    `select a.action, a.details, a.created_at, u.name as actor_name
       from audit_logs a left join users u on u.workspace_id = a.workspace_id and u.id = a.actor_id
      where a.workspace_id = ? and a.entity_type = ? and a.entity_id = ?
      order by a.created_at desc, a.action desc limit ?`,
    [workspaceId, entity.type, entity.id, limit],
  );
}
