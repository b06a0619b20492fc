// `twilio.status` on 'provider-status': a signed Twilio status callback as web versions before
// decision 011 stored it. The webhook now writes provider_status_events instead (same identity: sid
// and status); the worker's handler moves rows of this type left by a rolling deploy into that table.
import { z } from "zod";
import { defineEvent } from "./define-event.ts";
import { UUID_RE, twilioParams } from "./twilio-params.ts";

export const twilioStatusEvent = defineEvent({
  stream: "provider-status",
  type: "twilio.status",
  payload: z.object({
    params: twilioParams.refine((p) => Boolean(p.MessageSid ?? p.SmsSid) && Boolean(p.MessageStatus ?? p.SmsStatus), {
      message: "MessageSid and MessageStatus are required",
    }),
    /** Our message id from the callback URL (?m=), or null. */
    messageId: z.string().regex(UUID_RE).nullable().optional(),
  }),
  /** One row per (message, status): Twilio's retries and replays collapse; a new status is new work. */
  key: (messageSid: string, status: string) => `twilio-status:${messageSid}:${status}`,
});
