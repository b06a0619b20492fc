// Broadcast campaigns (SPEC §14): the audience (contacts by label, practice, doctor, last visit or
// last contact, rating given, or an uploaded list), the preview that counts who is excluded and why,
// the creation of the campaign with its recipients, held credits and scheduled sends in one
// transaction, pause and resume, and the results. Read model (docs/ARCHITECTURE.md, "Table
// ownership"): one statement resolves the audience over contacts, labels on them, their appointments
// and broadcasts; the rows are written through @rm/messaging, the holds through @rm/credits.
import { randomUUID } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { libraryContentVariables, recordTemplateUse } from "@rm/accounts";
import { createMsg, type Coded, coded } from "@rm/catalogue";
import { getCreditBalance, holdCreditsBulk, InsufficientCreditsError } from "@rm/credits";
import { pgArray, scopedQuery, scopedQueryBound } from "@rm/db";
import { type CategoryCredits, categoryMessageCredits, countSegments, destinationRejection, normalizePhone, renderTemplate, shiftOutOfQuietHours } from "@rm/domain";
import { BROADCAST_CAP_WINDOW_DAYS, insertBroadcastRecipients, type BroadcastExclusion, type BroadcastRecipient } from "@rm/messaging";
import { z } from "zod";
import { writeAudit } from "./audit.ts";
import { BROADCAST_EXCLUSIONS } from "./filters.ts";

export { BROADCAST_EXCLUSIONS } from "./filters.ts";

const isoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)));
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());

/** The audience's filters, as the form and the URL carry them. Every filter narrows; none set: every contact. */
export const audienceSchema = z.object({
  labels: z.array(z.uuid()).default([]),
  practice: optional(z.uuid()),
  doctor: optional(z.uuid()),
  visitAfter: optional(isoDate),
  visitBefore: optional(isoDate),
  contactAfter: optional(isoDate),
  contactBefore: optional(isoDate),
  ratingMin: optional(z.coerce.number().int().min(1).max(5)),
  ratingMax: optional(z.coerce.number().int().min(1).max(5)),
  /** The uploaded list's lines, as typed (normalised when resolved). */
  phones: optional(z.string().max(2_000_000)),
});
export type Audience = z.infer<typeof audienceSchema>;

/** Field → catalogue code of what is wrong with it. */
export type AudienceErrors = Partial<Record<keyof Audience, "broadcast.error.date" | "broadcast.error.rating" | "broadcast.error.filters">>;

/** Reads the audience from a query string or a posted form; the errors name the fields to fix. */
export function parseAudience(params: URLSearchParams | FormData): { ok: true; audience: Audience } | { ok: false; errors: AudienceErrors } {
  const get = (k: string) => {
    const v = params.get(k);
    return typeof v === "string" ? v : undefined;
  };
  const parsed = audienceSchema.safeParse({
    labels: params.getAll("labels").filter((v): v is string => typeof v === "string" && v !== ""),
    practice: get("practice"),
    doctor: get("doctor"),
    visitAfter: get("visitAfter"),
    visitBefore: get("visitBefore"),
    contactAfter: get("contactAfter"),
    contactBefore: get("contactBefore"),
    ratingMin: get("ratingMin"),
    ratingMax: get("ratingMax"),
    phones: get("phones"),
  });
  if (parsed.success) return { ok: true, audience: parsed.data };
  const errors: AudienceErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as keyof Audience;
    errors[field] = field.startsWith("rating") ? "broadcast.error.rating" : field.endsWith("After") || field.endsWith("Before") ? "broadcast.error.date" : "broadcast.error.filters";
  }
  return { ok: false, errors };
}

/** The audience as a query string (the preview's link, the form's hidden fields). */
export function audienceToParams(a: Audience): URLSearchParams {
  const p = new URLSearchParams();
  for (const l of a.labels) p.append("labels", l);
  for (const k of ["practice", "doctor", "visitAfter", "visitBefore", "contactAfter", "contactBefore", "ratingMin", "ratingMax", "phones"] as const) {
    const v = a[k];
    if (v !== undefined && v !== "") p.set(k, String(v));
  }
  return p;
}

