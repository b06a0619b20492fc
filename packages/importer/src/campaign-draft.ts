// The upload page's two steps (SPEC §4: a campaign is DRAFT "while importing or waiting for credits";
// §5.1–5.2): an upload becomes a DRAFT campaign whose parsed rows wait beside it in campaign_drafts;
// the preview is computed from them each time it is shown (the balance and the contacts may change
// meanwhile); confirming activates the draft through createCampaignFromRows in ONE transaction, under
// the draft campaign's row lock, so two confirms of one draft never both import, and the ledger's
// holds keep two drafts from passing on the same credits. A failed confirm leaves the draft as it was.
import type { EntityManager, MikroORM } from "@mikro-orm/postgresql";
import { findWorkspacePractice, findWorkspaceUser, listAssignableDoctors as assignableDoctors, workspaceSendingSettings, type AssignableDoctor } from "@rm/accounts";
import { deleteDraftCampaigns, insertDraftCampaign, lockCampaign } from "@rm/campaigns";
import { scopedQuery } from "@rm/db";
import { DEFAULT_HOURS_AFTER_APPOINTMENT, type DestinationPolicy, phoneCountry, type PlatformSending } from "@rm/domain";
import { draftViewRow, waitingDraftRows } from "./campaign-views.ts";
import {
  createCampaignFromRows,
  executeBound,
  inTransaction,
  previewCampaignFromRows,
  toEm,
  type CampaignPreview,
  type CampaignRowInput,
  type CreateCampaignInput,
  type CreateCampaignResult,
} from "./create-campaign.ts";
import { coded, type Coded } from "@rm/catalogue";
import { backgroundConfirmState, type BackgroundConfirmState } from "./confirm-in-background.ts";
import { loadDoctorDirectory } from "./doctors.ts";
import { CampaignInputError } from "./errors.ts";
import type { Channel } from "./fields.ts";
import { FIELD_LABEL_ES, type PatientField } from "./headers.ts";
import { rowProblem, type DuplicateRow, type PatientCsvResult, type PatientRow, type RejectedRow } from "./parse-patient-csv.ts";

/** How long an unconfirmed draft is kept; expired drafts are removed at the workspace's next upload. */
export const DRAFT_TTL_HOURS = 48;
/** Longest delay between the appointment and the rating request a campaign may ask for (one week). */
export const MAX_HOURS_AFTER = 168;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Em = EntityManager;

/** An accepted row as the draft keeps it (what the preview lists and the campaign imports). */
export interface DraftRow extends CampaignRowInput {
  line: number;
  reachable: boolean;
  appointmentHasTime: boolean;
  consent: boolean;
  channel: Channel | null;
}

// Rows are stored as tuples: a 50,000-row file is ~5 MB of JSON instead of ~12 MB of objects.
// The doctor's id (index 11) and the marketing consent (12) came later: older drafts' tuples end earlier.
type Tuple = [number, string, string, 0 | 1, string, 0 | 1, string | null, 0 | 1, Channel | null, string | null, "es" | "en" | null, (string | null)?, (0 | 1 | null)?];

function toTuple(r: (PatientRow | DraftRow) & { doctorId?: string | null }): Tuple {
  return [
    r.line,
    r.name,
    r.phone,
    r.reachable === false ? 0 : 1,
    r.appointmentAt.toISOString(),
    r.appointmentHasTime ? 1 : 0,
    r.appointmentType ?? null,
    r.consent ? 1 : 0,
    r.channel ?? null,
    r.email ?? null,
    r.language ?? null,
    r.doctorId ?? null,
    r.marketingConsent === true ? 1 : r.marketingConsent === false ? 0 : null,
  ];
}

function fromTuple(t: Tuple): DraftRow {
  return {
    line: t[0],
    name: t[1],
    phone: t[2],
    reachable: t[3] === 1,
    appointmentAt: new Date(t[4]),
    appointmentHasTime: t[5] === 1,
    appointmentType: t[6],
    consent: t[7] === 1,
    channel: t[8],
    email: t[9],
    language: t[10],
    doctorId: t[11] ?? null,
    marketingConsent: t[12] === 1 ? true : t[12] === 0 ? false : null,
  };
}


