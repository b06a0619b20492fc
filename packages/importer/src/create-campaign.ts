// Campaign creation from imported rows (SPEC §5.1–5.3, §6), in ONE transaction: the campaign, the
// contacts (upserted and locked), the patients, the INITIAL messages with rendered bodies, their
// credit holds and their `message.send` outbox rows due at the send time. Eligibility (consent,
// opt-out, erasure, landline, appointment age, contact cooldown) is decided under the contacts' row
// locks, so two campaigns created at the same moment cannot both ask the same phone.
// Writes are a handful of set-based statements per 10,000 rows (`unnest` of arrays), not one per row,
// each by the package that owns its table (@rm/campaigns, @rm/messaging); the next batch's columns are
// encoded while the previous statement runs.
import { randomBytes, randomUUID } from "node:crypto";
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import {
  analyzeGrownTables,
  defaultTemplateText,
  enqueueOutbox,
  executeBound,
  type SkipReason,
} from "@rm/db";
import { coded } from "@rm/catalogue";
import { getCreditBalance, holdCreditsBulk, InsufficientCreditsError as LedgerInsufficientCreditsError } from "@rm/credits";
import {
  creditsFor,
  DEFAULT_HOURS_AFTER_APPOINTMENT,
  formatAppointmentDate,
  initialSendTime,
  renderTemplate,
  resolveWhatsAppContentSid,
  withinCooldown,
  type PlatformSending,
  type QuietHours,
} from "@rm/domain";
import { CampaignInputError, InsufficientCreditsError, SendBlockedError } from "./errors.ts";
import { sendBlockers, type SendBlocker } from "./send-blockers.ts";
import type { Channel } from "./fields.ts";
import { loadDoctorDirectory, type MatchedDoctor } from "./doctors.ts";
import { messageSendEvent } from "@rm/events";
import { findWorkspacePractice, findWorkspaceUser, insertAudit, listDefaultTemplates, workspaceSendingSettings } from "@rm/accounts";
import { activateDraftCampaign, countIntoRollingCampaign, insertActiveCampaign, joinRollingCampaign } from "@rm/campaigns";
import {
  encodeInitialMessages,
  encodePatients,
  insertInitialMessages,
  insertPatients,
  lastKnownLanguages,
  readContactStates,
  upsertAndLockContacts,
  type ContactState,
} from "@rm/messaging";

const E164 = /^\+[1-9]\d{6,14}$/;
const BATCH = 10_000;
export const MAX_CAMPAIGN_ROWS = 250_000;
// Rows rendered between two turns of the event loop while the database works on the contacts.
const PREPARE_SLICE = 2_000;

/** Lets pending I/O run: a statement just handed to the driver goes out before more JS work starts. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** One patient to import: a `PatientRow` of `parsePatientCsv` fits as it is. */
export interface CampaignRowInput {
  line?: number;
  name: string;
  /** E.164. */
  phone: string;
  /** False for landlines (skipped as NOT_MOBILE). Default true. */
  reachable?: boolean;
  appointmentAt: Date;
  appointmentType?: string | null;
  consent: boolean;
  /** Null/undefined: the campaign's channel. */
  channel?: Channel | null;
  email?: string | null;
  /** Null/undefined: the contact's last known language, else the workspace's patients' language (Spanish by default). */
  language?: "es" | "en" | null;
  /** Consent to broadcasts (SPEC §14): true grants, false withdraws, null/undefined leaves the contact's as it is. */
  marketingConsent?: boolean | null;
  /** The appointment's doctor, a DOCTOR or OWNER of the workspace (a draft's rows carry it resolved). */
  doctorId?: string | null;
  /** Else the doctor as the file names them (`PatientRow.doctor`), matched like a draft's; null/undefined: the campaign's doctor. */
  doctor?: string | null;
}

export interface CreateCampaignInput {
  workspaceId: string;
  practiceId: string;
  /** The doctor the appointments were with ({{doctor}}); null when none. */
  assignedDoctorId: string | null;
  /** Who uploaded (audit log, campaign.created_by). */
  createdById: string;
  name: string;
  /** Channel for rows without one; default the workspace's default channel. */
  channel?: Channel;
  rows: readonly CampaignRowInput[];
  /** Hours after the appointment the request goes out (campaign setting, default 2). */
  scheduledHoursAfter?: number;
  /** Base of the public links (PUBLIC_URL): the rating link in the body is `${publicUrl}/q/<token>`. */
  publicUrl: string;
  now?: Date;
  /** Client address for the audit log. */
  ip?: string | null;
  /** What created it, for the audit log. */
  source?: "csv" | "single" | "api";
  /**
   * Activate this DRAFT campaign (created by `createCampaignDraft`) instead of inserting a new one:
   * its row is updated in the same transaction; `CampaignInputError("DRAFT_NOT_FOUND")` when it is
   * not a DRAFT of the workspace. Its name, practice and creator stay those of the draft.
   */
  draftCampaignId?: string;
  /**
   * Join the rolling campaign of this key (created on first use) instead of inserting a new one:
   * appointments pushed through the API, one campaign per practice and doctor (SPEC §15).
   */
  rollingKey?: string;
  /** The platform's senders and WhatsApp templates (environment), for a workspace without its own. */
  platform?: PlatformSending | undefined;
  /**
   * Told how far the import got, after the credit holds and each batch of patients and of messages
   * (a background confirm shows it on the draft's page). Awaited in turn with the statements.
   */
  onProgress?: ((progress: ImportProgress) => Promise<void>) | undefined;
  /**
   * What the consent history records for the rows with consent (their GRANTED events): a file is
   * IMPORT, a patient entered by hand STAFF; the creator is the actor. Default: IMPORT, no evidence.
   */
  consentGrant?: { source: "IMPORT" | "STAFF" | "API"; evidence: string | null; marketingEvidence?: string | null };
}