interface Settings {
  timezone: string;
  quiet_hours_start: string | null;
  quiet_hours_end: string | null;
  default_country: string;
  extra_destination_countries: string[] | null;
  default_language: string;
  broadcast_cap: number;
  name: string;
}

async function workspaceSettings(em: EntityManager, workspaceId: string): Promise<Settings> {
  const [w] = await em.execute<Settings[]>(
    "select timezone, quiet_hours_start, quiet_hours_end, default_country, extra_destination_countries, default_language, broadcast_cap, name from workspaces where id = ?",
    [workspaceId],
  );
  return w!;
}

interface AudienceRow {
  contact_id: string;
  phone: string;
  name: string | null;
  language: string | null;
  opted_out_at: Date | null;
  erased_at: Date | null;
  marketing_consent_at: Date | null;
  recent: number;
}

const DAY_MS = 86_400_000;
const dayStart = (d: string) => new Date(`${d}T00:00:00Z`);

/** The uploaded list's lines as E.164 phones, and how many lines were not phones. */
export function parsePhoneList(text: string | undefined, defaultCountry: string): { phones: string[]; invalid: number } {
  if (!text) return { phones: [], invalid: 0 };
  const phones = new Set<string>();
  let invalid = 0;
  for (const line of text.split(/[\r\n;,]+/)) {
    if (line.trim() === "") continue;
    const n = normalizePhone(line, defaultCountry as Parameters<typeof normalizePhone>[1]);
    if (n.ok) phones.add(n.e164);
    else invalid += 1;
  }
  return { phones: [...phones], invalid };
}

/**
 * The contacts the filters select, each with what decides whether it may get a broadcast: opt-out,
 * erasure, marketing consent and its broadcasts inside the cap's window. One statement; the visit,
 * practice, doctor and rating filters look at the contact's appointments of feedback campaigns.
 */
async function resolveAudience(em: EntityManager, workspaceId: string, a: Audience, phones: string[] | null, now: Date): Promise<AudienceRow[]> {
  const visit = a.practice || a.doctor || a.visitAfter || a.visitBefore || a.ratingMin || a.ratingMax;
  return scopedQueryBound<AudienceRow>(
    em,
    workspaceId,
    `with a as (
     select c.workspace_id, c.id as contact_id, c.phone, c.name, c.language, c.opted_out_at, c.erased_at, c.marketing_consent_at
       from contacts c
      where c.workspace_id = ?
        and (cardinality(?::uuid[]) = 0 or exists (select 1 from contact_labels cl where cl.workspace_id = c.workspace_id and cl.contact_id = c.id and cl.label_id = any(?::uuid[])))
        and (?::text[] is null or c.phone = any(?::text[]))
        and (?::timestamptz is null or c.last_contact_at >= ?)
        and (?::timestamptz is null or c.last_contact_at < ?)
        and (not ?::bool or exists (
              select 1 from patients p join campaigns cp on cp.workspace_id = p.workspace_id and cp.id = p.campaign_id
               where p.workspace_id = c.workspace_id and p.contact_id = c.id and cp.kind = 'FEEDBACK'
                 and (?::uuid is null or cp.practice_id = ?)
                 and (?::uuid is null or p.doctor_id = ?)
                 and (?::int is null or p.rating >= ?)
                 and (?::int is null or p.rating <= ?)))
        and (?::timestamptz is null and ?::timestamptz is null or (
              select max(p.appointment_at) from patients p join campaigns cp on cp.workspace_id = p.workspace_id and cp.id = p.campaign_id
               where p.workspace_id = c.workspace_id and p.contact_id = c.id and cp.kind = 'FEEDBACK') between coalesce(?::timestamptz, '-infinity') and coalesce(?::timestamptz, 'infinity') - interval '1 microsecond'))
     select a.contact_id, a.phone, a.name, a.language, a.opted_out_at, a.erased_at, a.marketing_consent_at,
            (select count(*)::int from patients bp join messages m on m.workspace_id = bp.workspace_id and m.patient_id = bp.id
              where bp.workspace_id = a.workspace_id and bp.contact_id = a.contact_id and m.type = 'BROADCAST'
                and m.status not in ('CANCELED', 'FAILED', 'UNDELIVERED') and coalesce(m.send_attempted_at, m.created_at) >= ?) as recent
       from a
      order by a.contact_id`,
    [
      pgArray(a.labels),
      pgArray(a.labels),
      phones ? pgArray(phones) : null,
      phones ? pgArray(phones) : null,
      a.contactAfter ? dayStart(a.contactAfter) : null,
      a.contactAfter ? dayStart(a.contactAfter) : null,
      a.contactBefore ? dayStart(a.contactBefore) : null,
      a.contactBefore ? dayStart(a.contactBefore) : null,
      Boolean(visit),
      a.practice ?? null,
      a.practice ?? null,
      a.doctor ?? null,
      a.doctor ?? null,
      a.ratingMin ?? null,
      a.ratingMin ?? null,
      a.ratingMax ?? null,
      a.ratingMax ?? null,
      a.visitAfter ? dayStart(a.visitAfter) : null,
      a.visitBefore ? dayStart(a.visitBefore) : null,
      a.visitAfter ? dayStart(a.visitAfter) : null,
      a.visitBefore ? dayStart(a.visitBefore) : null,
      new Date(now.getTime() - BROADCAST_CAP_WINDOW_DAYS * DAY_MS),
    ],
  );
}

