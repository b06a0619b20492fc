// What a workspace lacks to send on a channel: a sender (its own or the platform's) and, on WhatsApp,
// an approved template for every type sent outside the 24-hour window. One answer for the upload's
// preview, the confirm step and the home page's checklist.
import type { Channel } from "./channel.ts";
import { resolveWhatsAppContentSid, WHATSAPP_CONTENT_REQUIRED, type PlatformContentSids, type WhatsAppContentType } from "./whatsapp-content.ts";

/** The platform's defaults from the environment (TWILIO_FROM_*, TWILIO_MESSAGING_SERVICE_SID, WHATSAPP_DEFAULT_CONTENT_SIDS). */
export interface PlatformSending {
  smsFrom?: string | undefined;
  whatsappFrom?: string | undefined;
  messagingServiceSid?: string | undefined;
  whatsappContentSids?: PlatformContentSids | undefined;
}

export interface WorkspaceSending {
  smsSender: string | null;
  whatsappSender: string | null;
  whatsappContentSids: Readonly<Record<string, string | undefined>> | null;
}

export type SendingGap = { kind: "NO_SENDER"; channel: Channel } | { kind: "NO_WHATSAPP_TEMPLATE"; type: WhatsAppContentType; language: string };

/**
 * Gaps for sending on `channels`; `languages` are the patients' languages on WhatsApp (default es).
 * A missing template is reported once per type and language.
 */
export function sendingGaps(input: { channels: Iterable<Channel>; languages?: Iterable<string>; workspace: WorkspaceSending; platform: PlatformSending }): SendingGap[] {
  const gaps: SendingGap[] = [];
  const channels = new Set(input.channels);
  const { workspace, platform } = input;
  if (channels.has("WHATSAPP")) {
    if (!workspace.whatsappSender && !platform.whatsappFrom) gaps.push({ kind: "NO_SENDER", channel: "WHATSAPP" });
    const languages = new Set(input.languages ?? []);
    if (languages.size === 0) languages.add("es");
    for (const language of [...languages].sort()) {
      for (const type of WHATSAPP_CONTENT_REQUIRED) {
        if (!resolveWhatsAppContentSid({ type, language, workspaceSids: workspace.whatsappContentSids, platform: platform.whatsappContentSids })) gaps.push({ kind: "NO_WHATSAPP_TEMPLATE", type, language });
      }
    }
  }
  if (channels.has("SMS") && !workspace.smsSender && !platform.smsFrom && !platform.messagingServiceSid) gaps.push({ kind: "NO_SENDER", channel: "SMS" });
  return gaps;
}