/**
 * The file's doctor column against the workspace's doctors (doctors.ts): each accepted row that names
 * a doctor gets that doctor's id; a name that matches nobody, or two users, moves the row to the
 * rejected rows with the reason (Spanish, plus its catalogue code for the page's language). Rows
 * without a doctor keep the campaign's. One lookup of the doctors per file, one match per distinct name.
 */
async function assignRowDoctors(
  em: Em,
  workspaceId: string,
  parsed: CreateCampaignDraftInput["parsed"],
): Promise<{ accepted: (PatientRow & { doctorId?: string | null })[]; rejected: RejectedRow[]; counts: PatientCsvResult["counts"] }> {
  // Without a doctor in the file the rows are kept as they are (no copy of a 50,000-row list).
  if (!parsed.accepted.some((r) => r.doctor)) return { accepted: parsed.accepted, rejected: parsed.rejected, counts: parsed.counts };
  const directory = await loadDoctorDirectory(em, workspaceId);
  const column = parsed.columns?.find((c) => c.field === ("doctor" satisfies PatientField))?.header ?? FIELD_LABEL_ES.doctor;
  const accepted: (PatientRow & { doctorId?: string | null })[] = [];
  const refused: RejectedRow[] = [];
  let consentMissing = 0;
  for (const row of parsed.accepted) {
    if (!row.doctor) {
      accepted.push(row);
      continue;
    }
    const match = directory.match(row.doctor);
    if (typeof match !== "string") {
      accepted.push({ ...row, doctorId: match.id });
      continue;
    }
    const problem = rowProblem(column, row.doctor.slice(0, 200), coded(match === "unknown" ? "imports.doctor.unknown" : "imports.doctor.ambiguous", { name: row.doctor }));
    refused.push({ line: row.line, ...problem, problems: [problem] });
    if (!row.consent) consentMissing++;
  }
  if (refused.length === 0) return { accepted, rejected: parsed.rejected, counts: parsed.counts };
  const rejected = [...parsed.rejected, ...refused].sort((a, b) => a.line - b.line);
  const counts = {
    ...parsed.counts,
    accepted: accepted.length,
    rejected: rejected.length,
    consentMissing: parsed.counts.consentMissing - consentMissing,
  };
  return { accepted, rejected, counts };
}

/**
 * Rows whose number is in a country the workspace does not send to move to the rejected rows, with
 * the reason (Spanish, plus its catalogue code): the SMS-pumping guard, checked again at send time.
 */
export function rejectDisallowedDestinations<R extends PatientRow>(
  parsed: { accepted: R[]; rejected: RejectedRow[]; counts: PatientCsvResult["counts"]; columns?: PatientCsvResult["columns"] },
  policy: DestinationPolicy,
): { accepted: R[]; rejected: RejectedRow[]; counts: PatientCsvResult["counts"] } {
  const allowed = new Set([policy.ownCountry, ...(policy.extraCountries ?? [])].map((c) => c.toUpperCase()));
  const allowedText = [...allowed].join(", ");
  const column = parsed.columns?.find((c) => c.field === ("phone" satisfies PatientField))?.header ?? FIELD_LABEL_ES.phone;
  const accepted: R[] = [];
  const refused: RejectedRow[] = [];
  let consentMissing = 0;
  for (const row of parsed.accepted) {
    const country = phoneCountry(row.phone);
    if (country && allowed.has(country)) {
      accepted.push(row);
      continue;
    }
    const problem = rowProblem(column, row.phone, coded("imports.destination.notAllowed", { country: country ?? "?", allowed: allowedText }));
    refused.push({ line: row.line, ...problem, problems: [problem] });
    if (!row.consent) consentMissing++;
  }
  if (refused.length === 0) return { accepted: parsed.accepted, rejected: parsed.rejected, counts: parsed.counts };
  const rejected = [...parsed.rejected, ...refused].sort((a, b) => a.line - b.line);
  return {
    accepted,
    rejected,
    counts: { ...parsed.counts, accepted: accepted.length, rejected: rejected.length, consentMissing: parsed.counts.consentMissing - consentMissing },
  };
}

export interface CreateCampaignDraftInput {
  workspaceId: string;
  practiceId: string;
  /** A user of the workspace with role DOCTOR or OWNER, or null. */
  assignedDoctorId: string | null;
  createdById: string;
  name: string;
  /** Channel for rows that name none; default the workspace's default channel. */
  channel?: Channel;
  scheduledHoursAfter?: number;
  parsed: Pick<PatientCsvResult, "ok" | "accepted" | "rejected" | "duplicates" | "warnings" | "counts" | "encoding" | "delimiter" | "columns">;
  fileName?: string | null;
  now?: Date;
}

