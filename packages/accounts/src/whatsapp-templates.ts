// WhatsApp templates of a workspace's own Twilio account (SPEC §12). A Content SID belongs to the
// account that created it, so a workspace sending WhatsApp from its own account needs its own
// templates there: the template editor writes one per message type and language (text with the
// type's variables, quick replies, WhatsApp category), creates it through that account's Content
// API, submits it for WhatsApp approval, and the periodic job 'whatsapp.approvals' follows the
// approval (the Content API posts no callback when the review ends; the status is fetched).
//
// Twilio's documentation behind each call:
// - create: POST https://content.twilio.com/v1/Content, JSON {friendly_name, language, variables,
//   types: {"twilio/quick-reply": {body, actions: [{title, id}]}, "twilio/text": {body}}}
//   (https://www.twilio.com/docs/content/content-api-resources, .../content/twilio-quick-reply);
// - submit: POST /v1/Content/{Sid}/ApprovalRequests/whatsapp, JSON {name, category}
//   (https://www.twilio.com/docs/content/create-and-send-your-first-content-api-template);
// - follow: GET /v1/Content/{Sid}/ApprovalRequests → whatsapp.status (received, pending, approved,
//   rejected, paused, disabled) and whatsapp.rejection_reason
//   (https://www.twilio.com/docs/whatsapp/tutorial/message-template-approvals-statuses).
// WhatsApp rejects a body that starts or ends with a variable or has two variables side by side,
// so the editor refuses those before anything is submitted.
//
// Numbering (decision 039): each template numbers only the variables its text uses, in the order
// they first appear, without a gap — WhatsApp refuses "{{1}} … {{3}}" and wants a sample per variable
// (https://www.twilio.com/docs/content/using-variables-with-content-api; Twilio's 63028 names
// "sequential numbering without skipping integers", https://www.twilio.com/docs/api/errors/63028).
// The names in number order are kept on the row and, once approved, on the account by Content SID,
// so the send path fills ContentVariables with that template's numbers. A Content created before
// (no names kept) was numbered by the fixed order of WHATSAPP_CONTENT_VARIABLES: approved, it keeps
// sending with those numbers; pending or rejected with a gap, it is flagged to be submitted again.
//
// The switch to the own WhatsApp sender (`switchOwnWhatsApp`) is allowed only once the types the
// flow sends outside the 24-hour window (WHATSAPP_CONTENT_REQUIRED: the rating request and its
// reminder) are approved on that account in the workspace's language; until then the workspace
// keeps sending WhatsApp on the platform's sender.
import type { EntityManager } from "@mikro-orm/postgresql";
import { TwilioAccount, WhatsAppTemplate, WhatsAppTemplateStatus, Workspace, workspaceEm, type TemplateType } from "@rm/db";
import {
  isWhatsAppContentType,
  PLATFORM_TEMPLATE_TEXTS,
  WHATSAPP_CONTENT_REQUIRED,
  WHATSAPP_CONTENT_VARIABLES,
  type WhatsAppContentLanguage,
  type WhatsAppContentType,
} from "@rm/domain";
import { isTwilioRestException } from "@rm/twilio";
import { recordAudit } from "./audit.ts";
import { AccountsError, ValidationError } from "./errors.ts";
import { connectedAccountClient, type OwnSenderActor, type OwnSenderDeps } from "./own-sender.ts";
import { followLibraryApprovals, libraryNumbering } from "./library-whatsapp.ts";
import { SAMPLE_VALUES } from "./templates.ts";

export type WhatsAppCategory = "UTILITY" | "MARKETING";
export const WHATSAPP_CATEGORIES: readonly WhatsAppCategory[] = ["UTILITY", "MARKETING"];

export interface WhatsAppTemplateView {
  id: string;
  type: WhatsAppContentType;
  language: string;
  category: WhatsAppCategory;
  body: string;
  buttons: string[];
  contentSid: string | null;
  status: WhatsAppTemplateStatus;
  providerStatus: string | null;
  rejectionReason: string | null;
  submittedAt: string | null;
  checkedAt: string | null;
  /**
   * Created before the numbering without gaps, with a gap WhatsApp refuses, and not approved: it
   * can be submitted again as it is (a new Content numbered without gaps).
   */
  resubmit: boolean;
}

