// Library texts as WhatsApp templates of the workspace's own account (SPEC §14, decision 034): a
// broadcast by WhatsApp goes only from the practice's own sender and only as a template WhatsApp
// approved there, so a library text is created through that account's Content API, submitted for
// approval in its category (MARKETING or UTILITY), and followed by the periodic job
// 'whatsapp.approvals' like the per-type templates (whatsapp-templates.ts, decision 023). Its state
// lives on its `templates` row; an edit of the text or category clears it (library.ts).
//
// Variables: the text's named variables become Twilio's numbered placeholders in the order they
// first appear, so the numbers never skip one — WhatsApp refuses "{{1}} … {{3}}" and wants a sample
// for each variable; it also refuses a template with too many variables for its length, "for every
// x variables there needs to be 2x+1 non variable words"
// (https://www.twilio.com/docs/content/using-variables-with-content-api). The broadcast fills the
// same numbers from each contact (`libraryContentVariables`), sent as ContentVariables with the
// Content SID (https://www.twilio.com/docs/content/create-and-send-your-first-content-api-template).
import type { EntityManager } from "@mikro-orm/postgresql";
import { coded, type Coded } from "@rm/catalogue";
import { Template, TemplateType, TwilioAccount, WhatsAppTemplateStatus, workspaceEm } from "@rm/db";
import { whatsappValue } from "@rm/domain";
import { isTwilioRestException } from "@rm/twilio";
import { recordAudit } from "./audit.ts";
import { AccountsError } from "./errors.ts";
import { connectedAccountClient, type OwnSenderActor, type OwnSenderDeps } from "./own-sender.ts";
import { SAMPLE_VALUES } from "./templates.ts";
import { whatsappFormattingProblem } from "./whatsapp-templates.ts";

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** The text with Twilio's numbered placeholders, and the variable names in number order. */
export function libraryNumbering(body: string): { body: string; names: string[] } {
  const names: string[] = [];
  const numbered = body.replace(PLACEHOLDER, (_m, name: string) => {
    if (!names.includes(name)) names.push(name);
    return `{{${names.indexOf(name) + 1}}}`;
  });
  return { body: numbered, names };
}

/**
 * ContentVariables for one recipient: number → value, in the numbering of `libraryNumbering`. With the
 * recipient's language, an empty value (a contact without a name) gets its fallback: Twilio refuses an
 * empty one (21656, https://www.twilio.com/docs/api/errors/21656).
 */
export function libraryContentVariables(names: readonly string[], values: Readonly<Record<string, string | null | undefined>>, language?: string): Record<string, string> {
  return Object.fromEntries(names.map((n, i) => [String(i + 1), language === undefined ? (values[n] ?? "") : whatsappValue(n, values[n], language)]));
}

/**
 * What keeps this text from going to WhatsApp, as a catalogue text, or null. A broadcast fills
 * {{name}} and {{practice}} only, and WhatsApp refuses an empty variable value, so {{doctor}} is refused.
 */
export function libraryWhatsAppProblem(entry: { body: string; forWhatsapp: boolean; category: string }): Coded | null {
  if (!entry.forWhatsapp) return coded("library.whatsapp.error.notForWhatsapp");
  if (entry.category !== "MARKETING" && entry.category !== "UTILITY") return coded("library.error.category");
  const { body, names } = libraryNumbering(entry.body);
  if (names.some((n) => n !== "name" && n !== "practice")) return coded("library.whatsapp.error.variables");
  const formatting = whatsappFormattingProblem(entry.body);
  if (formatting) return coded(formatting);
  const words = body.replace(/\{\{\d+\}\}/g, " ").split(/\s+/).filter(Boolean).length;
  if (words < 2 * names.length + 1) return coded("library.whatsapp.error.tooFewWords", { needed: 2 * names.length + 1 });
  return null;
}

export type LibraryWhatsAppStatus = "DRAFT" | "PENDING" | "APPROVED" | "REJECTED";

