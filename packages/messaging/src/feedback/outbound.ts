// Creates one outbound message of the feedback flow (follow-up, reminder, HELP, opt-out confirmation,
// staff alert) with its body rendered now, and its `message.send` outbox row in the same transaction.
import type { EntityManager } from "@mikro-orm/postgresql";
import { templateText } from "@rm/accounts";
import { enqueueOutbox, OutboxStream, type MessageType, type TemplateType } from "@rm/db";
import { formatAppointmentDate, renderTemplate, resolveWhatsAppContentSid, whatsappContentVariables, type PlatformContentSids, type TemplateValues } from "@rm/domain";
import { feedbackLink, ratingLink, reviewLink } from "./options.ts";
import { firstName, type PatientContext } from "./patient-context.ts";
import { messageSendEvent } from "@rm/events";

export interface Addressing {
  channel: "SMS" | "WHATSAPP";
  /** The recipient as the provider spells it ("whatsapp:+593…" or "+593…"). */
  to: string;
  /** Our sender; null lets the send step pick the workspace's or the platform's. */
  from: string | null;
}

export function templateValues(ctx: PatientContext, publicUrl: string, opts: { withReviewLink?: boolean } = {}): TemplateValues {
  return {
    name: firstName(ctx.name),
    practice: ctx.practiceName,
    doctor: ctx.doctorName,
    appointmentType: ctx.appointmentType,
    date: formatAppointmentDate(ctx.appointmentAt, ctx.timezone),
    ratingLink: ratingLink(publicUrl, ctx.publicToken),
    feedbackLink: feedbackLink(publicUrl, ctx.publicToken),
    reviewLink: opts.withReviewLink === false ? null : reviewLink(publicUrl, ctx.publicToken),
  };
}

/**
 * Under the `gated` policy an unhappy patient never sees the review link: every sentence of the
 * template that carries {{reviewLink}} is left out (sentences end at . ! ? or after a placeholder).
 */
export function withoutReviewLinkSentences(text: string): string {
  return text
    .split(/(?<=[.!?]|\}\})\s+/)
    .filter((sentence) => !/\{\{\s*reviewLink\s*\}\}/.test(sentence))
    .join(" ");
}

export interface NewMessage {
  ctx: PatientContext;
  type: MessageType;
  addressing: Addressing;
  /** Rendered body. */
  body: string;
  contentVariables: Record<string, string> | null;
  campaignId: string | null;
  now: Date;
  /** When the send is due (default now). */
  dueAt?: Date;
  /** The platform's WhatsApp templates, for a workspace without its own of this type. */
  platformContentSids?: PlatformContentSids | undefined;
}

/** Inserts the message (the workspace id is a column of the insert) and its send row; returns the message id. */
export async function insertMessage(em: EntityManager, m: NewMessage): Promise<string> {
  const contentSid =
    m.addressing.channel === "WHATSAPP"
      ? (resolveWhatsAppContentSid({ type: m.type, language: m.ctx.language, workspaceSids: m.ctx.whatsappContentSids, platform: m.platformContentSids })?.sid ?? null)
      : null;
  const rows = await em.execute<{ id: string }[]>(
    `insert into messages (id, workspace_id, patient_id, campaign_id, type, channel, status, to_address, from_address, body, content_sid, content_variables, created_at, updated_at)
     values (gen_random_uuid(), ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?::jsonb, ?, ?) returning id`,
    [m.ctx.workspaceId, m.ctx.patientId, m.campaignId, m.type, m.addressing.channel, m.addressing.to, m.addressing.from, m.body, contentSid, m.contentVariables ? JSON.stringify(m.contentVariables) : null, m.now, m.now],
  );
  const id = rows[0]!.id;
  await enqueueOutbox(em, {
    workspaceId: m.ctx.workspaceId,
    stream: OutboxStream.DISPATCH,
    type: messageSendEvent.type,
    payload: { messageId: id },
    idempotencyKey: messageSendEvent.key(id),
    availableAt: m.dueAt ?? m.now,
  });
  return id;
}

/** Renders a patient template for the channel and creates the message; returns its id and rendered body. */
export async function createTemplatedMessage(
  em: EntityManager,
  input: {
    ctx: PatientContext;
    type: TemplateType & MessageType;
    addressing: Addressing;
    publicUrl: string;
    now: Date;
    dueAt?: Date;
    withReviewLink?: boolean;
    platformContentSids?: PlatformContentSids | undefined;
  },
): Promise<{ id: string; body: string }> {
  const values = templateValues(input.ctx, input.publicUrl, { withReviewLink: input.withReviewLink ?? true });
  let text = await templateText(em, input.ctx.workspaceId, input.type, input.ctx.language, input.addressing.channel);
  if (input.withReviewLink === false) text = withoutReviewLinkSentences(text);
  // Numbered as WHATSAPP_CONTENT_VARIABLES says (the README of this package lists them).
  const variables = input.addressing.channel === "WHATSAPP" ? whatsappContentVariables(input.type, values) : null;
  const body = renderTemplate(text, values);
  const id = await insertMessage(em, {
    ctx: input.ctx,
    type: input.type,
    addressing: input.addressing,
    body,
    contentVariables: variables,
    campaignId: input.ctx.campaignId,
    now: input.now,
    platformContentSids: input.platformContentSids,
    ...(input.dueAt ? { dueAt: input.dueAt } : {}),
  });
  return { id, body };
}
