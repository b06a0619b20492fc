// What the public pages /q, /r and /f do (SPEC §5.9). The routes stay thin: they call these. A GET
// never changes anything except counting a review click (once per token, bots excluded).
import { threadForPatient } from "../conversations/threads.ts";
import type { EntityManager } from "@mikro-orm/postgresql";
import { emitWebhookEvent } from "../webhook-events.ts";
import { scopedQuery } from "@rm/db";
import { type ReplyRating, isUnhappy, ratingSql } from "@rm/domain";
import { feedbackLink, reviewLink, type FeedbackOptions } from "./options.ts";
import { effectivePolicy, firstName, loadPatientContext, type PatientContext } from "./patient-context.ts";
import { recordRating, type RatingOutcome } from "./rating.ts";

/** The language of a patient's pages (SPEC §5.9): the appointment's, Spanish unless it is English. */
export type PageLanguage = "es" | "en";
export const pageLanguage = (language: string): PageLanguage => (language === "en" ? "en" : "es");

export type Missing = { state: "not_found" } | { state: "expired"; language: PageLanguage };
export type PublicLookup = { state: "ok"; ctx: PatientContext } | Missing;

// Our tokens are base64url (32 bytes) or the database default (64 hex); anything else is not ours.
const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

/**
 * Deliberately cross-tenant: the unguessable token is what identifies the patient, before any
 * workspace is known. Then everything is read scoped to the patient's workspace.
 */
export async function findByToken(em: EntityManager, token: string, now: Date): Promise<PublicLookup> {
  if (!TOKEN.test(token)) return { state: "not_found" };
  const [row] = await em.execute<{ id: string; workspace_id: string }[]>("select id, workspace_id from patients where public_token = ?", [token]);
  if (!row) return { state: "not_found" };
  const ctx = await loadPatientContext(em, row.workspace_id, row.id);
  if (!ctx || ctx.contactErasedAt) return { state: "not_found" };
  if (ctx.tokenExpiresAt.getTime() <= now.getTime()) return { state: "expired", language: pageLanguage(ctx.language) };
  return { state: "ok", ctx };
}

export interface RatingPage {
  language: PageLanguage;
  practiceName: string;
  firstName: string;
  doctorName: string | null;
  /** The rating already given, if any (the page then shows its follow-up). */
  rating: number | null;
  followUp: FollowUpView | null;
}

export interface FollowUpView {
  kind: "happy" | "unhappy";
  reviewLink: string | null;
  feedbackLink: string | null;
}

function followUpView(options: FeedbackOptions, ctx: PatientContext, rating: number): FollowUpView {
  const happy = !isUnhappy(rating);
  const offersReview = (happy || effectivePolicy(ctx) === "open") && ctx.googleReviewLink !== null;
  return {
    kind: happy ? "happy" : "unhappy",
    reviewLink: offersReview ? reviewLink(options.publicUrl, ctx.publicToken) : null,
    feedbackLink: happy ? null : feedbackLink(options.publicUrl, ctx.publicToken),
  };
}

/** GET /q/:token — read only. */
export async function loadRatingPage(em: EntityManager, options: FeedbackOptions, token: string, now: Date): Promise<{ state: "ok"; page: RatingPage } | Missing> {
  const found = await findByToken(em, token, now);
  if (found.state !== "ok") return found;
  const { ctx } = found;
  return {
    state: "ok",
    page: {
      language: pageLanguage(ctx.language),
      practiceName: ctx.practiceName,
      firstName: firstName(ctx.name),
      doctorName: ctx.doctorName,
      rating: ctx.rating,
      followUp: ctx.rating === null ? null : followUpView(options, ctx, ctx.rating),
    },
  };
}

export function parseRatingInput(value: unknown): ReplyRating | null {
  const n = typeof value === "string" && /^[1-5]$/.test(value.trim()) ? Number(value.trim()) : NaN;
  return Number.isInteger(n) ? (n as ReplyRating) : null;
}

/** POST /q/:token — the same code path as a rating by reply, minus the message. */
export async function rateByToken(em: EntityManager, options: FeedbackOptions, token: string, rating: ReplyRating, now: Date): Promise<{ state: "ok"; outcome: RatingOutcome } | Missing> {
  return em.transactional(async (tem) => {
    const found = await findByToken(tem, token, now);
    if (found.state !== "ok") return found;
    const outcome = await recordRating(tem, options, { workspaceId: found.ctx.workspaceId, patientId: found.ctx.patientId, rating, source: { kind: "page" }, now });
    if (!outcome) return { state: "not_found" as const };
    return { state: "ok" as const, outcome };
  });
}

/**
 * GET /r/:token — the Google review URL, and the click counted once per token unless `bot`.
 * Null URL when the practice has no Google review link configured.
 */
