// The SMS fallback of a WhatsApp message (SPEC §12). Twilio accepts a WhatsApp message (201) and
// only later reports, in a `failed` status callback, that the number has no WhatsApp (63003), that
// Meta refuses the recipient (63024) or that free text was outside the 24-hour window (63016):
//   https://www.twilio.com/docs/api/errors/63003, /63016, /63024.
// Then the same message goes once more, by SMS, through the outbox and the send protocol like any
// send (consent, opt-out, erasure, cancellation, pause, rate limit and credits are checked at send
// time; the row is due out of the practice's quiet hours). The message row is the one timeline
// entry: it keeps the WhatsApp attempt (sid, error code, when the fallback was decided) and becomes
// an SMS waiting to be sent. The contact remembers that WhatsApp does not reach it.
//
// Exactly once: the update below only takes a failed WhatsApp message that has not fallen back yet
// (one statement, under the message's row lock), and the outbox row's key is one per message.
// Credits: the WhatsApp attempt was not billed (a failed message is not charged; decision in
// docs/SPEC.md §12) and is refunded by applyDeliveryStatus; the SMS holds and is charged its own
// segments under the fallback's ledger references (creditReference) when it is sent.
import type { EntityManager } from "@mikro-orm/postgresql";
import { reminderSettings } from "@rm/accounts";
import { messageReference, smsFallbackReference } from "@rm/credits";
import { enqueueOutbox, OutboxStream, pgArray } from "@rm/db";
import { shiftOutOfQuietHours, SMS_FALLBACK_CODES } from "@rm/domain";
import { messageSmsFallbackEvent } from "@rm/events";
import { defineInstruments } from "@rm/telemetry";

const instruments = defineInstruments((meter) => ({
  fallbacks: meter.createCounter("rm.messages.sms_fallback", {
    description: "WhatsApp messages that failed by status callback (no WhatsApp, template not usable) and were queued to go by SMS, by error code",
  }),
}));

// Only a WhatsApp message that failed with a fallback code, that has a sid, that has not fallen back
// before, and whose WhatsApp hold is settled or released (credits_held = 0): while the sender's step 3
// is still to come the hold is open, and the sender starts the fallback when it records the failure.
// An opt-out confirmation never falls back: the patient has just asked for no more messages, and on
// SMS the provider confirms opt-outs itself. Late callbacks of the WhatsApp attempt name `fallback_from_sid`
// and are ignored by the status applier.
const START_SQL = `update messages m
    set channel = 'SMS', status = 'PENDING',
        fallback_at = ?, fallback_from_sid = m.provider_sid, fallback_error_code = m.error_code,
        provider_sid = null, to_address = regexp_replace(m.to_address, '^whatsapp:', ''), from_address = null,
        error_code = null, error_text = null, failed_at = null, sent_at = null, delivered_at = null, read_at = null,
        segments = null, encoding = null, send_attempted_at = null,
        retry_since = null, retry_failures = 0, retry_reason = null, next_retry_at = null, updated_at = ?
  where m.workspace_id = ? and m.id = ? and m.channel = 'WHATSAPP' and m.status = 'FAILED'
    and m.fallback_at is null and m.provider_sid is not null and m.error_code = any(?::int[])
    and m.credits_held = 0 and m.type <> 'OPT_OUT_CONFIRMATION'
  returning m.patient_id::text as patient_id, m.fallback_error_code as code`;

const REMEMBER_SQL = `update contacts c
    set no_whatsapp_at = coalesce(c.no_whatsapp_at, ?), no_whatsapp_code = coalesce(c.no_whatsapp_code, ?), updated_at = ?
   from patients p
  where p.workspace_id = ? and p.id = ? and c.id = p.contact_id`;

/**
 * Starts the SMS fallback of a message that just failed on WhatsApp, in the caller's transaction (the
 * caller holds the message's row lock). Returns false when the message is not one to fall back
 * (another channel or code, already fallen back, not recorded by the sender yet).
 */
export async function startSmsFallback(em: EntityManager, input: { workspaceId: string; messageId: string; now: Date }): Promise<boolean> {
  const { workspaceId, messageId, now } = input;
  const rows = await em.execute<{ patient_id: string; code: number }[]>(START_SQL, [now, now, workspaceId, messageId, pgArray([...SMS_FALLBACK_CODES])]);
  const started = rows[0];
  if (!started) return false;
  await em.execute(REMEMBER_SQL, [now, started.code, now, workspaceId, started.patient_id], "run");
  const ws = (await reminderSettings(em, [workspaceId])).get(workspaceId);
  await enqueueOutbox(em, {
    workspaceId,
    stream: OutboxStream.DISPATCH,
    type: messageSmsFallbackEvent.type,
    payload: { messageId },
    idempotencyKey: messageSmsFallbackEvent.key(messageId),
    availableAt: shiftOutOfQuietHours(now, ws?.timezone ?? "America/Guayaquil", ws?.quietHours ?? null),
  });
  instruments().fallbacks.add(1, { code: String(started.code) });
  return true;
}

/**
 * The ledger references of a message's credits: its hold and its deduction are `message:<id>`; the
 * SMS fallback's are its own (`fallback:message:<id>`), so the WhatsApp attempt's deduction and
 * refund stay as they were and the SMS is charged once for its real segments.
 */
export function creditReference(messageId: string, fallback: boolean): string {
  return fallback ? smsFallbackReference(messageId) : messageReference(messageId);
}
