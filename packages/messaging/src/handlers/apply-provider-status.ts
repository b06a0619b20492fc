// Handler for 'twilio.status' (stream 'provider-status'): one Twilio status callback → the message's
// delivery status, through applyDeliveryStatus, in the transaction that marks the outbox row done.
import type { EntityManager } from "@mikro-orm/postgresql";
import { LockMode } from "@mikro-orm/core";
import { Message, unscopedEm, workspaceEm } from "@rm/db";
import { parsePayload, type StreamEntry, twilioStatusPayloadSchema } from "@rm/streams";
import { runOutboxWork } from "../outbox/outbox-row.ts";
import { applyDeliveryStatus, type DeliveryStatusResult, recordDeliveryStatus } from "./apply-delivery-status.ts";
import type { HandlerDeps } from "./deps.ts";
import { parkUnreadable } from "./park-unreadable.ts";
import { twilioStatusEvent } from "@rm/events";

export const TWILIO_STATUS_TYPE = twilioStatusEvent.type;

export async function applyProviderStatus(deps: HandlerDeps, entry: StreamEntry): Promise<void> {
  const parsed = parsePayload(twilioStatusPayloadSchema, entry.payload);
  if (!parsed.ok) return parkUnreadable(deps, entry, parsed.error);
  const { params, messageId = null } = parsed.value;
  const sid = (params.MessageSid ?? params.SmsSid)!;
  const twilioStatus = params.MessageStatus ?? params.SmsStatus;
  const now = deps.clock.now();
  const log = { outboxId: entry.outboxId, messageId, providerSid: sid, twilioStatus };

  let applied = null as DeliveryStatusResult | null;
  await runOutboxWork(deps.orm.em, entry.outboxId, now, async (tem) => {
    const target = await findMessage(tem, messageId, sid);
    if (!target) {
      deps.logger.info(log, "status callback for an unknown message; ignored");
      return;
    }
    const wem = workspaceEm(tem, target.workspaceId);
    const message = await wem.findOne(Message, { id: target.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!message) return;
    if (!message.providerSid) {
      // The callback beat the sender's commit: record the sid now; the sender finds it set.
      message.providerSid = sid;
    } else if (message.providerSid !== sid) {
      deps.logger.warn({ ...log, messageId: message.id, recordedSid: message.providerSid }, "status callback names another provider sid; ignored");
      return;
    }
    applied = await applyDeliveryStatus(wem, message, twilioStatus, { errorCode: params.ErrorCode || null, now, logger: deps.logger });
    if (!applied.incoming) deps.logger.warn({ ...log, messageId: message.id }, "unknown provider status; ignored");
  });
  if (applied) recordDeliveryStatus(applied);
}

/**
 * Deliberate cross-tenant lookup (a callback carries no workspace): our id from the callback URL first,
 * then the provider sid. Everything after it is scoped to the message's workspace.
 */
async function findMessage(tem: EntityManager, messageId: string | null, sid: string): Promise<{ id: string; workspaceId: string } | null> {
  const uem = unscopedEm(tem);
  const found = (messageId ? await uem.findOne(Message, { id: messageId }) : null) ?? (await uem.findOne(Message, { providerSid: sid }));
  return found ? { id: found.id, workspaceId: found.workspace.id } : null;
}