/** Whether the file had a column read as consent (without one, confirming needs the uploader's attestation). */
function hasConsentColumn(parsed: Pick<PatientCsvResult, "columns">): boolean {
  return parsed.columns.some((c) => c.field === "consent");
}

/**
 * A file without a consent column imports only on the uploader's word that every patient in it
 * accepted messages: its rows count as consenting, and the attestation becomes their consent events'
 * evidence (with the uploader as actor).
 */
function withAttestedConsent(rows: DraftRow[]): DraftRow[] {
  return rows.map((r) => ({ ...r, consent: true }));
}

/** Checks the campaign's settings against the workspace; throws CampaignInputError with the field. */
async function checkSettings(em: Em, input: Pick<CreateCampaignDraftInput, "workspaceId" | "practiceId" | "assignedDoctorId" | "createdById">): Promise<{ defaultChannel: Channel; destination: DestinationPolicy }> {
  const ws = await workspaceSendingSettings(em, input.workspaceId);
  if (!ws) throw new CampaignInputError("WORKSPACE_NOT_FOUND", coded("imports.error.workspaceNotFound"));
  const practice = await findWorkspacePractice(em, input.workspaceId, input.practiceId);
  if (!practice) throw new CampaignInputError("PRACTICE_NOT_FOUND", coded("imports.error.practiceRequired"), "practiceId");
  if (input.assignedDoctorId) {
    const doctor = await findWorkspaceUser(em, input.workspaceId, input.assignedDoctorId);
    if (!doctor || (doctor.role !== "DOCTOR" && doctor.role !== "OWNER")) throw new CampaignInputError("DOCTOR_NOT_FOUND", coded("imports.error.doctorRequired"), "assignedDoctorId");
  }
  const creator = await findWorkspaceUser(em, input.workspaceId, input.createdById);
  if (!creator) throw new CampaignInputError("CREATOR_NOT_FOUND", coded("imports.error.creatorNotFound"), "createdById");
  return { defaultChannel: ws.defaultChannel, destination: ws.destination };
}

function campaignName(raw: string): string {
  const name = raw.replace(/\s+/g, " ").trim();
  if (name === "") throw new CampaignInputError("INVALID_NAME", coded("imports.error.campaignName"), "name");
  if (name.length > 200) throw new CampaignInputError("INVALID_NAME", coded("imports.error.nameTooLong", { max: 200 }), "name");
  return name;
}

function hoursAfter(value: number | undefined): number {
  const hours = value ?? DEFAULT_HOURS_AFTER_APPOINTMENT;
  if (!Number.isInteger(hours) || hours < 0 || hours > MAX_HOURS_AFTER) {
    throw new CampaignInputError("INVALID_HOURS", coded("imports.error.hours", { max: MAX_HOURS_AFTER }), "scheduledHoursAfter");
  }
  return hours;
}

/**
 * Stores a parsed upload as a DRAFT campaign (nothing is sent, no contact or credit is touched) and
 * removes the workspace's expired drafts. A file whose rows were all rejected still makes a draft, so
 * its rejected rows can be shown and downloaded. Throws CampaignInputError (Spanish, with the field)
 * for a bad name, hours, practice or doctor, and for a file that could not be read at all.
 */
