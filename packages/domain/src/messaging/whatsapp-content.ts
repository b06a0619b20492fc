// WhatsApp Content API templates (SPEC §5.4). Outside the 24-hour window WhatsApp only delivers an
// approved template, addressed by its content SID (HX…) with numbered variables. A workspace may
// register its own templates; every workspace without its own uses the platform's, configured once
// per template type and language (WHATSAPP_DEFAULT_CONTENT_SIDS). This module is the one place that
// says which SID a message uses and which variables it carries.
import { z } from "zod";
import type { TemplateValues, TemplateVariable } from "./render-template.ts";

/** Message types that may be sent as a WhatsApp template. */
export const WHATSAPP_CONTENT_TYPES = ["INITIAL", "REMINDER", "FOLLOWUP_HAPPY", "FOLLOWUP_UNHAPPY", "HELP", "OPT_OUT_CONFIRMATION", "STAFF_REPLY_NOTICE"] as const;
export type WhatsAppContentType = (typeof WHATSAPP_CONTENT_TYPES)[number];
export const WHATSAPP_CONTENT_LANGUAGES = ["es", "en"] as const;
export type WhatsAppContentLanguage = (typeof WHATSAPP_CONTENT_LANGUAGES)[number];
/** Types sent outside the 24-hour window, so a WhatsApp campaign cannot go out without them. */
export const WHATSAPP_CONTENT_REQUIRED: readonly WhatsAppContentType[] = ["INITIAL", "REMINDER"];

/**
 * The variable each numbered placeholder carries, per type: {{1}} is the first entry, and so on.
 * Every template for that type (a workspace's own or the platform's) must number them this way.
 */
export const WHATSAPP_CONTENT_VARIABLES: Record<WhatsAppContentType, readonly TemplateVariable[]> = {
  INITIAL: ["name", "doctor", "practice", "ratingLink"],
  REMINDER: ["name", "practice", "ratingLink"],
  FOLLOWUP_HAPPY: ["reviewLink"],
  FOLLOWUP_UNHAPPY: ["feedbackLink", "reviewLink"],
  HELP: ["practice", "ratingLink"],
  OPT_OUT_CONFIRMATION: ["practice"],
  // A pending reply's notice (SPEC §13): the practice has written, answer to read it.
  STAFF_REPLY_NOTICE: ["name", "practice"],
};

export function isWhatsAppContentType(type: string): type is WhatsAppContentType {
  return (WHATSAPP_CONTENT_TYPES as readonly string[]).includes(type);
}

/** ContentVariables for a message of `type` ({"1": …, "2": …}); null for a type without a template. */
export function whatsappContentVariables(type: string, values: TemplateValues): Record<string, string> | null {
  if (!isWhatsAppContentType(type)) return null;
  return Object.fromEntries(WHATSAPP_CONTENT_VARIABLES[type].map((name, i) => [String(i + 1), values[name] ?? ""]));
}

/**
 * What a variable says when the recipient's value is empty: Twilio refuses a ContentVariables value
 * that is null or an empty string at the time of send (error 21656,
 * https://www.twilio.com/docs/api/errors/21656), so a contact without a name is greeted as "paciente".
 */
export const WHATSAPP_VALUE_FALLBACKS: Record<WhatsAppContentLanguage, Partial<Record<TemplateVariable, string>>> = {
  es: { name: "paciente", doctor: "su profesional" },
  en: { name: "patient", doctor: "your clinician" },
};

/**
 * The value a variable is sent with: the recipient's own, else the language's fallback. Newlines and
 * tabs become spaces and runs of spaces shrink to one: the same 21656 refuses them in a value.
 */
export function whatsappValue(name: string, value: string | null | undefined, language: string | null | undefined): string {
  const clean = value?.replace(/\s+/g, " ").trim();
  if (clean) return clean;
  const fallbacks = WHATSAPP_VALUE_FALLBACKS[language === "en" ? "en" : "es"];
  return fallbacks[name as TemplateVariable] ?? "";
}

/**
 * ContentVariables as sent with a template of `type`. `stored` is what the message carries, numbered
 * by the fixed order of WHATSAPP_CONTENT_VARIABLES; `names` are the template's own variables in its
 * number order (decision 039: a workspace's own templates number only the variables they use, without
 * gaps), or null for a template numbered by the fixed order. Empty values get their fallback.
 */