export interface CampaignPatientResult {
  patientId: string;
  line: number | null;
  phone: string;
  status: "SCHEDULED" | "SKIPPED";
  skipReason: SkipReason | null;
  /** The INITIAL message, when scheduled. */
  messageId: string | null;
  sendAt: Date | null;
  creditsHeld: number;
}

export interface CreateCampaignResult {
  campaignId: string;
  status: "ACTIVE" | "COMPLETED";
  counts: {
    patients: number;
    scheduled: number;
    skipped: number;
    /** Rows dropped because an earlier row had the same phone. */
    merged: number;
    skippedBy: Partial<Record<SkipReason, number>>;
  };
  creditsHeld: number;
  firstSendAt: Date | null;
  lastSendAt: Date | null;
  /** In input order (merged duplicates left out). */
  patients: CampaignPatientResult[];
  /** Milliseconds per step inside the transaction (settings, contacts, plan, holds, patients, …), for logs and the benchmark. */
  timingsMs: Record<string, number>;
}

/** A patient that would be stored but not messaged, and why (preview lists). */
export interface SkippedPreviewRow {
  line: number | null;
  name: string;
  phone: string;
  reason: SkipReason;
}

export interface CampaignPreview {
  counts: CreateCampaignResult["counts"];
  /** Every patient that would be skipped, in input order (at most `skippedLimit`, default 1,000). */
  skipped: SkippedPreviewRow[];
  credits: { needed: number; available: number; shortfall: number; unlimited: boolean };
  firstSendAt: Date | null;
  lastSendAt: Date | null;
  /** Patients that would be messaged, per channel. */
  channels: Record<Channel, number>;
  /** What stops the send (no sender, no approved WhatsApp template, credits short); empty when it can go. */
  blockers: SendBlocker[];
}

interface Settings {
  plan: string;
  timezone: string;
  quiet: QuietHours | null;
  cooldownDays: number;
  maxAgeDays: number;
  defaultChannel: Channel;
  /** The workspace's own WhatsApp content SIDs by type. */
  contentSids: Record<string, string>;
  smsSender: string | null;
  whatsappSender: string | null;
  practiceName: string;
  doctorName: string;
  /** Each row's doctor (by input index), or null: the campaign's. */
  rowDoctors: (MatchedDoctor | null)[];
  /** Each row's language (by input index): the file's, else the phone's last known, else the workspace's. */
  rowLanguages: string[];
  templates: { INITIAL: Record<Channel, string>; FOLLOWUPS: Record<Channel, string[]> };
}

type Em = EntityManager;

export function toEm(target: MikroORM | EntityManager): Em {
  return "em" in target && !("execute" in target) ? (target as MikroORM).em.fork() : (target as Em);
}

/** Bound-parameter execution now lives in @rm/db; re-exported for this package's other modules. */
export { executeBound };

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? "";
}

/**
 * Each row's doctor: its resolved id, else the name in the file matched like a draft's rows, else
 * null (the campaign's doctor). One lookup of the workspace's doctors, only when a row names one.
 */
async function resolveRowDoctors(em: Em, workspaceId: string, rows: readonly CampaignRowInput[], lenient: boolean): Promise<(MatchedDoctor | null)[]> {
  if (!rows.some((r) => r.doctorId || r.doctor)) return rows.map(() => null);
  const directory = await loadDoctorDirectory(em, workspaceId);
  return rows.map((row) => {
    const line = row.line ?? 0;
    if (row.doctorId) {
      const doctor = directory.byId.get(row.doctorId);
      // A preview shows a draft whose doctor was removed since with the campaign's doctor; confirming refuses it.
      if (!doctor && lenient) return null;
      if (!doctor) throw new CampaignInputError("DOCTOR_NOT_FOUND", coded("imports.error.doctorGone", { line }), "doctor");
      return doctor;
    }
    if (!row.doctor) return null;
    const match = directory.match(row.doctor);
    if (match === "unknown") throw new CampaignInputError("DOCTOR_NOT_FOUND", coded("imports.error.doctorUnknown", { name: row.doctor, line }), "doctor");
    if (match === "ambiguous") throw new CampaignInputError("DOCTOR_NOT_FOUND", coded("imports.error.doctorAmbiguous", { name: row.doctor, line }), "doctor");
    return match;
  });
}