export async function createCampaignDraft(target: MikroORM | EntityManager, input: CreateCampaignDraftInput): Promise<{ campaignId: string; expiresAt: Date }> {
  const now = input.now ?? new Date();
  const name = campaignName(input.name);
  const hours = hoursAfter(input.scheduledHoursAfter);
  if (!input.parsed.ok) throw new CampaignInputError("NO_ROWS", coded("imports.file.notImported"), "file");
  const expiresAt = new Date(now.getTime() + DRAFT_TTL_HOURS * 3_600_000);
  return inTransaction(toEm(target), async (em) => {
    const { defaultChannel, destination } = await checkSettings(em, input);
    const rows = rejectDisallowedDestinations({ ...(await assignRowDoctors(em, input.workspaceId, input.parsed)), columns: input.parsed.columns }, destination);
    const expired = await scopedQuery<{ campaign_id: string }>(em, input.workspaceId, "select campaign_id from campaign_drafts where workspace_id = ? and expires_at < ? and confirmed_at is null", [now]);
    await deleteDraftCampaigns(em, input.workspaceId, expired.map((d) => d.campaign_id));
    const campaignId = await insertDraftCampaign(em, {
      workspaceId: input.workspaceId,
      practiceId: input.practiceId,
      assignedDoctorId: input.assignedDoctorId,
      createdById: input.createdById,
      name,
      scheduledHoursAfter: hours,
      totalPatients: rows.accepted.length,
      now,
    });
    // Bound parameters: a big file's rows are megabytes of JSON that MikroORM would otherwise inline.
    await executeBound(
      em,
      `insert into campaign_drafts (workspace_id, campaign_id, channel, file_name, encoding, delimiter, rows, rejected, duplicates, warnings, counts, consent_column, expires_at, created_at)
       values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?)`,
      [
        input.workspaceId,
        campaignId,
        input.channel ?? defaultChannel,
        input.fileName ? input.fileName.slice(0, 255) : null,
        input.parsed.encoding,
        input.parsed.delimiter,
        JSON.stringify(rows.accepted.map(toTuple)),
        JSON.stringify(rows.rejected),
        JSON.stringify(input.parsed.duplicates),
        JSON.stringify(input.parsed.warnings),
        JSON.stringify(rows.counts),
        hasConsentColumn(input.parsed),
        expiresAt,
        now,
      ],
    );
    return { campaignId, expiresAt };
  });
}

export interface CampaignDraftView {
  campaignId: string;
  /** DRAFT until confirmed; then the campaign's status (the page sends the user to the campaign). */
  status: "DRAFT" | "ACTIVE" | "COMPLETED" | "CANCELLED";
  /** A DRAFT past its expiry: it cannot be confirmed any more. */
  expired: boolean;
  name: string;
  practiceId: string;
  practiceName: string;
  /** The practice's time zone (or the workspace's): appointment times are shown in it. */
  timeZone: string;
  assignedDoctorId: string | null;
  doctorName: string | null;
  createdById: string;
  createdByName: string;
  scheduledHoursAfter: number;
  channel: Channel;
  fileName: string | null;
  encoding: string;
  delimiter: string;
  /** Accepted rows (empty once confirmed or when loaded without rows). */
  rows: DraftRow[];
  rejected: RejectedRow[];
  duplicates: DuplicateRow[];
  /** Catalogue texts; drafts stored before warnings were coded hold Spanish text. */
  warnings: (Coded | string)[];
  counts: PatientCsvResult["counts"];
  /** The file had a consent column; false: confirming needs the uploader's attestation. */
  consentColumn: boolean;
  createdAt: Date;
  expiresAt: Date;
  confirmedAt: Date | null;
  /** A confirm running in the background, or the reason the last one failed; null when none was asked. */
  backgroundConfirm: BackgroundConfirmState | null;
}

/**
 * A draft of the workspace by campaign id, or null (unknown id, another workspace's, not a UUID, or a
 * campaign that never was a draft). `withRows: false` skips the accepted rows (the download needs
 * only the rejected ones).
 */
export async function getCampaignDraft(
  target: MikroORM | EntityManager,
  workspaceId: string,
  campaignId: string,
  options: { withRows?: boolean; now?: Date } = {},
): Promise<CampaignDraftView | null> {
  if (!UUID.test(campaignId)) return null;
  const em = toEm(target);
  const now = options.now ?? new Date();
  const r = await draftViewRow<Tuple[]>(em, workspaceId, campaignId, options.withRows !== false);
  if (!r) return null;
  const expiresAt = new Date(r.expires_at);
  return {
    campaignId: r.id,
    status: r.status,
    expired: r.status === "DRAFT" && expiresAt.getTime() <= now.getTime(),
    name: r.name,
    practiceId: r.practice_id,
    practiceName: r.practice_name,
    timeZone: r.time_zone,
    assignedDoctorId: r.assigned_doctor_id,
    doctorName: r.doctor_name,
    createdById: r.created_by_id,
    createdByName: r.created_by_name,
    scheduledHoursAfter: r.scheduled_hours_after,
    channel: r.channel,
    fileName: r.file_name,
    encoding: r.encoding,
    delimiter: r.delimiter,
    rows: (r.rows ?? []).map(fromTuple),
    rejected: r.rejected as RejectedRow[],
    duplicates: r.duplicates as DuplicateRow[],
    warnings: r.warnings as (Coded | string)[],
    counts: r.counts as PatientCsvResult["counts"],
    consentColumn: r.consent_column,
    createdAt: new Date(r.created_at),
    expiresAt,
    confirmedAt: r.confirmed_at ? new Date(r.confirmed_at) : null,
    backgroundConfirm: backgroundConfirmState(r),
  };
}