const MAX_BODY = 1024;
const MAX_BUTTONS = 10;
const MAX_BUTTON_TITLE = 20;

/**
 * Named variables → Twilio's numbered placeholders, without gaps: {{1}} is the first variable the text
 * uses, and so on (decision 039). `names` are the variables in number order, kept with the template.
 */
export function toNumbered(body: string): { body: string; names: string[] } {
  return libraryNumbering(body);
}

/** How a Content created before decision 039 was numbered: by the type's fixed order, gaps and all. */
function fixedNumbered(type: WhatsAppContentType, body: string): string {
  const names = WHATSAPP_CONTENT_VARIABLES[type];
  return body.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (m, name: string) => {
    const i = names.indexOf(name as (typeof names)[number]);
    return i < 0 ? m : `{{${i + 1}}}`;
  });
}

/** Whether numbered placeholders skip a number ("{{1}} … {{3}}"), which WhatsApp refuses. */
export function skipsANumber(numberedBody: string): boolean {
  const numbers = new Set([...numberedBody.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((m) => Number(m[1])));
  for (let i = 1; i <= numbers.size; i++) if (!numbers.has(i)) return true;
  return false;
}

/** A Content numbered the old way with a gap and not approved: flagged to be submitted again. */
function needsResubmit(row: WhatsAppTemplate): boolean {
  return Boolean(row.contentSid) && row.variables == null && row.status !== WhatsAppTemplateStatus.APPROVED && row.status !== WhatsAppTemplateStatus.DRAFT && skipsANumber(fixedNumbered(row.type as WhatsAppContentType, row.body));
}

/** The platform's text for the type, with named variables: the editor's starting point. */
export function defaultWhatsAppText(type: WhatsAppContentType, language: string): { body: string; buttons: string[] } {
  const text = PLATFORM_TEMPLATE_TEXTS[(language === "en" ? "en" : "es") as WhatsAppContentLanguage][type];
  const names = WHATSAPP_CONTENT_VARIABLES[type];
  let body = text.body.replace(/\{\{\s*(\d+)\s*\}\}/g, (_m, n: string) => `{{${names[Number(n) - 1] ?? n}}}`);
  // WhatsApp rejects a body that ends with a variable: the starting text closes with a word.
  if (/\}\}\s*$/.test(body)) body = `${body.trimEnd()} ${language === "en" ? "Thank you." : "Gracias."}`;
  return { body, buttons: (text.buttons ?? []).map((b) => b.title) };
}

/**
 * WhatsApp's placement rules for variables in a template body (it rejects a body that starts or ends
 * with a variable, or has two side by side): the catalogue code of the first one broken, or null.
 */
export function whatsappFormattingProblem(body: string): "whatsappTemplate.error.edgeVariable" | "whatsappTemplate.error.adjacentVariables" | null {
  const trimmed = body.trim();
  if (/^\{\{[^}]*\}\}/.test(trimmed) || /\{\{[^}]*\}\}[.!?]?$/.test(trimmed)) return "whatsappTemplate.error.edgeVariable";
  if (/\}\}\s*\{\{/.test(trimmed)) return "whatsappTemplate.error.adjacentVariables";
  return null;
}

/** What WhatsApp would refuse in this text, as field errors (Spanish; the route shows the catalogue's text by code). */
export function whatsappTextProblems(type: WhatsAppContentType, body: string, buttons: string[]): Record<string, string> {
  const errors: Record<string, string> = {};
  const allowed = WHATSAPP_CONTENT_VARIABLES[type];
  const used = [...body.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]!);
  const unknown = used.filter((v) => !(allowed as readonly string[]).includes(v));
  const trimmed = body.trim();
  if (!trimmed) errors.body = "whatsappTemplate.error.empty";
  else if (trimmed.length > MAX_BODY) errors.body = "whatsappTemplate.error.tooLong";
  else if (unknown.length) errors.body = "whatsappTemplate.error.unknownVariable";
  else {
    const formatting = whatsappFormattingProblem(trimmed);
    if (formatting) errors.body = formatting;
  }
  if (buttons.length > MAX_BUTTONS || buttons.some((b) => b.length > MAX_BUTTON_TITLE)) errors.buttons = "whatsappTemplate.error.buttons";
  return errors;
}

