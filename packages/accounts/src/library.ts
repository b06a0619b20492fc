// The template library (SPEC §14, seed 004): BROADCAST templates with a name, an objective, a body
// whose variables are checked before save (seed 004's `{nombre_cliente}` spellings converted to
// ours on save), WhatsApp's formatting rules when the text may go by WhatsApp, its pricing category,
// usage count and last use (recorded by the broadcast sending through `recordTemplateUse`),
// duplicate and archive; and the preview of an entry for one real contact of the workspace.
import type { EntityManager } from "@mikro-orm/postgresql";
import { mapSeedVariables, SEED_VARIABLE_MAP } from "@rm/ai";
import { coded, type Coded } from "@rm/catalogue";
import { scopedQuery, Template, TemplateType, Workspace } from "@rm/db";
import {
  categoryMessageCredits,
  countSegments,
  DEFAULT_CATEGORY_CREDITS,
  renderTemplate,
  TEMPLATE_CATEGORIES,
  type CategoryCredits,
  type SmsEncoding,
  type TemplateCategory,
  type TemplateValues,
} from "@rm/domain";
import { canDraftTemplates } from "./ai-drafts.ts";
import { recordAudit, type AuditAction } from "./audit.ts";
import { AccountsError, ValidationError } from "./errors.ts";
import type { Actor } from "./users.ts";
import { whatsappFormattingProblem } from "./whatsapp-templates.ts";

/**
 * The variables a library text may use: what a contact has without an appointment being sent. The
 * links and the appointment's type and date belong to the feedback request and mean nothing here.
 */
export const LIBRARY_VARIABLES = ["name", "practice", "doctor"] as const;
export type LibraryVariable = (typeof LIBRARY_VARIABLES)[number];

/** Seed 004's variables with no equivalent here, and why (shown in the error). */
export const SEED_VARIABLES_WITHOUT_EQUIVALENT: Readonly<Record<string, string>> = {
  telefono: "the recipient's phone is never written into a text",
  fecha_actual: "the sending date is not a variable",
  hora_actual: "the sending time is not a variable",
};

export const LIBRARY_LIMITS = { name: 120, objective: 300, body: 1600, whatsappBody: 1024 } as const;

export type LibrarySort = "lastUsed" | "usage" | "name" | "created";
export const LIBRARY_SORTS: readonly LibrarySort[] = ["lastUsed", "usage", "name", "created"];

export interface LibraryEntryInput {
  name?: unknown;
  objective?: unknown;
  body?: unknown;
  category?: unknown;
  /** "on"/true: the text may go by WhatsApp (its formatting rules apply). */
  forWhatsapp?: unknown;
  language?: unknown;
}

export interface CheckedLibraryEntry {
  name: string;
  objective: string | null;
  /** With seed-style variables converted to ours. */
  body: string;
  category: TemplateCategory;
  forWhatsapp: boolean;
  language: "es" | "en";
}

const text = (v: unknown): string => (typeof v === "string" ? v : "");
const flag = (v: unknown): boolean => v === true || v === "on" || v === "true" || v === "1";
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Converts seed 004's single-brace variables (`{nombre_cliente}`) to ours (`{{name}}`). */
export function convertSeedVariables(body: string): string {
  return mapSeedVariables(body);
}

/** Variables in a (converted) body that a library text may not use, once each, in order. */
export function unknownLibraryVariables(body: string): string[] {
  const unknown = new Set<string>();
  for (const m of body.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? "";
    if (!(LIBRARY_VARIABLES as readonly string[]).includes(name)) unknown.add(name);
  }
  return [...unknown];
}

/**
 * Checks a library entry as typed: every problem at once, per field, as catalogue texts
 * (`ValidationError`); nothing is changed when one is found, and the caller keeps what was typed.
 */
