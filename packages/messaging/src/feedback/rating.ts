// One code path for a rating, whether it came as a reply or from the one-tap page (SPEC §5.6, §5.8):
// store it, mark the request replied, decide the one follow-up per patient, alert staff on a detractor.
import type { EntityManager } from "@mikro-orm/postgresql";
import { cancelOutboxByKeys, scopedQuery } from "@rm/db";
import { type ReplyRating, isDetractor, isUnhappy } from "@rm/domain";
import { createTemplatedMessage, insertMessage, type Addressing } from "./outbound.ts";
import { feedbackLink, reviewLink, type FeedbackOptions } from "./options.ts";
import { effectivePolicy, firstName, loadPatientContext, type PatientContext } from "./patient-context.ts";
import { holdFollowUp, releaseFollowUpShare } from "./follow-up-credits.ts";
import { reminderKey } from "./pending-sends.ts";
import { emitWebhookEvent } from "../webhook-events.ts";
import { threadForPatient } from "../conversations/threads.ts";

export interface RatingInput {
  workspaceId: string;
  patientId: string;
  rating: ReplyRating;
  /** A reply gets its follow-up as a message (to `replyTo`); the one-tap page shows it instead. */
  source: { kind: "reply"; replyTo: Addressing; inboundId: string; inReplyToId: string | null } | { kind: "page" };
  now: Date;
}

export interface RatingOutcome {
  rating: ReplyRating;
  followUp: "happy" | "unhappy";
  /** Tracked /r link, when the policy offers it to this rating. */
  reviewLink: string | null;
  /** /f link for unhappy patients. */
  feedbackLink: string | null;
  /** The follow-up message created by this rating (null when one was already decided, or on the page). */
  followUpMessageId: string | null;
  /** A staff alert was raised by this rating. */
  alerted: boolean;
  practiceName: string;
}

/** Runs inside the caller's transaction; the patient row lock serialises concurrent ratings. */
export async function recordRating(em: EntityManager, options: FeedbackOptions, input: RatingInput): Promise<RatingOutcome | null> {
  // Lock order contact → patient, as storing a reply does (it locks the contact for the WhatsApp
  // window first): a tap and a reply of the same patient then queue instead of deadlocking.
  await scopedQuery(em, input.workspaceId, "select c.id from contacts c join patients p on p.contact_id = c.id where c.workspace_id = ? and p.id = ? for update of c", [input.patientId]);
  const ctx = await loadPatientContext(em, input.workspaceId, input.patientId, { lock: true });
  if (!ctx) return null;
  const { now, rating } = input;
  const happy = !isUnhappy(rating);
  const offersReview = (happy || effectivePolicy(ctx) === "open") && ctx.googleReviewLink !== null;

  await em.execute("update patients set rating = ?, rated_at = ?, status = 'RATED', updated_at = ? where id = ? and workspace_id = ?", [rating, now, now, ctx.patientId, ctx.workspaceId], "run");
  await emitWebhookEvent(em, {
    workspaceId: ctx.workspaceId,
    type: "rating.received",
    subjectId: `${ctx.patientId}:${now.toISOString()}`,
    data: { patient_id: ctx.patientId, campaign_id: ctx.campaignId, rating, rated_at: now.toISOString(), source: input.source.kind },
    now,
  });

  // The request answered: the one the reply routed to, else the latest INITIAL/REMINDER.
  const answered = await scopedQuery<{ id: string }>(
    em,
    ctx.workspaceId,
    `select id from messages where workspace_id = ? and patient_id = ? and type in ('INITIAL', 'REMINDER')
      order by (id = ?) desc, created_at desc limit 1`,
    [ctx.patientId, input.source.kind === "reply" ? input.source.inReplyToId : null],
  );
  if (answered[0]) {
    await em.execute("update messages set replied_at = coalesce(replied_at, ?), rating = ?, updated_at = ? where id = ?", [now, rating, now, answered[0].id], "run");
  }
  // No reminder after a rating.
  await cancelOutboxByKeys(em, [reminderKey(ctx.patientId)], "rated", ["pending"]);

  let followUpMessageId: string | null = null;
  if (!ctx.followUpSentAt) {
    // Exactly one follow-up per patient, decided by the first rating; later ratings only update it.
    await em.execute("update patients set follow_up_sent_at = ? where id = ?", [now, ctx.patientId], "run");
    if (input.source.kind === "reply" && !ctx.contactOptedOutAt && !ctx.contactErasedAt) {
      const followUp = await createTemplatedMessage(em, {
        ctx,
        type: happy ? "FOLLOWUP_HAPPY" : "FOLLOWUP_UNHAPPY",
        addressing: input.source.replyTo,
        publicUrl: options.publicUrl,
        platformContentSids: options.platformContentSids,
        now,
        withReviewLink: offersReview,
      });
      followUpMessageId = followUp.id;
      await holdFollowUp(em, { workspaceId: ctx.workspaceId, patientId: ctx.patientId, messageId: followUp.id, channel: input.source.replyTo.channel, body: followUp.body });
    } else {
      // The follow-up is shown on the page, or not sent at all: its credits go back.
      await releaseFollowUpShare(em, ctx.workspaceId, ctx.patientId, input.source.kind === "page" ? "follow-up shown on the rating page" : "no follow-up to an opted-out contact");
    }
  }

  const alerted = isDetractor(rating) ? await raiseDetractorAlert(em, options, ctx, rating, input) : false;
  return {
    rating,
    followUp: happy ? "happy" : "unhappy",
    reviewLink: offersReview ? reviewLink(options.publicUrl, ctx.publicToken) : null,
    feedbackLink: happy ? null : feedbackLink(options.publicUrl, ctx.publicToken),
    followUpMessageId,
    alerted,
    practiceName: ctx.practiceName,
  };
}