/** Why this contact gets no broadcast, in the order the preview and the send step check it; null: it does. */
export function exclusionOf(row: Pick<AudienceRow, "phone" | "opted_out_at" | "erased_at" | "marketing_consent_at" | "recent">, s: Pick<Settings, "default_country" | "extra_destination_countries" | "broadcast_cap">): BroadcastExclusion | null {
  if (row.erased_at) return "ERASED";
  if (row.opted_out_at) return "OPTED_OUT";
  if (!row.marketing_consent_at) return "NO_MARKETING_CONSENT";
  if (destinationRejection(row.phone, { ownCountry: s.default_country, extraCountries: s.extra_destination_countries })) return "COUNTRY_NOT_ALLOWED";
  if (Number(row.recent) >= s.broadcast_cap) return "FREQUENCY_CAP";
  return null;
}

/** What each broadcast message costs in credits (SPEC §14): the configured credits of its WhatsApp template's category. */
export type BroadcastPricing = CategoryCredits;

export interface BroadcastText {
  channel: "SMS" | "WHATSAPP";
  /** The library text (with {{name}}, {{practice}}). */
  body: string;
  /** WhatsApp: the approved template's category (its price); null for SMS. */
  category: "MARKETING" | "UTILITY" | null;
  /** WhatsApp: the approved template's variable names in Twilio's number order (`libraryNumbering`). */
  variables?: readonly string[];
}

/** What a broadcast fills the library text's variables with: the contact's first name and the practice. */
function broadcastValues(values: { name: string | null; practice: string }): { name: string; practice: string } {
  return { name: values.name?.trim().split(/\s+/)[0] ?? "", practice: values.practice };
}

/** The text one contact gets: the library text filled in, and for SMS the opt-out line at the end. */
export function broadcastBody(text: Pick<BroadcastText, "channel" | "body">, values: { name: string | null; practice: string }, language: string): string {
  const filled = renderTemplate(text.body, broadcastValues(values));
  if (text.channel !== "SMS") return filled;
  return `${filled}\n${createMsg(language === "en" ? "en" : "es")("broadcast.optOutLine")}`;
}

export function creditsPerMessage(text: Pick<BroadcastText, "channel" | "category">, pricing: BroadcastPricing, segments: number): number {
  // The one rule of @rm/domain (SMS by segments, WhatsApp by category), with the segments already counted.
  if (text.channel === "SMS") return segments;
  return categoryMessageCredits("WHATSAPP", "", text.category ?? "MARKETING", pricing);
}

export interface AudiencePreview {
  matched: number;
  eligible: number;
  excluded: Record<BroadcastExclusion, number>;
  cap: number;
  invalidPhones: number;
  timezone: string;
  /** A real recipient's text (the first eligible contact), with segments and credits for the whole audience. */
  sample: { name: string; body: string } | null;
  segments: number;
  encoding: "GSM7" | "UCS2" | null;
  creditsPerMessage: number;
  totalCredits: number;
  balance: number;
}

