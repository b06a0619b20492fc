// What stops an upload from being sent, named for the people who can fix it (preview and confirm):
// a channel without a sender, a WhatsApp message type without an approved template (neither the
// workspace's own nor the platform's), credits short of the hold.
import { coded, createMsg, type Coded } from "@rm/catalogue";
import { sendingGaps, type SendingGap } from "@rm/domain";
import type { Channel } from "./fields.ts";

export type SendBlockerCode = "NO_SENDER" | "NO_WHATSAPP_TEMPLATE" | "INSUFFICIENT_CREDITS";

export interface SendBlocker {
  code: SendBlockerCode;
  /** What is missing, as a catalogue code with its parameters (pages show it in their language). */
  text: Coded;
  /** Its Spanish text (logs, the error message) and English text (the API's problem details). */
  es: string;
  en: string;
  /** Where it is fixed, and the link's text. */
  fixUrl: string;
  fix: Coded;
}

const es = createMsg("es");
const en = createMsg("en");

function gapBlocker(gap: SendingGap, counts: Partial<Record<Channel, number>>): SendBlocker {
  const settings = { fixUrl: "/settings", fix: coded("sending.blocker.fixSettings") };
  if (gap.kind === "NO_SENDER") {
    const code = gap.channel === "WHATSAPP" ? "sending.blocker.noWhatsappSender" : "sending.blocker.noSmsSender";
    const count = counts[gap.channel] ?? 0;
    return { code: "NO_SENDER", text: coded(code, { count }), es: es(code, { count }), en: en(code, { count }), ...settings };
  }
  const params = { type: gap.type, language: gap.language };
  return { code: "NO_WHATSAPP_TEMPLATE", text: coded("sending.blocker.noTemplate", params), es: es("sending.blocker.noTemplate", params), en: en("sending.blocker.noTemplate", params), ...settings };
}

/** The blockers of a planned send, in the order they are listed. Empty: it can go. */
export function sendBlockers(input: {
  counts: Partial<Record<Channel, number>>;
  whatsappLanguages: Iterable<string>;
  workspace: Parameters<typeof sendingGaps>[0]["workspace"];
  platform: Parameters<typeof sendingGaps>[0]["platform"];
  credits: { needed: number; available: number; shortfall: number };
}): SendBlocker[] {
  const channels = (Object.keys(input.counts) as Channel[]).filter((c) => (input.counts[c] ?? 0) > 0);
  const gaps = sendingGaps({ channels, languages: input.whatsappLanguages, workspace: input.workspace, platform: input.platform });
  const blockers = gaps.map((g) => gapBlocker(g, input.counts));
  if (input.credits.shortfall > 0) {
    const params = { needed: input.credits.needed, available: input.credits.available };
    blockers.push({
      code: "INSUFFICIENT_CREDITS",
      text: coded("sending.blocker.credits", params),
      es: es("sending.blocker.credits", params),
      en: en("sending.blocker.credits", params),
      fixUrl: "/billing",
      fix: coded("sending.blocker.fixBilling"),
    });
  }
  return blockers;
}