export function checkLibraryEntry(input: LibraryEntryInput): CheckedLibraryEntry {
  const errors: Record<string, Coded> = {};
  const name = text(input.name).trim();
  const objective = text(input.objective).trim();
  const body = convertSeedVariables(text(input.body).trim());
  const forWhatsapp = flag(input.forWhatsapp);
  const category = text(input.category) as TemplateCategory;
  if (!name) errors.name = coded("library.error.nameEmpty");
  else if (name.length > LIBRARY_LIMITS.name) errors.name = coded("library.error.nameLong", { max: LIBRARY_LIMITS.name });
  if (objective.length > LIBRARY_LIMITS.objective) errors.objective = coded("library.error.objectiveLong", { max: LIBRARY_LIMITS.objective });
  if (!(TEMPLATE_CATEGORIES as readonly string[]).includes(category)) errors.category = coded("library.error.category");
  const unknown = unknownLibraryVariables(body);
  if (!body) errors.body = coded("library.error.bodyEmpty");
  else if (body.length > LIBRARY_LIMITS.body) errors.body = coded("library.error.bodyLong", { max: LIBRARY_LIMITS.body, length: body.length });
  else if (unknown.length) {
    const without = unknown.filter((n) => n in SEED_VARIABLES_WITHOUT_EQUIVALENT);
    errors.body = without.length
      ? coded("library.error.seedWithoutEquivalent", { names: without.map((n) => `{${n}}`).join(", ") })
      : coded("library.error.unknownVariables", { names: unknown.map((n) => `{{${n}}}`).join(", "), allowed: LIBRARY_VARIABLES.map((n) => `{{${n}}}`).join(", ") });
  } else if (forWhatsapp && body.length > LIBRARY_LIMITS.whatsappBody) errors.body = coded("library.error.whatsappLong", { max: LIBRARY_LIMITS.whatsappBody, length: body.length });
  else if (forWhatsapp) {
    const problem = whatsappFormattingProblem(body);
    if (problem) errors.body = coded(problem);
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { name, objective: objective || null, body, category, forWhatsapp, language: input.language === "en" ? "en" : "es" };
}

function requireLibraryEditor(actor: Actor): void {
  if (!canDraftTemplates(actor.user.role)) throw new AccountsError("forbidden", "Solo el propietario y la recepción pueden editar la biblioteca.");
}

/** Who edits the library: the owner and the front desk (the same people who draft with AI). */
export function canEditLibrary(role: string): boolean {
  return canDraftTemplates(role);
}

function audit(em: EntityManager, actor: Actor, action: AuditAction, template: Template, details: Record<string, unknown> = {}): void {
  recordAudit(em, {
    workspaceId: actor.user.workspace.id,
    actorId: actor.user.id,
    action,
    entityType: "template",
    entityId: template.id,
    ip: actor.ip ?? null,
    details: { type: TemplateType.BROADCAST, ...details },
  });
}

/** A library entry of the em's workspace (the workspace filter), or null for any other id. */
export async function findLibraryEntry(em: EntityManager, id: string | undefined): Promise<Template | null> {
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return em.findOne(Template, { id, type: TemplateType.BROADCAST });
}

async function requireEntry(em: EntityManager, id: string): Promise<Template> {
  const entry = await findLibraryEntry(em, id);
  if (!entry) throw new AccountsError("not_found", "Plantilla no encontrada.");
  return entry;
}

/** Creates a library entry (checked; seed-style variables converted), audited. */
export async function createLibraryEntry(em: EntityManager, actor: Actor, input: LibraryEntryInput & { fromAiDraft?: boolean }): Promise<Template> {
  requireLibraryEditor(actor);
  const data = checkLibraryEntry(input);
  const template = em.create(Template, {
    workspace: em.getReference(Workspace, actor.user.workspace.id),
    type: TemplateType.BROADCAST,
    name: data.name,
    objective: data.objective,
    body: data.body,
    category: data.category,
    forWhatsapp: data.forWhatsapp,
    smsBody: null,
    whatsappContentSid: null,
    isDefault: false,
    language: data.language,
    usageCount: 0,
    lastUsedAt: null,
    archivedAt: null,
  });
  audit(em, actor, "template.created", template, { language: data.language, fromAiDraft: input.fromAiDraft === true });
  await em.flush();
  return template;
}

/** Saves an entry's name, objective, text, category and WhatsApp use; its usage stays as it was. */
export async function updateLibraryEntry(em: EntityManager, actor: Actor, id: string, input: LibraryEntryInput): Promise<Template> {
  requireLibraryEditor(actor);
  const entry = await requireEntry(em, id);
  const data = checkLibraryEntry({ ...input, language: input.language ?? entry.language });
  const bodyChanged = entry.body !== data.body;
  // WhatsApp approved this text in this category: another text or category is a new template there.
  if (bodyChanged || entry.category !== data.category || entry.language !== data.language || !data.forWhatsapp) forgetWhatsAppSubmission(entry);
  entry.name = data.name;
  entry.objective = data.objective;
  entry.body = data.body;
  entry.category = data.category;
  entry.forWhatsapp = data.forWhatsapp;
  entry.language = data.language;
  audit(em, actor, "template.edited", entry, { bodyChanged });
  await em.flush();
  return entry;
}

/** The text needs a new WhatsApp submission: its Content and approval are forgotten. */
function forgetWhatsAppSubmission(entry: Template): void {
  Object.assign(entry, {
    whatsappContentSid: null,
    whatsappAccountSid: null,
    whatsappStatus: null,
    whatsappProviderStatus: null,
    whatsappRejectionReason: null,
    whatsappSubmittedAt: null,
    whatsappCheckedAt: null,
    whatsappApprovedAt: null,
  });
}

/** A copy named "<name> (copia)" with no usage and not archived, for a variant of a proven text. */
export async function duplicateLibraryEntry(em: EntityManager, actor: Actor, id: string, copySuffix = " (copia)"): Promise<Template> {
  requireLibraryEditor(actor);
  const entry = await requireEntry(em, id);
  const name = `${entry.name ?? ""}`.slice(0, LIBRARY_LIMITS.name - copySuffix.length) + copySuffix;
  const copy = em.create(Template, {
    workspace: em.getReference(Workspace, actor.user.workspace.id),
    type: TemplateType.BROADCAST,
    name,
    objective: entry.objective ?? null,
    body: entry.body,
    category: entry.category,
    forWhatsapp: entry.forWhatsapp,
    smsBody: null,
    whatsappContentSid: null,
    isDefault: false,
    language: entry.language,
    usageCount: 0,
    lastUsedAt: null,
    archivedAt: null,
  });
  audit(em, actor, "template.duplicated", copy, { from: entry.id });
  await em.flush();
  return copy;
}

/** Archives (hidden from the list by default) or brings an entry back. */
export async function setLibraryEntryArchived(em: EntityManager, actor: Actor, id: string, archived: boolean): Promise<Template> {
  requireLibraryEditor(actor);
  const entry = await requireEntry(em, id);
  if (archived !== (entry.archivedAt != null)) {
    entry.archivedAt = archived ? (actor.now ?? new Date()) : null;
    audit(em, actor, archived ? "template.archived" : "template.unarchived", entry);
    await em.flush();
  }
  return entry;
}

export interface LibraryListItem {
  id: string;
  name: string;
  objective: string | null;
  body: string;
  category: TemplateCategory;
  forWhatsapp: boolean;
  language: string;
  usageCount: number;
  lastUsedAt: Date | null;
  archivedAt: Date | null;
  createdAt: Date;
  /** Where the text stands at WhatsApp on the connected own account (DRAFT: not submitted there). */
  whatsappStatus: "DRAFT" | "PENDING" | "APPROVED" | "REJECTED";
}

export interface LibraryFilters {
  /** Words found in the name, objective or text (case and accents ignored). */
  q?: string | null;
  sort?: LibrarySort;
  /** Archived entries are hidden unless asked for. */
  archived?: boolean;
}

const ORDER: Record<LibrarySort, string> = {
  lastUsed: "last_used_at desc nulls last, usage_count desc, created_at desc, id",
  usage: "usage_count desc, last_used_at desc nulls last, created_at desc, id",
  name: "lower(name), id",
  created: "created_at desc, id",
};

// Case and Spanish accents ignored on both sides (no extension needed for a short list).
const FOLD = (expr: string) => `translate(lower(${expr}), 'áéíóúüñ', 'aeiouun')`;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The workspace's library entries, filtered and sorted (at most 500: a library, not a mailing list). */
export async function listLibrary(em: EntityManager, workspaceId: string, filters: LibraryFilters = {}): Promise<LibraryListItem[]> {
  const q = (filters.q ?? "").trim().slice(0, 100);
  const params: unknown[] = [];
  let where = "";
  if (!filters.archived) where += " and archived_at is null";
  if (q) {
    where += ` and ${FOLD("coalesce(name, '') || ' ' || coalesce(objective, '') || ' ' || body")} like '%' || ${FOLD("?::text")} || '%'`;
    params.push(escapeLike(q));
  }
  const rows = await scopedQuery<{
    id: string;
    name: string | null;
    objective: string | null;
    body: string;
    category: TemplateCategory;
    for_whatsapp: boolean;
    language: string;
    usage_count: number;
    last_used_at: Date | null;
    archived_at: Date | null;
    created_at: Date;
    whatsapp_status: "PENDING" | "APPROVED" | "REJECTED" | "DRAFT" | null;
  }>(
    em,
    workspaceId,
    `select id, name, objective, body, category, for_whatsapp, language, usage_count, last_used_at, archived_at, created_at,
            (select t.whatsapp_status from twilio_accounts a where a.workspace_id = t.workspace_id and a.account_sid = t.whatsapp_account_sid) as whatsapp_status
       from templates t where workspace_id = ? and type = 'BROADCAST'${where}
      order by ${ORDER[filters.sort ?? "lastUsed"] ?? ORDER.lastUsed} limit 500`,
    params,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name ?? "",
    objective: r.objective,
    body: r.body,
    category: r.category,
    forWhatsapp: r.for_whatsapp,
    language: r.language,
    usageCount: r.usage_count,
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
    archivedAt: r.archived_at ? new Date(r.archived_at) : null,
    createdAt: new Date(r.created_at),
    whatsappStatus: r.whatsapp_status ?? "DRAFT",
  }));
}