/** Each row's language: the file's, else the phone's last appointment's, else the workspace's. One lookup for the rows without one. */
async function resolveRowLanguages(em: Em, workspaceId: string, rows: readonly CampaignRowInput[], workspaceLanguage: string): Promise<string[]> {
  const unknown = rows.filter((r) => !r.language).map((r) => r.phone);
  const known = unknown.length > 0 ? await lastKnownLanguages(em, workspaceId, unknown) : new Map<string, string>();
  return rows.map((r) => r.language ?? known.get(r.phone) ?? workspaceLanguage);
}

async function loadSettings(
  em: Em,
  input: Pick<CreateCampaignInput, "workspaceId" | "practiceId" | "assignedDoctorId" | "createdById">,
  rows: readonly CampaignRowInput[],
  options: { lenient?: boolean } = {},
): Promise<Settings & { languageTemplates: Map<string, Settings["templates"]> }> {
  const ws = await workspaceSendingSettings(em, input.workspaceId);
  if (!ws) throw new CampaignInputError("WORKSPACE_NOT_FOUND", coded("imports.error.workspaceNotFound"));
  const practice = await findWorkspacePractice(em, input.workspaceId, input.practiceId);
  if (!practice) throw new CampaignInputError("PRACTICE_NOT_FOUND", coded("imports.error.practiceNotFound"), "practiceId");
  const creator = await findWorkspaceUser(em, input.workspaceId, input.createdById);
  if (!creator) throw new CampaignInputError("CREATOR_NOT_FOUND", coded("imports.error.creatorNotFound"), "createdById");
  let doctorName = "";
  if (input.assignedDoctorId) {
    const doctor = await findWorkspaceUser(em, input.workspaceId, input.assignedDoctorId);
    if (!doctor) throw new CampaignInputError("DOCTOR_NOT_FOUND", coded("imports.error.doctorNotFound"), "assignedDoctorId");
    doctorName = doctor.name;
  }
  const rowDoctors = await resolveRowDoctors(em, input.workspaceId, rows, options.lenient ?? false);
  const rowLanguages = await resolveRowLanguages(em, input.workspaceId, rows, ws.defaultLanguage);
  const languages = new Set(rowLanguages);
  const templateRows = await listDefaultTemplates(em, input.workspaceId, ["INITIAL", "FOLLOWUP_HAPPY", "FOLLOWUP_UNHAPPY"]);
  // A patient in English without an English template of the workspace gets the built-in English text, never the Spanish one.
  const pick = (type: string, language: string, channel: Channel): string => defaultTemplateText(templateRows, type, language, channel);
  const languageTemplates = new Map<string, Settings["templates"]>();
  for (const language of new Set(["es", ...languages])) {
    languageTemplates.set(language, {
      INITIAL: { SMS: pick("INITIAL", language, "SMS"), WHATSAPP: pick("INITIAL", language, "WHATSAPP") },
      FOLLOWUPS: {
        SMS: [pick("FOLLOWUP_HAPPY", language, "SMS"), pick("FOLLOWUP_UNHAPPY", language, "SMS")],
        WHATSAPP: [pick("FOLLOWUP_HAPPY", language, "WHATSAPP"), pick("FOLLOWUP_UNHAPPY", language, "WHATSAPP")],
      },
    });
  }
  return {
    plan: ws.plan,
    timezone: practice.timezone ?? ws.timezone,
    quiet: ws.quietHoursStart && ws.quietHoursEnd ? { start: ws.quietHoursStart, end: ws.quietHoursEnd } : null,
    cooldownDays: ws.contactCooldownDays,
    maxAgeDays: ws.maxAppointmentAgeDays,
    defaultChannel: ws.defaultChannel,
    contentSids: ws.whatsappContentSids,
    smsSender: ws.smsSender,
    whatsappSender: ws.whatsappSender,
    practiceName: practice.name,
    doctorName,
    rowDoctors,
    rowLanguages,
    templates: languageTemplates.get("es")!,
    languageTemplates,
  };
}

/** Patients per channel among the rows that will be messaged, and what stops them being sent. */
function sendCheck(
  sends: readonly Planned[],
  settings: { smsSender: string | null; whatsappSender: string | null; contentSids: Record<string, string> },
  platform: PlatformSending,
  credits: { needed: number; available: number; shortfall: number },
): { channels: Record<Channel, number>; blockers: SendBlocker[] } {
  const channels: Record<Channel, number> = { WHATSAPP: 0, SMS: 0 };
  const whatsappLanguages = new Set<string>();
  for (const p of sends) {
    channels[p.channel]++;
    if (p.channel === "WHATSAPP") whatsappLanguages.add(p.language);
  }
  const workspace = { smsSender: settings.smsSender, whatsappSender: settings.whatsappSender, whatsappContentSids: settings.contentSids };
  return { channels, blockers: sendBlockers({ counts: channels, whatsappLanguages, workspace, platform, credits }) };
}

