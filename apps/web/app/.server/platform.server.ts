import type { PlatformSending } from "@rm/domain";
import { getEnv } from "./env.server.ts";

/** The platform's senders and WhatsApp templates, for workspaces without their own (environment). */
export function platformSending(): PlatformSending {
  const env = getEnv();
  return {
    smsFrom: env.TWILIO_FROM_SMS,
    whatsappFrom: env.TWILIO_FROM_WHATSAPP,
    messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID,
    whatsappContentSids: env.WHATSAPP_DEFAULT_CONTENT_SIDS,
  };
}