async function classify(em: EntityManager, workspaceId: string, audience: Audience, now: Date) {
  const settings = await workspaceSettings(em, workspaceId);
  const list = audience.phones ? parsePhoneList(audience.phones, settings.default_country) : null;
  const rows = await resolveAudience(em, workspaceId, audience, list ? list.phones : null, now);
  const excluded = Object.fromEntries(BROADCAST_EXCLUSIONS.map((r) => [r, 0])) as Record<BroadcastExclusion, number>;
  const classified = rows.map((row) => {
    const reason = exclusionOf(row, settings);
    if (reason) excluded[reason] += 1;
    return { row, reason };
  });
  return { settings, classified, excluded, invalidPhones: list?.invalid ?? 0 };
}

/** The preview of who gets the broadcast and who is excluded and why; with a text, its cost for the whole audience. */
export async function previewBroadcast(
  em: EntityManager,
  input: { workspaceId: string; audience: Audience; text: BroadcastText | null; practiceName?: string | null; pricing: BroadcastPricing; now?: Date },
): Promise<AudiencePreview> {
  const now = input.now ?? new Date();
  const { settings, classified, excluded, invalidPhones } = await classify(em, input.workspaceId, input.audience, now);
  const eligible = classified.filter((c) => c.reason === null);
  const first = eligible[0]?.row;
  const practice = input.practiceName ?? settings.name;
  let segments = 0;
  let encoding: "GSM7" | "UCS2" | null = null;
  let sample: AudiencePreview["sample"] = null;
  let total = 0;
  let per = 0;
  if (input.text) {
    for (const { row } of eligible) {
      const body = broadcastBody(input.text, { name: row.name, practice }, row.language ?? settings.default_language);
      const count = input.text.channel === "SMS" ? countSegments(body) : { segments: 1, encoding: null };
      const credits = creditsPerMessage(input.text, input.pricing, count.segments);
      total += credits;
      if (row === first) {
        segments = count.segments;
        encoding = count.encoding as typeof encoding;
        per = credits;
        sample = { name: row.name ?? row.phone, body };
      }
    }
  }
  const balance = await getCreditBalance(em, input.workspaceId);
  return {
    matched: classified.length,
    eligible: eligible.length,
    excluded,
    cap: settings.broadcast_cap,
    invalidPhones,
    timezone: settings.timezone,
    sample,
    segments,
    encoding,
    creditsPerMessage: per,
    totalCredits: total,
    balance: balance.available,
  };
}

export interface CreateBroadcastInput {
  workspaceId: string;
  actorId: string;
  practiceId: string;
  practiceName: string;
  name: string;
  audience: Audience;
  text: BroadcastText & { templateId: string; contentSid: string | null };
  /** When it is due, before quiet hours are applied. */
  scheduledAt: Date;
  pricing: BroadcastPricing;
  ip?: string | null;
  now?: Date;
}

export type CreateBroadcastResult =
  | { ok: true; campaignId: string; recipients: number; excluded: Record<BroadcastExclusion, number>; credits: number; sendAt: Date }
  | { ok: false; error: Coded };

const BATCH = 5_000;

/**
 * Creates the broadcast in the caller's transaction: the campaign (ACTIVE, kind BROADCAST), every
 * contact of the audience as a recipient (excluded ones SKIPPED with their reason), the credits held
 * for the eligible ones (all or nothing), and their sends in the outbox, due at the scheduled time
 * moved out of quiet hours. The send step checks consent and the cap again when each message goes.
 */