interface Planned {
  row: CampaignRowInput;
  channel: Channel;
  language: string;
  /** The appointment's doctor: the row's, else the campaign's (null when neither). */
  doctorId: string | null;
  /** {{doctor}} when the row names its own doctor (null: the campaign's). */
  doctorName: string | null;
  patientId: string;
  token: string;
  skip: SkipReason | null;
  sendAt: Date | null;
  messageId: string | null;
  body: string | null;
  /** {{name}}: the WhatsApp template's first content variable. */
  firstName: string | null;
  credits: number;
}

/** What a row would send, decided from the row alone (no contact state): the first part of `plan`. */
interface Prepared {
  channel: Channel;
  language: string;
  doctorId: string | null;
  doctorName: string | null;
  token: string;
  /** A skip the row decides by itself: NO_CONSENT, NOT_MOBILE, APPOINTMENT_TOO_OLD. */
  rowSkip: SkipReason | null;
  sendAt: Date | null;
  body: string | null;
  /** {{name}}: the WhatsApp template's first content variable. */
  firstName: string | null;
  credits: number;
}

function validateRows(rows: readonly CampaignRowInput[]): { unique: CampaignRowInput[]; merged: number } {
  if (rows.length > MAX_CAMPAIGN_ROWS) throw new CampaignInputError("TOO_MANY_ROWS", coded("imports.error.tooManyPatients", { max: MAX_CAMPAIGN_ROWS }));
  const seen = new Set<string>();
  const unique: CampaignRowInput[] = [];
  for (const row of rows) {
    const line = row.line ?? 0;
    if (typeof row.phone !== "string" || !E164.test(row.phone)) throw new CampaignInputError("INVALID_PHONE", coded("imports.error.phone", { line }), "phone");
    if (!(row.appointmentAt instanceof Date) || Number.isNaN(row.appointmentAt.getTime())) throw new CampaignInputError("INVALID_APPOINTMENT", coded("imports.error.appointment", { line }), "appointmentAt");
    if (typeof row.name !== "string" || row.name.trim() === "") throw new CampaignInputError("INVALID_NAME", coded("imports.error.nameMissing", { line }), "name");
    if (seen.has(row.phone)) continue;
    seen.add(row.phone);
    unique.push(row);
  }
  return { unique, merged: rows.length - unique.length };
}

/** Tokens for the public links, 32 random bytes each (base64url), from one random buffer. */
function tokens(n: number): string[] {
  const bytes = randomBytes(32 * n);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = bytes.subarray(i * 32, i * 32 + 32).toString("base64url");
  return out;
}

/** Length of a public token: 32 random bytes in base64url. */
const TOKEN_LENGTH = 43;

/**
 * Returns `prepare(from, to, out)`, which fills `out[from..to)` with what each row would send: its
 * skip when the row alone decides it, the send time, the rendered INITIAL and the credits to hold.
 * Nothing here depends on the contacts, so it runs while the database upserts and locks them.
 *
 * Credits: the rating link is the only per-patient part of a text, and it has a fixed length and only
 * GSM-7 characters (base64url), so a text's cost equals that of the same text with a stub link of the
 * same length. The cost of the INITIAL plus the larger follow-up is therefore computed once per
 * distinct (channel, language, first name, appointment type, date) and reused.
 */
type Preparer = ((from: number, to: number, out: Prepared[]) => void) & { one: (i: number, forced?: Channel) => Prepared };