function view(row: WhatsAppTemplate): WhatsAppTemplateView {
  return {
    id: row.id,
    type: row.type as WhatsAppContentType,
    language: row.language,
    category: row.category as WhatsAppCategory,
    body: row.body,
    buttons: row.buttons,
    contentSid: row.contentSid ?? null,
    status: row.status as WhatsAppTemplateStatus,
    providerStatus: row.providerStatus ?? null,
    rejectionReason: row.rejectionReason ?? null,
    submittedAt: row.submittedAt?.toISOString() ?? null,
    checkedAt: row.checkedAt?.toISOString() ?? null,
    resubmit: needsResubmit(row),
  };
}

async function connectedAccount(wem: EntityManager, workspaceId: string): Promise<TwilioAccount> {
  const account = await wem.findOne(TwilioAccount, { workspace: workspaceId });
  if (!account) throw new AccountsError("own_sender.not_connected", "Conecte primero una cuenta de Twilio");
  return account;
}

/** The own account's template for that type and language (null when none was written yet, or no account). */
export async function whatsappTemplateFor(em: EntityManager, workspaceId: string, type: string, language: string): Promise<{ accountSid: string; template: WhatsAppTemplateView | null } | null> {
  const wem = workspaceEm(em, workspaceId);
  const account = await wem.findOne(TwilioAccount, { workspace: workspaceId });
  if (!account || !isWhatsAppContentType(type)) return null;
  const row = await wem.findOne(WhatsAppTemplate, { workspace: workspaceId, accountSid: account.accountSid, type: type as TemplateType, language });
  return { accountSid: account.accountSid, template: row ? view(row) : null };
}

/**
 * Saves the own account's WhatsApp text for a type and language. A changed text, buttons or category
 * is a new template at Twilio: the row goes back to DRAFT and forgets its Content SID.
 */
export async function saveWhatsAppTemplate(
  em: EntityManager,
  actor: OwnSenderActor,
  input: { type: string; language: string; body: string; buttons: string; category: string },
): Promise<WhatsAppTemplateView> {
  const wem = workspaceEm(em, actor.workspaceId);
  const account = await connectedAccount(wem, actor.workspaceId);
  if (!isWhatsAppContentType(input.type)) throw new AccountsError("whatsapp_template.type", "Este tipo de mensaje no se envía como plantilla de WhatsApp");
  const language = input.language === "en" ? "en" : "es";
  const category = (WHATSAPP_CATEGORIES as readonly string[]).includes(input.category) ? (input.category as WhatsAppCategory) : null;
  const body = input.body.trim();
  const buttons = input.buttons
    .split(/\r?\n/)
    .map((b) => b.trim())
    .filter(Boolean);
  const errors = whatsappTextProblems(input.type, body, buttons);
  if (!category) errors.category = "whatsappTemplate.error.category";
  if (Object.keys(errors).length) throw new ValidationError(errors);
  let row = await wem.findOne(WhatsAppTemplate, { workspace: actor.workspaceId, accountSid: account.accountSid, type: input.type as TemplateType, language });
  const changed = !row || row.body !== body || JSON.stringify(row.buttons) !== JSON.stringify(buttons) || row.category !== category;
  if (!row) {
    row = wem.create(WhatsAppTemplate, {
      workspace: wem.getReference(Workspace, actor.workspaceId),
      accountSid: account.accountSid,
      type: input.type as TemplateType,
      language,
      category: category!,
      body,
      buttons,
    });
  } else if (changed) {
    if (row.status === WhatsAppTemplateStatus.APPROVED) dropApprovedSid(account, row);
    Object.assign(row, { body, buttons, category: category!, contentSid: null, variables: null, status: WhatsAppTemplateStatus.DRAFT, providerStatus: null, rejectionReason: null, submittedAt: null, checkedAt: null, approvedAt: null });
  }
  if (changed) {
    recordAudit(wem, { workspaceId: actor.workspaceId, actorId: actor.userId, action: "whatsapp_template.saved", entityType: "whatsapp_template", entityId: row.id, ip: actor.ip ?? null, details: { type: input.type, language, category } });
  }
  await wem.flush();
  return view(row);
}