export async function createBroadcast(em: EntityManager, input: CreateBroadcastInput): Promise<CreateBroadcastResult> {
  const now = input.now ?? new Date();
  if (input.scheduledAt.getTime() < now.getTime() - 60_000) return { ok: false, error: coded("broadcast.error.past") };
  // WhatsApp only as the text's approved template on the own account (`broadcastWhatsAppTemplate` decides).
  if (input.text.channel === "WHATSAPP" && !input.text.contentSid) return { ok: false, error: coded("broadcast.error.whatsappTemplate") };
  const { settings, classified, excluded } = await classify(em, input.workspaceId, input.audience, now);
  const quiet = settings.quiet_hours_start && settings.quiet_hours_end ? { start: settings.quiet_hours_start, end: settings.quiet_hours_end } : null;
  const sendAt = shiftOutOfQuietHours(new Date(Math.max(input.scheduledAt.getTime(), now.getTime())), settings.timezone, quiet);
  const recipients: (BroadcastRecipient & { patientId: string; messageId: string })[] = classified.map(({ row, reason }) => {
    const language = row.language ?? settings.default_language;
    const body = reason ? null : broadcastBody(input.text, { name: row.name, practice: input.practiceName }, language);
    const segments = body && input.text.channel === "SMS" ? countSegments(body).segments : 1;
    return {
      patientId: randomUUID(),
      messageId: randomUUID(),
      contactId: row.contact_id,
      phone: row.phone,
      name: row.name ?? "",
      language,
      excluded: reason,
      // WhatsApp keeps the filled text too (what the contact reads, for the pages); the send uses the Content SID.
      body,
      contentVariables: reason || input.text.channel !== "WHATSAPP" ? null : libraryContentVariables(input.text.variables ?? [], broadcastValues({ name: row.name, practice: input.practiceName }), language),
      credits: reason ? 0 : creditsPerMessage(input.text, input.pricing, segments),
      due: sendAt,
    };
  });
  const eligible = recipients.filter((r) => r.excluded === null);
  if (eligible.length === 0) return { ok: false, error: coded("broadcast.error.nobody") };
  const credits = eligible.reduce((sum, r) => sum + r.credits, 0);

  // The holds first: when they do not fit nothing is written, so a refusal leaves no campaign behind
  // even in a caller's transaction that commits.
  try {
    await holdCreditsBulk(em, { workspaceId: input.workspaceId, holds: eligible.map((r) => ({ reference: `message:${r.messageId}`, amount: r.credits })), reason: `BROADCAST ${input.text.channel}` });
  } catch (err) {
    if (!(err instanceof InsufficientCreditsError)) throw err;
    const balance = await getCreditBalance(em, input.workspaceId);
    return { ok: false, error: coded("broadcast.error.credits", { needed: String(credits), available: String(balance.available) }) };
  }
  const campaignId = randomUUID();
  await em.execute(
    `insert into campaigns (id, workspace_id, practice_id, created_by_id, name, status, kind, broadcast_channel, broadcast_template_id, audience,
                            scheduled_at, credits_per_message, total_patients, skipped_patients, activated_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, 'ACTIVE', 'BROADCAST', ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?)`,
    [
      campaignId,
      input.workspaceId,
      input.practiceId,
      input.actorId,
      input.name,
      input.text.channel,
      input.text.templateId,
      JSON.stringify({ ...input.audience, phones: input.audience.phones ? `${parsePhoneList(input.audience.phones, settings.default_country).phones.length} phones` : undefined }),
      sendAt,
      eligible[0]!.credits,
      recipients.length,
      recipients.length - eligible.length,
      now,
      now,
      now,
    ],
    "run",
  );
  for (let i = 0; i < recipients.length; i += BATCH) {
    await insertBroadcastRecipients(em, { workspaceId: input.workspaceId, campaignId, channel: input.text.channel, contentSid: input.text.contentSid, now }, recipients.slice(i, i + BATCH));
  }
  await writeAudit(em, {
    workspaceId: input.workspaceId,
    actorId: input.actorId,
    action: "campaign.broadcast_created",
    entityType: "campaign",
    entityId: campaignId,
    ip: input.ip ?? null,
    details: { channel: input.text.channel, templateId: input.text.templateId, recipients: eligible.length, excluded: recipients.length - eligible.length, credits, sendAt: sendAt.toISOString() },
    now,
  });
  // One use of the library text per broadcast, in the same transaction (the library's count and "last used").
  await recordTemplateUse(em, input.workspaceId, input.text.templateId, now);
  return { ok: true, campaignId, recipients: eligible.length, excluded, credits, sendAt };
}