function preparer(rows: readonly CampaignRowInput[], s: Awaited<ReturnType<typeof loadSettings>>, input: CreateCampaignInput, now: Date): Preparer {
  const hoursAfter = input.scheduledHoursAfter ?? DEFAULT_HOURS_AFTER_APPOINTMENT;
  const campaignChannel = input.channel ?? s.defaultChannel;
  const publicTokens = tokens(rows.length);
  const sendTimes = new Map<number, ReturnType<typeof initialSendTime>>();
  const creditsByRendering = new Map<string, number>();
  const ratingStub = `${input.publicUrl}/q/${"x".repeat(TOKEN_LENGTH)}`;
  const linkStub = `${input.publicUrl}/x/${"x".repeat(TOKEN_LENGTH)}`;
  const usesDate = [...s.languageTemplates.values()].some((t) => /\{\{\s*date\s*\}\}/.test(t.INITIAL.SMS + t.INITIAL.WHATSAPP));

  /** Row i as it would be sent; `forced` overrides its channel (a contact WhatsApp does not reach). */
  const one = (i: number, forced?: Channel): Prepared => {
    const row = rows[i]!;
    const channel = forced ?? row.channel ?? campaignChannel;
    const language = s.rowLanguages[i]!;
    const doctor = s.rowDoctors[i] ?? null;
    const doctorId = doctor?.id ?? input.assignedDoctorId;
    const doctorName = doctor?.name ?? null;
    const token = publicTokens[i]!;
    let rowSkip: SkipReason | null = null;
    let sendAt: Date | null = null;
    if (!row.consent) rowSkip = "NO_CONSENT";
    else if (row.reachable === false) rowSkip = "NOT_MOBILE";
    else {
      const key = row.appointmentAt.getTime();
      let when = sendTimes.get(key);
      if (!when) {
        when = initialSendTime({ appointmentAt: row.appointmentAt, hoursAfter, tz: s.timezone, quiet: s.quiet, now, maxAgeDays: s.maxAgeDays });
        sendTimes.set(key, when);
      }
      if ("skip" in when) rowSkip = "APPOINTMENT_TOO_OLD";
      else sendAt = when.sendAt;
    }
    if (rowSkip) return { channel, language, doctorId, doctorName, token, rowSkip, sendAt: null, body: null, firstName: null, credits: 0 };
    const templates = s.languageTemplates.get(language) ?? s.templates;
    const values = {
      name: firstName(row.name),
      doctor: doctorName ?? s.doctorName,
      practice: s.practiceName,
      appointmentType: row.appointmentType ?? null,
      date: usesDate ? formatAppointmentDate(row.appointmentAt, s.timezone) : null,
      ratingLink: `${input.publicUrl}/q/${token}`,
    };
    const body = renderTemplate(templates.INITIAL[channel], values);
    const type = values.appointmentType ?? "";
    const ckey = `${channel} ${language} ${values.date ?? ""} ${type.length}:${type} ${values.doctor.length}:${values.doctor} ${values.name}`;
    let credits = creditsByRendering.get(ckey);
    if (credits === undefined) {
      // Same sum as creditsToHoldForPatient (initial + the larger follow-up), on stub links.
      const initial = renderTemplate(templates.INITIAL[channel], { ...values, ratingLink: ratingStub });
      const stubbed = { ...values, ratingLink: linkStub, reviewLink: linkStub, feedbackLink: linkStub };
      const followUp = Math.max(0, ...templates.FOLLOWUPS[channel].map((t) => creditsFor(channel, renderTemplate(t, stubbed))));
      credits = creditsFor(channel, initial) + followUp;
      creditsByRendering.set(ckey, credits);
    }
    return {
      channel,
      language,
      doctorId,
      doctorName,
      token,
      rowSkip: null,
      sendAt,
      body,
      // WhatsApp content variables {1: first name, 2: doctor, 3: practice, 4: rating link} are built by the insert.
      firstName: values.name,
      credits,
    };
  };
  return Object.assign(
    (from: number, to: number, out: Prepared[]) => {
      for (let i = from; i < to; i++) out[i] = one(i);
    },
    { one },
  );
}

/** `preparer` over all rows, a slice at a time, letting the event loop run in between (the database works meanwhile). */
async function prepareRows(rows: readonly CampaignRowInput[], s: Awaited<ReturnType<typeof loadSettings>>, input: CreateCampaignInput, now: Date): Promise<{ prepared: Prepared[]; one: Preparer["one"] }> {
  const prepare = preparer(rows, s, input, now);
  const out = new Array<Prepared>(rows.length);
  for (let i = 0; i < rows.length; i += PREPARE_SLICE) {
    prepare(i, Math.min(rows.length, i + PREPARE_SLICE), out);
    await yieldToEventLoop();
  }
  return { prepared: out, one: prepare.one };
}

/** The second part of `plan`: each patient's fate given its contact's state (opt-out, erasure, cooldown). */
function decide(rows: readonly CampaignRowInput[], prepared: readonly Prepared[], contacts: Map<string, ContactState>, s: Settings, now: Date, reprepare: Preparer["one"]): Planned[] {
  return rows.map((row, i) => {
    const contact = contacts.get(row.phone);
    let p = prepared[i]!;
    // WhatsApp did not reach this phone before (a message fell back to SMS, SPEC §12): SMS directly,
    // rendered and counted as SMS.
    if (p.channel === "WHATSAPP" && p.rowSkip === null && contact?.noWhatsappAt) p = reprepare(i, "SMS");
    let skip: SkipReason | null = null;
    // The order of SPEC §5.3: consent, erasure, opt-out, landline, appointment age, cooldown.
    if (p.rowSkip === "NO_CONSENT") skip = p.rowSkip;
    else if (contact?.erasedAt) skip = "ERASED";
    else if (contact?.optedOutAt) skip = "OPTED_OUT";
    else if (p.rowSkip) skip = p.rowSkip;
    else if (contact && (contact.pending || withinCooldown(contact.lastAskedAt, now, s.cooldownDays))) skip = "COOLDOWN";
    if (skip) return { row, channel: p.channel, language: p.language, doctorId: p.doctorId, doctorName: p.doctorName, patientId: randomUUID(), token: p.token, skip, sendAt: null, messageId: null, body: null, firstName: null, credits: 0 };
    return {
      row,
      channel: p.channel,
      language: p.language,
      doctorId: p.doctorId,
      doctorName: p.doctorName,
      patientId: randomUUID(),
      token: p.token,
      skip: null,
      sendAt: p.sendAt,
      messageId: randomUUID(),
      body: p.body,
      firstName: p.firstName,
      credits: p.credits,
    };
  });
}