export interface LibraryWhatsAppState {
  /** The workspace has connected its own Twilio account. */
  connected: boolean;
  /** WhatsApp goes from that account (the owner switched it). */
  switched: boolean;
  /** DRAFT: never submitted on the connected account (or edited since). */
  status: LibraryWhatsAppStatus;
  /** WhatsApp paused or disabled an approved template (low quality): status REJECTED with this word. */
  paused: boolean;
  providerStatus: string | null;
  rejectionReason: string | null;
  contentSid: string | null;
  category: string;
  submittedAt: string | null;
  checkedAt: string | null;
  /** Why the text cannot be submitted as it is, or null. */
  problem: Coded | null;
}

function stateOf(entry: Template, account: TwilioAccount | null): LibraryWhatsAppState {
  // A Content SID belongs to the account that created it: another account connected since starts over.
  const same = account !== null && entry.whatsappAccountSid === account.accountSid && entry.whatsappStatus != null;
  const providerStatus = same ? (entry.whatsappProviderStatus ?? null) : null;
  return {
    connected: account !== null,
    switched: Boolean(account?.whatsappSwitchedAt),
    status: same ? (entry.whatsappStatus as LibraryWhatsAppStatus) : "DRAFT",
    paused: same && entry.whatsappStatus === WhatsAppTemplateStatus.REJECTED && (providerStatus === "paused" || providerStatus === "disabled"),
    providerStatus,
    rejectionReason: same ? (entry.whatsappRejectionReason ?? null) : null,
    contentSid: same ? (entry.whatsappContentSid ?? null) : null,
    category: entry.category,
    submittedAt: same ? (entry.whatsappSubmittedAt?.toISOString() ?? null) : null,
    checkedAt: same ? (entry.whatsappCheckedAt?.toISOString() ?? null) : null,
    problem: libraryWhatsAppProblem(entry),
  };
}

async function load(em: EntityManager, workspaceId: string, templateId: string): Promise<{ wem: EntityManager; entry: Template | null; account: TwilioAccount | null }> {
  const wem = workspaceEm(em, workspaceId);
  const entry = /^[0-9a-f-]{36}$/i.test(templateId) ? await wem.findOne(Template, { id: templateId, workspace: workspaceId, type: TemplateType.BROADCAST }) : null;
  const account = await wem.findOne(TwilioAccount, { workspace: workspaceId });
  return { wem, entry, account };
}

/** Where a library text stands at WhatsApp on the workspace's own account (null: no such text here). */
export async function libraryWhatsAppState(em: EntityManager, workspaceId: string, templateId: string): Promise<LibraryWhatsAppState | null> {
  const { entry, account } = await load(em, workspaceId, templateId);
  return entry ? stateOf(entry, account) : null;
}

/** Creates the text's Content at the own account (once per text) and submits it for WhatsApp approval in its category. */
export async function submitLibraryToWhatsApp(em: EntityManager, deps: OwnSenderDeps, actor: OwnSenderActor, templateId: string): Promise<LibraryWhatsAppState> {
  const { wem, entry, account } = await load(em, actor.workspaceId, templateId);
  if (!entry) throw new AccountsError("not_found", "Plantilla no encontrada.");
  if (!account) throw new AccountsError("own_sender.not_connected", coded("library.whatsapp.error.notConnected"));
  const state = stateOf(entry, account);
  if (state.problem) throw new AccountsError("library_whatsapp.problem", state.problem);
  if (state.status !== "DRAFT") throw new AccountsError("library_whatsapp.not_draft", coded("library.whatsapp.error.notDraft"));
  if (entry.whatsappAccountSid !== account.accountSid) entry.whatsappContentSid = null;
  const twilio = connectedAccountClient(deps, account);
  // WhatsApp's names: lowercase letters, digits and underscores, unique in the account.
  const name = `rm_broadcast_${entry.language}_${entry.id.replaceAll("-", "").slice(0, 8)}_${Date.now().toString(36)}`;
  const numbered = libraryNumbering(entry.body);
  try {
    if (!entry.whatsappContentSid) {
      const created = await twilio.content.v1.contents.create({
        friendly_name: name,
        language: entry.language,
        // A sample per variable: WhatsApp does not review a template without them.
        variables: libraryContentVariables(numbered.names, SAMPLE_VALUES as Record<string, string>),
        types: { "twilio/text": { body: numbered.body } },
      } as never);
      // Kept at once: a failed submission below reuses this Content instead of creating another.
      entry.whatsappContentSid = created.sid;
      entry.whatsappAccountSid = account.accountSid;
      entry.whatsappStatus = WhatsAppTemplateStatus.DRAFT;
      await wem.flush();
    }
    const answer = await twilio.content.v1.contents(entry.whatsappContentSid).approvalCreate.create({ name, category: entry.category } as never);
    entry.whatsappStatus = WhatsAppTemplateStatus.PENDING;
    entry.whatsappProviderStatus = String((answer as { status?: unknown }).status ?? "received");
    entry.whatsappSubmittedAt = new Date();
    entry.whatsappRejectionReason = null;
  } catch (err) {
    await wem.flush();
    if (isTwilioRestException(err) && (err.status === 401 || err.status === 403)) throw new AccountsError("own_sender.refused", coded("library.whatsapp.error.credentials"));
    if (isTwilioRestException(err) && err.status === 400) throw new AccountsError("library_whatsapp.refused", coded("library.whatsapp.error.refused", { reason: err.message }));
    throw new AccountsError("own_sender.unreachable", coded("library.whatsapp.error.unreachable"));
  }
  recordAudit(wem, { workspaceId: actor.workspaceId, actorId: actor.userId, action: "template.whatsapp_submitted", entityType: "template", entityId: entry.id, ip: actor.ip ?? null, details: { contentSid: entry.whatsappContentSid, category: entry.category } });
  await wem.flush();
  return stateOf(entry, account);
}

