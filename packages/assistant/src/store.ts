// The practice_knowledge table (owned here): load a practice's knowledge, and the owner's save with its
// audit entry in the same transaction. `em` is scoped to the workspace (the tenant filter), so another
// workspace's practice is simply not found.
import type { EntityManager } from "@mikro-orm/postgresql";
import { recordAudit } from "@rm/accounts";
import { Practice, PracticeKnowledge as KnowledgeRow, Workspace } from "@rm/db";
import { emptyKnowledge, knowledgeSchema, type PracticeKnowledge } from "./knowledge.ts";

export interface KnowledgeActor {
  workspaceId: string;
  userId: string;
  ip?: string | null;
}

/**
 * The practice's knowledge, in the practice's current time zone; empty knowledge when none was saved.
 * A stored document that no longer validates (an older shape) reads as empty rather than failing an
 * inbound message: the reader then answers nothing and staff do.
 */
export async function loadKnowledge(em: EntityManager, practice: Pick<Practice, "id" | "timezone">): Promise<{ knowledge: PracticeKnowledge; version: number }> {
  const row = await em.findOne(KnowledgeRow, { practice: practice.id });
  if (!row) return { knowledge: emptyKnowledge(practice.timezone), version: 0 };
  const parsed = knowledgeSchema.safeParse({ ...row.data, timezone: practice.timezone });
  return { knowledge: parsed.success ? parsed.data : emptyKnowledge(practice.timezone), version: row.version };
}

/**
 * The knowledge of a practice by id, for the inbound pipeline; null when the workspace has no such
 * practice. `version` 0 means no owner ever saved it (the pipeline then sends nothing automatic).
 */
export async function knowledgeForPractice(em: EntityManager, practiceId: string): Promise<{ knowledge: PracticeKnowledge; practiceName: string; version: number } | null> {
  const practice = await em.findOne(Practice, { id: practiceId });
  if (!practice) return null;
  const { knowledge, version } = await loadKnowledge(em, practice);
  return { knowledge, practiceName: practice.name, version };
}

/** Which parts changed, for the audit entry (names of parts only: never the texts). */
function changedParts(before: PracticeKnowledge, after: PracticeKnowledge): string[] {
  const keys = Object.keys(after) as (keyof PracticeKnowledge)[];
  return keys.filter((k) => k !== "timezone" && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

/** Saves the owner's knowledge for a practice and audits which parts changed (`practice.knowledge_updated`). */
export async function saveKnowledge(em: EntityManager, actor: KnowledgeActor, practice: Pick<Practice, "id" | "timezone">, knowledge: PracticeKnowledge): Promise<{ version: number; changed: string[] }> {
  const data = knowledgeSchema.parse(knowledge);
  return em.transactional(async (tem) => {
    // Two owners saving at once: the last save wins and both are audited; the unique practice id refuses a second first row.
    const row = await tem.findOne(KnowledgeRow, { practice: practice.id });
    const before = row ? knowledgeSchema.safeParse({ ...row.data, timezone: practice.timezone }) : null;
    const changed = changedParts(before?.success ? before.data : emptyKnowledge(practice.timezone), data);
    const { timezone: _zone, ...stored } = data;
    let version: number;
    if (row) {
      if (!changed.length) return { version: row.version, changed };
      row.data = stored;
      row.version += 1;
      row.updatedBy = actor.userId;
      version = row.version;
    } else {
      tem.create(KnowledgeRow, {
        workspace: tem.getReference(Workspace, actor.workspaceId),
        practice: tem.getReference(Practice, practice.id),
        data: stored,
        version: 1,
        updatedBy: actor.userId,
      });
      version = 1;
    }
    recordAudit(tem, {
      workspaceId: actor.workspaceId,
      actorId: actor.userId,
      action: "practice.knowledge_updated",
      entityType: "practice",
      entityId: practice.id,
      ip: actor.ip ?? null,
      details: { version, fields: changed },
    });
    return { version, changed };
  });
}
