// `twilio.inbound` on 'inbound': a signed message from a patient, stored by the webhook and handled
// by the worker (SPEC §5.6).
import { z } from "zod";
import { defineEvent } from "./define-event.ts";
import { twilioParams } from "./twilio-params.ts";

export const twilioInboundEvent = defineEvent({
  stream: "inbound",
  type: "twilio.inbound",
  payload: z.object({
    params: twilioParams.refine((p) => Boolean(p.MessageSid ?? p.SmsSid) && Boolean(p.From) && Boolean(p.To), {
      message: "MessageSid, From and To are required",
    }),
    /** Set when the message reached a workspace's own Twilio account: it routes to that workspace only (SPEC §12). */
    workspaceId: z.uuid().optional(),
  }),
  /** One row per provider message: a redelivered webhook is the same reply. */
  key: (messageSid: string) => `twilio-inbound:${messageSid}`,
});