/** WhatsApp's answer on one Content's approval: our status, Twilio's word and the reason. */
export async function fetchApproval(deps: OwnSenderDeps, account: TwilioAccount, contentSid: string): Promise<{ status: WhatsAppTemplateStatus; providerStatus: string | null; reason: string | null }> {
  const fetched = await connectedAccountClient(deps, account).content.v1.contents(contentSid).approvalFetch().fetch();
  const wa = (fetched.whatsapp ?? {}) as { status?: string; rejection_reason?: string };
  const word = String(wa.status ?? "").toLowerCase();
  if (word === "approved") return { status: WhatsAppTemplateStatus.APPROVED, providerStatus: word, reason: null };
  if (word === "rejected" || word === "paused" || word === "disabled") return { status: WhatsAppTemplateStatus.REJECTED, providerStatus: word, reason: wa.rejection_reason?.trim() || word };
  return { status: WhatsAppTemplateStatus.PENDING, providerStatus: word || null, reason: null };
}

async function checkEntry(wem: EntityManager, deps: OwnSenderDeps, account: TwilioAccount, entry: Template, now: Date): Promise<WhatsAppTemplateStatus> {
  const answer = await fetchApproval(deps, account, entry.whatsappContentSid!);
  if (answer.status === WhatsAppTemplateStatus.APPROVED && entry.whatsappStatus !== WhatsAppTemplateStatus.APPROVED) entry.whatsappApprovedAt = now;
  entry.whatsappStatus = answer.status;
  entry.whatsappProviderStatus = answer.providerStatus;
  entry.whatsappRejectionReason = answer.reason;
  entry.whatsappCheckedAt = now;
  await wem.flush();
  return answer.status;
}

/** The "check now" of the library page: asks Twilio where the submitted text stands. */
export async function checkLibraryWhatsApp(em: EntityManager, deps: OwnSenderDeps, actor: OwnSenderActor, templateId: string): Promise<LibraryWhatsAppState> {
  const { wem, entry, account } = await load(em, actor.workspaceId, templateId);
  if (!entry) throw new AccountsError("not_found", "Plantilla no encontrada.");
  if (!account) throw new AccountsError("own_sender.not_connected", coded("library.whatsapp.error.notConnected"));
  if (stateOf(entry, account).status === "DRAFT" || !entry.whatsappContentSid) throw new AccountsError("library_whatsapp.not_submitted", coded("library.whatsapp.error.notSubmitted"));
  try {
    await checkEntry(wem, deps, account, entry, new Date());
  } catch {
    throw new AccountsError("own_sender.unreachable", coded("library.whatsapp.error.unreachable"));
  }
  return stateOf(entry, account);
}

