// Handler for 'twilio.status' (stream 'provider-status'): status callbacks that an earlier web
// version stored as outbox rows (before decision 011) are moved, in the transaction that marks the
// outbox row done, into provider_status_events, where the status applier applies them like any
// other. Replays collapse on the (sid, status) key there as well. Nothing writes new rows of this
// type; the handler drains what a rolling deploy leaves behind.
import { DELIVERY_STATUS_RANK, fromTwilioStatus } from "@rm/domain";
import { parsePayload, type StreamEntry, twilioStatusPayloadSchema } from "@rm/streams";
import { runOutboxWork } from "../outbox/outbox-row.ts";
import { STATUS_EVENTS_CHANNEL } from "../webhooks/status-event-insert.ts";
import type { HandlerDeps } from "./deps.ts";
import { parkUnreadable } from "./park-unreadable.ts";
import { twilioStatusEvent } from "@rm/events";

export const TWILIO_STATUS_TYPE = twilioStatusEvent.type;

const MOVE_SQL = `insert into provider_status_events (provider_sid, status, rank, error_code, params, message_id, received_at, available_at, trace_context)
  values (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)
  on conflict (provider_sid, status) do nothing`;

export async function applyProviderStatus(deps: HandlerDeps, entry: StreamEntry): Promise<void> {
  const parsed = parsePayload(twilioStatusPayloadSchema, entry.payload);
  if (!parsed.ok) return parkUnreadable(deps, entry, parsed.error);
  const { params, messageId = null } = parsed.value;
  const sid = (params.MessageSid ?? params.SmsSid)!;
  const status = (params.MessageStatus ?? params.SmsStatus)!;
  const mapped = fromTwilioStatus(status);
  const now = deps.clock.now();
  await runOutboxWork(deps.orm.em, entry.outboxId, now, async (tem) => {
    await tem.execute(MOVE_SQL, [sid, status, mapped ? DELIVERY_STATUS_RANK[mapped] : null, params.ErrorCode || null, JSON.stringify(params), messageId, now, now, entry.traceparent || null], "run");
    // Inside the transaction: rare (a drain), so the serialized notifying commit does not matter.
    await tem.execute(`select pg_notify('${STATUS_EVENTS_CHANNEL}', '')`, [], "run");
  });
}