/**
 * A detractor (@rm/domain's isDetractor): an inbox item with the rating (the UI badge counts NEW ones) and, once per
 * patient, a free message to the practice's staff number through the outbox.
 */
async function raiseDetractorAlert(em: EntityManager, options: FeedbackOptions, ctx: PatientContext, rating: ReplyRating, input: RatingInput): Promise<boolean> {
  const existing = await scopedQuery<{ id: string }>(em, ctx.workspaceId, "select id from feedback where workspace_id = ? and patient_id = ? and source = 'RATING' limit 1", [ctx.patientId]);
  if (existing[0]) {
    await em.execute("update feedback set rating = ?, updated_at = ? where id = ?", [rating, input.now, existing[0].id], "run");
    return false;
  }
  // A low rating is an entry of the patient's thread: the reply's own, or the one the request went out in.
  const conversationId =
    input.source.kind === "reply"
      ? ((await scopedQuery<{ conversation_id: string | null }>(em, ctx.workspaceId, "select conversation_id from inbound_messages where workspace_id = ? and id = ?", [input.source.inboundId]))[0]?.conversation_id ?? null)
      : await threadForPatient(em, ctx.workspaceId, ctx.patientId, input.now);
  await em.execute(
    `insert into feedback (id, workspace_id, patient_id, source, inbound_message_id, conversation_id, text, rating, status, created_at, updated_at)
     values (gen_random_uuid(), ?, ?, 'RATING', ?, ?, '', ?, 'NEW', ?, ?)`,
    [ctx.workspaceId, ctx.patientId, input.source.kind === "reply" ? input.source.inboundId : null, conversationId, rating, input.now, input.now],
  );
  if (!ctx.staffAlertPhone) return true;
  const sms = ctx.smsSender !== null || options.platformSmsSender !== false;
  const how = input.source.kind === "reply" ? "por mensaje" : "en el enlace";
  await insertMessage(em, {
    ctx,
    type: "STAFF_ALERT",
    addressing: sms ? { channel: "SMS", to: ctx.staffAlertPhone, from: null } : { channel: "WHATSAPP", to: `whatsapp:${ctx.staffAlertPhone}`, from: null },
    body: `Alerta ${ctx.practiceName}: ${firstName(ctx.name)} calificó su visita con ${rating}/5 ${how}. Revise la bandeja de comentarios.`,
    contentVariables: null,
    campaignId: null,
    now: input.now,
  });
  return true;
}