/**
 * Records that a broadcast used a library entry: usage count + 1 and last used at `at` (never moved
 * back by a late call). The broadcast sending calls it once per campaign that starts sending with the
 * entry, in that transaction (pass its em). Only this workspace's BROADCAST templates count; returns
 * false when there is no such entry (another workspace's id included), changing nothing.
 */
export async function recordTemplateUse(em: EntityManager, workspaceId: string, templateId: string, at: Date): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(templateId)) return false;
  const rows = await scopedQuery<{ id: string }>(
    em,
    workspaceId,
    `with entry as (select id from templates where workspace_id = ? and id = ? and type = 'BROADCAST')
     update templates t set usage_count = t.usage_count + 1, last_used_at = greatest(t.last_used_at, ?::timestamptz), updated_at = now()
       from entry where t.id = entry.id returning t.id`,
    [templateId, at],
  );
  return rows.length === 1;
}

export interface LibraryPreview {
  /** The text as this recipient would read it. */
  text: string;
  values: Record<LibraryVariable, string | null>;
  /** Variables the text uses that this contact has no value for (they render empty). */
  missing: LibraryVariable[];
  encoding: SmsEncoding;
  characters: number;
  segments: number;
  nonGsmCharacters: string[];
  /** Credits one message costs per channel, and for `recipients` such messages. */
  credits: { SMS: number; WHATSAPP: number };
  recipients: number;
  total: { SMS: number; WHATSAPP: number };
}