export interface CampaignDraftPreview {
  draft: CampaignDraftView;
  /** What confirming would do now; null when the draft can no longer be confirmed (confirmed or expired). */
  preview: CampaignPreview | null;
}

/** The draft and what confirming it would do now (counts, skipped rows with reasons, credits). */
export async function previewCampaignDraft(
  target: MikroORM | EntityManager,
  input: { workspaceId: string; campaignId: string; publicUrl: string; now?: Date; skippedLimit?: number; platform?: PlatformSending },
): Promise<CampaignDraftPreview | null> {
  const em = toEm(target);
  const draft = await getCampaignDraft(em, input.workspaceId, input.campaignId, input.now ? { now: input.now } : {});
  if (!draft) return null;
  if (draft.status !== "DRAFT" || draft.expired) return { draft, preview: null };
  const preview = await previewCampaignFromRows(
    em,
    {
      workspaceId: input.workspaceId,
      practiceId: draft.practiceId,
      assignedDoctorId: draft.assignedDoctorId,
      createdById: draft.createdById,
      name: draft.name,
      channel: draft.channel,
      // Without a consent column the draft can only be confirmed with the attestation: preview that.
      rows: draft.consentColumn ? draft.rows : withAttestedConsent(draft.rows),
      scheduledHoursAfter: draft.scheduledHoursAfter,
      publicUrl: input.publicUrl,
      ...(input.platform ? { platform: input.platform } : {}),
      ...(input.now ? { now: input.now } : {}),
    },
    input.skippedLimit ? { skippedLimit: input.skippedLimit } : {},
  );
  return { draft, preview };
}

export interface ConfirmCampaignDraftInput {
  workspaceId: string;
  campaignId: string;
  /** Who confirms (the audit log's actor). */
  confirmedById: string;
  publicUrl: string;
  ip?: string | null;
  now?: Date;
  /** The platform's senders and templates: with them, a confirm that could not be delivered is refused (SendBlockedError). */
  platform?: PlatformSending;
  /**
   * The confirming user attests that every patient of a file without a consent column accepted
   * messages: the exact statement they ticked (kept as the consent events' evidence), or null/absent
   * when they did not. Ignored for a file with a consent column.
   */
  consentAttestation?: string | null;
  /** Told how far the import got (a background confirm shows it on the draft's page). */
  onProgress?: CreateCampaignInput["onProgress"];
}

export interface ConfirmCampaignDraftResult {
  campaignId: string;
  /** True when the draft had been confirmed already (a second click, a second tab): nothing was done. */
  alreadyConfirmed: boolean;
  result: CreateCampaignResult | null;
}

/**
 * Activates a draft: contacts, patients, INITIAL messages, credit holds, outbox rows and the
 * `campaign.created` audit entry in one transaction (createCampaignFromRows with the draft's id).
 * InsufficientCreditsError and CampaignInputError leave the draft untouched; DRAFT_NOT_FOUND for an
 * unknown id, DRAFT_EXPIRED for an expired draft.
 */