/** The Content create body, in Twilio's wire names, and the variable names in number order. */
function contentRequest(row: WhatsAppTemplate, friendlyName: string): { request: Record<string, unknown>; names: string[] } {
  const { body, names } = toNumbered(row.body);
  // A sample per variable: WhatsApp does not review a template without them.
  const variables = Object.fromEntries(names.map((n, i) => [String(i + 1), SAMPLE_VALUES[n as keyof typeof SAMPLE_VALUES] ?? n]));
  const types: Record<string, unknown> = { "twilio/text": { body } };
  if (row.buttons.length > 0) types["twilio/quick-reply"] = { body, actions: row.buttons.map((title) => ({ title, id: title })) };
  return { request: { friendly_name: friendlyName, language: row.language, variables, types }, names };
}

/** Creates the template at the own account (once per text) and submits it for WhatsApp approval. */
export async function submitWhatsAppTemplate(em: EntityManager, deps: OwnSenderDeps, actor: OwnSenderActor, id: string): Promise<WhatsAppTemplateView> {
  const wem = workspaceEm(em, actor.workspaceId);
  const account = await connectedAccount(wem, actor.workspaceId);
  const row = await wem.findOne(WhatsAppTemplate, { id, workspace: actor.workspaceId, accountSid: account.accountSid });
  if (!row) throw new AccountsError("whatsapp_template.not_found", "No existe esa plantilla");
  if (needsResubmit(row)) {
    // The old Content skips a number and WhatsApp will not approve it: a new one, numbered without gaps.
    Object.assign(row, { contentSid: null, variables: null, status: WhatsAppTemplateStatus.DRAFT, providerStatus: null, rejectionReason: null, submittedAt: null, checkedAt: null });
  }
  if (row.status !== WhatsAppTemplateStatus.DRAFT) throw new AccountsError("whatsapp_template.not_draft", "Solo se envía a aprobación un borrador: edite el texto para enviarlo de nuevo");
  const twilio = connectedAccountClient(deps, account);
  // WhatsApp's names: lowercase letters, digits and underscores, unique in the account.
  const name = `rm_${row.type.toLowerCase()}_${row.language}_${row.id.replaceAll("-", "").slice(0, 8)}_${Date.now().toString(36)}`;
  try {
    if (!row.contentSid) {
      const { request, names } = contentRequest(row, name);
      const created = await twilio.content.v1.contents.create(request as never);
      // Kept at once: a failed submission below reuses this Content instead of creating another.
      row.contentSid = created.sid;
      row.variables = names;
      await wem.flush();
    }
    const answer = await twilio.content.v1.contents(row.contentSid).approvalCreate.create({ name, category: row.category } as never);
    row.status = WhatsAppTemplateStatus.PENDING;
    row.providerStatus = String((answer as { status?: unknown }).status ?? "received");
    row.submittedAt = new Date();
    row.rejectionReason = null;
  } catch (err) {
    await wem.flush();
    if (isTwilioRestException(err) && (err.status === 401 || err.status === 403)) throw new AccountsError("own_sender.refused", "Twilio rechazó las credenciales de la cuenta");
    if (isTwilioRestException(err) && err.status === 400) throw new AccountsError("whatsapp_template.refused", `Twilio no aceptó la plantilla: ${err.message}`);
    throw new AccountsError("own_sender.unreachable", "No se pudo enviar a Twilio; inténtelo de nuevo");
  }
  recordAudit(wem, { workspaceId: actor.workspaceId, actorId: actor.userId, action: "whatsapp_template.submitted", entityType: "whatsapp_template", entityId: row.id, ip: actor.ip ?? null, details: { contentSid: row.contentSid, category: row.category } });
  await wem.flush();
  return view(row);
}

