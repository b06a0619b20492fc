// What stops an upload from being sent, named for the people who can fix it (preview and confirm):
// a channel without a sender, a WhatsApp message type without an approved template (neither the
// workspace's own nor the platform's), credits short of the hold.
import { sendingGaps, type SendingGap } from "@rm/domain";
import type { Channel } from "./fields.ts";

export type SendBlockerCode = "NO_SENDER" | "NO_WHATSAPP_TEMPLATE" | "INSUFFICIENT_CREDITS";

export interface SendBlocker {
  code: SendBlockerCode;
  /** Plain Spanish and English, naming what is missing. */
  es: string;
  en: string;
  /** Where it is fixed. */
  fixUrl: string;
  fixEs: string;
  fixEn: string;
}

const TYPE_NAMES: Record<string, [string, string]> = {
  INITIAL: ["solicitud de calificación", "rating request"],
  REMINDER: ["recordatorio", "reminder"],
  FOLLOWUP_HAPPY: ["seguimiento a pacientes satisfechos", "follow-up to happy patients"],
  FOLLOWUP_UNHAPPY: ["seguimiento a pacientes insatisfechos", "follow-up to unhappy patients"],
  HELP: ["ayuda", "help"],
  OPT_OUT_CONFIRMATION: ["confirmación de baja", "opt-out confirmation"],
};
const LANGUAGE_NAMES: Record<string, [string, string]> = { es: ["español", "Spanish"], en: ["inglés", "English"] };

function gapBlocker(gap: SendingGap, counts: Partial<Record<Channel, number>>): SendBlocker {
  const settings = { fixUrl: "/settings", fixEs: "Configurar en Ajustes", fixEn: "Set it up in Settings" };
  if (gap.kind === "NO_SENDER") {
    const n = counts[gap.channel] ?? 0;
    const patientsEs = n === 1 ? "1 paciente" : `${n} pacientes`;
    const patientsEn = n === 1 ? "1 patient" : `${n} patients`;
    return gap.channel === "WHATSAPP"
      ? { code: "NO_SENDER", es: `No hay un número de WhatsApp para enviar a ${patientsEs}.`, en: `There is no WhatsApp number to send to ${patientsEn}.`, ...settings }
      : { code: "NO_SENDER", es: `No hay un número de envío SMS para enviar a ${patientsEs}.`, en: `There is no SMS sender number to send to ${patientsEn}.`, ...settings };
  }
  const [typeEs, typeEn] = TYPE_NAMES[gap.type] ?? [gap.type, gap.type];
  const [langEs, langEn] = LANGUAGE_NAMES[gap.language] ?? [gap.language, gap.language];
  return {
    code: "NO_WHATSAPP_TEMPLATE",
    es: `No hay una plantilla de WhatsApp aprobada para «${typeEs}» en ${langEs}: WhatsApp no entregaría esos mensajes.`,
    en: `There is no approved WhatsApp template for "${typeEn}" in ${langEn}: WhatsApp would not deliver those messages.`,
    ...settings,
  };
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
    const { needed, available } = input.credits;
    blockers.push({
      code: "INSUFFICIENT_CREDITS",
      es: `Créditos insuficientes: se necesitan ${needed} y el saldo es ${available}.`,
      en: `Not enough credits: ${needed} needed, the balance is ${available}.`,
      fixUrl: "/billing",
      fixEs: "Comprar créditos o mejorar el plan",
      fixEn: "Buy credits or upgrade the plan",
    });
  }
  return blockers;
}
