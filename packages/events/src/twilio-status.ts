// `twilio.status` on 'provider-status': a signed Twilio status callback, stored by the webhook and
// applied by the worker (SPEC §5.5).
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