function dropApprovedSid(account: TwilioAccount, row: WhatsAppTemplate): void {
  const sids = structuredClone(account.whatsappContentSids ?? {});
  if (sids[row.language]?.[row.type] === row.contentSid) delete sids[row.language]![row.type];
  account.whatsappContentSids = sids;
  const variables = { ...account.whatsappContentVariables };
  if (row.contentSid) delete variables[row.contentSid];
  account.whatsappContentVariables = variables;
}

/**
 * Asks Twilio where one submitted template stands and records it. Approved: its SID joins the
 * account's approved SIDs the send path reads. Rejected, paused or disabled: the reason is kept and
 * the SID leaves that set.
 */
async function checkOne(wem: EntityManager, deps: OwnSenderDeps, account: TwilioAccount, row: WhatsAppTemplate, now: Date): Promise<WhatsAppTemplateStatus> {
  const fetched = await connectedAccountClient(deps, account).content.v1.contents(row.contentSid!).approvalFetch().fetch();
  const wa = (fetched.whatsapp ?? {}) as { status?: string; rejection_reason?: string };
  const status = String(wa.status ?? "").toLowerCase();
  row.providerStatus = status || null;
  row.checkedAt = now;
  if (status === "approved") {
    if (row.status !== WhatsAppTemplateStatus.APPROVED) row.approvedAt = now;
    row.status = WhatsAppTemplateStatus.APPROVED;
    row.rejectionReason = null;
    const sids = structuredClone(account.whatsappContentSids ?? {});
    const replaced = sids[row.language]?.[row.type];
    sids[row.language] = { ...sids[row.language], [row.type]: row.contentSid! };
    account.whatsappContentSids = sids;
    // The send path numbers ContentVariables as this template does; a SID without names here was
    // numbered by the fixed order (created before decision 039).
    const variables = { ...account.whatsappContentVariables };
    if (replaced && replaced !== row.contentSid) delete variables[replaced];
    if (row.variables) variables[row.contentSid!] = row.variables;
    else delete variables[row.contentSid!];
    account.whatsappContentVariables = variables;
  } else if (status === "rejected" || status === "paused" || status === "disabled") {
    if (row.status === WhatsAppTemplateStatus.APPROVED) dropApprovedSid(account, row);
    row.status = WhatsAppTemplateStatus.REJECTED;
    row.rejectionReason = wa.rejection_reason?.trim() || status;
  } else {
    row.status = WhatsAppTemplateStatus.PENDING;
  }
  await wem.flush();
  return row.status as WhatsAppTemplateStatus;
}

/** The owner's "check now" on one template. */
export async function checkWhatsAppTemplate(em: EntityManager, deps: OwnSenderDeps, actor: OwnSenderActor, id: string): Promise<WhatsAppTemplateView> {
  const wem = workspaceEm(em, actor.workspaceId);
  const account = await connectedAccount(wem, actor.workspaceId);
  const row = await wem.findOne(WhatsAppTemplate, { id, workspace: actor.workspaceId, accountSid: account.accountSid });
  if (!row || !row.contentSid || row.status === WhatsAppTemplateStatus.DRAFT) throw new AccountsError("whatsapp_template.not_found", "No existe esa plantilla enviada");
  try {
    await checkOne(wem, deps, account, row, new Date());
  } catch (err) {
    if (err instanceof AccountsError) throw err;
    throw new AccountsError("own_sender.unreachable", "No se pudo consultar a Twilio; inténtelo de nuevo");
  }
  return view(row);
}

/**
 * The periodic job 'whatsapp.approvals': every template still pending review (the per-type ones and
 * the library texts submitted for broadcasts), oldest check first,
 * asked in its own short transaction (a Twilio error on one leaves it for the next run).
 * Deliberately cross-tenant: a system sweep over the rows this package owns.
 */