export async function reviewRedirect(em: EntityManager, token: string, request: { userAgent: string | null; bot: boolean }, now: Date): Promise<{ state: "ok"; url: string | null; counted: boolean; language: PageLanguage } | Missing> {
  const found = await findByToken(em, token, now);
  if (found.state !== "ok") return found;
  const { ctx } = found;
  const language = pageLanguage(ctx.language);
  if (!ctx.googleReviewLink) return { state: "ok", url: null, counted: false, language };
  let counted = false;
  if (!request.bot) {
    const res = await em.execute<{ affectedRows: number }>(
      `insert into review_clicks (id, workspace_id, patient_id, clicked_at, user_agent) values (gen_random_uuid(), ?, ?, ?, ?)
       on conflict (workspace_id, patient_id) do nothing`,
      [ctx.workspaceId, ctx.patientId, now, request.userAgent?.slice(0, 500) ?? null],
      "run",
    );
    counted = res.affectedRows > 0;
  }
  return { state: "ok", url: ctx.googleReviewLink, counted, language };
}

export interface FeedbackFormPage {
  language: PageLanguage;
  practiceName: string;
  firstName: string;
  /** Shown on the thank-you page under the `open` policy. */
  reviewLink: string | null;
  submitted: boolean;
}

function formPage(options: FeedbackOptions, ctx: PatientContext, submitted: boolean): FeedbackFormPage {
  const offersReview = effectivePolicy(ctx) === "open" && ctx.googleReviewLink !== null;
  return { language: pageLanguage(ctx.language), practiceName: ctx.practiceName, firstName: firstName(ctx.name), reviewLink: offersReview ? reviewLink(options.publicUrl, ctx.publicToken) : null, submitted };
}

/** GET /f/:token — read only. */
export async function loadFeedbackForm(em: EntityManager, options: FeedbackOptions, token: string, now: Date): Promise<{ state: "ok"; page: FeedbackFormPage } | Missing> {
  const found = await findByToken(em, token, now);
  if (found.state !== "ok") return found;
  const existing = await scopedQuery(em, found.ctx.workspaceId, "select 1 from feedback where workspace_id = ? and patient_id = ? and source = 'FORM' limit 1", [found.ctx.patientId]);
  return { state: "ok", page: formPage(options, found.ctx, existing.length > 0) };
}

export const FEEDBACK_MAX_LENGTH = 5000;

/** `invalid`: `error` in Spanish, `reason` for the page's catalogue text in the patient's language. */
export type FeedbackSubmission = { state: "ok"; page: FeedbackFormPage } | Missing | { state: "invalid"; error: string; reason: "empty" | "too_long"; language: PageLanguage };

/** POST /f/:token — one Feedback row (source FORM, NEW) in the staff inbox; a resubmission adds to it. */
export async function submitFeedback(em: EntityManager, options: FeedbackOptions, token: string, text: unknown, now: Date): Promise<FeedbackSubmission> {
  const body = typeof text === "string" ? text.trim() : "";
  if (body.length === 0 || body.length > FEEDBACK_MAX_LENGTH) {
    // Read only: the answer is in the patient's language.
    const found = await findByToken(em, token, now);
    if (found.state !== "ok") return found;
    const language = pageLanguage(found.ctx.language);
    if (body.length === 0) return { state: "invalid", error: "Escriba su comentario antes de enviarlo.", reason: "empty", language };
    return { state: "invalid", error: `El comentario puede tener hasta ${FEEDBACK_MAX_LENGTH} caracteres.`, reason: "too_long", language };
  }
  return em.transactional(async (tem) => {
    const found = await findByToken(tem, token, now);
    if (found.state !== "ok") return found;
    const { ctx } = found;
    const [existing] = await scopedQuery<{ id: string }>(tem, ctx.workspaceId, "select id from feedback where workspace_id = ? and patient_id = ? and source = 'FORM' for update", [ctx.patientId]);
    // The comment is an entry of the patient's thread, which it reopens (SPEC §13).
    const conversationId = await threadForPatient(tem, ctx.workspaceId, ctx.patientId, now);
    if (existing) {
      await tem.execute("update feedback set text = left(text || E'\\n\\n' || ?, 20000), status = 'NEW', conversation_id = coalesce(?, conversation_id), updated_at = ? where id = ?", [body, conversationId, now, existing.id], "run");
    } else {
      await tem.execute(
        `insert into feedback (id, workspace_id, patient_id, source, conversation_id, text, rating, status, created_at, updated_at)
         values (gen_random_uuid(), ?, ?, 'FORM', ?, ?, ?, 'NEW', ?, ?)`,
        [ctx.workspaceId, ctx.patientId, conversationId, body, ctx.rating, now, now],
      );
    }
    await emitWebhookEvent(tem, {
      workspaceId: ctx.workspaceId,
      type: "feedback.received",
      subjectId: `${ctx.patientId}:${now.toISOString()}`,
      // The text stays in the app: the receiver is told there is feedback, not what it says.
      data: { patient_id: ctx.patientId, campaign_id: ctx.campaignId, rating: ctx.rating, source: "FORM", received_at: now.toISOString() },
      now,
    });
    return { state: "ok" as const, page: formPage(options, ctx, true) };
  });
}

/** Data for the staff UI badge: detractor alerts not yet looked at. */
export async function countNewDetractorAlerts(em: EntityManager, workspaceId: string): Promise<number> {
  const [row] = await scopedQuery<{ n: string }>(em, workspaceId, `select count(*)::text as n from feedback where workspace_id = ? and source = 'RATING' and status = 'NEW' and ${ratingSql("detractor", "rating")}`);
  return Number(row?.n ?? 0);
}