export async function confirmCampaignDraft(target: MikroORM | EntityManager, input: ConfirmCampaignDraftInput): Promise<ConfirmCampaignDraftResult> {
  const now = input.now ?? new Date();
  if (!UUID.test(input.campaignId)) throw new CampaignInputError("DRAFT_NOT_FOUND", coded("imports.error.draftNotFound"));
  return inTransaction(toEm(target), async (em) => {
    // The draft's row lock: a second confirm waits here and then finds the campaign no longer a DRAFT.
    const campaign = await lockCampaign(em, input.workspaceId, input.campaignId);
    if (!campaign) throw new CampaignInputError("DRAFT_NOT_FOUND", coded("imports.error.draftNotFound"));
    if (campaign.status !== "DRAFT") return { campaignId: input.campaignId, alreadyConfirmed: true, result: null };
    const [draft] = await scopedQuery<{ channel: Channel; rows: Tuple[] | null; expires_at: Date; consent_column: boolean; file_name: string | null }>(
      em,
      input.workspaceId,
      "select channel, rows, expires_at, consent_column, file_name from campaign_drafts where workspace_id = ? and campaign_id = ?",
      [input.campaignId],
    );
    if (!draft || !draft.rows) throw new CampaignInputError("DRAFT_NOT_FOUND", coded("imports.error.draftNotFound"));
    if (new Date(draft.expires_at).getTime() <= now.getTime()) {
      throw new CampaignInputError("DRAFT_EXPIRED", coded("imports.error.draftExpired"));
    }
    const attestation = input.consentAttestation?.trim() || null;
    if (!draft.consent_column && !attestation) {
      // Never a silent never-to-be-messaged import: the uploader says they consented, or nothing is imported.
      throw new CampaignInputError("CONSENT_ATTESTATION_REQUIRED", coded("imports.error.attestation"), "consentAttested");
    }
    const rows = draft.rows.map(fromTuple);
    const result = await createCampaignFromRows(em, {
      workspaceId: input.workspaceId,
      practiceId: campaign.practiceId,
      assignedDoctorId: campaign.assignedDoctorId,
      createdById: input.confirmedById,
      name: campaign.name,
      channel: draft.channel,
      rows: draft.consent_column ? rows : withAttestedConsent(rows),
      scheduledHoursAfter: campaign.scheduledHoursAfter,
      publicUrl: input.publicUrl,
      now,
      ip: input.ip ?? null,
      source: "csv",
      draftCampaignId: input.campaignId,
      consentGrant: {
        source: "IMPORT",
        evidence: draft.consent_column ? consentColumnEvidence(draft.file_name) : attestation,
        marketingEvidence: draft.file_name ? `Columna de consentimiento de marketing del archivo «${draft.file_name}»` : "Columna de consentimiento de marketing del archivo",
      },
      ...(input.platform ? { platform: input.platform } : {}),
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    });
    // The rows now live in patients; the rejected rows stay for their download.
    await em.execute("update campaign_drafts set rows = null, confirmed_at = ? where workspace_id = ? and campaign_id = ?", [now, input.workspaceId, input.campaignId], "run");
    return { campaignId: input.campaignId, alreadyConfirmed: false, result };
  });
}

/** The evidence of consent read from a file's consent column. */
function consentColumnEvidence(fileName: string | null): string {
  return fileName ? `Columna de consentimiento del archivo «${fileName}»` : "Columna de consentimiento del archivo";
}

/** Discards a draft (the campaign row and its stored rows). False when there is no such DRAFT. */
export async function discardCampaignDraft(target: MikroORM | EntityManager, workspaceId: string, campaignId: string): Promise<boolean> {
  if (!UUID.test(campaignId)) return false;
  const deleted = await deleteDraftCampaigns(toEm(target), workspaceId, [campaignId]);
  return deleted.length === 1;
}

export type { AssignableDoctor };

/** Who a campaign can be assigned to (SPEC §3: the doctor whose appointments they were): doctors and owners. */
export async function listAssignableDoctors(target: MikroORM | EntityManager, workspaceId: string): Promise<AssignableDoctor[]> {
  return assignableDoctors(toEm(target), workspaceId);
}

export interface CampaignDraftSummary {
  campaignId: string;
  name: string;
  /** Accepted rows of the file. */
  patients: number;
  createdByName: string;
  createdAt: Date;
  expiresAt: Date;
}

/**
 * The workspace's drafts still waiting (not confirmed, not expired), newest first: all of them, or
 * with `userId` only those that user uploaded or that are assigned to them.
 */
export async function listCampaignDrafts(
  target: MikroORM | EntityManager,
  workspaceId: string,
  options: { userId?: string | null; now?: Date; limit?: number } = {},
): Promise<CampaignDraftSummary[]> {
  const userId = options.userId ?? null;
  const rows = await waitingDraftRows(toEm(target), workspaceId, options.now ?? new Date(), userId, options.limit ?? 20);
  return rows.map((r) => ({
    campaignId: r.id,
    name: r.name,
    patients: r.total_patients,
    createdByName: r.created_by_name,
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
  }));
}
