// Handler for 'twilio.inbound' (stream 'inbound'): stores a patient's message once (unique provider
// sid), routes it to a workspace (SPEC §5.6: the workspace with the most recent outbound message from
// that sender to that phone), links the message and patient it answers, and opens the WhatsApp
// 24-hour window on the contact. Reading the text (ratings, opt-outs, HELP) is NOT done here: it
// plugs in through `deps.onInboundRouted`.
import type { EntityManager } from "@mikro-orm/postgresql";
import { LockMode } from "@mikro-orm/core";
import { Channel, Contact, InboundMessage, unscopedEm, workspaceEm } from "@rm/db";
import { parsePayload, type StreamEntry, twilioInboundPayloadSchema } from "@rm/streams";
import { defineInstruments } from "@rm/telemetry";
import { runOutboxWork } from "../outbox/outbox-row.ts";
import type { HandlerDeps } from "./deps.ts";
import { parkUnreadable } from "./park-unreadable.ts";
import { insertLeadContact } from "../contacts/leads.ts";
import { landInThread } from "../conversations/threads.ts";
import { twilioInboundEvent } from "@rm/events";

export const TWILIO_INBOUND_TYPE = twilioInboundEvent.type;

const WHATSAPP_PREFIX = "whatsapp:";
const E164 = /^\+[1-9][0-9]{6,14}$/;

export interface InboundRoute {
  workspaceId: string;
  messageId: string;
  patientId: string;
}

const instruments = defineInstruments((meter) => ({
  replies: meter.createCounter("rm.messages.replied", {
    description: "Inbound patient messages stored, by channel and outcome (routed to a conversation, unrouted)",
  }),
}));

export async function storeInbound(deps: HandlerDeps, entry: StreamEntry): Promise<void> {
  const parsed = parsePayload(twilioInboundPayloadSchema, entry.payload);
  if (!parsed.ok) return parkUnreadable(deps, entry, parsed.error);
  const params = parsed.value.params;
  const sid = (params.MessageSid ?? params.SmsSid)!;
  const from = params.From!; // the patient, "whatsapp:+593…" or "+593…"
  const to = params.To!; // our sender, spelled as Message.fromAddress
  const channel = from.startsWith(WHATSAPP_PREFIX) ? Channel.WHATSAPP : Channel.SMS;
  const phone = from.startsWith(WHATSAPP_PREFIX) ? from.slice(WHATSAPP_PREFIX.length) : from;
  const now = deps.clock.now();

  // Counted after the commit, so a rolled-back attempt (retried later) is not counted twice.
  let stored: "routed" | "unrouted" | undefined;
  await runOutboxWork(deps.orm.em, entry.outboxId, now, async (tem, row) => {
    stored = undefined;
    const uem = unscopedEm(tem);
    if (await uem.findOne(InboundMessage, { providerSid: sid }, { fields: ["id"] })) {
      deps.logger.info({ outboxId: entry.outboxId, providerSid: sid }, "inbound message already stored");
      return;
    }
    // The webhook wrote available_at = the time it received the message.
    const receivedAt = row.availableAt < now ? row.availableAt : now;
    const fields = {
      providerSid: sid,
      channel,
      fromAddress: from,
      toAddress: to,
      body: params.Body ?? "",
      buttonPayload: params.ButtonPayload || null,
      rawParams: params,
      receivedAt,
    };

    const ownWorkspace = parsed.value.workspaceId;
    const route = await findRoute(tem, from, to, ownWorkspace, params.MessagingServiceSid);
    if (!route && ownWorkspace && E164.test(phone)) {
      // A phone nobody wrote to, on a workspace's own sender: the sender says whose it is (SPEC §13).
      // It lands in a thread of a new contact, without a patient until staff link one; a contact that
      // came this way is a lead, NEW (SPEC §16). A phone the workspace already knows stays what it was.
      const wem = workspaceEm(tem, ownWorkspace);
      await insertLeadContact(wem, { workspaceId: ownWorkspace, phone, name: null, source: "INBOUND", at: receivedAt });
      await openWindow(wem, phone, to, receivedAt);
      await wem.flush();
      const conversationId = await landInThread(wem, { workspaceId: ownWorkspace, phone, patientId: null, channel, senderAddress: to, contactAddress: from, at: receivedAt, inbound: true });
      const inbound = wem.create(InboundMessage, { ...fields, workspace: ownWorkspace, conversation: conversationId, processedAt: new Date() });
      await wem.flush();
      stored = "routed";
      deps.logger.info({ outboxId: entry.outboxId, providerSid: sid, inboundId: inbound.id, workspaceId: ownWorkspace }, "inbound message from a new phone on an own sender; new thread");
      // No patient: the reader runs only the assistant's steps (an urgent message alerts the staff number).
      if (deps.onInboundRouted) {
        await deps.onInboundRouted(wem, inbound);
        await wem.flush();
      }
      return;
    }
    if (!route) {
      uem.create(InboundMessage, { ...fields, workspace: null });
      await uem.flush();
      stored = "unrouted";
      deps.logger.info({ outboxId: entry.outboxId, providerSid: sid, channel }, "inbound message from an unknown phone; stored unrouted");
      return;
    }

    const wem = workspaceEm(tem, route.workspaceId);
    await openWindow(wem, phone, to, receivedAt);
    await wem.flush();
    // Every routed message lands in the thread of its contact and sender (SPEC §13).
    const conversationId = await landInThread(wem, { workspaceId: route.workspaceId, phone, patientId: route.patientId, channel, senderAddress: to, contactAddress: from, at: receivedAt, inbound: true });
    const inbound = wem.create(InboundMessage, { ...fields, workspace: route.workspaceId, patient: route.patientId, inReplyTo: route.messageId, conversation: conversationId });
    await wem.flush();
    stored = "routed";
    deps.logger.info({ outboxId: entry.outboxId, providerSid: sid, inboundId: inbound.id, workspaceId: route.workspaceId, messageId: route.messageId }, "inbound message stored");
    if (deps.onInboundRouted) {
      await deps.onInboundRouted(wem, inbound);
      await wem.flush();
    }
  });
  if (stored) instruments().replies.add(1, { channel, outcome: stored });
}