/** Pauses or resumes a broadcast: its messages wait in the outbox (holds kept) while paused. False when not a broadcast of this workspace. */
export async function setBroadcastPaused(em: EntityManager, input: { workspaceId: string; campaignId: string; actorId: string; paused: boolean; ip?: string | null; now?: Date }): Promise<boolean> {
  const now = input.now ?? new Date();
  const res = await em.execute<{ affectedRows: number }>(
    "update campaigns set paused_at = ?, updated_at = ? where workspace_id = ? and id = ? and kind = 'BROADCAST' and status = 'ACTIVE'",
    [input.paused ? now : null, now, input.workspaceId, input.campaignId],
    "run",
  );
  if (res.affectedRows === 0) return false;
  await writeAudit(em, { workspaceId: input.workspaceId, actorId: input.actorId, action: input.paused ? "campaign.broadcast_paused" : "campaign.broadcast_resumed", entityType: "campaign", entityId: input.campaignId, ip: input.ip ?? null, details: {}, now });
  return true;
}

export interface BroadcastResults {
  total: number;
  waiting: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
  cancelled: number;
  optedOut: number;
  excluded: Record<BroadcastExclusion, number>;
  pausedAt: Date | null;
  scheduledAt: Date | null;
  channel: "SMS" | "WHATSAPP" | null;
  sampleBody: string | null;
}

/** A broadcast's progress and results (SPEC §14); null when the campaign is not a broadcast of this workspace. */
export async function broadcastResults(em: EntityManager, workspaceId: string, campaignId: string): Promise<BroadcastResults | null> {
  const [c] = await scopedQuery<{ paused_at: Date | null; scheduled_at: Date | null; broadcast_channel: "SMS" | "WHATSAPP" | null }>(
    em,
    workspaceId,
    "select paused_at, scheduled_at, broadcast_channel from campaigns where workspace_id = ? and id = ? and kind = 'BROADCAST'",
    [campaignId],
  );
  if (!c) return null;
  const [m] = await scopedQuery<Record<string, number | string | null>>(
    em,
    workspaceId,
    `select count(*)::int as total,
            count(*) filter (where m.status in ('PENDING', 'SENDING'))::int as waiting,
            count(*) filter (where m.status in ('ACCEPTED', 'SCHEDULED', 'QUEUED', 'SENT', 'DELIVERED', 'READ', 'UNDELIVERED') or m.provider_sid is not null)::int as sent,
            count(*) filter (where m.status in ('DELIVERED', 'READ'))::int as delivered,
            count(*) filter (where m.status = 'READ')::int as read,
            count(*) filter (where m.replied_at is not null)::int as replied,
            count(*) filter (where m.status in ('FAILED', 'UNDELIVERED'))::int as failed,
            count(*) filter (where m.status = 'CANCELED')::int as cancelled,
            count(*) filter (where ct.opted_out_at is not null and ct.opted_out_at >= m.created_at)::int as opted_out,
            min(m.body) as sample_body
       from messages m
       join patients p on p.workspace_id = m.workspace_id and p.id = m.patient_id
       join contacts ct on ct.workspace_id = p.workspace_id and ct.id = p.contact_id
      where m.workspace_id = ? and m.campaign_id = ? and m.type = 'BROADCAST'`,
    [campaignId],
  );
  const skipped = await scopedQuery<{ skip_reason: BroadcastExclusion; n: number }>(
    em,
    workspaceId,
    "select skip_reason, count(*)::int as n from patients where workspace_id = ? and campaign_id = ? and status = 'SKIPPED' group by skip_reason",
    [campaignId],
  );
  const excluded = Object.fromEntries(BROADCAST_EXCLUSIONS.map((r) => [r, 0])) as Record<BroadcastExclusion, number>;
  for (const s of skipped) if (s.skip_reason in excluded) excluded[s.skip_reason] = Number(s.n);
  const n = (k: string) => Number(m?.[k] ?? 0);
  return {
    total: n("total"),
    waiting: n("waiting"),
    sent: n("sent"),
    delivered: n("delivered"),
    read: n("read"),
    replied: n("replied"),
    failed: n("failed"),
    cancelled: n("cancelled"),
    optedOut: n("opted_out"),
    excluded,
    pausedAt: c.paused_at ? new Date(c.paused_at) : null,
    scheduledAt: c.scheduled_at ? new Date(c.scheduled_at) : null,
    channel: c.broadcast_channel,
    sampleBody: (m?.sample_body as string | null) ?? null,
  };
}