/** Decides each patient's fate and renders what will be sent. Pure given the contacts' state. */
function plan(rows: readonly CampaignRowInput[], contacts: Map<string, ContactState>, s: Awaited<ReturnType<typeof loadSettings>>, input: CreateCampaignInput, now: Date): Planned[] {
  const prepared = new Array<Prepared>(rows.length);
  const prepare = preparer(rows, s, input, now);
  prepare(0, rows.length, prepared);
  return decide(rows, prepared, contacts, s, now, prepare.one);
}

function summarise(planned: readonly Planned[], merged: number): Pick<CreateCampaignResult, "counts" | "creditsHeld" | "firstSendAt" | "lastSendAt"> {
  const skippedBy: Partial<Record<SkipReason, number>> = {};
  let scheduled = 0;
  let credits = 0;
  let first: number | null = null;
  let last: number | null = null;
  for (const p of planned) {
    if (p.skip) skippedBy[p.skip] = (skippedBy[p.skip] ?? 0) + 1;
    else {
      scheduled++;
      credits += p.credits;
      const t = p.sendAt!.getTime();
      if (first === null || t < first) first = t;
      if (last === null || t > last) last = t;
    }
  }
  return {
    counts: { patients: planned.length, scheduled, skipped: planned.length - scheduled, merged, skippedBy },
    creditsHeld: credits,
    firstSendAt: first === null ? null : new Date(first),
    lastSendAt: last === null ? null : new Date(last),
  };
}

export async function inTransaction<T>(em: Em, fn: (tem: Em) => Promise<T>): Promise<T> {
  return em.isInTransaction() ? fn(em) : em.transactional((tem) => fn(tem as Em));
}

/**
 * What confirming would do, without writing or locking anything: counts by outcome, first and last
 * send time, and the credits check (needed, available, shortfall). For the preview page.
 */
export async function previewCampaignFromRows(target: MikroORM | EntityManager, input: CreateCampaignInput, options: { skippedLimit?: number } = {}): Promise<CampaignPreview> {
  const em = toEm(target);
  const now = input.now ?? new Date();
  const { unique, merged } = validateRows(input.rows);
  const settings = await loadSettings(em, input, unique, { lenient: true });
  const contacts = await readContactStates(em, input.workspaceId, unique.map((r) => r.phone));
  const planned = plan(unique, contacts, settings, input, now);
  const summary = summarise(planned, merged);
  const unlimited = settings.plan === "ENTERPRISE";
  const { available } = await getCreditBalance(em, input.workspaceId);
  const limit = options.skippedLimit ?? 1000;
  const skipped: SkippedPreviewRow[] = [];
  for (const p of planned) {
    if (skipped.length >= limit) break;
    if (p.skip) skipped.push({ line: p.row.line ?? null, name: p.row.name, phone: p.row.phone, reason: p.skip });
  }
  const credits = { needed: summary.creditsHeld, available, shortfall: unlimited ? 0 : Math.max(0, summary.creditsHeld - available), unlimited };
  const { channels, blockers } = sendCheck(planned.filter((p) => p.skip === null), settings, input.platform ?? {}, credits);
  return {
    counts: summary.counts,
    skipped,
    credits,
    firstSendAt: summary.firstSendAt,
    lastSendAt: summary.lastSendAt,
    channels,
    blockers,
  };
}

/**
 * Creates the campaign and everything it sends, in one transaction (the caller's, when `target` is an
 * EntityManager inside one). Throws InsufficientCreditsError (needed, available, shortfall) and
 * changes nothing when the holds do not fit; CampaignInputError for ids outside the workspace or
 * malformed rows.
 */
/** How far an import got: patients and messages written so far, of how many. */
export interface ImportProgress {
  stage: "patients" | "messages";
  done: number;
  total: number;
}