/**
 * Deliberate cross-tenant read (an inbound webhook carries no workspace): the most recent outbound
 * message from our sender (`to`) to the patient's address (`from`, channel prefix included, so an SMS
 * never routes by a WhatsApp conversation). Uses messages_route_idx.
 *
 * A message sent through a Messaging Service is stored with the service's sid as its sender (Twilio
 * picks the number), while the reply is addressed to the number: Twilio's inbound request for a
 * number in a service carries that service's `MessagingServiceSid`
 * (https://www.twilio.com/docs/messaging/guides/webhook-request), so the service's messages match too.
 *
 * A sign-up verification code has no patient: a reply to it is no patient's answer.
 */
export async function findRoute(em: EntityManager, from: string, to: string, workspaceId?: string, messagingServiceSid?: string): Promise<InboundRoute | null> {
  // A reply to a workspace's own account (the webhook found it by AccountSid) stays in that workspace.
  const senders = messagingServiceSid && /^MG[0-9a-fA-F]{32}$/.test(messagingServiceSid) ? [to, messagingServiceSid] : [to];
  const rows = await em.execute<{ id: string; workspace_id: string; patient_id: string }[]>(
    `select id, workspace_id, patient_id from messages
      where to_address = ? and from_address in (${senders.map(() => "?").join(", ")}) and patient_id is not null${workspaceId ? " and workspace_id = ?" : ""}
      order by send_attempted_at desc nulls last, created_at desc
      limit 1`,
    workspaceId ? [from, ...senders, workspaceId] : [from, ...senders],
  );
  const row = rows[0];
  return row ? { workspaceId: row.workspace_id, messageId: row.id, patientId: row.patient_id } : null;
}

/** Contact.lastInboundAt[sender] = when the patient last wrote to that sender (only ever moves forward). */
async function openWindow(wem: EntityManager, phone: string, sender: string, at: Date): Promise<void> {
  const contact = await wem.findOne(Contact, { phone }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!contact) return;
  // The contacts list's last contact moves forward with every message from the patient.
  if (!contact.lastContactAt || contact.lastContactAt < at) contact.lastContactAt = at;
  const current = contact.lastInboundAt?.[sender];
  if (current && new Date(current) >= at) return;
  contact.lastInboundAt = { ...contact.lastInboundAt, [sender]: at.toISOString() };
}