/**
 * The library texts under review, for the periodic job 'whatsapp.approvals' (called by
 * `followWhatsAppApprovals`): each asked in its own short transaction, oldest check first. Approved
 * texts are asked again once an hour: WhatsApp pauses a template whose quality falls, and a
 * broadcast must be refused before it is sent rather than fail message by message.
 * Deliberately cross-tenant: a system sweep over rows this package owns.
 */
export async function followLibraryApprovals(em: EntityManager, deps: OwnSenderDeps, now: Date, limit: number): Promise<{ checked: number; approved: number; rejected: number; failed: number }> {
  const due = await em.fork().execute<{ id: string; workspace_id: string }[]>(
    `select t.id::text as id, t.workspace_id::text as workspace_id from templates t
       join twilio_accounts a on a.workspace_id = t.workspace_id and a.account_sid = t.whatsapp_account_sid
      where (t.whatsapp_status = 'PENDING' or (t.whatsapp_status = 'APPROVED' and t.whatsapp_checked_at < ?::timestamptz - interval '1 hour'))
        and t.whatsapp_content_sid is not null
      order by t.whatsapp_checked_at asc nulls first limit ?`,
    [now, limit],
  );
  const summary = { checked: 0, approved: 0, rejected: 0, failed: 0 };
  for (const { id, workspace_id } of due) {
    try {
      const status = await em.fork().transactional(async (tem) => {
        const { wem, entry, account } = await load(tem, workspace_id, id);
        if (!entry || !account || entry.whatsappAccountSid !== account.accountSid || (entry.whatsappStatus !== WhatsAppTemplateStatus.PENDING && entry.whatsappStatus !== WhatsAppTemplateStatus.APPROVED)) return null;
        return checkEntry(wem, deps, account, entry, now);
      });
      if (status === null) continue;
      summary.checked++;
      if (status === WhatsAppTemplateStatus.APPROVED) summary.approved++;
      if (status === WhatsAppTemplateStatus.REJECTED) summary.rejected++;
    } catch {
      summary.failed++;
    }
  }
  return summary;
}

export type BroadcastWhatsAppTemplate =
  | { ok: true; contentSid: string; category: "MARKETING" | "UTILITY"; variables: string[] }
  | { ok: false; error: Coded };

/**
 * Whether a WhatsApp broadcast may go with this library text, and what it sends: only from the
 * practice's own sender (never the platform's shared one) and only with the text's template approved
 * on that account as MARKETING. The refusals name the step that is missing.
 */
export async function broadcastWhatsAppTemplate(em: EntityManager, workspaceId: string, templateId: string): Promise<BroadcastWhatsAppTemplate> {
  const { entry, account } = await load(em, workspaceId, templateId);
  if (!entry) return { ok: false, error: coded("broadcast.error.template") };
  if (!account) return { ok: false, error: coded("broadcast.error.whatsappNotConnected") };
  if (!account.whatsappSwitchedAt || !(account.phoneNumber || account.messagingServiceSid)) return { ok: false, error: coded("broadcast.error.whatsappShared") };
  const state = stateOf(entry, account);
  if (state.paused) return { ok: false, error: coded("broadcast.error.whatsappPaused", { reason: state.rejectionReason ?? state.providerStatus ?? "" }) };
  if (state.status === "REJECTED") return { ok: false, error: coded("broadcast.error.whatsappRejected", { reason: state.rejectionReason ?? "" }) };
  if (state.status !== "APPROVED" || !state.contentSid) return { ok: false, error: coded(state.status === "PENDING" ? "broadcast.error.whatsappPending" : "broadcast.error.whatsappTemplate") };
  // A broadcast is marketing to WhatsApp (SPEC §14): a text approved as UTILITY is not sent as one.
  if (entry.category !== "MARKETING") return { ok: false, error: coded("broadcast.error.whatsappNotMarketing") };
  return { ok: true, contentSid: state.contentSid, category: entry.category as "MARKETING" | "UTILITY", variables: libraryNumbering(entry.body).names };
}