export function contentVariablesForTemplate(
  type: string,
  stored: Readonly<Record<string, string>> | null | undefined,
  names: readonly string[] | null | undefined,
  language: string | null | undefined,
): Record<string, string> | null {
  if (!stored || !isWhatsAppContentType(type)) return stored ? { ...stored } : null;
  const fixed = WHATSAPP_CONTENT_VARIABLES[type] as readonly string[];
  if (!names) return Object.fromEntries(Object.entries(stored).map(([n, v]) => [n, whatsappValue(fixed[Number(n) - 1] ?? "", v, language)]));
  return Object.fromEntries(names.map((name, i) => [String(i + 1), whatsappValue(name, stored[String(fixed.indexOf(name) + 1)], language)]));
}

/** A Twilio Content SID: HX + 32 hex digits. */
export const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;
const contentSid = z.string().trim().regex(CONTENT_SID, "expected a content SID (HX + 32 hex digits)");
const perType = z.partialRecord(z.enum(WHATSAPP_CONTENT_TYPES), contentSid);

/** The platform's templates: language → type → content SID. */
export type PlatformContentSids = Partial<Record<WhatsAppContentLanguage, Partial<Record<WhatsAppContentType, string>>>>;

export const platformContentSidsSchema = z.strictObject({ es: perType.optional(), en: perType.optional() }) as z.ZodType<PlatformContentSids>;

/** Parses WHATSAPP_DEFAULT_CONTENT_SIDS; throws an Error whose message names the bad entry. */
export function parsePlatformContentSids(json: string): PlatformContentSids {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error('expected JSON like {"es":{"INITIAL":"HX…"},"en":{…}}');
  }
  const result = platformContentSidsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`${issue.path.join(".") || "value"}: ${issue.message}`);
  }
  return result.data;
}

export type ContentSidSource = "message" | "workspace" | "platform";

export interface ContentSidChoice {
  sid: string;
  source: ContentSidSource;
}

/**
 * The template a WhatsApp message uses: the message's own, else the workspace's own for that type,
 * else the platform's for that type in the patient's language, else the platform's Spanish one.
 * Null when there is none (the message can then only go out inside the 24-hour window).
 */
export function resolveWhatsAppContentSid(input: {
  type: string;
  language?: string | null | undefined;
  messageSid?: string | null | undefined;
  workspaceSids?: Readonly<Record<string, string | undefined>> | null | undefined;
  platform?: PlatformContentSids | null | undefined;
}): ContentSidChoice | null {
  if (input.messageSid) return { sid: input.messageSid, source: "message" };
  const own = input.workspaceSids?.[input.type];
  if (own) return { sid: own, source: "workspace" };
  if (!isWhatsAppContentType(input.type) || !input.platform) return null;
  const language = input.language === "en" ? "en" : "es";
  const platform = input.platform[language]?.[input.type] ?? input.platform.es?.[input.type];
  return platform ? { sid: platform, source: "platform" } : null;
}

/** Quick-reply button of a template: `id` is the ButtonPayload the patient's tap sends back. */
export interface ContentButton {
  id: string;
  title: string;
}

/** The text of one of the platform's templates, as it is registered at Twilio and approved by WhatsApp. */
export interface PlatformTemplateText {
  body: string;
  /** twilio/quick-reply actions; the payloads are the bare digits the reply parser reads as ratings. */
  buttons?: ContentButton[];
}

const RATING_BUTTONS: ContentButton[] = ["1", "2", "3", "4", "5"].map((n) => ({ id: n, title: n }));

/**
 * What the platform's templates say (the operator registers these at Twilio's Content Template
 * Builder, README "WhatsApp templates"); their placeholders follow WHATSAPP_CONTENT_VARIABLES.
 */