export async function createCampaignFromRows(target: MikroORM | EntityManager, input: CreateCampaignInput): Promise<CreateCampaignResult> {
  const now = input.now ?? new Date();
  const { unique, merged } = validateRows(input.rows);
  if (input.name.trim() === "") throw new CampaignInputError("INVALID_NAME", coded("imports.error.campaignName"), "name");
  if (unique.length === 0) throw new CampaignInputError("NO_ROWS", coded("imports.error.noRows"));
  const timingsMs: Record<string, number> = {};
  let mark = performance.now();
  const lap = (phase: string) => {
    const t = performance.now();
    timingsMs[phase] = Math.round(t - mark);
    mark = t;
  };
  const outer = toEm(target);
  const ownTransaction = !outer.isInTransaction();
  const result = await inTransaction(outer, async (em): Promise<CreateCampaignResult> => {
    const settings = await loadSettings(em, input, unique);
    lap("settings");
    const campaignChannel = input.channel ?? settings.defaultChannel;
    // The database upserts and locks the contacts while the rows are rendered here (rendering does
    // not depend on them); `contacts` is the later of the two.
    const locking = upsertAndLockContacts(
      em,
      input.workspaceId,
      unique.map((r) => ({ phone: r.phone, channel: r.channel ?? campaignChannel, consent: r.consent, marketing: r.marketingConsent ?? null })),
      now,
      {
        source: input.consentGrant?.source ?? "IMPORT",
        actorId: input.createdById,
        evidence: input.consentGrant?.evidence ?? null,
        marketingEvidence: input.consentGrant?.marketingEvidence ?? input.consentGrant?.evidence ?? null,
      },
    );
    locking.catch(() => {}); // awaited just below, after the rendering
    let prepared: Awaited<ReturnType<typeof prepareRows>>;
    try {
      prepared = await prepareRows(unique, settings, input, now);
    } catch (err) {
      // Never leave the transaction while the upsert still has statements to send on its connection.
      await locking.catch(() => {});
      throw err;
    }
    const contacts = await locking;
    lap("contacts");
    const planned = decide(unique, prepared.prepared, contacts, settings, now, prepared.one);
    const summary = summarise(planned, merged);
    const sends = planned.filter((p) => p.skip === null);
    // The preview's check again, under the contacts' locks: what cannot be delivered is not created.
    if (input.platform) {
      // Credits are checked by the hold itself, below.
      const { blockers } = sendCheck(sends, settings, input.platform, { needed: 0, available: 0, shortfall: 0 });
      if (blockers.length > 0) throw new SendBlockedError(blockers);
    }
    lap("plan");

    // From here on each statement is formatted while the previous one runs. Credits first: when they
    // do not fit, nothing else is written (and the transaction rolls back).
    const pipe = statementPipe();
    await pipe.run(async () => {
      try {
        await holdCreditsBulk(em, {
          workspaceId: input.workspaceId,
          holds: sends.map((p) => ({ reference: `message:${p.messageId}`, amount: p.credits })),
          reason: "initial + follow-up",
        });
      } catch (err) {
        if (err instanceof LedgerInsufficientCreditsError) throw new InsufficientCreditsError(input.workspaceId, summary.creditsHeld, err.available);
        throw err;
      }
      lap("holds");
    });

    let campaignId = input.draftCampaignId ?? randomUUID();
    const status = sends.length > 0 || input.rollingKey ? "ACTIVE" : "COMPLETED";
    if (input.rollingKey) {
      const rollingKey = input.rollingKey;
      // Awaited here: every later statement needs the campaign's id.
      await pipe.drain();
      campaignId = await joinRollingCampaign(em, {
        workspaceId: input.workspaceId,
        practiceId: input.practiceId,
        assignedDoctorId: input.assignedDoctorId,
        createdById: input.createdById,
        name: input.name.trim().slice(0, 200),
        scheduledHoursAfter: input.scheduledHoursAfter ?? DEFAULT_HOURS_AFTER_APPOINTMENT,
        totalPatients: summary.counts.patients,
        rollingKey,
        now,
      });
      lap("campaign");
    } else if (input.draftCampaignId) {
      const draftCampaignId = input.draftCampaignId;
      await pipe.run(async () => {
        // The draft's row becomes the campaign (its practice, doctor and hours are the ones checked above).
        const activated = await activateDraftCampaign(em, {
          id: draftCampaignId,
          workspaceId: input.workspaceId,
          status,
          practiceId: input.practiceId,
          assignedDoctorId: input.assignedDoctorId,
          scheduledHoursAfter: input.scheduledHoursAfter ?? DEFAULT_HOURS_AFTER_APPOINTMENT,
          totalPatients: summary.counts.patients,
          skippedPatients: summary.counts.skipped,
          now,
        });
        if (!activated) throw new CampaignInputError("DRAFT_NOT_FOUND", coded("imports.error.draftGone"));
        lap("campaign");
      });
    } else {
      await pipe.run(async () => {
        await insertActiveCampaign(em, {
          id: campaignId,
          workspaceId: input.workspaceId,
          practiceId: input.practiceId,
          assignedDoctorId: input.assignedDoctorId,
          createdById: input.createdById,
          name: input.name.trim().slice(0, 200),
          status,
          scheduledHoursAfter: input.scheduledHoursAfter ?? DEFAULT_HOURS_AFTER_APPOINTMENT,
          totalPatients: summary.counts.patients,
          skippedPatients: summary.counts.skipped,
          now,
        });
        lap("campaign");
      });
    }

    const patientBatches = chunks(planned, BATCH);
    for (const [k, batch] of patientBatches.entries()) {
      const rows = await encodePatients(batch, {
        id: (p) => p.patientId,
        contactId: (p) => contacts.get(p.row.phone)!.id,
        doctorId: (p) => p.doctorId,
        name: (p) => p.row.name.trim(),
        phone: (p) => p.row.phone,
        email: (p) => p.row.email ?? null,
        appointmentAt: (p) => p.row.appointmentAt.toISOString(),
        appointmentType: (p) => p.row.appointmentType ?? null,
        channel: (p) => p.channel,
        language: (p) => p.language,
        consent: (p) => p.row.consent,
        status: (p) => (p.skip ? "SKIPPED" : "SCHEDULED"),
        skipReason: (p) => p.skip,
        token: (p) => p.token,
      });
      await pipe.run(async () => {
        await insertPatients(em, { workspaceId: input.workspaceId, campaignId, now }, rows);
        if (k === patientBatches.length - 1) lap("patients");
        await input.onProgress?.({ stage: "patients", done: Math.min(planned.length, (k + 1) * BATCH), total: planned.length });
      });
    }

    // INITIAL messages and their `message.send` outbox rows, one statement per batch
    // (insertInitialMessages) so the outbox's NOTIFY fires once per batch; what is the same for every
    // row — doctor, practice, link base — is bound once. A single send goes through enqueueOutbox itself.
    // The INITIAL's template: the workspace's own, else the platform's in the patient's language.
    const initialContentSid = (language: string) => resolveWhatsAppContentSid({ type: "INITIAL", language, workspaceSids: settings.contentSids, platform: input.platform?.whatsappContentSids })?.sid ?? null;
    const sendBatches = chunks(sends, BATCH);
    const head = {
      workspaceId: input.workspaceId,
      campaignId,
      doctorName: settings.doctorName,
      practiceName: settings.practiceName,
      ratingLinkBase: `${input.publicUrl}/q/`,
      now,
      withOutbox: sends.length > 1,
    };
    for (const [k, batch] of sendBatches.entries()) {
      const rows = await encodeInitialMessages(batch, {
        id: (p) => p.messageId!,
        patientId: (p) => p.patientId,
        channel: (p) => p.channel,
        phone: (p) => p.row.phone,
        body: (p) => p.body,
        firstName: (p) => (p.channel === "WHATSAPP" ? p.firstName : null),
        doctorName: (p) => (p.channel === "WHATSAPP" ? p.doctorName : null),
        token: (p) => (p.channel === "WHATSAPP" ? p.token : null),
        contentSid: (p) => (p.channel === "WHATSAPP" ? initialContentSid(p.language) : null),
        credits: (p) => p.credits,
        due: (p) => p.sendAt!.toISOString(),
      });
      await pipe.run(async () => {
        await insertInitialMessages(em, head, rows);
        if (k === sendBatches.length - 1) lap("messages");
        await input.onProgress?.({ stage: "messages", done: Math.min(sends.length, (k + 1) * BATCH), total: sends.length });
      });
    }
    if (sendBatches.length === 0) lap("messages");
    if (sends.length === 1) {
      const p = sends[0]!;
      await pipe.run(async () => {
        await enqueueOutbox(em, {
          workspaceId: input.workspaceId,
          stream: "dispatch",
          type: messageSendEvent.type,
          payload: { messageId: p.messageId! },
          idempotencyKey: messageSendEvent.key(p.messageId!),
          availableAt: p.sendAt!,
        });
        lap("outbox");
      });
    }

    await pipe.run(async () => {
      await insertAudit(em, {
        workspaceId: input.workspaceId,
        actorId: input.createdById,
        action: "campaign.created",
        entityType: "Campaign",
        entityId: campaignId,
        ip: input.ip ?? null,
        details: { source: input.source ?? "csv", patients: summary.counts.patients, scheduled: summary.counts.scheduled, skipped: summary.counts.skippedBy, creditsHeld: summary.creditsHeld },
        now,
      });
      lap("audit");
    });
    if (input.rollingKey) {
      const rolling = { workspaceId: input.workspaceId, campaignId, totalPatients: summary.counts.patients, skippedPatients: summary.counts.skipped, now };
      // Last: the rolling campaign's row stays locked from here to the commit only.
      await pipe.run(() => countIntoRollingCampaign(em, rolling));
    }
    await pipe.drain();
    return {
      campaignId,
      status,
      ...summary,
      timingsMs,
      patients: planned.map((p) => ({
        patientId: p.patientId,
        line: p.row.line ?? null,
        phone: p.row.phone,
        status: p.skip ? "SKIPPED" : "SCHEDULED",
        skipReason: p.skip,
        messageId: p.messageId,
        sendAt: p.sendAt,
        creditsHeld: p.credits,
      })),
    };
  });
  // A big import into young tables: fresh statistics before the sends look its rows up by workspace
  // and key (the reload of messages, the holds); the relay's and the other send statements look rows
  // up by primary key or on plan-stable indexes, so their tables are left to autovacuum (decision 041).
  if (ownTransaction) {
    const sent = result.counts.scheduled;
    await analyzeGrownTables(outer, { messages: sent, credit_ledger_entries: sent }).catch(() => {});
  }
  return result;
}

/**
 * Statements one after another on the transaction's connection, each started as soon as the one
 * before has finished, while the caller formats the next one's parameters: the database inserts
 * batch k while JS builds batch k + 1. A failure surfaces at the next `run` or at `drain`, and
 * nothing is started after it (the transaction rolls back as usual).
 */
function statementPipe(): { run: (statement: () => Promise<void>) => Promise<void>; drain: () => Promise<void> } {
  let inflight: Promise<void> = Promise.resolve();
  return {
    async run(statement) {
      await inflight;
      const started = statement();
      started.catch(() => {}); // observed by the next run or by drain
      inflight = started;
      // Let the driver write the statement out before the caller goes back to formatting.
      await yieldToEventLoop();
    },
    drain: () => inflight,
  };
}