/**
 * An entry's text for one recipient's values, with its segments, encoding and credits per message
 * and for `recipients` messages (each recipient's text differs in length; this is the cost if all
 * were as long as this one). WhatsApp credits follow the entry's category (`rates`).
 */
export function previewLibraryText(
  entry: { body: string; category: string },
  values: Partial<Record<LibraryVariable, string | null>>,
  recipients: number,
  rates: CategoryCredits = DEFAULT_CATEGORY_CREDITS,
): LibraryPreview {
  const category = (TEMPLATE_CATEGORIES as readonly string[]).includes(entry.category) ? (entry.category as TemplateCategory) : "MARKETING";
  const text = renderTemplate(entry.body, values as TemplateValues);
  const count = countSegments(text);
  const used = new Set([...entry.body.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ""));
  const missing = LIBRARY_VARIABLES.filter((v) => used.has(v) && !values[v]);
  const n = Math.max(0, Math.min(Math.trunc(recipients) || 0, 10_000_000));
  const credits = { SMS: categoryMessageCredits("SMS", text, category, rates), WHATSAPP: categoryMessageCredits("WHATSAPP", text, category, rates) };
  return {
    text,
    values: { name: values.name ?? null, practice: values.practice ?? null, doctor: values.doctor ?? null },
    missing,
    encoding: count.encoding,
    characters: count.characters,
    segments: count.segments,
    nonGsmCharacters: count.nonGsmCharacters,
    credits,
    recipients: n,
    total: { SMS: credits.SMS * n, WHATSAPP: credits.WHATSAPP * n },
  };
}

/** The seed 004 → ours variable table (for the editor's hint and the docs). */
export function seedVariableTable(): { seed: string; ours: string | null }[] {
  const mapped = Object.entries(SEED_VARIABLE_MAP).map(([seed, ours]) => ({ seed: `{${seed}}`, ours: `{{${ours}}}` }));
  return [...mapped, ...Object.keys(SEED_VARIABLES_WITHOUT_EQUIVALENT).map((seed) => ({ seed: `{${seed}}`, ours: null }))];
}