export const PLATFORM_TEMPLATE_TEXTS: Record<WhatsAppContentLanguage, Record<WhatsAppContentType, PlatformTemplateText>> = {
  es: {
    INITIAL: {
      body: "Hola {{1}}, gracias por su visita a {{3}}. ¿Cómo calificaría su atención del 1 al 5? Toque un número o califique aquí: {{4}}",
      buttons: RATING_BUTTONS,
    },
    REMINDER: { body: "Hola {{1}}, en {{2}} nos importa su opinión. ¿Del 1 al 5, cómo fue su atención? Toque un número o califique aquí: {{3}}", buttons: RATING_BUTTONS },
    FOLLOWUP_HAPPY: { body: "¡Gracias! ¿Nos ayudaría con una reseña en Google? {{1}}" },
    FOLLOWUP_UNHAPPY: { body: "Lamentamos que su experiencia no haya sido buena. Cuéntenos qué pasó: {{1}} También puede dejar una reseña pública: {{2}}" },
    HELP: { body: "Mensaje de {{1}}. Para calificar su atención use este enlace: {{2}} Responda STOP para no recibir más mensajes." },
    OPT_OUT_CONFIRMATION: { body: "No recibirá más mensajes de {{1}}. Responda START si cambia de opinión." },
    STAFF_REPLY_NOTICE: { body: "Hola {{1}}, {{2}} le ha escrito un mensaje. Responda a este mensaje para leerlo." },
  },
  en: {
    INITIAL: {
      body: "Hi {{1}}, thank you for visiting {{3}}. How would you rate your care from 1 to 5? Tap a number or rate here: {{4}}",
      buttons: RATING_BUTTONS,
    },
    REMINDER: { body: "Hi {{1}}, at {{2}} your opinion matters. From 1 to 5, how was your care? Tap a number or rate here: {{3}}", buttons: RATING_BUTTONS },
    FOLLOWUP_HAPPY: { body: "Thank you! Would you help us with a Google review? {{1}}" },
    FOLLOWUP_UNHAPPY: { body: "We are sorry your experience was not good. Tell us what happened: {{1}} You can also leave a public review: {{2}}" },
    HELP: { body: "Message from {{1}}. To rate your care use this link: {{2}} Reply STOP to stop receiving messages." },
    OPT_OUT_CONFIRMATION: { body: "You will not receive more messages from {{1}}. Reply START if you change your mind." },
    STAFF_REPLY_NOTICE: { body: "Hi {{1}}, {{2}} has written you a message. Reply to this message to read it." },
  },
};

/**
 * Content SIDs of the platform's templates in local runs (`npm start`, tests): the simulator approves
 * them. Production sets WHATSAPP_DEFAULT_CONTENT_SIDS to the SIDs of its own approved templates.
 */
export const LOCAL_PLATFORM_CONTENT_SIDS: Record<WhatsAppContentLanguage, Record<WhatsAppContentType, string>> = {
  es: {
    INITIAL: "HXe5000000000000000000000000000001",
    REMINDER: "HXe5000000000000000000000000000002",
    FOLLOWUP_HAPPY: "HXe5000000000000000000000000000003",
    FOLLOWUP_UNHAPPY: "HXe5000000000000000000000000000004",
    HELP: "HXe5000000000000000000000000000005",
    OPT_OUT_CONFIRMATION: "HXe5000000000000000000000000000006",
    STAFF_REPLY_NOTICE: "HXe5000000000000000000000000000007",
  },
  en: {
    INITIAL: "HXe4000000000000000000000000000001",
    REMINDER: "HXe4000000000000000000000000000002",
    FOLLOWUP_HAPPY: "HXe4000000000000000000000000000003",
    FOLLOWUP_UNHAPPY: "HXe4000000000000000000000000000004",
    HELP: "HXe4000000000000000000000000000005",
    OPT_OUT_CONFIRMATION: "HXe4000000000000000000000000000006",
    STAFF_REPLY_NOTICE: "HXe4000000000000000000000000000007",
  },
};

/** The approved texts behind a set of platform SIDs, keyed by SID (what the simulator renders). */
export function platformTemplatesBySid(sids: PlatformContentSids): Map<string, PlatformTemplateText & { type: WhatsAppContentType; language: WhatsAppContentLanguage }> {
  const out = new Map<string, PlatformTemplateText & { type: WhatsAppContentType; language: WhatsAppContentLanguage }>();
  for (const language of WHATSAPP_CONTENT_LANGUAGES) {
    for (const type of WHATSAPP_CONTENT_TYPES) {
      const sid = sids[language]?.[type];
      if (sid) out.set(sid, { ...PLATFORM_TEMPLATE_TEXTS[language][type], type, language });
    }
  }
  return out;
}

/** Fills {{1}}, {{2}}… of an approved template with ContentVariables, as the patient sees it. */
export function renderContent(body: string, variables: Readonly<Record<string, string>> | null | undefined): string {
  return body.replace(/\{\{\s*(\d+)\s*\}\}/g, (_m, n: string) => variables?.[n] ?? "");
}
