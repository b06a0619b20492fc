// Reading a routed reply (the `onInboundRouted` seam of store-inbound): rating, opt-out, opt-in, or
// anything else (HELP once per patient, the text to the staff inbox). Runs in the transaction that
// stored the inbound message; whatever it writes commits with it.
import type { EntityManager } from "@mikro-orm/postgresql";
import { InboundIntent, scopedQuery, type InboundMessage } from "@rm/db";
import { parseReply } from "@rm/domain";
import type { LogSink } from "@rm/telemetry";
import { createTemplatedMessage, type Addressing } from "./outbound.ts";
import type { FeedbackOptions } from "./options.ts";
import { optIn, optOut } from "./opt-out.ts";
import { loadPatientContext } from "./patient-context.ts";
import { recordRating } from "./rating.ts";

export interface ReplyDeps {
  logger: LogSink;
  feedback: FeedbackOptions;
}

export type ReplyOutcome = "rating" | "optout" | "optin" | "help" | "inbox" | "staff_reply" | "unrouted";

export function createReplyProcessor(deps: ReplyDeps): (em: EntityManager, inbound: InboundMessage) => Promise<void> {
  return async (em, inbound) => {
    await processReply(deps, em, inbound);
  };
}

export async function processReply(deps: ReplyDeps, em: EntityManager, inbound: InboundMessage): Promise<ReplyOutcome> {
  const workspaceId = inbound.workspace?.id;
  const patientId = inbound.patient?.id;
  const now = inbound.receivedAt;
  inbound.processedAt = new Date();
  if (!workspaceId || !patientId) return "unrouted";

  // A staff member answering a detractor alert is not a patient: keep the message, read nothing.
  const answered = inbound.inReplyTo
    ? await scopedQuery<{ type: string }>(em, workspaceId, "select type from messages where workspace_id = ? and id = ?", [inbound.inReplyTo.id])
    : [];
  if (answered[0]?.type === "STAFF_ALERT") {
    inbound.intent = InboundIntent.OTHER;
    return "staff_reply";
  }

  const parsed = parseReply(inbound.body, { buttonPayload: inbound.buttonPayload });
  const replyTo: Addressing = { channel: inbound.channel, to: inbound.fromAddress, from: inbound.toAddress };
  const phone = inbound.fromAddress.replace(/^whatsapp:/, "");
  const log = { inboundId: inbound.id, workspaceId, patientId };

  switch (parsed.kind) {
    case "rating": {
      inbound.intent = InboundIntent.RATING;
      inbound.rating = parsed.rating;
      const outcome = await recordRating(em, deps.feedback, {
        workspaceId,
        patientId,
        rating: parsed.rating,
        source: { kind: "reply", replyTo, inboundId: inbound.id, inReplyToId: inbound.inReplyTo?.id ?? null },
        now,
      });
      deps.logger.info({ ...log, rating: parsed.rating, followUpMessageId: outcome?.followUpMessageId ?? null, alerted: outcome?.alerted ?? false }, "rating recorded");
      return "rating";
    }
    case "optout": {
      inbound.intent = InboundIntent.OPT_OUT;
      const { wasOptedIn, workspaces } = await optOut(em, workspaceId, { phone, channel: inbound.channel, sender: inbound.toAddress, keyword: inbound.buttonPayload ?? inbound.body, now });
      const ctx = await loadPatientContext(em, workspaceId, patientId);
      // SMS senders where the provider answers STOP itself: record it, send nothing.
      const confirm = wasOptedIn && ctx !== null && (inbound.channel === "WHATSAPP" || !ctx.providerHandlesOptOut);
      if (confirm) await createTemplatedMessage(em, { ctx, type: "OPT_OUT_CONFIRMATION", addressing: replyTo, publicUrl: deps.feedback.publicUrl, platformContentSids: deps.feedback.platformContentSids, now });
      deps.logger.info({ ...log, workspaces, confirmation: confirm }, "opt-out recorded");
      return "optout";
    }
    case "optin": {
      inbound.intent = InboundIntent.OPT_IN;
      const changed = await optIn(em, workspaceId, { phone, channel: inbound.channel, sender: inbound.toAddress, keyword: inbound.body, now });
      deps.logger.info({ ...log, contacts: changed }, "opt-in recorded");
      return "optin";
    }
    default: {
      inbound.intent = InboundIntent.OTHER;
      const ctx = await loadPatientContext(em, workspaceId, patientId, { lock: true });
      if (!ctx) return "inbox";
      // Everything not understood lands in the staff inbox with the text.
      await em.execute(
        `insert into feedback (id, workspace_id, patient_id, source, inbound_message_id, text, status, created_at, updated_at)
         values (gen_random_uuid(), ?, ?, 'REPLY', ?, ?, 'NEW', ?, ?)`,
        [workspaceId, patientId, inbound.id, inbound.body, now, now],
      );
      // HELP explains how to rate: not for someone who already rated ("gracias" after the follow-up).
      if (ctx.helpSentAt || ctx.rating !== null || ctx.contactOptedOutAt || ctx.contactErasedAt) return "inbox";
      await em.execute("update patients set help_sent_at = ? where id = ?", [now, patientId], "run");
      await createTemplatedMessage(em, { ctx, type: "HELP", addressing: replyTo, publicUrl: deps.feedback.publicUrl, platformContentSids: deps.feedback.platformContentSids, now });
      deps.logger.info(log, "HELP sent for an unreadable reply");
      return "help";
    }
  }
}