export async function followWhatsAppApprovals(em: EntityManager, deps: OwnSenderDeps, now: Date, limit = 200): Promise<{ checked: number; approved: number; rejected: number; failed: number }> {
  const due = await em.fork().execute<{ id: string; workspace_id: string }[]>(
    `select t.id::text as id, t.workspace_id::text as workspace_id from whatsapp_templates t
       join twilio_accounts a on a.workspace_id = t.workspace_id and a.account_sid = t.account_sid
      where t.status = 'PENDING' and t.content_sid is not null
      order by t.checked_at asc nulls first limit ?`,
    [limit],
  );
  const summary = { checked: 0, approved: 0, rejected: 0, failed: 0 };
  for (const { id, workspace_id } of due) {
    try {
      const status = await em.fork().transactional(async (tem) => {
        const wem = workspaceEm(tem, workspace_id);
        const account = await wem.findOne(TwilioAccount, { workspace: workspace_id });
        const row = await wem.findOne(WhatsAppTemplate, { id, workspace: workspace_id });
        if (!account || !row || row.accountSid !== account.accountSid || row.status !== WhatsAppTemplateStatus.PENDING) return null;
        return checkOne(wem, deps, account, row, now);
      });
      if (status === null) continue;
      summary.checked++;
      if (status === WhatsAppTemplateStatus.APPROVED) summary.approved++;
      if (status === WhatsAppTemplateStatus.REJECTED) summary.rejected++;
    } catch {
      summary.failed++;
    }
  }
  // The library texts submitted for broadcasts are followed by the same job (library-whatsapp.ts).
  const library = await followLibraryApprovals(em, deps, now, limit);
  for (const k of ["checked", "approved", "rejected", "failed"] as const) summary[k] += library[k];
  return summary;
}

export interface OwnWhatsAppReadiness {
  connected: boolean;
  /** A number or Messaging Service of the account is chosen. */
  senderChosen: boolean;
  switched: boolean;
  language: string;
  /** The templates the switch needs, with where each stands (null: not written yet). */
  required: { type: WhatsAppContentType; status: WhatsAppTemplateStatus | null; rejectionReason: string | null }[];
  /** Whether the switch is allowed now. */
  ready: boolean;
}

/** Where the switch to the own WhatsApp sender stands, and why it is blocked when it is. */
export async function ownWhatsAppReadiness(em: EntityManager, workspaceId: string): Promise<OwnWhatsAppReadiness> {
  const wem = workspaceEm(em, workspaceId);
  const workspace = await wem.findOneOrFail(Workspace, { id: workspaceId });
  const language = workspace.defaultLanguage === "en" ? "en" : "es";
  const account = await wem.findOne(TwilioAccount, { workspace: workspaceId });
  const rows = account ? await wem.find(WhatsAppTemplate, { workspace: workspaceId, accountSid: account.accountSid, language }) : [];
  const required = WHATSAPP_CONTENT_REQUIRED.map((type) => {
    const row = rows.find((r) => r.type === type);
    return { type, status: (row?.status as WhatsAppTemplateStatus | undefined) ?? null, rejectionReason: row?.rejectionReason ?? null };
  });
  const senderChosen = Boolean(account && (account.phoneNumber || account.messagingServiceSid));
  return {
    connected: Boolean(account),
    senderChosen,
    switched: Boolean(account?.whatsappSwitchedAt),
    language,
    required,
    ready: senderChosen && required.every((r) => r.status === WhatsAppTemplateStatus.APPROVED),
  };
}

/** Switches WhatsApp to the own account's sender (on) or back to the platform's (off); audited. */
export async function switchOwnWhatsApp(em: EntityManager, actor: OwnSenderActor, on: boolean): Promise<void> {
  const wem = workspaceEm(em, actor.workspaceId);
  const account = await connectedAccount(wem, actor.workspaceId);
  if (on) {
    const readiness = await ownWhatsAppReadiness(em, actor.workspaceId);
    if (!readiness.senderChosen) throw new AccountsError("whatsapp_switch.no_sender", "Elija primero el número o servicio de su cuenta");
    if (!readiness.ready) throw new AccountsError("whatsapp_switch.not_approved", "Las plantillas de WhatsApp de su cuenta aún no están aprobadas");
    account.whatsappSwitchedAt = new Date();
  } else {
    account.whatsappSwitchedAt = null;
  }
  recordAudit(wem, { workspaceId: actor.workspaceId, actorId: actor.userId, action: on ? "own_sender.whatsapp_switched" : "own_sender.whatsapp_unswitched", entityType: "twilio_account", entityId: account.accountSid, ip: actor.ip ?? null, details: {} });
  await wem.flush();
}
