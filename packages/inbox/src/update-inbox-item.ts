// The inbox workflow: NEW → IN_PROGRESS → RESOLVED (and back), with staff notes. Resolving records
// who and when; reopening clears both. Each change is audited in the same transaction. The feedback
// row is @rm/messaging's (lockFeedback, setFeedbackWorkflow); this module is also a read model
// (docs/ARCHITECTURE.md, "Table ownership"): a doctor's scope is read from the patient's campaign.
import type { EntityManager } from "@mikro-orm/postgresql";
import { recordAudit } from "@rm/accounts";
import { scopedQuery } from "@rm/db";
import { lockFeedback, setFeedbackWorkflow } from "@rm/messaging";
import { z } from "zod";
import { NOTES_MAX_LENGTH, type InboxStatus } from "./constants.ts";
import { doctorScope, InboxError, UUID, type InboxViewer } from "./viewer.ts";

export { NOTES_MAX_LENGTH };

const schema = z.object({
  status: z.enum(["NEW", "IN_PROGRESS", "RESOLVED"], { error: "Elija un estado." }),
  notes: z
    .string()
    .max(NOTES_MAX_LENGTH, `Las notas pueden tener hasta ${NOTES_MAX_LENGTH} caracteres.`)
    .transform((v) => v.replace(/\r\n/g, "\n").trim())
    .optional(),
  version: z.string().max(40).optional(),
});

export interface InboxUpdateInput {
  status?: unknown;
  /** Omitted = leave the notes as they are; empty = clear them. */
  notes?: unknown;
  /** The version the form was rendered with; a save over a newer one is refused (conflict). */
  version?: unknown;
}

export interface InboxUpdateResult {
  statusChanged: boolean;
  notesChanged: boolean;
  status: InboxStatus;
}

export interface UpdateContext {
  ip?: string | null;
  now?: Date;
}

export async function updateInboxItem(em: EntityManager, viewer: InboxViewer, id: string, input: InboxUpdateInput, ctx: UpdateContext = {}): Promise<InboxUpdateResult> {
  const parsed = schema.safeParse({
    status: input.status,
    notes: typeof input.notes === "string" ? input.notes : undefined,
    version: typeof input.version === "string" && input.version !== "" ? input.version : undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InboxError("invalid", issue.message, String(issue.path[0] ?? ""));
  }
  const { status, notes, version } = parsed.data;
  if (!UUID.test(id)) throw new InboxError("not_found", "No encontrado.");
  const scope = doctorScope(viewer);
  const now = ctx.now ?? new Date();

  return em.transactional(async (tem) => {
    const row = await lockFeedback(tem, viewer.workspaceId, id);
    // Out of a doctor's scope is not found, as missing is.
    if (!row || !(await inScope(tem, viewer, scope, row.patientId))) throw new InboxError("not_found", "No encontrado.");
    if (version && version !== row.version) {
      throw new InboxError("conflict", "Este elemento cambió mientras lo editaba (otra persona o una nueva respuesta del paciente). Revise los cambios y guarde de nuevo.");
    }
    const nextNotes = notes === undefined ? row.staffNotes : notes === "" ? null : notes;
    const statusChanged = status !== row.status;
    const notesChanged = nextNotes !== row.staffNotes;
    if (!statusChanged && !notesChanged) return { statusChanged, notesChanged, status };

    // Resolving records who and when; reopening clears both; a note edit alone leaves them.
    const resolution = !statusChanged ? undefined : status === "RESOLVED" ? { at: now, byUserId: viewer.userId } : null;
    await setFeedbackWorkflow(tem, viewer.workspaceId, row.id, { status, staffNotes: nextNotes, now, resolution });
    const audit = { workspaceId: viewer.workspaceId, actorId: viewer.userId, entityType: "feedback", entityId: row.id, ip: ctx.ip ?? null };
    // One save is one moment: both entries carry the save's time.
    if (statusChanged) recordAudit(tem, { ...audit, action: "feedback.status_changed", details: { from: row.status, to: status } }).createdAt = now;
    // The notes themselves may hold patient details: the audit keeps only that they changed.
    if (notesChanged) recordAudit(tem, { ...audit, action: "feedback.notes_edited", details: { length: nextNotes?.length ?? 0 } }).createdAt = now;
    await tem.flush();
    return { statusChanged, notesChanged, status };
  });
}

/** Whether the patient's campaign is in the viewer's scope: a doctor's own campaigns (one statement); always, for an owner. */
async function inScope(em: EntityManager, viewer: InboxViewer, scope: { sql: string; params: unknown[] }, patientId: string): Promise<boolean> {
  if (!scope.sql) return true;
  const rows = await scopedQuery(
    em,
    viewer.workspaceId,
    `select 1 from patients p join campaigns c on c.id = p.campaign_id and c.workspace_id = p.workspace_id
      where p.workspace_id = ? and p.id = ?${scope.sql}`,
    [patientId, ...scope.params],
  );
  return rows.length > 0;
}
