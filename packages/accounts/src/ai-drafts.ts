// AI template drafts (SPEC §14): the brief a person fills in, the workspace's daily limit (each
// request to the provider counts, failed ones too: the provider may have worked on it), the audit
// of every use, and saving an edited draft as a new broadcast template through the template checks.
// Only the brief goes to the provider: nothing here reads a patient, contact or message.
import type { EntityManager } from "@mikro-orm/postgresql";
import { AiError, DRAFT_LANGUAGES, DRAFT_LENGTHS, DRAFT_TONES, draftTemplates, type AiClient, type DraftBrief } from "@rm/ai";
import { Role, type Template } from "@rm/db";
import { defineInstruments } from "@rm/telemetry";
import { z } from "zod";
import { recordAudit } from "./audit.ts";
import { AccountsError } from "./errors.ts";
import { createLibraryEntry } from "./library.ts";
import type { Actor } from "./users.ts";

export const AI_DRAFT_AUDIT_ACTION = "template.ai_drafted";

// Operators see the provider's health here (outcome: ok or an AiError kind), not in the audit log.
const instruments = defineInstruments((m) => ({
  requests: m.createHistogram("rm.ai.request.duration.seconds", { unit: "s", description: "AI drafts requests to the provider by outcome" }),
}));
const AI_DRAFT_FAILED_ACTION = "template.ai_draft_failed";

/** Roles that may draft and save broadcast texts (the owner and the front desk). */
const DRAFTING_ROLES: readonly string[] = [Role.OWNER, Role.RECEPTIONIST];

export function canDraftTemplates(role: string): boolean {
  return DRAFTING_ROLES.includes(role);
}

function requireDrafter(actor: Actor): void {
  if (!canDraftTemplates(actor.user.role)) throw new AccountsError("forbidden", "Solo el propietario y la recepción pueden redactar plantillas.");
}

// Field messages are catalogue codes: the page shows them in the reader's language.
export const aiBriefSchema = z.object({
  objective: z.string({ error: "aiDrafts.error.objective" }).trim().min(3, "aiDrafts.error.objective").max(300, "aiDrafts.error.objectiveLong"),
  tone: z.enum(DRAFT_TONES, { error: "aiDrafts.error.choice" }),
  length: z.enum(DRAFT_LENGTHS, { error: "aiDrafts.error.choice" }),
  language: z.enum(DRAFT_LANGUAGES, { error: "aiDrafts.error.choice" }).default("es"),
  keyPoints: z
    .string()
    .optional()
    .transform((v) => (v ?? "").split(/\r?\n/).map((s) => s.trim()).filter(Boolean))
    .refine((v) => v.length <= 8, "aiDrafts.error.keyPointsMany")
    .refine((v) => v.every((p) => p.length <= 200), "aiDrafts.error.keyPointLong"),
});

export interface AiDraftAllowance {
  used: number;
  limit: number;
}

const USAGE_SQL = `
  select w.ai_drafts_per_day as "limit",
         (select count(*)::int from audit_logs a
           where a.workspace_id = w.id and a.action = ?
             and a.created_at >= (date_trunc('day', ?::timestamptz at time zone w.timezone) at time zone w.timezone)) as used
    from workspaces w where w.id = ?`;

/** Drafts asked for today (the workspace's day) and the daily limit. */
export async function aiDraftAllowance(em: EntityManager, workspaceId: string, now: Date = new Date()): Promise<AiDraftAllowance> {
  const rows = await em.execute<{ limit: number; used: number }[]>(USAGE_SQL, [AI_DRAFT_AUDIT_ACTION, now, workspaceId]);
  const row = rows[0];
  return { used: row?.used ?? 0, limit: row?.limit ?? 0 };
}

/**
 * Counts one request against today's limit and audits it, under the workspace row's lock so two
 * requests at once cannot both take the last one. Throws `AccountsError("ai_limit")` when none is left.
 */
export async function reserveAiDraft(em: EntityManager, actor: Actor, brief: DraftBrief): Promise<AiDraftAllowance> {
  requireDrafter(actor);
  const workspaceId = actor.user.workspace.id;
  const now = actor.now ?? new Date();
  return em.fork().transactional(async (tx) => {
    await tx.execute("select id from workspaces where id = ? for no key update", [workspaceId]);
    const allowance = await aiDraftAllowance(tx, workspaceId, now);
    if (allowance.used >= allowance.limit) throw new AccountsError("ai_limit", "Se alcanzó el límite diario de borradores con IA.");
    recordAudit(tx, {
      workspaceId,
      actorId: actor.user.id,
      action: AI_DRAFT_AUDIT_ACTION,
      entityType: "template",
      ip: actor.ip ?? null,
      // The brief's shape, not its text: the audit log is no place for free text sent to a provider.
      details: { tone: brief.tone, length: brief.length, language: brief.language, keyPoints: brief.keyPoints.length },
    });
    await tx.flush();
    return { used: allowance.used + 1, limit: allowance.limit };
  });
}

export type AiDraftResult = { ok: true; drafts: string[]; allowance: AiDraftAllowance } | { ok: false; error: AiError; allowance: AiDraftAllowance };

/**
 * Reserves one of today's drafts, asks the provider for three, and audits a failure with its kind.
 * Rule violations (role, limit) throw `AccountsError`; provider failures come back as `{ok: false}`.
 */
export async function requestAiDrafts(em: EntityManager, actor: Actor, client: AiClient, brief: DraftBrief): Promise<AiDraftResult> {
  const allowance = await reserveAiDraft(em, actor, brief);
  const started = performance.now();
  try {
    const drafts = await draftTemplates(client, brief);
    instruments().requests.record((performance.now() - started) / 1000, { outcome: "ok" });
    return { ok: true, drafts, allowance };
  } catch (err) {
    if (!(err instanceof AiError)) throw err;
    instruments().requests.record((performance.now() - started) / 1000, { outcome: err.kind });
    const audit = em.fork();
    recordAudit(audit, {
      workspaceId: actor.user.workspace.id,
      actorId: actor.user.id,
      action: AI_DRAFT_FAILED_ACTION,
      entityType: "template",
      ip: actor.ip ?? null,
      details: { kind: err.kind, ...(err.details.status ? { status: err.details.status } : {}) },
    });
    await audit.flush();
    return { ok: false, error: err, allowance };
  }
}

/**
 * Saves an edited draft as a new library entry (a `BROADCAST` template) with the brief's objective:
 * the library's checks (`ValidationError` per field), audited as a creation from an AI draft.
 */
export async function createBroadcastTemplate(
  em: EntityManager,
  actor: Actor,
  input: { name?: unknown; body: unknown; objective?: unknown; language?: unknown; fromAiDraft?: boolean },
): Promise<Template> {
  requireDrafter(actor);
  return createLibraryEntry(em, actor, { name: input.name, objective: input.objective, body: input.body, category: "MARKETING", forWhatsapp: true, language: input.language, fromAiDraft: input.fromAiDraft === true });
}
